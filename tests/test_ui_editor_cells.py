"""The editor marks a problem's cell from the problem's own location (level, row,
column), on the right level tab, through real events."""

from __future__ import annotations

from tests.test_ui_editor import open_editor
from tests.test_ui_kit import shot


def test_problem_marked_on_its_level_and_cell(app, tmp_path):
    ed = open_editor(app)
    app.click_button("copy")                                          # a second level, shown
    assert ed.doc.current == 1
    agent = next((r, row.index("@")) for r, row in enumerate(ed.doc.rows) if "@" in row)
    app.click(ed.grid.rect(*agent).center, button=3)                  # erase its agent
    app.run_frames(15)
    missing = [p for p in ed.problems if "has no agent" in p.message]
    assert len(missing) == 1 and missing[0].cell.index == 1
    assert ed.cell_problems == {(1, 0, 0): [missing[0].message]}
    shot(app, "editor_cell_problem", tmp_path)
    assert app.errors == []
