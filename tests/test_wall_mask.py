"""The wall mask (`[agent] wall_mask`): the policy never chooses a move into a wall
beside the agent, in training, in deployment and after a round trip through a file;
without it nothing changes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.agent import PPOAgent
from agents.files import load_agent, save_agent
from agents.network import init_params, layout, mask_walls, sample_action
from agents.ppo import PPOConfig, PPOLearner
from agents.train import train
from game.deploy import sample_actions
from levels import world
from levels.kernels import observe_all, reset_all, seed_rng
from levels.compiled import new_state
from tests.agentkit import compiled, corridor, deploy, level

BUMP = 1 << world.EVENT_BIT["bump"]

# a room whose start has walls on two sides, and a narrow corridor with walls above and below
NOOK = level(["#######", "#@....#", "#.....#", "#....c#", "#######"], "nook")


def _blocked(obs_row, view):
    """The actions whose neighbour cell in a centred window is a wall."""
    half = view // 2
    out = []
    for a, (dr, dc) in enumerate(world.ACTION_DELTAS):
        code = int(obs_row[(half + dr) * view + half + dc])
        if (code >> world.TERRAIN_SHIFT) & world.FIELD_MASK == world.WALL:
            out.append(a)
    return out


def _observe(ls, spec, n=4, seed=0):
    state = new_state(ls, n)
    seed_rng(state.rng, np.uint64(seed))
    reset_all(ls, state, np.full(n, -1, np.int32))
    obs = np.zeros((n, spec.length), np.int32)
    observe_all(ls, state, spec.view, spec.shape_range, spec.trail, obs)
    return obs


def _agent(spec, seed=3):
    hidden = (16,)
    _, _, n = layout(spec.dense_length, hidden)
    params = init_params(spec.dense_length, hidden, spec.n_cells, seed)
    params += np.random.default_rng(seed).standard_normal(n).astype(np.float32)
    return PPOAgent(spec, PPOConfig(hidden=hidden), params)


def test_the_mask_gives_moves_into_walls_probability_zero_and_keeps_the_rest_in_proportion():
    ls, spec = compiled([NOOK], wall_mask=True)
    _, plain = compiled([NOOK])
    obs = _observe(ls, spec)
    masked = _agent(spec).policy(obs)[0]
    free = _agent(plain).policy(obs)[0]  # the same weights, no mask
    for i in range(obs.shape[0]):
        blocked = _blocked(obs[i], spec.view)
        assert blocked == [world.UP, world.LEFT]  # the start is the top-left corner
        assert all(masked[i, a] == 0.0 for a in blocked)
        open_ = [a for a in range(world.N_ACTIONS) if a not in blocked]
        np.testing.assert_allclose(masked[i, open_], free[i, open_] / free[i, open_].sum(), rtol=1e-5)
    assert (free > 0).all()  # without the mask every move keeps some probability


def test_mask_walls_leaves_the_logits_alone_when_off():
    ls, spec = compiled([NOOK])
    obs = _observe(ls, spec)
    logits = np.arange(4, dtype=np.float32)
    mask_walls(obs, 0, 0, logits)
    np.testing.assert_array_equal(logits, np.arange(4, dtype=np.float32))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.1, 0.25, 1.0, 3.0]), min_size=4, max_size=4)
       .filter(lambda w: sum(w) > 0),
       st.floats(0.0, 1.0, exclude_max=True))
def test_sampling_never_picks_an_action_of_probability_zero(weights, u):
    probs = np.array(weights, np.float64)
    probs = (probs / probs.sum()).astype(np.float32)
    assert probs[sample_action(probs, u)] > 0
    assert probs[sample_actions(probs[None, :], np.array([u]))[0]] > 0
    assert probs[sample_actions(probs[None, :], np.array([np.nextafter(1.0, 0.0)]))[0]] > 0


def test_training_with_the_mask_never_samples_a_move_into_a_wall():
    ls, spec = compiled([NOOK, corridor()], wall_mask=True)
    learner = PPOLearner(ls, spec, PPOConfig(hidden=(8,), n_envs=8, n_steps=32), seed=4)
    learner.iterate()
    for row, a in zip(learner.obs_buf, learner.act_buf):
        assert int(a) not in _blocked(row, spec.view)
    assert np.isfinite(learner.params).all()
    # the log-probabilities the update compares against are the masked policy's
    learner2 = PPOLearner(ls, spec, PPOConfig(hidden=(8,), n_envs=8, n_steps=32), seed=4)
    # the rollout alone, so the weights stay those that chose the actions
    learner2.rollout()
    probs = PPOAgent(spec, learner2.config, learner2.params).policy(learner2.obs_buf)[0]
    picked = probs[np.arange(len(probs)), learner2.act_buf]
    np.testing.assert_allclose(learner2.logp_buf, np.log(picked), atol=1e-5)


def test_a_masked_agent_never_bumps_and_keeps_its_mask_in_its_file(tmp_path):
    ls, spec = compiled([NOOK], wall_mask=True)
    agent = train(ls, spec, PPOConfig(hidden=(16,)), seed=1, steps=2048).agent
    assert deploy(agent, ls, spec, 128, masks={"bump": BUMP})["bump"] == 0.0
    back = load_agent(save_agent(agent, tmp_path / "m.npz"))
    assert back.spec.wall_mask and back.spec == agent.spec
    assert deploy(back, ls, spec, 128, masks={"bump": BUMP})["bump"] == 0.0
    # the same weights without the mask do walk into walls: the test can fail
    plain = PPOAgent(spec._replace(wall_mask=False), agent.config, agent.params)
    assert deploy(plain, ls, spec, 128, masks={"bump": BUMP})["bump"] > 0.0
