"""Spawn randomization: uniform over the marked cells (chi-square test at p = 0.001
with a fixed seed), distinct cells for count > 1, fixed objects and the agent
avoided, and determinism: the same seed gives the same trajectories and
observations, different seeds differ."""

from __future__ import annotations

import numpy as np

from levels import kernels
from levels.compiled import compile_levels, new_state, obs_spec
from levels.model import Obj, Rules
from tests.worldkit import make_level

# Upper critical values of the chi-square distribution at p = 0.001, by degrees of freedom.
CHI2_999 = {1: 10.828, 2: 13.816, 3: 16.266, 4: 18.467, 5: 20.515, 6: 22.458, 7: 24.322,
            8: 26.124, 9: 27.877, 10: 29.588, 11: 31.264, 12: 32.909, 15: 37.697,
            20: 45.315, 24: 51.179, 48: 84.037}

RULES = Rules(reward={"coin": 10.0, "step": -0.05}, max_steps=30)
COIN = Obj("coin", "yellow")


def chi2(counts) -> float:
    counts = np.asarray(counts, np.float64)
    expected = counts.sum() / len(counts)
    return float(((counts - expected) ** 2 / expected).sum())


def reset_many(level, n, seed=12345):
    ls = compile_levels([level], RULES, ())
    st = new_state(ls, n)
    kernels.seed_rng(st.rng, seed)
    kernels.reset_all(ls, st, np.zeros(n, np.int32))
    return ls, st


def test_coin_spawn_is_uniform():
    lv = make_level(["#####", "#111#", "#111#", "#111#", "#@..#"], spawns={"1": (COIN, 1)})
    cells = lv.spawns[0].cells
    ls, st = reset_many(lv, 9000)
    counts = [int(np.sum((st.obj_r[:, 0] == r) & (st.obj_c[:, 0] == c))) for r, c in cells]
    assert sum(counts) == 9000
    assert chi2(counts) < CHI2_999[len(cells) - 1], counts


def test_agent_spawn_is_uniform_and_avoids_fixed_objects():
    lv = make_level(["AAAA", "AcAA", "AAAA"], spawns={"A": (None, 1)})
    cells = lv.spawns[0].cells
    assert (1, 1) not in cells  # the coin's cell is not marked
    ls, st = reset_many(lv, 11000)
    counts = [int(np.sum((st.r == r) & (st.c == c))) for r, c in cells]
    assert sum(counts) == 11000
    assert chi2(counts) < CHI2_999[len(cells) - 1], counts


def test_agent_spawn_skips_a_fixed_object_on_a_marked_cell():
    lv = make_level(["AAA", "AAA"], spawns={"A": (None, 1)},
                    )
    lv.objects.append((COIN, 0, 1))  # a fixed coin on a marked cell
    ls, st = reset_many(lv, 5000)
    assert not np.any((st.r == 0) & (st.c == 1))
    counts = [int(np.sum((st.r == r) & (st.c == c))) for r, c in lv.spawns[0].cells
              if (r, c) != (0, 1)]
    assert chi2(counts) < CHI2_999[len(counts) - 1], counts


def test_shared_cells_coin_marginal_is_uniform_and_never_on_the_agent():
    # the benchmark's room: agent and coin spawn on the same cells
    lv = make_level(["#####", "#111#", "#111#", "#111#", "#####"], spawns={"1": (COIN, 1)})
    from levels.model import Spawn
    lv.spawns.insert(0, Spawn("A", None, list(lv.spawns[0].cells)))
    ls, st = reset_many(lv, 9000)
    assert not np.any((st.r == st.obj_r[:, 0]) & (st.c == st.obj_c[:, 0]))
    cells = lv.spawns[1].cells
    counts = [int(np.sum((st.obj_r[:, 0] == r) & (st.obj_c[:, 0] == c))) for r, c in cells]
    assert chi2(counts) < CHI2_999[len(cells) - 1], counts


