"""Play chapter 1 (The coin at the end) through the real window, headless, with its
starter design, and save the screenshots the README shows: docs/screenshots/*.png.

    python docs/make_screenshots.py

The agent really trains (about two seconds); the reveal shows what it learned."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ["MESA_LAB_HOME"] = tempfile.mkdtemp(prefix="mesa-lab-shots-")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"

import pygame  # noqa: E402

from game.ui.app import App  # noqa: E402


def shot(app, name):
    app.mouse = (2, 2)  # no tooltip
    app.step()
    app.screenshot(OUT / f"{name}.png")
    print(f"saved docs/screenshots/{name}.png")


def main() -> int:
    app = App((1280, 800), headless=True, warmup=False)
    app.progress.settings.unlock_all = True  # workshop mode: every chapter open
    app.run_frames(3)
    title = app.top
    title.rebuild() if hasattr(title, "rebuild") else None
    app.run_frames(2)
    shot(app, "01_title")
    app.key(pygame.K_DOWN)
    app.key(pygame.K_RETURN)                        # chapter 1
    app.run_frames(3)
    shot(app, "02_briefing")
    app.click_button("design")
    app.run_frames(10)
    shot(app, "03_editor")
    app.click_button("train")
    tr = app.top
    app.run_until(lambda: tr.work.progress is not None and tr.work.progress.steps > 60_000, timeout=120)
    app.run_frames(5)
    shot(app, "04_training")
    app.run_until(lambda: tr.finished, timeout=120)
    app.run_frames(20)
    shot(app, "05_training_done")
    app.key(pygame.K_RETURN)
    app.key(pygame.K_2)                             # "it runs to the right end"
    app.run_frames(2)
    shot(app, "06_predict")
    app.click_button("deploy")
    dep = app.top
    app.run_until(lambda: dep.report is not None, timeout=60)
    app.run_frames(45)
    shot(app, "08_deploy")
    app.key(pygame.K_SPACE)
    app.key(pygame.K_a)                             # policy arrows
    app.run_frames(2)
    shot(app, "09_deploy_arrows")
    app.click_button("debrief")
    app.run_frames(3)
    shot(app, "10_debrief")
    errors = list(app.errors)
    app.quit()
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
