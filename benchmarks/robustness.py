"""Robustness of the lessons on designs nobody tuned: calibrate every variant design in
tests/variants/N/ over seeds and tally, per chapter and in total, how often a naive
design shows the chapter's lesson and how often a correct fix passes.

Each variant file says what it should get in a comment line:

    # expect: lesson   a naive design: the chapter's lesson (its `lesson` label)
    # expect: pass     a correct fix (or a chapter-0 design): passes deployment

Every variant is one `game.calibrate.calibrate` call (the public calibration API, so a
new pipeline behind it changes nothing here), one seed after another in a worker; the
variants are shared out over `--jobs` worker processes (default 2). Figures are shares
of seed runs:

    naive_lesson_rate        naive seed runs labelled with the chapter's lesson
    fix_pass_rate            fix seed runs that passed deployment
    capability_failure_rate  all seed runs labelled capability-failure

    python benchmarks/robustness.py                       # all chapters, 10 seeds
    python benchmarks/robustness.py --chapters 3 4 --seeds 5
    python benchmarks/robustness.py --json > robustness.json
    python benchmarks/robustness.py --markdown levels/CALIBRATION.md   # its variant section

With --markdown, the variants this run did not calibrate keep their rows in that file,
so one chapter (or one design) can be re-run and the tables stay whole.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

VARIANTS_DIR = ROOT / "tests" / "variants"
_EXPECT = re.compile(r"^#\s*expect:\s*(lesson|pass)\b(.*)$", re.M)
# a seed run "meets" its variant's expectation: naive -> the lesson label, fix -> passed
TARGET_SHARE = 0.9          # each variant meets its expectation in >= 9 of 10 seeds
MAX_CAPABILITY_SHARE = 0.1  # ... and is a capability failure in <= 1 of 10


@dataclass(frozen=True)
class Variant:
    chapter: int
    path: Path
    expect: str   # "lesson" or "pass"
    why: str

    @property
    def name(self) -> str:
        return self.path.stem


def read_expect(path: Path) -> tuple[str, str]:
    """The `# expect:` comment of a variant file: ("lesson" | "pass", why)."""
    m = _EXPECT.search(path.read_text(encoding="utf-8"))
    if m is None:
        raise ValueError(f"{path}: no '# expect: lesson' or '# expect: pass' comment")
    return m.group(1), m.group(2).strip(" -:")


def variants(chapters: list[int] | None = None, folder: Path = VARIANTS_DIR) -> list[Variant]:
    out = []
    for d in sorted(p for p in folder.iterdir() if p.is_dir() and p.name.isdigit()):
        n = int(d.name)
        if chapters is not None and n not in chapters:
            continue
        for f in sorted(d.glob("*.toml")):
            expect, why = read_expect(f)
            out.append(Variant(n, f, expect, why))
    return out


def chapter_path(number: int, learner: dict | None = None) -> Path:
    """The chapter's file; with `learner` overrides, a temporary copy whose [agent]
    table sets them (to measure the learner with other settings, e.g. the old ones)."""
    from game.chapters import find_chapter
    path = find_chapter(str(number))
    if not learner:
        return path
    import tempfile
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("[agent]") + 1
    end = next((i for i in range(at, len(lines)) if lines[i].startswith("[")), len(lines))
    # A key the chapter already sets is replaced (TOML refuses a key set twice)
    kept = [line for line in lines[at:end] if line.split("=")[0].strip() not in learner]
    lines[at:end] = [f"{k} = {v}" for k, v in learner.items()] + kept
    folder = Path(tempfile.mkdtemp(prefix="mesa-robustness-"))
    copy = folder / path.name
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return copy


def _calibrate_one(args) -> dict:
    chapter, design, seeds, start, episodes = args
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from game.calibrate import calibrate
    from levels.load import load
    cal = calibrate(chapter, design, seeds=seeds, start=start, episodes=episodes, jobs=1)
    lf = load(chapter)
    lesson = lf.chapter.lesson if lf.chapter and lf.chapter.lesson else "aligned"
    return {"lesson": lesson, "labels": [s.label for s in cal.seeds],
            "passed": [bool(s.passed) for s in cal.seeds],
            "intended": [round(s.intended, 4) for s in cal.seeds],
            "train_success": [round(s.train_success, 4) for s in cal.seeds],
            "train_seconds": [round(s.train_seconds, 3) for s in cal.seeds]}


def run(vs: list[Variant], seeds: int = 10, start: int = 0, episodes: int = 100,
        jobs: int = 2, progress=None, learner: dict | None = None) -> dict:
    """Calibrate every variant; the figures per variant, per chapter and in total."""
    chapters = {n: str(chapter_path(n, learner)) for n in sorted({v.chapter for v in vs})}
    work = {i: (chapters[v.chapter], str(v.path), seeds, start, episodes)
            for i, v in enumerate(vs)}
    results: dict[int, dict] = {}
    t0 = time.perf_counter()
    if jobs <= 1:
        for i, w in work.items():
            results[i] = _calibrate_one(w)
            if progress:
                progress(vs[i], results[i])
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futs = {pool.submit(_calibrate_one, w): i for i, w in work.items()}
            for f in as_completed(futs):
                i = futs[f]
                results[i] = f.result()
                if progress:
                    progress(vs[i], results[i])
    rows = []
    for i, v in enumerate(vs):
        r = results[i]
        met = [(lab == r["lesson"]) if v.expect == "lesson" else ok
               for lab, ok in zip(r["labels"], r["passed"])]
        rows.append({"chapter": v.chapter, "variant": v.name,
                     "file": str(v.path.relative_to(ROOT)) if v.path.is_relative_to(ROOT) else str(v.path),
                     "expect": v.expect, "why": v.why, "lesson": r["lesson"], "seeds": len(met),
                     "met": sum(met), "labels": dict(sorted(Counter(r["labels"]).items())),
                     "passed": sum(r["passed"]),
                     "capability_failures": r["labels"].count("capability-failure"),
                     "intended": round(sum(r["intended"]) / max(len(met), 1), 4),
                     "train_success": round(sum(r["train_success"]) / max(len(met), 1), 4),
                     "per_seed": [{"seed": start + k, "label": lab, "passed": ok, "intended": it,
                                   "train_success": ts, "train_seconds": tsec}
                                  for k, (lab, ok, it, ts, tsec) in enumerate(zip(
                                      r["labels"], r["passed"], r["intended"],
                                      r["train_success"], r["train_seconds"]))]})
    chapters = {}
    for n in sorted({v.chapter for v in vs}):
        chapters[str(n)] = summary([r for r in rows if r["chapter"] == n])
    return {"seeds": seeds, "start": start, "episodes": episodes,
            "chapters": chapters, "total": summary(rows), "variants": rows,
            "seconds": round(time.perf_counter() - t0, 1)}


def summary(rows: list[dict]) -> dict:
    naive = [r for r in rows if r["expect"] == "lesson"]
    fix = [r for r in rows if r["expect"] == "pass"]

    def share(num, den):
        return round(num / den, 4) if den else None
    runs = sum(r["seeds"] for r in rows)
    return {
        "naive_variants": len(naive),
        "naive_lesson_rate": share(sum(r["met"] for r in naive), sum(r["seeds"] for r in naive)),
        "fix_variants": len(fix),
        "fix_pass_rate": share(sum(r["met"] for r in fix), sum(r["seeds"] for r in fix)),
        "capability_failure_rate": share(sum(r["capability_failures"] for r in rows), runs),
        "variants_on_target": sum(on_target(r) for r in rows),
        "variants": len(rows),
    }


def on_target(row: dict) -> bool:
    n = max(row["seeds"], 1)
    return row["met"] / n >= TARGET_SHARE and row["capability_failures"] / n <= MAX_CAPABILITY_SHARE


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def text(out: dict) -> str:
    lines = [f"robustness over {out['seeds']} seeds per variant (from seed {out['start']}), "
             f"{out['seconds']:.0f} s", ""]
    hdr = (f"{'chapter':>7} {'naive':>5} {'lesson':>7} {'fix':>4} {'pass':>6} "
           f"{'cap.fail':>8} {'on target':>9}")
    lines.append(hdr)
    for n, s in list(out["chapters"].items()) + [("total", out["total"])]:
        lines.append(f"{n:>7} {s['naive_variants']:>5} {_pct(s['naive_lesson_rate']):>7} "
                     f"{s['fix_variants']:>4} {_pct(s['fix_pass_rate']):>6} "
                     f"{_pct(s['capability_failure_rate']):>8} "
                     f"{s['variants_on_target']:>4}/{s['variants']}")
    lines.append("")
    for r in out["variants"]:
        labels = ", ".join(f"{k} {v}" for k, v in r["labels"].items())
        mark = "ok " if on_target(r) else "MISS"
        lines.append(f"{mark} ch{r['chapter']} {r['variant']:<34} expect {r['expect']:<6} "
                     f"{r['met']:>2}/{r['seeds']}  intended {100 * r['intended']:3.0f}%  "
                     f"train {100 * r['train_success']:3.0f}%  [{labels}]")
    return "\n".join(lines)


def markdown(out: dict) -> str:
    """A per-chapter variant table for levels/CALIBRATION.md."""
    lines = ["## Variant designs", "",
             "Generated by `python benchmarks/robustness.py --markdown levels/CALIBRATION.md`",
             "(this section only; `calibrate --markdown` keeps it).",
             "Designs a fellow would plausibly make (tests/variants/N/), written before any",
             "tuning: naive ones should show the chapter's lesson, correct fixes should pass.",
             "Each variant is calibrated over the seeds shown in its `met` column (real training,",
             f"{out['episodes']} deployment episodes per level; shares are of seed runs). Target:",
             "each variant meets its expectation in at least 9 of 10 seeds and is a capability",
             "failure in at most 1.", "",
             "| chapter | naive variants | naive lesson rate | fix variants | fix pass rate | capability failures |",
             "|---|---|---|---|---|---|"]
    for n, s in list(out["chapters"].items()) + [("total", out["total"])]:
        lines.append(f"| {n} | {s['naive_variants']} | {_pct(s['naive_lesson_rate'])} | "
                     f"{s['fix_variants']} | {_pct(s['fix_pass_rate'])} | "
                     f"{_pct(s['capability_failure_rate'])} |")
    for n in out["chapters"]:
        lines += ["", f"### Chapter {n}", "",
                  "| variant | expect | met | labels | intended goal | training success |",
                  "|---|---|---|---|---|---|"]
        for r in out["variants"]:
            if str(r["chapter"]) != n:
                continue
            labels = ", ".join(f"{k} {v}" for k, v in r["labels"].items())
            exp = f"lesson ({r['lesson']})" if r["expect"] == "lesson" else "pass"
            met = f"{r['met']}/{r['seeds']}" + ("" if on_target(r) else " (below target)")
            lines.append(f"| `{r['variant']}` | {exp} | {met} | {labels} | "
                         f"{100 * r['intended']:.0f}% | {100 * r['train_success']:.0f}% |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chapters", type=int, nargs="*", help="chapter numbers (default: all)")
    ap.add_argument("--variants", nargs="*", help="only variants whose file name contains one of these")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--episodes", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--markdown", metavar="FILE",
                    help="also write the per-chapter tables (variants not run keep their rows)")
    ap.add_argument("--learner", metavar="KEY=VALUE", nargs="+", default=[],
                    help="learner settings for every chapter (e.g. entropy_start=0.01: the "
                         "learner before issue 12)")
    ap.add_argument("--load", metavar="JSON", nargs="+",
                    help="no runs: merge saved --json outputs and print or write their figures")
    args = ap.parse_args(argv)
    if args.load:
        out = merge([json.loads(Path(f).read_text(encoding="utf-8")) for f in args.load])
        return _emit(out, args)
    vs = variants(args.chapters)
    if args.variants:
        vs = [v for v in vs if any(s in v.name for s in args.variants)]
    if not vs:
        print("no variants found", file=sys.stderr)
        return 2

    def progress(v, r):  # on stderr, so --json output stays one object
        print(f"  ch{v.chapter} {v.name}: {dict(Counter(r['labels']))}", file=sys.stderr, flush=True)
    learner = dict(kv.split("=", 1) for kv in args.learner)
    out = run(vs, args.seeds, args.start, args.episodes, args.jobs, progress, learner)
    out["learner"] = learner
    return _emit(out, args)


def merge(outs: list[dict]) -> dict:
    """One result from several --json outputs: chapters run apart, or the same variants
    over more seeds (`--start 5` after seeds 0-4: their seed runs are pooled)."""
    pooled: dict[tuple, dict] = {}
    for o in outs:
        for r in o["variants"]:
            key = (r["chapter"], r["variant"])
            if key not in pooled:
                pooled[key] = json.loads(json.dumps(r))
                continue
            p = pooled[key]
            p["per_seed"] += r["per_seed"]
            for k in ("seeds", "met", "passed", "capability_failures"):
                p[k] += r[k]
            p["labels"] = dict(sorted(Counter(s["label"] for s in p["per_seed"]).items()))
            for k in ("intended", "train_success"):
                p[k] = round(sum(s[k] for s in p["per_seed"]) / len(p["per_seed"]), 4)
    rows = [pooled[k] for k in sorted(pooled)]
    chapters = {str(n): summary([r for r in rows if r["chapter"] == n])
                for n in sorted({r["chapter"] for r in rows})}
    seeds = sorted({r["seeds"] for r in rows})
    return {"seeds": seeds[0] if len(seeds) == 1 else seeds, "start": min(o["start"] for o in outs),
            "episodes": outs[0]["episodes"], "chapters": chapters, "total": summary(rows),
            "variants": rows, "seconds": sum(o["seconds"] for o in outs)}


# One variant row of markdown(): name, expectation (with the lesson), met/seeds, labels,
# intended goal, training success.
_ROW = re.compile(r"^\| `(\w+)` \| (?:lesson \((.+?)\)|pass) \| (\d+)/(\d+)[^|]* \| ([^|]*) \| "
                  r"(\d+)% \| (\d+)% \|$")


def rows_from_markdown(text: str) -> list[dict]:
    """The variant rows that markdown() wrote, read back (without their per-seed runs),
    so a run of some variants can rewrite the tables and keep every other row."""
    rows, chapter = [], None
    for line in text.splitlines():
        if m := re.match(r"### Chapter (\d+)$", line):
            chapter = int(m.group(1))
        elif (m := _ROW.match(line)) and chapter is not None:
            name, lesson, met, seeds, labels, intended, success = m.groups()
            counts = {k: int(n) for k, n in (p.rsplit(" ", 1) for p in labels.strip().split(", ") if p)}
            rows.append({"chapter": chapter, "variant": name,
                         "expect": "lesson" if lesson else "pass", "lesson": lesson,
                         "seeds": int(seeds), "met": int(met), "labels": counts,
                         "capability_failures": counts.get("capability-failure", 0),
                         "intended": int(intended) / 100, "train_success": int(success) / 100,
                         "per_seed": []})
    return rows


def with_kept_rows(out: dict, old_markdown: str) -> dict:
    """out, plus the rows of old_markdown's variants that out did not run."""
    ran = {(r["chapter"], r["variant"]) for r in out["variants"]}
    kept = [r for r in rows_from_markdown(old_markdown) if (r["chapter"], r["variant"]) not in ran]
    return merge([{"variants": kept, "start": out["start"], "episodes": out["episodes"],
                   "seconds": 0}, out])


def _emit(out: dict, args) -> int:
    if args.markdown:  # the variant section of that file (levels/CALIBRATION.md)
        from game.calibrate import replace_variant_section
        from levels.atomic import atomic_write_text
        path = Path(args.markdown)
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        # variants this run did not calibrate keep their rows
        atomic_write_text(path, replace_variant_section(old, markdown(with_kept_rows(out, old))))
    print(json.dumps(out, indent=1) if args.json else text(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
