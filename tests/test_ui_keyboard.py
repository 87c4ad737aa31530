"""A whole chapter from the keyboard alone (issue 13): Enter takes each screen's main
action, the editor paints with a cursor (Tab picks a tool, arrows move, Space paints),
[ lowers the training budget, a number picks the prediction, and on the debrief Enter
opens the next chapter."""

from __future__ import annotations

import pygame

from tests.test_ui_kit import floor_cell, scene_name


def test_a_chapter_without_the_mouse(app):
    app.key(pygame.K_RETURN)
    assert scene_name(app) == "BriefingScene"
    app.key(pygame.K_PAGEDOWN)                     # the story scrolls
    app.key(pygame.K_RETURN)
    assert scene_name(app) == "EditorScene"
    ed = app.top
    start = ed.tool
    app.key(pygame.K_TAB)
    assert ed.tool == (start + 1) % len(ed.palette)
    coin = next(i for i, it in enumerate(ed.palette) if it.name == "coin")
    while ed.tool != coin:
        app.key(pygame.K_TAB)
    app.key(pygame.K_UP)                           # the cursor appears
    r, c = floor_cell(ed)
    while ed.cursor != (r, c):                     # walk it to a floor cell
        cr, cc = ed.cursor
        app.key(pygame.K_DOWN if cr < r else pygame.K_UP if cr > r else
                pygame.K_RIGHT if cc < c else pygame.K_LEFT)
    app.key(pygame.K_SPACE)
    assert ed.doc.rows[r][c] == "c"
    for _ in range(15):
        app.key(pygame.K_LEFTBRACKET)              # the smallest budget, for speed
    app.run_frames(20)
    assert ed.problems == [], [str(p) for p in ed.problems]
    app.key(pygame.K_RETURN)
    assert scene_name(app) == "TrainingScene"
    tr = app.top
    assert app.run_until(lambda: tr.buttons["next"].enabled, timeout=240)
    app.key(pygame.K_RETURN)
    assert scene_name(app) == "PredictScene"
    app.key(pygame.K_RETURN)                       # no prediction yet: stays
    assert scene_name(app) == "PredictScene"
    app.key(pygame.K_DOWN)
    app.key(pygame.K_RETURN)
    assert scene_name(app) == "DeployScene"
    dep = app.top
    assert app.run_until(lambda: dep.report is not None, timeout=240)
    app.run_frames(2)
    app.key(pygame.K_RETURN)
    assert scene_name(app) == "DebriefScene"
    first = app.top.play.entry.id
    app.key(pygame.K_RETURN)                       # on to the next chapter
    assert scene_name(app) == "BriefingScene"
    assert app.top.play.entry.id != first
    assert app.errors == [], app.errors
