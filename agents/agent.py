"""Trained agents and the one acting interface that deployment, replays and the UI's
policy arrows use:

    probs, values = agent.policy(obs_codes, state)       # float32[N, 4], float32[N]
    actions = agent.act(obs_codes, state, rng, greedy)  # int32[N]

`obs_codes` is int32[N, ObsSpec.length] from kernels.observe_all; `state` is the
EnvState the observations came from (the tabular agent reads the agent's position
from it and ignores the observation; the others ignore it). Sampling draws from an
explicit uint64 RNG array (one xorshift state per row, or a single shared one; seed it
with kernels.seed_rng), so a replay with the same seed takes the same actions.

Three kinds:
- `PPOAgent`: the MLP trained by agents.ppo.
- `TabularAgent`: a Q table over (row, column, objects taken), agents.tabular.
- `RandomAgent`: uniform over the four actions; the floor any diagnosis is read against.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from agents.network import layout, param_names, param_shapes, policy_batch, sample_batch
from agents.ppo import PPOConfig
from levels import world
from levels.compiled import ObsSpec


class Agent:
    """The acting interface. Subclasses implement `policy`."""
    # every agent has: kind (str), spec (ObsSpec or None), meta (dict)

    def policy(self, obs: np.ndarray, state=None) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def act(self, obs: np.ndarray, state, rng_state: np.ndarray, greedy: bool = False) -> np.ndarray:
        """One action per row: the most probable when greedy (the first on ties),
        else sampled with rng_state (uint64[N] or uint64[1], advanced in place)."""
        probs, _ = self.policy(obs, state)
        rng_state = np.asarray(rng_state)
        if rng_state.dtype != np.uint64 or rng_state.ndim != 1 or rng_state.shape[0] not in (1, len(probs)):
            raise ValueError("rng_state must be a uint64 array with one state per row, or one state")
        out = np.zeros(len(probs), np.int32)
        sample_batch(probs, rng_state, bool(greedy), out)
        return out

    @staticmethod
    def _rows(obs, state) -> int:
        if obs is not None:
            return int(np.shape(obs)[0])
        return int(state.r.shape[0])


@dataclass(eq=False)
class PPOAgent(Agent):
    """An MLP policy: `params` is the flat float32 vector laid out by agents.network.layout
    for the observation `spec` and `config.hidden`. `meta` holds what the agent file
    records (seed, levels hash, steps, training curve)."""
    spec: ObsSpec
    config: PPOConfig
    params: np.ndarray
    meta: dict = field(default_factory=dict)
    kind = "ppo"

    def __post_init__(self):
        self.sizes, self.offs, n = layout(self.spec.dense_length, self.config.hidden)
        self.params = np.ascontiguousarray(self.params, np.float32)
        if self.params.shape != (n,):
            raise ValueError(f"PPOAgent: {n} parameters expected for input {self.spec.dense_length} "
                             f"and hidden {list(self.config.hidden)}, got {self.params.shape}")

    @property
    def hidden(self) -> tuple[int, ...]:
        return self.config.hidden

    def policy(self, obs, state=None):
        obs = np.ascontiguousarray(obs, np.int32)
        if obs.ndim != 2 or obs.shape[1] != self.spec.length:
            raise ValueError(f"observations must be int32[N, {self.spec.length}] for this agent's "
                             f"view; got shape {obs.shape}")
        probs = np.zeros((obs.shape[0], world.N_ACTIONS), np.float32)
        values = np.zeros(obs.shape[0], np.float32)
        policy_batch(self.params, self.sizes, self.offs, obs, self.spec.n_cells,
                     self.spec.cell_channels, probs, values)
        return probs, values

    def weights(self) -> dict[str, np.ndarray]:
        """The parameters as named arrays (views of the flat vector)."""
        out = {}
        o = 0
        for name, shape in zip(param_names(self.hidden), param_shapes(self.spec.dense_length, self.hidden)):
            n = int(np.prod(shape))
            out[name] = self.params[o:o + n].reshape(shape)
            o += n
        return out

    @classmethod
    def from_weights(cls, spec: ObsSpec, config: PPOConfig, weights: dict, meta=None) -> "PPOAgent":
        names = param_names(config.hidden)
        flat = np.concatenate([np.asarray(weights[k], np.float32).ravel() for k in names])
        return cls(spec, config, flat, dict(meta or {}))


@dataclass(eq=False)
class TabularAgent(Agent):
    """A tabular policy. q: float32[H, W, K, 4], the value of each action at (row,
    column, k) where k = objects taken so far, capped at K - 1 (see agents.tabular).
    It never looks at the observation, so it cannot see a moved coin. Acting: the
    greedy action (ties split evenly) with probability 1 - epsilon, else uniform.
    Cells outside the table act uniformly at random.

    Build one by hand for tests and demonstrations, e.g. "always go right":
        q = np.zeros((H, W, 1, 4), np.float32); q[..., world.RIGHT] = 1
        TabularAgent(q)
    """
    q: np.ndarray
    epsilon: float = 0.0
    spec: ObsSpec | None = None
    meta: dict = field(default_factory=dict)
    kind = "tabular"

    def __post_init__(self):
        self.q = np.ascontiguousarray(self.q, np.float32)
        if self.q.ndim != 4 or self.q.shape[3] != world.N_ACTIONS or min(self.q.shape) < 1:
            raise ValueError(f"TabularAgent: q must be float32[H, W, K, 4]; got shape {self.q.shape}")
        if not 0.0 <= self.epsilon <= 1.0:
            raise ValueError(f"TabularAgent: epsilon must be in [0, 1]; got {self.epsilon}")

    def policy(self, obs=None, state=None):
        from agents.tabular import tabular_policy
        if state is None:
            raise ValueError("the tabular agent acts from the environment state (position and "
                             "objects taken): pass state=EnvState")
        n = state.r.shape[0]
        probs = np.zeros((n, world.N_ACTIONS), np.float32)
        values = np.zeros(n, np.float32)
        tabular_policy(self.q, np.float32(self.epsilon), state.r, state.c, state.ep_events, probs, values)
        return probs, values


@dataclass(eq=False)
class RandomAgent(Agent):
    """Uniformly random actions."""
    spec: ObsSpec | None = None
    meta: dict = field(default_factory=dict)
    kind = "random"

    def policy(self, obs=None, state=None):
        n = self._rows(obs, state)
        return (np.full((n, world.N_ACTIONS), 1.0 / world.N_ACTIONS, np.float32),
                np.zeros(n, np.float32))
