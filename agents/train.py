"""PPO training runs: `train` (a compiled level set) and `train_file` (a level file's
set, with everything the file says). The shared types (Progress, TrainResult, the
curve columns) are in agents.training; running in the background, with many agents
at once, is game.pipeline's job.

The compiled PPO code releases the GIL, so a UI thread keeps drawing while a worker
trains. Each iteration runs as compiled pieces (the rollout, then one call per epoch):
progress is reported after every iteration, and between pieces whenever 80 ms have
passed without a report, so at least 10 times a second; cancel is checked between
pieces, so training stops within one epoch (a few milliseconds with the defaults).

Training success (agents.training) is smoothed over the most recent iterations that
together finished at least SUCCESS_WINDOW episodes (at most MAX_WINDOW_ITERS
iterations): a current figure, not a lifetime average. It reads 0 until that window
holds SUCCESS_WINDOW episodes.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Callable

import numpy as np

from agents.agent import PPOAgent
from agents.ppo import HP_ENT, HP_NOVELTY, PPOConfig, PPOLearner
from agents.training import CURVE_COLUMNS, Progress, TrainResult, cancelled, default_success
from levels import world
from levels.compiled import LevelSet, ObsSpec, compile_set, event_mask, levels_hash, obs_spec
from levels.model import LevelFile

SUCCESS_WINDOW = 100
MAX_WINDOW_ITERS = 10


class _Window:
    """Episodes and successes of the most recent iterations (see SUCCESS_WINDOW)."""

    def __init__(self):
        self.items: deque = deque(maxlen=MAX_WINDOW_ITERS)

    def add(self, episodes, returns, successes):
        self.items.append((episodes, returns, successes))

    def figures(self) -> tuple[float, float]:
        e = r = s = 0.0
        for ep, ret, succ in reversed(self.items):
            e, r, s = e + ep, r + ret, s + succ
            if e >= SUCCESS_WINDOW:
                break
        if e < SUCCESS_WINDOW:
            # too few episodes yet, and the first ones are biased towards the short
            # (successful) ones because every environment started at the same time
            return (r / e if e else 0.0), 0.0
        return r / e, s / e


def entropy_at(config: PPOConfig, it: int, n_iters: int) -> float:
    """The entropy coefficient of iteration `it` of `n_iters`: config.entropy_start at
    the first, annealed linearly to config.entropy at the last. Exploring hard early
    keeps the policy from collapsing before it has found the reward; settling late
    keeps the trained agent's behaviour sharp at deployment (issue 12)."""
    if n_iters <= 1:
        return float(config.entropy)
    f = it / (n_iters - 1)
    return float(config.entropy_start + (config.entropy - config.entropy_start) * f)


def novelty_at(config: PPOConfig, it: int, n_iters: int) -> float:
    """The novelty bonus of iteration `it` of `n_iters`: config.novelty at the first,
    annealed linearly to 0 at the last (like the entropy bonus, it drives exploration
    early and is gone by the end)."""
    if n_iters <= 1:
        return 0.0
    return float(config.novelty * (1.0 - it / (n_iters - 1)))


