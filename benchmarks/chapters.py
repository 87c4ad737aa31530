"""Per-chapter speed: training seconds (median over seeds, after the first compile)
and deployment seconds, for every campaign chapter's starter design.

    python benchmarks/chapters.py [--seeds 3] [--json]

Target (2 cores): every chapter trains in under 5 s median and deploys in under 1 s.
Training here is the player's training (for the sleeper chapter the pre-trained agent
comes from the cache, as in the game after its first run); the chapter with a
control agent trains it too, and that time is reported separately.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("MESA_LAB_HOME", tempfile.mkdtemp(prefix="mesa-lab-bench-"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from game.chapters import campaign  # noqa: E402
from game.pipeline import ChapterPipeline  # noqa: E402
from levels.load import load  # noqa: E402


def measure(entry, seeds: int) -> dict:
    lf = load(entry.path)
    ChapterPipeline(lf, seed=1000, episodes=10, counterfactuals=False).run()  # compile and warm caches
    train, deploy, control = [], [], []
    for seed in range(seeds):
        r = ChapterPipeline(lf, seed=seed, episodes=100).run()
        train.append(r.seconds["train"])
        deploy.append(r.seconds["deploy"])
        if "control" in r.seconds:
            control.append(r.seconds["control"])
    out = {"chapter": entry.id, "number": entry.number,
           "train_seconds_median": round(statistics.median(train), 3),
           "deploy_seconds_median": round(statistics.median(deploy), 3),
           "train_steps": lf.agent.steps}
    if control:
        out["control_seconds_median"] = round(statistics.median(control), 3)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = [measure(e, args.seeds) for e in campaign() if e.error is None]
    if args.json:
        print(json.dumps({"seeds": args.seeds, "chapters": rows}))
        return 0
    print(f"{'chapter':<28} {'steps':>8} {'train s':>8} {'deploy s':>9} {'control s':>10}")
    for r in rows:
        control = f"{r['control_seconds_median']:.2f}" if "control_seconds_median" in r else "-"
        print(f"{str(r['number']) + ' ' + r['chapter']:<28} {r['train_steps']:>8} "
              f"{r['train_seconds_median']:>8.2f} {r['deploy_seconds_median']:>9.2f} {control:>10}")
    print(f"(median over {args.seeds} seeds each, after compile; deployment: 100 sampled "
          f"episodes per level, with counterfactual variants and the random baseline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
