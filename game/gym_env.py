"""A Gymnasium adapter (the optional `gym` extra): any level set of any level file as
a `gymnasium.Env`, so agents from other libraries can train on Mesa Lab levels and
then be deployed through our own diagnosis.

- observation: the one-hot vector the game's learner sees (`ObsSpec.dense`: a
  channel per terrain, object kind and colour for every cell of the agent's view,
  then the global flags watched, trigger, has_key, cue), as a Box of 0/1 float32;
- actions: Discrete(4), up, down, left, right (levels.world.ACTIONS);
- reward: the level file's weights applied to the step's events, exactly as in
  training; `terminated` on an `end_on` event, `truncated` on the step limit;
- info: "events" (this step's event names), "level", "intended" (whether the
  chapter's intended goal is met so far this episode) and "probes" (each probe's
  condition so far this episode).

The environment runs the same numba kernels as training (levels.kernels), on one
environment, seeded like environment 0 of a batch: `reset(seed=s)` then a sequence
of actions gives the events the reference rules (levels.reference) give, step for
step. `as_agent(policy)` wraps any observation -> action-probabilities function so
`game.deploy.deploy` and `game.diagnosis.diagnose` can judge it.
"""

from __future__ import annotations

import gymnasium
import numpy as np
from gymnasium import spaces

from agents.train import file_pad, file_spec
from game.deploy import condition_met
from levels import kernels, world
from levels.compiled import compile_set, new_state
from levels.errors import LevelFormatError
from levels.load import load

SETS = ("train", "deploy", "pretrain")


class LevelEnv(gymnasium.Env):
    """One level set of a level file. `levels` is "train", "deploy" or "pretrain";
    each reset draws a level of the set (the game's own draw) unless
    `options={"level": name or index}` picks one."""

    metadata = {"render_modes": ["ansi"]}

    def __init__(self, path, levels: str = "train", render_mode: str | None = None):
        if levels not in SETS:
            raise ValueError(f"levels must be one of {', '.join(SETS)}, not {levels!r}")
        try:
            self.level_file = load(path)
        except LevelFormatError as exc:
            raise ValueError(f"{path} is not a valid level file:\n{exc}") from None
        self.levels = getattr(self.level_file, levels)
        if not self.levels:
            raise ValueError(f"{path} has no [[{levels}]] levels")
        self.which = levels
        self.render_mode = render_mode
        lf = self.level_file
        self._ls = compile_set(lf, levels, pad_to=file_pad(lf))
        self.spec_obs = file_spec(lf, self._ls)
        self._st = new_state(self._ls, 1)
        self._codes = np.zeros((1, self.spec_obs.length), np.int32)
        self._counts = np.zeros((1, world.N_EVENTS), np.int64)
        self._bits = np.arange(world.N_EVENTS)
        self._intended = lf.intended()
        self._seeded = False
        self.observation_space = spaces.Box(0.0, 1.0, (self.spec_obs.dense_length,), np.float32)
        self.action_space = spaces.Discrete(world.N_ACTIONS)

    # --- the Env API ---------------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        if seed is not None:
            kernels.seed_rng(self._st.rng, int(seed))
            self._seeded = True
        elif not self._seeded:  # first reset without a seed: one from Gymnasium's RNG
            kernels.seed_rng(self._st.rng, int(self.np_random.integers(0, 2**62)))
            self._seeded = True
        level = -1
        if options and "level" in options:
            level = self._level_index(options["level"])
        kernels.reset_one(self._ls, self._st, 0, level)
        self._counts[:] = 0
        return self._observe(), self._info(0)

    def step(self, action):
        if not self.action_space.contains(action):
            raise ValueError(f"action must be 0..{world.N_ACTIONS - 1}, not {action!r}")
        events, reward, done = kernels.step_one(self._ls, self._st, 0, int(action))
        events = int(events)
        self._counts[0] += (events >> self._bits) & 1
        timeout = bool(events >> world.EVENT_BIT["timeout"] & 1)
        end = bool(events & int(self._ls.end_mask[int(self._st.lvl[0])]))
        terminated = bool(done) and end
        truncated = bool(done) and not end and timeout
        return self._observe(), float(reward), terminated, truncated, self._info(events)

    def render(self):
        if self.render_mode != "ansi":
            return None
        lv = self.levels[int(self._st.lvl[0])]
        rows = [list(r) for r in lv.rows]
        r, c = int(self._st.r[0]), int(self._st.c[0])
        if 0 <= r < len(rows) and 0 <= c < len(rows[r]):
            rows[r][c] = "@"
        return "\n".join("".join(row) for row in rows)

    # --- helpers --------------------------------------------------------------------

    def _level_index(self, level) -> int:
        if isinstance(level, (int, np.integer)) and 0 <= int(level) < len(self.levels):
            return int(level)
        for i, lv in enumerate(self.levels):
            if lv.name == level:
                return i
        raise ValueError(f"no level {level!r} in the [[{self.which}]] set; "
                         f"levels: {', '.join(lv.name for lv in self.levels)}")

    def _observe(self) -> np.ndarray:
        s = self.spec_obs
        kernels.observe_one(self._ls, self._st, 0, s.view, s.shape_range, s.trail, self._codes)
        return s.dense(self._codes)[0]

    def _info(self, events: int) -> dict:
        lf = self.level_file
        z = lf.zone_names
        return {"events": world.event_names(events, z),
                "level": self.levels[int(self._st.lvl[0])].name,
                "intended": bool(condition_met(self._intended, self._counts, z)[0]),
                "probes": {name: bool(condition_met(cond, self._counts, z)[0])
                           for name, cond in lf.probes.items()}}


class PolicyAgent:
    """Any policy over the adapter's observations, as an agent our deployment can
    run: `policy(dense_obs[N, D]) -> action probabilities [N, 4]`."""

    def __init__(self, spec, policy):
        self.spec = spec
        self._policy = policy

    def policy(self, obs, state=None):
        probs = np.asarray(self._policy(self.spec.dense(obs)), np.float32)
        return probs, np.zeros(len(probs), np.float32)


def as_agent(env: LevelEnv, policy) -> PolicyAgent:
    """Wrap a third-party policy for `game.deploy.deploy(agent, env.level_file)`."""
    return PolicyAgent(env.spec_obs, policy)
