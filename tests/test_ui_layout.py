"""The layout machinery: the audit finds cut-off text, overlaps and off-screen
controls (and nothing in a clean layout); long text scrolls with a marker; the
keyboard reaches every step; the scene flow lives in one place; the warm-up
reports each compiled function."""

from __future__ import annotations

import pygame
import pytest

from game.ui import theme as T
from game.ui.audit import AUDIT, check
from game.ui.scene import Scene
from game.ui.widgets import Button, ScrollView, draw_text, draw_wrapped, panel
from tests.test_ui_kit import floor_cell, make_app, scene_name


class Sketch(Scene):
    """A scene drawn from a list of (kind, ...) specs, to feed the audit known layouts."""
    name = "sketch"

    def __init__(self, app, specs):
        super().__init__(app)
        self.specs = specs

    def build(self, rect):
        for spec in self.specs:
            if spec[0] == "button":
                _, bid, label, r = spec
                self.add(Button(bid, label, pygame.Rect(r), size=20))

    def draw_content(self, surf):
        th = self.theme
        for spec in self.specs:
            if spec[0] == "panel":
                panel(surf, pygame.Rect(spec[1]), th, name="box")
            elif spec[0] == "text":
                draw_text(surf, spec[1], th.font(18), T.TEXT, spec[2])
            elif spec[0] == "wrapped":
                draw_wrapped(surf, spec[1], th.font(18), T.TEXT, pygame.Rect(spec[2]))


def audit(app, specs):
    app.push(Sketch(app, specs))
    AUDIT.on = True
    try:
        app.step()
    finally:
        AUDIT.on = False
    found = check(list(AUDIT.items), app.screen.get_rect())
    app.pop()
    return found


def test_audit_passes_a_clean_layout(app):
    found = audit(app, [("panel", (20, 20, 600, 300)), ("text", "A title", (40, 40)),
                        ("wrapped", "A paragraph that wraps over two lines at most in this box.", (40, 80, 500, 80)),
                        ("button", "ok", "OK", (40, 200, 160, 50)), ("button", "cancel", "Cancel", (220, 200, 160, 50))])
    assert found == {"truncated": [], "overlaps": [], "offscreen": []}


def test_audit_finds_each_kind_of_problem(app):
    found = audit(app, [("button", "narrow", "A label far too long for its button", (40, 40, 90, 50)),
                        ("button", "a", "A", (40, 200, 160, 50)), ("button", "b", "B", (120, 220, 160, 50)),
                        ("button", "gone", "Gone", (1250, 780, 160, 50)),
                        ("panel", (400, 300, 200, 100)), ("text", "This line runs out of its panel", (420, 320)),
                        ("wrapped", "Too much text: " + "word " * 80, (40, 420, 300, 60))])
    cut = [t["widget"] for t in found["truncated"]]
    assert "narrow" in cut and any(w.startswith("word") for w in cut) and len(cut) == 2
    pairs = {(o["widget"], o["with"]) for o in found["overlaps"]}
    assert ("a", "b") in pairs
    assert any(w.startswith("This line runs out") and "edge of panel" in x for w, x in pairs)
    assert [o["widget"] for o in found["offscreen"]] == ["gone"]


def test_scroll_view_scrolls_to_the_end_and_says_so(app):
    th = app.theme
    view = ScrollView("story")
    blocks = [("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 30, th.font(20), T.TEXT)]
    rect = pygame.Rect(20, 20, 400, 200)
    view.draw(app.screen, th, rect, blocks)
    assert view.more_below and view.offset == 0
    key = lambda k: pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)  # noqa: E731
    assert view.handle(key(pygame.K_PAGEDOWN))
    assert view.offset > 0
    for _ in range(50):
        view.handle(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=-1), mouse=rect.center)
    assert view.offset == view.max_offset and not view.more_below
    assert not view.handle(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=1), mouse=(900, 700))  # not over it
    view.handle(key(pygame.K_HOME)) or view.handle(key(pygame.K_PAGEUP))
    assert view.offset < view.max_offset


def test_escape_on_the_title_asks_before_quitting(app):
    assert scene_name(app) == "TitleScene"
    app.key(pygame.K_ESCAPE)
    assert scene_name(app) == "ConfirmDialog" and app.running
    app.key(pygame.K_ESCAPE)                      # no
    assert scene_name(app) == "TitleScene" and app.running
    app.key(pygame.K_ESCAPE)
    app.key(pygame.K_RETURN)                      # yes
    assert not app.running


