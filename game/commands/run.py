"""`python main.py run CHAPTER`: play a chapter headless through the chapter
pipeline (game.pipeline). Train on a design (the chapter's starter design when none
is given), one agent or `--agents K` at once, deploy, diagnose and score. With
several agents the JSON adds `agents` (seed, label, intended, probes, train) and
`labels` (label -> count); with one agent it is what it always was."""

from __future__ import annotations

import argparse
import sys

from game.commands.common import CommandError, emit_json, guarded, load_chapter_ref


def add_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("chapter", metavar="CHAPTER",
                   help="a chapter file, its id, or its number in the campaign (e.g. 1)")
    p.add_argument("--design", metavar="FILE", help="a design file (default: the starter design)")
    p.add_argument("--seed", type=int, default=0, help="training and deployment seed (default 0)")
    p.add_argument("--episodes", type=int, default=100, help="deployment episodes per level")
    p.add_argument("--steps", type=int, help="training steps (default: the design's or chapter's)")
    p.add_argument("--predict", metavar="ID", help="your prediction's id, for the prediction star")
    p.add_argument("--agents", type=int, default=1, metavar="K",
                   help="train K agents (seeds SEED..SEED+K-1) at once and report the group (default 1)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _progress_bar(enabled: bool):
    """A rich progress bar on a terminal; nothing otherwise."""
    if not enabled:
        return None, None
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    bar = Progress(TextColumn("{task.description:<10}"), BarColumn(), TextColumn("{task.fields[info]}"),
                   TimeElapsedColumn(), transient=True)
    tasks: dict[str, int] = {}

    def report(sp) -> None:
        p = sp.training
        if p is None:
            return
        phase = sp.stage if sp.agent is None else f"{sp.stage} {sp.agent + 1}"
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=p.total_steps, info="")
        success = sp.goal if sp.goal is not None else p.success
        bar.update(tasks[phase], completed=p.steps,
                   info=f"success {100 * success:3.0f}%  {p.samples_per_second / 1000:5.0f}k samples/s")
    return bar, report


@guarded
def run(args) -> int:
    from game.deploy import policy_map
    from game.designs import load_design
    from game.report import deploy_lines, diagnosis_lines, group_lines, policy_lines
    from game.pipeline import ChapterPipeline
    from levels.errors import LevelFormatError
    chapter = load_chapter_ref(args.chapter)
    if chapter.chapter is None:
        raise CommandError(f"{args.chapter} has no [chapter] table: it is not a chapter")
    if not chapter.deploy:
        raise CommandError(f"{args.chapter} has no [[deploy]] levels")
    if args.agents < 1:
        raise CommandError("--agents must be at least 1")
    design = None
    if args.design:
        try:
            design = load_design(args.design, chapter)
        except LevelFormatError as exc:
            for p in exc.problems:
                print(p, file=sys.stderr)
            raise CommandError(f"{args.design} is not a valid design for this chapter") from None
        except OSError as exc:
            raise CommandError(f"cannot read {args.design}: {exc.strerror}") from None
    bar, progress = _progress_bar(sys.stdout.isatty() and not args.json)
    if bar is not None:
        bar.start()
    try:
        pipeline = ChapterPipeline(chapter, design, seed=args.seed, agents=args.agents,
                                   episodes=args.episodes, steps=args.steps)
        result = pipeline.run(progress, prediction=args.predict)
    finally:
        if bar is not None:
            bar.stop()
    if args.json:
        emit_json(result.to_json())
        return 0
    ch = chapter.chapter
    t = result.train
    print(f"{ch.title}" + (f" (chapter {ch.number})" if ch.number is not None else ""))
    print(f"design: {args.design or 'the starter design'}; seed {args.seed}")
    n = len(result.agents)
    what = (f"trained {t.steps:,} steps in {t.seconds:.1f} s; training success {100 * t.success:.0f}%"
            if n == 1 else f"trained {n} agents, {t.steps:,} steps each, in "
            f"{result.seconds.get('train', 0.0):.1f} s")
    print(what + ("; started from the chapter's pre-trained agent" if result.pretrained else ""))
    if result.control is not None:
        print(f"control agent trained too (success {100 * result.control.success:.0f}%)")
    print()
    if len(result.agents) > 1:
        print("\n".join(group_lines(result)))
        print()
        print(f"agent 1 (seed {args.seed}) on the deployment levels:")
    print("\n".join(deploy_lines(result.report)))
    print()
    print("\n".join(diagnosis_lines(result.diagnosis)))
    for run in result.agents:
        if run.why:
            print()
            print(f"why agent {run.index + 1} (seed {run.seed}) fell short:"
                  if len(result.agents) > 1 else "why it fell short:")
            print("\n".join("  " + line for line in run.why))
    stars = result.stars
    print()
    print("stars: " + ", ".join(f"{'*' if getattr(stars, n) else '-'} {n}"
                                for n in ("passed", "budget", "prediction")))
    level = _revealing_level(result)
    pm = policy_map(result.train.agent, result.lf, level.name, seed=args.seed)
    print()
    print("\n".join(policy_lines(pm, level.rows)))
    return 0


def _revealing_level(result):
    """The deployment level where the agent did worst on the intended goal."""
    worst = min(result.report.levels, key=lambda r: r.intended)
    return result.lf.level(worst.name)