def train(levels: LevelSet, spec: ObsSpec, config: PPOConfig = PPOConfig(), seed: int = 0,
          steps: int = 200_000, progress: Callable[[Progress], None] | None = None,
          cancel=None, init: PPOAgent | None = None,
          success: tuple[int, int] | None = None) -> TrainResult:
    """Train a PPO agent on `levels` for `steps` environment steps (rounded up to whole
    iterations of config.batch). Runs in the calling thread. `cancel` (threading.Event
    or callable) stops training between iterations and returns the agent so far.
    `init` continues from an existing agent's weights with a fresh optimizer.
    `success` = (reach_mask, avoid_mask) event bitmasks. Deterministic from `seed`."""
    reach, avoid = default_success() if success is None else success
    params = None
    prior_steps = 0
    if init is not None:
        if init.spec.dense_length != spec.dense_length or init.spec.cell_channels != spec.cell_channels:
            raise ValueError(f"cannot continue training: the agent sees {init.spec.to_dict()['view']} "
                             f"({init.spec.dense_length} inputs), these levels give "
                             f"{spec.dense_length} inputs")
        if tuple(init.hidden) != tuple(config.hidden):
            raise ValueError(f"cannot continue training: the agent has hidden layers "
                             f"{list(init.hidden)}, the config asks for {list(config.hidden)}")
        params = init.params
        prior_steps = int(init.meta.get("steps", 0))
    learner = PPOLearner(levels, spec, config, seed, params, reach, avoid)
    n_iters = max(1, -(-int(steps) // config.batch))
    total = n_iters * config.batch
    window = _Window()
    curve = []
    episodes = 0
    stopped = False
    t0 = time.perf_counter()
    last = {"report": t0, "progress": None}

    def current_agent() -> PPOAgent:
        return PPOAgent(spec, config, learner.params.copy(), {"seed": int(seed)})

    def between() -> bool:
        # between the compiled pieces of an iteration: cancel within one epoch, and keep
        # progress coming at least 10 times a second even when iterations are long
        nonlocal stopped
        if cancelled(cancel):
            stopped = True
            return True
        now = time.perf_counter()
        if progress is not None and last["progress"] is not None and now - last["report"] >= 0.08:
            p = last["progress"]
            el = now - t0
            progress(Progress(p.steps, total, p.mean_return, p.success, p.entropy, p.episodes,
                              p.steps / max(el, 1e-9), el, current_agent))
            last["report"] = now
        return False

    for it in range(n_iters):
        if cancelled(cancel):
            stopped = True
            break
        learner.hp[HP_ENT] = entropy_at(config, it, n_iters)
        learner.hp[HP_NOVELTY] = novelty_at(config, it, n_iters)
        s = learner.iterate(between)
        window.add(s["episodes"], s["return_sum"], s["successes"])
        mean_return, succ = window.figures()
        episodes += int(s["episodes"])
        curve.append([learner.steps, s["episodes"], mean_return, succ, s["entropy"],
                      s["policy_loss"], s["value_loss"], s["approx_kl"], s["clip_frac"]])
        el = time.perf_counter() - t0
        last["progress"] = Progress(learner.steps, total, mean_return, succ, s["entropy"], episodes,
                                    learner.steps / max(el, 1e-9), el, current_agent)
        if progress is not None:
            progress(last["progress"])
            last["report"] = time.perf_counter()
        if stopped:
            break
    seconds = time.perf_counter() - t0
    curve_arr = np.array(curve, np.float64).reshape(-1, len(CURVE_COLUMNS))
    meta = {"seed": int(seed), "levels_hash": levels_hash(levels),
            "steps": prior_steps + learner.steps,
            "curve_columns": list(CURVE_COLUMNS), "curve": curve_arr.tolist(),
            "success_masks": [int(reach), int(avoid)]}
    if init is not None:
        meta["init"] = {k: init.meta.get(k) for k in ("seed", "levels_hash", "steps")}
    agent = PPOAgent(spec, config, learner.params, meta)
    return TrainResult(agent, curve_arr, learner.steps, seconds, stopped)


# --- level files ------------------------------------------------------------------

def file_spec(lf: LevelFile, levels: LevelSet) -> ObsSpec:
    return obs_spec(lf.agent.view, lf.agent.shape_range, *levels.terrain.shape[1:], lf.agent.trail,
                    lf.agent.pooled, lf.agent.wall_mask, lf.agent.far_kinds)


def file_pad(lf: LevelFile) -> tuple[int, int] | None:
    """The full view sees the whole padded grid, so every set of a file is padded to
    the file's largest level (an agent trained on one set then fits the others)."""
    if lf.agent.view != world.VIEW_FULL:
        return None
    levels = lf.all_levels()
    return max(lv.height for lv in levels), max(lv.width for lv in levels)


def file_success(lf: LevelFile) -> tuple[int, int]:
    """(reach, avoid) masks of the chapter's intended goal; reach the coin without a
    chapter. Its at_least/at_most counts are not checked inside the learner: the
    chapter pipeline measures the whole condition on the training levels."""
    if lf.chapter is None:
        return default_success()
    cond = lf.chapter.intended
    return event_mask(cond.reach, lf.zone_names), event_mask(cond.avoid, lf.zone_names)


def train_file(lf: LevelFile, which: str = "train", seed: int | None = None,
               steps: int | None = None, progress=None, cancel=None, init: PPOAgent | None = None,
               reward_override: dict[str, float] | None = None,
               config: PPOConfig | None = None) -> TrainResult:
    """Train on one of a level file's sets with the file's settings: the view from
    [agent], the learner overrides, the budget (`steps`, or `pretrain_steps` for the
    pretrain set when set), the seed, and success from the chapter's intended goal.
    `reward_override` changes rewards on every level (the control agent)."""
    levels = getattr(lf, which, None)
    if not levels:
        raise ValueError(f"{lf.path}: no [[{which}]] levels to train on")
    # With [agent] mirror the learner also trains on each level upside down (agents/README.md)
    ls = compile_set(lf, which, pad_to=file_pad(lf), reward_override=reward_override,
                     mirrored=lf.agent.mirror)
    spec = file_spec(lf, ls)
    if config is None:
        config = PPOConfig.from_overrides(lf.agent.learner)
    if steps is None:
        steps = lf.agent.pretrain_steps if which == "pretrain" and lf.agent.pretrain_steps else lf.agent.steps
    seed = lf.agent.seed if seed is None else seed
    result = train(ls, spec, config, seed, steps, progress, cancel, init, file_success(lf))
    result.agent.meta.update({"level_file": str(lf.path), "set": which})
    return result
