"""The chapter pipeline, the one place a chapter is played: put the design into the
chapter, pre-train (or load the chapter's pre-trained agent), train one agent or a
group of agents (seeds) at once, train each one's control agent where the chapter
compares against one and its upgraded agent where the chapter has an [upgrade],
deploy, diagnose, score. The command line (`run`,
`calibrate`) and the window's scenes all drive this class; the window runs the
training stages in one scene and the rest after the player's prediction.

Stages report progress as StageProgress and stop when `cancel` (a threading.Event
or a callable) is set; results are typed: Training after the training stages,
ChapterResult at the end, one AgentRun per agent in both.

Many agents: agent k trains with seed `seed + k` (so `run --agents 8` shows the
agents `calibrate --seeds 8` would), each in its own learner. The compiled learner
releases the GIL, so agents train in parallel threads; each agent's result depends
on its seed only, never on the threads, so a group is identical however it ran.

Training success for the debrief counts the intended goal's whole condition
(at_least/at_most included): the learner's compiled rollout counts only reach and
avoid, so the pipeline measures the goal on the training levels the way deployment
does (`check_training`), at the end and, when the goal counts events and someone
watches, at every tenth of the budget.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from agents.train import train_file
from agents.training import Progress, TrainResult, cancelled
from game.capability import SHIFT_LABELS, explain_capability, explain_shift
from game.deploy import DeployReport, LevelReport, deploy, measure_level, policy_map
from game.designs import merged
from game.diagnosis import Diagnosis, diagnose, diagnose_group, label_counts
from game.pretrained import pretrained_agent
from game.scoring import Stars, score
from levels.model import LevelFile

STAGES = ("pretrain", "train", "control", "upgrade", "deploy", "diagnose", "score")
AGENT_CHOICES = (1, 4, 8)     # group sizes the window offers
CHECKS = 10                   # intended-goal checks per watched training run (counted goals)
CHECK_EPISODES = 32           # episodes per training level in each check


def agent_seeds(seed: int, agents: int) -> list[int]:
    """Agent k of a run with seed s trains and deploys with seed s + k."""
    return [seed + k for k in range(agents)]


def counts_events(lf: LevelFile) -> bool:
    """Whether the intended goal counts events (at_least/at_most), which the
    learner's own success figure does not see."""
    cond = lf.intended()
    return bool(cond.at_least or cond.at_most)


def train_upgrade(lf: LevelFile, seed: int, steps: int | None = None, progress=None,
                  cancel=None) -> TrainResult:
    """The upgraded agent: the same levels, reward and seed, [agent] changed by
    [upgrade]. It trains from scratch (a wider view or other layers could not start
    from the pre-trained weights). `steps` (the run's budget) applies when [upgrade]
    does not set its own."""
    return train_file(lf.upgraded(), "train", seed=seed,
                      steps=None if "steps" in lf.upgrade else steps,
                      progress=progress, cancel=cancel)


class Cancelled(Exception):
    """A stage stopped by its cancel before it had a result."""


@dataclass(frozen=True)
class StageProgress:
    stage: str                      # one of STAGES
    agent: int | None               # which agent (index), None for the whole group
    fraction: float                 # of this stage for this agent, 0..1
    training: Progress | None = None  # the learner's report, in training stages
    goal: float | None = None       # latest intended-goal rate on the training levels
                                    # (whole condition), where the pipeline measured it


