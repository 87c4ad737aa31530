"""Writing level files: a `LevelFile`'s document back to TOML text in the layout
instructors write (small tables inline, maps as multi-line strings), and saving it
atomically. Loading the text gives back the same level file."""

from __future__ import annotations

import copy
import tomllib

import tomli_w

from levels.atomic import atomic_write_text
from levels.model import LevelFile
from levels.schema import SETS


def _normalized(raw: dict) -> dict:
    """A copy of the document with every map written as rows ending in a newline, so
    that tomli_w writes it as a multi-line string that starts on its own line."""
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
