"""The reader: checks a parsed level file section by section against the schema
(`levels.schema`) and builds the `LevelFile` (`levels.model`), collecting every
problem at its FILE:LINE:COL. Maps are built by `levels.maps`, the intended
goal's reachability by `levels.reach`; `levels.load` is the public entry
(text or path in, a `LevelFile` or one `LevelFormatError` out).
"""

from __future__ import annotations

import re

from levels import world
from levels.checker import Checker, is_num, join
from levels.errors import MapCell, did_you_mean, got, is_int
from levels.maps import build_level
from levels.model import (
    AgentSettings, Chapter, Condition, Design, Gap, LegendEntry, Level, LevelFile, Obj,
    Prediction, Rules,
)
from levels.reach import file_goal_problems
from levels.schema import (
    AGENT, CHAPTER, CONTROL, DESIGN, FORMAT_VERSION, GAP, LABELS, LEARNER, LEGEND, LEVEL,
    FAR_KINDS_NEEDS_POOLED, NOVELTY_NEEDS_TRAIL, POOLED_NEEDS_WINDOW, RARE_NEEDS_NOVELTY,
    WALL_MASK_NEEDS_WINDOW, PALETTE, PREDICTION, RULES, SET_TITLES, SETS, TOP, UPGRADE,
)
from levels.symbols import BUILTIN, describe_entry

AGENT_KEYS = tuple(AGENT) + tuple(LEARNER)  # [agent] holds the learner's settings too
UPGRADE_KEYS = tuple(UPGRADE) + tuple(LEARNER)
_CHAPTER_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_ZONE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_ -]{0,31}")


