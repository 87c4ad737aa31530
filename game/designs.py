"""The player's designs: training levels painted in the editor, saved as a design
file (the level-file format, training part only) and checked against the
chapter's constraints (palette, number of levels, placeable items, step budget)
with the same FILE:LINE:COL messages as `python main.py check`.

A design file carries a copy of the chapter's legend so it is valid on its own;
`merged` puts a design into its chapter for training and deployment.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

import tomli_w

from levels import world
from levels.atomic import atomic_write_text
from levels.errors import LevelFormatError, MapCell, Problem
from levels.locate import Locator
from levels.load import load, loads
from levels.reach import goal_cut_off, goal_problems
from levels.symbols import BUILTIN, describe_entry
from levels.model import Level, LevelFile

# Symbols any design may use: the room's bones and the agent's start.
ALWAYS_ALLOWED = {"#", ".", "@"}

# Built-in symbol for each palette name (see levels/FORMAT.md).
PALETTE_SYMBOL = {**dict(zip(world.TERRAIN, world.TERRAIN_SYMBOLS)), "agent": "@",
                  **{k.name: k.symbol for k in world.KIND_TABLE}}


@dataclass(frozen=True)
class PaletteItem:
    symbol: str
    name: str       # a palette name ("coin", "spawn", ...) or the legend's description
    label: str      # what the editor shows
    category: str   # "terrain", "object", "agent", "spawn" or "zone"


def _legend_items(lf: LevelFile, allow) -> list[PaletteItem]:
    items = []
    for sym, e in lf.legend.items():
        if e.spawn is not None or e.spawn_agent:
            # a spawn marker needs "spawn" and what it spawns in the palette: a
            # deployment-only object must not leak into training through its marker
            if allow("spawn") and (e.spawn_agent or allow(e.spawn.kind)):
                items.append(PaletteItem(sym, "spawn", describe_entry(e, sym), "spawn"))
        elif e.object is not None:
            if allow(e.object.kind):
                items.append(PaletteItem(sym, e.object.kind, describe_entry(e, sym), "object"))
        elif e.zone is not None:
            if allow("zone"):
                items.append(PaletteItem(sym, "zone", describe_entry(e, sym), "zone"))
        elif allow(e.terrain):
            items.append(PaletteItem(sym, e.terrain, describe_entry(e, sym), "terrain"))
    return items


def palette_items(chapter: LevelFile, sandbox: bool = False) -> list[PaletteItem]:
    """What the editor may paint with: the chapter's palette as symbols (every
    built-in and legend symbol in the sandbox)."""
    names = set(chapter.design.palette) | {"floor", "wall", "agent"}
    allow = (lambda name: True) if sandbox else (lambda name: name in names)
    items = []
    for name, sym in PALETTE_SYMBOL.items():
        if allow(name):
            cat = ("terrain" if name in world.TERRAIN else "agent" if name == "agent" else "object")
            items.append(PaletteItem(sym, name, name if name != "camera" else "camera (overseer)", cat))
    return items + _legend_items(chapter, allow)


def allowed_symbols(chapter: LevelFile, sandbox: bool = False) -> set[str]:
    return ALWAYS_ALLOWED | {p.symbol for p in palette_items(chapter, sandbox)}


def starter_maps(chapter: LevelFile) -> list[tuple[str, list[str]]]:
    """The chapter's starter design (its [[train]] levels) as editable name + rows."""
    return [(lv.name, list(lv.rows)) for lv in chapter.train]


# --- writing a design ---------------------------------------------------------------

def design_doc(chapter: LevelFile, maps, reward: dict | None = None,
               steps: int | None = None) -> dict:
    doc: dict = {"format": 1}
    if steps is not None:
        doc["agent"] = {"steps": int(steps)}
    if reward is not None:
        doc["rules"] = {"reward": {k: float(v) for k, v in reward.items()}}
    legend = chapter.raw.get("legend")
    if legend:
        doc["legend"] = copy.deepcopy(legend)
    doc["train"] = [{"name": name, "map": "\n".join(rows) + "\n"} for name, rows in maps]
    return doc


