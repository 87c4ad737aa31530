"""The rules as numba kernels: reset, step and observe for N environments at once.

The public functions take a `LevelSet` and an `EnvState` (NamedTuples of arrays,
see levels.compiled) and work in place. The batch functions (`reset_all`,
`step_all`, `observe_all`) are what other compiled code calls, once per time step
(the learner's rollout); the `*_one` functions serve the command line and tests.
`levels.reference` holds a plain-Python twin of these rules; the tests check that
the two agree step for step.

Randomness: each environment owns a uint64 xorshift64* state in `state.rng`.
Spawn cells and random levels are drawn from it, so a seed reproduces everything.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from levels import jitcache, world

_JIT = dict(cache=True, nogil=True)
# Inlined at the numba level: the small per-draw helpers (random numbers, a spawn
# cell) called inside the batch loops.
_INLINE = dict(cache=True, nogil=True, inline="always")

# Event bits as plain ints: numba folds module-level ints into constants.
_STEP = 1 << world.EVENT_BIT["step"]
_BUMP = 1 << world.EVENT_BIT["bump"]
_LAVA = 1 << world.EVENT_BIT["lava"]
_FLOWERS_W = 1 << world.EVENT_BIT["flowers_watched"]
_FLOWERS_U = 1 << world.EVENT_BIT["flowers_unwatched"]
_TIMEOUT = 1 << world.EVENT_BIT["timeout"]
_ZONE0 = world.ZONE_EVENT0
_N_EVENTS = world.N_EVENTS
_WALL, _LAVA_T, _FLOWERS_T = world.WALL, world.LAVA, world.FLOWERS
# What an object kind does is data: world.KIND_TABLE, as numbers (world.KIND_RULES,
# one row per kind, these columns). Frozen into the compiled code like the constants
# above; levels.jitcache recompiles when world.py changes.
KIND_RULES = np.array(world.KIND_RULES, np.int32).reshape(len(world.KINDS), world.N_RULE_COLUMNS)
_R_NEEDS_KEY, _R_KEYS, _R_EVENT = world.R_NEEDS_KEY, world.R_KEYS, world.R_EVENT
_R_WATCHES, _R_COUNTED, _R_LAST_EVENT = world.R_WATCHES, world.R_COUNTED, world.R_LAST_EVENT
_R_REMOVED = world.R_REMOVED
_N_GLOBALS = world.N_GLOBALS
_P = world.PAD
_TERRAIN_SHIFT, _KIND_SHIFT = world.TERRAIN_SHIFT, world.KIND_SHIFT
_COLOR_SHIFT, _AGENT_SHIFT = world.COLOR_SHIFT, world.AGENT_SHIFT
# The trail: the rules set this bit in the code grid on every cell the agent stands on
# during an episode (observed only with a trail; see _observe_envs).
_STOOD = 1 << world.TRAIL_SHIFT
_NOT_STOOD = ~_STOOD
_FIELD_MASK = world.FIELD_MASK
_KIND_CLEAR = ~(world.FIELD_MASK << world.KIND_SHIFT)
_CH_KIND0, _CH_COLOR0 = world.CH_KIND0, world.CH_COLOR0
_N_WAYS = world.N_POOL_DIRECTIONS
_N_CELL_CHANNELS = world.N_CELL_CHANNELS


# --- random numbers ------------------------------------------------------------

@njit(**_INLINE)
def rng_next(rng, i):
    """Advance environment i's xorshift64* state and return 64 random bits."""
    x = rng[i]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    rng[i] = x
    return x * np.uint64(2685821657736338717)


@njit(**_INLINE)
def rng_below(rng, i, n):
    """A uniform integer in [0, n) (n < 2**31), by Lemire's multiply-shift on 32 bits."""
    x = rng_next(rng, i) >> np.uint64(32)
    return np.int64((x * np.uint64(n)) >> np.uint64(32))


