"""`python main.py play PATH`: open the game window's sandbox on a level file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.commands import window


def add_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH", help="a level or design file (.toml) to open in the sandbox")


def run(args) -> int:
    path = Path(args.path)
    if not window.has_display():
        print(window.HEADLESS_HINT + f" To check the file instead: python main.py check {path}", file=sys.stderr)
        return 1
    def start(app):
        from game.ui.launch import open_in_sandbox
        open_in_sandbox(app, path)
    return window.open_window(start=start)
