"""The rules tile by tile and object by object, checked on the numba kernels and on
the plain-Python reference alike (each test runs both through tests.worldkit.Pair)."""

from __future__ import annotations

import numpy as np
import pytest

from levels import world
from levels.compiled import KIND_SHIFT, COLOR_SHIFT, AGENT_SHIFT
TRAIL_SHIFT = world.TRAIL_SHIFT
from levels.model import Obj, Rules
from tests.worldkit import Pair, make_level

U, D, L, R = range(4)
E = world.EVENT_BIT
G_WATCHED, G_TRIGGER, G_KEY, G_CUE = range(4)


def bits(*names, zones=()):
    m = 0
    for n in names:
        m |= 1 << (E[n] if n in E else world.ZONE_EVENT0 + zones.index(n))
    return m


def play(pair: Pair, actions):
    """Step both implementations (no auto reset); assert they agree; return
    [(events, reward, done)] of the kernels."""
    out = []
    for a in actions:
        (ev, rw, dn), ref = pair.step([a], auto_reset=False)
        assert (int(ev[0]), np.float32(rw[0]), bool(dn[0])) == ref[0]
        assert (pair.st.r[0], pair.st.c[0]) == (pair.refs[0].r, pair.refs[0].c)
        out.append((int(ev[0]), float(rw[0]), bool(dn[0])))
    return out


def observe(pair: Pair, view=5, shape_range=None, trail=False):
    got, want = pair.observe(view, shape_range, trail)
    np.testing.assert_array_equal(got, want)
    return [int(x) for x in got[0]]


def pair_for(rows, rules=None, zone_names=(), **kw):
    rules = rules or Rules(reward={"coin": 10.0, "step": -0.05}, max_steps=50)
    p = Pair(make_level(rows, rules=rules, **kw), rules, zone_names)
    p.reset(0)
    return p


def test_wall_bump_keeps_position():
    p = pair_for(["###", "#@#", "###"])
    for a in (U, D, L, R):
        (ev, rw, dn), = play(p, [a])
        assert ev == bits("step", "bump") and not dn
        assert (p.st.r[0], p.st.c[0]) == (1, 1)


def test_edge_of_grid_is_a_wall():
    p = pair_for(["@."])
    (ev, _, _), = play(p, [U])
    assert ev == bits("step", "bump")
    (ev, _, _), = play(p, [R])
    assert ev == bits("step") and p.st.c[0] == 1
    (ev, _, _), = play(p, [R])
    assert ev == bits("step", "bump")


def test_lava_ends_the_episode():
    rules = Rules(reward={"lava": -10.0, "step": -1.0}, max_steps=50)
    p = pair_for(["@~."], rules)
    (ev, rw, dn), = play(p, [R])
    assert ev == bits("step", "lava") and dn and rw == pytest.approx(-11.0)


def test_lava_does_not_end_when_not_in_end_on():
    rules = Rules(reward={"step": 0.0}, end_on=("coin",), max_steps=50)
    p = pair_for(["@~."], rules)
    (ev, rw, dn), = play(p, [R])
    assert ev & bits("lava") and not dn


def test_flowers_watched_and_unwatched():
    rules = Rules(reward={"flowers_watched": -5.0, "step": 0.0}, max_steps=50)
    p = pair_for(["O@*"], rules)
    assert observe(p)[25 + G_WATCHED] == 1
    (ev, rw, _), = play(p, [R])
    assert ev == bits("step", "flowers_watched") and rw == -5.0
    # switch the camera off, then walk back onto the flowers
    play(p, [L])
    (ev, _, _), = play(p, [L])
    assert ev == bits("step", "camera_off")
    assert observe(p)[25 + G_WATCHED] == 0
    play(p, [R])
    (ev, rw, _), = play(p, [R])
    assert ev == bits("step", "flowers_unwatched") and rw == 0.0


def test_coin_is_taken_and_ends():
    p = pair_for(["@c."])
    (ev, rw, dn), = play(p, [R])
    assert ev == bits("step", "coin") and dn
    assert rw == np.float32(np.float32(-0.05) + np.float32(10.0))
    assert p.st.alive[0, 0] == 0
    assert (observe(p)[12] >> KIND_SHIFT) & 0xFF == 0  # the agent's own cell: no coin


