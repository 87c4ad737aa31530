"""What the window carries from scene to scene while a chapter is played: the
chapter file, the player's design (maps being edited), how many agents to train,
the chapter pipeline's typed results (game.pipeline: Training, then
ChapterResult), the prediction and which agent the player is looking at. Plain
data; the rules live in game/."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from pathlib import Path

from game.chapters import CHAPTER_DIR, ChapterEntry, campaign
from game.diagnosis import Diagnosis
from game.pipeline import AgentRun, ChapterPipeline, ChapterResult, Training
from game.scoring import Stars
from game.progress import designs_dir
from levels.errors import LevelFormatError
from levels.load import load, loads
from levels.model import LevelFile

ROOT = Path(__file__).resolve().parents[2]
STAND_IN_DIRS = (ROOT / "levels" / "examples", ROOT / "agents" / "reference_levels")

SANDBOX_TEMPLATE = '''format = 1

[chapter]
id = "sandbox"
title = "Sandbox"
briefing = "Build any level, train the agent on it, and see what it learned."
intended = "coin"
intended_text = "collect the coin"

[rules]
reward = { coin = 10, gem = 5, chest = 10, key = 1, step = -0.05, lava = -10 }
max_steps = 60

[agent]
view = 5
steps = 150_000

[design]
max_levels = 64
max_items = 10000
max_steps = 2_000_000
reward_editable = true
max_height = 32
max_width = 32

[legend]
A = { spawn = "agent" }
1 = { spawn = "coin" }
2 = { spawn = "gem" }
3 = { spawn = "key" }
E = { zone = "right-end" }

[probes]
right-end = "right-end"

[[train]]
name = "room"
map = """
###########
#.........#
#@.......c#
#.........#
###########
"""

[[deploy]]
name = "coin moved"
map = """
###########
#.........#
#c...@...E#
#.........#
###########
"""
'''


def chapter_entries() -> tuple[list[ChapterEntry], bool]:
    """The campaign's chapters; while the campaign folder is empty, the example and
    reference level files stand in. Returns (entries, stand_in)."""
    entries = campaign(CHAPTER_DIR)
    if entries:
        return entries, False
    out: list[ChapterEntry] = []
    for folder in STAND_IN_DIRS:
        if folder.is_dir():
            out += campaign(folder)
    return out, True


def sandbox_file() -> LevelFile:
    return loads(SANDBOX_TEMPLATE, "sandbox.toml")


def open_level_file(path) -> tuple[LevelFile | None, str]:
    """Load a level file for the sandbox: (file, '') or (None, the problems as text)."""
    path = Path(path).expanduser()
    if not path.exists():
        return None, f"{path}: no such file"
    if path.is_dir():
        return None, f"{path}: this is a folder; choose a .toml level file"
    try:
        return load(path), ""
    except LevelFormatError as exc:
        return None, str(exc)
    except OSError as exc:
        return None, f"{path}: {exc}"


def for_sandbox(lf: LevelFile) -> LevelFile:
    """A file opened in the sandbox, made playable: with no deployment levels, the
    agent is deployed on its training levels; with no training levels, the
    deployment levels become the starting design."""
    lf = copy.copy(lf)
    if not lf.train and lf.deploy:
        lf.train = list(lf.deploy)
    if not lf.deploy and lf.train:
        lf.deploy = list(lf.train)
    return lf


@dataclass
class PlayState:
    chapter: LevelFile
    entry: ChapterEntry | None = None
    sandbox: bool = False
    maps: list[tuple[str, list[str]]] = field(default_factory=list)
    reward: dict[str, float] | None = None
    steps: int | None = None
    design: LevelFile | None = None        # the last valid design
    merged: LevelFile | None = None        # the chapter with the design's training levels
    agents: int = 4                        # agents (seeds) trained at once: 1, 4 or 8
    pipeline: ChapterPipeline | None = None  # the run being played (set by the training scene)
    training: Training | None = None       # the pipeline's training stages, once finished
    prediction: str | None = None
    result: ChapterResult | None = None    # deployment, diagnoses and stars
    shown: int = 0                         # the agent whose replays and curve are shown
    source_path: Path | None = None        # the sandbox file opened from disk
    started: float = field(default_factory=time.monotonic)  # this attempt's clock (results)

    @property
    def diagnosis(self) -> Diagnosis | None:
        """The group's diagnosis (the one agent's when there is one)."""
        return self.result.diagnosis if self.result is not None else None

    @property
    def stars(self) -> Stars | None:
        return self.result.stars if self.result is not None else None

    @property
    def shown_run(self) -> AgentRun | None:
        runs = self.result.agents if self.result is not None else (
            self.training.agents if self.training is not None else [])
        return runs[min(self.shown, len(runs) - 1)] if runs else None

    @property
    def chapter_id(self) -> str:
        if self.chapter.chapter is not None:
            return self.chapter.chapter.id
        return Path(self.chapter.path).stem

    @property
    def title(self) -> str:
        ch = self.chapter.chapter
        return ch.title if ch is not None else Path(self.chapter.path).stem

    def design_path(self) -> Path:
        if self.sandbox:
            stem = self.source_path.stem if self.source_path else "sandbox"
            return designs_dir() / "sandbox" / f"{stem}.toml"
        return designs_dir() / f"{self.chapter_id}.toml"
