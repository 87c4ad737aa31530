"""Class results in the window: the nickname and "Export my results" in Settings,
and the class view showing a results folder's summary, at 1024x768, 1280x800 and
1920x1080, presenter mode off and on."""

from __future__ import annotations

import zipfile

import pygame
import pytest

from game.results import results_dir, write_result
from game.summary import gather
from game.ui.scenes.settings import SettingsScene
from tests.test_results import _class_folder, _doc
from tests.test_ui_kit import make_app, scene_name, shot


def test_nickname_and_export_from_settings(app, tmp_path, monkeypatch):
    monkeypatch.setattr("game.ui.classroom.export_folder", lambda: tmp_path / "exported")
    app.push(SettingsScene(app))
    app.click_button("nickname")
    assert scene_name(app) == "PromptScene"
    app.type_text("Ada L")
    app.key(pygame.K_RETURN)
    assert scene_name(app) == "SettingsScene"
    assert app.progress.settings.nickname == "Ada L"
    assert "Ada L" in app.top.buttons["nickname"].label
    for i in range(2):
        write_result(_doc(i, nick="Ada L"))
    app.click_button("export")
    (zipped,) = (tmp_path / "exported").glob("*.zip")
    with zipfile.ZipFile(zipped) as z:
        assert len(z.namelist()) == 2
    assert len(gather([zipped]).results) == 2
    assert app.errors == []


@pytest.mark.parametrize("size", [(1024, 768), (1280, 800), (1920, 1080)])
@pytest.mark.parametrize("presenter", [False, True])
def test_class_view_fits_and_shows_the_summary(tmp_path, size, presenter):
    room = _class_folder(tmp_path)
    app = make_app(tmp_path / "home", size)
    try:
        app.progress.settings.presenter = presenter
        app.apply_settings()
        app.push(SettingsScene(app))
        app.run_frames(2)
        w, h = size
        for b in app.top.buttons.values():      # every settings row on screen
            assert 0 <= b.rect.left and b.rect.right <= w and b.rect.bottom <= h, b.id
        shot(app, f"settings_{w}x{h}_{'presenter' if presenter else 'plain'}", tmp_path)
        app.click_button("classview")
        assert scene_name(app) == "ClassViewScene"
        view = app.top
        assert view.folder == results_dir() and view.summaries == []
        app.run_frames(2)
        app.click_button("folder")
        prompt = app.top
        prompt.input.text = ""
        app.type_text(str(room))
        app.key(pygame.K_RETURN)
        assert app.top is view and view.folder == room
        assert [s.chapter for s in view.summaries] == ["coin-at-the-end", "nobody-is-watching"]
        assert view.rows[1][:5] == ["coin-at-the-end", "5", "3", "2/3 (proxy)", "2/3"]
        path = shot(app, f"classview_{w}x{h}_{'presenter' if presenter else 'plain'}", tmp_path)
        assert path.exists()
        for b in view.buttons.values():
            assert 0 <= b.rect.left and b.rect.right <= w and b.rect.bottom <= h, b.id
        assert app.errors == [], app.errors
    finally:
        app.quit()
