"""`python main.py play PATH`: open the game window's sandbox on a level file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.commands import window


def add_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH", help="a level or design file (.toml) to open in the sandbox")


def open_in_sandbox(app, path: Path) -> None:
    """Put the sandbox editor on `path` on top of the title screen; a broken file
    shows its problems in the window."""
    from game.ui.scenes.editor import EditorScene
    from game.ui.state import PlayState, open_level_file

    lf, error = open_level_file(path)
    if lf is None:
        app.show_error(f"Cannot open {path.name}", error)
        return
    scene = EditorScene(app, PlayState(lf, sandbox=True, source_path=path))
    if hasattr(app.top, "then"):  # the warm-up screen: open the sandbox after it
        title_factory = app.top.then

        def then():
            title = title_factory()
            app.stack.insert(0, title)
            title.rebuild()
            return scene
        app.top.then = then
    else:
        app.push(scene)


def run(args) -> int:
    path = Path(args.path)
    if not window.has_display():
        print(window.HEADLESS_HINT + f" To check the file instead: python main.py check {path}", file=sys.stderr)
        return 1
    return window.open_window(start=lambda app: open_in_sandbox(app, path))
