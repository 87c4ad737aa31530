"""Same seed, same agent, on every x86-64 processor.

- The reference training (tests/crosstarget.py) gives the recorded GOLDEN hashes. A
  change to the learner's numbers fails here: it must be a deliberate act, recorded by
  updating GOLDEN (and remaking the shipped pre-trained agents: `python main.py pretrain
  4` and `5`, which test_calibration checks).
- Slow: the same training and a whole chapter run, compiled by numba for the generic
  x86-64 target (SSE2 only: no FMA, no AVX), Haswell (AVX2 + FMA), Skylake-AVX512 and
  the host, each in a fresh process with its own cache folder, give identical hashes.
  numpy's own SIMD dispatch is varied too (NPY_DISABLE_CPU_FEATURES).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests import crosstarget

ROOT = Path(__file__).resolve().parent.parent

# Hashes of the reference training's weights and learning curve (see crosstarget.py).
GOLDEN = {
    "weights": "a7d98273073cf1e0",
    "curve": "c621c73386035ce0",
    "weights_3_layers": "86118d72d65ee805",
    "weights_trail_novelty": "63d73f5c01c034a0",
    "weights_novelty_rare": "b7d70623027afbdb",
    "weights_pooled": "a6166fe21866bac7",
    "weights_wall_mask": "eeda9b40d1d5622e",
    "weights_far_kinds": "9ed9844fa66ea564",
    "weights_one_wide_layer": "67ccad0af8459bd5",
}

TARGETS = ("generic", "haswell", "skylake-avx512", "host")


def test_reference_training_gives_the_recorded_hashes():
    got = crosstarget.reference_hashes()
    assert got == GOLDEN, (
        "the learner's numbers changed. If that is intended, record the new hashes in "
        f"GOLDEN ({got}) and remake the shipped pre-trained agents (python main.py pretrain 4 and 5)")


def _run(target: str, extra_env: dict | None = None) -> dict:
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, **(extra_env or {}))
        env.pop("NUMBA_CPU_NAME", None)
        env.pop("NUMBA_CPU_FEATURES", None)
        if target != "host":
            env["NUMBA_CPU_NAME"] = target
        out = subprocess.run([sys.executable, str(ROOT / "tests" / "crosstarget.py")], env=env,
                             capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    got.pop("target")
    return got


def _run_all(runs: dict) -> dict:
    """_run for each name's (target, extra_env), one run per core at a time: each is a
    fresh process compiling the learner on its own, a minute or more of one core."""
    with ThreadPoolExecutor(max(1, min(len(runs), os.cpu_count() or 1))) as ex:
        futures = {name: ex.submit(_run, *args) for name, args in runs.items()}
        return {name: f.result() for name, f in futures.items()}


@pytest.mark.slow
def test_every_cpu_target_gives_the_same_agent_and_report():
    results = _run_all({t: (t, None) for t in TARGETS})
    host = results["host"]
    for target, got in results.items():
        assert got == host, f"{target} differs from the host: {got} != {host}"
    assert {k: host[k] for k in GOLDEN} == GOLDEN


@pytest.mark.slow
def test_numpy_simd_dispatch_does_not_change_the_report():
    # numpy picks its own SIMD kernels at run time; limit it to the x86-64 baseline
    import numpy as np
    extra = np.__config__.CONFIG.get("SIMD Extensions", {}).get("found", []) if hasattr(
        np.__config__, "CONFIG") else []
    if not extra:
        pytest.skip("this numpy does not say which SIMD extensions it found")
    got = _run_all({"limited": ("host", {"NPY_DISABLE_CPU_FEATURES": " ".join(extra)}),
                    "host": ("host", None)})
    assert got["limited"] == got["host"]
