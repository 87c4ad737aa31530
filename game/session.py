"""One chapter, played headless from end to end: put the design into the chapter,
train (from the chapter's pre-trained agent where it has one), train the control
agent where the chapter compares against one and the upgraded agent where it has an
[upgrade], deploy, diagnose, score.

The window runs the same steps one scene at a time; `run_chapter` is what the
command line, the calibration and the tests call."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from agents.files import AgentFileError, load_agent, save_agent
from agents.train import train_file
from game.deploy import DeployReport, deploy
from game.designs import merged
from game.diagnosis import Diagnosis, diagnose
from game.progress import data_dir
from game.scoring import Stars, score
from levels.compiled import compile_set, levels_hash
from levels.model import LevelFile


@dataclass
class RunResult:
    lf: LevelFile                 # the chapter with the design in it
    train: object                 # agents.train.TrainResult
    report: DeployReport
    diagnosis: Diagnosis
    stars: Stars
    control: object | None = None  # TrainResult of the control agent, if any
    upgrade: object | None = None  # TrainResult of the upgraded agent, if any
    pretrained: bool = False
    seconds: dict[str, float] = field(default_factory=dict)

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
        return out


def _phase(progress, name: str):
    """Tag progress reports with the phase they come from."""
    if progress is None:
        return None

    def report(p):
        progress(name, p)
    return report


SHIPPED_DIR = Path(__file__).resolve().parent.parent / "levels" / "chapters" / "pretrained"
_LEARNER_SOURCES = ("agents/exact.py", "agents/network.py", "agents/ppo.py", "agents/train.py", "levels/kernels.py", "levels/compiled.py")


def learner_version() -> str:
    """A short hash of the code a trained agent depends on: a pre-trained agent made
    by other code is stale and is trained again rather than trusted."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for rel in _LEARNER_SOURCES:
        h.update((root / rel).read_bytes())
    return h.hexdigest()[:10]


def pretrained_name(lf: LevelFile) -> str:
    """File name of a chapter's pre-trained agent: chapter, pre-training levels,
    steps, seed (the chapter's [agent] seed) and the learner's code version."""
    key = levels_hash(compile_set(lf, "pretrain"))
    cid = lf.chapter.id if lf.chapter else "levels"
    return (f"{cid}-pretrained-{key}-{lf.agent.pretrain_steps}-seed{lf.agent.seed}"
            f"-{learner_version()}.npz")


def shipped_pretrained_path(lf: LevelFile) -> Path:
    return SHIPPED_DIR / pretrained_name(lf)


def train_pretrained(lf: LevelFile, progress=None, cancel=None):
    """Pre-train on the chapter's [[pretrain]] set with the chapter's seed."""
    return train_file(lf, "pretrain", seed=lf.agent.seed, steps=lf.agent.pretrain_steps,
                      progress=progress, cancel=cancel)


def pretrained_agent(lf: LevelFile, progress=None, cancel=None):
    """The chapter's pre-trained agent, the same for every player and seed (the
    player's safety training is what varies): the copy shipped with the chapter
    (`python main.py pretrain CHAPTER` makes it), else one trained once and cached
    in the user's data folder. A damaged or stale file is trained again."""
    name = pretrained_name(lf)
    for path in (SHIPPED_DIR / name, data_dir() / "cache" / name):
        if path.exists():
            try:
                return load_agent(path)
            except AgentFileError:
                if path.parent != SHIPPED_DIR:
                    path.unlink(missing_ok=True)
    result = train_pretrained(lf, progress, cancel)
    if not result.cancelled:
        save_agent(result.agent, data_dir() / "cache" / name)
    return result.agent


def run_chapter(chapter: LevelFile, design: LevelFile | None = None, seed: int = 0,
                episodes: int = 100, progress=None, cancel=None,
                prediction: str | None = None, steps: int | None = None,
                counterfactuals: bool = True) -> RunResult:
    """Train on the design (the chapter's starter design when None), deploy,
    diagnose and score. `progress(phase, Progress)` sees every training report."""
    lf = merged(chapter, design)
    seconds = {}
    init = None
    if lf.pretrain:
        t0 = time.perf_counter()
        init = pretrained_agent(lf, _phase(progress, "pretrain"), cancel)
        seconds["pretrain"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = train_file(lf, "train", seed=seed, steps=steps, init=init,
                        progress=_phase(progress, "train"), cancel=cancel)
    seconds["train"] = time.perf_counter() - t0
    control = None
    if lf.control_reward is not None:
        t0 = time.perf_counter()
        control = train_file(lf, "train", seed=seed, steps=steps, init=init,
                             reward_override=lf.control_reward,
                             progress=_phase(progress, "control"), cancel=cancel)
        seconds["control"] = time.perf_counter() - t0
    upgrade = None
    if lf.upgrade is not None:
        t0 = time.perf_counter()
        upgrade = train_upgrade(lf, seed, steps, _phase(progress, "upgrade"), cancel)
        seconds["upgrade"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = deploy(result.agent, lf, episodes=episodes, seed=seed,
                    control=control.agent if control is not None else None,
                    counterfactuals=counterfactuals,
                    upgrade=upgrade.agent if upgrade is not None else None)
    seconds["deploy"] = time.perf_counter() - t0
    diagnosis = diagnose(lf, report)
    stars = score(chapter, diagnosis, design, prediction)
    return RunResult(lf, result, report, diagnosis, stars, control, upgrade, init is not None,
                     seconds)


def train_upgrade(lf: LevelFile, seed: int, steps: int | None = None, progress=None,
                  cancel=None):
    """The upgraded agent: the same levels, reward and seed, [agent] changed by
    [upgrade]. It trains from scratch (a wider view or other layers could not start
    from the pre-trained weights). `steps` (the run's budget) applies when [upgrade]
    does not set its own."""
    up = lf.upgraded()
    return train_file(up, "train", seed=seed, steps=None if "steps" in lf.upgrade else steps,
                      progress=progress, cancel=cancel)
