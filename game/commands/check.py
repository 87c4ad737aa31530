"""`python main.py check PATH...`: validate level and design files.

Prints one `FILE:LINE:COL: message` line per problem, then a one-line summary.
Exit status 0 when every file is valid, 1 otherwise. A broken file never
produces a traceback. Valid files also get the teaching warnings of
`game.chapter_checks` (where a chapter cannot teach what it says); they fail the
check only with `--strict`.

With `--chapter CHAPTER` the files are designs for that chapter: each is also
checked against the chapter's palette, sizes, budget and reward rules, as the
editor does, and gets the editor's notes (a training level whose goal no episode
can meet). Notes never fail the check."""

from __future__ import annotations

import argparse
from pathlib import Path

from game.commands.common import guarded, load_chapter_ref
from game.designs import design_notes, load_design
from levels.errors import LevelFormatError, Problem
from levels.load import find_level_files, load


def add_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="level files, or folders to search for *.toml files")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="print only the problems, not the summary")
    p.add_argument("--strict", action="store_true",
                   help="fail (exit 1) on teaching warnings too")
    p.add_argument("--no-warnings", action="store_true",
                   help="only check the format, skip the teaching warnings")
    p.add_argument("--chapter", metavar="CHAPTER",
                   help="check the files as designs for this chapter (a file, its id or its "
                        "number), with the editor's notes")


def check_paths(paths, warnings: list | None = None, chapter=None,
                notes: list | None = None) -> tuple[int, list[tuple[Path, list[Problem]]]]:
    """(number of files checked, [(file, problems)] for the files with problems).
    Given a list, `warnings` receives the teaching warnings of the valid files. With a
    `chapter` (a LevelFile) the files are checked as its designs, and `notes` receives
    the editor's notes on the valid ones."""
    bad: list[tuple[Path, list[Problem]]] = []
    n = 0
    for given in paths:
        files = find_level_files([given])
        if Path(given).is_dir() and not files:
            bad.append((Path(given), [Problem(str(given), 0, 0, "no .toml level files in this "
                                              "folder")]))
            continue
        for f in files:
            n += 1
            try:
                lf = load(f) if chapter is None else load_design(f, chapter)
            except LevelFormatError as exc:
                bad.append((f, exc.problems))
                continue
            if chapter is not None:
                if notes is not None:
                    notes += design_notes(chapter, lf)
                continue
            if warnings is not None:
                from game.chapter_checks import teaching_warnings
                warnings += teaching_warnings(lf)
    return n, bad


@guarded
def run(args) -> int:
    warnings: list | None = None if getattr(args, "no_warnings", False) else []
    chapter = load_chapter_ref(args.chapter) if getattr(args, "chapter", None) else None
    notes: list = []
    n, bad = check_paths(args.paths, warnings, chapter, notes)
    for _, problems in bad:
        for problem in problems:
            print(problem)
    for w in warnings or []:
        print(w)
    for note in notes:
        print(f"{note.file}:{note.line}:{note.col}: note: {note.message}")
    if not args.quiet:
        n_bad = sum(1 for f, _ in bad if not f.is_dir())
        print(f"{n} file{'' if n == 1 else 's'} checked, {n_bad} with problems"
              + (f"; {len(bad) - n_bad} empty folder{'' if len(bad) - n_bad == 1 else 's'}"
                 if len(bad) > n_bad else "")
              + (f"; {len(warnings)} teaching warning{'' if len(warnings) == 1 else 's'}"
                 + (" (--strict: failing)" if args.strict else "") if warnings else "")
              + (f"; {len(notes)} note{'' if len(notes) == 1 else 's'}" if notes else ""))
    return 1 if bad or (warnings and getattr(args, "strict", False)) else 0
