"""The command line: `python main.py SUBCOMMAND ...`. Each subcommand lives in its
own module under `game/commands/` with `add_parser(subparsers)` and `run(args) -> int`;
this file only wires them together."""

from __future__ import annotations

import argparse
import importlib
import sys

# (module under game.commands, one-line help) in the order `--help` lists them.
COMMANDS = (
    ("check", "validate level and design files; FILE:LINE:COL: message for each problem"),
    ("show", "draw a level file's maps in the terminal"),
    ("step", "run the rules on one level with a sequence of actions, printing each step"),
    ("train", "train an agent on a level file's training levels"),
    ("deploy", "deploy a trained agent on a chapter's deployment levels"),
    ("run", "play a chapter headless: train on a design, deploy, diagnose, score"),
    ("calibrate", "run a chapter over many seeds and tally the diagnoses"),
    ("summary", "gather a class's results into a table (and plots) for the debrief"),
    ("pretrain", "train and store a chapter's pre-trained agent (a chapter with [[pretrain]] levels)"),
    ("play", "open the game window on a level file (sandbox)"),
)


def _load(name: str):
    try:
        return importlib.import_module(f"game.commands.{name}")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("game.commands"):
            return None  # not built yet
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python main.py",
        description="Mesa Lab: design training levels, train a real agent, "
        "and find out what it actually learned. Without a subcommand, opens the game window.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS:
        module = _load(name)
        if module is not None:
            p = sub.add_parser(name, help=help_text, description=help_text)
            module.add_parser(p)
            p.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        window = _load("window")
        if window is None:
            parser.print_help()
            return 0
        return window.run(args)
    return int(args._module.run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
