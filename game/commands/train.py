"""`python main.py train PATH [--seed N] [--steps N] [--out FILE] [--json] [--set SET]`:
train an agent on a level file's training levels (or its pre-training levels).

On a terminal: a progress bar (steps, training success, mean return, samples per
second), then a summary. `--json` (or output that is not a terminal) prints no bar;
`--json` prints one JSON object: steps, seconds, success (0..1), return, out.
An invalid level file prints FILE:LINE:COL problems and exits 1."""

from __future__ import annotations

import argparse
import json
import sys

from game.commands.common import guarded, load_level_file


def add_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH", help="a level or design file")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the file's [agent] seed)")
    p.add_argument("--steps", type=int, default=None,
                   help="training steps (default: the file's [agent] steps)")
    p.add_argument("--out", metavar="FILE", default=None, help="write the trained agent here (.npz)")
    p.add_argument("--json", action="store_true", help="print one JSON object, no progress bar")
    p.add_argument("--set", choices=("train", "pretrain"), default="train", dest="which",
                   help="which levels to train on (default: train)")


@guarded
def run(args) -> int:
    lf = load_level_file(args.path)
    if args.steps is not None and args.steps <= 0:
        print("--steps must be a positive whole number", file=sys.stderr)
        return 2

    from agents.files import save_agent
    from agents.ppo import PPOConfig
    from agents.train import train_file
    if not getattr(lf, args.which):
        print(f"{args.path}:0:0: the file has no [[{args.which}]] levels to train on")
        return 1
    try:
        config = PPOConfig.from_overrides(lf.agent.learner)
    except ValueError as exc:
        print(f"{args.path}:0:0: [agent]: {exc}")
        return 1

    show_bar = not args.json and sys.stdout.isatty()
    if show_bar:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
        bar = Progress(TextColumn("training"), BarColumn(), TextColumn("{task.completed:,.0f}/{task.total:,.0f} steps"),
                       TextColumn("success {task.fields[success]:.0%}"),
                       TextColumn("return {task.fields[ret]:.2f}"),
                       TextColumn("{task.fields[sps]:,.0f} samples/s"), TimeElapsedColumn())
        with bar:
            task = bar.add_task("train", total=args.steps or lf.agent.steps, success=0.0, ret=0.0, sps=0.0)

            def progress(p):
                bar.update(task, completed=p.steps, total=p.total_steps, success=p.success,
                           ret=p.mean_return, sps=p.samples_per_second)

            result = train_file(lf, args.which, seed=args.seed, steps=args.steps, progress=progress,
                                config=config)
    else:
        result = train_file(lf, args.which, seed=args.seed, steps=args.steps, config=config)

    out = None
    if args.out:
        out = str(save_agent(result.agent, args.out))
    summary = {"steps": int(result.steps), "seconds": round(result.seconds, 3),
               "success": round(result.success, 4), "return": round(result.mean_return, 4),
               "samples_per_second": round(result.steps / max(result.seconds, 1e-9)),
               "seed": result.agent.meta["seed"], "levels_hash": result.agent.meta["levels_hash"],
               "out": out}
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"trained {summary['steps']:,} steps in {result.seconds:.2f} s "
              f"({summary['samples_per_second']:,} samples/s), seed {summary['seed']}")
        print(f"training success {result.success:.1%}, mean return {result.mean_return:.2f}")
        print(f"agent written to {out}" if out else "agent not saved (use --out FILE)")
    return 0
