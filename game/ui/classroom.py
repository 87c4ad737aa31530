"""The window's hooks into class results (game/results.py): write a result when a
chapter attempt is diagnosed, and export a player's results for the instructor.
A failure to write is a message, never a crash: the game goes on."""

from __future__ import annotations

import time
from pathlib import Path

import platformdirs

from game import designs
from game.results import build_result, export_results, write_result


def record_attempt(app, play) -> Path | None:
    """Write the result of the attempt just diagnosed; the next attempt's clock starts."""
    if play.sandbox or play.chapter.chapter is None or play.result is None:
        return None
    text = (designs.design_toml(play.chapter, play.maps, play.reward, play.steps)
            if play.design is not None else "")
    now = time.monotonic()
    try:
        doc = build_result(play.chapter, play.design, [(a.report, a.diagnosis) for a in play.result.agents],
                           play.stars, play.prediction, now - play.started,
                           app.progress.settings.nickname, text)
        path = write_result(doc)
    except (OSError, ValueError, TypeError, KeyError) as exc:  # the game goes on regardless
        app.toast(f"Could not save this attempt's result: {exc}", "warn")
        return None
    play.started = now
    return path


def export_folder() -> Path:
    """Where "Export my results" puts the zip: the user's documents folder."""
    return Path(platformdirs.user_documents_dir())


def export(app, dest: Path | None = None) -> Path | None:
    try:
        path, n = export_results(dest or export_folder())
    except OSError as exc:
        app.toast(f"Could not export the results: {exc}", "bad")
        return None
    app.toast(f"{n} result{'s' if n != 1 else ''} exported to {path}", "good", 8)
    return path
