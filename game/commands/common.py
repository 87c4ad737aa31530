"""Helpers shared by the subcommands: loading files with problems printed as
FILE:LINE:COL: message instead of tracebacks, and JSON output."""

from __future__ import annotations

import json
import sys


class CommandError(Exception):
    """A user-facing failure: printed as is, exit status 1."""


def print_problems(exc) -> None:
    for p in exc.problems:
        print(p, file=sys.stderr)


def emit_json(obj) -> None:
    print(json.dumps(obj, indent=None, sort_keys=False))


def load_level_file(path):
    from levels.errors import LevelFormatError
    from levels.load import load
    try:
        return load(path)
    except LevelFormatError as exc:
        print_problems(exc)
        raise CommandError(f"{path} is not a valid level file") from None


def load_chapter_ref(ref: str):
    """A chapter by path, id or campaign number."""
    from game.chapters import ChapterNotFound, find_chapter
    try:
        path = find_chapter(ref)
    except ChapterNotFound as exc:
        raise CommandError(str(exc)) from None
    return load_level_file(path)


def guarded(run):
    """Turn CommandError into a message and exit status 1."""
    def wrapper(args) -> int:
        try:
            return run(args)
        except CommandError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    wrapper.__doc__ = run.__doc__
    return wrapper
