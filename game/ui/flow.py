"""Which scene follows which: the chapter's steps in order (briefing, editor,
training, prediction, deployment, debrief) and the screens around them.

Scenes never import one another: they ask the app to `go` to a scene by name or
to take the `next` step, and this module (imported by the app only) knows the
classes. That keeps the scene modules free of import cycles and puts the chapter
flow in one place."""

from __future__ import annotations

from game.ui.scenes.briefing import BriefingScene
from game.ui.scenes.classview import ClassViewScene
from game.ui.scenes.debrief import DebriefScene
from game.ui.scenes.deploy import DeployScene
from game.ui.scenes.dialog import ConfirmDialog, MessageDialog
from game.ui.scenes.editor import EditorScene
from game.ui.scenes.openfile import OpenFileScene
from game.ui.scenes.predict import PredictScene
from game.ui.scenes.prompt import PromptScene
from game.ui.scenes.settings import SettingsScene
from game.ui.scenes.title import TitleScene
from game.ui.scenes.training import TrainingScene
from game.ui.scenes.warmup import WarmupScene

SCENES = {cls.name: cls for cls in (
    TitleScene, SettingsScene, BriefingScene, EditorScene, TrainingScene, PredictScene, DeployScene,
    DebriefScene, OpenFileScene, MessageDialog, ConfirmDialog, WarmupScene, PromptScene, ClassViewScene)}

# A chapter, step by step: each scene's primary action opens the next one.
CHAPTER_STEPS = ("briefing", "editor", "training", "predict", "deploy", "debrief")
NEXT = dict(zip(CHAPTER_STEPS, CHAPTER_STEPS[1:]))


def make(app, name: str, *args, **kw):
    return SCENES[name](app, *args, **kw)


def go(app, name: str, *args, **kw):
    """Open the scene called name on top of the current one."""
    return app.push(make(app, name, *args, **kw))


def next_step(app, scene):
    """Open the chapter step after `scene`, for the same play."""
    return go(app, NEXT[scene.name], scene.play)


def back_to(app, name: str) -> None:
    """Close scenes until the one called name is on top."""
    app.pop_to(SCENES[name])


def next_chapter(app, entry_id: str | None) -> None:
    """Back to the chapter list, then open the chapter after `entry_id` (if any)."""
    back_to(app, "title")
    title = app.top
    if not isinstance(title, TitleScene):
        return
    title.rebuild()
    ids = [e.id for e in title.entries]
    if entry_id in ids and ids.index(entry_id) + 1 < len(ids):
        title.open_chapter(ids.index(entry_id) + 1)


def has_next_chapter(app, entry_id: str | None) -> bool:
    title = app.find(TitleScene)
    if title is None or entry_id is None:
        return False
    ids = [e.id for e in title.entries]
    return entry_id in ids and ids.index(entry_id) + 1 < len(ids)
