"""Compile every learner and rules kernel ahead of time, with progress, so the game
can show a progress screen on a cold numba cache (first launch) instead of freezing
on the first training run. With a warm cache each step only loads compiled code.

Progress moves per compiled function: numba announces each compilation (its
"numba:compile" event), and each one is reported with its name, how many of the
expected functions are done and an estimate of the seconds left."""

from __future__ import annotations

import threading
import time
from typing import Callable

import numpy as np
from numba.core import event as numba_event

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


# Measured on a cold cache (benchmarks/warmup.py prints both): how many functions
# numba compiles for the game's kernels and learner (47), and roughly how long that
# takes on a quiet 2-core machine (about 25-30 s; 63 s while other jobs shared it).
# Past the first functions the estimate of the time left comes from the pace so far.
EXPECTED_FUNCTIONS = 47
EXPECTED_SECONDS = 30.0


class _CompileCounter(numba_event.Listener):
    """Reports each function numba starts compiling (in any thread of this warm-up)."""

    def __init__(self, on_compile):
        self.on_compile = on_compile
        self.started = 0
        self.names: list[str] = []
        self.thread = threading.get_ident()

    def on_start(self, event):
        if threading.get_ident() != self.thread:
            return  # another thread's compilation (e.g. a test running alongside)
        d = event.data.get("dispatcher") if isinstance(event.data, dict) else None
        name = getattr(getattr(d, "py_func", None), "__name__", "a function")
        self.started += 1
        self.names.append(name)
        self.on_compile(name)

    def on_end(self, event):
        pass


def warm_up(progress: Callable[[float, str], None] | None = None) -> float:
    """Run every compiled function once on a tiny level. progress(fraction, label) is
    called at each stage and each compiled function, and with 1.0 at the end.
    Returns the seconds taken."""
    t0 = time.perf_counter()
    stage = ["loading the rules", 0.0]

    def report(frac, label):
        stage[:] = [label, frac]
        if progress is not None:
            progress(frac, label)

    def compiled(name):
        # the fraction of the expected functions done (never past 98% before the end)
        n = counter.started
        frac = max(stage[1], min(0.98, n / EXPECTED_FUNCTIONS))
        elapsed = time.perf_counter() - t0
        left = (EXPECTED_SECONDS - elapsed) if frac < 0.15 else elapsed / frac * (1 - frac)
        if progress is not None:
            progress(frac, f"compiling {name} ({n} of about {EXPECTED_FUNCTIONS} functions, "
                           f"about {max(1, round(left))} s left)")

    counter = _CompileCounter(compiled)
    with numba_event.install_listener("numba:compile", counter):
        _run_everything(report)
    report(1.0, "ready")
    return time.perf_counter() - t0


def _run_everything(report) -> None:
    report(0.0, "loading the rules")
    from levels import kernels
    from levels.compiled import compile_levels, new_state, obs_spec
    rules = Rules()
    ls = compile_levels([tiny_level()], rules, ("z",))
    st = new_state(ls, 2)
    report(0.02, "the rules: random numbers")
    kernels.seed_rng(st.rng, np.uint64(1))
    report(0.05, "the rules: placing the agent and the objects")
    kernels.reset_all(ls, st, np.full(2, -1, np.int32))
    spec = obs_spec(5, None, *ls.terrain.shape[1:])
    obs = np.zeros((2, spec.length), np.int32)
    report(0.15, "the rules: what the agent sees")
    kernels.observe_all(ls, st, spec.view, spec.shape_range, spec.trail, obs)
    ev, rw, dn = np.zeros(2, np.int32), np.zeros(2, np.float32), np.zeros(2, np.bool_)
    report(0.25, "the rules: one step")
    kernels.step_all(ls, st, np.zeros(2, np.int32), ev, rw, dn, True)
    # step_one, observe_one and random_rollout serve tests and benchmarks only:
    # the game never calls them, so they are not worth compiling here

    report(0.4, "the learner")
    from agents.ppo import PPOConfig
    from agents.train import train
    cfg = PPOConfig(hidden=(8, 8), n_envs=2, n_steps=4, minibatches=2, epochs=1)
    agent = train(ls, spec, cfg, seed=0, steps=8).agent

    report(0.9, "the policy")
    agent.policy(obs)
    rng = np.ones(2, np.uint64)
    agent.act(obs, st, rng, greedy=False)
    agent.act(obs, st, rng, greedy=True)
    # the tabular baseline compiles on first use: the game's chapters do not use it