class Reader(Checker):
    """Reads one parsed document (`raw`, from tomllib) into a LevelFile."""

    def __init__(self, text: str, file: str, raw: dict):
        super().__init__(text, file, raw)
        self.bad_symbols: set[str] = set()  # legend entries already reported broken
        self.level_pos: dict[tuple, object] = {}  # (set, index) -> pos(row, col) in the file

    def read(self) -> LevelFile:
        raw = self.raw
        if "format" not in raw:
            self.at_pos((1, 1), "the file must start with 'format = 1' (the version of the "
                        "level format this game reads)")
        elif not is_int(raw["format"]) or raw["format"] != FORMAT_VERSION:
            self.at_value(("format",), f"'format' must be {FORMAT_VERSION} (the only version of "
                          f"the level format this game reads); got {got(raw['format'])}")
        self.unknown_keys(raw, (), "the top level of the file", TOP)

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
                        f"got {got(sym)}")
                continue
            if sym in BUILTIN:
                self.at(p, f"symbol '{sym}' is built in ({describe_entry(BUILTIN[sym], sym)}) and "
                        f"cannot be redefined; choose another character for this legend entry")
                continue
            if not isinstance(e, dict):
                self.at_value(p, f"legend entry '{sym}' must be a table, such as "
                              f"{{ object = \"coin\", color = \"blue\" }}; got {got(e)}")
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
        self.unknown_keys(e, p, where, LEGEND)
        terrain = self.get_choice(e, LEGEND["terrain"], p, "a terrain name")
        entry = LegendEntry(sym, terrain=terrain)
        kind = None
        if "object" in e and "spawn" in e:
            self.at(p + ("spawn",), f"{where} has both 'object' and 'spawn': use 'object' for an "
                    f"object that is always on these cells, 'spawn' for one that appears on one "
                    f"of them at random")
        elif "object" in e:
            kind = self.get_choice(e, LEGEND["object"], p, "an object kind")
        elif "spawn" in e:
            kind = self.get_choice(e, LEGEND["spawn"], p, "an object kind or \"agent\"")
        is_agent = kind == "agent"
        for key in ("color", "year"):
            if key in e and "object" not in e and "spawn" not in e:
                self.at(p + (key,), f"'{key}' in {where} applies to an object: add "
                        f"object = \"...\" or spawn = \"...\"")
            elif key in e and is_agent:
                self.at(p + (key,), f"'{key}' in {where} does not apply to the agent")
        color = None
        if kind is not None and not is_agent:
            color = self.get_choice(e, LEGEND["color"], p, "a colour",
                                    default=world.DEFAULT_COLOR[kind])
            year = 0
            if "year" in e:
                if not world.KIND[kind].shows_year:
                    self.at(p + ("year",), f"'year' in {where} applies only to calendars; "
                            f"this entry is a {kind}")
                else:
                    year = self.get_int(e, LEGEND["year"], p)
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
                if e["count"] != 1 or not is_int(e["count"]):
                    self.at_value(p + ("count",), f"'count' for an agent spawn must be 1: there "
                                  f"is one agent; got {got(e['count'])}")
            else:
                entry.count = self.get_int(e, LEGEND["count"], p)
        if ("object" in e or "spawn" in e) and terrain != "floor" and "terrain" in e:
            what = "the agent" if is_agent else "objects"
            self.at_value(p + ("terrain",), f"{where}: {what} stand on floor only, so 'terrain' "
                          f"must be \"floor\" (or left out) here; got {got(e['terrain'])}")
        if "zone" in e:
            z = e["zone"]
            if not isinstance(z, str) or not _ZONE_NAME.fullmatch(z):
                self.at_value(p + ("zone",), f"a zone name must be 1-32 letters, digits, spaces, "
                              f"'-' or '_', starting with a letter or digit, such as "
                              f"\"right-end\"; got {got(z)}")
            elif z in world.EVENTS or z in world.EVENT_ALIASES:
                self.at_value(p + ("zone",), f"zone name '{z}' is already an event name; "
                              f"choose another, such as \"{z}-zone\"")
            else:
                if z not in self.zone_names:
                    if len(self.zone_names) >= world.N_ZONES:
                        self.at_value(p + ("zone",), f"too many zones: a file may name at most "
                                      f"{world.N_ZONES} (already {join(self.zone_names)})")
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
        self.unknown_keys(t, p, "[rules]", RULES)
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
        rules.max_steps = self.get_int(t, RULES["max_steps"], p)
        rules.trigger_year = self.get_int(t, RULES["trigger_year"], p)
        return rules

    def read_agent(self) -> AgentSettings:
        a = AgentSettings()
        t = self.table(self.raw, "agent", ("agent",), "[agent]", "[agent] with view = 5")
        if t is None:
            return a
        p = ("agent",)
        self.unknown_keys(t, p, "[agent]", AGENT_KEYS)
        self.agent_values(t, p, a)
        a.seed = self.get_int(t, AGENT["seed"], p)
        a.trail = self.get_bool(t, AGENT["trail"], p)
        a.mirror = self.get_bool(t, AGENT["mirror"], p)
        a.pooled = self.get_bool(t, AGENT["pooled"], p)
        if a.pooled and a.view == world.VIEW_FULL:
            self.at_value(p + ("pooled",), POOLED_NEEDS_WINDOW)
        a.far_kinds = self.get_bool(t, AGENT["far_kinds"], p)
        if a.far_kinds and not a.pooled:
            self.at_value(p + ("far_kinds",), FAR_KINDS_NEEDS_POOLED)
        a.wall_mask = self.get_bool(t, AGENT["wall_mask"], p)
        if a.wall_mask and a.view == world.VIEW_FULL:
            self.at_value(p + ("wall_mask",), WALL_MASK_NEEDS_WINDOW)
        if a.learner.get("novelty", 0) and not a.trail:  # as agents.ppo.PPOLearner refuses it
            self.at_value(p + ("novelty",), NOVELTY_NEEDS_TRAIL)
        if a.learner.get("novelty_rare", 1) > 1 and not a.learner.get("novelty", 0):
            self.at_value(p + ("novelty_rare",), RARE_NEEDS_NOVELTY)
        a.pretrain_steps = self.get_int(t, AGENT["pretrain_steps"], p)
        return a

    def read_upgrade(self, agent: AgentSettings) -> dict | None:
        """[upgrade]: the settings the upgraded agent changes, as read ("view",
        "shape_range", "steps", and learner settings under "learner"); None without
        the table. Keys it leaves out keep [agent]'s values."""
        t = self.table(self.raw, "upgrade", ("upgrade",), "[upgrade]", "[upgrade] with view = 7")
        if t is None:
            return None
        p = ("upgrade",)
        self.unknown_keys(t, p, "[upgrade]", UPGRADE_KEYS)
        if not any(k in UPGRADE_KEYS for k in t):
            self.at(p, "[upgrade] must change at least one of the agent's settings (view, "
                    "shape_range, steps, hidden or another learner setting), such as "
                    "view = 7: the upgraded agent is the same agent made more capable")
        a = AgentSettings(view=agent.view, shape_range=agent.shape_range)
        before = len(self.problems)
        self.agent_values(t, p, a)
        if ("view" in t and "shape_range" not in t and a.shape_range is not None
                and a.view != world.VIEW_FULL and a.shape_range > a.view // 2):
            self.at_value(p + ("view",), f"the upgraded view {a.view} is too narrow for [agent]'s "
                          f"shape_range = {a.shape_range}: set shape_range in [upgrade] too")
        if len(self.problems) != before:
            return {}
        out: dict = {k: getattr(a, k) for k in UPGRADE if k in t}
        if a.learner:
            out["learner"] = dict(a.learner)
        return out

    def agent_values(self, t: dict, p, a: AgentSettings) -> None:
        """The keys [agent] and [upgrade] share (view, shape_range, steps, the
        learner's settings), read from `t` into `a`."""
        if "view" in t:
            v, view = t["view"], AGENT["view"]
            if v == "full":
                a.view = world.VIEW_FULL
            elif is_int(v) and view.lo <= v <= view.hi and v % 2 == 1:
                a.view = v
            else:
                self.at_value(p + ("view",), f"'view' must be an odd whole number from "
                              f"{view.lo} to {view.hi}, or \"full\"; got {got(v)}")
        if "shape_range" in t:
            hi = a.view // 2 if a.view != world.VIEW_FULL else world.MAX_SIZE
            v = t["shape_range"]
            lo = AGENT["shape_range"].lo
            if not is_int(v) or not lo <= v <= max(hi, lo):
                self.at_value(p + ("shape_range",), f"'shape_range' must be a whole number from "
                              f"{lo} to {hi} (half the view, rounded down); got {got(v)}")
            else:
                a.shape_range = v
        a.steps = self.get_int(t, AGENT["steps"], p, a.steps)
        a.learner = self.learner(t, p)

    def read_design(self) -> Design:
        d = Design()
        t = self.table(self.raw, "design", ("design",), "[design]", "[design] with max_levels = 4")
        if t is None:
            return d
        p = ("design",)
        self.unknown_keys(t, p, "[design]", DESIGN)
        d.max_levels = self.get_int(t, DESIGN["max_levels"], p)
        if "palette" in t:
            v = t["palette"]
            if not isinstance(v, list):
                self.at_value(p + ("palette",), f"'palette' must be a list of names, such as "
                              f"[\"wall\", \"coin\", \"spawn\"]; got {got(v)}")
            else:
                items, ok = [], True
                for i, x in enumerate(v):
                    if not isinstance(x, str) or x not in PALETTE:
                        hint = did_you_mean(x, PALETTE) if isinstance(x, str) else ""
                        self.at_value(p + ("palette", i), f"unknown palette item {got(x)}{hint};"
                                      f" palette items are: {join(PALETTE)}")
                        ok = False
                    elif x not in items:
                        items.append(x)
                if ok:
                    d.palette = tuple(items)
        d.max_items = self.get_int(t, DESIGN["max_items"], p)
        d.max_steps = self.get_int(t, DESIGN["max_steps"], p)
        d.reward_editable = self.get_bool(t, DESIGN["reward_editable"], p)
        d.max_height = self.get_int(t, DESIGN["max_height"], p)
        d.max_width = self.get_int(t, DESIGN["max_width"], p)
        return d

    def read_chapter(self) -> Chapter | None:
        t = self.table(self.raw, "chapter", ("chapter",), "[chapter]",
                       "[chapter] with id = \"my-chapter\" and title = \"My chapter\"")
        if t is None:
            return None
        p = ("chapter",)
        self.unknown_keys(t, p, "[chapter]", CHAPTER)
        cid = self.get_str(t, CHAPTER["id"], p, where="[chapter]",
                           example="\"coin-at-the-end\"")
        if cid and not _CHAPTER_ID.fullmatch(cid):
            self.at_value(p + ("id",), f"the chapter 'id' must be lowercase letters and digits "
                          f"separated by single dashes, such as \"coin-at-the-end\"; got {got(cid)}")
        title = self.get_str(t, CHAPTER["title"], p, where="[chapter]",
                             example="\"The coin at the end\"")
        ch = Chapter(id=cid, title=title)
        if "number" in t:
            ch.number = self.get_int(t, CHAPTER["number"], p)
        ch.reading = self.get_str(t, CHAPTER["reading"], p)
        ch.briefing = self.get_str(t, CHAPTER["briefing"], p)
        ch.intended_text = self.get_str(t, CHAPTER["intended_text"], p)
        if "intended" in t:
            c = self.condition(t["intended"], p + ("intended",), "'intended' in [chapter]")
            if c is not None:
                ch.intended = c
        ch.lesson = self.get_choice(t, CHAPTER["lesson"], p, "a diagnosis label")
        ch.bar = self.get_number(t, CHAPTER["bar"], p)
        th = self.table(t, "thresholds", p + ("thresholds",), "'thresholds' in [chapter]",
                        "{ proxy = 0.5 }")
        if th:
            for k, v in th.items():
                if is_num(v):
                    ch.thresholds[k] = float(v)
                else:
                    self.at_value(p + ("thresholds", k), f"threshold '{k}' must be a number; "
                                  f"got {got(v)}")
        if "predictions" in t:
            ch.predictions = self.read_predictions(t["predictions"], p + ("predictions",))
        db = self.table(t, "debrief", p + ("debrief",), "'debrief' in [chapter]",
                        "{ proxy = \"...\" }")
        if db:
            for k, v in db.items():
                if k not in LABELS:
                    self.at(p + ("debrief", k), f"unknown diagnosis label '{k}' in 'debrief'"
                            f"{did_you_mean(k, LABELS)}; labels are: {join(LABELS)}")
                elif not isinstance(v, str):
                    self.at_value(p + ("debrief", k), f"the debrief for '{k}' must be text; "
                                  f"got {got(v)}")
                else:
                    ch.debrief[k] = v
        return ch

    def read_predictions(self, v, p) -> list[Prediction]:
        if not isinstance(v, list):
            self.at_value(p, f"'predictions' must be a list of tables such as "
                          f"{{ id = \"right\", text = \"It goes right\", label = \"proxy\" }}; "
                          f"got {got(v)}")
            return []
        out, ids = [], set()
        for i, e in enumerate(v):
            q = p + (i,)
            if not isinstance(e, dict):
                self.at_value(q, f"each prediction must be a table with id and text; got {got(e)}")
                continue
            where = f"prediction {i + 1} in [chapter]"
            self.unknown_keys(e, q, where, PREDICTION)
            pid = self.get_str(e, PREDICTION["id"], q, where=where, example="\"right\"")
            text = self.get_str(e, PREDICTION["text"], q, where=where,
                                example="\"It goes to the right end\"")
            label = self.get_choice(e, PREDICTION["label"], q, "a diagnosis label")
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
        self.unknown_keys(t, ("control",), "[control]", CONTROL)
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
            self.unknown_keys(e, p, where, LEVEL)
            name = self.get_str(e, LEVEL["name"], p, where=where, example="\"corridor\"")
            if name is not None:
                where = f"level '{name}'"
                if name in names:
                    line = self.loc.value(names[name])[0]
                    self.at_value(p + ("name",), f"level name '{name}' is used twice (first on "
                                  f"line {line}); every level in a file needs its own name")
                else:
                    names[name] = p + ("name",)
            if "map" in e:
                mp = self.get_str(e, LEVEL["map"], p, required=False)
            else:
                mp = self.get_str(e, LEVEL["map"], p, where=where,
                                  example="\"\"\"...\"\"\" (the rows of the map, one per line)")
            override: dict[str, float] = {}
            if "reward" in e:
                r = self.reward_table(e["reward"], p + ("reward",), f"the reward of {where}")
                override = r if r is not None else {}
            cue = self.get_bool(e, LEVEL["cue"], p)
            if name is None or mp is None:
                continue
            level, pos = build_level(self, name, mp, p, lf.legend, self.bad_symbols)
            if pos is not None:
                self.level_pos[p] = pos
            if level is not None:
                level.reward = dict(lf.rules.reward)
                level.reward.update(override)
                level.reward_override = override
                level.cue = cue
                out.append(level)
        return out

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
            self.unknown_keys(e, p, where, GAP)
            name = self.get_str(e, GAP["name"], p, where=where,
                                example="\"watched vs unwatched\"")
            if name is not None:
                where = f"gap '{name}'"
                if name in seen:
                    self.at_value(p + ("name",), f"gap name '{name}' is used twice")
                seen.add(name)
            ok = name is not None
            probe = self.get_str(e, GAP["probe"], p, where=where,
                                 example="\"intended\"")
            if probe is not None and probe not in probes:
                self.at_value(p + ("probe",), f"unknown probe '{probe}' in {where}"
                              f"{did_you_mean(probe, probes)}; use \"intended\" or a name from "
                              f"[probes]: {join(lf.probes) or '(none defined)'}")
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
                        msg = (f"unknown deployment level {got(n)} in '{key}' of {where}"
                               f"{did_you_mean(n, sorted(deploy_names))}; deployment levels: "
                               f"{join(deploy) or '(none)'}")
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
                                  f"deployment level names; got {got(e['when'])}")
                ok &= bool(when)
            versus = ()
            if "versus" not in e:
                self.at(p, f"{where} needs 'versus': a list of deployment level names, "
                        f"\"control\" or \"upgrade\"")
                ok = False
            elif e["versus"] in ("control", "upgrade"):
                versus = e["versus"]
                present = lf.control_reward if versus == "control" else lf.upgrade
                if present is None and versus not in self.raw:
                    agent, differs = (("control agent", "reward differs") if versus == "control"
                                      else ("upgraded agent", "settings differ"))
                    self.at_value(p + ("versus",), f"{where} compares with the {agent}, but the "
                                  f"file has no [{versus}] table saying how the {agent}'s "
                                  f"{differs}")
                    ok = False
            else:
                versus = level_names("versus")
                if versus is None:
                    self.at_value(p + ("versus",), f"'versus' of {where} must be a non-empty list "
                                  f"of deployment level names, \"control\" or \"upgrade\"; "
                                  f"got {got(e['versus'])}")
                ok &= bool(versus)
            if ok:
                out.append(Gap(name, probe, when, versus))
        return out

    def check_goals(self, lf: LevelFile) -> None:
        """The intended goal must be able to happen (levels.reach), reported at the
        unreachable cell (or the map's first cell when the goal is missing)."""
        for level, msg, cell in file_goal_problems(lf):
            r, c = cell if cell else (0, 0)
            pos = self.level_pos[(level.set_name, level.index)]
            self.at_pos(pos(r, c), msg, MapCell(level.set_name, level.index, level.name, r, c))
