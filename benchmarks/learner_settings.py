"""Training speed of one chapter's starter under different learner settings, side by
side: the runs alternate (A, B, A, B, ...) so the machine's drift falls on both.

    python benchmarks/learner_settings.py --chapter 4 --settings novelty_rare=1 novelty_rare=2
    python benchmarks/learner_settings.py --chapter 3 --settings novelty=0 novelty=0.3 --rounds 7

Each setting is KEY=VALUE (learner settings of levels/FORMAT.md's [agent] table) applied
over the chapter's own. Prints, per setting, the median training seconds and samples
per second over the rounds, each round one seed (the same seeds for every setting),
after one untimed run per setting to compile.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tomllib
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.ppo import PPOConfig  # noqa: E402
from agents.train import train_file  # noqa: E402
from game.chapters import find_chapter  # noqa: E402
from levels.load import load  # noqa: E402


def parse_setting(text: str) -> tuple[str, object]:
    """KEY=VALUE with VALUE written as in a level file (TOML): 4, 0.3, [32, 32]."""
    key, _, value = text.partition("=")
    return key.strip(), tomllib.loads(f"v = {value}")["v"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chapter", required=True)
    ap.add_argument("--settings", nargs="+", required=True, metavar="KEY=VALUE")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    lf = load(find_chapter(args.chapter))  # its own [[train]] levels are the starter
    configs = {}
    for text in args.settings:
        key, value = parse_setting(text)
        configs[text] = PPOConfig.from_overrides({**lf.agent.learner, key: value})
    init = None
    if lf.pretrain:  # fine-tuning, as the player's training is (the walker itself untimed)
        from game.pretrained import pretrained_agent
        init = pretrained_agent(lf)
    for cfg in configs.values():
        train_file(lf, seed=1000, steps=cfg.batch * 2, config=cfg, init=init)  # compile
    seconds: dict[str, list[float]] = {k: [] for k in configs}
    steps: dict[str, int] = {}
    for seed in range(args.rounds):
        for name, cfg in configs.items():
            r = train_file(lf, seed=seed, config=cfg, init=init)
            seconds[name].append(r.seconds)
            steps[name] = r.steps
    out = {name: {"median_seconds": round(statistics.median(s), 3),
                  "samples_per_second": round(steps[name] / statistics.median(s))}
           for name, s in seconds.items()}
    if args.json:
        print(json.dumps({"chapter": args.chapter, "rounds": args.rounds, "settings": out}))
    else:
        for name, o in out.items():
            print(f"{name:28} {o['median_seconds']:7.3f} s median  {o['samples_per_second']:>9,} samples/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
