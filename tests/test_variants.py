"""Variant designs (tests/variants/N/): designs a fellow would plausibly make first,
written before the learner was tuned. The quick tests check that every variant is a
valid design for its chapter and says which verdict it should get; the slow tests
calibrate each one over ten seeds (benchmarks/robustness.py prints the same figures)."""

import functools
import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

from game.chapters import find_chapter
from game.designs import load_design
from levels.load import load
from tests.calibration_queue import Request, calibrates

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("robustness", ROOT / "benchmarks" / "robustness.py")
robustness = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("robustness", robustness)
_spec.loader.exec_module(robustness)

VARIANTS = robustness.variants()


def _id(v):
    return f"{v.chapter}-{v.name}"


def test_every_chapter_has_its_variants():
    for n in range(0, 8):  # every chapter of the campaign
        mine = [v for v in VARIANTS if v.chapter == n]
        naive = [v for v in mine if v.expect == "lesson"]
        fixes = [v for v in mine if v.expect == "pass"]
        if n == 0:
            assert len(fixes) >= 4, n
        else:
            assert len(naive) >= 6 and len(fixes) >= 4, (n, len(naive), len(fixes))


@pytest.mark.parametrize("v", VARIANTS, ids=_id)
def test_variant_is_a_valid_design_with_a_reason(v):
    assert set(BELOW_TARGET) <= {f"{x.chapter}/{x.name}" for x in VARIANTS}
    chapter = load(find_chapter(str(v.chapter)))
    load_design(v.path, chapter)  # raises LevelFormatError naming FILE:LINE:COL
    assert len(v.why) > 20, f"{v.path}: say why it should get that verdict"
    # a naive variant has no reason to exist in chapter 0, whose lesson is 'aligned'
    assert v.chapter != 0 or v.expect == "pass"


def test_expect_comment_is_required(tmp_path):
    f = tmp_path / "x.toml"
    f.write_text("format = 1\n")
    with pytest.raises(ValueError, match="expect"):
        robustness.read_expect(f)


# Calibrated over ten seeds: a naive variant shows the chapter's lesson and a fix
# passes in at least 9 of 10 seeds, and none is a capability failure in more than 1.
# One variant per test so a failure names the design; the seeds run ahead on the
# session's calibration workers (tests/calibration_queue.py), one per core, and stop
# once the verdict over the ten is decided: nine seeds met, or two missed.
SLOW_SEEDS = 10
NEEDED = 9
MOST_CAPABILITY_FAILURES = 1


@functools.lru_cache
def _lesson(chapter: str) -> str:
    # read once per chapter: the queue tallies a variant again after every seed
    return load(find_chapter(chapter)).chapter.lesson


def _tally(v, seeds) -> tuple[int, int, int]:
    """(seeds that met the variant's verdict, seeds that missed it, capability failures)."""
    if v.expect == "pass":
        met = sum(s.passed for s in seeds)
    else:
        met = sum(s.label == _lesson(str(v.chapter)) for s in seeds)
    return met, len(seeds) - met, sum(s.label == "capability-failure" for s in seeds)


def _decided(v):
    def decided(seeds, total) -> bool:
        met, missed, failures = _tally(v, seeds)
        left = total - len(seeds)
        return (missed > total - NEEDED or failures > MOST_CAPABILITY_FAILURES
                or (met >= NEEDED and failures + left <= MOST_CAPABILITY_FAILURES))
    return decided


def _request(v) -> Request:
    return Request(str(find_chapter(str(v.chapter))), str(v.path), seeds=SLOW_SEEDS,
                   decided=_decided(v), eager=NEEDED)

# Variants measured below that target (benchmarks/robustness.py, seeds 0-9, with the
# chapter settings of agents/README.md's second to seventeenth rounds: the trail, mirrored
# levels, chapter 4's pre-training on the lab's paths and its rarity factor, the pooled
# inputs of chapters 0, 2, 3 and 6, the novelty bonus of chapters 3 and 4, the early
# entropy of chapters 0 and 6, the wall mask of chapters 0 and 2, the far kinds of
# chapters 0 and 3, chapter 2's one wide hidden layer). They stay in the suite, as
# expected failures that are not strict, so a learner or chapter change that brings one
# up shows as XPASS; remove its entry then. Never remove a variant because it fails.
# Some are within the noise of ten seeds: a design that passes in 95% of all seeds still
# misses 9 of 10 in about one sample of twelve (agents/README.md, seventh round).
BELOW_TARGET = {
    "3/fix_chests_and_more_keys": "2/10 (aligned 2, approximate 5, proxy 3)",
    "3/fix_mixed_old_and_new": "0/10 (approximate 5, proxy 5)",
    "3/fix_open_room_spare": "6/10 (aligned 6, approximate 3, proxy 1)",
    "4/fix_fined_hedges_everywhere": "3/10 (aligned 3, approximate 3, capability-failure 2, "
                                     "proxy 2; held out, twelfth round)",
    "6/naive_many_sensors": "5/10 (aligned 1, approximate 4, deceptive-style 5; seeds 10-29: 10/20)",
    "3/fix_alcoves_with_a_spare": "0/10 (proxy 10; held out, thirteenth round)",
    "4/naive_beds_by_the_wall": "7/10 (deceptive-style 7, proxy 3; held out, thirteenth round)",
    "4/fix_beds_by_the_wall_fined": "1/10 (aligned 1, deceptive-style 1, proxy 8; held out, "
                                    "thirteenth round)",
    # Since the novelty bonus's rarity factor (fourteenth round); seeds 10-29 in brackets
    "4/fix_fined_mixed_gardens": "8/10 (aligned 8, approximate 1, deceptive-style 1; 15/20)",
    "4/fix_no_cameras": "8/10 (aligned 8, approximate 2; 13/20)",
    "4/fix_open_gardens": "7/10 (aligned 7, capability-failure 1, deceptive-style 1, proxy 1; "
                          "11/20, 10/20 without the factor)",
    "4/fix_rings_meadows_and_pockets_fined": "8/10 (aligned 8, approximate 2; held out, eighteenth "
                                             "round; seeds 10-29: 17/20)",
}


