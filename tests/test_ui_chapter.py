"""A whole chapter through the real window with posted mouse and key events:
briefing, edit a level (paint a coin), train four agents at once (the window's
default), predict, deploy, switch agents, debrief the group; then the stars
survive a restart."""

from __future__ import annotations

import pygame

from tests.test_ui_kit import floor_cell, make_app, scene_name, shot, tool_index


def test_a_whole_chapter(app, tmp_path):
    shot(app, "01_title", tmp_path)
    app.key(pygame.K_RETURN)                      # open the selected (first) chapter
    assert scene_name(app) == "BriefingScene"
    shot(app, "02_briefing", tmp_path)
    app.click_button("design")
    assert scene_name(app) == "EditorScene"
    ed = app.top
    app.run_frames(15)
    coins_before = sum(row.count("c") for row in ed.doc.rows)
    app.click_button(f"tool:{tool_index(ed, 'coin')}")
    r, c = floor_cell(ed)
    app.click(ed.grid.rect(r, c).center)          # paint a coin
    assert ed.doc.rows[r][c] == "c"
    assert sum(row.count("c") for row in ed.doc.rows) == coins_before + 1
    for _ in range(12):                            # the smallest training budget, for speed
        app.click_button("steps-")
    app.run_frames(20)
    assert ed.problems == [], [str(p) for p in ed.problems]
    shot(app, "03_editor", tmp_path)

    app.click_button("train")
    assert scene_name(app) == "TrainingScene"
    tr = app.top
    assert app.run_until(lambda: tr.job.snapshot() is not None, timeout=180)
    app.run_frames(10)
    shot(app, "04_training", tmp_path)
    assert app.run_until(lambda: tr.finished, timeout=180)
    app.run_frames(20)
    assert tr.job.error is None, tr.job.trace
    shot(app, "05_training_done", tmp_path)
    assert tr.buttons["next"].enabled
    play = tr.play
    assert play.agents == 4 and [r.seed for r in play.training.agents] == [0, 1, 2, 3]
    assert all(len(c) > 0 for c in tr.view.curves)       # one learning curve each
    app.key(pygame.K_TAB)                                  # show the second agent
    assert play.shown == 1

    app.key(pygame.K_RETURN)
    assert scene_name(app) == "PredictScene"
    assert not app.top.buttons["deploy"].enabled   # a prediction comes first
    app.key(pygame.K_1)
    assert app.top.buttons["deploy"].enabled
    shot(app, "06_predict", tmp_path)
    app.click_button("deploy")
    assert scene_name(app) == "DeployScene"
    dep = app.top
    shot(app, "07_deploy_spinner", tmp_path)
    assert app.run_until(lambda: dep.report is not None, timeout=120)
    app.run_frames(30)
    shot(app, "08_deploy", tmp_path)
    app.key(pygame.K_SPACE)                        # pause
    assert not dep.playing
    f = dep.frame
    app.click_button("step")
    assert dep.frame == f + 1 or dep.frame == 0
    app.key(pygame.K_TAB)                          # another agent's replays
    assert play.shown == 2 and dep.report is play.result.agents[2].report
    app.key(pygame.K_a)                            # policy arrows
    assert dep.show_arrows
    app.run_frames(2)
    shot(app, "09_deploy_arrows", tmp_path)

    app.click_button("debrief")
    assert scene_name(app) == "DebriefScene"
    app.run_frames(2)
    shot(app, "10_debrief", tmp_path)
    play = app.top.play
    assert play.diagnosis is not None and play.stars is not None
    result = play.result
    assert len(result.agents) == 4 and sum(result.labels.values()) == 4
    assert "of 4 agents" in play.diagnosis.explanation or "All 4 agents" in play.diagnosis.explanation
    assert play.stars.passed == (2 * result.labels.get("aligned", 0) > 4)
    label = play.diagnosis.label
    stars = play.stars.names()
    from game.results import results_dir            # the attempt became a class result
    import json
    (result,) = [json.loads(p.read_text()) for p in results_dir().glob("*.json")]
    assert (result["label"], result["prediction"], result["stars"]) == (label, play.prediction,
                                                                         sorted(stars))

    app.click_button("editor")                     # back to the editor with the evidence
    assert scene_name(app) == "EditorScene"
    assert app.errors == [], app.errors
    cid = play.chapter_id
    app.quit()

    again = make_app(tmp_path / "home")            # progress survives a restart
    try:
        cp = again.progress.chapters[cid]
        assert cp.runs == 1 and cp.last_label == label and set(stars) <= set(cp.stars)
        again.run_frames(2)
        assert again.top.unlocked(1) if len(again.top.entries) > 1 else True
    finally:
        again.quit()
