"""Errors appear in the window, never as a crash: a broken level file opened in the
sandbox, a damaged progress file, no display at all."""

from __future__ import annotations

import argparse
from pathlib import Path

import pygame

from tests.test_ui_kit import make_app, scene_name, shot

BROKEN = 'format = 1\n[[train]]\nname = "x"\nmap = """\n#####\n#@.x#\n#####\n"""\n'


def test_open_a_broken_level_file(app, tmp_path):
    bad = tmp_path / "broken.toml"
    bad.write_text(BROKEN)
    app.click_button("sandbox")
    assert scene_name(app) == "EditorScene"
    app.run_frames(3)
    shot(app, "sandbox", tmp_path)
    app.key(pygame.K_o, pygame.KMOD_CTRL)                     # File > Open
    assert scene_name(app) == "OpenFileScene"
    app.type_text(str(bad))
    app.key(pygame.K_RETURN)
    assert scene_name(app) == "MessageDialog"
    assert "unknown symbol 'x'" in app.top.text
    assert "broken.toml:6:4" in app.top.text                  # the check message, with its place
    app.run_frames(2)
    shot(app, "error_broken_file", tmp_path)
    app.key(pygame.K_RETURN)                                   # OK
    assert scene_name(app) == "OpenFileScene"
    assert app.errors == []


def test_open_a_good_file_in_the_sandbox(app, tmp_path):
    good = Path(__file__).resolve().parents[1] / "levels" / "examples" / "watched_garden.toml"
    app.click_button("sandbox")
    app.key(pygame.K_o, pygame.KMOD_CTRL)
    app.type_text(str(good))
    app.key(pygame.K_RETURN)
    assert scene_name(app) == "EditorScene"
    ed = app.top
    assert ed.play.source_path == good and ed.play.sandbox
    assert [n for n, _ in ed.doc.maps] == ["watched", "unwatched"]
    app.run_frames(15)
    shot(app, "sandbox_file", tmp_path)
    assert app.errors == []


def test_play_command_with_a_broken_file(tmp_path):
    from game.ui.launch import open_in_sandbox
    bad = tmp_path / "broken.toml"
    bad.write_text(BROKEN)
    a = make_app(tmp_path / "home")
    try:
        open_in_sandbox(a, bad)
        a.run_frames(2)
        assert scene_name(a) == "MessageDialog"
        assert a.errors == []
    finally:
        a.quit()


def test_damaged_progress_file_is_a_message(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "progress.json").write_text("{ not json")
    a = make_app(home)
    try:
        a.run_frames(2)
        assert scene_name(a) == "TitleScene"
        assert any("damaged" in t for t, _, _ in a.toasts)
        shot(a, "error_damaged_progress", tmp_path)
    finally:
        a.quit()


def test_settings_are_saved(app, tmp_path):
    app.click_button("settings")
    assert scene_name(app) == "SettingsScene"
    scale = app.theme.scale
    app.click_button("presenter")
    assert app.progress.settings.presenter and app.theme.scale > scale
    app.key(pygame.K_c)
    assert app.progress.settings.colorblind
    app.run_frames(2)
    shot(app, "settings_presenter", tmp_path)
    home = Path(__import__("os").environ["MESA_LAB_HOME"])
    app.quit()
    again = make_app(home)
    try:
        assert again.progress.settings.presenter and again.progress.settings.colorblind
    finally:
        again.quit()


def test_resize_keeps_working(app, tmp_path):
    app.step([pygame.event.Event(pygame.VIDEORESIZE, size=(900, 600), w=900, h=600)])
    app.run_frames(2)
    assert app.screen.get_size() == (900, 600)
    app.key(pygame.K_RETURN)
    app.click_button("design")
    app.run_frames(3)
    shot(app, "editor_small_window", tmp_path)
    assert app.errors == []


def test_no_display_says_so_in_one_line(monkeypatch, capsys):
    from game.commands import window
    monkeypatch.setattr(window.sys, "platform", "linux")
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"):
        monkeypatch.delenv(var, raising=False)
    assert window.run(argparse.Namespace()) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "python main.py --help" in err


def test_workshop_mode_opens_every_chapter(app):
    title = app.top
    locked = [i for i in range(len(title.entries)) if not title.unlocked(i)]
    app.click_button("settings")
    app.click_button("unlock")
    assert app.progress.settings.unlock_all
    app.key(pygame.K_ESCAPE)
    assert all(app.top.unlocked(i) for i in range(len(app.top.entries)))
    assert locked or len(app.top.entries) <= 1  # a fresh player starts with chapters locked
