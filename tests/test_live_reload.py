"""Live reload (game/filewatch.py, the sandbox editor): a level file open in the
sandbox (or `play`) reloads within a second of being saved by a text editor; a
broken save shows its problems in place and the last good version stays playable."""

from __future__ import annotations

from pathlib import Path

from game.filewatch import FileWatch
from game.ui.launch import open_in_sandbox

ROOM = '''format = 1
[[train]]
name = "room"
map = """
#######
#@...c#
#######
"""
'''


def test_filewatch_sees_each_save_once(tmp_path):
    f = tmp_path / "a.toml"
    f.write_text("one")
    w = FileWatch(f, interval=0.25)
    assert not w.poll(0.0)
    f.write_text("two, longer")
    assert not w.poll(0.1)  # within the polling interval: not looked at yet
    assert w.poll(0.3) and not w.poll(0.6)
    f.unlink()
    assert w.poll(0.9)
    f.write_text("back")
    assert w.poll(1.2)


def _run(app, seconds: float) -> None:
    for _ in range(int(seconds / 0.05)):
        app.step(dt=0.05)


def test_sandbox_reloads_a_saved_file_and_keeps_the_last_good_version(app, tmp_path):
    f = tmp_path / "room.toml"
    f.write_text(ROOM)
    open_in_sandbox(app, f)
    app.run_frames(2)
    editor = app.top
    assert editor.doc.rows[1] == "#@...c#"

    f.write_text(ROOM.replace("#@...c#", "#c...@#"))
    _run(app, 1.0)
    editor = app.top
    assert type(editor).__name__ == "EditorScene" and editor.play.source_path == f
    assert editor.doc.rows[1] == "#c...@#"
    assert editor.reload_error == ""

    f.write_text(ROOM.replace("#c...@#", "#c...@x#").replace("[[train]]", "[[train]]\nrewrd = 1"))
    _run(app, 1.0)
    assert app.top is editor  # still the last good version
    assert editor.doc.rows[1] == "#c...@#" and not editor.problems
    assert f"{f}:" in editor.reload_error and "rewrd" in editor.reload_error
    assert editor.buttons["train"].enabled
    app.step()  # the problems are drawn over the canvas without an error

    f.write_text(ROOM.replace("#@...c#", "#@.c..#"))
    _run(app, 1.0)
    assert app.top.doc.rows[1] == "#@.c..#" and app.top.reload_error == ""
