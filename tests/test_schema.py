"""The schema (levels/schema.py) is the one place for the level format's keys: the
docs tables are generated from it and current, and the reader takes every range,
default and key list from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from levels import schema
from levels.errors import LevelFormatError
from levels.load import loads

FORMAT_MD = Path(__file__).resolve().parent.parent / "levels" / "FORMAT.md"
OK_LEVEL = '[[train]]\nname = "ok"\nmap = """\n#####\n#@.c#\n#####\n"""\n'
CHAPTER = '[chapter]\nid = "x"\ntitle = "X"\n'


def test_format_md_tables_are_generated_from_the_schema():
    text = FORMAT_MD.read_text(encoding="utf-8")
    assert schema.render_doc(text) == text, "run `python -m levels.schema` to update FORMAT.md"


def test_every_key_is_documented():
    text = FORMAT_MD.read_text(encoding="utf-8")
    for name, table in schema.TABLES.items():
        for key in table:
            assert f"`{key}`" in text or f"{key} =" in text or f"[{key}]" in text, (name, key)


def _file(table: str, line: str) -> str:
    head = CHAPTER if table == "chapter" else ""
    if table == "chapter":
        return "format = 1\n" + head + line + "\n" + OK_LEVEL
    return f"format = 1\n[{table}]\n{line}\n" + OK_LEVEL


INT_KEYS = [(t, k) for t in ("chapter", "rules", "agent", "design")
            for k in schema.TABLES[t].values() if k.kind == "int"]


@pytest.mark.parametrize("table,key", INT_KEYS, ids=[f"{t}.{k.name}" for t, k in INT_KEYS])
def test_reader_takes_whole_number_ranges_from_the_schema(table, key):
    # both ends of the declared range load and are kept; one past either end is an error
    # at the value, naming the declared range
    for v in (key.lo, key.hi):
        lf = loads(_file(table, f"{key.name} = {v}"))
        section = {"chapter": lf.chapter, "rules": lf.rules, "agent": lf.agent,
                   "design": lf.design}[table]
        assert getattr(section, key.name) == v
    line = 5 if table == "chapter" else 3
    for v in (key.lo - 1, key.hi + 1):
        with pytest.raises(LevelFormatError) as info:
            loads(_file(table, f"{key.name} = {v}"))
        p = info.value.problems[0]
        assert (p.line, p.col) == (line, len(key.name) + 4)
        assert f"from {key.lo} to {key.hi}; got {v}" in p.message


def test_defaults_come_from_the_schema():
    lf = loads("format = 1\n" + CHAPTER + OK_LEVEL)
    for table, section in (("rules", lf.rules), ("agent", lf.agent), ("design", lf.design),
                           ("chapter", lf.chapter)):
        for key in schema.TABLES[table].values():
            if hasattr(section, key.name) and key.kind != "special" and not key.required:
                assert getattr(section, key.name) == key.default, (table, key.name)
    assert lf.rules.reward == schema.DEFAULT_REWARD
    assert lf.chapter.bar == lf.pass_bar() == schema.PASS_BAR
    design = loads("format = 1\n" + OK_LEVEL)
    assert design.intended().reach == (schema.DEFAULT_GOAL,)
    assert design.pass_bar() == schema.PASS_BAR


def test_unknown_key_lists_the_schema_keys():
    with pytest.raises(LevelFormatError) as info:
        loads("format = 1\n[design]\nmax_level = 2\n" + OK_LEVEL)
    assert info.value.problems[0].message.endswith("known keys: " + ", ".join(schema.DESIGN))
