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