def design_toml(chapter: LevelFile, maps, reward: dict | None = None,
                steps: int | None = None) -> str:
    """The text of a design file for these maps (name, rows) in this chapter."""
    title = chapter.chapter.title if chapter.chapter else Path(chapter.path).stem
    cid = chapter.chapter.id if chapter.chapter else Path(chapter.path).stem
    header = (f"# Mesa Lab design for \"{title}\" (chapter id: {cid}).\n"
              f"# Training levels only; open it in the game or run:\n"
              f"#   python main.py run {cid} --design THIS_FILE\n")
    return header + tomli_w.dumps(design_doc(chapter, maps, reward, steps), multiline_strings=True)


def save_design(path, text: str) -> None:
    """Write a design file atomically (a crash leaves the old file or the new one)."""
    atomic_write_text(Path(path), text)


# --- checking a design --------------------------------------------------------------

@dataclass
class Budget:
    levels_used: int
    levels_max: int
    items_used: int
    items_max: int
    steps: int
    steps_max: int

    @property
    def within(self) -> bool:
        return (self.levels_used <= self.levels_max and self.items_used <= self.items_max
                and self.steps <= self.steps_max)


def _entry(symbol: str, chapter: LevelFile):
    return chapter.legend.get(symbol) or BUILTIN.get(symbol)


def _item_cost(symbol: str, chapter: LevelFile, seen_spawns: set) -> int:
    """What painting this cell costs against the item budget: an object costs one;
    a spawn marker costs its object count once per level, however many cells it
    marks (marking more cells is how a player varies placement); terrain is free."""
    e = _entry(symbol, chapter)
    if e is None:
        return 0
    if e.object is not None:
        return 1
    if e.spawn is not None and symbol not in seen_spawns:
        seen_spawns.add(symbol)
        return e.count
    return 0


def budget(chapter: LevelFile, maps, steps: int | None = None) -> Budget:
    items = 0
    for _, rows in maps:
        seen: set = set()
        items += sum(_item_cost(ch, chapter, seen) for row in rows for ch in row)
    d = chapter.design
    return Budget(len(maps), d.max_levels, items, d.max_items,
                  steps if steps is not None else min(chapter.agent.steps, d.max_steps),
                  d.max_steps)


def _at_cell(file: str, level: Level, r: int, c: int, message: str) -> Problem:
    """A problem at cell (r, c) of a level's map: its place in the file and the cell."""
    line, col = level.line + r, (level.col if r == 0 else 1) + c
    return Problem(file, line, col, message, MapCell(level.set_name, level.index, level.name, r, c))


def check_design(chapter: LevelFile, design: LevelFile, sandbox: bool = False,
                 text: str = "") -> list[Problem]:
    """Problems with a parsed design against its chapter's constraints. `text` is the
    design file's text, for the line of a whole-table problem (line 1 without it)."""
    f = design.path
    d = chapter.design
    out: list[Problem] = []
    if not design.train:
        out.append(Problem(f, 1, 1, "a design needs at least one [[train]] level"))
    if sandbox:
        return out + _goal_checks(chapter, design)
    if len(design.train) > d.max_levels:
        lv = design.train[d.max_levels]
        out.append(Problem(f, max(lv.line - 2, 1), 1,
                           f"this design has {len(design.train)} training levels; the chapter "
                           f"allows at most {d.max_levels}: delete a level"))
    allowed = allowed_symbols(chapter)
    items = 0
    for lv in design.train:
        seen: set = set()
        if lv.height > d.max_height or lv.width > d.max_width:
            out.append(_at_cell(f, lv, 0, 0,
                                f"level '{lv.name}' is {lv.height} x {lv.width}; this chapter's "
                                f"levels can be at most {d.max_height} x {d.max_width} (rows x columns)"))
        for r, row in enumerate(lv.rows):
            for c, ch in enumerate(row):
                if ch not in allowed:
                    out.append(_at_cell(f, lv, r, c,
                                        f"'{ch}' is not in this chapter's palette (level "
                                        f"'{lv.name}'); you may use: {' '.join(sorted(allowed))}"))
                else:
                    cost = _item_cost(ch, chapter, seen)
                    if cost and items <= d.max_items < items + cost:
                        out.append(_at_cell(f, lv, r, c,
                                            f"this brings the design to {items + cost} items: the "
                                            f"chapter's budget is {d.max_items} objects (a spawn "
                                            f"marker counts once per level) over all levels"))
                    items += cost
    where = Locator(text)  # positions of whole-table problems (line 1 without the text)
    steps = design.raw.get("agent", {}).get("steps")
    if steps is not None and steps > d.max_steps:
        out.append(Problem(f, *where.key(("agent", "steps")),
                           f"training steps {steps:,} are over the chapter's budget of "
                           f"{d.max_steps:,}"))
    if "rules" in design.raw and not d.reward_editable:
        out.append(Problem(f, *where.key(("rules",)),
                           "this chapter does not let the design change the reward; "
                           "remove the [rules] table"))
    if not d.reward_editable:
        for lv in design.train:
            if lv.reward_override:
                out.append(Problem(f, max(lv.line - 2, 1), 1,
                                   f"level '{lv.name}' sets its own reward, but this chapter "
                                   f"does not let the design change the reward; remove its "
                                   f"'reward' key"))
    return out + _goal_checks(chapter, design)


