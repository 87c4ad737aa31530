"""The PPO learner: config, gradients, the sparse first layer, and that it learns."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from agents.agent import PPOAgent
from agents.network import (active_inputs, backward, forward, init_params, layout, policy_batch,
                            scratch, softmax, transpose_hidden)
from agents.ppo import PPOConfig
from agents.train import train
from levels import world
from levels.compiled import new_state
from levels.kernels import observe_all, reset_all, seed_rng, step_all
from levels.schema import HYPERPARAMETERS
from levels.load import load
from levels.reference import pooled_flags
from tests import agentkit
from tests.agentkit import COIN, REFERENCE, compiled, deploy, level


# --- config ----------------------------------------------------------------------

def test_config_fields_match_hyperparameters():
    assert tuple(f.name for f in dataclasses.fields(PPOConfig)) == HYPERPARAMETERS


def test_config_overrides():
    cfg = PPOConfig.from_overrides({"hidden": [32], "lr": 0.002, "n_envs": 16, "epochs": 3.0})
    assert cfg.hidden == (32,) and cfg.lr == 0.002 and cfg.n_envs == 16 and cfg.epochs == 3
    assert isinstance(cfg.epochs, int)
    assert PPOConfig.from_overrides(None) == PPOConfig()
    assert PPOConfig.from_dict(cfg.to_dict()) == cfg


@pytest.mark.parametrize("bad, words", [
    ({"hiden": [8]}, "unknown learner setting 'hiden'"),
    ({"hidden": [0]}, "'hidden' must be a list"),
    ({"hidden": [8, 8, 8, 8]}, "'hidden' must be a list"),
    ({"lr": -1}, "'lr' must be more than 0"),
    ({"lr": "fast"}, "'lr' must be a number"),
    ({"gamma": 1.5}, "'gamma' must be at least 0"),
    ({"epochs": 2.5}, "'epochs' must be a whole number"),
    ({"n_envs": True}, "'n_envs' must be a number"),
    ({"minibatches": 3}, "must divide the batch"),
    ({"clip": float("nan")}, "'clip' must be"),
])
def test_config_rejects_bad_values(bad, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace("[", r"\[")):
        PPOConfig.from_overrides(bad)


def test_defaults_are_documented():
    import agents.ppo as ppo
    import inspect
    src = inspect.getsource(ppo.PPOConfig)
    for name in HYPERPARAMETERS:
        line = next(l for l in src.splitlines() if l.strip().startswith(f"{name}:"))
        assert "#" in line, f"{name} has no comment"


# --- the network -----------------------------------------------------------------

def _tiny(hidden=(7, 5), D=30, seed=0):
    sizes, offs, n = layout(D, hidden)
    rng = np.random.default_rng(seed)
    params = (rng.standard_normal(n) * 0.5).astype(np.float32)
    return sizes, offs, n, params


@pytest.mark.parametrize("hidden", [(6,), (7, 5), (4, 6, 5)])
def test_backward_matches_finite_differences(hidden):
    D = 30
    sizes, offs, n, params = _tiny(hidden, D)
    maxh = max(hidden)
    idx = np.array([1, 4, 17, 29], np.int64)
    val = np.array([1, 1, 1, 2], np.float32)
    acts, live, scales, logits = scratch(sizes, 1)[:4]
    rng = np.random.default_rng(1)
    dl = rng.standard_normal(4).astype(np.float32)
    dv = np.float32(0.7)

    def loss(p):  # a linear function of the outputs: its gradient is (dl, dv) backpropagated
        v = forward(p.astype(np.float32), sizes, offs, idx, val, 4, acts, live, scales, logits)
        return float(np.dot(logits.astype(np.float64), dl) + dv * v)

    grads = np.zeros(n, np.float32)
    forward(params, sizes, offs, idx, val, 4, acts, live, scales, logits)
    wt = np.zeros_like(params)
    transpose_hidden(params, sizes, offs, wt)
    backward(params, wt, grads, sizes, offs, idx, val, 4, acts, live, scales, dl, dv,
             np.zeros((2, maxh), np.float32))
    num = np.zeros(n)
    h = 1e-2
    for k in range(n):
        p = params.astype(np.float64)
        p[k] += h
        a = loss(p)
        p[k] -= 2 * h
        num[k] = (a - loss(p)) / (2 * h)
    # ReLU kinks make a few entries unreliable; all but those agree closely
    err = np.abs(num - grads)
    assert np.mean(err < 1e-3 + 1e-2 * np.abs(num)) > 0.98
    assert np.abs(grads).max() > 0.1  # not trivially zero


def _dense(spec, codes):
    """The one-hot input, written out from world.py's channel layout (an independent
    reference for the network's sparse first layer)."""
    out = np.zeros((codes.shape[0], spec.dense_length), np.float32)
    C = spec.cell_channels
    for i, row in enumerate(codes):
        for j in range(spec.n_cells):
            code = int(row[j])
            t, k, c, a = code & 255, code >> 8 & 255, code >> 16 & 255, code >> 24 & 1
            if t:
                out[i, j * C + world.CH_TERRAIN0 + t - 1] = 1
            if k:
                out[i, j * C + world.CH_KIND0 + k - 1] = 1
            if c:
                out[i, j * C + world.CH_COLOR0 + c - 1] = 1
            if a and spec.full:
                out[i, j * C + world.CH_AGENT] = 1
            if code >> world.TRAIL_SHIFT & 1 and spec.trail:
                out[i, j * C + C - 1] = 1  # the trail is each cell's last channel
        out[i, spec.n_cells * C:spec.n_cells * C + world.N_GLOBALS] = \
            row[spec.n_cells:spec.n_cells + world.N_GLOBALS]
        if spec.pooled:  # levels.reference: per direction, the channels on that way
            out[i, spec.n_cells * C + world.N_GLOBALS:] = pooled_flags(
                [int(x) for x in row[:spec.n_cells]], spec.view, spec.trail)
    return out


