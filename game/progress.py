"""The player's campaign progress (stars per chapter) and settings, saved per user.

Stored as JSON in the platform's user data folder (platformdirs), written
atomically, so a crash never leaves half a file. A damaged file is set aside
(renamed *.damaged) and the player starts fresh with a message, never a crash."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import platformdirs

from levels.atomic import atomic_write_text

APP = "mesa-lab"


def data_dir() -> Path:
    """The user's Mesa Lab folder; MESA_LAB_HOME overrides it (tests, classrooms)."""
    override = os.environ.get("MESA_LAB_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class ChapterProgress:
    stars: list[str] = field(default_factory=list)  # e.g. ["passed", "budget", "prediction"]
    runs: int = 0
    last_label: str = ""


@dataclass
class Settings:
    presenter: bool = False      # everything larger, for a projector
    colorblind: bool = False     # a colour-blind-safe palette
    animation_speed: float = 1.0
    sound: bool = True
    unlock_all: bool = False     # workshop mode: every chapter open from the start
    nickname: str = ""           # optional, written into class results (game/results.py)


@dataclass
class Progress:
    chapters: dict[str, ChapterProgress] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    notice: str = ""  # set when a damaged file was set aside

    def chapter(self, chapter_id: str) -> ChapterProgress:
        return self.chapters.setdefault(chapter_id, ChapterProgress())

    def record(self, chapter_id: str, stars: list[str], label: str) -> None:
        """Keep the best set of stars seen for the chapter."""
        cp = self.chapter(chapter_id)
        cp.stars = sorted(set(cp.stars) | set(stars))
        cp.runs += 1
        cp.last_label = label

    def to_json(self) -> str:
        return json.dumps({"format": 1,
                           "chapters": {k: asdict(v) for k, v in self.chapters.items()},
                           "settings": asdict(self.settings)}, indent=2)

    @classmethod
    def from_json(cls, text: str) -> "Progress":
        doc = json.loads(text)
        if not isinstance(doc, dict) or doc.get("format") != 1:
            raise ValueError("not a Mesa Lab progress file (format 1)")
        chapters = {str(k): ChapterProgress(**{f: v[f] for f in ("stars", "runs", "last_label") if f in v})
                    for k, v in doc.get("chapters", {}).items()}
        s = doc.get("settings", {})
        settings = Settings(**{f: s[f] for f in asdict(Settings()) if f in s})
        return cls(chapters, settings)


def progress_path() -> Path:
    return data_dir() / "progress.json"


def load_progress(path: Path | None = None) -> Progress:
    path = Path(path) if path else progress_path()
    if not path.exists():
        return Progress()
    try:
        return Progress.from_json(path.read_text(encoding="utf-8"))
    except (ValueError, TypeError, KeyError, UnicodeDecodeError) as exc:
        damaged = path.with_suffix(".damaged")
        os.replace(path, damaged)
        return Progress(notice=f"Your progress file was damaged ({exc}); it was kept as "
                        f"{damaged.name} and a fresh one started.")


def save_progress(progress: Progress, path: Path | None = None) -> None:
    atomic_write_text(Path(path) if path else progress_path(), progress.to_json())


def designs_dir() -> Path:
    path = data_dir() / "designs"
    path.mkdir(parents=True, exist_ok=True)
    return path
