"""The game window (`python main.py` with no subcommand). pygame itself is only
imported under game/ui (game/ui/launch.py)."""

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


def open_window(start=None) -> int:
    """Open the window (optionally handing the app to `start` first) and run it."""
    try:
        from game.ui.launch import open_window as launch
    except ImportError as exc:
        print(f"Mesa Lab: the game window needs pygame-ce ({exc}); the headless commands "
              "still work: python main.py --help", file=sys.stderr)
        return 1
    return launch(start)


def run(args) -> int:
    if not has_display():
        print(HEADLESS_HINT, file=sys.stderr)
        return 1
    return open_window()
