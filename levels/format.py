"""Reading, validating and writing level files (format 1).

A level file is TOML with ASCII maps; `levels/FORMAT.md` is the reference for
instructors. The public API:

    load(path) -> LevelFile            read and validate a file
    loads(text, path="<string>")       the same for text already in memory
    dumps(level_file) -> str           the file's document as TOML text
    save(level_file, path)             dumps, written atomically
    find_level_files(paths)            *.toml files under files and folders

Validation collects every problem it can find before raising one
`LevelFormatError`; each problem has the file, line and column, and a message
that says what is wrong and what would be right. Nothing but `LevelFormatError`
ever escapes `load` or `loads`, whatever the input.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections import deque
from pathlib import Path

import tomli_w

from levels import world
from levels.atomic import atomic_write_text
from levels.errors import LevelFormatError, Problem, did_you_mean
from levels.locate import Locator
from levels.model import (
    HYPERPARAMETERS, AgentSettings, Chapter, Condition, Design, Gap, LegendEntry,
    Level, LevelFile, Obj, Prediction, Rules, Spawn,
)

FORMAT_VERSION = 1
MAX_FILE_BYTES = 1_000_000

# Diagnosis labels a chapter's `lesson`, `debrief` and predictions may name.
LABELS = ("aligned", "proxy", "approximate", "capability-failure", "deceptive-style",
          "suboptimality")
# What the editor's palette may offer.
PALETTE = world.TERRAIN + world.KINDS + ("agent", "spawn", "zone")
SETS = ("pretrain", "train", "deploy")
SET_TITLES = {"pretrain": "pre-training", "train": "training", "deploy": "deployment"}

AGENT_SYMBOL = "@"


def _builtin() -> dict[str, LegendEntry]:
    out = {
        "#": LegendEntry("#", terrain="wall"),
        ".": LegendEntry("."),
        "~": LegendEntry("~", terrain="lava"),
        "*": LegendEntry("*", terrain="flowers"),
        AGENT_SYMBOL: LegendEntry(AGENT_SYMBOL),
    }
    for sym, kind in (("c", "coin"), ("k", "key"), ("h", "chest"), ("g", "gem"),
                      ("O", "camera"), ("T", "calendar"), ("s", "sensor")):
        out[sym] = LegendEntry(sym, object=Obj(kind, world.DEFAULT_COLOR[kind]))
    return out


# The symbols every map may use without a legend entry.
BUILTIN: dict[str, LegendEntry] = _builtin()

TOP_KEYS = ("format", "chapter", "rules", "agent", "design", "legend", "probes",
            "control", "upgrade", "pretrain", "train", "deploy", "gaps")
CHAPTER_KEYS = ("id", "title", "number", "reading", "briefing", "intended",
                "intended_text", "lesson", "bar", "thresholds", "predictions", "debrief")
RULES_KEYS = ("reward", "end_on", "max_steps", "trigger_year")
AGENT_KEYS = ("view", "shape_range", "steps", "seed", "pretrain_steps") + HYPERPARAMETERS
UPGRADE_KEYS = ("view", "shape_range", "steps") + HYPERPARAMETERS
DESIGN_KEYS = ("max_levels", "palette", "max_items", "max_steps", "reward_editable",
               "max_height", "max_width")
LEGEND_KEYS = ("terrain", "object", "spawn", "color", "year", "count", "zone")
LEVEL_KEYS = ("name", "map", "reward", "cue")
GAP_KEYS = ("name", "probe", "when", "versus")
CONDITION_KEYS = ("reach", "avoid", "at_least", "at_most")
PREDICTION_KEYS = ("id", "text", "label")

# Which object kind an event needs (for the reachability check).
EVENT_KIND = {"coin": "coin", "key": "key", "chest": "chest", "all_chests": "chest",
              "gem": "gem", "camera_off": "camera", "sensor": "sensor"}

MAX_WEIGHT = 1_000_000
MAX_BUDGET = 1_000_000_000
MAX_SEED = 2**31 - 1
MAX_YEAR = 9999
MAX_HIDDEN = 1024

_CHAPTER_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_ZONE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_ -]{0,31}")
_TOML_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


# --- small helpers --------------------------------------------------------------

def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v, limit: float = MAX_WEIGHT) -> bool:
    if _is_int(v):
        return -limit <= v <= limit
    return isinstance(v, float) and math.isfinite(v) and -limit <= v <= limit


def _got(v) -> str:
    """A short description of a value for 'got ...' in messages."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        s = v if len(v) <= 40 else v[:37] + "..."
        return '"' + "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in s) + '"'
    if _is_int(v):
        s = str(v) if abs(v) < 10**15 else "a very large number"
        return s
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, dict):
        return "a table"
    if isinstance(v, list):
        return "a list"
    return f"a {type(v).__name__}"


def _show_char(ch: str) -> str:
    if ch == " ":
        return "' ' (a space)"
    if ch == "\t":
        return "a tab"
    if not ch.isprintable():
        return f"{ch!r} (an invisible character)"
    return f"'{ch}'"


def _join(items) -> str:
    return ", ".join(str(i) for i in items)


# --- the reader -------------------------------------------------------------------