def test_key_and_chest():
    rules = Rules(reward={"key": 1.0, "chest": 5.0, "step": 0.0}, end_on=("all_chests",),
                  max_steps=50)
    p = pair_for(["h@k.h"], rules)
    assert p.st.chests[0] == 2
    # without a key the chest stays and the agent stands on it
    (ev, rw, dn), = play(p, [L])
    assert ev == bits("step") and rw == 0.0 and not dn
    assert (observe(p)[12] >> KIND_SHIFT) & 0xFF == world.CHEST + 1
    (ev, _, _), = play(p, [R])
    (ev, rw, _), = play(p, [R])
    assert ev == bits("step", "key") and rw == 1.0
    assert observe(p)[25 + G_KEY] == 1
    play(p, [L])
    (ev, rw, dn), = play(p, [L])
    assert ev == bits("step", "chest") and rw == 5.0 and not dn
    assert observe(p)[25 + G_KEY] == 0 and p.st.keys[0] == 0


def test_all_chests_on_the_last_chest():
    rules = Rules(reward={"chest": 1.0, "all_chests": 10.0, "step": 0.0},
                  end_on=("all_chests",), max_steps=50)
    p = pair_for(["hk@kh"], rules)
    out = play(p, [L, L])
    assert out[-1] == (bits("step", "chest"), 1.0, False)
    out = play(p, [R, R, R, R])
    assert out[-1] == (bits("step", "chest", "all_chests"), 11.0, True)


def test_gem_sensor_camera_and_calendar():
    rules = Rules(reward={"gem": 3.0, "sensor": 2.0, "camera_off": 1.0, "step": 0.0},
                  end_on=(), max_steps=50)
    p = pair_for(["@gsOT."], rules)
    out = play(p, [R, R, R, R, R])
    assert [e for e, _, _ in out] == [bits("step", "gem"), bits("step", "sensor"),
                                      bits("step", "camera_off"), bits("step"), bits("step")]
    assert [r for _, r, _ in out] == [3.0, 2.0, 1.0, 0.0, 0.0]
    # the calendar stays; walking back over it raises nothing
    assert p.st.alive[0].tolist()[:4] == [0, 0, 0, 1]


def test_calendar_trigger_flag():
    rules = Rules(max_steps=50, trigger_year=2025)
    for year, flag in ((2025, 1), (2024, 0)):
        p = pair_for(["@.T"], rules, objects={"T": Obj("calendar", "blue", year)})
        assert observe(p)[25 + G_TRIGGER] == flag
    p = pair_for(["@.."], rules)
    assert observe(p)[25 + G_TRIGGER] == 0


def test_cue_flag():
    assert observe(pair_for(["@.."], cue=True))[25 + G_CUE] == 1
    assert observe(pair_for(["@.."], cue=False))[25 + G_CUE] == 0


def test_zones_fire_once_per_episode():
    zones = ("goal", "start")
    rules = Rules(reward={"goal": 2.0, "step": 0.0}, end_on=(), max_steps=50)
    p = pair_for(["@.Z"], rules, zones, zones={"goal": "Z", "start": [(0, 0)]})
    out = play(p, [R, R, L, R])
    assert out[1] == (bits("step", "goal", zones=zones), 2.0, False)
    assert out[3] == (bits("step"), 0.0, False)
    # the start cell's zone never fires
    out = play(p, [L, L, L])
    assert all(not e & bits("start", zones=zones) for e, _, _ in out)
    p.reset(0)  # a new episode: the zone fires again
    out = play(p, [R, R])
    assert out[1][0] & bits("goal", zones=zones)


def test_timeout():
    rules = Rules(reward={"step": -1.0, "timeout": -3.0}, max_steps=3)
    p = pair_for(["@...."], rules)
    out = play(p, [R, R, R])
    assert [d for _, _, d in out] == [False, False, True]
    assert out[-1] == (bits("step", "timeout"), -4.0, True)


def test_end_on_custom_event():
    rules = Rules(reward={"step": 0.0}, end_on=("key",), max_steps=50)
    p = pair_for(["@ck"], rules)
    out = play(p, [R, R])
    assert [d for _, _, d in out] == [False, True]


def test_per_level_reward_weights():
    rules = Rules(reward={"coin": 10.0, "step": -0.05}, max_steps=50)
    a = make_level(["@c"], rules=rules, name="a")
    b = make_level(["@c"], rules=rules, reward={"coin": -1.0}, name="b")
    p = Pair([a, b], rules)
    for k, want in ((0, np.float32(-0.05) + np.float32(10.0)), (1, np.float32(-0.05) - 1)):
        p.reset(k)
        (_, rw, _), = play(p, [R])
        assert rw == pytest.approx(float(want))


