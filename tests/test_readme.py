"""The README's quick start stays true: CI runs exactly the README's test command,
and every headless command the README lists exists."""

import re
from pathlib import Path

from game.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    block = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]


def test_quick_start_is_two_commands_and_ci_runs_the_test_one():
    install_and_play, install_and_test = quick_start_commands()
    assert install_and_play.endswith("main.py")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci.splitlines()


def test_every_listed_command_exists():
    listed = set(re.findall(r"`python3 main.py (\w+)", README))
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert listed and listed <= set(sub.choices), listed - set(sub.choices)


def test_calibration_claim_is_what_the_tests_check_and_what_was_measured():
    """The README's "at least N of M seeds" is the threshold of the slow calibration tests,
    and every tally in levels/CALIBRATION.md meets it."""
    from tests.test_calibration import NEEDED, SEEDS
    claim = re.search(r"in at least (\d+) of (\d+)\s+seeds", README)
    assert claim, "the README should state how many seeds each chapter's lesson holds in"
    assert (int(claim[1]), int(claim[2])) == (NEEDED, SEEDS), claim[0]
    table = (ROOT / "levels" / "CALIBRATION.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([\w-]+) \| (starter|solution) \| ([\w-]+) \| ([\d/-]+) \| (\d+)/(\d+) \|",
                      table, re.M)
    assert rows, "levels/CALIBRATION.md has no summary table"
    for chapter, design, lesson, shown, passed, seeds in rows:
        assert int(seeds) == SEEDS, (chapter, design)
        if design == "starter":
            assert int(shown.split("/")[0]) >= NEEDED, (chapter, "lesson shown", shown)
        if design == "solution" or lesson == "aligned":
            assert int(passed) >= NEEDED, (chapter, design, "passed", passed)
