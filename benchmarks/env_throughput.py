"""Environment throughput: rules steps per second *with observations*, single thread.

    NUMBA_NUM_THREADS=1 python benchmarks/env_throughput.py [--json] [--envs 64] [--steps 4000]

The level is a 9x9 room (7x7 floor inside the walls) where both the coin and the
agent spawn anywhere on the floor at every reset; reward: coin 10, step -0.05; the
episode ends on the coin or after 60 steps. Each measured step is what a learner's
rollout does minus the network: a uniformly random action per environment (drawn
from the environment's own RNG), the rules, an automatic reset of finished
episodes, and the observation of every environment (egocentric view 5 and 7).
Timing: one warm-up call (compilation), then the median of several repeats.

When Farama Minigrid is installed (`pip install minigrid`, or the `bench` extra),
the same measurement runs on `MiniGrid-Empty-8x8-v0` (random actions, no rendering,
resets included) and the ratio is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from levels import kernels, world  # noqa: E402
from levels.compiled import compile_levels, new_state, obs_spec  # noqa: E402
from levels.model import Level, Obj, Rules, Spawn  # noqa: E402


def room_level(size: int = 9) -> tuple[Level, Rules]:
    """A size x size room, walls around; coin and agent spawn anywhere inside."""
    rows = ["#" * size] + ["#" + "." * (size - 2) + "#" for _ in range(size - 2)] + ["#" * size]
    terrain = [[world.WALL if ch == "#" else world.FLOOR for ch in row] for row in rows]
    inside = [(r, c) for r in range(1, size - 1) for c in range(1, size - 1)]
    rules = Rules(reward={"coin": 10.0, "step": -0.05}, end_on=("coin",), max_steps=60)
    level = Level(name="room", rows=rows, terrain=terrain, objects=[], agent=None,
                  spawns=[Spawn("A", None, list(inside)),
                          Spawn("1", Obj("coin", "yellow"), list(inside))],
                  zones={}, reward=dict(rules.reward))
    return level, rules


def measure_mesa(view: int, n_envs: int, n_steps: int, repeats: int, seed: int = 0) -> dict:
    level, rules = room_level()
    ls = compile_levels([level], rules, ())
    st = new_state(ls, n_envs)
    kernels.seed_rng(st.rng, seed)
    kernels.reset_all(ls, st, np.zeros(n_envs, np.int32))
    spec = obs_spec(view, None, *ls.terrain.shape[1:])
    obs = np.zeros((n_envs, spec.length), np.int32)
    actions = np.zeros(n_envs, np.int32)
    events = np.zeros(n_envs, np.int32)
    rewards = np.zeros(n_envs, np.float32)
    dones = np.zeros(n_envs, np.bool_)
    args = (ls, st, n_steps, view, spec.shape_range, spec.trail, obs, actions, events, rewards, dones)
    kernels.random_rollout(*args)  # warm-up: compile or load from the cache
    rates, cpu_rates, episodes = [], [], 0
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.thread_time()
        _, ep = kernels.random_rollout(*args)
        dt, dc = time.perf_counter() - t0, time.thread_time() - c0
        rates.append(n_envs * n_steps / dt)
        cpu_rates.append(n_envs * n_steps / max(dc, 1e-9))
        episodes += int(ep)
    # wall-clock is the figure; the CPU-time rate says how much a busy machine took away
    return {"view": view, "steps_per_second": statistics.median(rates),
            "cpu_time_steps_per_second": statistics.median(cpu_rates),
            "min": min(rates), "max": max(rates),
            "mean_episode_length": repeats * n_envs * n_steps / max(episodes, 1)}


def measure_minigrid(n_steps: int, repeats: int, seed: int = 0) -> float | None:
    try:
        import gymnasium as gym
        import minigrid  # noqa: F401  (registers the MiniGrid environments)
    except ImportError:
        return None
    env = gym.make("MiniGrid-Empty-8x8-v0")
    rng = np.random.default_rng(seed)
    env.reset(seed=seed)
    n = env.action_space.n

    def run(steps):
        acts = rng.integers(0, n, steps)
        t0 = time.perf_counter()
        for a in acts:
            _, _, term, trunc, _ = env.step(int(a))
            if term or trunc:
                env.reset()
        return steps / (time.perf_counter() - t0)

    run(min(n_steps, 2000))  # warm-up
    return statistics.median(run(n_steps) for _ in range(repeats))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--envs", type=int, default=64, help="parallel environments (64)")
    ap.add_argument("--steps", type=int, default=4000, help="steps per environment per repeat")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--views", default="5,7", help="egocentric view sizes, comma-separated")
    ap.add_argument("--no-minigrid", action="store_true", help="skip the Minigrid comparison")
    args = ap.parse_args(argv)

    views = [int(v) for v in args.views.split(",")]
    results = [measure_mesa(v, args.envs, args.steps, args.repeats) for v in views]
    mg = None if args.no_minigrid else measure_minigrid(20_000, max(3, args.repeats // 2))
    by_view = {r["view"]: r for r in results}
    headline = by_view.get(5, results[0])["steps_per_second"]
    out = {
        "benchmark": "env_throughput",
        "level": "9x9 room, coin and agent spawn anywhere, max_steps 60",
        "n_envs": args.envs, "steps_per_repeat": args.envs * args.steps, "repeats": args.repeats,
        "threads": int(os.environ.get("NUMBA_NUM_THREADS", "1")),
        "steps_per_second": headline,
        "views": {str(r["view"]): r for r in results},
        "minigrid_steps_per_second": mg,
        "ratio_to_minigrid": None if mg is None else headline / mg,
        "machine": {"cpus": os.cpu_count(), "processor": platform.processor() or platform.machine(),
                    "python": platform.python_version()},
    }
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"Environment throughput (single thread, {args.envs} envs, "
          f"median of {args.repeats} repeats of {args.envs * args.steps:,} steps)")
    print(f"{'environment':<34}{'steps/s':>14}{'range':>26}{'CPU-time rate':>16}{'ep. length':>12}")
    for r in results:
        name = f"Mesa Lab 9x9 room, view {r['view']}x{r['view']}"
        rng = f"{r['min'] / 1e6:.1f}-{r['max'] / 1e6:.1f} M"
        print(f"{name:<34}{r['steps_per_second'] / 1e6:>12.1f} M{rng:>26}"
              f"{r['cpu_time_steps_per_second'] / 1e6:>14.1f} M{r['mean_episode_length']:>12.1f}")
    if mg is None:
        print("MiniGrid-Empty-8x8-v0: not installed (pip install minigrid)")
    else:
        print(f"{'MiniGrid-Empty-8x8-v0':<34}{mg / 1e3:>12.1f} k")
        print(f"ratio (view 5 / Minigrid): {headline / mg:,.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
