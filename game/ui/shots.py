"""Every screen of the game at every size, photographed and audited.

`sweep(out, sizes, chapters)` plays each chapter once through the real window
(headless): the starter design with the smallest training budget, a real
training run, the first prediction, a real deployment. The played scenes stay on
the app's stack, so each window size and presenter setting then re-lays them out
and draws them again without training again. Around the chapters come the title,
settings (and its nickname prompt), the class view, the sandbox, the file dialog,
the message and quit dialogs and the first-launch warm-up. Each picture is saved as PNG
and audited (game/ui/audit.py): the result counts the cut-off texts, overlaps and
off-screen widgets, each with its picture, scene and widget."""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from game.ui.audit import AUDIT, check

ALL_SIZES = [(w, h, p) for (w, h) in ((1024, 768), (1280, 800), (1920, 1080)) for p in (False, True)]
QUICK_SIZES = [(1024, 768, True), (1280, 800, False)]
TIMEOUT = 240.0


def _tag(size) -> str:
    w, h, presenter = size
    return f"{w}x{h}" + ("-presenter" if presenter else "")


class Sweep:
    def __init__(self, app, out: Path):
        self.app = app
        self.out = Path(out)
        self.shots: list[str] = []
        self.found = {"truncated": [], "overlaps": [], "offscreen": []}
        self.errors: list[str] = []

    def configure(self, size) -> None:
        w, h, presenter = size
        app = self.app
        app.progress.settings.presenter = presenter
        app.resize((w, h))
        app.apply_settings()

    def shot(self, size, name: str, frames: int = 2) -> None:
        """Draw the top scene a few frames, audit its last frame, save it."""
        app = self.app
        app.toasts.clear()
        app.mouse = (1, 1)  # no hover, no tooltip
        AUDIT.on = True
        try:
            for _ in range(frames):
                app.step()
        finally:
            AUDIT.on = False
        rel = f"{_tag(size)}/{name}.png"
        app.screenshot(self.out / rel)
        self.shots.append(rel)
        problems = check(list(AUDIT.items), app.screen.get_rect())
        for kind, items in problems.items():
            for it in items:
                self.found[kind].append({"shot": rel, **it})

    def result(self) -> dict:
        out = {"shots": len(self.shots)}
        out.update({k: len(v) for k, v in self.found.items()})
        out["details"] = self.found
        out["errors"] = len(self.errors)
        if self.errors:
            out["error_list"] = self.errors
        return out


def _frozen_warmup(hold: threading.Event):
    """A warm-up stopped mid-way until `hold` is set, for its picture (the real one
    is over too fast on a warm cache to be caught)."""
    def fn(report):
        report(0.42, "compiling step_all (20 of about 47 functions, about 14 s left)")
        hold.wait(600)
    return fn


def _wait(app, pred, what: str) -> None:
    if not app.run_until(pred, timeout=TIMEOUT):
        raise RuntimeError(f"timed out waiting for {what}")


GROUP_CHAPTER = 1  # this chapter trains a group of agents, so the group's controls are pictured too


def play_chapter(app, index: int) -> list:
    """Play chapter `index` from the title through to its debrief; returns the
    scenes of the play in order (title first). One agent per chapter (four for
    GROUP_CHAPTER), at the smallest training budget."""
    app.back_to("title")
    title = app.top
    title.selected = index
    title.rebuild()
    title.open_chapter(index)
    briefing = app.top
    briefing.start()
    editor = app.top
    app.run_frames(3)
    for _ in range(20):  # the smallest training budget: the pictures need a trained agent, not a good one
        if editor.buttons["steps-"].enabled:
            editor.change_steps(-1)
    app.run_frames(20)
    if editor.problems:
        raise RuntimeError(f"chapter {index}: the starter design has problems: {editor.problems[0]}")
    editor.play.agents = 4 if index == GROUP_CHAPTER else 1
    editor.train()
    training = app.top
    _wait(app, lambda: training.buttons["next"].enabled or bool(app.errors), "training")
    app.run_frames(5)
    training.next()
    predict = app.top
    if predict.options:
        predict.pick(0)
    predict.deploy()
    deploy = app.top
    _wait(app, lambda: deploy.buttons["debrief"].enabled or bool(app.errors), "deployment")
    app.run_frames(5)
    deploy.debrief()
    return list(app.stack)


