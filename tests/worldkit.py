"""Small helpers for tests of the rules: build `Level` objects from ASCII rows by
hand (no level-file parser needed), compile them, and run kernels and the
reference side by side."""

from __future__ import annotations

import numpy as np

from levels import kernels, world
from levels.compiled import compile_levels, new_state, obs_spec
from levels.model import Level, Obj, Rules, Spawn
from levels.reference import ReferenceEnv, splitmix64_seed

TERRAIN_SYMBOLS = {sym: t for t, sym in enumerate(world.TERRAIN_SYMBOLS)}
# every kind by its map symbol, in its default colour (a year-showing kind shows 2025)
BUILTIN_OBJECTS = {k.symbol: Obj(k.name, k.color, 2025 if k.shows_year else 0)
                   for k in world.KIND_TABLE}


def obj(kind: str, color: str | None = None, year: int = 0) -> Obj:
    return Obj(kind, color or world.DEFAULT_COLOR[kind], year)


def make_level(rows, objects=None, spawns=None, zones=None, reward=None, rules=None,
               cue=False, name="level") -> Level:
    """A Level from ASCII rows. Terrain: # . ~ *; '@' the agent's fixed start; the
    built-in object letters (c k h g O T s) and any symbol in `objects` (symbol ->
    Obj) are fixed objects on floor. `spawns` maps a symbol to (Obj or None for the
    agent, count): its cells are where the symbol appears (floor). `zones` maps a
    zone name to a list of cells or to a symbol of the map (floor)."""
    objects = {**BUILTIN_OBJECTS, **(objects or {})}
    spawns = spawns or {}
    zones = zones or {}
    rules = rules or Rules()
    terrain, fixed, agent = [], [], None
    cells = {sym: [] for sym in spawns}
    zsym = {v: k for k, v in zones.items() if isinstance(v, str)}
    zone_cells = {k: (list(v) if not isinstance(v, str) else []) for k, v in zones.items()}
    for r, row in enumerate(rows):
        trow = []
        for c, ch in enumerate(row):
            trow.append(TERRAIN_SYMBOLS.get(ch, world.FLOOR))
            if ch == "@":
                agent = (r, c)
            elif ch in spawns:
                cells[ch].append((r, c))
            elif ch in objects:
                fixed.append((objects[ch], r, c))
            if ch in zsym:
                zone_cells[zsym[ch]].append((r, c))
        terrain.append(trow)
    sp = [Spawn(sym, what, cells[sym], count) for sym, (what, count) in spawns.items()]
    weights = dict(rules.reward)
    weights.update(reward or {})
    return Level(name=name, rows=list(rows), terrain=terrain, objects=fixed, agent=agent,
                 spawns=sp, zones=zone_cells, reward=weights, reward_override=dict(reward or {}),
                 cue=cue)


class Pair:
    """N kernel environments and N reference environments on the same levels and seed."""

    def __init__(self, levels, rules=None, zone_names=(), n=1, seed=0, pad_to=None,
                 reward_override=None):
        self.levels = levels if isinstance(levels, list) else [levels]
        self.rules = rules or Rules()
        self.zone_names = tuple(zone_names)
        self.ls = compile_levels(self.levels, self.rules, self.zone_names, pad_to, reward_override)
        self.n = n
        self.st = new_state(self.ls, n)
        kernels.seed_rng(self.st.rng, seed)
        H, W = self.ls.terrain.shape[1:]
        self.refs = [ReferenceEnv(self.levels, self.rules, self.zone_names,
                                  splitmix64_seed(seed, i), reward_override, (H, W))
                     for i in range(n)]
        assert [int(x) for x in self.st.rng] == [e.rng.state for e in self.refs]

    def reset(self, level=0):
        """Reset all; level -1 (or None) draws a random level."""
        lv = -1 if level is None else level
        kernels.reset_all(self.ls, self.st, np.full(self.n, lv, np.int32))
        for e in self.refs:
            e.reset(None if lv < 0 else lv)

    def step(self, actions, auto_reset=True):
        actions = np.asarray(actions, np.int32)
        ev = np.zeros(self.n, np.int32)
        rw = np.zeros(self.n, np.float32)
        dn = np.zeros(self.n, np.bool_)
        kernels.step_all(self.ls, self.st, actions, ev, rw, dn, auto_reset)
        ref = []
        for i, e in enumerate(self.refs):
            out = e.step(int(actions[i]))
            ref.append(out)
            if out[2] and auto_reset:
                e.reset(None)
        return (ev, rw, dn), ref

    def observe(self, view, shape_range=None, trail=False, pooled=False, far_kinds=False):
        H, W = self.ls.terrain.shape[1:]
        spec = obs_spec(view, shape_range, H, W, trail, pooled, far_kinds=far_kinds)
        out = np.zeros((self.n, spec.length), np.int32)
        kernels.observe_all(self.ls, self.st, view, spec.shape_range, spec.trail, out)
        ref = [e.observe(view, spec.shape_range, trail, pooled, far_kinds) for e in self.refs]
        return out, np.array(ref, np.int64)