@dataclass
class AgentRun:
    """One agent of a run, filled in stage by stage."""
    index: int
    seed: int
    train: TrainResult
    control: TrainResult | None = None
    upgrade: TrainResult | None = None                # the upgraded agent ([upgrade])
    goal_curve: list[tuple[int, float]] = field(default_factory=list)  # (steps, intended rate)
    training_levels: list[LevelReport] = field(default_factory=list)   # the final check
    report: DeployReport | None = None
    maps: dict = field(default_factory=dict)          # level name -> PolicyMap (window only)
    diagnosis: Diagnosis | None = None
    why: list[str] = field(default_factory=list)      # why it fell short (game.capability)

    @property
    def agent(self):
        return self.train.agent

    @property
    def training_goal(self) -> float:
        """The intended goal's rate on the training levels (whole condition); the
        learner's own figure until the pipeline has measured it."""
        if self.training_levels:
            return sum(r.intended for r in self.training_levels) / len(self.training_levels)
        if self.goal_curve:
            return self.goal_curve[-1][1]
        return self.train.success

    def to_json(self) -> dict:
        rep = self.report
        probes = {}
        if rep is not None:
            for name in sorted({p for lv in rep.levels for p in lv.probes}):
                probes[name] = round(rep.probe_mean(name), 4)
        out = {"seed": self.seed,
               "label": self.diagnosis.label if self.diagnosis else None,
               "intended": round(rep.intended, 4) if rep else None,
               "probes": probes,
               "train": {"steps": int(self.train.steps), "seconds": round(self.train.seconds, 3),
                         "success": round(float(self.train.success), 4),
                         "intended": round(self.training_goal, 4),
                         "cancelled": bool(self.train.cancelled)}}
        if self.upgrade is not None and rep is not None and rep.upgrade is not None:
            out["upgrade"] = {"intended": round(rep.upgrade_intended, 4),
                              "probes": {k: round(rep.probe_mean(k, rep.upgrade), 4) for k in probes},
                              "train": {"steps": int(self.upgrade.steps),
                                        "seconds": round(self.upgrade.seconds, 3)}}
        if self.why:
            out["why"] = list(self.why)
        return out


@dataclass
class Training:
    """What the training stages produce: the chapter with the design in it and one
    trained agent (with its control agent) per seed."""
    lf: LevelFile
    agents: list[AgentRun]
    pretrained: bool = False
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def cancelled(self) -> bool:
        return any(a.train.cancelled or (a.control is not None and a.control.cancelled)
                   or (a.upgrade is not None and a.upgrade.cancelled) for a in self.agents)


@dataclass
class ChapterResult:
    """A played chapter. `diagnosis` and `stars` are the group's (with one agent,
    that agent's); the one-agent fields (train, report, control) are the first
    agent's, whose seed is the run's."""
    lf: LevelFile
    agents: list[AgentRun]
    diagnosis: Diagnosis
    stars: Stars
    pretrained: bool = False
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def first(self) -> AgentRun:
        return self.agents[0]

    @property
    def train(self) -> TrainResult:
        return self.first.train

    @property
    def control(self) -> TrainResult | None:
        return self.first.control

    @property
    def upgrade(self) -> TrainResult | None:
        return self.first.upgrade

    @property
    def report(self) -> DeployReport:
        return self.first.report

    @property
    def labels(self) -> dict[str, int]:
        return label_counts([a.diagnosis for a in self.agents])

    def to_json(self) -> dict:
        t = self.train
        out = self.report.to_json()
        out.update({
            "chapter": self.lf.chapter.id if self.lf.chapter else None,
            "lesson": self.lf.chapter.lesson if self.lf.chapter else None,
            "train": {"steps": int(t.steps), "seconds": round(t.seconds, 3),
                      "success": round(float(t.success), 4), "cancelled": bool(t.cancelled)},
            "diagnosis": self.diagnosis.to_json(),
            "stars": self.stars.to_json(),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        })
        if self.control is not None:
            out["control_train"] = {"steps": int(self.control.steps),
                                    "success": round(float(self.control.success), 4)}
        if self.upgrade is not None:
            out["upgrade_train"] = {"steps": int(self.upgrade.steps),
                                    "seconds": round(self.upgrade.seconds, 3),
                                    "success": round(float(self.upgrade.success), 4)}
        if len(self.agents) > 1:
            out["agents"] = [a.to_json() for a in self.agents]
            out["labels"] = self.labels
        return out