def test_count_gives_distinct_cells_uniformly():
    lv = make_level(["@.....", "111111"], spawns={"1": (COIN, 3)})
    ls, st = reset_many(lv, 6000)
    pos = st.obj_c[:, :3]
    assert np.all(st.alive[:, :3] == 1)
    assert np.all(pos[:, 0] != pos[:, 1]) and np.all(pos[:, 1] != pos[:, 2])
    assert np.all(pos[:, 0] != pos[:, 2])
    counts = np.bincount(pos.ravel(), minlength=6)
    assert chi2(counts) < CHI2_999[5], counts


def test_more_copies_than_cells_leaves_the_rest_out():
    lv = make_level(["@11"], spawns={"1": (COIN, 3)})
    ls, st = reset_many(lv, 10)
    assert np.all(st.alive[:, :3].sum(axis=1) == 2)


def rollout(seed, n=16, steps=200):
    lv = make_level(["#######", "#11111#", "#11111#", "#11111#", "#######"],
                    spawns={"1": (COIN, 1)}, zones={})
    from levels.model import Spawn
    lv.spawns.insert(0, Spawn("A", None, list(lv.spawns[0].cells)))
    ls = compile_levels([lv], RULES, ())
    st = new_state(ls, n)
    kernels.seed_rng(st.rng, seed)
    kernels.reset_all(ls, st, np.full(n, -1, np.int32))
    spec = obs_spec(5, None, *ls.terrain.shape[1:])
    obs = np.zeros((n, spec.length), np.int32)
    acts, ev = np.zeros(n, np.int32), np.zeros(n, np.int32)
    rw, dn = np.zeros(n, np.float32), np.zeros(n, np.bool_)
    trace = []
    for _ in range(steps):
        kernels.random_rollout(ls, st, 1, 5, spec.shape_range, spec.trail, obs, acts, ev, rw, dn)
        trace.append((acts.copy(), ev.copy(), rw.copy(), st.r.copy(), st.c.copy(), obs.copy()))
    return trace


def test_same_seed_same_trajectory_different_seed_differs():
    a, b, c = rollout(7), rollout(7), rollout(8)
    for x, y in zip(a, b):
        for u, v in zip(x, y):
            np.testing.assert_array_equal(u, v)
    assert any(not np.array_equal(x[5], z[5]) for x, z in zip(a, c))
    assert any(not np.array_equal(x[0], z[0]) for x, z in zip(a, c))


def test_random_rollout_equals_step_all_then_observe_all():
    """random_rollout is the same as drawing actions, step_all with auto reset, observe_all."""
    lv = make_level(["#####", "#111#", "#1~1#", "#####"], spawns={"1": (COIN, 1)})
    from levels.model import Spawn
    lv.spawns.insert(0, Spawn("A", None, list(lv.spawns[0].cells)))
    ls = compile_levels([lv], RULES, ())
    sts = [new_state(ls, 8) for _ in range(2)]
    spec = obs_spec(5, 1, *ls.terrain.shape[1:])
    outs = []
    for st in sts:
        kernels.seed_rng(st.rng, 3)
        kernels.reset_all(ls, st, np.full(8, -1, np.int32))
        outs.append([np.zeros((8, spec.length), np.int32), np.zeros(8, np.int32),
                     np.zeros(8, np.int32), np.zeros(8, np.float32), np.zeros(8, np.bool_)])
    for _ in range(100):
        kernels.random_rollout(ls, sts[0], 1, 5, spec.shape_range, spec.trail, *outs[0])
        obs, acts, ev, rw, dn = outs[1]
        for i in range(8):
            acts[i] = kernels.rng_below(sts[1].rng, i, 4)
        kernels.step_all(ls, sts[1], acts, ev, rw, dn, True)
        kernels.observe_all(ls, sts[1], 5, spec.shape_range, spec.trail, obs)
        for u, v in zip(outs[0], outs[1]):
            np.testing.assert_array_equal(u, v)
