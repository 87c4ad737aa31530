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
- `TabularAgent`: a Q table over (row, column, objects taken), in agents.tabular
  with its learner.
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
                     self.spec.cell_channels, self.spec.mask_view, probs, values)
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
class RandomAgent(Agent):
    """Uniformly random actions: the chance level every rate is read against (the
    deployment baseline, tests, and random agent files). `spec` gives the
    observation size deployment fills; None for a small one."""
    spec: ObsSpec | None = None
    meta: dict = field(default_factory=dict)
    kind = "random"

    def policy(self, obs=None, state=None):
        n = self._rows(obs, state)
        return (np.full((n, world.N_ACTIONS), 1.0 / world.N_ACTIONS, np.float32),
                np.zeros(n, np.float32))
