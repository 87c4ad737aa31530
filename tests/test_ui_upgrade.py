"""Chapter 7 through the real window, headless: open "The upgrade", train on the
starter design (the player's agent, then the upgraded agent), predict, and reach the
deployment reveal with both agents side by side and then the debrief."""

from __future__ import annotations

import pygame

from game.ui.audit import AUDIT, check
from tests.test_ui_kit import make_app, scene_name, shot


def test_the_upgrade_reaches_the_debrief(tmp_path, monkeypatch):
    monkeypatch.setenv("MESA_LAB_UNLOCK", "1")
    app = make_app(tmp_path / "home")
    try:
        app.run_frames(2)
        title = app.top
        index = next(i for i, e in enumerate(title.entries) if e.id == "the-upgrade")
        title.open_chapter(index)
        assert scene_name(app) == "BriefingScene"
        app.click_button("design")
        assert scene_name(app) == "EditorScene"
        app.run_frames(5)
        assert app.top.problems == [], [str(p) for p in app.top.problems]
        app.click_button("train")
        tr = app.top
        assert scene_name(app) == "TrainingScene"
        app.click_button("agents:1")                  # one agent (and its upgrade), for speed
        tr = app.top
        assert [p.name for p in tr.view.phases] == ["train", "upgrade"]
        assert app.run_until(lambda: tr.finished, timeout=300)
        assert tr.job.error is None, tr.job.trace
        done, total = tr.view.overall()
        assert done == total > 0                      # the progress bar counts the upgrade's budget
        run = tr.play.training.agents[0]
        assert run.upgrade is not None and run.upgrade.agent.spec.view == 7
        assert run.agent.spec.view == 3
        app.key(pygame.K_RETURN)
        assert scene_name(app) == "PredictScene"
        app.key(pygame.K_2)
        app.click_button("deploy")
        dep = app.top
        assert app.run_until(lambda: dep.report is not None, timeout=180)
        app.run_frames(20)
        shot(app, "ch7_deploy_side_by_side", tmp_path)
        # the side-by-side cards at every screen size, presenter mode off and on
        for size in ((1024, 768), (1920, 1080), (1280, 800)):
            for presenter in (True, False):
                app.resize(size)
                app.progress.settings.presenter = presenter
                app.apply_settings()
                app.run_frames(3)
                shot(app, f"ch7_deploy_{size[0]}x{size[1]}{'_presenter' if presenter else ''}", tmp_path)
                assert dep.cards and all(app.screen.get_rect().contains(r) for r, _ in dep.cards)
                AUDIT.on = True                   # nothing cut off, overlapping or off screen
                try:
                    app.step()
                finally:
                    AUDIT.on = False
                found = check(list(AUDIT.items), app.screen.get_rect())
                assert not any(found.values()), (size, presenter, found)
        rep = dep.report
        assert rep.upgrade is not None and [r.name for r in rep.upgrade] == [r.name for r in rep.levels]
        assert all(r.replays for r in rep.upgrade)          # the upgraded agent's replays are shown
        assert "yours vs upgraded" in rep.gaps
        app.click_button("debrief")
        assert scene_name(app) == "DebriefScene"
        app.run_frames(2)
        shot(app, "ch7_debrief", tmp_path)
        d = app.top.play.diagnosis
        assert any(e.startswith("upgraded agent, ") for e in d.evidence)
        assert app.errors == [], app.errors
    finally:
        app.quit()
