"""Compile every learner and rules kernel ahead of time, with progress, so the game
can show a progress screen on a cold numba cache (first launch) instead of freezing
on the first training run. With a warm cache each step only loads compiled code."""

from __future__ import annotations

import time
from typing import Callable

import numpy as np

from levels import world
from levels.model import Level, Obj, Rules, Spawn


def tiny_level() -> Level:
    """A 4 x 5 room with a fixed coin, a spawned key and a random agent start."""
    rows = ["#####", "#..c#", "#...#", "#####"]
    terrain = [[world.WALL if ch == "#" else world.FLOOR for ch in row] for row in rows]
    floor = [(r, c) for r in range(4) for c in range(5) if rows[r][c] == "."]
    return Level(name="warm-up", rows=rows, terrain=terrain,
                 objects=[(Obj("coin", "yellow"), 1, 3)], agent=None,
                 spawns=[Spawn("a", None, floor[:3]), Spawn("k", Obj("key", "green"), floor[3:])],
                 zones={"z": [(2, 3)]}, reward={"coin": 10.0, "step": -0.05})


def warm_up(progress: Callable[[float, str], None] | None = None) -> float:
    """Run every compiled function once on a tiny level. progress(fraction, label) is
    called before each stage and with 1.0 at the end. Returns the seconds taken."""
    t0 = time.perf_counter()

    def report(frac, label):
        if progress is not None:
            progress(frac, label)

    report(0.0, "loading the rules")
    from levels import kernels
    from levels.compiled import compile_levels, obs_spec
    rules = Rules()
    ls = compile_levels([tiny_level()], rules, ("z",))
    from levels.compiled import new_state
    st = new_state(ls, 2)
    kernels.seed_rng(st.rng, np.uint64(1))
    kernels.reset_all(ls, st, np.full(2, -1, np.int32))
    spec = obs_spec(5, None, *ls.terrain.shape[1:])
    obs = np.zeros((2, spec.length), np.int32)
    kernels.observe_all(ls, st, spec.view, spec.shape_range, obs)
    ev, rw, dn = np.zeros(2, np.int32), np.zeros(2, np.float32), np.zeros(2, np.bool_)
    kernels.step_all(ls, st, np.zeros(2, np.int32), ev, rw, dn, True)
    # step_one, observe_one and random_rollout serve tests and benchmarks only:
    # the game never calls them, so they are not worth compiling here

    report(0.35, "compiling the learner")
    from agents.ppo import PPOConfig
    from agents.train import train
    cfg = PPOConfig(hidden=(8, 8), n_envs=2, n_steps=4, minibatches=2, epochs=1)
    agent = train(ls, spec, cfg, seed=0, steps=8).agent

    report(0.9, "compiling the policy")
    probs, _ = agent.policy(obs)
    rng = np.ones(2, np.uint64)
    agent.act(obs, st, rng, greedy=False)
    agent.act(obs, st, rng, greedy=True)

    # the tabular baseline compiles on first use: the game's chapters do not use it

    report(1.0, "ready")
    return time.perf_counter() - t0
