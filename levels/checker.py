"""Checking values of a parsed level file and recording problems at their place:
the typed values of the schema's keys, events, reward tables, event lists and
conditions. `levels.reader` builds on this for the file's sections; every problem
is a `Problem` with FILE:LINE:COL from the `Locator`, and, for a map's cells,
the level and cell (`MapCell`).
"""

from __future__ import annotations

import math

from levels import world
from levels.errors import MapCell, Problem, did_you_mean, got, is_int
from levels.locate import Locator
from levels.model import Condition
from levels.schema import CONDITION, LEARNER, MAX_WEIGHT, Key, batch_problem, check_learner


def is_num(v, limit: float = MAX_WEIGHT) -> bool:
    """A finite number (whole or not, not a bool) from -limit to limit."""
    if is_int(v):
        return -limit <= v <= limit
    return isinstance(v, float) and math.isfinite(v) and -limit <= v <= limit


_SCHEMA = object()  # "the schema's default" for the getters below


def join(items) -> str:
    return ", ".join(str(i) for i in items)


class Checker:
    """Checks values of one parsed document, collecting problems with their positions."""

    def __init__(self, text: str, file: str, raw: dict):
        self.file = file
        self.raw = raw
        self.loc = Locator(text)
        self.problems: list[Problem] = []
        self.zone_names: list[str] = []

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

    def at_pos(self, pos: tuple[int, int], message: str, cell: MapCell | None = None) -> None:
        self.problems.append(Problem(self.file, pos[0], pos[1], message, cell))

    def unknown_keys(self, table: dict, path, where: str, known) -> None:
        for k in table:
            if k not in known:
                self.at(path + (k,), f"unknown key '{k}' in {where}{did_you_mean(k, known)}; "
                        f"known keys: {join(known)}")

    def table(self, parent: dict, key: str, path, what: str, example: str) -> dict | None:
        """parent[key] if it is a table (None when absent or reported)."""
        if key not in parent:
            return None
        v = parent[key]
        if not isinstance(v, dict):
            self.at_value(path, f"{what} must be a table, such as {example}; got {got(v)}")
            return None
        return v

    # typed values ------------------------------------------------------------------

    def get_int(self, t: dict, k: Key, path, default=_SCHEMA):
        """t[k.name] if it is a whole number in the key's range; else the default
        (the schema's unless given), with a problem when it is set but wrong."""
        default = k.default if default is _SCHEMA else default
        if k.name not in t:
            return default
        v = t[k.name]
        if not is_int(v) or not k.lo <= v <= k.hi:
            self.at_value(path + (k.name,), f"'{k.name}' must be a whole number from "
                          f"{k.lo} to {k.hi}; got {got(v)}")
            return default
        return v

    def get_number(self, t: dict, k: Key, path) -> float:
        if k.name not in t:
            return k.default
        v = t[k.name]
        if not is_num(v) or not k.lo <= v <= k.hi:
            self.at_value(path + (k.name,), f"'{k.name}' must be a number from {k.lo} to "
                          f"{k.hi} ({k.help}); got {got(v)}")
            return k.default
        return float(v)

    def get_str(self, t: dict, k: Key, path, where: str = "", example: str = "\"...\"",
                required: bool | None = None):
        key, default = k.name, k.default
        required = k.required if required is None else required
        if key not in t:
            if required:
                self.at(path, f"{where} needs '{key}' (text, such as {key} = {example})")
            return default
        v = t[key]
        if not isinstance(v, str):
            self.at_value(path + (key,), f"'{key}' must be text in quotes, such as "
                          f"{key} = {example}; got {got(v)}")
            return default
        if required and not v.strip():
            self.at_value(path + (key,), f"'{key}' must not be empty")
            return default
        return v

    def get_bool(self, t: dict, k: Key, path) -> bool:
        if k.name not in t:
            return k.default
        v = t[k.name]
        if not isinstance(v, bool):
            self.at_value(path + (k.name,), f"'{k.name}' must be true or false; got {got(v)}")
            return k.default
        return v

    def get_choice(self, t: dict, k: Key, path, what: str, choices=None, default=_SCHEMA):
        key = k.name
        choices = k.choices if choices is None else choices
        default = k.default if default is _SCHEMA else default
        if key not in t:
            return default
        v = t[key]
        if not isinstance(v, str) or v not in choices:
            hint = did_you_mean(v, choices) if isinstance(v, str) else ""
            self.at_value(path + (key,), f"'{key}' must be {what}{hint}; choose one of: "
                          f"{join(choices)}; got {got(v)}")
            return default
        return v

    def learner(self, t: dict, path) -> dict[str, object]:
        """The learner settings set in table t, each checked by the learner's own
        check (`levels.schema.check_learner`), as written (lists stay lists)."""
        out: dict[str, object] = {}
        checked: dict[str, object] = {}  # as the learner takes them (3.0 -> 3)
        for key in LEARNER:
            if key not in t:
                continue
            try:
                checked[key] = check_learner(key, t[key])
            except ValueError as exc:
                self.at_value(path + (key,), str(exc))
            else:
                out[key] = t[key]
        sizes = {k: checked.get(k, LEARNER[k].default) for k in ("n_envs", "n_steps", "minibatches")}
        problem = batch_problem(**sizes)
        if problem is not None:  # reported at whichever of the three the file sets
            key = next(k for k in ("minibatches", "n_steps", "n_envs") if k in out)
            self.at_value(path + (key,), problem)
        return out

    # events ------------------------------------------------------------------------

    def known_events(self) -> tuple[str, ...]:
        return world.EVENTS + tuple(world.EVENT_ALIASES) + tuple(self.zone_names)

    def events_list_text(self) -> str:
        text = f"events are: {join(world.EVENTS + tuple(world.EVENT_ALIASES))}"
        if self.zone_names:
            text += f"; zones in this file: {join(self.zone_names)}"
        return text

    def check_event(self, name, path, where: str) -> bool:
        if isinstance(name, str) and name in self.known_events():
            return True
        if not isinstance(name, str):
            self.at_value(path, f"{where} must name events in quotes, such as \"coin\"; "
                          f"got {got(name)}")
        else:
            self.at_value(path, f"unknown event '{name}' in {where}"
                          f"{did_you_mean(name, self.known_events())}; {self.events_list_text()}")
        return False

    def reward_table(self, v, path, where: str) -> dict[str, float] | None:
        """A table event -> weight, with the "flowers" alias expanded (a specific
        event written in the same table wins over the alias)."""
        if not isinstance(v, dict):
            self.at_value(path, f"{where} must be a table of event = number, such as "
                          f"{{ coin = 10, step = -0.05 }}; got {got(v)}")
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
            if not is_num(w):
                self.at_value(p, f"the reward for '{ev}' must be a number from "
                              f"-{MAX_WEIGHT} to {MAX_WEIGHT}; got {got(w)}")
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
                          f"[\"coin\", \"lava\"]; got {got(v)}")
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
                          f"such as {{ reach = [\"coin\"], avoid = [\"lava\"] }}; got {got(v)}")
            return None
        self.unknown_keys(v, path, where, tuple(CONDITION))
        ok = True
        reach = avoid = ()
        if "reach" in v:
            reach = self.event_list(v["reach"], path + ("reach",), f"'reach' of {where}")
            ok &= reach is not None
        if "avoid" in v:
            avoid = self.event_list(v["avoid"], path + ("avoid",), f"'avoid' of {where}")
            ok &= avoid is not None
        counts: dict[str, dict[str, int]] = {"at_least": {}, "at_most": {}}
        for key in ("at_least", "at_most"):
            low, high = CONDITION[key].lo, CONDITION[key].hi
            if key not in v:
                continue
            al = v[key]
            if not isinstance(al, dict):
                self.at_value(path + (key,), f"'{key}' of {where} must be a table of "
                              f"event = count, such as {{ key = 2 }}; got {got(al)}")
                ok = False
                continue
            for ev, n in al.items():
                p = path + (key, ev)
                if ev not in self.known_events():
                    self.at(p, f"unknown event '{ev}' in '{key}' of {where}"
                            f"{did_you_mean(ev, self.known_events())}; "
                            f"{self.events_list_text()}")
                    ok = False
                elif not is_int(n) or not low <= n <= high:
                    self.at_value(p, f"the count for '{ev}' in '{key}' of {where} must "
                                  f"be a whole number from {low} to {high}; got {got(n)}")
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