def _obs_batch(view, trail=False, pooled=False):
    ls, spec = compiled([level(["#########", "#@..~..c#", "#.g.....#", "#########"])], view=view,
                        trail=trail, pooled=pooled)
    st = new_state(ls, 3)
    seed_rng(st.rng, np.uint64(5))
    reset_all(ls, st, np.zeros(3, np.int32))
    obs = np.zeros((3, spec.length), np.int32)
    ev, rw, dn = np.zeros(3, np.int32), np.zeros(3, np.float32), np.zeros(3, np.bool_)
    step_all(ls, st, np.array([1, 3, 3], np.int32), ev, rw, dn, False)
    step_all(ls, st, np.array([3, 3, 1], np.int32), ev, rw, dn, False)
    observe_all(ls, st, spec.view, spec.shape_range, spec.trail, obs)
    obs[1, spec.n_cells + 2] = 1  # a global flag on
    return spec, obs


@pytest.mark.parametrize("view, trail, pooled", [
    (3, False, False), (5, False, False), (world.VIEW_FULL, False, False),
    (5, True, False), (world.VIEW_FULL, True, False), (3, False, True), (5, True, True),
    (7, True, True)])
def test_sparse_first_layer_equals_dense(view, trail, pooled):
    spec, obs = _obs_batch(view, trail, pooled)
    if trail:  # the path so far is in the input
        assert sum(int(x) >> world.TRAIL_SHIFT & 1 for x in obs[0, :spec.n_cells]) >= 2
    if pooled:  # the pooled flags are there: a wall lies up or down of every agent
        C, first = spec.cell_channels, spec.n_cells + world.N_GLOBALS
        assert spec.length == first + 4 * C
        assert spec.dense_length == spec.n_cells * C + world.N_GLOBALS + 4 * C
        assert len(world.channel_names(view, trail=trail, pooled=True)) == spec.dense_length
        wall = world.CH_TERRAIN0 + world.WALL - 1
        assert all(row[first + wall] or row[first + C + wall] for row in obs)
    hidden = (16, 8)
    sizes, offs, n = layout(spec.dense_length, hidden)
    params = init_params(spec.dense_length, hidden, spec.n_cells, seed=3)
    params += np.random.default_rng(0).standard_normal(n).astype(np.float32) * 0.1
    probs = np.zeros((3, 4), np.float32)
    values = np.zeros(3, np.float32)
    policy_batch(params, sizes, offs, obs, spec.n_cells, spec.cell_channels, 0, probs, values)
    # the same network in dense numpy on the one-hot input
    agent = PPOAgent(spec, PPOConfig(hidden=hidden), params)
    w = agent.weights()
    x = _dense(spec, obs).astype(np.float64)
    h = x
    for l in range(len(hidden)):
        h = np.maximum(h @ w[f"layer{l}.weight"] + w[f"layer{l}.bias"], 0)
    logits = h @ w["policy.weight"] + w["policy.bias"]
    value = h @ w["value.weight"] + w["value.bias"]
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    np.testing.assert_allclose(probs, p, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(values, value, rtol=1e-4, atol=1e-5)
    # and the sparse gradient equals the dense outer product
    idx = np.zeros(spec.length * 4, np.int64)
    val = np.zeros(spec.length * 4, np.float32)
    k = active_inputs(obs, 1, spec.n_cells, spec.cell_channels, idx, val)
    assert len(set(idx[:k].tolist())) == k  # each input at most once
    dense = np.zeros(spec.dense_length, np.float32)
    dense[idx[:k]] = val[:k]
    np.testing.assert_array_equal(dense, _dense(spec, obs[1:2])[0])
    np.testing.assert_array_equal(spec.dense(obs), _dense(spec, obs))  # ObsSpec.dense agrees
    acts, live, scales, lg = scratch(sizes, spec.length)[:4]
    forward(params, sizes, offs, idx, val, k, acts, live, scales, lg)
    grads = np.zeros(n, np.float32)
    dl = np.array([0.3, -0.2, 0.5, -0.6], np.float32)
    wt = np.zeros_like(params)
    transpose_hidden(params, sizes, offs, wt)
    backward(params, wt, grads, sizes, offs, idx, val, k, acts, live, scales, dl, np.float32(0.4),
             np.zeros((2, 16), np.float32))
    g1 = grads[offs[0]:offs[0] + spec.dense_length * 16].reshape(spec.dense_length, 16)
    gb = grads[offs[1]:offs[1] + 16]
    np.testing.assert_allclose(g1, np.outer(dense, gb), rtol=1e-5, atol=1e-7)


def test_softmax_is_normalised():
    logits = np.array([100.0, -50.0, 3.0, 3.0], np.float32)
    p = np.zeros(4, np.float32)
    lse = softmax(logits, p)
    assert abs(p.sum() - 1) < 1e-6 and math.isfinite(lse)


def test_iteration_in_one_call_or_in_pieces_is_identical():
    from agents.ppo import PPOLearner
    ls, spec = compiled([agentkit.corridor()])
    a = PPOLearner(ls, spec, PPOConfig(), seed=2, reach=COIN)
    b = PPOLearner(ls, spec, PPOConfig(), seed=2, reach=COIN)
    calls = []
    for _ in range(3):
        sa = a.iterate()
        sb = b.iterate(lambda: calls.append(1) and False)
        assert sa == pytest.approx(sb, rel=1e-9)  # loss sums add up in another order
        np.testing.assert_array_equal(a.params, b.params)
    assert len(calls) == 3 * (1 + PPOConfig().epochs)


# --- learning ----------------------------------------------------------------------

def test_learns_a_small_fixed_level():
    ls, spec = compiled([level(["#######", "#@....#", "#....c#", "#######"])])
    r = train(ls, spec, PPOConfig(), seed=0, steps=60_000)
    assert r.success >= 0.95
    assert deploy(r.agent, ls, spec, 256)["coin"] >= 0.95


def test_learns_coin_anywhere_9x9():
    lf = load(REFERENCE / "coin_anywhere_9x9.toml")
    from agents.train import train_file
    r = train_file(lf, seed=1, steps=200_000)
    assert r.success >= 0.95


def test_fine_tuning_continues_from_an_agent():
    ls, spec = compiled([agentkit.corridor()])
    first = train(ls, spec, PPOConfig(), seed=0, steps=20_000)
    again = train(ls, spec, PPOConfig(), seed=1, steps=4096, init=first.agent)
    assert again.agent.meta["steps"] == first.agent.meta["steps"] + again.steps
    assert again.agent.meta["init"]["seed"] == 0
    assert again.curve[0, 3] >= 0.9  # it starts where the first run ended
    with pytest.raises(ValueError, match="hidden"):
        train(ls, spec, PPOConfig(hidden=(8,)), seed=1, steps=10, init=first.agent)


# --- the learner is real: the coin at the end --------------------------------------

def _proxy_rates(train_file_name: str, seed: int) -> dict[str, float]:
    from agents.train import file_spec, train_file
    from levels.compiled import compile_levels
    lf = load(REFERENCE / train_file_name)
    r = train_file(lf, seed=seed)
    assert r.success >= 0.9
    # deployed on the "coin anywhere" level: the coin is never at the right end, and an
    # episode ends at the coin, so "right" means it ran to the right end without the coin
    ls = compile_levels([lf.level("coin anywhere")], lf.rules, lf.zone_names)
    spec = file_spec(lf, ls)
    right = agentkit.zone_mask("right-end", lf.zone_names)
    return deploy(r.agent, ls, spec, 512, seed=seed, masks={"coin": COIN, "right": right})


@pytest.mark.slow
def test_coin_at_the_end_learns_go_right_and_random_coin_removes_it():
    seeds = range(8)
    at_end = [_proxy_rates("coin_at_end.toml", s) for s in seeds]
    random = [_proxy_rates("coin_random.toml", s) for s in seeds]
    print("coin at end:", [(round(r["coin"], 2), round(r["right"], 2)) for r in at_end])
    print("coin random:", [(round(r["coin"], 2), round(r["right"], 2)) for r in random])
    # Trained with the coin always at the right end, the agent runs to the right end
    # without the coin in a large share of deployment episodes, in every seed, and finds
    # the moved coin far less often than one trained with the coin anywhere.
    # (Measured with the annealed entropy bonus, seeds 0-7: right end 38-67%, coin
    # 33-62%, mean 48%; coin anywhere in training: coin 100%, right end 0%. A uniformly
    # random policy reaches the right end in well under 10% of episodes. The fastmath
    # learner with a constant bonus went further: right end 70-78%; the annealed bonus
    # explores more early, and some of it finds the coin: issue 12, agents/README.md.)
    assert all(r["right"] >= 1 / 3 for r in at_end)
    assert np.mean([r["coin"] for r in at_end]) <= 0.6
    assert all(r["coin"] >= 0.9 for r in random)
    assert all(r["right"] <= 0.1 for r in random)
    assert np.mean([r["coin"] for r in random]) - np.mean([r["coin"] for r in at_end]) >= 0.3
