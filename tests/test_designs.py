"""Designs: the editor's maps become a design file, checked against the chapter's
palette and budget with FILE:LINE:COL messages; saved atomically; merged into the
chapter without smuggling in reward weights."""

import pytest

from game.designs import (budget, design_from_maps, design_toml, load_design, merged,
                          palette_items, save_design, starter_maps)
from levels.errors import LevelFormatError
from levels.load import loads

CHAPTER = '''
format = 1

[chapter]
id = "budgeted"
title = "Budgeted"
intended = "coin"

[rules]
reward = { coin = 10, step = -0.1 }

[agent]
steps = 50_000

[design]
max_levels = 2
palette = ["wall", "floor", "coin", "spawn"]
max_items = 3
max_steps = 80_000
max_height = 5
max_width = 9

[legend]
1 = { spawn = "coin" }
b = { object = "coin", color = "blue" }

[[train]]
name = "start"
map = """
#######
#@...c#
#######
"""

[[deploy]]
name = "d"
map = """
#######
#c...@#
#######
"""
'''


@pytest.fixture()
def chapter():
    return loads(CHAPTER, "budgeted.toml")


def problems_for(chapter, maps, **kw):
    design, problems = design_from_maps(chapter, maps, path="d.toml", **kw)
    return design, [str(p) for p in problems]


def test_starter_design_is_valid(chapter):
    design, problems = problems_for(chapter, starter_maps(chapter))
    assert problems == [] and len(design.train) == 1


def test_palette_offers_chapter_symbols(chapter):
    symbols = {p.symbol for p in palette_items(chapter)}
    assert {"#", ".", "@", "c", "1", "b"} <= symbols
    assert "~" not in symbols and "O" not in symbols
    assert "~" in {p.symbol for p in palette_items(chapter, sandbox=True)}


def test_symbol_outside_palette_is_rejected_with_its_position(chapter):
    maps = [("lava", ["#######", "#@...c#", "#..~..#", "#######"])]
    text = design_toml(chapter, maps)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("#..~"))
    _, problems = problems_for(chapter, maps)
    assert problems == [f"d.toml:{line}:4: '~' is not in this chapter's palette (level 'lava'); "
                        f"you may use: # . 1 @ b c"]


def test_too_many_levels(chapter):
    maps = starter_maps(chapter) * 3
    maps = [(f"level {i}", rows) for i, (_, rows) in enumerate(maps)]
    _, problems = problems_for(chapter, maps)
    assert any("3 training levels; the chapter allows at most 2" in p for p in problems)


def test_item_budget(chapter):
    # two coins and a blue coin, then a spawn marker: the marker is the fourth item
    _, problems = problems_for(chapter, [("many", ["#######", "#@ccb1#", "#######"])])
    assert len(problems) == 1 and "to 4 items" in problems[0] and "budget is 3" in problems[0]
    assert problems[0].startswith("d.toml:") and problems[0].split(":")[2] == "6"


def test_step_budget_and_size(chapter):
    _, problems = problems_for(chapter, starter_maps(chapter), steps=90_000)
    assert any("over the chapter's budget of 80,000" in p for p in problems)
    wide = [("wide", ["###########", "#@.......c#", "###########"])]
    _, problems = problems_for(chapter, wide)
    assert any("at most 5 x 9" in p for p in problems)


def test_reward_edit_needs_permission(chapter):
    _, problems = problems_for(chapter, starter_maps(chapter), reward={"coin": 1})
    assert any("does not let the design change the reward" in p for p in problems)


def test_unreachable_goal_and_format_errors_keep_positions(chapter):
    _, problems = problems_for(chapter, [("walled", ["#######", "#@.#.c#", "#######"])])
    assert any("cannot be reached" in p for p in problems)
    _, problems = problems_for(chapter, [("ragged", ["#######", "#@..c#", "#######"])])
    assert problems and problems[0].startswith("d.toml:")


def test_budget_meter(chapter):
    b = budget(chapter, [("a", ["#######", "#@c11b#", "#######"])])
    assert (b.levels_used, b.levels_max, b.items_used, b.items_max) == (1, 2, 3, 3)
    assert b.within


def test_save_and_load_round_trip(chapter, tmp_path):
    maps = [("one", ["#######", "#@1111#", "#######"])]
    path = tmp_path / "design.toml"
    save_design(path, design_toml(chapter, maps, steps=60_000))
    design = load_design(path, chapter)
    assert design.train[0].rows == maps[0][1]
    lf = merged(chapter, design)
    assert lf.agent.steps == 60_000
    assert [lv.name for lv in lf.train] == ["one"]
    assert lf.train[0].reward == {"coin": 10.0, "step": -0.1}
    assert lf.deploy == chapter.deploy


