"""The editor through real events: painting and erasing, undo and redo with
Ctrl+Z / Ctrl+Y, levels added, copied and deleted, validation messages in place,
and a design that autosaves and comes back after a restart."""

from __future__ import annotations

import pygame

from game.ui import theme as T
from tests.test_ui_kit import floor_cell, make_app, scene_name, shot, tool_index

CTRL = pygame.KMOD_CTRL


def open_editor(app):
    app.key(pygame.K_RETURN)
    app.click_button("design")
    assert scene_name(app) == "EditorScene"
    app.run_frames(15)
    return app.top


def test_paint_erase_undo_redo(app, tmp_path):
    ed = open_editor(app)
    before = list(ed.doc.rows)
    app.click_button(f"tool:{tool_index(ed, 'wall')}")
    r, c = floor_cell(ed)
    row = ed.doc.rows[r]
    cells = [(r, cc) for cc in range(len(row)) if row[cc] == "."][:3]
    app.drag([ed.grid.rect(*cell).center for cell in cells])          # one stroke, three walls
    assert all(ed.doc.rows[rr][cc] == "#" for rr, cc in cells)
    app.click(ed.grid.rect(*cells[0]).center, button=3)               # right click erases
    assert ed.doc.rows[cells[0][0]][cells[0][1]] == "."
    app.key(pygame.K_z, CTRL)                                         # undo the erase
    assert ed.doc.rows[cells[0][0]][cells[0][1]] == "#"
    app.key(pygame.K_z, CTRL)                                         # undo the stroke
    assert ed.doc.rows == before
    app.key(pygame.K_y, CTRL)                                         # redo the stroke
    assert all(ed.doc.rows[rr][cc] == "#" for rr, cc in cells)
    app.click_button("undo")
    assert ed.doc.rows == before
    app.click_button("redo")
    assert ed.doc.rows[cells[1][0]][cells[1][1]] == "#"
    assert app.errors == []


def test_levels_add_copy_delete(app, tmp_path):
    ed = open_editor(app)
    n = len(ed.doc.maps)
    app.click_button("copy")
    assert len(ed.doc.maps) == n + 1 and ed.doc.current == 1
    assert ed.doc.maps[1][1] == ed.doc.maps[0][1]
    app.key(pygame.K_DELETE, CTRL)
    assert len(ed.doc.maps) == n
    if ed.buttons["add"].enabled:
        app.click_button("add")
        assert len(ed.doc.maps) == n + 1
        assert any("@" in row for row in ed.doc.rows)
        app.click_button("tab:0")
        assert ed.doc.current == 0
    shot(app, "editor_levels", tmp_path)
    assert app.errors == []


def test_validation_messages_in_place(app, tmp_path):
    ed = open_editor(app)
    agent = next((r, row.index("@")) for r, row in enumerate(ed.doc.rows) if "@" in row)
    app.click(ed.grid.rect(*agent).center, button=3)                  # erase the agent
    app.run_frames(15)
    assert ed.problems, "a level without an agent must be reported"
    assert not ed.buttons["train"].enabled
    msgs = " ".join(p.message for p in ed.problems)
    assert "agent" in msgs
    # in place: the problem is tied to a cell of the level being edited, and that cell is
    # outlined in red on the canvas
    placed = [key for key, texts in ed.cell_problems.items() if any("agent" in t for t in texts)]
    assert placed, f"the missing agent is not tied to a cell: {ed.cell_problems}"
    for li, r, c in placed:
        assert li == ed.doc.current and r < len(ed.doc.rows) and c < len(ed.doc.rows[r])
        cell = ed.grid.rect(r, c)
        assert app.screen.get_at(cell.topleft)[:3] == T.BAD, "the problem's cell is not outlined"
    shot(app, "editor_problems", tmp_path)
    app.click_button("train")                                         # disabled: nothing happens
    assert scene_name(app) == "EditorScene"
    app.key(pygame.K_z, CTRL)
    app.run_frames(15)
    assert ed.problems == []
    assert ed.buttons["train"].enabled


def test_design_autosaves_and_reloads(app, tmp_path):
    ed = open_editor(app)
    app.click_button(f"tool:{tool_index(ed, 'wall')}")
    r, c = floor_cell(ed)
    app.click(ed.grid.rect(r, c).center)
    app.run_frames(70)                                                # past the autosave delay
    path = ed.play.design_path()
    assert path.exists()
    text = path.read_text()
    from levels.load import loads
    assert loads(text, str(path)).train                               # a valid design file
    cid = ed.play.chapter_id
    app.quit()

    again = make_app(tmp_path / "home")
    try:
        again.run_frames(2)
        ed2 = open_editor(again)
        assert ed2.doc.rows[r][c] == "#"
        assert ed2.play.chapter_id == cid
        assert again.errors == []
    finally:
        again.quit()


def test_damaged_design_opens_the_starter(app, tmp_path):
    ed = open_editor(app)
    path = ed.play.design_path()
    starter = [list(rows) for _, rows in ed.doc.maps]
    app.click_button("back")
    app.click_button("back")
    path.write_text("this is [not toml")
    ed2 = open_editor(app)
    assert [list(rows) for _, rows in ed2.doc.maps] == starter
    assert any("could not be read" in t for t, _, _ in app.toasts)
    assert app.errors == []
