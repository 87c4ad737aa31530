"""A chapter's pre-trained agent (the sleeper chapter starts from one): its file
name (chapter, pre-training levels, budget, seed and the learner's code version),
the copy shipped with the chapter, and the cache in the user's data folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from agents.files import AgentFileError, load_agent, save_agent
from agents.ppo import PPOConfig
from agents.train import train_file
from game.progress import data_dir
from levels.compiled import compile_set, levels_hash
from levels.model import LevelFile

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "levels" / "chapters" / "pretrained"
_LEARNER_SOURCES = ("agents/exact.py", "agents/network.py", "agents/ppo.py", "agents/train.py",
                    "levels/kernels.py", "levels/compiled.py", "levels/world.py")


def learner_version() -> str:
    """A short hash of the code a trained agent depends on: a pre-trained agent made
    by other code is stale and is trained again rather than trusted."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for rel in _LEARNER_SOURCES:
        h.update((root / rel).read_bytes())
    return h.hexdigest()[:10]


# Learner settings for the player's training only: pre-training leaves them at their
# defaults, so a chapter that sets one keeps the walker its figures were measured with
# (agents/README.md, fourteenth round).
FINE_TUNING_ONLY = ("novelty_rare",)


def pretrain_learner(lf: LevelFile) -> dict:
    """The learner overrides pre-training uses: the file's, without FINE_TUNING_ONLY."""
    return {k: v for k, v in lf.agent.learner.items() if k not in FINE_TUNING_ONLY}


def settings_hash(lf: LevelFile) -> str:
    """A short hash of the [agent] settings a pre-trained agent depends on besides its
    budget and seed: the view and every learner setting pre-training uses."""
    a = lf.agent
    doc = {"view": a.view, "shape_range": a.shape_range, "learner": pretrain_learner(lf)}
    for flag in ("trail", "pooled", "mirror", "wall_mask", "far_kinds"):  # only when on, so older agents' names still hold
        if getattr(a, flag):
            doc[flag] = True
    return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()[:6]


def pretrained_name(lf: LevelFile) -> str:
    """File name of a chapter's pre-trained agent: chapter, pre-training levels, the
    [agent] settings, steps, seed (the chapter's [agent] seed) and the learner's code
    version: change any of them and the agent is trained again."""
    key = levels_hash(compile_set(lf, "pretrain"))
    cid = lf.chapter.id if lf.chapter else "levels"
    return (f"{cid}-pretrained-{key}-{settings_hash(lf)}-{lf.agent.pretrain_steps}"
            f"-seed{lf.agent.seed}-{learner_version()}.npz")


def shipped_pretrained_path(lf: LevelFile) -> Path:
    return SHIPPED_DIR / pretrained_name(lf)


def train_pretrained(lf: LevelFile, progress=None, cancel=None):
    """Pre-train on the chapter's [[pretrain]] set with the chapter's seed."""
    return train_file(lf, "pretrain", seed=lf.agent.seed, steps=lf.agent.pretrain_steps,
                      progress=progress, cancel=cancel,
                      config=PPOConfig.from_overrides(pretrain_learner(lf)))


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
