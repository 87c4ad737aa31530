"""The live view: a few environments on the training levels, played by the latest
policy the learner has, one step every few frames. Stepping goes through the
rules kernels (levels.kernels); nothing here decides what happens in the world.

Also `TrainingView`: what the training screen shows of the chapter pipeline's
training stages (game.pipeline), per agent: the latest progress, the learning
curve and a copy of the policy so far. The pipeline runs in a game.jobs.Job and
feeds it StageProgress reports from its worker threads.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from agents.train import file_pad
from game.pipeline import StageProgress, counts_events
from levels import kernels
from levels.compiled import compile_set, new_state
from levels.model import LevelFile


@dataclass
class Phase:
    name: str       # "pretrain", "train", "control" or "upgrade"
    label: str      # what the window says


class TrainingView:
    """Per agent: the latest Progress, the learning curve [(steps, success)], and
    for the live view a copy of the policy so far. Success is the intended goal's
    whole condition: the learner's own figure, or the pipeline's check on the
    training levels when the goal counts events (at_least/at_most)."""

    PEEK_EVERY = 0.25  # seconds between copies of one agent's policy for the live view

    def __init__(self, lf: LevelFile, agents: int):
        self.phases = []
        if lf.pretrain:
            self.phases.append(Phase("pretrain", "Pre-training (cached after the first time)"))
        self.phases.append(Phase("train", "Training on your levels"))
        if lf.control_reward is not None:
            self.phases.append(Phase("control", "Training the control agents"))
        if lf.upgrade is not None:
            self.phases.append(Phase("upgrade", "Training the upgraded agents on your levels"))
        # the upgraded agent's own budget, when [upgrade] sets one (others share the run's)
        self._upgrade_budget = (lf.upgrade or {}).get("steps", 0)
        self.phase = self.phases[0].name
        self.counted = counts_events(lf)
        self.agents = agents
        self.pretrain = None                        # Progress of pre-training
        self.progress = [None] * agents             # Progress of each agent's current phase
        self._steps = [{} for _ in range(agents)]   # per agent: phase -> steps done
        self._budget = 0                            # steps per agent and phase
        self.success = [None] * agents              # latest success figure (whole condition)
        self.curves: list[list[tuple[int, float]]] = [[] for _ in range(agents)]
        self.live_agents = [None] * agents          # each agent's policy so far (a copy)
        self.warm_hook = None                       # called in a worker with the first live agent
        self._last_peek = [0.0] * agents
        self._warmed = False

    def report(self, sp: StageProgress) -> None:
        """Called by the pipeline (in a worker thread) with every report."""
        p = sp.training
        if p is None:
            return
        self.phase = sp.stage
        if sp.agent is None:
            self.pretrain = p
            return
        k = sp.agent
        self.progress[k] = p
        self._steps[k][sp.stage] = p.steps
        if sp.stage == "upgrade":
            self._upgrade_budget = p.total_steps
        else:
            self._budget = max(self._budget, p.total_steps)
        if sp.stage != "train":
            return
        success = sp.goal if self.counted else p.success
        self.success[k] = success
        if success is not None and (not self.curves[k] or self.curves[k][-1] != (p.steps, success)):
            self.curves[k].append((int(p.steps), float(success)))
        now = time.perf_counter()
        if p.current_agent is not None and (now - self._last_peek[k] >= self.PEEK_EVERY
                                            or self.live_agents[k] is None):
            self._last_peek[k] = now
            agent = p.current_agent()
            self.live_agents[k] = agent
            if not self._warmed and self.warm_hook is not None:
                self._warmed = True
                self.warm_hook(agent)

    def overall(self) -> tuple[int, int]:
        """(steps done, steps in all): of pre-training while it runs, then of every
        agent's training, control and upgrade phases together (the same budget each,
        except an upgrade that sets its own)."""
        if self.phase == "pretrain" and self.pretrain is not None:
            return self.pretrain.steps, self.pretrain.total_steps
        if not self._budget:
            return 0, 0
        budgets = [self._upgrade_budget or self._budget if p.name == "upgrade" else self._budget
                   for p in self.phases if p.name != "pretrain"]
        done = sum(sum(d.values()) for d in self._steps)
        return done, sum(budgets) * self.agents


class LiveEnv:
    """One environment per shown level, stepped by a policy."""

    HOLD_STEPS = 4  # ticks to keep a finished episode on screen before restarting

    def __init__(self, lf: LevelFile, max_levels: int = 4, seed: int = 1):
        self.levels = lf.train[:max_levels]
        self.ls = compile_set(lf, "train", pad_to=file_pad(lf))
        n = len(self.levels)
        self.st = new_state(self.ls, n)
        kernels.seed_rng(self.st.rng, seed)
        kernels.reset_all(self.ls, self.st, np.arange(n, dtype=np.int32))
        self.rng = np.arange(1, n + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        self.facing = np.full(n, 3, np.int32)
        self.hold = np.zeros(n, np.int32)
        self.last_events = np.zeros(n, np.int32)
        self.obs = None
        self.episodes = 0
        self._ev = np.zeros(n, np.int32)
        self._rw = np.zeros(n, np.float32)
        self._dn = np.zeros(n, np.bool_)

    def tick(self, agent) -> None:
        """One step of every environment with the agent's sampled actions."""
        if agent is None:
            return
        n = len(self.levels)
        if self.obs is None or self.obs.shape[1] != agent.spec.length:
            self.obs = np.zeros((n, agent.spec.length), np.int32)
        kernels.observe_all(self.ls, self.st, agent.spec.view, agent.spec.shape_range, agent.spec.trail, self.obs)
        actions = agent.act(self.obs, self.st, self.rng, greedy=False).astype(np.int32)
        for i in range(n):
            if self.hold[i] > 0:
                self.hold[i] -= 1
                if self.hold[i] == 0:
                    kernels.reset_one(self.ls, self.st, i, i)
                continue
            ev, _, done = kernels.step_one(self.ls, self.st, i, int(actions[i]))
            self.facing[i] = actions[i]
            self.last_events[i] = ev
            if done:
                self.hold[i] = self.HOLD_STEPS
                self.episodes += 1

    def view(self, i: int):
        """What to draw for environment i: terrain[H, W], objects [(kind, colour, year, r, c)],
        agent (r, c), facing, and the events of the last step."""
        lv = self.levels[i]
        H, W = lv.height, lv.width
        terrain = self.ls.terrain[i, :H, :W]
        objs = []
        for k in range(int(self.ls.n_obj[i])):
            if self.st.alive[i, k]:
                objs.append((int(self.ls.obj_kind[i, k]), int(self.ls.obj_color[i, k]),
                             int(self.ls.obj_year[i, k]), int(self.st.obj_r[i, k]), int(self.st.obj_c[i, k])))
        return terrain, objs, (int(self.st.r[i]), int(self.st.c[i])), int(self.facing[i]), int(self.last_events[i])
