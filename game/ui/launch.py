"""Opening the window: the app on its title screen, or on the sandbox editor with a
level file (`python main.py play PATH`). The command modules call these; pygame stays
under game/ui."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

from game.ui.app import App  # noqa: E402


def open_window(start=None, size=(1280, 800)) -> int:
    """Open the window (optionally handing the app to `start` first) and run it."""
    try:
        app = App(size, warmup=True)
    except pygame.error as exc:
        print(f"Mesa Lab: the game window could not open ({exc}). The headless commands "
              "still work: python main.py --help", file=sys.stderr)
        return 1
    if start is not None:
        start(app)
    return app.run()


def open_in_sandbox(app, path: Path) -> None:
    """Put the sandbox editor on `path` on top of the title screen; a broken file
    shows its problems in the window."""
    from game.ui import flow
    from game.ui.state import PlayState, open_level_file

    lf, error = open_level_file(path)
    if lf is None:
        app.show_error(f"Cannot open {path.name}", error)
        return
    scene = flow.make(app, "editor", PlayState(lf, sandbox=True, source_path=path))
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
