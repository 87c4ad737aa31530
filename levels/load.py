"""Loading level files: the public entry to reading.

    load(path) -> LevelFile            read and validate a file
    loads(text, path="<string>")       the same for text already in memory
    find_level_files(paths)            *.toml files under files and folders

Validation collects every problem it can find before raising one
`LevelFormatError`; each problem has the file, line and column, and a message
that says what is wrong and what would be right. Nothing but `LevelFormatError`
ever escapes `load` or `loads`, whatever the input. The checks themselves are in
`levels.reader`; writing a file back is `levels.writer`.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from levels.errors import LevelFormatError, Problem, got
from levels.locate import Locator
from levels.model import LevelFile
from levels.reader import Reader
from levels.schema import MAX_FILE_BYTES

_TOML_POS = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_END = re.compile(r"\s*\(at end of document\)\s*$")


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
            raise LevelFormatError([Problem(file, 0, 0, f"expected text, got {got(text)}")])
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
        reader = Reader(text, file, raw)
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
