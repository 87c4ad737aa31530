"""Many agents at once: wall time to train a group of agents (seeds) on one chapter,
in parallel threads (what `run --agents K` and the window do) against one after
another, and the speed-up. The compiled learner releases the GIL, so on 2 cores a
group of 4 should take about half the sequential time.

    python benchmarks/group_training.py [--chapter 1] [--agents 4] [--steps N] [--json]

Also checks that both ways give the same weights (they must: each agent depends on
its seed only).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("MESA_LAB_HOME", tempfile.mkdtemp(prefix="mesa-lab-bench-"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from game.chapters import find_chapter  # noqa: E402
from game.pipeline import ChapterPipeline  # noqa: E402
from levels.load import load  # noqa: E402


def timed(lf, agents: int, steps: int | None, threads: int):
    t0 = time.perf_counter()
    training = ChapterPipeline(lf, agents=agents, steps=steps, threads=threads).train()
    return time.perf_counter() - t0, [r.agent.params.tobytes() for r in training.agents]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chapter", default="1")
    ap.add_argument("--agents", type=int, default=4)
    ap.add_argument("--steps", type=int, default=None, help="steps per agent (default: the chapter's)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    lf = load(find_chapter(args.chapter))
    ChapterPipeline(lf, steps=2048).train()  # compile first
    threads = os.cpu_count() or 1
    seq, a = timed(lf, args.agents, args.steps, 1)
    par, b = timed(lf, args.agents, args.steps, threads)
    out = {"chapter": args.chapter, "agents": args.agents, "threads": threads,
           "sequential_seconds": round(seq, 3), "parallel_seconds": round(par, 3),
           "speedup": round(seq / max(par, 1e-9), 2), "same_weights": a == b}
    if args.json:
        print(json.dumps(out))
    else:
        print(f"chapter {out['chapter']}: {args.agents} agents, {seq:.2f} s one after another, "
              f"{par:.2f} s in {threads} threads (speed-up {out['speedup']}x); "
              f"same weights: {out['same_weights']}")
    return 0 if out["same_weights"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