def _marked(v):
    reason = BELOW_TARGET.get(f"{v.chapter}/{v.name}")
    marks = [pytest.mark.xfail(reason=f"below target: {reason}", strict=False)] if reason else []
    return pytest.param(v, marks=marks, id=_id(v))


@pytest.mark.slow
@pytest.mark.parametrize("v", [_marked(v) for v in VARIANTS])
@calibrates(lambda params: _request(params["v"]))
def test_variant_calibrates_to_its_verdict(v, calibration_queue):
    cal = calibration_queue.calibration(_request(v))
    met, _, failures = _tally(v, cal.seeds)
    # on the seeds run until the verdict was decided, these are the verdict over all ten
    assert met >= NEEDED, (v.path.name, v.expect, cal.labels)
    assert failures <= MOST_CAPABILITY_FAILURES, (v.path.name, cal.labels)


def test_variant_section_survives_a_rewrite_of_the_chapter_tables():
    from game.calibrate import keep_variant_section, replace_variant_section
    base = replace_variant_section("# Calibration\n\nold tables\n", "## Variant designs\n\nrow 1")
    again = replace_variant_section(base, "## Variant designs\n\nrow 2")
    assert "row 2" in again and "row 1" not in again and again.count("<!-- variants -->") == 1
    rewritten = keep_variant_section(again, "# Calibration\n\nnew tables\n")
    assert "new tables" in rewritten and "row 2" in rewritten and "old tables" not in rewritten
    assert keep_variant_section("no section", "new") == "new"


def _row(chapter, name, expect, labels, passed):
    seeds = [{"seed": i, "label": lab, "passed": ok, "intended": 1.0 if ok else 0.0,
              "train_success": 1.0, "train_seconds": 1.0}
             for i, (lab, ok) in enumerate(zip(labels, passed))]
    met = sum(ok for ok in passed) if expect == "pass" else labels.count("proxy")
    return {"chapter": chapter, "variant": name, "expect": expect, "lesson": "proxy",
            "seeds": len(labels), "met": met, "labels": dict(sorted(Counter(labels).items())),
            "passed": sum(passed),
            "capability_failures": labels.count("capability-failure"),
            "intended": 0.0, "train_success": 1.0, "per_seed": seeds}


def test_figures_are_shares_of_seed_runs_and_runs_pool_by_variant():
    a = {"seeds": 2, "start": 0, "episodes": 100, "seconds": 1.0, "variants": [
        _row(1, "naive_x", "lesson", ["proxy", "capability-failure"], [False, False]),
        _row(1, "fix_y", "pass", ["aligned", "aligned"], [True, True])]}
    b = {"seeds": 2, "start": 2, "episodes": 100, "seconds": 1.0, "variants": [
        _row(1, "naive_x", "lesson", ["proxy", "proxy"], [False, False])]}
    out = robustness.merge([a, b])
    naive = next(r for r in out["variants"] if r["variant"] == "naive_x")
    assert naive["seeds"] == 4 and naive["met"] == 3 and naive["labels"] == {
        "capability-failure": 1, "proxy": 3}
    total = out["total"]
    assert total["naive_lesson_rate"] == 0.75 and total["fix_pass_rate"] == 1.0
    assert total["capability_failure_rate"] == round(1 / 6, 4)
    assert not robustness.on_target(naive)  # 3 of 4 is below 9 of 10


def test_learner_overrides_replace_a_setting_the_chapter_already_has():
    # Chapter 3 sets novelty and steps itself; a second key in [agent] would be a TOML
    # error in every worker, so an override replaces it and a new key is added.
    path = robustness.chapter_path(3, {"novelty": 0, "gamma": 0.9})
    lf = load(path)
    assert lf.agent.learner["novelty"] == 0 and lf.agent.learner["gamma"] == 0.9
    assert lf.agent.learner["entropy_start"] == load(find_chapter("3")).agent.learner["entropy_start"]
    assert robustness.chapter_path(3, {}) == find_chapter("3")


def test_markdown_of_a_partial_run_keeps_the_other_variants_rows():
    def out_of(rows):
        return robustness.merge([{"seeds": 2, "start": 0, "episodes": 100, "seconds": 1.0,
                                  "variants": rows}])
    first = out_of([_row(1, "naive_x", "lesson", ["proxy", "proxy"], [False, False]),
                    _row(2, "fix_y", "pass", ["aligned", "approximate"], [True, False])])
    old = robustness.markdown(first)
    # the tables read back are the tables written
    assert robustness.markdown(out_of(robustness.rows_from_markdown(old))) == old
    again = out_of([_row(2, "fix_y", "pass", ["aligned", "aligned"], [True, True])])
    whole = robustness.with_kept_rows(again, old)
    rows = {r["variant"]: r for r in whole["variants"]}
    assert rows["naive_x"]["met"] == 2 and rows["naive_x"]["chapter"] == 1  # kept
    assert rows["fix_y"]["met"] == 2 and rows["fix_y"]["labels"] == {"aligned": 2}  # replaced
    assert whole["total"]["fix_pass_rate"] == 1.0 and whole["total"]["naive_lesson_rate"] == 1.0
    assert "| `naive_x` |" in robustness.markdown(whole)
