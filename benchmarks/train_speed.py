"""Training speed: samples per second, seconds to 95% training success on the
reference levels (agents/reference_levels), and start-up times in fresh processes.

    python benchmarks/train_speed.py            # a table
    python benchmarks/train_speed.py --json     # one JSON object
    python benchmarks/train_speed.py --seeds 5 --skip-cold

Figures are medians over seeds, with the numba cache warm (compiled once first).
- samples_per_second: environment steps trained per wall second (rollout and updates),
  default PPOConfig, over the first 200,000 steps (samples_per_cpu_second: per second of
  CPU time this process got, the fairer figure on a shared machine).
- seconds_to_95: wall seconds from the start of training until the smoothed training
  success first reaches 95% (coin_anywhere_9x9; per level in `levels`).
- cold_compile_seconds: a fresh process with NUMBA_CACHE_DIR pointing at an empty
  folder, from start to agents.warmup.warm_up() returning (imports and every compile).
- cached_start_seconds: a fresh process with the cache warm, from start to a trained
  agent on coin_anywhere_9x9 (training stops at 95% training success).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REFERENCE = ROOT / "agents" / "reference_levels"
LEVELS = ("coin_anywhere_9x9", "coin_at_end", "coin_random")

CACHED_START = """
import os, time
t0 = time.perf_counter()
for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "1")
from agents.train import train_file
from levels.load import load
lf = load({path!r})
class Stop:
    hit = False
def progress(p):
    Stop.hit = Stop.hit or p.success >= 0.95
r = train_file(lf, seed=0, progress=progress, cancel=lambda: Stop.hit)
import sys
print(time.perf_counter() - t0, r.success)
"""

COLD = """
import os, time
t0 = time.perf_counter()
for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "1")
from agents.warmup import warm_up
warm_up()
print(time.perf_counter() - t0)
"""


def run_level(name: str, seed: int, steps: int) -> dict:
    from agents.train import train_file
    from levels.load import load
    lf = load(REFERENCE / f"{name}.toml")
    hit: list[float] = []

    def progress(p):
        if p.success >= 0.95 and not hit:
            hit.append(p.elapsed)

    cpu0 = time.process_time()
    r = train_file(lf, seed=seed, steps=steps, progress=progress)
    cpu = time.process_time() - cpu0
    return {"samples_per_second": r.steps / r.seconds, "seconds_to_95": hit[0] if hit else None,
            "samples_per_cpu_second": r.steps / max(cpu, 1e-9), "final_success": r.success}


def fresh(code: str, env: dict) -> tuple[list[str], float]:
    """Run code in a fresh interpreter: (its printed words, the CPU seconds it used)."""
    import resource
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out.stdout.split(), cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=200_000)
    ap.add_argument("--skip-cold", action="store_true", help="skip the cold-compile measurement")
    args = ap.parse_args()

    from agents.warmup import warm_up
    warm_up()  # the cache is warm from here on (and for the fresh processes below)
    per_level = {}
    for name in LEVELS:
        runs = [run_level(name, s, args.steps) for s in range(args.seeds)]
        hits = [r["seconds_to_95"] for r in runs]
        reached = [h for h in hits if h is not None]
        per_level[name] = {
            "samples_per_second": statistics.median(r["samples_per_second"] for r in runs),
            "samples_per_cpu_second": statistics.median(r["samples_per_cpu_second"] for r in runs),
            "seconds_to_95": statistics.median(reached) if len(reached) * 2 > len(runs) else None,
            "seconds_to_95_each": hits,
            "final_success": [round(r["final_success"], 3) for r in runs],
        }
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cached = [float(fresh(CACHED_START.format(path=str(REFERENCE / "coin_anywhere_9x9.toml")), env)[0][0])
              for _ in range(3)]
    cold = cold_cpu = None
    if not args.skip_cold:
        with tempfile.TemporaryDirectory() as tmp:
            words, cold_cpu = fresh(COLD, dict(env, NUMBA_CACHE_DIR=tmp))
            cold = float(words[0])
    result = {
        "samples_per_second": statistics.median(v["samples_per_second"] for v in per_level.values()),
        "seconds_to_95": per_level["coin_anywhere_9x9"]["seconds_to_95"],
        "samples_per_cpu_second": statistics.median(v["samples_per_cpu_second"] for v in per_level.values()),
        "cold_compile_seconds": cold,
        "cold_compile_cpu_seconds": cold_cpu,
        "load_average": os.getloadavg()[0],
        "cached_start_seconds": statistics.median(cached),
        "seeds": args.seeds,
        "levels": per_level,
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{'level':20} {'samples/s':>10} {'per CPU s':>10} {'s to 95%':>9}  final success per seed")
    for name, v in per_level.items():
        s95 = "-" if v["seconds_to_95"] is None else f"{v['seconds_to_95']:.2f}"
        print(f"{name:20} {v['samples_per_second']:>10,.0f} {v['samples_per_cpu_second']:>10,.0f} "
              f"{s95:>9}  {v['final_success']}")
    print(f"cold compile (fresh process, empty cache): "
          f"{'skipped' if cold is None else f'{cold:.1f} s ({cold_cpu:.1f} s of CPU)'}")
    print(f"cached start to a trained agent (coin_anywhere_9x9): {result['cached_start_seconds']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
