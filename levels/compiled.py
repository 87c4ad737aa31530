"""Levels compiled to arrays for the numba kernels, and the state of N environments.

A `LevelSet` holds L levels padded to one height and width (padding is wall). An
`EnvState` holds N environments, each playing one level of a set. Both are
NamedTuples of numpy arrays so numba receives them as typed tuples: pass them as
arguments, never as module globals (numba's cache would freeze globals in).

Dtypes are fixed (int8 grids and codes, int32 indices, float32 rewards, uint64
RNG) so the kernels compile once.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import NamedTuple

import numpy as np

from levels import world
from levels.model import Level, LevelFile, Rules


class LevelSet(NamedTuple):
    terrain: np.ndarray      # int8[L, H, W]
    zones: np.ndarray        # int32[L, H, W], bit z set on cells of zone z
    n_obj: np.ndarray        # int32[L]
    obj_kind: np.ndarray     # int32[L, O]
    obj_color: np.ndarray    # int32[L, O]
    obj_year: np.ndarray     # int32[L, O]
    obj_r: np.ndarray        # int32[L, O], -1 for a spawned object
    obj_c: np.ndarray        # int32[L, O]
    obj_group: np.ndarray    # int32[L, O], spawn group, -1 for a fixed object
    n_cells: np.ndarray      # int32[L, G], candidate cells per spawn group
    cell_r: np.ndarray       # int32[L, G, H*W], candidate cells' rows
    cell_c: np.ndarray       # int32[L, G, H*W], and columns
    agent_r: np.ndarray      # int32[L]
    agent_c: np.ndarray      # int32[L]
    agent_group: np.ndarray  # int32[L], spawn group of the agent's start, -1 if fixed
    reward: np.ndarray       # float32[L, N_EVENTS], reward weight per event
    paid: np.ndarray         # int32[L], bits of the events with a nonzero weight
    end_mask: np.ndarray     # int32[L], events that end the episode
    max_steps: np.ndarray    # int32[L]
    cue: np.ndarray          # int32[L], the context cue flag
    trigger: np.ndarray      # int32[L], a calendar shows the trigger year
    n_chests: np.ndarray     # int32[L], objects of the counted kind (world.Kind.last_event)
    base: np.ndarray         # int32[L, H + 2P, W + 2P], packed cell codes of the empty
                             # level (terrain, no objects) with a wall border P = world.PAD


class EnvState(NamedTuple):
    lvl: np.ndarray        # int32[N], the level each environment plays
    r: np.ndarray          # int32[N], agent row
    c: np.ndarray          # int32[N], agent column
    t: np.ndarray          # int32[N], steps taken this episode
    keys: np.ndarray       # int32[N], keys held
    cams: np.ndarray       # int32[N], cameras still on
    chests: np.ndarray     # int32[N], objects of the counted kind (chests) not yet acted
    zone_seen: np.ndarray  # int32[N], zones entered this episode (bits)
    ep_events: np.ndarray  # int32[N], every event of this episode so far (bits)
    ep_return: np.ndarray  # float32[N]
    obj_r: np.ndarray      # int32[N, O], object positions this episode
    obj_c: np.ndarray      # int32[N, O]
    alive: np.ndarray      # int8[N, O], 1 while the object is in the level
    objat: np.ndarray      # int8[N, H, W], index of the object on a cell, -1 if none
    rng: np.ndarray        # uint64[N], per-environment random state (xorshift64*)
    grid: np.ndarray       # int32[N, H + 2P, W + 2P], this episode's packed cell codes
                           # (see ObsSpec), kept current by the rules so that observing
                           # is a copy of a window; the trail bit (world.TRAIL_SHIFT) marks
                           # the cells the agent has stood on this episode


# Packed cell code: one int32 per cell of the view (the layout is world.py's).
KIND_SHIFT, COLOR_SHIFT, AGENT_SHIFT = world.KIND_SHIFT, world.COLOR_SHIFT, world.AGENT_SHIFT
FIELD_MASK = world.FIELD_MASK


class ObsSpec(NamedTuple):
    """How observations are encoded: an int32 vector, one packed code per cell of the
    view (cells row-major), then the world.GLOBALS flags (0/1), then with `pooled` one
    0/1 flag per direction and cell channel (direction-major, world.POOL_DIRECTIONS): on
    when that channel is on in a cell of the view that lies that way of the agent. A
    cell's code holds terrain (bits 0-7: 0 floor, 1 wall, 2 lava, 3 flowers), kind + 1
    (bits 8-15, 0 for no object), colour + 1 (bits 16-23) and, in full view, the agent
    (bit 24). This is exactly the one-hot channel vector of world.py with the zeros left
    out: `dense` expands it, and the network's first layer reads the codes directly
    (the flags after the cells as they are, so the pooled inputs cost the network
    nothing when they are off)."""
    view: int          # odd window size, or world.VIEW_FULL
    height: int        # the window's height and width in cells
    width: int
    shape_range: int   # kinds visible up to this Chebyshev distance (colours: whole view)
    trail: bool = False  # each cell also says whether the agent has stood on it this episode
    pooled: bool = False  # also, per direction, which channels are on anywhere that way
    # Not an input: the policy reads the four cells beside the agent and never chooses a
    # move into a wall (agents.network.mask_walls). Kept here because every user of the
    # observation (training, deployment, the agent file) must read it the same way.
    wall_mask: bool = False
    far_kinds: bool = False  # also, per direction, which kinds lie that way in the whole level

    @property
    def mask_view(self) -> int:
        """The window width the policy's wall mask reads, or 0 without a mask."""
        return self.view if self.wall_mask and not self.full else 0

    @property
    def full(self) -> bool:
        return self.view == world.VIEW_FULL

    @property
    def cell_channels(self) -> int:
        return world.N_CELL_CHANNELS + (1 if self.full else 0) + (1 if self.trail else 0)

    @property
    def n_cells(self) -> int:
        return self.height * self.width

    @property
    def n_pooled(self) -> int:
        """With `pooled`, one 0/1 flag per direction and cell channel (world.POOL_DIRECTIONS)."""
        return world.N_POOL_DIRECTIONS * self.cell_channels if self.pooled else 0

    @property
    def n_far(self) -> int:
        """With `far_kinds`, one 0/1 flag per direction and object kind (world.N_FAR_KINDS)."""
        return world.N_FAR_KINDS if self.far_kinds else 0

    @property
    def length(self) -> int:
        """Length of the int32 code vector: the cells, the globals, the pooled flags and
        the far kinds."""
        return self.n_cells + world.N_GLOBALS + self.n_pooled + self.n_far

    @property
    def typical_active(self) -> int:
        """About how many inputs are on at once (the first layer's fan-in at
        initialisation): one per cell and global, and with `pooled` some four per
        direction (walls, a colour or two, the trail), and with `far_kinds` some two
        kinds per direction."""
        return (self.n_cells + world.N_GLOBALS + (4 * world.N_POOL_DIRECTIONS if self.pooled else 0)
                + (2 * world.N_POOL_DIRECTIONS if self.far_kinds else 0))

    @property
    def dense_length(self) -> int:
        """Length of the equivalent one-hot vector (the network's input size): the
        cells' channels, then the globals and pooled flags as they are."""
        return self.n_cells * self.cell_channels + world.N_GLOBALS + self.n_pooled + self.n_far

    def to_dict(self) -> dict:
        return {"view": self.view, "height": self.height, "width": self.width,
                "shape_range": self.shape_range, "trail": self.trail, "pooled": self.pooled,
                "wall_mask": self.wall_mask, "far_kinds": self.far_kinds,
                "cell_channels": self.cell_channels,
                "channels": world.cell_channel_names(self.full, self.trail),
                "globals": list(world.GLOBALS)}

    def dense(self, codes: np.ndarray) -> np.ndarray:
        """Expand codes [..., length] into the float32 one-hot vector [..., dense_length]."""
        codes = np.asarray(codes, np.int64)
        lead = codes.shape[:-1]
        cells = codes[..., : self.n_cells]
        out = np.zeros((*lead, self.n_cells, self.cell_channels), np.float32)
        fields = ((world.TERRAIN_SHIFT, world.CH_TERRAIN0 - 1), (KIND_SHIFT, world.CH_KIND0 - 1),
                  (COLOR_SHIFT, world.CH_COLOR0 - 1))
        for shift, offset in fields:
            code = (cells >> shift) & FIELD_MASK
            where = np.nonzero(code > 0)
            out[(*where, code[where] + offset)] = 1.0
        if self.full:
            out[..., world.CH_AGENT] = (cells >> AGENT_SHIFT) & 1
        if self.trail:
            out[..., self.cell_channels - 1] = (cells >> world.TRAIL_SHIFT) & 1
        flat = out.reshape(*lead, self.n_cells * self.cell_channels)
        glob = codes[..., self.n_cells:].astype(np.float32)
        return np.concatenate([flat, glob], axis=-1)


