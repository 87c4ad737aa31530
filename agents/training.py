"""What every learner (PPO in agents.train, Q-learning in agents.tabular) shares:
the progress report, the result of a run, the learning-curve columns, the default
success condition and the cancel check. No learner code lives here, so both
learners import it and neither imports the other.

Training success is the fraction of finished episodes whose events contain every bit
of `reach` and none of `avoid` (default: reach the coin). The compiled rollouts count
it; counts such as `at_least`/`at_most` are not seen there, so a chapter whose
intended goal counts events measures it outside the learner (game.pipeline does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from levels import world

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
    # current_agent() -> an agent with a copy of the weights so far (for a live view).
    # Call it inside the progress callback (the worker thread, between compiled pieces)
    # for a consistent copy.
    current_agent: Callable[[], object] | None = field(default=None, compare=False, repr=False)

    @property
    def fraction(self) -> float:
        return min(1.0, self.steps / max(self.total_steps, 1))


@dataclass
class TrainResult:
    agent: object              # agents.agent.PPOAgent or agents.tabular.TabularAgent
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
    """(reach, avoid) event masks when nothing else is said: reach the coin."""
    return 1 << world.EVENT_BIT["coin"], 0


def cancelled(cancel) -> bool:
    """`cancel` is None, a threading.Event or a callable returning True to stop."""
    if cancel is None:
        return False
    if hasattr(cancel, "is_set"):
        return bool(cancel.is_set())
    return bool(cancel())
