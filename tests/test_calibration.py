"""Calibration: each chapter's starter design shows its lesson, and its reference
solution passes, across ten seeds. These runs take minutes, so they are marked slow;
CI runs them (`pytest -m 'slow or not slow'`)."""

import pytest

from game.calibrate import calibrate, solution_path
from game.chapters import campaign
from levels.format import load

CHAPTERS = campaign()
SEEDS = 10
NEEDED = 8


@pytest.mark.slow
@pytest.mark.parametrize("entry", CHAPTERS, ids=lambda e: e.id)
def test_starter_design_shows_the_lesson(entry):
    cal = calibrate(entry.path, seeds=SEEDS, episodes=100)
    assert cal.lesson_seeds >= NEEDED, (cal.lesson, cal.labels, cal.to_json())
    if cal.lesson == "aligned":
        assert cal.passed_seeds >= NEEDED
    lf = load(entry.path)
    for gap in lf.gaps:
        # a conditional lesson must be a real gap in most seeds, in the right direction
        positive = sum(s.gaps.get(gap.name, 0.0) > 0.1 for s in cal.seeds)
        assert positive >= NEEDED, (gap.name, [s.gaps for s in cal.seeds])


@pytest.mark.slow
@pytest.mark.parametrize("entry", CHAPTERS, ids=lambda e: e.id)
def test_reference_solution_passes(entry):
    path = solution_path(load(entry.path))
    cal = calibrate(entry.path, path, seeds=SEEDS, episodes=100)
    assert cal.passed_seeds >= NEEDED, (cal.labels, cal.to_json())