def test_load_design_rejects_violations(chapter, tmp_path):
    path = tmp_path / "bad.toml"
    save_design(path, design_toml(chapter, [("x", ["#######", "#@.~.c#", "#######"])]))
    with pytest.raises(LevelFormatError) as info:
        load_design(path, chapter)
    assert str(path) in str(info.value)


def test_atomic_save_leaves_no_temp_files(chapter, tmp_path):
    path = tmp_path / "d.toml"
    for i in range(3):
        save_design(path, design_toml(chapter, starter_maps(chapter), steps=50_000 + i))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.toml"]


def test_spawn_markers_follow_the_palette():
    lf = loads(CHAPTER.replace('b = { object = "coin", color = "blue" }',
                               'b = { object = "coin", color = "blue" }\nO2 = { spawn = "camera" }'
                               .replace("O2", "5")), "c.toml")
    symbols = {p.symbol for p in palette_items(lf)}
    assert "1" in symbols and "5" not in symbols  # cameras are not in the palette


def test_level_reward_needs_permission(chapter, tmp_path):
    text = design_toml(chapter, starter_maps(chapter)).replace(
        'name = "start"', 'name = "start"\nreward = { coin = 100 }')
    path = tmp_path / "d.toml"
    save_design(path, text)
    with pytest.raises(LevelFormatError) as info:
        load_design(path, chapter)
    assert "sets its own reward" in str(info.value)


def test_problems_name_their_level_and_cell(chapter):
    # each kind of cell problem carries the level and the cell, so the editor need not
    # read positions back out of the text; whole-design problems carry none
    fine = ("fine", ["#######", "#@...c#", "#######"])
    cases = [
        ("lava", ["#######", "#@...c#", "#..~..#", "#######"], (2, 3)),   # outside the palette
        ("walled", ["#######", "#@.#.c#", "#######"], (1, 5)),           # unreachable coin
        ("ragged", ["#######", "#@..c#", "#######"], (1, 6)),            # a short row
        ("two", ["#######", "#@..@c#", "#######"], (1, 4)),              # a second agent
    ]
    for name, rows, cell in cases:
        _, problems = design_from_maps(chapter, [fine, (name, rows)], path="d.toml")
        assert [(p.cell.set_name, p.cell.index, p.cell.level, p.cell.row, p.cell.col)
                for p in problems] == [("train", 1, name, *cell)], name
    _, problems = design_from_maps(chapter, [fine], path="d.toml", steps=90_000)
    assert len(problems) == 1 and problems[0].cell is None
    text = design_toml(chapter, [fine], steps=90_000)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("steps = "))
    assert (problems[0].line, problems[0].col) == (line, 1)           # at the key, found by Locator


def test_notes_name_a_goal_behind_what_ends_the_episode():
    """A valid design whose coin lies behind a gem (an episode-ending object) in a
    corridor trains, but the player is told that no episode there can meet the goal;
    with a way round there is nothing to note."""
    from game.chapters import find_chapter
    from game.designs import design_notes, parse_design
    from levels.load import load
    chapter = load(find_chapter("2"))
    aisle = '''
format = 1

[legend]
a = { spawn = "agent" }
1 = { spawn = "coin" }
3 = { spawn = "gem", color = "blue" }

[[train]]
name = "the aisle"
map = """
#########
#1.3.a..#
#########
"""
'''
    design, problems = parse_design(aisle, chapter, "aisle.toml")
    assert problems == []
    notes = design_notes(chapter, design)
    assert len(notes) == 1 and (notes[0].line, notes[0].col) == (13, 2)
    assert "the aisle" in notes[0].message and "gem, which ends the episode" in notes[0].message
    roomy = aisle.replace('#########\n"""', '#.......#\n#########\n"""')
    assert design_notes(chapter, parse_design(roomy, chapter, "aisle.toml")[0]) == []


def test_notes_name_a_goal_behind_what_the_goal_forbids():
    # chapter 4's starter means it: its hedges must be crossed (the fine teaches when)
    from game.chapters import find_chapter
    from game.designs import design_notes
    from levels.load import load
    chapter = load(find_chapter("4"))
    design = design_from_maps(chapter, starter_maps(chapter))[0]
    notes = design_notes(chapter, design)
    assert [n.cell.level for n in notes] == ["watched: hedge", "unwatched: hedge"]
    assert all("flowers, which the goal forbids" in n.message for n in notes)
