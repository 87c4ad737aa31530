"""Training speed of this checkout against another one (for example the previous
commit in a second worktree), measured side by side in one run.

    git worktree add /tmp/prev HEAD~1
    python benchmarks/versus.py --against /tmp/prev [--rounds 5] [--steps 100000] [--json]
    python benchmarks/versus.py --against /tmp/prev --chapters 3 4 6

Each round trains every reference level once with each checkout (with --chapters, each
named campaign chapter's starter design for its own budget instead), in fresh processes,
alternating which goes first, so both see the same machine load. Reported per
checkout: the median over rounds and levels of samples per second (wall) and per CPU
second of the training process (the fairer figure on a shared machine), with the
numba cache of each checkout warmed first (compile time is not counted), and the
median over back-to-back pairs of this checkout's speed over the other's (`speed_ratio`:
this machine's speed drifts between rounds, and a pair shares its moment).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEVELS = ("coin_anywhere_9x9", "coin_at_end", "coin_random")

ONE_RUN = """
import os, sys, time
for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "1")
sys.path.insert(0, {root!r})
from agents.train import train_file
try:
    from levels.load import load
except ImportError:  # a checkout from before the format was split
    from levels.format import load
lf = load({path!r})
train_file(lf, seed=0, steps=2048)  # compiled and loaded before the clock starts
c0, t0 = time.process_time(), time.perf_counter()
r = train_file(lf, seed={seed}, steps={steps})  # steps None: the file's own budget
print(r.steps / (time.perf_counter() - t0), r.steps / (time.process_time() - c0))
"""


def level_path(root: Path, level: str) -> Path:
    """A reference level by name, or a campaign chapter by number (its starter design)."""
    if level.isdigit():
        return next((root / "levels" / "chapters").glob(f"{int(level):02d}_*.toml"))
    return root / "agents" / "reference_levels" / f"{level}.toml"


def one(root: Path, level: str, seed: int, steps: int | None) -> tuple[float, float]:
    code = ONE_RUN.format(root=str(root), path=str(level_path(root, level)), seed=seed, steps=steps)
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                         timeout=900, env=dict(os.environ, PYTHONPATH=str(root)))
    if out.returncode != 0:
        raise RuntimeError(f"{root}: {out.stderr[-2000:]}")
    wall, cpu = out.stdout.split()[-2:]
    return float(wall), float(cpu)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", required=True, type=Path, help="the other checkout's folder")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=100_000)
    ap.add_argument("--chapters", nargs="+", metavar="N",
                    help="train these campaign chapters' starter designs, each for its own budget")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    levels = args.chapters or LEVELS
    steps = None if args.chapters else args.steps
    roots = {"this": ROOT, "other": args.against.resolve()}
    for root in roots.values():  # warm each checkout's numba cache
        one(root, levels[0], 0, 2048)
    figures = {name: {"wall": [], "cpu": []} for name in roots}
    for r in range(args.rounds):
        order = list(roots) if r % 2 == 0 else list(reversed(roots))
        for level in levels:
            for name in order:
                wall, cpu = one(roots[name], level, r, steps)
                figures[name]["wall"].append(wall)
                figures[name]["cpu"].append(cpu)
    result = {name: {"samples_per_second": round(statistics.median(f["wall"])),
                     "samples_per_cpu_second": round(statistics.median(f["cpu"])),
                     "runs": len(f["wall"]), "root": str(roots[name])}
              for name, f in figures.items()}
    # each level's two runs of a round ran back to back: their ratio cancels most of the
    # machine's drift between rounds, which the medians above do not
    pairs = [t / o for t, o in zip(figures["this"]["cpu"], figures["other"]["cpu"])]
    result["speed_ratio"] = round(statistics.median(pairs), 3)
    result["load_average"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(result))
        return 0
    for name in roots:
        v = result[name]
        print(f"{name:6} {v['root']}: {v['samples_per_second']:>9,} samples/s, "
              f"{v['samples_per_cpu_second']:>9,} per CPU second (median of {v['runs']})")
    print(f"this / other, median of the {len(pairs)} back-to-back pairs: {result['speed_ratio']}")
    print(f"load average at the end: {result['load_average']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
