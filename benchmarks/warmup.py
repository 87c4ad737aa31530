"""First-launch warm-up on a cold numba cache: how many functions numba compiles
for the game's rules and learner, and how long that takes. agents/warmup.py uses
both figures (EXPECTED_FUNCTIONS, EXPECTED_SECONDS) for its progress and estimate.

    python benchmarks/warmup.py [--json]

Runs the warm-up in a child process with an empty NUMBA_CACHE_DIR (a cold cache),
then again with that cache filled (a warm start)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHILD = """
import json, time
from agents.warmup import warm_up
labels = []
seconds = warm_up(lambda f, label: labels.append(label))
compiled = [l for l in labels if l.startswith("compiling ")]
print(json.dumps({"seconds": round(seconds, 2), "functions": len(compiled)}))
"""


def run_once(cache: str) -> dict:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mesa-numba-") as cache:
        cold = run_once(cache)
        warm = run_once(cache)
    result = {"cold": cold, "warm": warm}
    if "--json" in sys.argv:
        print(json.dumps(result))
    else:
        print(f"cold cache: {cold['functions']} functions compiled in {cold['seconds']} s")
        print(f"warm cache: {warm['functions']} functions compiled in {warm['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
