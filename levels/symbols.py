"""The map symbols every file may use without a legend entry, and how a legend
entry reads in words (the `show` command, the editor's palette and messages)."""

from __future__ import annotations

from levels import world
from levels.model import LegendEntry, Obj

AGENT_SYMBOL = "@"


def _builtin() -> dict[str, LegendEntry]:
    walls_first = sorted(range(len(world.TERRAIN)), key=lambda t: t != world.WALL)
    out = {world.TERRAIN_SYMBOLS[t]: LegendEntry(world.TERRAIN_SYMBOLS[t], terrain=world.TERRAIN[t])
           for t in walls_first}  # the order messages list them in: # . ~ *
    out[AGENT_SYMBOL] = LegendEntry(AGENT_SYMBOL)
    for kind in world.KIND_TABLE:  # each object kind's own symbol and colour
        out[kind.symbol] = LegendEntry(kind.symbol, object=Obj(kind.name, kind.color))
    return out


# The symbols every map may use without a legend entry.
BUILTIN: dict[str, LegendEntry] = _builtin()


def describe_entry(e: LegendEntry, symbol: str = "") -> str:
    """A legend entry in words, e.g. 'blue coin', 'spawn: coin (yellow), 2 copies'."""
    if symbol == AGENT_SYMBOL:
        return "the agent's start"
    parts = []
    if e.object is not None:
        o = e.object
        parts.append(f"{o.color} {o.kind}" + (f" showing {o.year}" if o.year else ""))
    elif e.spawn is not None:
        o = e.spawn
        what = f"{o.color} {o.kind}" + (f" showing {o.year}" if o.year else "")
        parts.append(f"spawn: {e.count} {what}" if e.count > 1 else f"spawn: {what}")
    elif e.spawn_agent:
        parts.append("spawn: the agent's start")
    if e.terrain != "floor" or not parts:
        parts.insert(0, e.terrain)
    if e.zone is not None:
        parts.append(f"zone '{e.zone}'")
    return ", ".join(parts)
