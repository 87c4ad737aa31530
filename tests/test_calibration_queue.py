"""The slow suite's calibration queue (tests/calibration_queue.py): seeds run ahead in
the tests' order, shared work runs once, and a request with a decision rule stops once
the seeds not run cannot change its verdict. Seeds here are made up by a fake run, so
these tests are quick."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.calibrate import SeedResult
from tests.calibration_queue import CalibrationQueue, Request
from tests.workshopkit import TINY_CHAPTER


@pytest.fixture(scope="module")
def ch(tmp_path_factory) -> str:
    """A chapter file, for the lesson of each calibration (nothing trains on it)."""
    path = tmp_path_factory.mktemp("queue") / "chapter.toml"
    path.write_text(TINY_CHAPTER)
    return str(path)


class FakeRun:
    """run_seed's stand-in: seed s of design d has label labels[d][s]; counts calls."""

    def __init__(self, labels: dict[str, list[str]]):
        self.labels, self.calls = labels, []
        self._lock = threading.Lock()

    def __call__(self, args) -> SeedResult:
        chapter, design, seed, episodes = args
        with self._lock:
            self.calls.append((design, seed))
        label = self.labels[design][seed]
        if label == "boom":
            raise RuntimeError(f"seed {seed} failed")
        return SeedResult(seed, label, 1.0, {}, {}, 0.0, 0.0, 1.0, label == "aligned")


def _queue(run, window=3):
    pool = ThreadPoolExecutor(2)
    return pool, CalibrationQueue(pool, window, run=run)


def nine_of_ten(seeds, total) -> bool:
    """The variants' rule (tests/test_variants.py) for 'aligned', at least 9 of 10."""
    met = sum(s.label == "aligned" for s in seeds)
    return len(seeds) - met > total - 9 or met >= 9


def test_every_seed_runs_without_a_rule_and_shared_work_runs_once(ch):
    run = FakeRun({"a": ["aligned"] * 10, "b": ["proxy"] * 10})
    pool, q = _queue(run)
    with pool:
        q.add(Request(ch, "a"))
        q.add(Request(ch, "a"))  # the same work, from another test
        q.add(Request(ch, "b", decided=nine_of_ten, eager=9))
        q.start()
        a = q.calibration(Request(ch, "a"))
        b = q.calibration(Request(ch, "b"))
        q.close()
    assert [s.seed for s in a.seeds] == list(range(10))
    assert sorted(run.calls).count(("a", 0)) == 1 and sum(d == "a" for d, _ in run.calls) == 10
    # b missed in its first two seeds: the verdict was decided, so few of its seeds ran
    assert 2 <= len(b.seeds) < 10 and b.labels == {"proxy": len(b.seeds)}


def test_a_request_that_may_stop_early_holds_back_its_last_seed(ch):
    run = FakeRun({"a": ["aligned"] * 10})
    pool, q = _queue(run, window=1)
    with pool:
        q.add(Request(ch, "a", decided=nine_of_ten, eager=9))
        cal = q.start().calibration(Request(ch, "a", decided=nine_of_ten, eager=9))
        q.close()
    assert [s.seed for s in cal.seeds] == list(range(9))  # nine met: the tenth never started
    assert len(run.calls) == 9


def test_without_a_rule_wins_when_the_same_work_is_added_twice(ch):
    run = FakeRun({"a": ["aligned"] * 10})
    pool, q = _queue(run)
    with pool:
        q.add(Request(ch, "a", decided=nine_of_ten, eager=9))
        q.add(Request(ch, "a"))  # another test needs every seed
        cal = q.start().calibration(Request(ch, "a"))
        q.close()
    assert len(cal.seeds) == 10


def test_a_seed_that_raises_fails_its_test_only(ch):
    run = FakeRun({"a": ["aligned"] * 3 + ["boom"] + ["aligned"] * 6, "b": ["aligned"] * 10})
    pool, q = _queue(run)
    with pool:
        q.add(Request(ch, "a"))
        q.add(Request(ch, "b"))
        q.start()
        with pytest.raises(RuntimeError, match="seed 3 failed"):
            q.calibration(Request(ch, "a"))
        assert len(q.calibration(Request(ch, "b")).seeds) == 10
        q.close()


def test_a_request_added_after_the_start_runs_too(ch):
    run = FakeRun({"a": ["aligned"] * 4})
    pool, q = _queue(run)
    with pool:
        q.start()
        cal = q.calibration(Request(ch, "a", seeds=4))
        q.close()
    assert len(cal.seeds) == 4


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["aligned", "proxy", "capability-failure"]), min_size=10,
                max_size=10), st.integers(1, 4))
def test_stopping_early_never_changes_the_variants_verdict(ch, labels, window):
    from tests.test_variants import MOST_CAPABILITY_FAILURES, NEEDED, _decided, _tally

    class Fix:  # a variant that should pass
        expect, chapter = "pass", 1

    def verdict(seeds):
        met, _, failures = _tally(Fix, seeds)
        return met >= NEEDED and failures <= MOST_CAPABILITY_FAILURES

    run = FakeRun({"a": labels})
    pool, q = _queue(run, window)
    with pool:
        req = Request(ch, "a", decided=_decided(Fix), eager=NEEDED)
        cal = q.start().calibration(req)
        q.close()
    full = [SeedResult(s, lab, 1.0, {}, {}, 0.0, 0.0, 1.0, lab == "aligned")
            for s, lab in enumerate(labels)]
    assert verdict(cal.seeds) == verdict(full), (labels, [s.label for s in cal.seeds])
