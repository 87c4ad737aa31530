"""Run one reference training (and a short chapter run) in a fresh process compiled
for a given numba CPU target, and print hashes of what it made: the weights, the
learning curve, and the chapter run's JSON report.

    python tests/crosstarget.py             # the host's CPU
    NUMBA_CPU_NAME=generic NUMBA_CACHE_DIR=/tmp/c1 python tests/crosstarget.py

tests/test_determinism.py runs this under several targets, each with its own cache
folder (numba keys its cache on the CPU, so a shared folder would still work, but a
separate one proves nothing is reused), and compares the hashes. The same figures on
every target mean the learner's arithmetic does not depend on the vector width or on
the instruction set: no reassociated sums, no fused multiply-adds, no libm calls.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The reference training: a learner-exercising file, seed and budget. Changing any of
# these (or the learner's arithmetic) changes GOLDEN in tests/test_determinism.py.
REFERENCE_FILE = ROOT / "agents" / "reference_levels" / "coin_at_end.toml"
REFERENCE_SEED = 3
REFERENCE_STEPS = 30_000
# A second network shape (three hidden layers, another width) so every loop of the
# forward and backward passes is covered, not only the default 64-64.
SECOND_HIDDEN = [24, 40, 16]


def _digest(*arrays) -> str:
    h = hashlib.sha256()
    for a in arrays:
        h.update(a.tobytes())
    return h.hexdigest()[:16]


def reference_hashes() -> dict:
    from agents.ppo import PPOConfig
    from agents.train import train_file
    from levels.load import load

    lf = load(REFERENCE_FILE)
    cfg = PPOConfig.from_overrides(lf.agent.learner)
    r = train_file(lf, seed=REFERENCE_SEED, steps=REFERENCE_STEPS, config=cfg)
    out = {"weights": _digest(r.agent.params), "curve": _digest(r.curve)}
    cfg2 = PPOConfig.from_overrides({**lf.agent.learner, "hidden": SECOND_HIDDEN})
    r2 = train_file(lf, seed=REFERENCE_SEED + 1, steps=REFERENCE_STEPS // 3, config=cfg2)
    out["weights_3_layers"] = _digest(r2.agent.params)
    # The agent's trail in its observation and the novelty bonus (chapters 0-4)
    lf.agent.trail = True
    cfg3 = PPOConfig.from_overrides({**lf.agent.learner, "novelty": 0.3})
    r3 = train_file(lf, seed=REFERENCE_SEED + 2, steps=REFERENCE_STEPS // 3, config=cfg3)
    out["weights_trail_novelty"] = _digest(r3.agent.params)
    # The novelty bonus's rarity factor (chapter 4): integer visit counts and one sqrt
    cfg3r = PPOConfig.from_overrides({**lf.agent.learner, "novelty": 0.3, "novelty_rare": 2})
    r3r = train_file(lf, seed=REFERENCE_SEED + 6, steps=REFERENCE_STEPS // 3, config=cfg3r)
    out["weights_novelty_rare"] = _digest(r3r.agent.params)
    # The pooled inputs (chapters 0, 2, 3 and 6)
    lf.agent.pooled = True
    r4 = train_file(lf, seed=REFERENCE_SEED + 3, steps=REFERENCE_STEPS // 3, config=cfg)
    out["weights_pooled"] = _digest(r4.agent.params)
    # The wall mask (chapter 0)
    lf.agent.pooled = False
    lf.agent.wall_mask = True
    r5 = train_file(lf, seed=REFERENCE_SEED + 4, steps=REFERENCE_STEPS // 3, config=cfg)
    out["weights_wall_mask"] = _digest(r5.agent.params)
    # The far kinds (chapter 3)
    lf.agent.wall_mask = False
    lf.agent.pooled = lf.agent.far_kinds = True
    r6 = train_file(lf, seed=REFERENCE_SEED + 5, steps=REFERENCE_STEPS // 3, config=cfg)
    out["weights_far_kinds"] = _digest(r6.agent.params)
    # One wide hidden layer over the pooled inputs (chapter 2): the heads read layer 1
    lf.agent.far_kinds = False
    cfg7 = PPOConfig.from_overrides({**lf.agent.learner, "hidden": [256]})
    r7 = train_file(lf, seed=REFERENCE_SEED + 7, steps=REFERENCE_STEPS // 3, config=cfg7)
    out["weights_one_wide_layer"] = _digest(r7.agent.params)
    return out


def chapter_hash(chapter: str = "1", seed: int = 2) -> str:
    """A whole headless chapter run (train, deploy with sampled replays, diagnose,
    score) as `run --json` prints it, without its timings."""
    import contextlib
    import io

    from game.cli import main as cli

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        cli(["run", chapter, "--seed", str(seed), "--json"])
    report = json.loads(buf.getvalue())
    _drop_timings(report)
    return hashlib.sha256(json.dumps(report, sort_keys=True).encode()).hexdigest()[:16]


def _drop_timings(obj) -> None:
    if isinstance(obj, dict):
        for k in [k for k in obj if "second" in k or k in ("elapsed", "time")]:
            del obj[k]
        for v in obj.values():
            _drop_timings(v)
    elif isinstance(obj, list):
        for v in obj:
            _drop_timings(v)


def main() -> None:
    out = reference_hashes()
    if "--no-chapter" not in sys.argv:
        out["chapter_1"] = chapter_hash()
        out["chapter_4"] = chapter_hash("4", seed=1)  # trail, novelty, eight gardens
    import numba
    out["target"] = os.environ.get("NUMBA_CPU_NAME", "host")
    out["numba"] = numba.__version__
    print(json.dumps(out))


if __name__ == "__main__":
    main()
