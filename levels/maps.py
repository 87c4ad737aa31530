"""Building a level from its ASCII map: the map's rows, the legend's symbols, the
terrain, fixed objects, spawns and zones, and every problem a map can have (at
its exact character in the file, with the level and cell).
"""

from __future__ import annotations

from levels import world
from levels.checker import Checker
from levels.errors import MapCell
from levels.model import LegendEntry, Level, Obj, Spawn
from levels.symbols import AGENT_SYMBOL, BUILTIN


def show_char(ch: str) -> str:
    if ch == " ":
        return "' ' (a space)"
    if ch == "\t":
        return "a tab"
    if not ch.isprintable():
        return f"{ch!r} (an invisible character)"
    return f"'{ch}'"


def build_level(chk: Checker, name: str, text: str, p, legend: dict[str, LegendEntry],
                bad_symbols: set[str]):
    """The level whose map is `text`, at path `p` = (set name, index) of the file, as
    (level, pos): pos(row, col) is where a cell is written in the file. The level is
    None when the map has problems (recorded in `chk`, each at its cell)."""
    mpath = p + ("map",)
    lines = text.split("\n")
    starts, off = [], 0
    for ln in lines:
        starts.append(off)
        off += len(ln) + 1
    a, b = 0, len(lines)
    while a < b and not lines[a].strip():
        a += 1
    while b > a and not lines[b - 1].strip():
        b -= 1
    if a == b:
        chk.at_value(mpath, f"the map of level '{name}' is empty: write its rows between "
                     f"triple quotes, such as map = \"\"\"\\n#####\\n#@.c#\\n#####\\n\"\"\"")
        return None, None
    rows, row_off = lines[a:b], starts[a:b]

    def pos(r: int, c: int) -> tuple[int, int]:
        return chk.loc.char(mpath, row_off[r] + c)

    def at(r: int, c: int, message: str) -> None:
        chk.at_pos(pos(r, c), message, MapCell(p[0], p[1], name, r, c))

    ok = True
    height, width = len(rows), len(rows[0])
    if height > world.MAX_SIZE:
        at(world.MAX_SIZE, 0, f"the map of level '{name}' has {height} rows; "
           f"at most {world.MAX_SIZE} are allowed")
        ok = False
    if width > world.MAX_SIZE:
        at(0, world.MAX_SIZE, f"the map of level '{name}' is {width} characters "
           f"wide; at most {world.MAX_SIZE} are allowed")
        ok = False
    for r, row in enumerate(rows[1:], 1):
        if len(row) != width:
            what = "longer" if len(row) > width else "shorter"
            at(r, min(len(row), width), f"row {r + 1} of the map of level "
               f"'{name}' is {len(row)} characters wide, {what} than the first row "
               f"({width}): every row must be {width} characters wide")
            ok = False
    symbols = list(BUILTIN) + list(legend)
    n_unknown = 0
    for r, row in enumerate(rows[:world.MAX_SIZE + 1]):
        for c, ch in enumerate(row[:world.MAX_SIZE + 1]):
            if ch in BUILTIN or ch in legend:
                continue
            n_unknown += 1
            ok = False
            if n_unknown > 10:
                continue
            if ch in " \t":
                msg = (f"{show_char(ch)} in the map of level '{name}': maps have no blank "
                       f"cells; use '.' for floor (and do not indent map rows)")
            else:
                msg = (f"unknown symbol {show_char(ch)} in map '{name}'; known symbols: "
                       f"{' '.join(symbols)}")
            at(r, c, msg)
    if n_unknown > 10:
        at(0, 0, f"... and {n_unknown - 10} more unknown symbols in map '{name}'")
    if not ok:
        return None, pos

    terrain = [[world.FLOOR] * width for _ in range(height)]
    objects: list[tuple[Obj, int, int]] = []
    fixed_agents: list[tuple[int, int]] = []
    spawns: dict[str, Spawn] = {}
    zones: dict[str, list[tuple[int, int]]] = {}
    for r, row in enumerate(rows):
        for c, ch in enumerate(row):
            if ch == AGENT_SYMBOL:
                fixed_agents.append((r, c))
                continue
            entry = BUILTIN.get(ch) or legend[ch]
            terrain[r][c] = world.TERRAIN.index(entry.terrain)
            if entry.object is not None:
                objects.append((entry.object, r, c))
            if entry.spawn is not None or entry.spawn_agent:
                if ch not in spawns:
                    spawns[ch] = Spawn(ch, entry.spawn, [], entry.count)
                spawns[ch].cells.append((r, c))
            if entry.zone is not None:
                zones.setdefault(entry.zone, []).append((r, c))
    if any(s in bad_symbols for s in set("".join(rows))):
        return None, pos  # the legend entry was reported; its cells would only add noise

    agent_groups = [s for s in spawns.values() if s.what is None]
    if len(fixed_agents) > 1:
        r0, c0 = fixed_agents[0]
        for r, c in fixed_agents[1:]:
            at(r, c, f"level '{name}' has more than one '@' (the agent's start; "
               f"the first is at row {r0 + 1}, column {c0 + 1}): keep exactly one, "
               f"or use an agent spawn symbol for a random start")
        ok = False
    if fixed_agents and agent_groups:
        r, c = agent_groups[0].cells[0]
        at(r, c, f"level '{name}' has both an '@' and agent spawn cells "
           f"('{agent_groups[0].symbol}'): use one or the other")
        ok = False
    if len(agent_groups) > 1:
        r, c = agent_groups[1].cells[0]
        at(r, c, f"level '{name}' uses two agent spawn symbols "
           f"('{agent_groups[0].symbol}' and '{agent_groups[1].symbol}'): there is "
           f"one agent, so mark all its possible starts with one symbol")
        ok = False
    if not fixed_agents and not agent_groups:
        at(0, 0, f"level '{name}' has no agent: put one '@' on the map, or mark "
           f"possible starts with an agent spawn symbol (a legend entry such as "
           f"A = {{ spawn = \"agent\" }})")
        ok = False
    for s in spawns.values():
        if s.count > len(s.cells):
            r, c = s.cells[0]
            at(r, c, f"spawn symbol '{s.symbol}' places {s.count} "
               f"{s.what.kind if s.what else 'agent'}s on distinct cells, but level "
               f"'{name}' marks only {len(s.cells)} cell"
               f"{'s' if len(s.cells) != 1 else ''} with it: mark at least "
               f"{s.count} or lower its count")
            ok = False
    if len(spawns) > world.MAX_SPAWN_GROUPS:
        sym = list(spawns)[world.MAX_SPAWN_GROUPS]
        r, c = spawns[sym].cells[0]
        at(r, c, f"level '{name}' uses {len(spawns)} spawn symbols; at most "
           f"{world.MAX_SPAWN_GROUPS} are allowed per level")
        ok = False
    level = Level(name=name, rows=rows, terrain=terrain, objects=objects,
                  agent=fixed_agents[0] if len(fixed_agents) == 1 else None,
                  spawns=list(spawns.values()), zones=zones, reward={})
    level.line, level.col = pos(0, 0)
    level.set_name, level.index = p[0], p[1]
    n = level.n_objects()
    if n > world.MAX_OBJECTS:
        at(0, 0, f"level '{name}' has {n} objects (fixed ones plus spawn "
           f"counts); at most {world.MAX_OBJECTS} are allowed")
        ok = False
    return (level if ok else None), pos

