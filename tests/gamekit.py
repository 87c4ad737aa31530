"""Hand-built agents for testing deployment and diagnosis without training:
their behaviour is known, so the numbers they produce are known too."""

from __future__ import annotations

import numpy as np

from agents.agent import RandomAgent
from levels.compiled import obs_spec


class FixedAgent:
    """Always the same action distribution, whatever it sees."""

    def __init__(self, probs, view: int = 5):
        self.p = np.asarray(probs, np.float32)
        self.spec = obs_spec(view, None, 0, 0)

    def policy(self, obs, state=None):
        n = obs.shape[0]
        return np.tile(self.p, (n, 1)), np.zeros(n, np.float32)


def uniform_agent(view: int = 5) -> RandomAgent:
    """The game's own uniformly random agent, with a view of the given size."""
    return RandomAgent(obs_spec(view, None, 0, 0))


def always_right(view: int = 5) -> FixedAgent:
    return FixedAgent([0.0, 0.0, 0.0, 1.0], view)
