"""Reachability: whether the intended goal can happen in a level. Where the agent
may start, which connected regions of passable cells there are, and the
problems of a goal event in a level (the reader reports them for a whole file,
`game.designs` for a player's design).
"""

from __future__ import annotations

from collections import deque

from levels import world
from levels.model import Level, LevelFile
from levels.schema import SETS

# Which object kind an event needs (the kind table's events).
EVENT_KIND = world.EVENT_KIND


def goal_events(lf: LevelFile) -> list[str]:
    """The events the intended goal needs to happen (reach and at_least)."""
    cond = lf.intended()
    return list(cond.reach) + [e for e in cond.at_least if e not in cond.reach]


def file_goal_problems(lf: LevelFile) -> list[tuple[Level, str, tuple[int, int] | None]]:
    """(level, message, cell or None) for every level of the file: every place the
    intended goal's objects (or zone) can be must be reachable from every start of
    the agent; with a chapter, training levels must have the goal at all."""
    required = lf.chapter is not None
    out = []
    for set_name in SETS:
        for level in getattr(lf, set_name):
            for ev in goal_events(lf):
                for msg, cell in goal_problems(level, ev, required and set_name == "train"):
                    out.append((level, msg, cell))
    return out


def components(level: Level, blocked: frozenset = frozenset()) -> list[list[int]]:
    """Connected regions of passable cells (-1 for wall, lava and the `blocked` cells)."""
    h, w = level.height, level.width
    comp = [[-1] * w for _ in range(h)]

    def free(r, c):
        return level.terrain[r][c] not in (world.WALL, world.LAVA) and (r, c) not in blocked

    n = 0
    for r0 in range(h):
        for c0 in range(w):
            if comp[r0][c0] != -1 or not free(r0, c0):
                continue
            comp[r0][c0] = n
            queue = deque([(r0, c0)])
            while queue:
                r, c = queue.popleft()
                for dr, dc in world.ACTION_DELTAS:
                    rr, cc = r + dr, c + dc
                    if 0 <= rr < h and 0 <= cc < w and comp[rr][cc] == -1 and free(rr, cc):
                        comp[rr][cc] = n
                        queue.append((rr, cc))
            n += 1
    return comp


def in_the_way(level: Level, lf: LevelFile) -> dict[tuple[int, int], str]:
    """Cells the intended goal cannot pass, with what lies there: an object whose event
    ends the episode first (a gem, a sensor) and terrain or objects the goal forbids
    (flowers). Spawned objects count only when they fill every cell of their spawn;
    otherwise where they lie is drawn per episode."""
    cond = lf.intended()
    avoid = set(cond.avoid)
    avoid |= {name for name, events in world.EVENT_ALIASES.items() if avoid & set(events)}
    goal_kinds = {EVENT_KIND[e] for e in cond.reach if e in EVENT_KIND}
    ends = {EVENT_KIND[e] for e in lf.rules.end_on if e in EVENT_KIND} - goal_kinds
    kinds = ends | {EVENT_KIND[e] for e in avoid if e in EVENT_KIND}
    out: dict[tuple[int, int], str] = {}
    for r, row in enumerate(level.terrain):
        for c, t in enumerate(row):
            if world.TERRAIN[t] in avoid:
                out[(r, c)] = world.TERRAIN[t]
    for cell, kind in _placed(level):
        if kind in kinds:
            out[cell] = kind
    return out


def agent_starts(level: Level) -> list[tuple[int, int]]:
    if level.agent is not None:
        return [level.agent]
    for s in level.spawns:
        if s.what is None:
            return list(s.cells)
    return []


