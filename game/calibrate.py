"""Calibration: play a chapter over many seeds and tally what the agent learned,
so an instructor knows the chapter shows its lesson reliably before a workshop.

Seeds run in parallel worker processes (one per core by default); each is a full
run of the chapter pipeline (game.pipeline) with one agent, deterministic from its
seed, so the tally is reproducible."""

from __future__ import annotations

import contextlib
import os
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from game.chapters import CHAPTER_DIR
from levels.model import LevelFile

# Reference solutions ship with the chapters (an installed wheel has no tests/ folder).
SOLUTIONS_DIR = CHAPTER_DIR / "solutions"


@dataclass
class SeedResult:
    seed: int
    label: str
    intended: float
    probes: dict[str, float]
    gaps: dict[str, float]
    train_seconds: float
    deploy_seconds: float
    train_success: float
    passed: bool
    # per deployment level: name, intended, probes, and a random policy's rates (chance)
    levels: list[dict] = field(default_factory=list)
    # the learning curve: steps, success and mean_return per training iteration
    curve: dict[str, list[float]] = field(default_factory=dict)

    # the upgraded agent (chapters with an [upgrade]): intended-goal rate, probe rates,
    # training seconds
    upgrade: dict | None = None

    def to_json(self) -> dict:
        r4 = lambda d: {k: round(v, 4) for k, v in d.items()}  # noqa: E731
        out = {"seed": self.seed, "label": self.label, "intended": round(self.intended, 4),
                "probes": r4(self.probes), "gaps": r4(self.gaps),
                "train_seconds": round(self.train_seconds, 3),
                "deploy_seconds": round(self.deploy_seconds, 3),
                "train_success": round(self.train_success, 4), "passed": self.passed,
                "levels": [{"name": lv["name"], "intended": round(lv["intended"], 4),
                            "probes": r4(lv["probes"]),
                            "chance_intended": round(lv["chance_intended"], 4),
                            "chance_probes": r4(lv["chance_probes"])} for lv in self.levels],
                "curve": {k: [round(x, 4) for x in v] for k, v in self.curve.items()}}
        if self.upgrade is not None:
            out["upgrade"] = self.upgrade
        return out