def _goal_checks(chapter: LevelFile, design: LevelFile) -> list[Problem]:
    if chapter.chapter is None:
        return []
    out = []
    for lv in design.train:
        for event in chapter.chapter.intended.reach:
            for message, cell in goal_problems(lv, event, required=True):
                out.append(_at_cell(design.path, lv, *(cell or (0, 0)), message))
    return out


def design_notes(chapter: LevelFile, design: LevelFile) -> list[Problem]:
    """What a player should know about a valid design, without it stopping training:
    training levels where the intended goal can be reached only across what ends the
    episode or what the goal forbids (levels.reach.goal_cut_off)."""
    lf = merged(chapter, design)
    return [_at_cell(design.path, lv, *cell, message)
            for lv in design.train for message, cell in goal_cut_off(lv, lf)]


def parse_design(text: str, chapter: LevelFile, path: str = "design.toml",
                 sandbox: bool = False) -> tuple[LevelFile | None, list[Problem]]:
    """Parse and check design text; returns (design, problems)."""
    try:
        design = loads(text, path)
    except LevelFormatError as exc:
        return None, exc.problems
    problems = check_design(chapter, design, sandbox, text)
    return (design if not problems else None), problems


def design_from_maps(chapter: LevelFile, maps, reward: dict | None = None,
                     steps: int | None = None, path: str = "design.toml",
                     sandbox: bool = False) -> tuple[LevelFile | None, list[Problem]]:
    """Build and check a design from the editor's maps: (design, problems)."""
    return parse_design(design_toml(chapter, maps, reward, steps), chapter, path, sandbox)


def load_design(path, chapter: LevelFile, sandbox: bool = False) -> LevelFile:
    """Read a design file and check it against the chapter; raises LevelFormatError."""
    path = Path(path)
    design = load(path)
    problems = check_design(chapter, design, sandbox, path.read_text(encoding="utf-8"))
    if problems:
        raise LevelFormatError(problems)
    return design


# --- putting a design into its chapter ----------------------------------------------

def merged(chapter: LevelFile, design: LevelFile | None) -> LevelFile:
    """The chapter with its training levels (and, where the design sets them, the
    training steps and the reward) replaced by the design's. Level rewards are
    recomputed from the chapter's rules, so a design cannot smuggle in weights."""
    if design is None:
        return chapter
    out = copy.copy(chapter)
    out.rules = copy.deepcopy(chapter.rules)
    out.agent = copy.deepcopy(chapter.agent)
    if chapter.design.reward_editable and "rules" in design.raw:
        out.rules.reward = dict(design.rules.reward)
    steps = design.raw.get("agent", {}).get("steps")
    if steps is not None:
        out.agent.steps = int(steps)
    zone_names = list(chapter.zone_names)
    train = []
    for lv in design.train:
        lv = copy.copy(lv)
        lv.reward = {**out.rules.reward, **lv.reward_override}
        for z in lv.zones:
            if z not in zone_names:
                zone_names.append(z)
        train.append(lv)
    out.train = train
    out.zone_names = tuple(zone_names)
    return out


__all__ = [
    "Budget", "PaletteItem", "allowed_symbols", "budget", "check_design",
    "design_from_maps", "design_toml", "load_design", "merged", "palette_items",
    "parse_design", "save_design", "starter_maps",
]
