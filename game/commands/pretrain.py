"""`python main.py pretrain CHAPTER`: train a chapter's pre-trained agent (the one
the sleeper chapter starts from) and store it with the chapter, so players never
wait for pre-training. The file name carries the code version: after a change to
the learner or the rules, run this again (a test checks the shipped file is
exactly what this command produces)."""

from __future__ import annotations

import argparse
from pathlib import Path

from game.commands.common import CommandError, guarded, load_chapter_ref


def add_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("chapter", metavar="CHAPTER", help="a chapter file, id or number")


@guarded
def run(args) -> int:
    from agents.files import save_agent
    from game.pretrained import SHIPPED_DIR, shipped_pretrained_path, train_pretrained
    lf = load_chapter_ref(args.chapter)
    if not lf.pretrain:
        raise CommandError(f"{args.chapter} has no [[pretrain]] levels")
    path = shipped_pretrained_path(lf)
    result = train_pretrained(lf)
    # the shipped file names its chapter relative to the project, not the folder it was made in
    root = SHIPPED_DIR.parent.parent.parent
    try:
        result.agent.meta["level_file"] = str(Path(lf.path).resolve().relative_to(root))
    except ValueError:
        pass
    for old in SHIPPED_DIR.glob(f"{lf.chapter.id}-pretrained-*.npz"):
        if old != path:
            old.unlink()  # a stale version: the game would never load it again
    save_agent(result.agent, path)
    print(f"pre-trained {result.steps:,} steps in {result.seconds:.1f} s "
          f"(training success {100 * result.success:.0f}%): {path}")
    return 0
