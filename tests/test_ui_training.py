"""Training runs in a worker thread: the window keeps drawing, and cancel returns
to the editor and stops the worker."""

from __future__ import annotations

import pygame

from tests.test_ui_kit import scene_name


def test_cancel_training(app, tmp_path):
    app.key(pygame.K_RETURN)
    app.click_button("design")
    app.run_frames(15)
    assert app.top.problems == []
    app.click_button("train")
    assert scene_name(app) == "TrainingScene"
    work = app.top.job
    frames = len(app.frame_ms)
    app.run_frames(5)
    assert len(app.frame_ms) == frames + 5             # the window does not wait for training
    app.key(pygame.K_ESCAPE)                           # cancel
    assert scene_name(app) == "EditorScene"
    assert work.join(timeout=120)
    assert work.error is None, work.trace
    assert work.result is None or work.result.cancelled
    assert any("cancelled" in t for t, _, _ in app.toasts)
    assert app.errors == []
