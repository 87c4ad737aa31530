"""`python main.py check` and `python main.py show`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "levels" / "examples"

BROKEN = 'format = 1\n[rules]\nrewrd = 1\n[[train]]\nname = "a"\nmap = """\n#@x#\n"""\n'
GOOD = 'format = 1\n[legend]\n1 = { spawn = "coin" }\nE = { zone = "end" }\n' \
       '[[train]]\nname = "room"\nmap = """\n#####\n#@1.#\n#.1E#\n#####\n"""\n' \
       '[[deploy]]\nname = "far"\nreward = { step = -1 }\nmap = """\n@..c\n"""\n'


@pytest.fixture
def files(tmp_path):
    (tmp_path / "broken.toml").write_text(BROKEN)
    (tmp_path / "good.toml").write_text(GOOD)
    return tmp_path


def test_check_examples_are_valid(capsys):
    assert main(["check", str(EXAMPLES)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    n = len(list(EXAMPLES.glob("*.toml")))
    assert out == [f"{n} files checked, 0 with problems"]


def test_check_reports_problems(files, capsys):
    assert main(["check", str(files)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    broken = str(files / "broken.toml")
    assert out[0].startswith(f"{broken}:3:1: unknown key 'rewrd' in [rules] (did you mean 'reward'?)")
    assert out[1].startswith(f"{broken}:7:3: unknown symbol 'x' in map 'a'")
    assert out[-1] == "2 files checked, 1 with problems"


def test_check_missing_path_and_empty_folder(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["check", str(tmp_path / "nope.toml"), str(tmp_path / "empty")]) == 1
    out = capsys.readouterr().out
    assert f"{tmp_path / 'nope.toml'}:0:0: no such file" in out
    assert "no .toml level files in this folder" in out
    assert "1 file checked, 1 with problems" in out


def test_check_single_good_file(files, capsys):
    assert main(["check", str(files / "good.toml")]) == 0
    assert capsys.readouterr().out.strip() == "1 file checked, 0 with problems"


def test_check_as_design_gives_chapter_problems_and_notes(tmp_path, capsys):
    """--chapter checks a design as the editor does: a palette problem fails the check
    with its place; a hedge the coin lies behind is a note, and notes do not fail."""
    design = tmp_path / "hedge.toml"
    design.write_text('format = 1\n[[train]]\nname = "hedge"\nmap = """\n'
                      '#######\n#@.*.c#\n#######\n"""\n')
    assert main(["check", "--chapter", "4", str(design)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == (f"{design}:6:6: note: in level 'hedge' the coin at row 2, column 6 can be "
                      "reached only across flowers, which the goal forbids: no episode there "
                      "can meet the intended goal")
    assert out[-1] == "1 file checked, 0 with problems; 1 note"
    # the same level is valid as a plain level file: without --chapter there is no note
    assert main(["check", str(design)]) == 0
    assert "note" not in capsys.readouterr().out
    design.write_text(design.read_text().replace("#@.*.c#", "#@.k.c#"))
    assert main(["check", "--chapter", "4", str(design)]) == 1
    out = capsys.readouterr().out
    assert f"{design}:6:4: 'k' is not in this chapter's palette" in out


def test_check_unknown_chapter(files, capsys):
    assert main(["check", "--chapter", "99", str(files / "good.toml")]) == 1
    assert "no chapter '99'" in capsys.readouterr().err


def test_show_draws_every_set(files, capsys):
    assert main(["show", str(files / "good.toml"), "--no-color"]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    assert "Training levels (1)" in out and "Deployment levels (1)" in out
    assert "# # # # #" in out and "# @ 1 . #" in out
    assert "yellow coin, on one of the 2 cells marked 1" in out
    assert "zone 'end' (invisible to the agent): 1 cell at (row,column) (3,4)" in out
    assert "this level's reward: step -1" in out
    assert "@  the agent's start" in out


def test_show_one_level(files, capsys):
    assert main(["show", str(files / "good.toml"), "--level", "far"]) == 0
    out = capsys.readouterr().out
    assert "far" in out and "room" not in out and "Training levels" not in out


def test_show_unknown_level(files, capsys):
    assert main(["show", str(files / "good.toml"), "--level", "nowhere"]) == 1
    out = capsys.readouterr().out
    assert "no level named 'nowhere'" in out and "'room', 'far'" in out


def test_show_broken_file(files, capsys):
    assert main(["show", str(files / "broken.toml")]) == 1
    out = capsys.readouterr().out
    assert ":3:1: unknown key 'rewrd'" in out and "Traceback" not in out


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.name)
def test_show_examples(path, capsys):
    assert main(["show", str(path)]) == 0
    out = capsys.readouterr().out
    assert "levels (" in out


def test_check_subprocess_no_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b'format = 1\n[[train]]\nname = "caf\xe9"\nmap = """\n@c\n"""\n')
    res = subprocess.run([sys.executable, "main.py", "check", str(bad)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 1
    assert "Traceback" not in res.stdout + res.stderr
    assert f"{bad}:3:12: this file is not UTF-8 text" in res.stdout
    assert res.stdout.strip().endswith("1 file checked, 1 with problems")
