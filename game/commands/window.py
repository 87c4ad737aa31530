"""The game window (`python main.py` with no subcommand)."""

from __future__ import annotations

import os
import sys

HEADLESS_HINT = ("Mesa Lab: no display found, so the game window cannot open. The headless "
                 "commands work anywhere: python main.py --help (check, show, train, deploy, run).")


def has_display() -> bool:
    """False on Linux (and other X11/Wayland systems) without a display, unless
    SDL_VIDEODRIVER is set (e.g. 'dummy' for tests)."""
    if os.environ.get("SDL_VIDEODRIVER"):
        return True
    if sys.platform.startswith(("win", "darwin", "cygwin")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_window(start=None, size=(1280, 800)) -> int:
    """Open the window (optionally on a given first scene factory) and run it."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    try:
        import pygame
        from game.ui.app import App
    except ImportError as exc:
        print(f"Mesa Lab: the game window needs pygame-ce ({exc}); the headless commands "
              "still work: python main.py --help", file=sys.stderr)
        return 1
    try:
        app = App(size, warmup=True)
    except pygame.error as exc:
        print(f"Mesa Lab: the game window could not open ({exc}). The headless commands "
              "still work: python main.py --help", file=sys.stderr)
        return 1
    if start is not None:
        start(app)
    return app.run()


def run(args) -> int:
    if not has_display():
        print(HEADLESS_HINT, file=sys.stderr)
        return 1
    return open_window()