@dataclass
class Calibration:
    chapter: str
    design: str
    lesson: str
    seeds: list[SeedResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def labels(self) -> dict[str, int]:
        return dict(Counter(s.label for s in self.seeds))

    @property
    def lesson_seeds(self) -> int:
        return sum(s.label == self.lesson for s in self.seeds)

    @property
    def passed_seeds(self) -> int:
        return sum(s.passed for s in self.seeds)

    def mean(self, attr: str) -> float:
        vals = [getattr(s, attr) for s in self.seeds]
        return sum(vals) / len(vals) if vals else 0.0

    def probe_means(self) -> dict[str, float]:
        names = sorted({k for s in self.seeds for k in s.probes})
        return {k: sum(s.probes.get(k, 0.0) for s in self.seeds) / len(self.seeds) for k in names}

    def gap_means(self) -> dict[str, float]:
        names = sorted({k for s in self.seeds for k in s.gaps})
        return {k: sum(s.gaps.get(k, 0.0) for s in self.seeds) / len(self.seeds) for k in names}

    def to_json(self) -> dict:
        return {"chapter": self.chapter, "design": self.design, "lesson": self.lesson,
                "seeds": [s.to_json() for s in self.seeds], "labels": self.labels,
                "lesson_seeds": self.lesson_seeds, "passed_seeds": self.passed_seeds,
                "intended": round(self.mean("intended"), 4),
                "probes": {k: round(v, 4) for k, v in self.probe_means().items()},
                "gaps": {k: round(v, 4) for k, v in self.gap_means().items()},
                "median_train_seconds": round(_median([s.train_seconds for s in self.seeds]), 3),
                "seconds": round(self.seconds, 2)}


def _median(xs: list[float]) -> float:
    xs = sorted(xs)
    if not xs:
        return 0.0
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2


def run_seed(args) -> SeedResult:
    """One seed of a calibration, args = (chapter path, design path or None, seed,
    episodes) as `seed_work` makes them: a whole chapter run with one agent."""
    chapter_path, design_path, seed, episodes = args
    from game.designs import load_design
    from game.pipeline import ChapterPipeline
    from levels.load import load
    chapter = load(chapter_path)
    design = load_design(design_path, chapter) if design_path else None
    r = ChapterPipeline(chapter, design, seed=seed, episodes=episodes, counterfactuals=False).run()
    probes = {}
    for name in sorted({p for lv in r.report.levels for p in lv.probes}):
        probes[name] = r.report.probe_mean(name)
    chance = {lv.name: lv for lv in r.report.baseline or []}
    levels = []
    for lv in r.report.levels:
        base = chance.get(lv.name)
        levels.append({"name": lv.name, "intended": float(lv.intended),
                       "probes": {k: float(v) for k, v in sorted(lv.probes.items())},
                       "chance_intended": float(base.intended) if base else 0.0,
                       "chance_probes": {k: float(v) for k, v in sorted(base.probes.items())}
                       if base else {}})
    curve = {name: [float(x) for x in r.train.column(name)]
             for name in ("steps", "success", "mean_return")}
    upgrade = None
    if r.report.upgrade is not None:
        upgrade = {"intended": round(r.report.upgrade_intended, 4),
                   "probes": {k: round(r.report.probe_mean(k, r.report.upgrade), 4) for k in probes},
                   "train_seconds": round(r.seconds.get("upgrade", 0.0), 3)}
    return SeedResult(seed, r.diagnosis.label, r.report.intended, probes, dict(r.report.gaps),
                      r.seconds.get("train", 0.0), r.seconds.get("deploy", 0.0),
                      float(r.train.success), r.stars.passed, levels, curve, upgrade)


def _one_seed_json(args) -> str:
    """One seed as JSON text with floats in full precision: a cluster task's result
    (game.cluster), rebuilt exactly with SeedResult(**json.loads(text))."""
    import json
    from dataclasses import asdict
    return json.dumps(asdict(run_seed(args)))


def solution_path(chapter: LevelFile) -> Path | None:
    """The chapter's reference solution, levels/chapters/solutions/N.toml: shipped with the
    chapters so `calibrate --solution` works from an installed wheel; the game's menus
    and file lists do not show it to players."""
    if chapter.chapter is None or chapter.chapter.number is None:
        return None
    path = SOLUTIONS_DIR / f"{chapter.chapter.number}.toml"
    return path if path.exists() else None


def new_calibration(chapter_path, design_path=None) -> Calibration:
    """An empty tally for a chapter's starter design (lesson: the chapter's) or for a
    design under calibration (lesson: aligned, since it is meant to pass)."""
    from levels.load import load
    chapter = load(chapter_path)
    lesson = chapter.chapter.lesson if chapter.chapter and chapter.chapter.lesson else "aligned"
    if design_path is not None:
        lesson = "aligned"
    return Calibration(chapter.chapter.id if chapter.chapter else str(chapter_path),
                       str(design_path) if design_path else "starter", lesson)


def seed_work(chapter_path, design_path, seeds, episodes: int) -> list[tuple]:
    """`run_seed`'s arguments for each of `seeds` (picklable: worker processes take them)."""
    return [(str(chapter_path), str(design_path) if design_path else None, s, episodes)
            for s in seeds]


def calibrate(chapter_path, design_path=None, seeds: int = 10, start: int = 0,
              episodes: int = 100, jobs: int | None = None, progress=None,
              cluster: str | None = None, pool=None) -> Calibration:
    """Run the chapter over `seeds` seeds; `progress(done, total, SeedResult)`.
    With `cluster` (a Dask scheduler address) every seed is a task on that cluster.
    With `pool` (an executor from `worker_pool`) the seeds run on its workers, which
    stay up between calls: a fresh worker spends seconds loading the compiled learner
    before its first seed, which many short calibrations would pay again and again."""
    cal = new_calibration(chapter_path, design_path)
    work = seed_work(chapter_path, design_path, range(start, start + seeds), episodes)
    jobs = jobs or min(os.cpu_count() or 1, seeds)
    t0 = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if cluster:
            from game.cluster import map_json
            results = (SeedResult(**doc) for doc in map_json(cluster, _one_seed_json, work))
        elif pool is not None:
            results = pool.map(run_seed, work)
        elif jobs <= 1:
            results = map(run_seed, work)
        else:
            results = stack.enter_context(worker_pool(jobs)).map(run_seed, work)
        for i, r in enumerate(results, 1):
            cal.seeds.append(r)
            if progress:
                progress(i, seeds, r)
    cal.seconds = time.perf_counter() - t0
    return cal


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """Worker processes for `calibrate(pool=...)`; use it as a context manager. The
    workers keep the environment of the moment they start (the user folder too)."""
    return ProcessPoolExecutor(max_workers=jobs, initializer=_quiet_worker)


def _quiet_worker() -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _design_label(design: str) -> str:
    if design == "starter":
        return "starter design"
    root = Path(__file__).resolve().parent.parent
    try:
        return f"reference solution `{Path(design).resolve().relative_to(root)}`"
    except ValueError:
        return f"design `{design}`"


# levels/CALIBRATION.md ends with the variant tables of benchmarks/robustness.py, between
# these markers; rewriting the chapter tables keeps them.
VARIANTS_BEGIN, VARIANTS_END = "<!-- variants -->", "<!-- /variants -->"


def replace_variant_section(text: str, section: str) -> str:
    """`text` with its variant section replaced by `section` (appended if missing)."""
    block = f"{VARIANTS_BEGIN}\n{section.rstrip()}\n{VARIANTS_END}\n"
    if VARIANTS_BEGIN in text and VARIANTS_END in text:
        head, rest = text.split(VARIANTS_BEGIN, 1)
        return head + block + rest.split(VARIANTS_END, 1)[1].lstrip("\n")
    return text.rstrip("\n") + "\n\n" + block


def keep_variant_section(old: str, new: str) -> str:
    """`new` with the variant section of `old`, if it had one."""
    if VARIANTS_BEGIN not in old or VARIANTS_END not in old:
        return new
    section = old.split(VARIANTS_BEGIN, 1)[1].split(VARIANTS_END, 1)[0].strip("\n")
    return replace_variant_section(new, section)


def markdown(cals: list[Calibration]) -> str:
    """levels/CALIBRATION.md: every chapter's measured rates, a summary first."""
    lines = ["# Calibration", "",
             "Generated by `python main.py calibrate all --seeds 10 --markdown levels/CALIBRATION.md`",
             "(a fresh user folder, so the chapters' shipped pre-trained agents are used).",
             "Every run trains a real agent from its seed and deploys it for 100 sampled episodes",
             "per deployment level; nothing is scripted. Training times are per seed, after",
             "compile, on the 2-core development machine with two seeds running at once.", "",
             "| chapter | design | lesson | seeds showing it | seeds passing | intended goal | median train s |",
             "|---|---|---|---|---|---|---|"]
    for cal in cals:
        starter = cal.design == "starter"
        lines.append(f"| {cal.chapter} | {'starter' if starter else 'solution'} | "
                     f"{cal.lesson if starter else '-'} | "
                     f"{f'{cal.lesson_seeds}/{len(cal.seeds)}' if starter else '-'} | "
                     f"{cal.passed_seeds}/{len(cal.seeds)} | {100 * cal.mean('intended'):.0f}% | "
                     f"{_median([s.train_seconds for s in cal.seeds]):.2f} |")
    lines.append("")
    for cal in cals:
        lines.append(f"## {cal.chapter}: {_design_label(cal.design)}")
        lines.append("")
        labels = ", ".join(f"{k} {v}" for k, v in sorted(cal.labels.items()))
        lines.append(f"- seeds: {len(cal.seeds)}; labels: {labels}")
        if cal.design == "starter":
            lines.append(f"- lesson `{cal.lesson}` shown in {cal.lesson_seeds} of {len(cal.seeds)} seeds")
        lines.append(f"- passed deployment in {cal.passed_seeds} of {len(cal.seeds)} seeds")
        lines.append(f"- intended goal: {100 * cal.mean('intended'):.0f}% "
                     f"(per seed: {', '.join(f'{100 * s.intended:.0f}' for s in cal.seeds)})")
        for k, v in cal.probe_means().items():
            lines.append(f"- probe `{k}`: {100 * v:.0f}%")
        for k, v in cal.gap_means().items():
            per = ", ".join(f"{s.gaps.get(k, 0.0):+.2f}" for s in cal.seeds)
            lines.append(f"- gap `{k}`: {v:+.2f} (per seed: {per})")
        ups = [s.upgrade for s in cal.seeds if s.upgrade is not None]
        if ups:
            per = ", ".join(f"{100 * u['intended']:.0f}" for u in ups)
            lines.append(f"- upgraded agent: intended goal {100 * sum(u['intended'] for u in ups) / len(ups):.0f}% "
                         f"(per seed: {per})")
            for k in sorted(ups[0]["probes"]):
                per = ", ".join(f"{100 * u['probes'][k]:.0f}" for u in ups)
                lines.append(f"- upgraded agent: probe `{k}` (per seed: {per})")
            lines.append(f"- upgraded agent: median training time "
                         f"{_median([u['train_seconds'] for u in ups]):.2f} s")
        lines.append(f"- median training time: {_median([s.train_seconds for s in cal.seeds]):.2f} s; "
                     f"wall time for all seeds: {cal.seconds:.0f} s")
        lines.append("")
    return "\n".join(lines)
