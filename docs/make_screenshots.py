"""Play chapter 1 (The coin at the end) through the real window, headless, with its
starter design, and save the screenshots the README shows: docs/screenshots/*.png.

    python docs/make_screenshots.py

The agent really trains (about two seconds); the reveal shows what it learned.

    python docs/make_screenshots.py --all --out DIR [--json] [--quick] [--chapters 0,4,5]

renders every scene of every chapter (briefing, editor, training, prediction,
deployment, debrief) and the title, settings, sandbox, file and message dialogs at
1024x768, 1280x800 and 1920x1080, presenter mode off and on (--quick: two of those),
saves the PNGs under DIR and audits the layout (game/ui/shots.py): with --json it
prints one JSON object with the counts `shots`, `truncated`, `overlaps`, `offscreen`
and the scene and widget of each problem under `details`. The exit status is 1 when
the audit finds a problem."""

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

    def part_done():  # a little over a third of the training steps, over every agent
        done, total = tr.view.overall()
        return total > 0 and done > 0.35 * total
    app.run_until(part_done, timeout=240)
    app.run_frames(5)
    shot(app, "04_training")
    app.run_until(lambda: tr.finished, timeout=240)
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


def parse(argv):
    """The command line: no options for the README's screenshots, --all for the audit
    (an unknown option, --help included, never starts a run that overwrites them)."""
    import argparse
    ap = argparse.ArgumentParser(
        description="Without options: play chapter 1 headless and save the README's "
                    "screenshots in docs/screenshots. With --all: render and audit every "
                    "scene of every chapter at every size.")
    ap.add_argument("--all", action="store_true", help="render and audit every scene at every size")
    ap.add_argument("--out", type=Path, help="folder for the PNGs (with --all)")
    ap.add_argument("--json", action="store_true", help="print the audit as one JSON object")
    ap.add_argument("--quick", action="store_true", help="two window sizes instead of six")
    ap.add_argument("--chapters", default="", help="comma-separated chapter positions (default: all)")
    args = ap.parse_args(argv)
    if args.all and args.out is None:
        ap.error("--all needs --out DIR")
    if not args.all and (args.out or args.json or args.quick or args.chapters):
        ap.error("--out, --json, --quick and --chapters go with --all")
    return args


def main_all(args) -> int:
    import json
    from game.ui.shots import run
    chapters = [int(c) for c in args.chapters.split(",") if c.strip()] or None
    result = run(args.out, quick=args.quick, chapters=chapters)
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"{result['shots']} shots in {args.out}: {result['truncated']} truncated, "
              f"{result['overlaps']} overlaps, {result['offscreen']} off-screen, {result['errors']} errors")
        for kind in ("truncated", "overlaps", "offscreen"):
            for it in result["details"][kind]:
                print(f"  {kind}: {it}")
    bad = result["truncated"] + result["overlaps"] + result["offscreen"] + result["errors"]
    return 1 if bad else 0


if __name__ == "__main__":
    options = parse(sys.argv[1:])
    sys.exit(main_all(options) if options.all else main())
