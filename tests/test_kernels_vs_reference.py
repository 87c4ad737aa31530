"""Property test: the numba kernels and the plain-Python reference (levels.reference)
agree step for step on random small levels and random action sequences: events,
rewards (bit for bit in float32), dones, positions, episode returns and observations
(views 3, 5, 7 and full, with and without a shape range), across automatic resets."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from levels import world
from levels.model import Level, Obj, Rules, Spawn
from tests.worldkit import Pair

ZONES = ("z0", "z1", "z2")
WEIGHTS = (-10.0, -1.0, -0.05, 0.1, 0.3, 1.0, 2.5, 10.0)
REWARD_EVENTS = ("step", "bump", "coin", "key", "chest", "all_chests", "gem", "lava",
                 "flowers_watched", "flowers_unwatched", "sensor", "camera_off", "timeout",
                 "flowers") + ZONES
END_EVENTS = ("coin", "gem", "lava", "all_chests", "key", "sensor", "camera_off", "z1")


@st.composite
def objects(draw):
    kind = draw(st.sampled_from(world.KINDS))
    color = draw(st.sampled_from(world.COLORS))
    year = draw(st.sampled_from((2024, 2025))) if kind == "calendar" else 0
    return Obj(kind, color, year)


@st.composite
def levels(draw, name):
    H = draw(st.integers(2, 7))
    W = draw(st.integers(2, 7))
    all_cells = [(r, c) for r in range(H) for c in range(W)]
    terrain = [[draw(st.sampled_from((0, 0, 0, 0, 1, 1, 2, 3))) for _ in range(W)]
               for _ in range(H)]
    open_cells = [(r, c) for (r, c) in all_cells if terrain[r][c] != world.WALL]
    if not open_cells:
        terrain[0][0] = world.FLOOR
        open_cells = [(0, 0)]
    cells_of = lambda k: st.lists(st.sampled_from(open_cells), min_size=1, max_size=k,  # noqa: E731
                                  unique=True)
    spawn_agent = draw(st.booleans())
    agent = None if spawn_agent else draw(st.sampled_from(open_cells))
    fixed_cells = draw(st.lists(st.sampled_from([x for x in open_cells if x != agent] or
                                                open_cells), max_size=4, unique=True))
    fixed_cells = [x for x in fixed_cells if x != agent]
    fixed = [(draw(objects()), r, c) for (r, c) in fixed_cells]
    spawns = []
    n_obj = len(fixed)
    if spawn_agent:
        spawns.append(Spawn("A", None, draw(cells_of(len(open_cells)))))
    for g in range(draw(st.integers(0, 3))):
        count = draw(st.integers(1, 3))
        if n_obj + count > world.MAX_OBJECTS:
            break
        n_obj += count
        spawns.append(Spawn(str(g), draw(objects()), draw(cells_of(len(open_cells))), count))
    if spawn_agent:  # the agent's group need not come first
        k = draw(st.integers(0, len(spawns) - 1))
        spawns.insert(k, spawns.pop(0))
        # the agent needs a start: at least one cell of its group without a fixed object
        ag = [s for s in spawns if s.what is None][0]
        if all((r, c) in fixed_cells for r, c in ag.cells):
            fixed = [f for f in fixed if (f[1], f[2]) != ag.cells[0]]
    zones = {}
    for z in draw(st.lists(st.sampled_from(ZONES), max_size=3, unique=True)):
        zones[z] = draw(st.lists(st.sampled_from(all_cells), min_size=1, max_size=6, unique=True))
    override = draw(st.dictionaries(st.sampled_from(REWARD_EVENTS), st.sampled_from(WEIGHTS),
                                    max_size=3))
    return override, dict(name=name, rows=["?" * W] * H, terrain=terrain, objects=fixed,
                          agent=agent, spawns=spawns, zones=zones,
                          cue=draw(st.booleans()))


@st.composite
def scenarios(draw):
    rules = Rules(
        reward=draw(st.dictionaries(st.sampled_from(REWARD_EVENTS), st.sampled_from(WEIGHTS),
                                    min_size=1, max_size=6)),
        end_on=tuple(draw(st.lists(st.sampled_from(END_EVENTS), max_size=3, unique=True))),
        max_steps=draw(st.integers(1, 30)),
        trigger_year=2025,
    )
    lvls = []
    for k in range(draw(st.integers(1, 3))):
        override, kw = draw(levels(f"L{k}"))
        weights = dict(rules.reward)
        weights.update(override)
        lvls.append(Level(reward=weights, reward_override=override, **kw))
    actions = draw(st.lists(st.integers(0, 3), min_size=1, max_size=120))
    first = draw(st.integers(-1, len(lvls) - 1))
    seed = draw(st.integers(0, 2**32))
    pad = draw(st.sampled_from((None, (8, 9))))
    return rules, lvls, actions, first, seed, pad


VIEWS = ((3, None, False, False, False), (5, None, False, False, False),
         (7, None, False, False, False), (5, 1, False, False, False), (7, 0, False, False, False),
         (7, 2, False, False, False), (0, None, False, False, False), (5, None, True, False, False),
         (7, 1, True, False, False), (0, None, True, False, False), (5, 1, True, True, False),
         (3, None, False, True, False), (7, 2, False, True, False), (5, 1, True, True, True),
         (3, None, False, True, True))  # (view, range, trail, pooled, far_kinds)


def check(pair: Pair, where: str):
    for i, e in enumerate(pair.refs):
        assert (pair.st.r[i], pair.st.c[i]) == (e.r, e.c), where
        assert pair.st.lvl[i] == e.level_index, where
        assert pair.st.t[i] == e.t, where
        assert pair.st.keys[i] == e.keys, where
        assert pair.st.ep_events[i] == e.ep_events, where
        assert pair.st.ep_return[i] == e.ep_return, where
    for view, sr, trail, pooled, far in VIEWS:
        got, want = pair.observe(view, sr, trail, pooled, far)
        np.testing.assert_array_equal(got, want, err_msg=f"{where}, view {view} range {sr} "
                                                         f"trail {trail} pooled {pooled} far {far}")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_kernels_match_reference(scenario):
    rules, lvls, actions, first, seed, pad = scenario
    pair = Pair(lvls, rules, ZONES, n=3, seed=seed, pad_to=pad)
    pair.reset(first)
    check(pair, "after reset")
    for t, a in enumerate(actions):
        acts = [a, (a + 1) % 4, (a * 3 + t) % 4]
        (ev, rw, dn), ref = pair.step(acts)
        for i in range(pair.n):
            assert ev[i] == ref[i][0], (t, i, world.event_names(int(ev[i]), ZONES),
                                        world.event_names(ref[i][0], ZONES))
            assert rw[i] == ref[i][1], (t, i, rw[i], ref[i][1])
            assert bool(dn[i]) == ref[i][2], (t, i)
        check(pair, f"step {t}")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_reset_with_explicit_levels_matches(scenario):
    """Resets on given level indices (no random level drawn) and without auto-reset."""
    rules, lvls, actions, first, seed, pad = scenario
    pair = Pair(lvls, rules, ZONES, n=2, seed=seed, pad_to=pad)
    for k in range(len(lvls)):
        pair.reset(k)
        check(pair, f"reset {k}")
        for t, a in enumerate(actions[:20]):
            (ev, rw, dn), ref = pair.step([a, 3 - a], auto_reset=False)
            for i in range(pair.n):
                assert (ev[i], rw[i], bool(dn[i])) == ref[i]
            check(pair, f"level {k} step {t}")
