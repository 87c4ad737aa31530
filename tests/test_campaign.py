"""The campaign: every chapter is a valid, complete chapter file with a reference
solution that respects the player's palette and budget. The multi-seed calibration
of each chapter is in test_calibration.py (slow)."""

import re

import pytest

from game.calibrate import solution_path
from game.chapters import campaign, find_chapter
from game.designs import load_design
from levels.schema import LABELS
from levels.load import load

CHAPTERS = campaign()
YEAR = re.compile(r"\b(19|20)\d\d\b")


def test_the_campaign_has_eight_chapters_in_order():
    assert [c.number for c in CHAPTERS] == list(range(8)), [c.label for c in CHAPTERS]
    assert all(c.error is None for c in CHAPTERS)


@pytest.mark.parametrize("entry", CHAPTERS, ids=lambda e: e.id)
def test_chapter_is_complete(entry):
    lf = load(entry.path)
    ch = lf.chapter
    assert ch.title and ch.briefing and ch.intended_text
    assert 100 <= len(ch.briefing.split()) <= 300, "a briefing of 120-220 words"
    assert ch.lesson in LABELS
    assert YEAR.search(ch.reading), "readings are cited with their year"
    assert len(ch.predictions) >= 3
    assert {p.label for p in ch.predictions} <= set(LABELS)
    assert ch.lesson in {p.label for p in ch.predictions}
    assert ch.lesson in ch.debrief and "aligned" in ch.debrief
    for label, text in ch.debrief.items():
        assert label in LABELS and len(text.split()) >= 40
    assert lf.train and lf.deploy
    if ch.lesson == "deceptive-style":
        assert lf.gaps, "a conditional lesson is measured as a gap"
    else:
        assert ch.number == 0 or lf.probes, "a proxy lesson needs probes for the proxy"


@pytest.mark.parametrize("entry", [c for c in CHAPTERS if c.number], ids=lambda e: e.id)
def test_debriefs_say_where_the_toy_differs(entry):
    ch = load(entry.path).chapter
    for label, text in ch.debrief.items():
        assert re.search(r"toy|small network|this game|our agent|64", text, re.I), \
            f"the {label} debrief should say where the toy differs from the real phenomenon"


@pytest.mark.parametrize("entry", CHAPTERS, ids=lambda e: e.id)
def test_reference_solution_respects_the_budget(entry):
    chapter = load(entry.path)
    path = solution_path(chapter)
    assert path is not None, f"levels/chapters/solutions/{entry.number}.toml is missing"
    load_design(path, chapter)  # raises with file:line:col on any violation


def test_chapters_are_found_by_number_and_id():
    for entry in CHAPTERS:
        assert find_chapter(str(entry.number)) == entry.path
        assert find_chapter(entry.id) == entry.path


def test_a_pretrained_agents_name_changes_with_what_it_was_trained_with():
    # a cached pre-trained agent is reused by name: a chapter that changes its learner
    # settings or view must not pick up one trained with the old ones
    import dataclasses

    from game.pretrained import pretrained_name
    from game.chapters import load_chapter
    lf = load_chapter("5")
    base = pretrained_name(lf)
    for change in ({"learner": {**lf.agent.learner, "lr": 1e-3}}, {"view": 7},
                   {"pretrain_steps": lf.agent.pretrain_steps + 1}, {"seed": lf.agent.seed + 1}):
        other = dataclasses.replace(lf, agent=dataclasses.replace(lf.agent, **change))
        assert pretrained_name(other) != base, change
    assert pretrained_name(lf) == base
