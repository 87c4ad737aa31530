"""Report folders: `DIR/index.md` with PNG plots beside it, for a calibration
(`calibrate --report DIR`) and for a class's results (`summary --report DIR`).
The figures come from `game.plots`; this module lays them out in Markdown."""

from __future__ import annotations

import re
from pathlib import Path

from levels.atomic import atomic_write_text


class ReportError(RuntimeError):
    """The report cannot be written (matplotlib missing, folder not writable)."""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _plots():
    from game import plots
    try:
        plots._pyplot()
    except plots.PlotsUnavailable as exc:
        raise ReportError(str(exc)) from None
    return plots


def _folder(folder) -> Path:
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create {folder}: {exc}") from None
    return folder


def _img(lines: list[str], path: Path | None, folder: Path, alt: str) -> None:
    if path is not None:
        lines += [f"![{alt}]({path.relative_to(folder).as_posix()})", ""]


def write_calibration_report(cals, folder) -> Path:
    """index.md and four plots per calibration (labels per seed, rates per level
    with the random baseline, gaps, learning curves). Returns the index path."""
    from game.calibrate import markdown
    plots, folder = _plots(), _folder(folder)
    lines = ["# Calibration report", ""]
    for cal in cals:
        seeds = [s.to_json() for s in cal.seeds]
        name = _slug(f"{cal.chapter}-{'starter' if cal.design == 'starter' else 'design'}")
        lines += [f"## {cal.chapter} ({cal.design})", ""]
        lines += [f"Lesson `{cal.lesson}` shown in {cal.lesson_seeds} of {len(seeds)} seeds; "
                  f"passed deployment in {cal.passed_seeds} of {len(seeds)}.", ""]
        _img(lines, plots.labels_per_seed(seeds, folder / f"{name}-labels.png",
                                          f"{cal.chapter}: diagnosis per seed"), folder,
             "diagnosis per seed")
        _img(lines, plots.rates_per_level(seeds, folder / f"{name}-rates.png",
                                          f"{cal.chapter}: rates per deployment level"), folder,
             "intended goal and probes per deployment level, with a random policy")
        gap_png = plots.gaps(seeds, folder / f"{name}-gaps.png", f"{cal.chapter}: gaps")
        _img(lines, gap_png, folder, "gaps per seed")
        if gap_png is None:
            lines += ["(This chapter defines no gaps.)", ""]
        _img(lines, plots.learning_curves(seeds, folder / f"{name}-curves.png",
                                          f"{cal.chapter}: learning curves"), folder,
             "learning curves of every seed")
    # the tables of levels/CALIBRATION.md, without its title and how-it-was-made note
    body = markdown(cals)
    body = body[body.index("| chapter"):]
    lines += ["## Tables", "", *body.replace("\n## ", "\n### ").splitlines()]
    index = folder / "index.md"
    atomic_write_text(index, "\n".join(lines).rstrip() + "\n")
    return index


def summary_markdown(gathered, summaries) -> list[str]:
    from game.summary import notes, table_rows
    rows = table_rows(summaries)
    lines = ["# Class summary", "",
             f"{len(gathered.results)} results, {len(gathered.duplicates)} duplicates and "
             f"{len(gathered.damaged)} damaged files set aside.", "",
             "| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    lines.append("")
    for s in summaries:
        lines += [f"## {s.chapter}", ""]
        lines.append("- labels: " + ", ".join(f"{k} {v}" for k, v in s.labels.items()))
        if s.lesson:
            lines.append(f"- saw the lesson ({s.lesson}): {', '.join(s.found_lesson) or 'nobody'}")
        lines.append(f"- passed: {', '.join(s.passed) or 'nobody'}")
        for h, n, who in s.passing_designs:
            lines.append(f"- passing design `{h}`: {n} attempt{'s' if n != 1 else ''} "
                         f"({', '.join(who)})")
        lines.append("")
    extra = notes(gathered)
    if extra:
        lines += ["## Set aside", "", *[f"- {n}" for n in extra], ""]
    return lines


def write_summary_report(gathered, summaries, folder) -> Path:
    plots, folder = _plots(), _folder(folder)
    docs = [s.to_json() for s in summaries]
    lines = summary_markdown(gathered, summaries)
    figs: list[str] = []
    if docs:
        _img(figs, plots.class_overview(docs, folder / "class.png"), folder, "the class per chapter")
        _img(figs, plots.minutes_to_pass(docs, folder / "minutes-to-pass.png"), folder,
             "time to pass")
        for d in docs:
            _img(figs, plots.predictions_vs_outcomes(d, folder / f"{_slug(d['chapter'])}-predictions.png"),
                 folder, f"{d['chapter']}: predictions against outcomes")
    lines[4:4] = figs  # plots right after the one-line count, before the table
    index = folder / "index.md"
    atomic_write_text(index, "\n".join(lines).rstrip() + "\n")
    return index
