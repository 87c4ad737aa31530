"""The one error type a level file can raise. It carries every problem found,
each with file, line and column, so an instructor can fix them all in one pass;
a problem inside a map also names its level and cell (`MapCell`), so the editor
can mark the cell without reading positions back out of the text. `got` is how
every message shows the value it rejects."""

from __future__ import annotations

import difflib
import math
import numbers
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MapCell:
    """A cell of one level's map: the set ("pretrain", "train" or "deploy"), the
    level's index in that set as written in the file, its name, and the 0-based
    row and column in the map."""
    set_name: str
    index: int
    level: str
    row: int
    col: int


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 1-based; 0 when the problem has no place in the file
    col: int   # 1-based
    message: str
    # the map cell the problem is about, when it is about one (not part of equality:
    # the same message at the same place is one problem)
    cell: MapCell | None = field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class LevelFormatError(Exception):
    """A level or design file is not valid. `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def did_you_mean(word: str, known) -> str:
    """' (did you mean 'coin'?)' when a known word is close to `word`, else ''."""
    close = difflib.get_close_matches(str(word), [str(k) for k in known], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def is_int(v) -> bool:
    """A whole number (TOML integer or numpy integer), not a bool."""
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def got(v) -> str:
    """A short description of a value for 'got ...' in messages."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        s = v if len(v) <= 40 else v[:37] + "..."
        return '"' + "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in s) + '"'
    if is_int(v):
        return str(int(v)) if abs(v) < 10**15 else "a very large number"
    if isinstance(v, numbers.Real):
        f = float(v)
        return repr(f) if math.isfinite(f) else ("nan" if f != f else ("inf" if f > 0 else "-inf"))
    if isinstance(v, dict):
        return "a table"
    if isinstance(v, (list, tuple)):
        return "a list"
    return f"a {type(v).__name__}"
