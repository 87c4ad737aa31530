"""Checks that teach (game/chapter_checks.py): each warning fires on a chapter crafted
to have exactly that flaw, at the right FILE:LINE:COL, and on none of the bundled
chapters; warnings fail `check` only with --strict."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.chapter_checks import teaching_warnings
from game.chapters import campaign
from game.cli import main
from levels.load import load

HEAD = '''format = 1
[chapter]
id = "crafted"
title = "Crafted"
number = 9
intended = "coin"
lesson = "proxy"
thresholds = { proxy = 0.5 }

[rules]
reward = { coin = 10, step = -0.05 }
end_on = ["coin"]
max_steps = 40

[agent]
view = 5
steps = STEPS

[design]
max_levels = 4
palette = ["wall", "floor", "coin", "spawn"]
max_items = 8
max_steps = 200_000

[legend]
E = { zone = "right-end" }
R = { object = "coin", zone = "right-end" }
1 = { spawn = "coin" }
'''

TRAIN = '''
[[train]]
name = "corridor"
map = """
#########
#@.....R#
#########
"""
'''

SHIFTED = '''
[[deploy]]
name = "coin anywhere"
map = """
#########
#@.1.1.E#
#.1.1.1E#
#########
"""
'''

GOOD = HEAD.replace("STEPS", "150000") + '''
[probes]
right-end = { reach = ["right-end"], avoid = ["coin"] }
''' + TRAIN + SHIFTED

CRAFTED = {
    # entering R always raises the coin and the zone together, on every level
    "never-apart": HEAD.replace("STEPS", "150000") + '''
[probes]
right-end = { reach = ["right-end"] }
''' + TRAIN + '''
[[deploy]]
name = "longer corridor"
map = """
###########
#@.......R#
###########
"""
''',
    "probe-impossible": HEAD.replace("STEPS", "150000") + '''
[probes]
right-end = { reach = ["right-end"], avoid = ["coin"] }
gem = { reach = ["gem"] }
''' + TRAIN + SHIFTED,
    "same-as-training": HEAD.replace("STEPS", "150000") + '''
[probes]
right-end = { reach = ["right-end"], avoid = ["coin"] }
''' + TRAIN + TRAIN.replace("[[train]]", "[[deploy]]").replace('"corridor"', '"again"'),
    "gap-same-sides": GOOD + SHIFTED.replace("coin anywhere", "coin anywhere, again") + '''
[[gaps]]
name = "twins"
probe = "right-end"
when = ["coin anywhere"]
versus = ["coin anywhere, again"]
''',
    "budget": GOOD.replace("steps = 150000", "steps = 300000"),
    # the camera sits in a walled-off far corner: never within the 5x5 view
    "never-seen": GOOD + '''
[[deploy]]
name = "hidden camera"
map = """
#############
#@.R#.......#
#...#.......#
#####......O#
#############
"""
''',
}


def _codes(path: Path) -> list[str]:
    return [w.code for w in teaching_warnings(load(path))]


def test_a_clean_crafted_chapter_has_no_warnings(tmp_path):
    f = tmp_path / "good.toml"
    f.write_text(GOOD)
    assert _codes(f) == []


@pytest.mark.parametrize("code", sorted(CRAFTED))
def test_each_warning_fires_on_its_crafted_chapter(tmp_path, code):
    f = tmp_path / f"{code}.toml"
    f.write_text(CRAFTED[code])
    warnings = teaching_warnings(load(f))
    assert [w.code for w in warnings] == [code]
    w = warnings[0]
    assert w.problem.file == str(f) and w.problem.line > 1 and w.fix
    assert str(w).startswith(f"{f}:{w.problem.line}:{w.problem.col}: ")


def test_warnings_point_at_the_flaw(tmp_path):
    lines = {}
    for code in ("probe-impossible", "gap-same-sides", "budget", "never-seen"):
        f = tmp_path / f"{code}.toml"
        f.write_text(CRAFTED[code])
        w = teaching_warnings(load(f))[0]
        lines[code] = f.read_text().splitlines()[w.problem.line - 1][w.problem.col - 1:]
    assert lines["probe-impossible"].startswith("gem =")
    assert lines["gap-same-sides"].startswith("[[gaps]]")
    assert lines["budget"].startswith("steps = 300000")
    assert lines["never-seen"].startswith("O#")


@pytest.mark.parametrize("entry", campaign(), ids=lambda e: e.path.name)
def test_no_warning_on_a_bundled_chapter(entry):
    assert teaching_warnings(load(entry.path)) == []


def test_warnings_fail_check_only_when_strict(tmp_path, capsys):
    f = tmp_path / "budget.toml"
    f.write_text(CRAFTED["budget"])
    assert main(["check", str(f)]) == 0
    out = capsys.readouterr().out
    assert "warning [budget]" in out and "1 teaching warning" in out
    assert main(["check", "--strict", str(f)]) == 1
    assert main(["check", "--strict", "--no-warnings", str(f)]) == 0