@dataclass
class _Checks:
    """The intended-goal checks of one training run (see ChapterPipeline._train_report)."""
    curve: list[tuple[int, float]] = field(default_factory=list)
    final: list[LevelReport] = field(default_factory=list)


def check_training(agent, lf: LevelFile, seed: int, episodes: int = CHECK_EPISODES) -> list[LevelReport]:
    """The agent measured on its training levels as on deployment: the intended
    goal's whole condition, probes and outcomes per level."""
    return [measure_level(agent, lv, lf, episodes, (seed * 1_000_003 + 7919 * (5000 + i)) & 0x7FFFFFFF)
            for i, lv in enumerate(lf.train)]


def _mean_intended(reports: list[LevelReport]) -> float:
    return sum(r.intended for r in reports) / len(reports) if reports else 0.0


class ChapterPipeline:
    """A chapter played with one design by `agents` agents. Stages: `train` (pretrain,
    train, control), then `finish` (deploy, diagnose, score); `run` does both."""

    def __init__(self, chapter: LevelFile, design: LevelFile | None = None, *, seed: int = 0,
                 agents: int = 1, steps: int | None = None, episodes: int = 100,
                 counterfactuals: bool = True, policy_maps: bool = False,
                 threads: int | None = None):
        if agents < 1:
            raise ValueError("a run needs at least one agent")
        self.chapter = chapter
        self.design = design
        self.lf = merged(chapter, design)
        self.seed = seed
        self.seeds = agent_seeds(seed, agents)
        self.steps = steps
        self.episodes = episodes
        self.counterfactuals = counterfactuals
        self.policy_maps = policy_maps
        self.threads = max(1, min(agents, threads or os.cpu_count() or 1))

    # --- running several agents ------------------------------------------------------
    def _each(self, fn, items):
        """fn over items, in parallel threads when there are several; results in order."""
        items = list(items)
        if self.threads <= 1 or len(items) <= 1:
            return [fn(x) for x in items]
        with ThreadPoolExecutor(self.threads, thread_name_prefix="mesa-agent") as pool:
            return list(pool.map(fn, items))

    # --- training stages ---------------------------------------------------------------
    def train(self, progress=None, cancel=None) -> Training:
        """Pre-train (once, shared by every agent), then train each agent, its
        control agent and its upgraded agent. `progress(StageProgress)` may be called
        from worker threads."""
        lf = self.lf
        seconds: dict[str, float] = {}
        init = None
        if lf.pretrain:
            t0 = time.perf_counter()
            report = None if progress is None else (
                lambda p: progress(StageProgress("pretrain", None, p.fraction, p)))
            init = pretrained_agent(lf, report, cancel)
            seconds["pretrain"] = time.perf_counter() - t0
        watch = progress is not None and counts_events(lf)

        def one(k: int) -> tuple[AgentRun, float, float, float]:
            seed = self.seeds[k]
            checks = _Checks()
            t0 = time.perf_counter()
            result = train_file(lf, "train", seed=seed, steps=self.steps, init=init,
                                progress=self._train_report(progress, "train", k, seed, checks, watch),
                                cancel=cancel)
            t1 = time.perf_counter()
            control = None
            if lf.control_reward is not None and not cancelled(cancel):
                control = train_file(lf, "train", seed=seed, steps=self.steps, init=init,
                                     reward_override=lf.control_reward,
                                     progress=self._train_report(progress, "control", k, seed, None, False),
                                     cancel=cancel)
            t2 = time.perf_counter()
            upgrade = None
            if lf.upgrade is not None and not cancelled(cancel):
                upgrade = train_upgrade(lf, seed, self.steps,
                                        self._train_report(progress, "upgrade", k, seed, None, False),
                                        cancel)
            run = AgentRun(k, seed, result, control, upgrade, checks.curve, checks.final)
            return run, t1 - t0, t2 - t1, time.perf_counter() - t2

        t0 = time.perf_counter()
        done = self._each(one, range(len(self.seeds)))
        runs = [r for r, _, _, _ in done]
        if len(runs) == 1:  # one agent: the stage times as they always were
            seconds["train"] = done[0][1]
            if lf.control_reward is not None:
                seconds["control"] = done[0][2]
            if lf.upgrade is not None:
                seconds["upgrade"] = done[0][3]
        else:
            seconds["train"] = time.perf_counter() - t0
        return Training(lf, runs, init is not None, seconds)

    def _train_report(self, progress, stage: str, index: int, seed: int, checks, watch: bool):
        """The learner's progress as StageProgress; when `watch`, the intended goal is
        measured on the training levels at every tenth of the budget (into `checks`)."""
        if progress is None:
            return None
        state = {"next": None}

        def report(p: Progress) -> None:
            goal = None
            if watch:
                if state["next"] is None:
                    state["next"] = p.total_steps / CHECKS
                # the first report past a checkpoint is always an iteration's end, so
                # the checks fall on the same weights whatever the timing
                if p.steps >= state["next"] and p.current_agent is not None:
                    reports = check_training(p.current_agent(), self.lf, seed)
                    checks.curve.append((int(p.steps), _mean_intended(reports)))
                    checks.final = reports if p.steps >= p.total_steps else []
                    while state["next"] <= p.steps:
                        state["next"] += p.total_steps / CHECKS
                goal = checks.curve[-1][1] if checks.curve else None
            progress(StageProgress(stage, index, p.fraction, p, goal))
        return report

    # --- deployment, diagnosis, score ----------------------------------------------------
    def finish(self, training: Training, prediction: str | None = None, progress=None,
               cancel=None) -> ChapterResult:
        """Deploy every agent, diagnose each and the group, and score the group."""
        lf = training.lf
        n = len(training.agents)
        seconds = dict(training.seconds)
        t0 = time.perf_counter()

        def deploy_one(run: AgentRun) -> AgentRun:
            if cancelled(cancel):
                return run
            run.report = deploy(run.agent, lf, episodes=self.episodes, seed=run.seed,
                                control=run.control.agent if run.control is not None else None,
                                counterfactuals=self.counterfactuals,
                                upgrade=run.upgrade.agent if run.upgrade is not None else None)
            if not run.training_levels:
                run.training_levels = check_training(run.agent, lf, run.seed)
            if self.policy_maps:
                for lv in lf.deploy:
                    try:
                        run.maps[lv.name] = policy_map(run.agent, lf, lv.name, run.seed)
                    except (ValueError, IndexError):
                        pass  # arrows are optional
            if progress is not None:
                progress(StageProgress("deploy", run.index, 1.0))
            return run

        runs = self._each(deploy_one, training.agents)
        seconds["deploy"] = time.perf_counter() - t0
        if cancelled(cancel) and any(r.report is None for r in runs):
            raise Cancelled("deployment cancelled")
        if progress is not None:
            progress(StageProgress("diagnose", None, 0.0))
        for run in runs:
            run.diagnosis = diagnose(lf, run.report)
            # the evidence is about the player's agent: not when only its upgrade failed
            if run.diagnosis.label == "capability-failure" and (
                    run.report.upgrade is None or run.report.intended < lf.pass_bar()):
                run.why = explain_capability(lf, run.training_levels, run.report,
                                             run.train, run.goal_curve)
            elif run.diagnosis.label in SHIFT_LABELS:
                run.why = explain_shift(lf, run.training_levels, run.report, run.diagnosis.label)
        group = runs[0].diagnosis if n == 1 else diagnose_group(lf, [r.diagnosis for r in runs],
                                                                [r.report for r in runs],
                                                                [r.seed for r in runs])
        if progress is not None:
            progress(StageProgress("score", None, 0.0))
        stars = score(self.chapter, group, self.design, prediction)
        return ChapterResult(lf, runs, group, stars, training.pretrained, seconds)

    def run(self, progress=None, cancel=None, prediction: str | None = None) -> ChapterResult:
        """Every stage in order (what the command line and calibration call)."""
        return self.finish(self.train(progress, cancel), prediction, progress)