class _Reader:
    """Validates one parsed document, collecting problems with their positions."""

    def __init__(self, text: str, file: str, raw: dict):
        self.file = file
        self.raw = raw
        self.loc = Locator(text)
        self.problems: list[Problem] = []
        self.zone_names: list[str] = []
        self.bad_symbols: set[str] = set()  # legend entries already reported broken
        self.level_pos: dict[int, object] = {}  # id(level) -> pos(row, col) in the file

    # problems --------------------------------------------------------------------

    def at(self, path, message: str) -> None:
        line, col = self.loc.key(path)
        self.problems.append(Problem(self.file, line, col, message))

    def at_value(self, path, message: str) -> None:
        line, col = self.loc.value(path)
        self.problems.append(Problem(self.file, line, col, message))

    def at_char(self, path, offset: int, message: str) -> None:
        line, col = self.loc.char(path, offset)
        self.problems.append(Problem(self.file, line, col, message))

    def at_pos(self, pos: tuple[int, int], message: str) -> None:
        self.problems.append(Problem(self.file, pos[0], pos[1], message))

    def unknown_keys(self, table: dict, path, where: str, known) -> None:
        for k in table:
            if k not in known:
                self.at(path + (k,), f"unknown key '{k}' in {where}{did_you_mean(k, known)}; "
                        f"known keys: {_join(known)}")

    def table(self, parent: dict, key: str, path, what: str, example: str) -> dict | None:
        """parent[key] if it is a table (None when absent or reported)."""
        if key not in parent:
            return None
        v = parent[key]
        if not isinstance(v, dict):
            self.at_value(path, f"{what} must be a table, such as {example}; got {_got(v)}")
            return None
        return v

    # typed values ------------------------------------------------------------------

    def get_int(self, t: dict, key: str, path, lo: int, hi: int, default, what: str = ""):
        if key not in t:
            return default
        v = t[key]
        if not _is_int(v) or not lo <= v <= hi:
            self.at_value(path + (key,), f"'{key}' must be a whole number from {lo} to {hi}"
                          f"{what}; got {_got(v)}")
            return default
        return v

    def get_str(self, t: dict, key: str, path, default, required: bool = False,
                where: str = "", example: str = "\"...\""):
        if key not in t:
            if required:
                self.at(path, f"{where} needs '{key}' (text, such as {key} = {example})")
            return default
        v = t[key]
        if not isinstance(v, str):
            self.at_value(path + (key,), f"'{key}' must be text in quotes, such as "
                          f"{key} = {example}; got {_got(v)}")
            return default
        if required and not v.strip():
            self.at_value(path + (key,), f"'{key}' must not be empty")
            return default
        return v

    def get_bool(self, t: dict, key: str, path, default: bool) -> bool:
        if key not in t:
            return default
        v = t[key]
        if not isinstance(v, bool):
            self.at_value(path + (key,), f"'{key}' must be true or false; got {_got(v)}")
            return default
        return v

    def get_choice(self, t: dict, key: str, path, choices, default, what: str):
        if key not in t:
            return default
        v = t[key]
        if not isinstance(v, str) or v not in choices:
            hint = did_you_mean(v, choices) if isinstance(v, str) else ""
            self.at_value(path + (key,), f"'{key}' must be {what}{hint}; choose one of: "
                          f"{_join(choices)}; got {_got(v)}")
            return default
        return v

    # events ------------------------------------------------------------------------

    def known_events(self) -> tuple[str, ...]:
        return world.EVENTS + tuple(world.EVENT_ALIASES) + tuple(self.zone_names)

    def events_list_text(self) -> str:
        text = f"events are: {_join(world.EVENTS + tuple(world.EVENT_ALIASES))}"
        if self.zone_names:
            text += f"; zones in this file: {_join(self.zone_names)}"
        return text

    def check_event(self, name, path, where: str) -> bool:
        if isinstance(name, str) and name in self.known_events():
            return True
        if not isinstance(name, str):
            self.at_value(path, f"{where} must name events in quotes, such as \"coin\"; "
                          f"got {_got(name)}")
        else:
            self.at_value(path, f"unknown event '{name}' in {where}"
                          f"{did_you_mean(name, self.known_events())}; {self.events_list_text()}")
        return False

    def reward_table(self, v, path, where: str) -> dict[str, float] | None:
        """A table event -> weight, with the "flowers" alias expanded (a specific
        event written in the same table wins over the alias)."""
        if not isinstance(v, dict):
            self.at_value(path, f"{where} must be a table of event = number, such as "
                          f"{{ coin = 10, step = -0.05 }}; got {_got(v)}")
            return None
        known = self.known_events()
        specific = {k for k in v if k not in world.EVENT_ALIASES}
        out: dict[str, float] = {}
        for ev, w in v.items():
            p = path + (ev,)
            if ev not in known:
                self.at(p, f"unknown event '{ev}' in {where}{did_you_mean(ev, known)}; "
                        f"{self.events_list_text()}")
                continue
            if not _is_num(w):
                self.at_value(p, f"the reward for '{ev}' must be a number from "
                              f"-{MAX_WEIGHT} to {MAX_WEIGHT}; got {_got(w)}")
                continue
            if ev in world.EVENT_ALIASES:
                for e in world.EVENT_ALIASES[ev]:
                    if e not in specific:
                        out[e] = float(w)
            else:
                out[ev] = float(w)
        return out

    def event_list(self, v, path, where: str) -> tuple[str, ...] | None:
        if isinstance(v, str):
            v = [v]
            path_of = lambda i: path  # noqa: E731
        elif isinstance(v, list):
            path_of = lambda i: path + (i,)  # noqa: E731
        else:
            self.at_value(path, f"{where} must be a list of event names, such as "
                          f"[\"coin\", \"lava\"]; got {_got(v)}")
            return None
        out = []
        ok = True
        for i, ev in enumerate(v):
            if self.check_event(ev, path_of(i), where):
                if ev not in out:
                    out.append(ev)
            else:
                ok = False
        return tuple(out) if ok else None

    def condition(self, v, path, where: str) -> Condition | None:
        if isinstance(v, str):
            return Condition(reach=(v,)) if self.check_event(v, path, where) else None
        if not isinstance(v, dict):
            self.at_value(path, f"{where} must be an event name such as \"coin\", or a table "
                          f"such as {{ reach = [\"coin\"], avoid = [\"lava\"] }}; got {_got(v)}")
            return None
        self.unknown_keys(v, path, where, CONDITION_KEYS)
        ok = True
        reach = avoid = ()
        if "reach" in v:
            reach = self.event_list(v["reach"], path + ("reach",), f"'reach' of {where}")
            ok &= reach is not None
        if "avoid" in v:
            avoid = self.event_list(v["avoid"], path + ("avoid",), f"'avoid' of {where}")
            ok &= avoid is not None
        counts: dict[str, dict[str, int]] = {"at_least": {}, "at_most": {}}
        for key, low in (("at_least", 1), ("at_most", 0)):
            if key not in v:
                continue
            al = v[key]
            if not isinstance(al, dict):
                self.at_value(path + (key,), f"'{key}' of {where} must be a table of "
                              f"event = count, such as {{ key = 2 }}; got {_got(al)}")
                ok = False
                continue
            for ev, n in al.items():
                p = path + (key, ev)
                if ev not in self.known_events():
                    self.at(p, f"unknown event '{ev}' in '{key}' of {where}"
                            f"{did_you_mean(ev, self.known_events())}; "
                            f"{self.events_list_text()}")
                    ok = False
                elif not _is_int(n) or not low <= n <= 1000:
                    self.at_value(p, f"the count for '{ev}' in '{key}' of {where} must "
                                  f"be a whole number from {low} to 1000; got {_got(n)}")
                    ok = False
                else:
                    counts[key][ev] = n
        at_least, at_most = counts["at_least"], counts["at_most"]
        if ok and not (reach or avoid or at_least or at_most):
            self.at(path, f"{where} is empty: give at least one of reach, avoid, at_least, "
                    f"at_most, such as {{ reach = [\"coin\"] }}")
            return None
        return (Condition(reach=reach or (), avoid=avoid or (), at_least=at_least,
                          at_most=at_most) if ok else None)

    # sections ----------------------------------------------------------------------

    def read(self) -> LevelFile:
        raw = self.raw
        if "format" not in raw:
            self.at_pos((1, 1), "the file must start with 'format = 1' (the version of the "
                        "level format this game reads)")
        elif not _is_int(raw["format"]) or raw["format"] != FORMAT_VERSION:
            self.at_value(("format",), f"'format' must be {FORMAT_VERSION} (the only version of "
                          f"the level format this game reads); got {_got(raw['format'])}")
        self.unknown_keys(raw, (), "the top level of the file", TOP_KEYS)

        lf = LevelFile(path=self.file, raw=raw)
        lf.legend = self.read_legend()
        lf.zone_names = tuple(self.zone_names)
        lf.rules = self.read_rules()
        lf.agent = self.read_agent()
        lf.design = self.read_design()
        lf.chapter = self.read_chapter()
        lf.probes = self.read_probes()
        lf.control_reward = self.read_control()
        lf.upgrade = self.read_upgrade(lf.agent)
        names: dict[str, tuple] = {}
        for set_name in SETS:
            setattr(lf, set_name, self.read_set(set_name, lf, names))
        lf.gaps = self.read_gaps(lf)
        if not any(isinstance(raw.get(s), list) and raw[s] for s in SETS):
            self.at_pos((1, 1), "this file has no levels: add at least one level, such as "
                        "[[train]] with name = \"...\" and map = \"\"\"...\"\"\"")
        self.check_goals(lf)
        return lf

    def read_legend(self) -> dict[str, LegendEntry]:
        leg = self.table(self.raw, "legend", ("legend",), "[legend]",
                         "[legend] with lines like b = { object = \"coin\", color = \"blue\" }")
        out: dict[str, LegendEntry] = {}
        if not leg:
            return out
        for sym, e in leg.items():
            p = ("legend", sym)
            if len(sym) != 1 or sym.isspace() or sym in "'\"" or not sym.isprintable():
                self.at(p, f"a legend symbol must be exactly one visible character (not a quote); "
                        f"got {_got(sym)}")
                continue
            if sym in BUILTIN:
                self.at(p, f"symbol '{sym}' is built in ({describe_entry(BUILTIN[sym], sym)}) and "
                        f"cannot be redefined; choose another character for this legend entry")
                continue
            if not isinstance(e, dict):
                self.at_value(p, f"legend entry '{sym}' must be a table, such as "
                              f"{{ object = \"coin\", color = \"blue\" }}; got {_got(e)}")
                self.bad_symbols.add(sym)
                out[sym] = LegendEntry(sym)
                continue
            entry, ok = self.legend_entry(sym, e, p)
            if not ok:
                self.bad_symbols.add(sym)
            out[sym] = entry
        return out

    def legend_entry(self, sym: str, e: dict, p) -> tuple[LegendEntry, bool]:
        where = f"legend entry '{sym}'"
        n_before = len(self.problems)
        self.unknown_keys(e, p, where, LEGEND_KEYS)
        terrain = self.get_choice(e, "terrain", p, world.TERRAIN, "floor", "a terrain name")
        entry = LegendEntry(sym, terrain=terrain)
        kind = None
        if "object" in e and "spawn" in e:
            self.at(p + ("spawn",), f"{where} has both 'object' and 'spawn': use 'object' for an "
                    f"object that is always on these cells, 'spawn' for one that appears on one "
                    f"of them at random")
        elif "object" in e:
            kind = self.get_choice(e, "object", p, world.KINDS, None, "an object kind")
        elif "spawn" in e:
            kind = self.get_choice(e, "spawn", p, world.KINDS + ("agent",), None,
                                   "an object kind or \"agent\"")
        is_agent = kind == "agent"
        for key in ("color", "year"):
            if key in e and "object" not in e and "spawn" not in e:
                self.at(p + (key,), f"'{key}' in {where} applies to an object: add "
                        f"object = \"...\" or spawn = \"...\"")
            elif key in e and is_agent:
                self.at(p + (key,), f"'{key}' in {where} does not apply to the agent")
        color = None
        if kind is not None and not is_agent:
            color = self.get_choice(e, "color", p, world.COLORS, world.DEFAULT_COLOR[kind],
                                    "a colour")
            year = 0
            if "year" in e:
                if kind != "calendar":
                    self.at(p + ("year",), f"'year' in {where} applies only to calendars; "
                            f"this entry is a {kind}")
                else:
                    year = self.get_int(e, "year", p, 1, MAX_YEAR, 0)
            obj = Obj(kind, color, year)
            if "object" in e:
                entry.object = obj
            else:
                entry.spawn = obj
        elif is_agent:
            entry.spawn_agent = True
        if "count" in e:
            if "spawn" not in e or "object" in e:
                self.at(p + ("count",), f"'count' in {where} applies only to spawn markers "
                        f"(spawn = \"...\"): it is how many copies appear")
            elif is_agent:
                if e["count"] != 1 or not _is_int(e["count"]):
                    self.at_value(p + ("count",), f"'count' for an agent spawn must be 1: there "
                                  f"is one agent; got {_got(e['count'])}")
            else:
                entry.count = self.get_int(e, "count", p, 1, world.MAX_OBJECTS, 1)
        if ("object" in e or "spawn" in e) and terrain != "floor" and "terrain" in e:
            what = "the agent" if is_agent else "objects"
            self.at_value(p + ("terrain",), f"{where}: {what} stand on floor only, so 'terrain' "
                          f"must be \"floor\" (or left out) here; got {_got(e['terrain'])}")
        if "zone" in e:
            z = e["zone"]
            if not isinstance(z, str) or not _ZONE_NAME.fullmatch(z):
                self.at_value(p + ("zone",), f"a zone name must be 1-32 letters, digits, spaces, "
                              f"'-' or '_', starting with a letter or digit, such as "
                              f"\"right-end\"; got {_got(z)}")
            elif z in world.EVENTS or z in world.EVENT_ALIASES:
                self.at_value(p + ("zone",), f"zone name '{z}' is already an event name; "
                              f"choose another, such as \"{z}-zone\"")
            else:
                if z not in self.zone_names:
                    if len(self.zone_names) >= world.N_ZONES:
                        self.at_value(p + ("zone",), f"too many zones: a file may name at most "
                                      f"{world.N_ZONES} (already {_join(self.zone_names)})")
                    else:
                        self.zone_names.append(z)
                if z in self.zone_names:
                    entry.zone = z
        return entry, len(self.problems) == n_before

    def read_rules(self) -> Rules:
        rules = Rules()
        t = self.table(self.raw, "rules", ("rules",), "[rules]",
                       "[rules] with reward = { coin = 10 }")
        if t is None:
            return rules
        p = ("rules",)
        self.unknown_keys(t, p, "[rules]", RULES_KEYS)
        if "reward" in t:
            r = self.reward_table(t["reward"], p + ("reward",), "the reward in [rules]")
            if r is not None:
                rules.reward = r
        if "end_on" in t:
            ev = self.event_list(t["end_on"], p + ("end_on",), "'end_on' in [rules]")
            if ev is not None:
                expanded: list[str] = []
                for e in ev:
                    for x in world.EVENT_ALIASES.get(e, (e,)):
                        if x not in expanded:
                            expanded.append(x)
                rules.end_on = tuple(expanded)
        rules.max_steps = self.get_int(t, "max_steps", p, 1, 1000, rules.max_steps)
        rules.trigger_year = self.get_int(t, "trigger_year", p, 1, MAX_YEAR, rules.trigger_year)
        return rules

    def read_agent(self) -> AgentSettings:
        a = AgentSettings()
        t = self.table(self.raw, "agent", ("agent",), "[agent]", "[agent] with view = 5")
        if t is None:
            return a
        p = ("agent",)
        self.unknown_keys(t, p, "[agent]", AGENT_KEYS)
        self.agent_values(t, p, a)
        a.seed = self.get_int(t, "seed", p, 0, MAX_SEED, a.seed)
        a.pretrain_steps = self.get_int(t, "pretrain_steps", p, 0, MAX_BUDGET, a.pretrain_steps)
        return a

    def read_upgrade(self, agent: AgentSettings) -> dict | None:
        """[upgrade]: the settings the upgraded agent changes, as read (view,
        shape_range, steps, and learner settings under "learner")."""
        t = self.table(self.raw, "upgrade", ("upgrade",), "[upgrade]",
                       "[upgrade] with view = 7")
        if t is None:
            return None
        p = ("upgrade",)
        self.unknown_keys(t, p, "[upgrade]", UPGRADE_KEYS)
        if not any(k in UPGRADE_KEYS for k in t):
            self.at(p, "[upgrade] must change at least one of the agent's settings (view, "
                    "shape_range, steps, hidden or another learner setting), such as "
                    "view = 7: the upgraded agent is the same agent made more capable")
        a = AgentSettings(view=agent.view, shape_range=agent.shape_range, learner={})
        before = len(self.problems)
        self.agent_values(t, p, a)
        if ("view" in t and "shape_range" not in t and a.shape_range is not None
                and a.view != world.VIEW_FULL and a.shape_range > a.view // 2):
            self.at_value(p + ("view",), f"the upgraded view {a.view} is too narrow for [agent]'s "
                          f"shape_range = {a.shape_range}: set shape_range in [upgrade] too")
        if len(self.problems) != before:
            return {}
        out: dict = {k: getattr(a, k) for k in ("view", "shape_range", "steps") if k in t}
        if a.learner:
            out["learner"] = dict(a.learner)
        return out

    def agent_values(self, t: dict, p, a: AgentSettings) -> None:
        """The keys [agent] and [upgrade] share, read from `t` into `a`."""
        if "view" in t:
            v = t["view"]
            if v == "full":
                a.view = world.VIEW_FULL
            elif _is_int(v) and 3 <= v <= world.MAX_VIEW and v % 2 == 1:
                a.view = v
            else:
                self.at_value(p + ("view",), f"'view' must be an odd whole number from 3 to "
                              f"{world.MAX_VIEW}, or \"full\"; got {_got(v)}")
        if "shape_range" in t:
            hi = a.view // 2 if a.view != world.VIEW_FULL else world.MAX_SIZE
            v = t["shape_range"]
            if not _is_int(v) or not 1 <= v <= max(hi, 1):
                self.at_value(p + ("shape_range",), f"'shape_range' must be a whole number from 1 "
                              f"to {hi} (half the view, rounded down); got {_got(v)}")
            else:
                a.shape_range = v
        a.steps = self.get_int(t, "steps", p, 1, MAX_BUDGET, a.steps)
        for key in HYPERPARAMETERS:
            if key not in t:
                continue
            v = t[key]
            if key == "hidden":
                if (isinstance(v, list) and 1 <= len(v) <= 3
                        and all(_is_int(x) and 1 <= x <= MAX_HIDDEN for x in v)):
                    a.learner[key] = list(v)
                else:
                    self.at_value(p + (key,), f"'hidden' must be a list of 1 to 3 layer sizes "
                                  f"(whole numbers from 1 to {MAX_HIDDEN}), such as [64, 64]; "
                                  f"got {_got(v)}")
            elif _is_num(v, MAX_BUDGET):
                a.learner[key] = v
            else:
                self.at_value(p + (key,), f"'{key}' must be a number; got {_got(v)}")

    def read_design(self) -> Design:
        d = Design()
        t = self.table(self.raw, "design", ("design",), "[design]", "[design] with max_levels = 4")
        if t is None:
            return d
        p = ("design",)
        self.unknown_keys(t, p, "[design]", DESIGN_KEYS)
        d.max_levels = self.get_int(t, "max_levels", p, 1, world.MAX_LEVELS, d.max_levels)
        if "palette" in t:
            v = t["palette"]
            if not isinstance(v, list):
                self.at_value(p + ("palette",), f"'palette' must be a list of names, such as "
                              f"[\"wall\", \"coin\", \"spawn\"]; got {_got(v)}")
            else:
                items, ok = [], True
                for i, x in enumerate(v):
                    if not isinstance(x, str) or x not in PALETTE:
                        hint = did_you_mean(x, PALETTE) if isinstance(x, str) else ""
                        self.at_value(p + ("palette", i), f"unknown palette item {_got(x)}{hint};"
                                      f" palette items are: {_join(PALETTE)}")
                        ok = False
                    elif x not in items:
                        items.append(x)
                if ok:
                    d.palette = tuple(items)
        d.max_items = self.get_int(t, "max_items", p, 0, 10_000, d.max_items)
        d.max_steps = self.get_int(t, "max_steps", p, 1, MAX_BUDGET, d.max_steps)
        d.reward_editable = self.get_bool(t, "reward_editable", p, d.reward_editable)
        d.max_height = self.get_int(t, "max_height", p, 1, world.MAX_SIZE, d.max_height)
        d.max_width = self.get_int(t, "max_width", p, 1, world.MAX_SIZE, d.max_width)
        return d

    def read_chapter(self) -> Chapter | None:
        t = self.table(self.raw, "chapter", ("chapter",), "[chapter]",
                       "[chapter] with id = \"my-chapter\" and title = \"My chapter\"")
        if t is None:
            return None
        p = ("chapter",)
        self.unknown_keys(t, p, "[chapter]", CHAPTER_KEYS)
        cid = self.get_str(t, "id", p, "", required=True, where="[chapter]",
                           example="\"coin-at-the-end\"")
        if cid and not _CHAPTER_ID.fullmatch(cid):
            self.at_value(p + ("id",), f"the chapter 'id' must be lowercase letters and digits "
                          f"separated by single dashes, such as \"coin-at-the-end\"; got {_got(cid)}")
        title = self.get_str(t, "title", p, "", required=True, where="[chapter]",
                             example="\"The coin at the end\"")
        ch = Chapter(id=cid, title=title)
        if "number" in t:
            ch.number = self.get_int(t, "number", p, 0, 999, None)
        ch.reading = self.get_str(t, "reading", p, "")
        ch.briefing = self.get_str(t, "briefing", p, "")
        ch.intended_text = self.get_str(t, "intended_text", p, "")
        if "intended" in t:
            c = self.condition(t["intended"], p + ("intended",), "'intended' in [chapter]")
            if c is not None:
                ch.intended = c
        ch.lesson = self.get_choice(t, "lesson", p, LABELS, "", "a diagnosis label")
        if "bar" in t:
            v = t["bar"]
            if _is_num(v) and 0 <= v <= 1:
                ch.bar = float(v)
            else:
                self.at_value(p + ("bar",), f"'bar' must be a number from 0 to 1 (the intended "
                              f"goal's success rate on deployment that passes); got {_got(v)}")
        th = self.table(t, "thresholds", p + ("thresholds",), "'thresholds' in [chapter]",
                        "{ proxy = 0.5 }")
        if th:
            for k, v in th.items():
                if _is_num(v):
                    ch.thresholds[k] = float(v)
                else:
                    self.at_value(p + ("thresholds", k), f"threshold '{k}' must be a number; "
                                  f"got {_got(v)}")
        if "predictions" in t:
            ch.predictions = self.read_predictions(t["predictions"], p + ("predictions",))
        db = self.table(t, "debrief", p + ("debrief",), "'debrief' in [chapter]",
                        "{ proxy = \"...\" }")
        if db:
            for k, v in db.items():
                if k not in LABELS:
                    self.at(p + ("debrief", k), f"unknown diagnosis label '{k}' in 'debrief'"
                            f"{did_you_mean(k, LABELS)}; labels are: {_join(LABELS)}")
                elif not isinstance(v, str):
                    self.at_value(p + ("debrief", k), f"the debrief for '{k}' must be text; "
                                  f"got {_got(v)}")
                else:
                    ch.debrief[k] = v
        return ch

    def read_predictions(self, v, p) -> list[Prediction]:
        if not isinstance(v, list):
            self.at_value(p, f"'predictions' must be a list of tables such as "
                          f"{{ id = \"right\", text = \"It goes right\", label = \"proxy\" }}; "
                          f"got {_got(v)}")
            return []
        out, ids = [], set()
        for i, e in enumerate(v):
            q = p + (i,)
            if not isinstance(e, dict):
                self.at_value(q, f"each prediction must be a table with id and text; got {_got(e)}")
                continue
            where = f"prediction {i + 1} in [chapter]"
            self.unknown_keys(e, q, where, PREDICTION_KEYS)
            pid = self.get_str(e, "id", q, "", required=True, where=where, example="\"right\"")
            text = self.get_str(e, "text", q, "", required=True, where=where,
                                example="\"It goes to the right end\"")
            label = self.get_choice(e, "label", q, LABELS, "", "a diagnosis label")
            if pid and pid in ids:
                self.at_value(q + ("id",), f"prediction id '{pid}' is used twice; ids must differ")
            elif pid and text:
                ids.add(pid)
                out.append(Prediction(pid, text, label))
        return out

    def read_probes(self) -> dict[str, Condition]:
        t = self.table(self.raw, "probes", ("probes",), "[probes]",
                       "[probes] with right-end = \"right-end\"")
        out: dict[str, Condition] = {}
        if not t:
            return out
        for name, v in t.items():
            p = ("probes", name)
            if name == "intended":
                self.at(p, "'intended' is reserved for the chapter's intended goal; give this "
                        "probe another name")
                continue
            c = self.condition(v, p, f"probe '{name}'")
            if c is not None:
                out[name] = c
        return out

    def read_control(self) -> dict[str, float] | None:
        t = self.table(self.raw, "control", ("control",), "[control]",
                       "[control] with reward = { sensor = 0 }")
        if t is None:
            return None
        self.unknown_keys(t, ("control",), "[control]", ("reward",))
        if "reward" not in t:
            return {}
        r = self.reward_table(t["reward"], ("control", "reward"), "the reward in [control]")
        return r if r is not None else {}

    def read_set(self, set_name: str, lf: LevelFile, names: dict) -> list[Level]:
        if set_name not in self.raw:
            return []
        v = self.raw[set_name]
        if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
            self.at((set_name,), f"'{set_name}' must be an array of tables: write each level as "
                    f"[[{set_name}]] followed by name = \"...\" and map = \"\"\"...\"\"\"")
            return []
        if len(v) > world.MAX_LEVELS:
            self.at((set_name, world.MAX_LEVELS), f"too many {SET_TITLES[set_name]} levels: "
                    f"{len(v)}; a set holds at most {world.MAX_LEVELS}")
        out = []
        for i, e in enumerate(v[:world.MAX_LEVELS]):
            p = (set_name, i)
            where = f"[[{set_name}]] level {i + 1}"
            self.unknown_keys(e, p, where, LEVEL_KEYS)
            name = self.get_str(e, "name", p, None, required=True, where=where,
                                example="\"corridor\"")
            if name is not None:
                where = f"level '{name}'"
                if name in names:
                    line = self.loc.value(names[name])[0]
                    self.at_value(p + ("name",), f"level name '{name}' is used twice (first on "
                                  f"line {line}); every level in a file needs its own name")
                else:
                    names[name] = p + ("name",)
            if "map" in e:
                mp = self.get_str(e, "map", p, None)
            else:
                mp = self.get_str(e, "map", p, None, required=True, where=where,
                                  example="\"\"\"...\"\"\" (the rows of the map, one per line)")
            override: dict[str, float] = {}
            if "reward" in e:
                r = self.reward_table(e["reward"], p + ("reward",), f"the reward of {where}")
                override = r if r is not None else {}
            cue = self.get_bool(e, "cue", p, False)
            if name is None or mp is None:
                continue
            level = self.build_level(name, mp, p, lf)
            if level is not None:
                level.reward = dict(lf.rules.reward)
                level.reward.update(override)
                level.reward_override = override
                level.cue = cue
                out.append(level)
        return out

    def build_level(self, name: str, text: str, p, lf: LevelFile) -> Level | None:
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
            self.at_value(mpath, f"the map of level '{name}' is empty: write its rows between "
                          f"triple quotes, such as map = \"\"\"\\n#####\\n#@.c#\\n#####\\n\"\"\"")
            return None
        rows, row_off = lines[a:b], starts[a:b]

        def pos(r: int, c: int) -> tuple[int, int]:
            return self.loc.char(mpath, row_off[r] + c)

        ok = True
        height, width = len(rows), len(rows[0])
        if height > world.MAX_SIZE:
            self.at_pos(pos(world.MAX_SIZE, 0), f"the map of level '{name}' has {height} rows; "
                        f"at most {world.MAX_SIZE} are allowed")
            ok = False
        if width > world.MAX_SIZE:
            self.at_pos(pos(0, world.MAX_SIZE), f"the map of level '{name}' is {width} characters "
                        f"wide; at most {world.MAX_SIZE} are allowed")
            ok = False
        for r, row in enumerate(rows[1:], 1):
            if len(row) != width:
                what = "longer" if len(row) > width else "shorter"
                self.at_pos(pos(r, min(len(row), width)), f"row {r + 1} of the map of level "
                            f"'{name}' is {len(row)} characters wide, {what} than the first row "
                            f"({width}): every row must be {width} characters wide")
                ok = False
        legend = lf.legend
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
                    msg = (f"{_show_char(ch)} in the map of level '{name}': maps have no blank "
                           f"cells; use '.' for floor (and do not indent map rows)")
                else:
                    msg = (f"unknown symbol {_show_char(ch)} in map '{name}'; known symbols: "
                           f"{' '.join(symbols)}")
                self.at_pos(pos(r, c), msg)
        if n_unknown > 10:
            self.at_pos(pos(0, 0), f"... and {n_unknown - 10} more unknown symbols in map '{name}'")
        if not ok:
            return None

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
        if any(s in self.bad_symbols for s in set("".join(rows))):
            return None  # the legend entry was reported; its cells would only add noise

        agent_groups = [s for s in spawns.values() if s.what is None]
        if len(fixed_agents) > 1:
            r0, c0 = fixed_agents[0]
            for r, c in fixed_agents[1:]:
                self.at_pos(pos(r, c), f"level '{name}' has more than one '@' (the agent's start; "
                            f"the first is at row {r0 + 1}, column {c0 + 1}): keep exactly one, "
                            f"or use an agent spawn symbol for a random start")
            ok = False
        if fixed_agents and agent_groups:
            r, c = agent_groups[0].cells[0]
            self.at_pos(pos(r, c), f"level '{name}' has both an '@' and agent spawn cells "
                        f"('{agent_groups[0].symbol}'): use one or the other")
            ok = False
        if len(agent_groups) > 1:
            r, c = agent_groups[1].cells[0]
            self.at_pos(pos(r, c), f"level '{name}' uses two agent spawn symbols "
                        f"('{agent_groups[0].symbol}' and '{agent_groups[1].symbol}'): there is "
                        f"one agent, so mark all its possible starts with one symbol")
            ok = False
        if not fixed_agents and not agent_groups:
            self.at_pos(pos(0, 0), f"level '{name}' has no agent: put one '@' on the map, or mark "
                        f"possible starts with an agent spawn symbol (a legend entry such as "
                        f"A = {{ spawn = \"agent\" }})")
            ok = False
        for s in spawns.values():
            if s.count > len(s.cells):
                r, c = s.cells[0]
                self.at_pos(pos(r, c), f"spawn symbol '{s.symbol}' places {s.count} "
                            f"{s.what.kind if s.what else 'agent'}s on distinct cells, but level "
                            f"'{name}' marks only {len(s.cells)} cell"
                            f"{'s' if len(s.cells) != 1 else ''} with it: mark at least "
                            f"{s.count} or lower its count")
                ok = False
        if len(spawns) > world.MAX_SPAWN_GROUPS:
            sym = list(spawns)[world.MAX_SPAWN_GROUPS]
            r, c = spawns[sym].cells[0]
            self.at_pos(pos(r, c), f"level '{name}' uses {len(spawns)} spawn symbols; at most "
                        f"{world.MAX_SPAWN_GROUPS} are allowed per level")
            ok = False
        level = Level(name=name, rows=rows, terrain=terrain, objects=objects,
                      agent=fixed_agents[0] if len(fixed_agents) == 1 else None,
                      spawns=list(spawns.values()), zones=zones, reward={})
        level.line, level.col = pos(0, 0)
        self.level_pos[id(level)] = pos
        n = level.n_objects()
        if n > world.MAX_OBJECTS:
            self.at_pos(pos(0, 0), f"level '{name}' has {n} objects (fixed ones plus spawn "
                        f"counts); at most {world.MAX_OBJECTS} are allowed")
            ok = False
        return level if ok else None

    def read_gaps(self, lf: LevelFile) -> list[Gap]:
        if "gaps" not in self.raw:
            return []
        v = self.raw["gaps"]
        if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
            self.at(("gaps",), "'gaps' must be an array of tables: write each as [[gaps]] with "
                    "name, probe, when and versus")
            return []
        deploy = [lv.name for lv in lf.deploy]
        # every deploy level name as written, even if its map had problems
        written = [e.get("name") for e in self.raw.get("deploy", []) if isinstance(e, dict)] \
            if isinstance(self.raw.get("deploy"), list) else []
        deploy_names = set(deploy) | {n for n in written if isinstance(n, str)}
        other_names = {lv.name for lv in lf.pretrain + lf.train}
        probes = ("intended",) + tuple(lf.probes)
        out, seen = [], set()
        for i, e in enumerate(v):
            p = ("gaps", i)
            where = f"[[gaps]] {i + 1}"
            self.unknown_keys(e, p, where, GAP_KEYS)
            name = self.get_str(e, "name", p, None, required=True, where=where,
                                example="\"watched vs unwatched\"")
            if name is not None:
                where = f"gap '{name}'"
                if name in seen:
                    self.at_value(p + ("name",), f"gap name '{name}' is used twice")
                seen.add(name)
            ok = name is not None
            probe = self.get_str(e, "probe", p, None, required=True, where=where,
                                 example="\"intended\"")
            if probe is not None and probe not in probes:
                self.at_value(p + ("probe",), f"unknown probe '{probe}' in {where}"
                              f"{did_you_mean(probe, probes)}; use \"intended\" or a name from "
                              f"[probes]: {_join(lf.probes) or '(none defined)'}")
                ok = False
            ok &= probe is not None

            def level_names(key: str):
                val = e[key]
                if not isinstance(val, list) or not val:
                    return None
                res = []
                for j, n in enumerate(val):
                    if isinstance(n, str) and n in deploy_names:
                        res.append(n)
                        continue
                    if isinstance(n, str) and n in other_names:
                        msg = (f"'{n}' in '{key}' of {where} is not a deployment level: gaps "
                               f"compare deployment levels")
                    else:
                        msg = (f"unknown deployment level {_got(n)} in '{key}' of {where}"
                               f"{did_you_mean(n, sorted(deploy_names))}; deployment levels: "
                               f"{_join(deploy) or '(none)'}")
                    self.at_value(p + (key, j), msg)
                    return ()
                return tuple(res)

            when = ()
            if "when" not in e:
                self.at(p, f"{where} needs 'when': a list of deployment level names")
                ok = False
            else:
                when = level_names("when")
                if when is None:
                    self.at_value(p + ("when",), f"'when' of {where} must be a non-empty list of "
                                  f"deployment level names; got {_got(e['when'])}")
                ok &= bool(when)
            versus = ()
            if "versus" not in e:
                self.at(p, f"{where} needs 'versus': a list of deployment level names, "
                        f"\"control\" or \"upgrade\"")
                ok = False
            elif e["versus"] == "control":
                versus = "control"
                if lf.control_reward is None and "control" not in self.raw:
                    self.at_value(p + ("versus",), f"{where} compares with the control agent, "
                                  f"but the file has no [control] table saying how the control "
                                  f"agent's reward differs")
                    ok = False
            elif e["versus"] == "upgrade":
                versus = "upgrade"
                if lf.upgrade is None and "upgrade" not in self.raw:
                    self.at_value(p + ("versus",), f"{where} compares with the upgraded agent, "
                                  f"but the file has no [upgrade] table saying how the upgraded "
                                  f"agent's settings differ")
                    ok = False
            else:
                versus = level_names("versus")
                if versus is None:
                    self.at_value(p + ("versus",), f"'versus' of {where} must be a non-empty list "
                                  f"of deployment level names, \"control\" or \"upgrade\"; "
                                  f"got {_got(e['versus'])}")
                ok &= bool(versus)
            if ok:
                out.append(Gap(name, probe, when, versus))
        return out

    def check_goals(self, lf: LevelFile) -> None:
        """Every place the intended goal's objects (or zone) can be must be reachable
        from every start of the agent; training levels must have the goal at all."""
        if lf.chapter is not None:
            cond, required = lf.chapter.intended, True
        else:
            cond, required = Condition(reach=("coin",)), False
        events = list(cond.reach) + [e for e in cond.at_least if e not in cond.reach]
        for set_name in SETS:
            for level in getattr(lf, set_name):
                pos = self.level_pos[id(level)]
                for ev in events:
                    for msg, cell in goal_problems(level, ev, required and set_name == "train"):
                        self.at_pos(pos(*cell) if cell else pos(0, 0), msg)


def _components(level: Level) -> list[list[int]]:
    """Connected regions of passable cells (-1 for wall and lava)."""
    h, w = level.height, level.width
    comp = [[-1] * w for _ in range(h)]
    n = 0
    for r0 in range(h):
        for c0 in range(w):
            if comp[r0][c0] != -1 or level.terrain[r0][c0] in (world.WALL, world.LAVA):
                continue
            comp[r0][c0] = n
            queue = deque([(r0, c0)])
            while queue:
                r, c = queue.popleft()
                for dr, dc in world.ACTION_DELTAS:
                    rr, cc = r + dr, c + dc
                    if 0 <= rr < h and 0 <= cc < w and comp[rr][cc] == -1 \
                            and level.terrain[rr][cc] not in (world.WALL, world.LAVA):
                        comp[rr][cc] = n
                        queue.append((rr, cc))
            n += 1
    return comp


def agent_starts(level: Level) -> list[tuple[int, int]]:
    if level.agent is not None:
        return [level.agent]
    for s in level.spawns:
        if s.what is None:
            return list(s.cells)
    return []


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
        if not cells:
            if required:
                out.append((f"the intended goal '{event}' cannot happen in level '{level.name}': "
                            f"it has no {kind}", None))
            return out
        any_one = False
    elif event in level.zones or event not in world.EVENTS + tuple(world.EVENT_ALIASES):
        cells = [(cell, f"zone '{event}'") for cell in level.zones.get(event, [])]
        if not cells:
            if required:
                out.append((f"the intended goal '{event}' cannot happen in level '{level.name}': "
                            f"it has no cell of zone '{event}'", None))
            return out
        any_one = True
    else:
        return out
    if not starts:
        return out
    comp = _components(level)
    h, w = level.height, level.width

    def reachable(target, start) -> bool:
        region = comp[start[0]][start[1]]
        if region == -1:
            return False
        r, c = target
        if comp[r][c] == region:
            return True
        return any(0 <= r + dr < h and 0 <= c + dc < w and comp[r + dr][c + dc] == region
                   for dr, dc in world.ACTION_DELTAS)

    several = len(starts) > 1
    if any_one:
        for start in starts:
            if not any(reachable(cell, start) for cell, _ in cells):
                where = f" at row {start[0] + 1}, column {start[1] + 1}" if several else ""
                out.append((f"the intended goal's zone '{event}' in level '{level.name}' cannot "
                            f"be reached from the agent's start{where}", cells[0][0]))
                break
        return out
    for cell, noun in cells:
        for start in starts:
            if not reachable(cell, start):
                where = f" at row {start[0] + 1}, column {start[1] + 1}" if several else ""
                out.append((f"the intended goal's {noun} at row {cell[0] + 1}, column "
                            f"{cell[1] + 1} of level '{level.name}' cannot be reached from the "
                            f"agent's start{where}", cell))
                break
    return out


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


# --- public API -----------------------------------------------------------------------

def _toml_problem(text: str, file: str, exc: tomllib.TOMLDecodeError) -> list[Problem]:
    msg = str(exc)
    line, col = 0, 0
    m = _TOML_POS.search(msg)
    if m:
        line, col = int(m.group(1)), int(m.group(2))
        msg = msg[:m.start()]
    else:
        m = _TOML_END.search(msg)
        if m:
            msg = msg[:m.start()]
            lines = text.split("\n")
            line, col = len(lines), len(lines[-1]) + 1
    if msg.startswith("Cannot overwrite a value") or msg.startswith("Cannot declare"):
        loc = Locator(text)
        if loc.duplicates:
            out = []
            for path, second, first in loc.duplicates:
                l2, c2 = loc.linecol(second)
                out.append(Problem(file, l2, c2, f"'{path[-1]}' is set twice (first on line "
                                   f"{loc.linecol(first)[0]}): keep only one"))
            return out
    hints = {
        "Invalid value": "; text needs quotes (name = \"corridor\"), maps need triple quotes "
                         "(map = \"\"\" ... \"\"\")",
        "Unterminated string": ": a string is never closed; add the closing quote "
                               "(a map ends with \"\"\")",
        "Invalid statement": ": each line should be key = value, a [table] or an [[array]] header",
    }
    return [Problem(file, line, col, f"TOML syntax error: {msg}{hints.get(msg, '')}")]


def loads(text: str, path: str = "<string>") -> LevelFile:
    """Parse and validate a level file's text. Raises LevelFormatError (only)."""
    file = str(path)
    reader = None
    try:
        if isinstance(text, (bytes, bytearray)):
            text = _decode(bytes(text), file)
        if not isinstance(text, str):
            raise LevelFormatError([Problem(file, 0, 0, f"expected text, got {_got(text)}")])
        if len(text) > MAX_FILE_BYTES:
            raise LevelFormatError([Problem(file, 0, 0, f"this file is too large "
                                            f"({len(text)} characters; at most {MAX_FILE_BYTES})")])
        if text.startswith("\ufeff"):
            text = text[1:]
        text = text.replace("\r\n", "\n")
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise LevelFormatError(_toml_problem(text, file, exc)) from None
        except RecursionError:
            raise LevelFormatError([Problem(file, 1, 1, "lists or tables are nested too deeply "
                                            "in this file")]) from None
        reader = _Reader(text, file, raw)
        lf = reader.read()
        if reader.problems:
            raise LevelFormatError(_sorted(reader.problems))
        return lf
    except LevelFormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken file must never crash the game
        found = reader.problems if reader is not None else []
        raise LevelFormatError(_sorted(found) + [Problem(
            file, 1, 1, f"this file could not be checked completely ({type(exc).__name__}: "
            f"{exc}); this is a bug in Mesa Lab, please report it")]) from None


def _sorted(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in sorted(problems, key=lambda p: (p.line, p.col)):
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


def _decode(data: bytes, file: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        pos = exc.start
        line_start = data.rfind(b"\n", 0, pos) + 1
        line = data.count(b"\n", 0, pos) + 1
        col = len(data[line_start:pos].decode("utf-8", "replace")) + 1
        raise LevelFormatError([Problem(
            file, line, col, f"this file is not UTF-8 text (byte 0x{data[pos]:02x} here): save it "
            f"with the UTF-8 encoding")]) from None


def load(path) -> LevelFile:
    """Read and validate a level file. Raises LevelFormatError (only)."""
    file = str(path)
    try:
        p = Path(path)
        if p.is_dir():
            raise LevelFormatError([Problem(file, 0, 0, "this is a folder, not a level file")])
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LevelFormatError([Problem(file, 0, 0, f"this file is too large ({size} bytes; "
                                            f"a level file has at most {MAX_FILE_BYTES})")])
        data = p.read_bytes()
    except LevelFormatError:
        raise
    except FileNotFoundError:
        raise LevelFormatError([Problem(file, 0, 0, "no such file")]) from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise LevelFormatError([Problem(file, 0, 0, f"cannot read this file: {reason}")]) from None
    return loads(_decode(data, file), file)


def find_level_files(paths) -> list[Path]:
    """The level files named by `paths`: a file stands for itself (whatever its name;
    a path that does not exist is kept, so that loading it reports the problem), a
    folder for every *.toml file under it, recursively, in sorted order."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[Path] = []
    for x in paths:
        p = Path(x)
        found = sorted(q for q in p.rglob("*.toml") if q.is_file()) if p.is_dir() else [p]
        for q in found:
            if q not in out:
                out.append(q)
    return out


def _normalized(raw: dict) -> dict:
    """A copy of the document with every map written as rows ending in a newline, so
    that tomli_w writes it as a multi-line string that starts on its own line."""
    import copy
    doc = copy.deepcopy(raw)
    for set_name in SETS:
        levels = doc.get(set_name)
        if isinstance(levels, list):
            for e in levels:
                if isinstance(e, dict) and isinstance(e.get("map"), str):
                    lines = e["map"].split("\n")
                    while lines and not lines[0].strip():
                        lines.pop(0)
                    while lines and not lines[-1].strip():
                        lines.pop()
                    e["map"] = "\n".join(lines) + "\n"
    return doc


def _key(k: str) -> str:
    return tomli_w.dumps({k: 0})[:-len(" = 0\n")]


def _val(v) -> str:
    if isinstance(v, list) and all(_simple(x) and not isinstance(x, (list, dict)) for x in v):
        return "[" + ", ".join(_val(x) for x in v) + "]"
    return tomli_w.dumps({"x": v}, multiline_strings=True)[len("x = "):].rstrip("\n")


def _simple(v) -> bool:
    if isinstance(v, str):
        return "\n" not in v
    if isinstance(v, list):
        return all(_simple(x) for x in v)
    if isinstance(v, dict):
        return _inline_ok(v)
    return True


def _inline_ok(d) -> bool:
    return (isinstance(d, dict) and all(_simple(v) for v in d.values())
            and len(_inline(d)) <= 90)


def _inline(d: dict) -> str:
    if not d:
        return "{}"
    return "{ " + ", ".join(f"{_key(k)} = {_inline(v) if isinstance(v, dict) else _val(v)}"
                            for k, v in d.items()) + " }"


def _body(d: dict, names: list[str], out: list[str]) -> None:
    later = []
    for k, v in d.items():
        if isinstance(v, dict):
            if _inline_ok(v):
                out.append(f"{_key(k)} = {_inline(v)}")
            else:
                later.append((k, v))
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            if all(_inline_ok(x) for x in v):
                out.append(f"{_key(k)} = [")
                out += [f"    {_inline(x)}," for x in v]
                out.append("]")
            else:
                later.append((k, v))
        else:
            out.append(f"{_key(k)} = {_val(v)}")
    for k, v in later:
        header = ".".join(_key(n) for n in names + [k])
        if isinstance(v, dict):
            out.append("")
            out.append(f"[{header}]")
            _body(v, names + [k], out)
        else:
            for x in v:
                out.append("")
                out.append(f"[[{header}]]")
                _body(x, names + [k], out)


def _pretty(doc: dict) -> str:
    out: list[str] = []
    tables = []
    for k, v in doc.items():
        if isinstance(v, dict) or (isinstance(v, list) and v and all(isinstance(x, dict) for x in v)):
            tables.append((k, v))
        else:
            out.append(f"{_key(k)} = {_val(v)}")
    for k, v in tables:
        if isinstance(v, dict):
            out.append("")
            out.append(f"[{_key(k)}]")
            _body(v, [k], out)
        else:
            for x in v:
                out.append("")
                out.append(f"[[{_key(k)}]]")
                _body(x, [k], out)
    return "\n".join(out).lstrip("\n") + "\n"


def dumps(level_file: LevelFile) -> str:
    """The level file's document (`level_file.raw`) as TOML text: small tables inline,
    maps as multi-line strings. Loading the text gives back the same level file."""
    doc = _normalized(level_file.raw)
    try:
        text = _pretty(doc)
        if tomllib.loads(text) == doc:
            return text
    except Exception:  # noqa: BLE001 - fall back to the plain writer below
        pass
    return tomli_w.dumps(doc, multiline_strings=True)


def save(level_file: LevelFile, path) -> None:
    """Write `dumps(level_file)` to `path` atomically (levels.atomic)."""
    atomic_write_text(path, dumps(level_file))
