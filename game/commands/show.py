"""`python main.py show PATH [--level NAME]`: draw a level file's maps in the
terminal, set by set, each with a legend of the symbols it uses. Colour when the
output is a terminal (`--no-color` for plain text)."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.text import Text

from levels import world
from levels.errors import LevelFormatError
from levels.load import load
from levels.schema import SET_TITLES, SETS
from levels.symbols import AGENT_SYMBOL, BUILTIN, describe_entry
from levels.model import Condition, Level, LevelFile

COLOR_STYLE = {
    "yellow": "bold yellow", "blue": "bold dodger_blue1", "red": "bold red1",
    "green": "bold green3", "grey": "bold grey70", "purple": "bold medium_purple1",
}
TERRAIN_STYLE = {
    "floor": "grey42", "wall": "grey74 on grey30", "lava": "bold orange_red1 on dark_red",
    "flowers": "bold hot_pink on dark_green",
}
AGENT_STYLE = "bold black on bright_white"
ZONE_BG = ("on dark_blue", "on dark_magenta", "on dark_cyan", "on dark_goldenrod",
           "on purple4", "on deep_sky_blue4", "on dark_olive_green3", "on indian_red")


def add_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH", help="a level or design file")
    p.add_argument("--level", metavar="NAME", help="draw only the level with this name")
    p.add_argument("--no-color", action="store_true", help="plain text, no colours")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _reward_text(reward: dict[str, float]) -> str:
    return ", ".join(f"{k} {_num(v)}" for k, v in reward.items()) or "nothing"


def _condition_text(c: Condition) -> str:
    parts = []
    if c.reach:
        parts.append("reach " + " and ".join(c.reach))
    if c.avoid:
        parts.append("avoid " + " and ".join(c.avoid))
    if c.at_least:
        parts.append(", ".join(f"at least {n} {e}" for e, n in c.at_least.items()))
    return "; ".join(parts)


def _cell_style(lf: LevelFile, symbol: str) -> str:
    if symbol == AGENT_SYMBOL:
        return AGENT_STYLE
    e = BUILTIN.get(symbol) or lf.legend.get(symbol)
    if e is None:
        return ""
    if e.object is not None:
        return COLOR_STYLE.get(e.object.color, "")
    if e.spawn is not None:
        return COLOR_STYLE.get(e.spawn.color, "") + " underline"
    if e.spawn_agent:
        return "bold bright_white underline"
    return TERRAIN_STYLE.get(e.terrain, "")


def _map_text(lf: LevelFile, level: Level) -> Text:
    zone_of = {}
    for name, cells in level.zones.items():
        for cell in cells:
            zone_of[cell] = name
    text = Text()
    for r, row in enumerate(level.rows):
        text.append("    ")
        for c, ch in enumerate(row):
            style = _cell_style(lf, ch)
            zone = zone_of.get((r, c))
            if zone is not None:  # shade the cell: replace any background with the zone's
                words = style.split()
                if "on" in words:
                    words = words[:words.index("on")]
                style = " ".join(words + [ZONE_BG[lf.zone_names.index(zone) % len(ZONE_BG)]])
            text.append(ch + (" " if c < len(row) - 1 else ""), style=style)
        text.append("\n")
    return text


def _legend_lines(lf: LevelFile, level: Level) -> list[Text]:
    used = []
    for row in level.rows:
        for ch in row:
            if ch not in used:
                used.append(ch)
    order = {s: i for i, s in enumerate(list(BUILTIN) + list(lf.legend))}
    used.sort(key=lambda s: order.get(s, 999))
    spawns = {s.symbol: s for s in level.spawns}
    lines = []
    for sym in used:
        e = BUILTIN.get(sym) or lf.legend.get(sym)
        if e is None:
            continue
        line = Text("    ")
        line.append(sym + " ", style=_cell_style(lf, sym))
        if sym in spawns:
            s = spawns[sym]
            n = len(s.cells)
            if s.what is None:
                what = "the agent's start"
            else:
                o = s.what
                kind = o.kind + ("s" if s.count > 1 else "")
                what = f"{o.color} {kind}" + (f" showing {o.year}" if o.year else "")
            if n == 1:
                line.append(f" {what}, on the one cell marked {sym}")
            else:
                where = f"on {s.count} of" if s.what is not None and s.count > 1 else "on one of"
                line.append(f" {what}, {where} the {n} cells marked {sym}, drawn at every reset")
            if e.zone is not None:
                line.append(f"; zone '{e.zone}'")
        else:
            line.append(" " + describe_entry(e, sym))
        lines.append(line)
    for zone, cells in level.zones.items():
        line = Text("    ")
        line.append("  ", style=ZONE_BG[lf.zone_names.index(zone) % len(ZONE_BG)])
        where = ", ".join(f"({r + 1},{c + 1})" for r, c in cells[:8])
        if len(cells) > 8:
            where += ", ..."
        line.append(f" zone '{zone}' (invisible to the agent): {len(cells)} cell"
                    f"{'s' if len(cells) != 1 else ''} at (row,column) {where}")
        lines.append(line)
    return lines


def _draw_level(console: Console, lf: LevelFile, level: Level) -> None:
    head = Text("  ")
    head.append(level.name, style="bold")
    info = f"  {level.width} x {level.height}"
    if level.reward_override:
        info += f"; this level's reward: {_reward_text(level.reward_override)}"
    if level.cue:
        info += "; context cue on"
    head.append(info, style="dim")
    console.print(head)
    console.print(_map_text(lf, level), end="")
    for line in _legend_lines(lf, level):
        console.print(line)
    console.print()


def _header(console: Console, lf: LevelFile) -> None:
    ch = lf.chapter
    if ch is not None:
        title = Text()
        if ch.number is not None:
            title.append(f"Chapter {ch.number}: ", style="bold")
        title.append(ch.title, style="bold")
        title.append(f"  ({ch.id})", style="dim")
        console.print(title)
        console.print(Text(f"intended goal: {_condition_text(ch.intended)}"
                           + (f" ({ch.intended_text})" if ch.intended_text else "")))
    else:
        console.print(Text(f"{lf.path} (a design file: no [chapter])", style="bold"))
    r = lf.rules
    console.print(Text(f"reward: {_reward_text(r.reward)}; the episode ends on "
                       f"{', '.join(r.end_on)} or after {r.max_steps} steps"
                       + (f"; trigger year {r.trigger_year}" if any(
                           world.KIND[o.kind].shows_year for lv in lf.all_levels() for o, _, _ in lv.objects)
                          or any(s.what is not None and world.KIND[s.what.kind].shows_year
                                 for lv in lf.all_levels() for s in lv.spawns) else "")))
    view = "full grid" if lf.agent.view == world.VIEW_FULL else f"{lf.agent.view}x{lf.agent.view}"
    console.print(Text(f"agent: view {view}, {lf.agent.steps:,} training steps, seed "
                       f"{lf.agent.seed}"))
    console.print()


def _footer(console: Console, lf: LevelFile) -> None:
    if lf.probes:
        console.print(Text("Probes", style="bold underline"))
        for name, c in lf.probes.items():
            console.print(Text(f"  {name}: {_condition_text(c)}"))
    if lf.gaps:
        console.print(Text("Gaps", style="bold underline"))
        for g in lf.gaps:
            versus = "the control agent" if g.versus == "control" else ", ".join(g.versus)
            console.print(Text(f"  {g.name}: '{g.probe}' on {', '.join(g.when)} "
                               f"versus {versus}"))
    if lf.control_reward is not None:
        console.print(Text(f"Control agent's reward changes: {_reward_text(lf.control_reward)}"))


def run(args) -> int:
    try:
        lf = load(args.path)
    except LevelFormatError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{args.path}: not shown, {len(exc.problems)} problem"
              f"{'' if len(exc.problems) == 1 else 's'}")
        return 1
    console = Console(file=sys.stdout, highlight=False, soft_wrap=True, emoji=False,
                      markup=False, color_system=None if args.no_color else "auto")
    if args.level is not None:
        names = [lv.name for lv in lf.all_levels()]
        if args.level not in names:
            print(f"no level named '{args.level}' in {args.path}; its levels are: "
                  + ", ".join(f"'{n}'" for n in names))
            return 1
    _header(console, lf)
    for set_name in SETS:
        levels = getattr(lf, set_name)
        if args.level is not None:
            levels = [lv for lv in levels if lv.name == args.level]
        if not levels:
            continue
        title = SET_TITLES[set_name]
        console.print(Text(f"{title[0].upper()}{title[1:]} levels ({len(levels)})",
                           style="bold underline"))
        for level in levels:
            _draw_level(console, lf, level)
    if args.level is None:
        _footer(console, lf)
    return 0
