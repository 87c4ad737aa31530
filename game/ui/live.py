"""The live view: a few environments on the training levels, played by the latest
policy the learner has, one step every few frames. Stepping goes through the
rules kernels (levels.kernels); nothing here decides what happens in the world.

Also `TrainingWork`: the chapter's training phases (pre-trained agent, the
player's training run, the control agent, the upgraded agent) in one background thread, through
game.session and agents.train, with progress and cancel for the window.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from levels import kernels
from levels.compiled import compile_set, new_state
from levels.model import LevelFile


@dataclass
class Phase:
    name: str       # "pretrain", "train", "control" or "upgrade"
    label: str      # what the window says


class TrainingWork:
    """Train the way `game.session.run_chapter` does (pre-trained start, training,
    control agent), in a daemon thread, keeping the latest Progress of each phase,
    the learning curve and, for the live view, a copy of the policy so far."""

    PEEK_EVERY = 0.25  # seconds between copies of the policy for the live view

    def __init__(self, lf: LevelFile, seed: int = 0, steps: int | None = None):
        self.lf = lf
        self.seed = seed
        self.steps = steps
        self.phases = []
        if lf.pretrain:
            self.phases.append(Phase("pretrain", "Pre-training (cached after the first time)"))
        self.phases.append(Phase("train", "Training on your levels"))
        if lf.control_reward is not None:
            self.phases.append(Phase("control", "Training the control agent"))
        if lf.upgrade is not None:
            self.phases.append(Phase("upgrade", "Training the upgraded agent on your levels"))
        self.phase = self.phases[0].name
        self.progress = None          # agents.train.Progress of the current phase
        self.curve: list[tuple[int, float, float]] = []  # (steps, success, mean_return), train phase
        self.live_agent = None        # the policy so far (a PPOAgent copy), or None
        self.result = None            # TrainResult of the player's run
        self.control = None           # TrainResult of the control agent
        self.upgrade = None           # TrainResult of the upgraded agent
        self.error: BaseException | None = None
        self.trace = ""
        self.cancelled = False
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._last_peek = 0.0
        self.warm_hook = None         # called in the worker with the first live agent
        self._thread = threading.Thread(target=self._run, name="mesa-training", daemon=True)

    def start(self) -> "TrainingWork":
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def join(self, timeout=None) -> bool:
        return self._done.wait(timeout)

    def _report(self, phase: str):
        def report(p):
            self.phase = phase
            self.progress = p
            if phase == "train":
                self.curve.append((int(p.steps), float(p.success), float(p.mean_return)))
                now = time.perf_counter()
                if now - self._last_peek >= self.PEEK_EVERY or self.live_agent is None:
                    self._last_peek = now
                    agent = p.current_agent() if p.current_agent is not None else None
                    if agent is not None:
                        first = self.live_agent is None
                        self.live_agent = agent
                        if first and self.warm_hook is not None:
                            self.warm_hook(agent)
        return report

    def _run(self) -> None:
        from agents.train import train_file
        try:
            init = None
            if self.lf.pretrain:
                from game.session import pretrained_agent
                init = pretrained_agent(self.lf, self._report("pretrain"), self._cancel)
            self.result = train_file(self.lf, "train", seed=self.seed, steps=self.steps, init=init,
                                     progress=self._report("train"), cancel=self._cancel)
            self.live_agent = self.result.agent
            if self.lf.control_reward is not None and not self._cancel.is_set():
                self.control = train_file(self.lf, "train", seed=self.seed, steps=self.steps, init=init,
                                          reward_override=self.lf.control_reward,
                                          progress=self._report("control"), cancel=self._cancel)
            if self.lf.upgrade is not None and not self._cancel.is_set():
                from game.session import train_upgrade
                self.upgrade = train_upgrade(self.lf, self.seed, self.steps, self._report("upgrade"),
                                             self._cancel)
            self.cancelled = self._cancel.is_set()
        except BaseException as exc:  # noqa: BLE001 - shown in the window
            import traceback
            self.error = exc
            self.trace = traceback.format_exc()
        finally:
            self._done.set()


class LiveEnv:
    """One environment per shown level, stepped by a policy."""

    HOLD_STEPS = 4  # ticks to keep a finished episode on screen before restarting

    def __init__(self, lf: LevelFile, max_levels: int = 4, seed: int = 1):
        from agents.train import file_pad
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
        kernels.observe_all(self.ls, self.st, agent.spec.view, agent.spec.shape_range, self.obs)
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