def _shoot_stack(sweep: Sweep, size, stack: list, names: list[str]) -> None:
    app = sweep.app
    full = list(stack)
    try:
        for k, name in enumerate(names):
            if name is None:
                continue
            app.stack = full[: k + 1]
            app.top.rebuild()
            sweep.shot(size, name)
            if name.endswith("deploy"):
                dep = app.top
                dep.show_arrows = True
                dep.rebuild()
                sweep.shot(size, name + "_arrows")
                dep.show_arrows = False
                dep.rebuild()
    finally:
        app.stack = full


def sweep(out: Path, sizes=ALL_SIZES, chapters: list[int] | None = None) -> dict:
    """Play, draw, audit and save every screen (see the module's note). The plays
    record stars and designs in a private temporary data folder, never the player's."""
    old_home = os.environ.get("MESA_LAB_HOME")
    os.environ["MESA_LAB_HOME"] = tempfile.mkdtemp(prefix="mesa-lab-shots-")
    try:
        return _sweep(Path(out), sizes, chapters)
    finally:
        if old_home is None:
            os.environ.pop("MESA_LAB_HOME", None)
        else:
            os.environ["MESA_LAB_HOME"] = old_home


def _sweep(out: Path, sizes, chapters) -> dict:
    from game.ui.app import App
    from game.ui.state import PlayState, sandbox_file

    first = sizes[0]
    app = App(first[:2], headless=True, warmup=False)
    app.progress.settings.unlock_all = True
    sw = Sweep(app, out)
    hold = threading.Event()
    try:
        entries = app.top.entries
        chosen = range(len(entries)) if chapters is None else [c for c in chapters if c < len(entries)]
        plays = []
        for i in chosen:
            sw.configure(first)
            try:
                plays.append((i, play_chapter(app, i)))
            except Exception as exc:  # noqa: BLE001 - reported in the result, the sweep goes on
                sw.errors.append(f"chapter {i}: {type(exc).__name__}: {exc}")
        app.back_to("title")
        for size in sizes:
            sw.configure(size)
            for i, stack in plays:
                num = entries[i].number if entries[i].number is not None else i
                names = [None] + [f"ch{num}_{s.name}" for s in stack[1:]]
                _shoot_stack(sw, size, stack, names)
            app.stack = [app.stack[0]]
            app.top.rebuild()
            sw.shot(size, "title")
            app.go("settings")
            sw.shot(size, "settings")
            app.top.ask_nickname()
            sw.shot(size, "prompt")
            app.pop()
            app.go("classview")
            sw.shot(size, "classview")
            app.pop()
            app.pop()
            app.go("warmup", then=lambda: None, fn=_frozen_warmup(hold))  # popped before it ends
            sw.shot(size, "warmup")
            app.pop()
            app.go("editor", PlayState(sandbox_file(), sandbox=True))
            sw.shot(size, "sandbox")
            app.top.open_file()
            sw.shot(size, "openfile")
            app.pop()
            app.show_error("Chapter file has problems: broken.toml",
                           "broken.toml:3:9: [chapter] 'title' must be a string, not an integer\n"
                           "broken.toml:12:1: map row 4 is 9 cells wide; the rows above are 11")
            sw.shot(size, "dialog_error")
            app.back_to("title")
            app.top.ask_quit()
            sw.shot(size, "dialog_quit")
            app.back_to("title")
        sw.errors += app.errors
    finally:
        hold.set()
        app.quit()
    return sw.result()


def run(out: Path, quick: bool = False, chapters: list[int] | None = None) -> dict:
    return sweep(out, QUICK_SIZES if quick else ALL_SIZES, chapters)