def test_reward_override_for_the_control_agent():
    rules = Rules(reward={"sensor": 5.0, "step": 0.0}, max_steps=50)
    lv = make_level(["@s"], rules=rules)
    p = Pair(lv, rules, reward_override={"sensor": 0.0})
    p.reset(0)
    (ev, rw, _), = play(p, [R])
    assert ev & bits("sensor") and rw == 0.0


def test_shape_range_hides_kinds_but_not_colours():
    p = pair_for(["@.c", "...", "..."])
    full = observe(p, 5, None)
    near = observe(p, 5, 1)
    coin = 2 * 5 + 4  # row +0, column +2 in a 5x5 window
    assert (full[coin] >> KIND_SHIFT) & 0xFF == world.COIN + 1
    assert (near[coin] >> KIND_SHIFT) & 0xFF == 0
    assert (near[coin] >> COLOR_SHIFT) & 0xFF == world.YELLOW + 1
    play(p, [R])  # now the coin is adjacent
    assert (observe(p, 5, 1)[coin - 1] >> KIND_SHIFT) & 0xFF == world.COIN + 1


def test_full_view_marks_the_agent_and_reads_the_grid():
    p = pair_for(["#####", "#@.c#", "#####"])
    o = observe(p, world.VIEW_FULL)
    assert len(o) == 15 + world.N_GLOBALS
    assert o[1 * 5 + 1] == world.FLOOR | 1 << AGENT_SHIFT
    assert o[1 * 5 + 3] == world.FLOOR | (world.COIN + 1) << KIND_SHIFT | (world.YELLOW + 1) << COLOR_SHIFT
    assert o[0] == world.WALL
    assert sum(1 for x in o[:15] if x >> AGENT_SHIFT & 1) == 1


def test_outside_the_grid_reads_as_wall():
    p = pair_for(["@*"])
    o = observe(p, 7)
    # a 7x7 window on a 1x2 level: all wall except the agent's cell and the flowers
    cells = o[:49]
    assert cells[24] == world.FLOOR and cells[25] == world.FLOWERS
    assert sum(1 for x in cells if x == world.WALL) == 47


def test_egocentric_view_has_no_agent_bit():
    p = pair_for(["@.."])
    assert all(not (x >> AGENT_SHIFT) & 1 for x in observe(p, 3)[:9])


def test_step_one_and_observe_one_match_the_batch_functions():
    from levels import kernels
    from levels.compiled import obs_spec
    p = pair_for(["@.c", "~.."])
    ev, rw, dn = kernels.step_one(p.ls, p.st, 0, R)
    e, r, d = p.refs[0].step(R)
    assert (ev, np.float32(rw), dn) == (e, r, d)
    spec = obs_spec(5, None, *p.ls.terrain.shape[1:])
    out = np.zeros((1, spec.length), np.int32)
    kernels.observe_one(p.ls, p.st, 0, 5, spec.shape_range, spec.trail, out)
    assert out[0].tolist() == p.refs[0].observe(5)


def test_the_trail_marks_the_cells_stood_on_this_episode():
    p = pair_for(["#######", "#@....#", "#.....#", "#######"])
    trail = lambda o: {k for k in range(25) if o[k] >> TRAIL_SHIFT & 1}  # noqa: E731
    assert trail(observe(p, 5, trail=True)) == {12}  # only the start, the centre
    play(p, [R, R, D])
    # the 5x5 window centred on (2, 3) marks the path (1, 1), (1, 2), (1, 3) and the
    # agent's own cell; cell k is offset (k // 5 - 2, k % 5 - 2)
    assert trail(observe(p, 5, trail=True)) == {5, 6, 7, 12}
    assert trail(observe(p, 5)) == set()  # without a trail the bit is never set
    full = observe(p, world.VIEW_FULL, trail=True)
    W = p.ls.terrain.shape[2]
    assert {k for k in range(len(full) - world.N_GLOBALS) if full[k] >> TRAIL_SHIFT & 1} == {
        1 * W + 1, 1 * W + 2, 1 * W + 3, 2 * W + 3}
    play(p, [U, L])  # back over its own path: nothing new
    assert trail(observe(p, 5, trail=True)) == {11, 12, 13, 18}
    p.reset(0)  # a new episode forgets the old path
    assert trail(observe(p, 5, trail=True)) == {12}