def obs_spec(view: int, shape_range: int | None, height: int, width: int,
             trail: bool = False, pooled: bool = False, wall_mask: bool = False,
             far_kinds: bool = False) -> ObsSpec:
    """The observation spec for a view setting and the padded grid size of a set
    (the size matters only for the full view, which has no pooled inputs: its
    directions are not the agent's)."""
    if view == world.VIEW_FULL:
        return ObsSpec(view, height, width, max(height, width), trail)
    half = view // 2
    sr = half if shape_range is None else min(shape_range, half)
    return ObsSpec(view, view, view, sr, trail, pooled, wall_mask, far_kinds)


def event_index(name: str, zone_names: tuple[str, ...]) -> list[int]:
    """Event bits for an event name, the alias 'flowers', or a zone name."""
    if name in world.EVENT_ALIASES:
        return [world.EVENT_BIT[n] for n in world.EVENT_ALIASES[name]]
    if name in world.EVENT_BIT:
        return [world.EVENT_BIT[name]]
    if name in zone_names:
        return [world.ZONE_EVENT0 + zone_names.index(name)]
    raise KeyError(f"unknown event {name!r}")


def event_mask(names, zone_names: tuple[str, ...]) -> int:
    mask = 0
    for n in names:
        for b in event_index(n, zone_names):
            mask |= 1 << b
    return mask


