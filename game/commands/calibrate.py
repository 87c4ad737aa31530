"""`python main.py calibrate CHAPTER`: run a chapter over many seeds and tally the
diagnoses, so an instructor knows it shows its lesson reliably. `all` calibrates
every campaign chapter's starter design and reference solution."""

from __future__ import annotations

import argparse
import sys

from game.commands.common import CommandError, emit_json, guarded


def add_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("chapter", metavar="CHAPTER",
                   help="a chapter file, id or number; or 'all' for the whole campaign")
    p.add_argument("--seeds", type=int, default=10, help="number of seeds (default 10)")
    p.add_argument("--start", type=int, default=0, help="first seed (default 0)")
    p.add_argument("--design", metavar="FILE", help="calibrate this design instead of the starter")
    p.add_argument("--solution", action="store_true",
                   help="calibrate the chapter's reference solution (levels/chapters/solutions/N.toml)")
    p.add_argument("--episodes", type=int, default=100, help="deployment episodes per level")
    p.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
    p.add_argument("--cluster", metavar="ADDRESS",
                   help="run every seed as a task on a Dask cluster, e.g. tcp://host:8786 "
                        "(needs the 'cluster' extra)")
    p.add_argument("--report", metavar="DIR",
                   help="write DIR/index.md with PNG plots (needs the 'report' extra)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--markdown", metavar="FILE",
                   help="also write the results as Markdown (e.g. levels/CALIBRATION.md)")


def _bar(enabled: bool, total: int, title: str):
    if not enabled:
        return None, None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )
    bar = Progress(TextColumn(title), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[info]}"), TimeElapsedColumn(), transient=True)
    task = bar.add_task(title, total=total, info="")

    def report(done, total, r):
        bar.update(task, completed=done, info=f"seed {r.seed}: {r.label}")
    return bar, report


def _print(cal) -> None:
    print(f"{cal.chapter} ({cal.design}): lesson '{cal.lesson}'")
    print(f"{'seed':>4} {'label':<20} {'intended':>8} {'train s':>8}  probes / gaps")
    for s in cal.seeds:
        extra = ", ".join([f"{k} {100 * v:.0f}%" for k, v in s.probes.items()]
                          + [f"{k} {v:+.2f}" for k, v in s.gaps.items()])
        if s.upgrade is not None:
            extra += "; upgraded agent: intended " + f"{100 * s.upgrade['intended']:.0f}%" + "".join(
                f", {k} {100 * v:.0f}%" for k, v in s.upgrade["probes"].items())
        print(f"{s.seed:>4} {s.label:<20} {100 * s.intended:7.0f}% {s.train_seconds:8.2f}  {extra}")
    labels = ", ".join(f"{k}: {v}" for k, v in sorted(cal.labels.items()))
    print(f"labels: {labels}")
    print(f"lesson shown in {cal.lesson_seeds}/{len(cal.seeds)} seeds; passed deployment in "
          f"{cal.passed_seeds}/{len(cal.seeds)}; wall time {cal.seconds:.1f} s")
    print()


@guarded
def run(args) -> int:
    from game.calibrate import calibrate, markdown, solution_path
    from game.chapters import ChapterNotFound, campaign, find_chapter
    from game.cluster import ClusterError
    from levels.load import load
    if args.seeds < 1:
        raise CommandError("--seeds must be at least 1")
    jobs: list[tuple[str, str | None]] = []
    if args.chapter == "all":
        for entry in campaign():
            if entry.error:
                raise CommandError(f"{entry.path} does not load:\n{entry.error}")
            jobs.append((str(entry.path), None))
            sol = solution_path(load(entry.path))
            if sol is not None:
                jobs.append((str(entry.path), str(sol)))
    else:
        try:
            path = find_chapter(args.chapter)
        except ChapterNotFound as exc:
            raise CommandError(str(exc)) from None
        design = args.design
        if args.solution:
            sol = solution_path(load(path))
            if sol is None:
                raise CommandError(f"{path} has no reference solution in levels/chapters/solutions/")
            design = str(sol)
        jobs.append((str(path), design))
    cals = []
    for chapter_path, design in jobs:
        title = f"{chapter_path} ({'solution' if design else 'starter'})"
        bar, progress = _bar(sys.stdout.isatty() and not args.json, args.seeds, title)
        if bar:
            bar.start()
        try:
            cal = calibrate(chapter_path, design, seeds=args.seeds, start=args.start,
                            episodes=args.episodes, jobs=args.jobs, progress=progress,
                            cluster=args.cluster)
        except ClusterError as exc:
            raise CommandError(str(exc)) from None
        finally:
            if bar:
                bar.stop()
        cals.append(cal)
        if not args.json:
            _print(cal)
    if args.markdown:
        from pathlib import Path

        from game.calibrate import keep_variant_section
        from levels.atomic import atomic_write_text
        path = Path(args.markdown)
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        atomic_write_text(path, keep_variant_section(old, markdown(cals)))
    if args.report:
        from game.reports import ReportError, write_calibration_report
        try:
            index = write_calibration_report(cals, args.report)
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        if not args.json:
            print(f"report written to {index}")
    if args.json:
        emit_json(cals[0].to_json() if len(cals) == 1 else {"chapters": [c.to_json() for c in cals]})
    return 0
