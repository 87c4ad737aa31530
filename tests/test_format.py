"""Reading valid level files: what the parser builds, positions, saving."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from levels import world
from levels.load import find_level_files, load, loads
from levels.symbols import BUILTIN, describe_entry
from levels.writer import dumps, save
from levels.locate import Locator
from levels.model import Condition, Gap, LevelFile, Obj

EXAMPLES = Path(__file__).resolve().parent.parent / "levels" / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.toml"))

FULL = '''
format = 1

[chapter]
id = "full-test"
title = "Full test"
number = 3
intended = { reach = ["coin"], avoid = ["lava"], at_least = { key = 1 } }
lesson = "proxy"
bar = 0.75
thresholds = { proxy = 0.4 }
predictions = [{ id = "a", text = "A", label = "aligned" }]
debrief = { proxy = "Went right." }

[rules]
reward = { coin = 10, flowers = -2, flowers_watched = -5 }
end_on = ["coin", "flowers"]
max_steps = 99
trigger_year = 2030

[agent]
view = "full"
shape_range = 4
steps = 1000
seed = 7
pretrain_steps = 50
hidden = [32]
lr = 0.01
n_envs = 8

[design]
max_levels = 2
palette = ["wall", "coin", "spawn", "zone"]
max_items = 5
max_steps = 3000
reward_editable = true
max_height = 6
max_width = 7

[legend]
b = { object = "coin", color = "blue" }
Y = { object = "calendar", year = 2030 }
1 = { spawn = "gem", color = "green", count = 2 }
A = { spawn = "agent" }
E = { zone = "end" }
F = { terrain = "flowers", zone = "bed" }

[probes]
end = "end"
careful = { reach = ["coin"], avoid = ["flowers", "bed"] }

[control]
reward = { coin = 0 }

[[pretrain]]
name = "p"
map = """
@kc
"""

[[train]]
name = "t"
reward = { coin = 5 }
cue = true
map = """
#######
#A.1.k#
#A.1bc#
#~~*FE#
#Y...O#
#######
"""

[[deploy]]
name = "d1"
map = "@kc.E"

[[deploy]]
name = "d2"
map = """
@kc
T.s
"""

[[gaps]]
name = "g"
probe = "end"
when = ["d1"]
versus = ["d2"]

[[gaps]]
name = "c"
probe = "intended"
when = ["d1", "d2"]
versus = "control"
'''


@pytest.fixture(scope="module")
def full() -> LevelFile:
    return loads(FULL, "full.toml")


def test_top_level_sections(full):
    assert full.path == "full.toml" and full.format == 1
    ch = full.chapter
    assert (ch.id, ch.title, ch.number, ch.lesson, ch.bar) == ("full-test", "Full test", 3, "proxy", 0.75)
    assert ch.intended == Condition(reach=("coin",), avoid=("lava",), at_least={"key": 1})
    assert ch.thresholds == {"proxy": 0.4}
    assert ch.predictions[0].label == "aligned" and ch.debrief == {"proxy": "Went right."}
    # the alias expands; a specific event written in the same table wins
    assert full.rules.reward == {"coin": 10.0, "flowers_unwatched": -2.0, "flowers_watched": -5.0}
    assert full.rules.end_on == ("coin", "flowers_watched", "flowers_unwatched")
    assert (full.rules.max_steps, full.rules.trigger_year) == (99, 2030)
    a = full.agent
    assert (a.view, a.shape_range, a.steps, a.seed, a.pretrain_steps) == (world.VIEW_FULL, 4, 1000, 7, 50)
    assert a.learner == {"hidden": [32], "lr": 0.01, "n_envs": 8}
    d = full.design
    assert d.palette == ("wall", "coin", "spawn", "zone") and d.reward_editable and d.max_width == 7
    assert full.zone_names == ("end", "bed")
    assert full.probes["end"] == Condition(reach=("end",))
    assert full.probes["careful"].avoid == ("flowers", "bed")
    assert full.control_reward == {"coin": 0.0}
    assert full.gaps == [Gap("g", "end", ("d1",), ("d2",)), Gap("c", "intended", ("d1", "d2"), "control")]
    assert [lv.name for lv in full.pretrain] == ["p"]
    assert [lv.name for lv in full.deploy] == ["d1", "d2"]


def test_level_contents(full):
    t = full.train[0]
    assert t.rows[0] == "#######" and (t.height, t.width) == (6, 7)
    assert t.terrain[0][0] == world.WALL and t.terrain[3][1] == world.LAVA
    assert t.terrain[3][3] == world.FLOWERS and t.terrain[3][4] == world.FLOWERS
    assert t.terrain[1][1] == world.FLOOR
    # fixed objects in reading order
    assert t.objects == [
        (Obj("key", "green"), 1, 5), (Obj("coin", "blue"), 2, 4), (Obj("coin", "yellow"), 2, 5),
        (Obj("calendar", "blue", 2030), 4, 1), (Obj("camera", "grey"), 4, 5),
    ]
    assert t.agent is None
    assert [s.symbol for s in t.spawns] == ["A", "1"]
    agent, gem = t.spawns
    assert agent.what is None and agent.cells == [(1, 1), (2, 1)]
    assert gem.what == Obj("gem", "green") and gem.count == 2 and gem.cells == [(1, 3), (2, 3)]
    assert t.zones == {"bed": [(3, 4)], "end": [(3, 5)]}
    assert t.reward == {"coin": 5.0, "flowers_unwatched": -2.0, "flowers_watched": -5.0}
    assert t.reward_override == {"coin": 5.0}
    assert t.cue is True and t.n_objects() == 7
    # positions: the map's first row is on the line after `map = """`
    line = FULL.split("\n").index("#######") + 1
    assert (t.line, t.col) == (line, 1)
    d1 = full.level("d1")
    assert d1.agent == (0, 0) and d1.rows == ["@kc.E"] and d1.cue is False
    assert (d1.line, d1.col) == (FULL.split("\n").index('map = "@kc.E"') + 1, 8)
    assert full.level("d2").objects[-1] == (Obj("sensor", "grey"), 1, 2)


def test_legend_entries(full):
    assert full.legend["b"].object == Obj("coin", "blue")
    assert full.legend["1"].spawn == Obj("gem", "green") and full.legend["1"].count == 2
    assert full.legend["A"].spawn_agent
    assert full.legend["F"].terrain == "flowers" and full.legend["F"].zone == "bed"
    assert describe_entry(full.legend["b"]) == "blue coin"
    assert describe_entry(full.legend["1"]) == "spawn: 2 green gem"
    assert describe_entry(BUILTIN["~"]) == "lava"
    assert set(BUILTIN) == set("#.~*@ckhgOTs")


def test_defaults_for_a_minimal_design_file():
    lf = loads('format = 1\n[[train]]\nname = "a"\nmap = """\n\n#@c#\n\n"""\n')
    assert lf.chapter is None and lf.rules.reward == {"coin": 10.0, "step": -0.05}
    assert lf.rules.end_on == world.DEFAULT_END_ON and lf.agent.view == 5
    lv = lf.train[0]
    assert lv.rows == ["#@c#"] and lv.agent == (0, 1) and lv.line == 6


def _comparable(lf: LevelFile):
    out = {}
    for f in dataclasses.fields(lf):
        if f.name in ("path", "raw"):
            continue
        v = getattr(lf, f.name)
        if f.name in ("pretrain", "train", "deploy"):
            v = [dataclasses.replace(lv, line=0, col=0) for lv in v]
        out[f.name] = v
    return out


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.name for p in EXAMPLE_FILES])
def test_examples_are_valid_and_round_trip(path):
    lf = load(path)
    text = dumps(lf)
    again = loads(text)
    assert _comparable(again) == _comparable(lf)
    assert 'map = """\n' in text
    assert dumps(again) == text


def test_full_round_trip(full):
    assert _comparable(loads(dumps(full))) == _comparable(full)


def test_examples_cover_the_format():
    files = [load(p) for p in EXAMPLE_FILES]
    assert 3 <= len(files) <= 5
    levels = [lv for lf in files for lv in lf.all_levels()]
    terrain = {t for lv in levels for row in lv.terrain for t in row}
    assert terrain == {world.FLOOR, world.WALL, world.LAVA, world.FLOWERS}
    kinds = {o.kind for lv in levels for o, _, _ in lv.objects}
    kinds |= {s.what.kind for lv in levels for s in lv.spawns if s.what}
    assert kinds == set(world.KINDS)
    assert any(s.what is None for lv in levels for s in lv.spawns)
    assert any(s.count > 1 for lv in levels for s in lv.spawns)
    assert any(lv.zones for lv in levels) and any(lv.cue for lv in levels)
    assert any(lv.reward_override for lv in levels)
    assert any(o.year for lv in levels for o, _, _ in lv.objects)
    assert any(o.color != world.DEFAULT_COLOR[o.kind] for lv in levels for o, _, _ in lv.objects)
    assert any(lf.pretrain for lf in files) and all(lf.train for lf in files)
    assert any(lf.deploy for lf in files) and any(lf.gaps for lf in files)
    assert any(lf.probes for lf in files) and any(lf.control_reward for lf in files)


def test_save_is_atomic_and_loadable(tmp_path, full):
    target = tmp_path / "out.toml"
    target.write_text("old")
    save(full, target)
    assert _comparable(load(target)) == _comparable(full)
    assert [p.name for p in tmp_path.iterdir()] == ["out.toml"]


def test_find_level_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.toml").write_text("")
    (tmp_path / "a" / "notes.txt").write_text("")
    (tmp_path / "b.toml").write_text("")
    found = find_level_files([tmp_path, tmp_path / "b.toml", tmp_path / "missing.toml"])
    assert found == [tmp_path / "a" / "x.toml", tmp_path / "b.toml", tmp_path / "missing.toml"]


def test_locator_paths():
    text = ('a = 1\n[t]\nk = { x = 1, "y z" = [1, 2] }\n[[arr]]\nname = "n"\n[[arr]]\n'
            'name = """\nab\n"""\n[arr.sub]\nq = 3\n')
    loc = Locator(text)
    assert loc.key(("a",)) == (1, 1)
    assert loc.key(("t", "k", "x")) == (3, 7)
    assert loc.key(("t", "k", "y z")) == (3, 14)
    assert loc.value(("t", "k", "y z", 1)) == (3, 26)
    assert loc.key(("arr", 1)) == (6, 1)
    assert loc.char(("arr", 1, "name"), 1) == (8, 2)
    assert loc.key(("arr", 1, "sub", "q")) == (11, 1)
    assert loc.key(("nothing", "here")) == (1, 1)
    assert loc.key(("t", "k", "missing")) == (3, 1)


def test_locator_escapes():
    text = 'm = "a\\tb\\u0041c"\n'
    loc = Locator(text)
    assert loc.char(("m",), 0) == (1, 6)
    assert loc.char(("m",), 2) == (1, 9)
    assert loc.char(("m",), 4) == (1, 16)
