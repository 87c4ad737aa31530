"""Training runs: `train` (a compiled level set), `train_file` (a level file's set, with
everything the file says), and `TrainingJob` (either one in a background thread, with
progress and cancel for the UI).

The compiled PPO code releases the GIL, so a UI thread keeps drawing while a worker
trains. Each iteration runs as compiled pieces (the rollout, then one call per epoch):
progress is reported after every iteration, and between pieces whenever 80 ms have
passed without a report, so at least 10 times a second; cancel is checked between
pieces, so training stops within one epoch (a few milliseconds with the defaults).

Training success is the fraction of finished episodes whose events contain every bit
of `reach` and none of `avoid` (default: reach the coin), over the most recent
iterations that together finished at least SUCCESS_WINDOW episodes (at most
MAX_WINDOW_ITERS iterations): a smoothed, current figure, not a lifetime average.
It reads 0 until that window holds SUCCESS_WINDOW episodes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from agents.agent import PPOAgent
from agents.ppo import HP_ENTROPY, PPOConfig, PPOLearner
from levels import world
from levels.compiled import LevelSet, ObsSpec, compile_set, event_mask, levels_hash, obs_spec
from levels.model import LevelFile

SUCCESS_WINDOW = 100
MAX_WINDOW_ITERS = 10
# Columns of TrainResult.curve, one row per iteration. mean_return and success are the
# smoothed figures Progress reports; episodes are those finished in that iteration.
CURVE_COLUMNS = ("steps", "episodes", "mean_return", "success", "entropy", "policy_loss",
                 "value_loss", "approx_kl", "clip_frac")


@dataclass(frozen=True)
class Progress:
    steps: int                 # environment steps trained so far
    total_steps: int           # the budget
    mean_return: float         # smoothed episode return
    success: float             # smoothed training success, 0..1
    entropy: float             # policy entropy (nats) during the last rollout
    episodes: int              # episodes finished so far
    samples_per_second: float  # steps / elapsed
    elapsed: float             # seconds since training started
    # current_agent() -> a PPOAgent with a copy of the weights so far (for a live view).
    # Call it inside the progress callback (the worker thread, between compiled pieces)
    # for a consistent copy.
    current_agent: Callable[[], "PPOAgent"] | None = field(default=None, compare=False, repr=False)

    @property
    def fraction(self) -> float:
        return min(1.0, self.steps / max(self.total_steps, 1))


@dataclass
class TrainResult:
    agent: object              # PPOAgent (or TabularAgent from agents.tabular)
    curve: np.ndarray          # float64[iterations, len(CURVE_COLUMNS)]
    steps: int                 # steps trained in this run
    seconds: float
    cancelled: bool

    def column(self, name: str) -> np.ndarray:
        return self.curve[:, CURVE_COLUMNS.index(name)]

    @property
    def success(self) -> float:
        return float(self.curve[-1, 3]) if len(self.curve) else 0.0

    @property
    def mean_return(self) -> float:
        return float(self.curve[-1, 2]) if len(self.curve) else 0.0


def default_success() -> tuple[int, int]:
    return 1 << world.EVENT_BIT["coin"], 0


def _cancelled(cancel) -> bool:
    if cancel is None:
        return False
    if hasattr(cancel, "is_set"):
        return bool(cancel.is_set())
    return bool(cancel())


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
    cancelled = False
    t0 = time.perf_counter()
    last = {"report": t0, "progress": None}

    def current_agent() -> PPOAgent:
        return PPOAgent(spec, config, learner.params.copy(), {"seed": int(seed)})

    def between() -> bool:
        # between the compiled pieces of an iteration: cancel within one epoch, and keep
        # progress coming at least 10 times a second even when iterations are long
        nonlocal cancelled
        if _cancelled(cancel):
            cancelled = True
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
        if _cancelled(cancel):
            cancelled = True
            break
        learner.hp[HP_ENTROPY] = entropy_at(config, it, n_iters)
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
        if cancelled:
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
    return TrainResult(agent, curve_arr, learner.steps, seconds, cancelled)


# --- level files ------------------------------------------------------------------

def file_spec(lf: LevelFile, levels: LevelSet) -> ObsSpec:
    return obs_spec(lf.agent.view, lf.agent.shape_range, *levels.terrain.shape[1:])


def file_pad(lf: LevelFile) -> tuple[int, int] | None:
    """The full view sees the whole padded grid, so every set of a file is padded to
    the file's largest level (an agent trained on one set then fits the others)."""
    if lf.agent.view != world.VIEW_FULL:
        return None
    levels = lf.all_levels()
    return max(lv.height for lv in levels), max(lv.width for lv in levels)


def file_success(lf: LevelFile) -> tuple[int, int]:
    """(reach, avoid) masks of the chapter's intended goal (its at_least counts are
    not checked during training); reach the coin without a chapter."""
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
    ls = compile_set(lf, which, pad_to=file_pad(lf), reward_override=reward_override)
    spec = file_spec(lf, ls)
    if config is None:
        config = PPOConfig.from_overrides(lf.agent.learner)
    if steps is None:
        steps = lf.agent.pretrain_steps if which == "pretrain" and lf.agent.pretrain_steps else lf.agent.steps
    seed = lf.agent.seed if seed is None else seed
    result = train(ls, spec, config, seed, steps, progress, cancel, init, file_success(lf))
    result.agent.meta.update({"level_file": str(lf.path), "set": which})
    return result


# --- in the background --------------------------------------------------------------

class TrainingJob:
    """Runs `train` (or `train_file`, with TrainingJob.for_file) in a daemon thread.

        job = TrainingJob(levels, spec, config, seed, steps); job.start()
        ... job.snapshot() -> latest Progress or None; job.cancel(); job.done ...
        job.join(); job.result (TrainResult) or job.error (the worker's exception)
    """

    def __init__(self, *args, target: Callable = train, **kwargs):
        self._target = target
        self._args, self._kwargs = args, kwargs
        self._user_progress = kwargs.pop("progress", None)
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._latest: Progress | None = None
        self._thread = threading.Thread(target=self._run, name="mesa-training", daemon=True)
        self.result: TrainResult | None = None
        self.error: BaseException | None = None

    @classmethod
    def for_file(cls, lf: LevelFile, **kwargs) -> "TrainingJob":
        return cls(lf, target=train_file, **kwargs)

    def _progress(self, p: Progress) -> None:
        with self._lock:
            self._latest = p
        if self._user_progress is not None:
            self._user_progress(p)

    def _run(self) -> None:
        try:
            self.result = self._target(*self._args, progress=self._progress,
                                       cancel=self._cancel, **self._kwargs)
        except BaseException as exc:  # kept for the caller, never lost in the thread
            self.error = exc
        finally:
            self._done.set()

    def start(self) -> "TrainingJob":
        self._thread.start()
        return self

    def snapshot(self) -> Progress | None:
        with self._lock:
            return self._latest

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the worker; True when it has finished."""
        return self._done.wait(timeout)
