"""Shared helpers for the headless window tests (SDL's dummy video driver): make an
App in a temporary data folder, find buttons, save screenshots.

Screenshots go to $MESA_LAB_SCREENSHOTS when set (e.g. docs/screenshots), else to
the test's temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def make_app(home: Path, size=(1280, 800), **kw):
    os.environ["MESA_LAB_HOME"] = str(home)
    from game.ui.app import App
    kw.setdefault("warmup", False)
    return App(size, headless=True, **kw)


def shot(app, name: str, tmp_path: Path) -> Path:
    folder = Path(os.environ.get("MESA_LAB_SCREENSHOTS") or tmp_path / "screenshots")
    app.mouse = (2, 2)   # no tooltip left over from the last click
    app.step()
    return app.screenshot(folder / f"{name}.png")


def scene_name(app) -> str:
    return type(app.top).__name__


def tool_index(editor, name: str) -> int:
    for i, it in enumerate(editor.palette):
        if it.name == name and it.category in ("object", "terrain", "agent"):
            return i
    raise AssertionError(f"no '{name}' in the palette: {[p.name for p in editor.palette]}")


def floor_cell(editor, avoid=()):
    """A floor cell of the current level (row, col)."""
    for r, row in enumerate(editor.doc.rows):
        for c, ch in enumerate(row):
            if ch == "." and (r, c) not in avoid:
                return r, c
    raise AssertionError("no floor cell")


@pytest.fixture
def app(tmp_path):
    a = make_app(tmp_path / "home")
    a.run_frames(2)
    yield a
    a.quit()


def test_kit_app_opens_on_the_title(app, tmp_path):
    assert scene_name(app) == "TitleScene"
    assert app.errors == []
    assert shot(app, "title", tmp_path).exists()
