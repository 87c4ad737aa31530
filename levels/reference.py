"""The rules in plain Python: the executable specification of `levels.kernels`.

`ReferenceEnv` plays one environment on a level (or on a set of levels) working
from the parsed model (`Level`, `Rules`, zone names), not from compiled arrays,
and with no numba. It follows exactly the same rules and draws exactly the same
random numbers as the kernels, so the tests can compare the two step for step:
events, rewards (float32 sums in the same order), dones, positions and
observations (the packed int32 codes of `levels.compiled.ObsSpec`).

It is slow and meant to be read. The rules, in one place:

Reset (`reset`):
  0. with no level given, a level is drawn: rng_below(number of levels)
     (drawn even when there is only one level, as the kernels do);
  1. the fixed objects are placed;
  2. the agent starts on its fixed cell, or on a cell drawn uniformly among the cells
     of its spawn group that hold no fixed object (the group's first cell if none is free);
  3. spawned objects are placed in file order (`count` copies each), each on a cell
     drawn uniformly among the free cells of its group: no object, not the agent's.
     An object with no free cell sits the episode out;
     a draw among free cells (`draw_free`) first tries up to 4 uniform draws over the
     whole group and keeps the first free cell; only if all 4 hit taken cells does it
     count the free cells and draw one of them;
  4. the zones of the start cell count as already entered (they never fire).

Step (`step`), with action 0 up, 1 down, 2 left, 3 right:
  - "step" always; moving into a wall or off the grid: "bump" and stay;
  - terrain of the cell the agent ends on: lava -> "lava"; flowers ->
    "flowers_watched" while any camera is on, else "flowers_unwatched";
  - an object there acts as its kind's row of world.KIND_TABLE says: a kind that
    needs a key acts only while one is held (and uses it: a chest without a key
    stays shut); acting raises the kind's event (coin -> "coin", key -> "key" and
    one more key held, chest -> "chest" and "all_chests" for the level's last one,
    gem -> "gem", camera -> "camera_off" and one camera fewer, sensor -> "sensor",
    calendar -> nothing) and removes the object unless the kind stays (calendar);
  - each zone of the cell fires once per episode, on first entry;
  - "timeout" when the step count reaches max_steps;
  - reward: the level's weight for "step", then the weights of the other events
    in bit order, summed in float32; done when an event of `end_on` or "timeout".

Observation (`observe`): one packed code per cell of the view (row-major), then
the globals watched, trigger, has_key, cue. A code is terrain | (kind + 1) << 8 |
(colour + 1) << 16, plus 1 << 24 on the agent's cell in the full view. Cells
outside the level read as wall. An egocentric view (odd size) is centred on the
agent; kinds farther than `shape_range` (Chebyshev distance) are hidden, colours
are not. The full view (view 0) shows the whole grid from the top-left, of the
level's size or of `full_size` (the padded size of its compiled set).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from levels import world
from levels.compiled import event_mask, reward_vector
from levels.model import Level, Obj, Rules

MASK64 = (1 << 64) - 1
KIND_SHIFT, COLOR_SHIFT, AGENT_SHIFT = world.KIND_SHIFT, world.COLOR_SHIFT, world.AGENT_SHIFT
TRAIL_SHIFT = world.TRAIL_SHIFT
_E = world.EVENT_BIT


def splitmix64_seed(seed: int, i: int) -> int:
    """Environment i's initial RNG state for a seed, as kernels.seed_rng sets it."""
    z = (seed + (i + 1) * 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    z ^= z >> 31
    return z or 1


class Rng:
    """xorshift64* on a Python int, as kernels.rng_next / rng_below / rng_uniform."""

    def __init__(self, state: int):
        self.state = state & MASK64

    def next(self) -> int:
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & MASK64
        x ^= x >> 27
        self.state = x
        return (x * 2685821657736338717) & MASK64

    def below(self, n: int) -> int:
        """Uniform in [0, n): Lemire's multiply-shift on the top 32 bits."""
        return ((self.next() >> 32) * n) >> 32

    def uniform(self) -> float:
        return (self.next() >> 11) * (1.0 / 9007199254740992.0)


@dataclass
class Thing:
    """An object of this episode."""
    obj: Obj
    group: int            # spawn group, -1 for a fixed object
    r: int = -1
    c: int = -1
    alive: bool = False


class ReferenceEnv:
    """One environment. `level` is a Level or a list of Levels (a set); `seed_state`
    is the RNG state (see `splitmix64_seed`); `full_size` is the (height, width) of
    the full view (the compiled set's padded size; default: the largest level)."""

    def __init__(self, level: Level | list[Level], rules: Rules, zone_names=(),
                 seed_state: int = 1, reward_override: dict[str, float] | None = None,
                 full_size: tuple[int, int] | None = None):
        self.levels = list(level) if isinstance(level, (list, tuple)) else [level]
        self.rules = rules
        self.zone_names = tuple(zone_names)
        self.rng = Rng(seed_state)
        self.end_mask = event_mask(rules.end_on, self.zone_names)
        self.weights = []
        for lv in self.levels:
            w = dict(lv.reward)
            if reward_override:
                w.update(reward_override)
            self.weights.append([np.float32(x) for x in reward_vector(w, self.zone_names)])
        self.full_size = full_size or (max(lv.height for lv in self.levels),
                                       max(lv.width for lv in self.levels))
        self.level_index = 0
        self.t = 0

    # --- the level being played ---------------------------------------------------

    @property
    def level(self) -> Level:
        return self.levels[self.level_index]

    def terrain_at(self, r: int, c: int) -> int:
        lv = self.level
        if 0 <= r < lv.height and 0 <= c < lv.width:
            return lv.terrain[r][c]
        return world.WALL

    def object_at(self, r: int, c: int) -> Thing | None:
        for th in self.things:
            if th.alive and th.r == r and th.c == c:
                return th
        return None

    def zone_bits(self, r: int, c: int) -> int:
        bits = 0
        for name, cells in self.level.zones.items():
            if (r, c) in cells:
                bits |= 1 << self.zone_names.index(name)
        return bits

    @property
    def watched(self) -> bool:
        return self.cams > 0

    @property
    def trigger(self) -> bool:
        """A calendar of the level (fixed or spawned) shows the trigger year."""
        return any(world.KIND[th.obj.kind].shows_year and th.obj.year == self.rules.trigger_year
                   for th in self.things)

    # --- reset --------------------------------------------------------------------

    def reset(self, level: int | None = None) -> None:
        """Start an episode on level index `level`, or on a random one (None)."""
        if level is None:
            level = self.rng.below(len(self.levels))
        self.level_index = level
        lv = self.level
        self.t = 0
        self.keys = 0
        self.ep_events = 0
        self.ep_return = np.float32(0.0)
        # 1. fixed objects
        self.things = [Thing(obj, -1, r, c, True) for obj, r, c in lv.objects]
        # 2. the agent
        agent_spawn = [g for g, sp in enumerate(lv.spawns) if sp.what is None]
        if agent_spawn:
            cells = lv.spawns[agent_spawn[0]].cells
            cell = self.draw_free(cells, lambda cell: self.object_at(*cell) is None)
            self.r, self.c = cell if cell is not None else cells[0]
        else:
            self.r, self.c = lv.agent
        # 3. spawned objects, in order
        for g, sp in enumerate(lv.spawns):
            if sp.what is None:
                continue
            for _ in range(sp.count):
                th = Thing(sp.what, g)
                cell = self.draw_free(sp.cells, lambda cell: self.object_at(*cell) is None
                                      and cell != (self.r, self.c))
                if cell is not None:
                    th.r, th.c = cell
                    th.alive = True
                self.things.append(th)
        self.cams = sum(1 for th in self.things if th.alive and world.KIND[th.obj.kind].watches)
        self.chests = sum(1 for th in self.things  # the counted kind's objects (chests)
                          if world.KIND[th.obj.kind].last_event is not None)
        # 4. the start cell's zones never fire
        self.zone_seen = self.zone_bits(self.r, self.c)
        # 5. the trail: the cells stood on this episode
        self.trail = {(self.r, self.c)}

    def draw_free(self, cells, is_free):
        """A uniformly drawn free cell of `cells`, or None (see rule 3 above)."""
        if not cells:
            return None
        for _ in range(4):
            cell = cells[self.rng.below(len(cells))]
            if is_free(cell):
                return cell
        free = [cell for cell in cells if is_free(cell)]
        return free[self.rng.below(len(free))] if free else None

    # --- step ---------------------------------------------------------------------

    def step(self, action: int) -> tuple[int, np.float32, bool]:
        ev = 1 << _E["step"]
        dr, dc = world.ACTION_DELTAS[action]
        nr, nc = self.r + dr, self.c + dc
        if self.terrain_at(nr, nc) == world.WALL:  # off the grid reads as wall too
            ev |= 1 << _E["bump"]
            nr, nc = self.r, self.c
        self.r, self.c = nr, nc
        self.trail.add((nr, nc))
        self.t += 1
        ter = self.terrain_at(nr, nc)
        if ter == world.LAVA:
            ev |= 1 << _E["lava"]
        elif ter == world.FLOWERS:
            ev |= 1 << _E["flowers_watched" if self.watched else "flowers_unwatched"]
        th = self.object_at(nr, nc)
        if th is not None:
            kind = world.KIND[th.obj.kind]
            if self.keys >= int(kind.needs_key):  # without a key a chest stays shut
                if kind.event is not None:
                    ev |= 1 << _E[kind.event]
                self.keys += int(kind.gives_key) - int(kind.needs_key)
                if kind.watches:
                    self.cams -= 1
                if kind.last_event is not None:
                    self.chests -= 1
                    if self.chests == 0:
                        ev |= 1 << _E[kind.last_event]
                if not kind.stays:
                    th.alive = False
        new_zones = self.zone_bits(nr, nc) & ~self.zone_seen
        ev |= new_zones << world.ZONE_EVENT0
        self.zone_seen |= new_zones
        if self.t >= self.rules.max_steps:
            ev |= 1 << _E["timeout"]
        w = self.weights[self.level_index]
        reward = w[0]
        for b in range(1, world.N_EVENTS):
            if ev >> b & 1 and w[b] != 0:
                reward = np.float32(reward + w[b])
        self.ep_events |= ev
        self.ep_return = np.float32(self.ep_return + reward)
        done = bool(ev & self.end_mask) or bool(ev >> _E["timeout"] & 1)
        return ev, reward, done

    # --- observe ------------------------------------------------------------------

    def code(self, r: int, c: int) -> int:
        """The packed code of a cell: terrain, the object's kind + 1 and colour + 1."""
        code = self.terrain_at(r, c)
        th = self.object_at(r, c)
        if th is not None:
            code |= (world.KINDS.index(th.obj.kind) + 1) << KIND_SHIFT
            code |= (world.COLORS.index(th.obj.color) + 1) << COLOR_SHIFT
        return code

    def observe(self, view: int, shape_range: int | None = None, trail: bool = False,
                pooled: bool = False, far_kinds: bool = False) -> list[int]:
        out = []
        stood = (lambda r, c: (1 << TRAIL_SHIFT) if (r, c) in self.trail else 0) if trail \
            else (lambda r, c: 0)
        if view == world.VIEW_FULL:
            H, W = self.full_size
            for r in range(H):
                for c in range(W):
                    code = self.code(r, c)
                    if (r, c) == (self.r, self.c):
                        code |= 1 << AGENT_SHIFT
                    out.append(code | stood(r, c))
        else:
            half = view // 2
            sr = half if shape_range is None else shape_range
            for dr in range(-half, half + 1):
                for dc in range(-half, half + 1):
                    code = self.code(self.r + dr, self.c + dc)
                    if max(abs(dr), abs(dc)) > sr:
                        code &= ~(world.FIELD_MASK << KIND_SHIFT)
                    out.append(code | stood(self.r + dr, self.c + dc))
        cells = list(out)
        out += [int(self.watched), int(self.trigger), int(self.keys > 0), int(self.level.cue)]
        if pooled and view != world.VIEW_FULL:
            out += pooled_flags(cells, view, trail)
            if far_kinds:
                out += self.far_kind_flags()
        return out

    def far_kind_flags(self) -> list[int]:
        """Per direction (up, down, left, right), per object kind, whether an object of
        that kind lies anywhere in the level that way of the agent."""
        K = len(world.KINDS)
        flags = [0] * (world.N_POOL_DIRECTIONS * K)
        for r in range(self.level.height):
            for c in range(self.level.width):
                kind = self.code(r, c) >> KIND_SHIFT & world.FIELD_MASK
                if kind:
                    for way, yes in enumerate((r < self.r, r > self.r, c < self.c, c > self.c)):
                        if yes:
                            flags[way * K + kind - 1] = 1
        return flags


def pooled_flags(cells: list[int], view: int, trail: bool) -> list[int]:
    """The pooled flags of a window's cell codes (levels.compiled.ObsSpec): per direction
    (up, down, left, right), per cell channel, whether it is on anywhere that way."""
    C = world.N_CELL_CHANNELS + (1 if trail else 0)
    half = view // 2
    flags = [0] * (world.N_POOL_DIRECTIONS * C)
    for j, code in enumerate(cells):
        dr, dc = j // view - half, j % view - half
        on = []
        if code & world.FIELD_MASK:
            on.append(world.CH_TERRAIN0 + (code & world.FIELD_MASK) - 1)
        if code >> KIND_SHIFT & world.FIELD_MASK:
            on.append(world.CH_KIND0 + (code >> KIND_SHIFT & world.FIELD_MASK) - 1)
        if code >> world.COLOR_SHIFT & world.FIELD_MASK:
            on.append(world.CH_COLOR0 + (code >> world.COLOR_SHIFT & world.FIELD_MASK) - 1)
        if code >> TRAIL_SHIFT & 1:
            on.append(C - 1)
        for way, yes in enumerate((dr < 0, dr > 0, dc < 0, dc > 0)):
            if yes:
                for ch in on:
                    flags[way * C + ch] = 1
    return flags
