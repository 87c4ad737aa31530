"""The far kinds (`[agent] far_kinds`, with pooled inputs): per direction, which kinds
of object lie that way anywhere in the level, out of view and behind walls too; the
flags follow the objects as they are taken, and agent files keep the setting."""

from __future__ import annotations

import json

import numpy as np
import pytest

from agents.files import AgentFileError, load_agent, save_agent
from agents.ppo import PPOConfig
from agents.train import train
from levels import world
from levels.compiled import new_state
from levels.kernels import observe_all, reset_all, seed_rng, step_all
from tests.agentkit import compiled, level

# The gem lies six cells right of the agent, beyond its 5x5 view and behind a wall;
# the coin two cells below it, in view.
ROOM = level(["###########",
              "#@..#....g#",
              "#...#.....#",
              "#c..#.....#",
              "###########"], "room")


def _observe(ls, spec):
    st = new_state(ls, 1)
    seed_rng(st.rng, np.uint64(0))
    reset_all(ls, st, np.zeros(1, np.int32))
    obs = np.zeros((1, spec.length), np.int32)
    observe_all(ls, st, spec.view, spec.shape_range, spec.trail, obs)
    return ls, st, obs[0]


def _flags(spec, row, first, width, names):
    return {f"{way}.{names[k]}" for w, way in enumerate(world.POOL_DIRECTIONS)
            for k in range(width) if row[first + w * width + k]}


def _far(spec, row):
    first = spec.n_cells + world.N_GLOBALS + spec.n_pooled
    return _flags(spec, row, first, len(world.KINDS), world.KINDS)


def _pooled_kinds(spec, row):
    first = spec.n_cells + world.N_GLOBALS
    names = [n.split(".")[-1] if n.startswith("kind.") else "" for n in
             world.cell_channel_names(False, spec.trail)]
    return {f for f in _flags(spec, row, first, spec.cell_channels, names) if not f.endswith(".")}


def test_far_kinds_sense_an_object_out_of_view_and_behind_a_wall():
    ls, spec = compiled([ROOM], pooled=True, far_kinds=True)
    _, _, row = _observe(ls, spec)
    assert spec.length == spec.n_cells + world.N_GLOBALS + spec.n_pooled + world.N_FAR_KINDS
    assert _far(spec, row) == {"right.gem", "down.coin"}
    # the window's own pooled flags see only the coin: the gem is out of view
    assert _pooled_kinds(spec, row) == {"down.coin"}


def test_without_far_kinds_the_observation_has_no_such_block():
    ls, spec = compiled([ROOM], pooled=True)
    _, _, row = _observe(ls, spec)
    assert spec.n_far == 0 and len(row) == spec.n_cells + world.N_GLOBALS + spec.n_pooled
    assert "right.gem" not in _pooled_kinds(spec, row)


def test_the_flags_follow_the_objects_as_they_are_taken():
    ls, spec = compiled([ROOM], pooled=True, far_kinds=True)
    ls, st, _ = _observe(ls, spec)
    ev, rw, dn = np.zeros(1, np.int32), np.zeros(1, np.float32), np.zeros(1, np.bool_)
    for _ in range(2):  # down twice: onto the coin, which ends nothing here but is taken
        step_all(ls, st, np.array([1], np.int32), ev, rw, dn, False)
    obs = np.zeros((1, spec.length), np.int32)
    observe_all(ls, st, spec.view, spec.shape_range, spec.trail, obs)
    assert "down.coin" not in _far(spec, obs[0]) and "right.gem" in _far(spec, obs[0])
    assert len(world.channel_names(spec.view, trail=spec.trail, pooled=True, far_kinds=True)) \
        == spec.dense_length


def test_agent_files_keep_far_kinds_and_refuse_them_without_pooled(tmp_path):
    ls, spec = compiled([ROOM], pooled=True, far_kinds=True)
    agent = train(ls, spec, PPOConfig(hidden=(8,)), seed=2, steps=1024).agent
    path = save_agent(agent, tmp_path / "a.npz")
    back = load_agent(path)
    assert back.spec.far_kinds and back.spec == agent.spec
    np.testing.assert_array_equal(back.params, agent.params)
    # the same file with the pooled inputs switched off in its metadata is refused
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(arrays["meta"].tobytes().decode())
    assert meta["obs_spec"]["pooled"] is True
    meta["obs_spec"]["pooled"] = False
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    np.savez(tmp_path / "b.npz", **arrays)
    with pytest.raises(AgentFileError, match="far kinds without pooled"):
        load_agent(tmp_path / "b.npz")