def reward_vector(weights: dict[str, float], zone_names: tuple[str, ...]) -> np.ndarray:
    vec = np.zeros(world.N_EVENTS, np.float32)
    for name, w in weights.items():
        for b in event_index(name, zone_names):
            vec[b] = w
    return vec


def compile_levels(levels: list[Level], rules: Rules, zone_names: tuple[str, ...],
                   pad_to: tuple[int, int] | None = None,
                   reward_override: dict[str, float] | None = None) -> LevelSet:
    """Compile levels (all of one set, or any mix) into arrays. `pad_to` fixes the
    padded size (the full view needs the same size in training and deployment).
    `reward_override` is applied on top of each level's own weights (the control agent)."""
    if not levels:
        raise ValueError("no levels to compile")
    H = max(lv.height for lv in levels)
    W = max(lv.width for lv in levels)
    if pad_to is not None:
        H, W = max(H, pad_to[0]), max(W, pad_to[1])
    L, O, G = len(levels), world.MAX_OBJECTS, world.MAX_SPAWN_GROUPS
    terrain = np.full((L, H, W), world.WALL, np.int8)
    zones = np.zeros((L, H, W), np.int32)
    n_obj = np.zeros(L, np.int32)
    obj_kind = np.zeros((L, O), np.int32)
    obj_color = np.zeros((L, O), np.int32)
    obj_year = np.zeros((L, O), np.int32)
    obj_r = np.full((L, O), -1, np.int32)
    obj_c = np.full((L, O), -1, np.int32)
    obj_group = np.full((L, O), -1, np.int32)
    n_cells = np.zeros((L, G), np.int32)
    cell_r = np.zeros((L, G, H * W), np.int32)
    cell_c = np.zeros((L, G, H * W), np.int32)
    agent_r = np.zeros(L, np.int32)
    agent_c = np.zeros(L, np.int32)
    agent_group = np.full(L, -1, np.int32)
    reward = np.zeros((L, world.N_EVENTS), np.float32)
    end_mask = np.full(L, event_mask(rules.end_on, zone_names), np.int32)
    max_steps = np.full(L, rules.max_steps, np.int32)
    cue = np.zeros(L, np.int32)
    trigger = np.zeros(L, np.int32)
    n_chests = np.zeros(L, np.int32)

    for i, lv in enumerate(levels):
        terrain[i, : lv.height, : lv.width] = np.asarray(lv.terrain, np.int8)
        for name, zcells in lv.zones.items():
            bit = 1 << zone_names.index(name)
            for (r, c) in zcells:
                zones[i, r, c] |= bit
        k = 0

        def add(obj, r, c, group):
            nonlocal k
            obj_kind[i, k] = world.KINDS.index(obj.kind)
            obj_color[i, k] = world.COLORS.index(obj.color)
            obj_year[i, k] = obj.year
            obj_r[i, k], obj_c[i, k], obj_group[i, k] = r, c, group
            kind = world.KIND[obj.kind]
            if kind.last_event is not None:
                n_chests[i] += 1
            if kind.shows_year and obj.year == rules.trigger_year:
                trigger[i] = 1
            k += 1

        for obj, r, c in lv.objects:
            add(obj, r, c, -1)
        for g, sp in enumerate(lv.spawns):
            n_cells[i, g] = len(sp.cells)
            cell_r[i, g, : len(sp.cells)] = [r for r, _ in sp.cells]
            cell_c[i, g, : len(sp.cells)] = [c for _, c in sp.cells]
            if sp.what is None:
                agent_group[i] = g
            else:
                for _ in range(sp.count):
                    add(sp.what, -1, -1, g)
        n_obj[i] = k
        if lv.agent is not None:
            agent_r[i], agent_c[i] = lv.agent
        weights = dict(lv.reward)
        if reward_override:
            weights.update(reward_override)
        reward[i] = reward_vector(weights, zone_names)
        cue[i] = int(lv.cue)
    P = world.PAD
    base = np.full((L, H + 2 * P, W + 2 * P), world.WALL, np.int32)
    base[:, P:P + H, P:P + W] = terrain
    paid = np.array([sum(1 << b for b in range(world.N_EVENTS) if reward[i, b] != 0)
                     for i in range(L)], np.int32)
    return LevelSet(terrain, zones, n_obj, obj_kind, obj_color, obj_year, obj_r, obj_c,
                    obj_group, n_cells, cell_r, cell_c, agent_r, agent_c, agent_group, reward,
                    paid, end_mask, max_steps, cue, trigger, n_chests, base)



