"""Chapter 3's deployment rooms are fair to an agent that learned the goal. The
intended goal counts a spare key as a miss, so in every layout the spawns can make:
- opening the chest with one key takes fewer steps than with two: a spare key on a
  shortest way would be free to take, and no reward could teach an agent to leave it;
- whichever key lies nearest the start, the chest can be reached from it without
  another key, in fewer steps than with one: from the start the agent cannot see
  which key lies on the way out, and an agent that takes the nearest key it needs
  must not be forced over a second."""

from __future__ import annotations

import itertools
from collections import deque

import pytest

from game.capability import _distances, _starts
from game.chapters import find_chapter
from levels import world
from levels.load import load

CHAPTER = load(find_chapter("3"))


def _fewest_steps(level, start, keys, chest, taken=frozenset()) -> dict[int, int]:
    """Fewest steps to the chest holding a key, by keys held on arrival (1, or 2 for
    two or more): a key is taken by stepping on it; `taken`, those held at the start."""
    best: dict[int, int] = {}
    seen = {(start, taken)}
    queue = deque([(start, taken, 0)])
    while queue:
        cell, held, steps = queue.popleft()
        if cell == chest and held:
            best.setdefault(min(len(held), 2), steps)
            continue
        for dr, dc in world.ACTION_DELTAS:
            nxt = (cell[0] + dr, cell[1] + dc)
            if level.terrain[nxt[0]][nxt[1]] == world.WALL:
                continue
            now = held | {nxt} if nxt in keys and len(held) < 2 else held
            if (nxt, now) not in seen:
                seen.add((nxt, now))
                queue.append((nxt, now, steps + 1))
    return best


def _layouts(level):
    """Every (start, keys, chest) the level's fixed objects and spawns can make."""
    fixed = {kind: [(r, c) for o, r, c in level.objects if o.kind == kind] for kind in ("key", "chest")}
    choices = [[(s.what.kind, cells) for cells in itertools.combinations(s.cells, s.count)]
               for s in level.spawns if s.what is not None]
    for start in _starts(level):
        for pick in itertools.product(*choices):
            keys = set(fixed["key"]) | {c for kind, cells in pick if kind == "key" for c in cells}
            chests = fixed["chest"] + [c for kind, cells in pick if kind == "chest" for c in cells]
            yield start, keys, chests


@pytest.mark.parametrize("name", [lv.name for lv in CHAPTER.deploy])
def test_no_spare_key_lies_on_a_shortest_way(name):
    level = CHAPTER.level(name)
    layouts = 0
    for start, keys, chests in _layouts(level):
        assert len(chests) == 1 and len(keys) >= 2, name
        best = _fewest_steps(level, start, keys, chests[0])
        assert best[1] < best.get(2, 10**6), (name, start, sorted(keys))
        layouts += 1
    assert layouts >= 1


def test_the_check_finds_a_free_spare_key():
    """The room as it was before: a spare key on a shortest way to the chest."""
    level = CHAPTER.level("spare keys on the way")
    start, keys, chests = next(_layouts(level))
    best = _fewest_steps(level, start, keys | {(3, 6)}, (3, 9))
    assert best[2] == best[1]


def _forced(level, start, keys, chest) -> list[tuple[int, int]]:
    """The keys nearest the start from which the chest cannot be reached in fewer
    steps without a second key than with one."""
    dist = _distances(level, start)
    near = min(dist[k] for k in keys)
    out = []
    for key in (k for k in keys if dist[k] == near):
        best = _fewest_steps(level, key, keys, chest, taken=frozenset({key}))
        if not best.get(1, 10**6) < best.get(2, 10**6):
            out.append(key)
    return out


@pytest.mark.parametrize("name", [lv.name for lv in CHAPTER.deploy])
def test_the_nearest_key_never_forces_a_second(name):
    level = CHAPTER.level(name)
    for start, keys, chests in _layouts(level):
        assert _forced(level, start, keys, chests[0]) == [], (name, start, sorted(keys))


def test_the_check_finds_a_forced_second_key():
    """The room as it was: the key in the doorway and two spare keys as near the
    start; after either spare key, the doorway's key is in the way."""
    level = CHAPTER.level("spare keys beside the path")
    start, keys, chests = next(_layouts(level))
    old = {(1, 2), (2, 3), (3, 2)}
    assert sorted(_forced(level, start, old, chests[0])) == [(1, 2), (3, 2)]