def test_keyboard_paints_and_erases_in_the_editor(app):
    app.key(pygame.K_RETURN)                      # the first chapter's briefing
    assert scene_name(app) == "BriefingScene"
    app.key(pygame.K_RETURN)                      # Enter: on to the editor
    ed = app.top
    assert scene_name(app) == "EditorScene"
    coin = next(i for i, it in enumerate(ed.palette) if it.name == "coin")
    app.key(pygame.K_1 + coin)
    r, c = floor_cell(ed)
    ed.cursor = (r, c - 1) if c > 0 else (r, c + 1)
    app.key(pygame.K_RIGHT if c > 0 else pygame.K_LEFT)
    assert ed.cursor == (r, c)
    app.key(pygame.K_SPACE)
    assert ed.doc.rows[r][c] == "c"
    app.key(pygame.K_DELETE)
    assert ed.doc.rows[r][c] == "."
    app.key(pygame.K_z, mod=pygame.KMOD_CTRL)
    assert ed.doc.rows[r][c] == "c"


def test_flow_names_every_scene_and_step():
    from game.ui import flow
    assert flow.CHAPTER_STEPS == ("briefing", "editor", "training", "predict", "deploy", "debrief")
    for name in flow.CHAPTER_STEPS + ("title", "settings", "openfile", "message", "confirm", "warmup"):
        assert flow.SCENES[name].name == name


def test_palette_labels_are_short_and_keep_their_meaning():
    from game.ui.scenes.editor_panels import short_label
    assert short_label("spawn: the agent's start") == "random start"
    assert short_label("spawn: blue gem") == "random blue gem"
    assert short_label("spawn: 2 green key") == "random green key x2"
    assert short_label("blue calendar showing 2024") == "calendar 2024"
    assert short_label("camera (overseer)") == "camera"
    assert short_label("coin") == "coin"


def test_gaps_have_one_unit():
    from game.deploy import gap_points
    assert gap_points(1.0) == "+100 points"
    assert gap_points(-0.25) == "-25 points"


def test_bar_text_contrasts_with_its_fill():
    from game.ui.widgets import contrast_text
    assert contrast_text(T.WARN) != T.TEXT          # dark text on the orange gap bars
    assert contrast_text(T.GOOD) != T.TEXT
    assert contrast_text((12, 14, 20)) == T.TEXT    # light text on the empty part


def test_warm_up_reports_each_compiled_function():
    from numba import njit
    from numba.core import event as numba_event

    from agents.warmup import _CompileCounter
    seen = []
    counter = _CompileCounter(seen.append)

    @njit(cache=False)
    def freshly_defined(x):
        return x + 1

    with numba_event.install_listener("numba:compile", counter):
        assert freshly_defined(1) == 2
    assert seen == ["freshly_defined"] and counter.started == 1


def test_predict_header_states_the_measured_training_success(tmp_path):
    from types import SimpleNamespace

    from game.ui.scenes.predict import training_summary
    from game.ui.state import PlayState, chapter_entries
    from levels.load import load
    entry = chapter_entries()[0][0]
    play = PlayState(load(entry.path), entry)
    play.training = SimpleNamespace(agents=[SimpleNamespace(training_goal=0.36)])
    assert "only 36%" in training_summary(play)
    play.training = SimpleNamespace(agents=[SimpleNamespace(training_goal=0.97)])
    text = training_summary(play)
    assert "97%" in text and "only" not in text and "bar" not in text
    play.training = SimpleNamespace(agents=[SimpleNamespace(training_goal=g) for g in (0.97, 0.5, 0.9, 1.0)])
    text = training_summary(play)
    assert "4 agents" in text and "50% to 100%" in text and "the bar is 80%" in text


@pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)])
def test_title_lists_every_chapter_in_presenter_mode(tmp_path, size):
    a = make_app(tmp_path / "home", size=size)
    try:
        a.progress.settings.presenter = True
        a.apply_settings()
        a.run_frames(2)
        title = a.top
        shown = {i for _, i in title.cards}
        hidden = title.hidden[0] + title.hidden[1]
        assert len(shown) + hidden == len(title.entries)
        for _ in range(len(title.entries) - 1):    # Down walks to the last chapter, which comes into view
            a.key(pygame.K_DOWN)
        assert title.selected == len(title.entries) - 1 or len(title.entries) == 1
        assert title.selected in {i for _, i in a.top.cards}
    finally:
        a.quit()
