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
    assert not work.done                               # training runs in the background...
    frames = len(app.frame_ms)
    app.run_frames(5)
    assert len(app.frame_ms) == frames + 5
    # ...and the window draws while it runs: training takes seconds, five frames do not, so a
    # window that waited for the worker (or trained in its own thread) finds it done here
    assert not work.done, "training finished within five frames: the window waited for it"
    app.key(pygame.K_ESCAPE)                           # cancel
    assert scene_name(app) == "EditorScene"
    assert work.join(timeout=120)
    assert work.error is None, work.trace
    assert work.result is None or work.result.cancelled
    assert any("cancelled" in t for t, _, _ in app.toasts)
    assert app.errors == []


def test_choosing_the_number_of_agents_restarts_training(app):
    app.key(pygame.K_RETURN)
    app.click_button("design")
    app.run_frames(15)
    app.click_button("train")
    tr = app.top
    first = tr.job
    assert tr.play.agents == 4 and tr.view.agents == 4   # the window's default
    app.click_button("agents:8")
    assert first.cancelled and tr.job is not first
    assert tr.play.agents == 8 and tr.view.agents == 8 and len(tr.pipeline.seeds) == 8
    assert tr.buttons["agents:8"].selected and not tr.buttons["agents:4"].selected
    app.key(pygame.K_1)
    assert tr.play.agents == 1 and not tr.buttons["switch"].enabled
    app.key(pygame.K_ESCAPE)
    assert first.join(timeout=120) and tr.job.join(timeout=120)
    assert first.error is None and tr.job.error is None, tr.job.trace
    assert app.errors == []