def upside_down(level: Level) -> Level:
    """The level mirrored top to bottom: every row, object, start, spawn and zone cell
    moved to row height-1-r. The rules have no direction, so it is the same task with
    the path above an obstacle turned into the path below (`[agent] mirror`)."""
    last = level.height - 1
    flip = lambda cell: (last - cell[0], cell[1])  # noqa: E731
    return dataclasses.replace(
        level, name=f"{level.name} (upside down)", rows=level.rows[::-1],
        terrain=level.terrain[::-1], objects=[(o, last - r, c) for o, r, c in level.objects],
        agent=None if level.agent is None else flip(level.agent),
        spawns=[dataclasses.replace(s, cells=[flip(c) for c in s.cells]) for s in level.spawns],
        zones={name: [flip(c) for c in cells] for name, cells in level.zones.items()})


def compile_set(lf: LevelFile, which: str = "train", pad_to=None,
                reward_override: dict[str, float] | None = None,
                mirrored: bool = False) -> LevelSet:
    """Compile one of a file's sets: "train", "deploy" or "pretrain"; `mirrored` adds
    each level turned upside down after the levels as written (their indices stay)."""
    levels = list(getattr(lf, which))
    if mirrored:
        levels += [upside_down(lv) for lv in levels]
    return compile_levels(levels, lf.rules, lf.zone_names, pad_to, reward_override)


def new_state(levels: LevelSet, n_envs: int) -> EnvState:
    """Zeroed state for n environments; call kernels.reset_all before stepping."""
    L, H, W = levels.terrain.shape
    O = levels.obj_kind.shape[1]
    z = lambda: np.zeros(n_envs, np.int32)  # noqa: E731
    t = np.full(n_envs, -1, np.int32)  # -1: never reset (reset_one then copies the grid)
    return EnvState(z(), z(), z(), t, z(), z(), z(), z(), z(),
                    np.zeros(n_envs, np.float32),
                    np.full((n_envs, O), -1, np.int32), np.full((n_envs, O), -1, np.int32),
                    np.zeros((n_envs, O), np.int8), np.full((n_envs, H, W), -1, np.int8),
                    np.zeros(n_envs, np.uint64),
                    np.zeros((n_envs,) + levels.base.shape[1:], np.int32))


def levels_hash(levels: LevelSet) -> str:
    """A short content hash of compiled levels (for agent files: what it trained on)."""
    h = hashlib.sha256()
    for arr in levels:
        h.update(np.ascontiguousarray(arr).tobytes())
        h.update(str(arr.shape).encode())
    return h.hexdigest()[:16]