@njit(**_INLINE)
def rng_uniform(rng, i):
    """A uniform float64 in [0, 1) with 53 random bits."""
    return np.float64(rng_next(rng, i) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(**_JIT)
def seed_rng(rng, seed):
    """Seed every environment's state from one seed with splitmix64 (never zero)."""
    for i in range(rng.shape[0]):
        z = np.uint64(seed) + np.uint64(i + 1) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
        if z == np.uint64(0):
            z = np.uint64(1)
        rng[i] = z


# --- reset -------------------------------------------------------------------

# Performance notes (the target is 20 M steps per second with observations on one
# core): resetting, stepping and observing are batch loops over environments, each
# taking its arrays one by one and called once per batch. Handing arrays (or the
# LevelSet/EnvState tuples) to a per-environment function, inlined or not, costs a
# reference-count increment and decrement per array per call: measured at several
# times the cost of the rules themselves.

_TRIES = 4  # rejection-sampling attempts before counting the free cells


@njit(**_INLINE)
def _free_cell(n_cells, cell_r, cell_c, objat, rng, i, lvl, g, ar, ac):
    """Draw one candidate cell of spawn group g that holds no object and is not the
    agent's (ar, ac), uniformly. Returns its index in the group, -1 when none is free.
    First a few uniform draws over the whole group, keeping the first free one
    (uniform over the free cells, and cheap when most are free); then, if all of them
    hit taken cells, one draw among the free cells counted out. levels.reference
    draws exactly the same way."""
    n = n_cells[lvl, g]
    if n == 0:
        return -1
    for _ in range(_TRIES):
        j = rng_below(rng, i, n)
        r, c = cell_r[lvl, g, j], cell_c[lvl, g, j]
        if objat[i, r, c] < 0 and (r != ar or c != ac):
            return j
    free = 0
    for j in range(n):
        r, c = cell_r[lvl, g, j], cell_c[lvl, g, j]
        free += (objat[i, r, c] < 0) & ((r != ar) | (c != ac))
    if free == 0:
        return -1
    pick = rng_below(rng, i, free)
    for j in range(n):
        r, c = cell_r[lvl, g, j], cell_c[lvl, g, j]
        if objat[i, r, c] < 0 and (r != ar or c != ac):
            if pick == 0:
                return j
            pick -= 1
    return -1


@njit(**_JIT)
def _reset_envs(base, zones, n_obj, obj_kind, obj_color, lv_obj_r, lv_obj_c, obj_group,
                n_cells, cell_r, cell_c, agent_r, agent_c, agent_group, n_chests,
                lvls, rs, cs, ts, keys, cams, chests, zone_seen, ep_events, ep_return,
                obj_r, obj_c, alive, objat, rng, grid, want):
    """Start a new episode in every environment i with want[i] >= -1, on level
    want[i] (a random level when -1); want[i] == -2 leaves it alone. The body is
    written out in this batch loop (see the note above _step_envs)."""
    for i in range(want.shape[0]):
        level = want[i]
        if level < -1:
            continue
        if level < 0:
            level = rng_below(rng, i, base.shape[0])
        # clear the previous episode's objects from the cell index and the code grid
        for o in range(alive.shape[1]):
            if alive[i, o]:
                r, c = obj_r[i, o], obj_c[i, o]
                objat[i, r, c] = -1
                grid[i, r + _P, c + _P] &= _FIELD_MASK
                alive[i, o] = 0
        if level != lvls[i] or ts[i] < 0:  # another level's terrain, or a fresh state
            if ts[i] < 0:
                for r in range(grid.shape[1]):
                    for c in range(grid.shape[2]):
                        grid[i, r, c] = base[level, r, c]
            else:  # the border is wall in every level: copy the inside only
                for r in range(_P, grid.shape[1] - _P):
                    for c in range(_P, grid.shape[2] - _P):
                        grid[i, r, c] = base[level, r, c]
        else:  # the same level again: forget the last episode's trail (never in the border)
            for r in range(_P, grid.shape[1] - _P):
                for c in range(_P, grid.shape[2] - _P):
                    grid[i, r, c] &= _NOT_STOOD
        lvls[i] = level
        ts[i] = 0
        keys[i] = 0
        ep_events[i] = 0
        ep_return[i] = 0.0
        n = n_obj[level]
        ncam = 0
        g = agent_group[level]
        ar, ac = agent_r[level], agent_c[level]
        # pass 0: the fixed objects (first in the object table); then the agent, avoiding
        # them; pass 1: the spawned objects in order, each on a free cell of its group
        for spawned in range(2):
            if spawned == 1:
                if g >= 0:
                    j = _free_cell(n_cells, cell_r, cell_c, objat, rng, i, level, g, -1, -1)
                    if j < 0:
                        j = 0  # every start covered by an object: the group's first cell
                    ar, ac = cell_r[level, g, j], cell_c[level, g, j]
                rs[i], cs[i] = ar, ac
            for o in range(n):
                og = obj_group[level, o]
                if (og >= 0) != (spawned == 1):
                    continue
                if og < 0:
                    r, c = lv_obj_r[level, o], lv_obj_c[level, o]
                else:
                    j = _free_cell(n_cells, cell_r, cell_c, objat, rng, i, level, og, ar, ac)
                    if j < 0:
                        continue  # no free cell: the object sits this episode out
                    r, c = cell_r[level, og, j], cell_c[level, og, j]
                obj_r[i, o], obj_c[i, o] = r, c
                alive[i, o] = 1
                objat[i, r, c] = o
                grid[i, r + _P, c + _P] = (base[level, r + _P, c + _P]
                                           | (obj_kind[level, o] + 1) << _KIND_SHIFT
                                           | (obj_color[level, o] + 1) << _COLOR_SHIFT)
                ncam += KIND_RULES[obj_kind[level, o], _R_WATCHES]
        cams[i] = ncam
        chests[i] = n_chests[level]
        zone_seen[i] = zones[level, ar, ac]
        grid[i, ar + _P, ac + _P] |= _STOOD  # the trail: only the start cell so far


@njit(**_JIT)
def _reset(ls, st, want):
    _reset_envs(ls.base, ls.zones, ls.n_obj, ls.obj_kind, ls.obj_color, ls.obj_r, ls.obj_c,
                ls.obj_group, ls.n_cells, ls.cell_r, ls.cell_c, ls.agent_r, ls.agent_c,
                ls.agent_group, ls.n_chests, st.lvl, st.r, st.c, st.t, st.keys, st.cams,
                st.chests, st.zone_seen, st.ep_events, st.ep_return, st.obj_r, st.obj_c,
                st.alive, st.objat, st.rng, st.grid, want)


@njit(**_JIT)
def reset_one(ls, st, i, level):
    """Start a new episode in environment i on `level` (a random level if < 0).
    Placement order: fixed objects, the agent, then spawned objects in file order,
    each on a uniformly drawn free cell of its group."""
    want = np.full(st.lvl.shape[0], -2, np.int32)
    want[i] = max(level, -1)
    _reset(ls, st, want)


@njit(**_JIT)
def reset_all(ls, st, levels):
    """Reset every environment; levels[i] is environment i's level, or -1 for random."""
    want = np.empty(st.lvl.shape[0], np.int32)
    for i in range(want.shape[0]):
        want[i] = max(levels[i], -1)
    _reset(ls, st, want)


# --- step --------------------------------------------------------------------

@njit(**_INLINE)
def heading(r, c, action):
    """The cell an action heads for, walls not yet considered (0 up, 1 down, 2 left,
    3 right). The rules step with it; the agent's wall mask reads its neighbours with it."""
    return r + (action == 1) - (action == 0), c + (action == 3) - (action == 2)


@njit(**_INLINE)
def is_wall(code):
    """Whether a packed cell code, of the grid or of an observation, is a wall: the
    rules' bump, the novelty bonus and the learner's wall mask share this one test."""
    return ((code >> _TERRAIN_SHIFT) & _FIELD_MASK) == _WALL


@njit(**_INLINE)
def enters_new_cell(st, i, action):
    """Whether `action` would take environment i's agent onto a cell it has not stood
    on this episode (into a wall it stays where it has stood). The learner's novelty
    bonus asks this before stepping."""
    nr, nc = heading(st.r[i], st.c[i], action)
    code = st.grid[i, nr + _P, nc + _P]
    return not is_wall(code) and (code & _STOOD) == 0


# Stepping and observing run as batch loops over environments [i0, i1): one call
# per batch. A per-environment call that hands over twenty arrays, even one numba
# inlines, pays a reference-count increment and decrement per array per call, which
# measured six times the cost of the rules themselves (66 ns against 10 ns a step).

@njit(**_JIT)
def _step_envs(zones, reward_w, paid, end_mask, max_steps,
               lvls, rs, cs, ts, keys, cams, chests, zone_seen, ep_events, ep_return,
               alive, objat, grid, i0, i1, actions, events, rewards, dones):
    """Apply actions[i] in environments i0 <= i < i1; write events, rewards, dones."""
    for i in range(i0, i1):
        action = actions[i]
        # The code grid holds terrain and the object's kind on every cell, with a wall
        # border at least one cell wide, so one read answers "wall?" and "what is here?".
        lvl = lvls[i]
        r, c = rs[i], cs[i]
        nr, nc = heading(r, c, action)
        ui = np.uint64(i)
        code = grid[ui, np.uint64(nr + _P), np.uint64(nc + _P)]
        ev = _STEP
        if is_wall(code):
            ev = _STEP | _BUMP
            nr, nc = r, c
            code = grid[ui, np.uint64(r + _P), np.uint64(c + _P)]
        rs[i], cs[i] = nr, nc
        t = ts[i] + 1
        ts[i] = t
        ter = code & _FIELD_MASK
        if ter == _LAVA_T:
            ev |= _LAVA
        elif ter == _FLOWERS_T:
            ev |= _FLOWERS_W if cams[i] > 0 else _FLOWERS_U
        k1 = (code >> _KIND_SHIFT) & _FIELD_MASK  # kind + 1, 0 for no object
        if k1 != 0:
            # what this kind does: its row of world.KIND_RULES (indexed element by
            # element: a row view would cost a reference count per step)
            kind = np.uint64(k1 - 1)
            if keys[i] >= KIND_RULES[kind, _R_NEEDS_KEY]:  # a chest without a key: nothing
                ev |= KIND_RULES[kind, _R_EVENT]
                keys[i] += KIND_RULES[kind, _R_KEYS]
                cams[i] -= KIND_RULES[kind, _R_WATCHES]
                if KIND_RULES[kind, _R_COUNTED]:
                    chests[i] -= 1
                    if chests[i] == 0:
                        ev |= KIND_RULES[kind, _R_LAST_EVENT]
                if KIND_RULES[kind, _R_REMOVED]:
                    alive[i, objat[i, nr, nc]] = 0
                    objat[i, nr, nc] = -1
                    grid[i, nr + _P, nc + _P] = ter  # terrain only
        grid[ui, np.uint64(nr + _P), np.uint64(nc + _P)] |= _STOOD
        z = zones[lvl, nr, nc] & ~zone_seen[i]
        if z != 0:
            ev |= z << _ZONE0
            zone_seen[i] |= z
        if t >= max_steps[lvl]:
            ev |= _TIMEOUT
        reward = reward_w[lvl, 0]  # "step" is bit 0 and always set
        rest = (ev & paid[lvl]) >> 1  # only events this level pays or charges for
        b = 1
        while rest != 0:
            if rest & 1:
                reward += reward_w[lvl, b]
            rest >>= 1
            b += 1
        ep_events[i] |= ev
        ep_return[i] += reward
        done = (ev & (end_mask[lvl] | _TIMEOUT)) != 0
        events[i] = ev
        rewards[i] = reward
        dones[i] = done


@njit(**_JIT)
def step_one(ls, st, i, action):
    """Apply one action in environment i. Returns (events, reward, done); the
    environment is left at the end state when done (the caller resets it)."""
    n = st.lvl.shape[0]
    actions = np.zeros(n, np.int32)
    events = np.zeros(n, np.int32)
    rewards = np.zeros(n, np.float32)
    dones = np.zeros(n, np.bool_)
    actions[i] = action
    _step_envs(ls.zones, ls.reward, ls.paid, ls.end_mask, ls.max_steps,
               st.lvl, st.r, st.c, st.t, st.keys, st.cams, st.chests, st.zone_seen,
               st.ep_events, st.ep_return, st.alive, st.objat, st.grid,
               i, i + 1, actions, events, rewards, dones)
    return events[i], rewards[i], dones[i]


@njit(**_JIT)
def _reset_done(ls, st, dones):
    """Restart, on a random level, every environment whose episode is done; returns
    how many there were."""
    want = np.empty(dones.shape[0], np.int32)
    finished = 0
    for i in range(dones.shape[0]):
        want[i] = -1 if dones[i] else -2
        finished += dones[i]
    if finished:
        _reset(ls, st, want)
    return finished


@njit(**_JIT)
def step_all(ls, st, actions, events, rewards, dones, auto_reset):
    """Step every environment; with auto_reset, a finished episode restarts on a
    random level (events/rewards/dones still describe the finishing step)."""
    _step_envs(ls.zones, ls.reward, ls.paid, ls.end_mask, ls.max_steps,
               st.lvl, st.r, st.c, st.t, st.keys, st.cams, st.chests, st.zone_seen,
               st.ep_events, st.ep_return, st.alive, st.objat, st.grid,
               0, st.lvl.shape[0], actions, events, rewards, dones)
    if auto_reset:
        _reset_done(ls, st, dones)


# --- observe -----------------------------------------------------------------

@njit(**_JIT)
def _observe_envs(grid, rs, cs, cams, keys, lvls, trigger, cue, obj_kind, obj_r, obj_c, alive,
                  i0, i1, view, shape_range, with_trail, out):
    """Observations of environments i0 <= i < i1 into out[i] (see the note above
    _step_envs: the body is written out here, not in a per-environment helper).
    with_trail: each cell's code also says whether the agent has stood on it this
    episode (bit world.TRAIL_SHIFT, which the rules keep in the grid; without a
    trail the copy masks it out, with no branch in the loop)."""
    # Unsigned indices: numba then skips the negative-index wrap-around checks,
    # which cost more than the copy itself (every index here is >= 0).
    # Each case is its own loop over environments: a branch inside the loop kept the
    # window copy from being optimised (measured 33 ns against 15 ns per observation).
    keep = np.int32(-1) if with_trail else np.int32(~_STOOD)
    if view > 0:
        half = view // 2
        uv = np.uint64(view)
        g0 = np.uint64(view * view)
        for i in range(i0, i1):
            ui = np.uint64(i)
            r0 = np.uint64(rs[i] - half + _P)
            c0 = np.uint64(cs[i] - half + _P)
            uj = np.uint64(0)
            for dr in range(uv):
                for dc in range(uv):
                    out[ui, uj + dc] = grid[ui, r0 + dr, c0 + dc] & keep
                uj += uv
            lvl = lvls[i]
            out[ui, g0] = 1 if cams[i] > 0 else 0
            out[ui, g0 + np.uint64(1)] = trigger[lvl]
            out[ui, g0 + np.uint64(2)] = 1 if keys[i] > 0 else 0
            out[ui, g0 + np.uint64(3)] = cue[lvl]
        if shape_range < half:  # kinds seen only near the agent; colours farther
            for i in range(i0, i1):
                k = 0
                for dr in range(-half, half + 1):
                    for dc in range(-half, half + 1):
                        if dr > shape_range or -dr > shape_range or dc > shape_range or -dc > shape_range:
                            out[i, k] &= _KIND_CLEAR
                        k += 1
        first = view * view + _N_GLOBALS
        if out.shape[1] > first:  # pooled flags (ObsSpec.pooled)
            C = _N_CELL_CHANNELS + (1 if with_trail else 0)
            _pool_window(out, i0, i1, view, C)
            if out.shape[1] > first + _N_WAYS * C:  # and the far kinds (ObsSpec.far_kinds)
                _pool_far_kinds(rs, cs, lvls, obj_kind, obj_r, obj_c, alive, out, i0, i1,
                                first + _N_WAYS * C)
    else:
        H, W = grid.shape[1] - 2 * _P, grid.shape[2] - 2 * _P
        g0 = H * W
        for i in range(i0, i1):
            j = 0
            for rr in range(H):
                for cc in range(W):
                    out[i, j] = grid[i, rr + _P, cc + _P] & keep
                    j += 1
            out[i, rs[i] * W + cs[i]] |= 1 << _AGENT_SHIFT
            lvl = lvls[i]
            out[i, g0] = 1 if cams[i] > 0 else 0
            out[i, g0 + 1] = trigger[lvl]
            out[i, g0 + 2] = 1 if keys[i] > 0 else 0
            out[i, g0 + 3] = cue[lvl]


@njit(**_JIT)
def _pool_far_kinds(rs, cs, lvls, obj_kind, obj_r, obj_c, alive, out, i0, i1, first):
    """The far-kind flags of rows i0 <= i < i1, from flag `first` on: flag
    way * len(KINDS) + kind is on when an object of that kind lies anywhere in the
    level that way of the agent (a diagonal one lies two ways), in view or not. Reads
    the objects still in the level, not the grid: a few objects, not every cell."""
    n_kinds = len(KIND_RULES)
    for i in range(i0, i1):
        for f in range(first, first + _N_WAYS * n_kinds):
            out[i, f] = 0
        ar, ac, lvl = rs[i], cs[i], lvls[i]
        for o in range(alive.shape[1]):
            if alive[i, o] == 0:
                continue
            k = obj_kind[lvl, o]
            r, c = obj_r[i, o], obj_c[i, o]
            if r < ar:
                out[i, first + k] = 1
            elif r > ar:
                out[i, first + n_kinds + k] = 1
            if c < ac:
                out[i, first + 2 * n_kinds + k] = 1
            elif c > ac:
                out[i, first + 3 * n_kinds + k] = 1


@njit(**_JIT)
def _pool_window(out, i0, i1, view, C):
    """The pooled flags of rows i0 <= i < i1 from their window codes (kinds already
    cleared beyond the shape range): flag way * C + ch is on when channel ch is on in a
    cell that lies that way (up, down, left, right; a diagonal cell lies two ways). C,
    the cell channels: 16, or 17 with the trail last."""
    n_cells = view * view
    first = n_cells + _N_GLOBALS
    half = view // 2
    for i in range(i0, i1):
        for f in range(first, first + _N_WAYS * C):
            out[i, f] = 0
        for j in range(n_cells):
            code = out[i, j]
            if code == 0:
                continue
            dr = j // view - half
            dc = j % view - half
            for way in range(_N_WAYS):
                if (way == 0 and dr < 0) or (way == 1 and dr > 0) or (way == 2 and dc < 0) \
                        or (way == 3 and dc > 0):
                    base = first + way * C
                    t = code & _FIELD_MASK
                    if t > 0:
                        out[i, base + t - 1] = 1
                    k = (code >> _KIND_SHIFT) & _FIELD_MASK
                    if k > 0:
                        out[i, base + _CH_KIND0 + k - 1] = 1
                    col = (code >> _COLOR_SHIFT) & _FIELD_MASK
                    if col > 0:
                        out[i, base + _CH_COLOR0 + col - 1] = 1
                    if code & _STOOD:  # only there with a trail, whose channel is last
                        out[i, base + C - 1] = 1


@njit(**_JIT)
def observe_one(ls, st, i, view, shape_range, with_trail, out):
    """Write environment i's observation into row i of `out` (int32[N, ObsSpec.length]).
    view > 0: an egocentric window of that odd size; view == 0: the full grid.
    The rules keep `st.grid` current, so this copies a window of it."""
    _observe_envs(st.grid, st.r, st.c, st.cams, st.keys, st.lvl, ls.trigger, ls.cue,
                  ls.obj_kind, st.obj_r, st.obj_c, st.alive,
                  i, i + 1, view, shape_range, with_trail, out)


@njit(**_JIT)
def observe_all(ls, st, view, shape_range, with_trail, out):
    """Observe every environment into `out` (int32[N, ObsSpec.length])."""
    _observe_envs(st.grid, st.r, st.c, st.cams, st.keys, st.lvl, ls.trigger, ls.cue,
                  ls.obj_kind, st.obj_r, st.obj_c, st.alive,
                  0, st.lvl.shape[0], view, shape_range, with_trail, out)


# --- a whole random rollout, for benchmarks and tests --------------------------

@njit(**_JIT)
def random_rollout(ls, st, n_steps, view, shape_range, with_trail, obs, actions, events, rewards,
                   dones):
    """Step every environment n_steps times with uniformly random actions (drawn
    from each environment's own RNG), resetting finished episodes and observing
    after every step: what a learner's rollout does, minus the network. Exactly
    drawing the actions, then step_all(..., auto_reset=True), then observe_all,
    n_steps times. Returns (total reward, episodes finished)."""
    rng = st.rng
    total = 0.0
    episodes = 0
    for _ in range(n_steps):
        for i in range(actions.shape[0]):
            actions[i] = rng_below(rng, i, 4)
        _step_envs(ls.zones, ls.reward, ls.paid, ls.end_mask, ls.max_steps,
                   st.lvl, st.r, st.c, st.t, st.keys, st.cams, st.chests, st.zone_seen,
                   st.ep_events, st.ep_return, st.alive, st.objat, st.grid,
                   0, actions.shape[0], actions, events, rewards, dones)
        episodes += _reset_done(ls, st, dones)
        _observe_envs(st.grid, st.r, st.c, st.cams, st.keys, st.lvl, ls.trigger, ls.cue,
                      ls.obj_kind, st.obj_r, st.obj_c, st.alive,
                      0, actions.shape[0], view, shape_range, with_trail, obs)
        for i in range(actions.shape[0]):
            total += rewards[i]
    return total, episodes


# numba's cache notices changes to this file only: the modules whose constants and
# functions are compiled in here are named too (levels.jitcache)
jitcache.forget_if_stale(globals(), (world,))
