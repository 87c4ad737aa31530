"""The layout audit over every scene: each chapter played through the real window
(briefing, editor, training, prediction, deployment, debrief) and the title,
settings, sandbox and dialogs, drawn at each window size with presenter mode off
and on (game/ui/shots.py, also `python docs/make_screenshots.py --all`). No text
may be cut off, no two widgets may overlap, no control may lie off-screen.

The quick suite covers two sizes (the smallest window with presenter mode, the
usual one without); the slow suite all six."""

from __future__ import annotations

import pytest

from game.ui.shots import ALL_SIZES, QUICK_SIZES, sweep


def _assert_clean(result):
    problems = {k: result["details"][k] for k in ("truncated", "overlaps", "offscreen")}
    assert result.get("errors", 0) == 0, result.get("error_list")
    assert problems == {"truncated": [], "overlaps": [], "offscreen": []}, problems


def test_every_scene_fits_at_the_quick_sizes(tmp_path):
    result = sweep(tmp_path / "shots", QUICK_SIZES)
    # per size: 7 pictures per chapter (deployment twice: replays, arrows) + 9 other screens
    assert result["shots"] >= len(QUICK_SIZES) * 9
    assert len(list((tmp_path / "shots").rglob("*.png"))) == result["shots"]
    _assert_clean(result)


@pytest.mark.slow
def test_every_scene_fits_at_every_size(tmp_path):
    result = sweep(tmp_path / "shots", ALL_SIZES)
    assert len(list((tmp_path / "shots").rglob("*.png"))) == result["shots"]
    _assert_clean(result)
