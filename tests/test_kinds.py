"""Every object kind of levels.world.KIND_TABLE is complete: it has rules the kernels
and the reference both follow, a map symbol the reader knows, observation channels
the network reads, and a tile. Adding a kind is a row of the table; this file is
the test that says whether the row is enough."""

from __future__ import annotations

import os

import numpy as np
import pytest

from agents.network import active_inputs
from levels import kernels, world
from levels.compiled import obs_spec
from levels.symbols import BUILTIN
from levels.model import Obj, Rules
from tests.worldkit import Pair, make_level

KINDS = [k.name for k in world.KIND_TABLE]
RIGHT = world.RIGHT
STEP = 1 << world.EVENT_BIT["step"]


def bits(event: str | None) -> int:
    return 0 if event is None else 1 << world.EVENT_BIT[event]


@pytest.mark.parametrize("name", KINDS)
def test_kind_has_rules_in_the_kernels_table(name):
    kind = world.KIND[name]
    row = kernels.KIND_RULES[world.KINDS.index(name)]  # what the kernels read
    assert row[world.R_EVENT] == bits(kind.event)
    assert row[world.R_NEEDS_KEY] == int(kind.needs_key)
    assert row[world.R_KEYS] == int(kind.gives_key) - int(kind.needs_key)
    assert row[world.R_WATCHES] == int(kind.watches)
    assert row[world.R_LAST_EVENT] == bits(kind.last_event)
    assert row[world.R_REMOVED] == int(not kind.stays)
    assert kind.color in world.COLORS


@pytest.mark.parametrize("name", KINDS)
@pytest.mark.parametrize("with_key", [False, True])
def test_stepping_onto_each_kind_follows_its_row(name, with_key):
    """The agent (holding a key or not) steps onto one object of the kind: kernels and
    reference agree, and the events, keys, watched flag and the object's staying are
    what the table says."""
    kind = world.KIND[name]
    obj = Obj(name, kind.color, 2025 if kind.shows_year else 0)
    rows = ["#####", "#@kX#", "#####"] if with_key else ["#####", "#.@X#", "#####"]
    level = make_level(rows, objects={"X": obj})
    pair = Pair(level, Rules(end_on=(), max_steps=50))
    pair.reset(0)
    if with_key:
        (ev, _, _), ref = pair.step([RIGHT], auto_reset=False)
        assert int(ev[0]) == ref[0][0]
    keys0, cams0 = int(pair.st.keys[0]), int(pair.st.cams[0])
    assert cams0 == int(kind.watches)
    (ev, rw, dn), ref = pair.step([RIGHT], auto_reset=False)
    assert (int(ev[0]), np.float32(rw[0]), bool(dn[0])) == ref[0]
    acts = keys0 >= int(kind.needs_key)
    want = STEP
    if acts:
        want |= bits(kind.event) | bits(kind.last_event)  # the level's only one
    assert int(ev[0]) == want
    assert int(pair.st.keys[0]) == keys0 + (int(kind.gives_key) - int(kind.needs_key)) * acts
    assert int(pair.st.cams[0]) == cams0 - int(kind.watches) * acts
    gone = acts and not kind.stays
    o = int(pair.ls.n_obj[0]) - 1  # the kind's object comes last (after the key)
    assert bool(pair.st.alive[0, o]) == (not gone) == pair.refs[0].things[o].alive
    got, want_obs = pair.observe(3)
    np.testing.assert_array_equal(got, want_obs)
    # the agent's own cell (the view's centre) shows the kind while it is there
    centre = int(got[0, 4])
    assert ((centre >> world.KIND_SHIFT) & world.FIELD_MASK) == (0 if gone else world.KINDS.index(name) + 1)


@pytest.mark.parametrize("name", KINDS)
def test_kind_has_a_map_symbol(name):
    kind = world.KIND[name]
    entry = BUILTIN[kind.symbol]
    assert entry.object is not None and entry.object.kind == name
    assert entry.object.color == kind.color


@pytest.mark.parametrize("name", KINDS)
def test_kind_appears_in_the_observation_channels(name):
    """A cell holding the kind switches on its own kind channel (and its colour's), in
    the dense one-hot vector and in the network's sparse reading of the same code."""
    k = world.KINDS.index(name)
    color = world.COLORS.index(world.KIND[name].color)
    assert world.CELL_CHANNELS[world.CH_KIND0 + k] == ("kind", name)
    assert f"cell(+0,+0).kind.{name}" in world.channel_names(3)
    spec = obs_spec(3, None, 5, 5)
    codes = np.zeros(spec.length, np.int32)
    codes[4] = (world.FLOOR << world.TERRAIN_SHIFT | (k + 1) << world.KIND_SHIFT
                | (color + 1) << world.COLOR_SHIFT)
    dense = spec.dense(codes)
    on = set(np.flatnonzero(dense).tolist())
    C = spec.cell_channels
    assert on == {4 * C + world.CH_KIND0 + k, 4 * C + world.CH_COLOR0 + color}
    idx = np.zeros(spec.dense_length, np.int32)
    val = np.zeros(spec.dense_length, np.float32)
    n = active_inputs(codes[None], 0, spec.n_cells, C, idx, val)
    assert set(idx[:n].tolist()) == on and np.all(val[:n] == 1.0)


@pytest.fixture(scope="module")
def pygame_up():
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame
    pygame.init()
    yield pygame


@pytest.mark.parametrize("name", KINDS)
def test_kind_has_a_tile_of_its_own(name, pygame_up):
    """The kind's look is drawn, and differently from every other kind's in the same
    colour (shape carries the meaning, colour is the second cue)."""
    from game.ui import theme as T
    from game.ui import tiles
    assert world.KIND[name].look in tiles.SHAPES
    th = T.Theme((1280, 800))

    def pixels(kind):
        surf = tiles.object_surface(kind, "grey", 2025, 48, th)
        return pygame_up.image.tobytes(surf, "RGBA")
    mine = pixels(name)
    assert any(mine[3::4]), "the tile draws nothing"
    for other in KINDS:
        if other != name:
            assert pixels(other) != mine, f"{name} looks like {other}"


def test_event_kinds_and_taken_events_come_from_the_table():
    assert world.EVENT_KIND["all_chests"] == "chest"
    assert set(world.TAKE_EVENTS) == {k.event for k in world.KIND_TABLE
                                      if k.event and not k.stays}