def goal_cut_off(level: Level, lf: LevelFile) -> list[tuple[str, tuple[int, int]]]:
    """(message, cell) for each goal object of a level that the agent can reach only
    across what is in the way (in_the_way): no episode there can meet the intended
    goal. Not an error: a chapter may mean it (a hedge that must be crossed), but a
    player should know."""
    way = in_the_way(level, lf)
    if not way:
        return []
    ends = {EVENT_KIND[e] for e in lf.rules.end_on if e in EVENT_KIND}
    what = " or ".join(f"{n}, which {'ends the episode' if n in ends else 'the goal forbids'}"
                       for n in sorted(set(way.values())))
    out = []
    starts = agent_starts(level)
    for event in goal_events(lf):
        kind = EVENT_KIND.get(event)
        cells = sorted(set(object_cells(level, kind))) if kind else []
        if not cells or not starts:
            continue
        plain = components(level)
        clean = components(level, frozenset(set(way) - set(cells) - set(starts)))
        for cell in cells:
            for start in starts:
                if _touches(plain, start, cell) and not _touches(clean, start, cell):
                    out.append((f"in level '{level.name}' the {kind} at row {cell[0] + 1}, column "
                                f"{cell[1] + 1} can be reached only across {what}: no episode "
                                f"there can meet the intended goal", cell))
                    break
    return out


def object_cells(level: Level, kind: str) -> list[tuple[int, int]]:
    """Every cell an object of `kind` can lie on: fixed ones, and every cell of its spawns."""
    cells = [(r, c) for o, r, c in level.objects if o.kind == kind]
    for s in level.spawns:
        if s.what is not None and s.what.kind == kind:
            cells += list(s.cells)
    return cells


def _placed(level: Level) -> list[tuple[tuple[int, int], str]]:
    """(cell, kind) of every fixed object and every cell of a spawn it fills."""
    out = [((r, c), o.kind) for o, r, c in level.objects]
    out += [(cell, s.what.kind) for s in level.spawns
            if s.what is not None and s.count >= len(s.cells) for cell in s.cells]
    return out


def _touches(comp: list[list[int]], start, target) -> bool:
    """Whether target lies in start's region or beside it."""
    region = comp[start[0]][start[1]]
    if region == -1:
        return False
    r, c = target
    h, w = len(comp), len(comp[0])
    return comp[r][c] == region or any(0 <= r + dr < h and 0 <= c + dc < w
                                       and comp[r + dr][c + dc] == region
                                       for dr, dc in world.ACTION_DELTAS)


def goal_problems(level: Level, event: str, required: bool) -> list[tuple[str, object]]:
    """Problems with an intended goal event in one level: (message, cell or None).
    Events not tied to an object or a zone (step, lava, flowers, ...) have none."""
    out: list[tuple[str, object]] = []
    starts = agent_starts(level)
    if event in EVENT_KIND:
        kind = EVENT_KIND[event]
        cells = [((r, c), kind) for o, r, c in level.objects if o.kind == kind]
        for s in level.spawns:
            if s.what is not None and s.what.kind == kind:
                cells += [(cell, f"{kind} (spawn cell '{s.symbol}')") for cell in s.cells]
        cells.sort()
        missing, any_one = f"it has no {kind}", False
    elif event in level.zones or event not in world.EVENTS + tuple(world.EVENT_ALIASES):
        cells = [(cell, f"zone '{event}'") for cell in level.zones.get(event, [])]
        missing, any_one = f"it has no cell of zone '{event}'", True
    else:
        return out
    if not cells:
        if required:
            out.append((f"the intended goal '{event}' cannot happen in level '{level.name}': "
                        f"{missing}", None))
        return out
    if not starts:
        return out
    comp = components(level)

    several = len(starts) > 1
    if any_one:
        for start in starts:
            if not any(_touches(comp, start, cell) for cell, _ in cells):
                where = f" at row {start[0] + 1}, column {start[1] + 1}" if several else ""
                out.append((f"the intended goal's zone '{event}' in level '{level.name}' cannot "
                            f"be reached from the agent's start{where}", cells[0][0]))
                break
        return out
    for cell, noun in cells:
        for start in starts:
            if not _touches(comp, start, cell):
                where = f" at row {start[0] + 1}, column {start[1] + 1}" if several else ""
                out.append((f"the intended goal's {noun} at row {cell[0] + 1}, column "
                            f"{cell[1] + 1} of level '{level.name}' cannot be reached from the "
                            f"agent's start{where}", cell))
                break
    return out
