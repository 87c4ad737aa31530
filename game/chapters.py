"""The campaign's chapters: the level files under levels/chapters/, found by path,
id or number (`python main.py run 1`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from levels.errors import LevelFormatError
from levels.load import load
from levels.model import LevelFile

CHAPTER_DIR = Path(__file__).resolve().parent.parent / "levels" / "chapters"


@dataclass
class ChapterEntry:
    path: Path
    number: int | None
    id: str
    title: str
    error: str | None = None  # the file's problems, when it does not load

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}" if self.number is not None else self.title


def campaign(folder: Path = CHAPTER_DIR) -> list[ChapterEntry]:
    """Every chapter file in the folder, in campaign order. A broken file is listed
    with its error (the menu shows it) instead of raising."""
    entries = []
    for path in sorted(folder.glob("*.toml")):
        try:
            lf = load(path)
        except LevelFormatError as exc:
            entries.append(ChapterEntry(path, None, path.stem, path.stem, str(exc)))
            continue
        ch = lf.chapter
        if ch is None:
            continue
        entries.append(ChapterEntry(path, ch.number, ch.id, ch.title))
    entries.sort(key=lambda e: (e.number is None, e.number if e.number is not None else 0, e.id))
    return entries


class ChapterNotFound(LookupError):
    pass


def find_chapter(ref: str, folder: Path = CHAPTER_DIR) -> Path:
    """A chapter by file path, id or campaign number."""
    path = Path(ref)
    if path.suffix == ".toml" or path.exists():
        if not path.exists():
            raise ChapterNotFound(f"no such file: {ref}")
        return path
    entries = campaign(folder)
    for e in entries:
        if e.id == ref or (ref.isdigit() and e.number == int(ref)):
            return e.path
    known = ", ".join(f"{e.number} ({e.id})" if e.number is not None else e.id for e in entries)
    raise ChapterNotFound(f"no chapter '{ref}'; the campaign has: {known or 'no chapters'}")


def load_chapter(ref: str) -> LevelFile:
    return load(find_chapter(ref))
