"""The slow suite's calibrations, run ahead on the session's workers.

Each slow test that calibrates a design over ten seeds used to hand its seeds to the
workers and wait for all of them: the workers then sat idle at the end of every test
(the last seed or two ran on one core) and whenever the suite ran anything else. Here
every such test, marked with `calibrates`, is known when the session starts; a thread
keeps the workers busy with the seeds of all of them, in the order the tests run, and
each test takes its own results when it gets there (`CalibrationQueue.calibration`).

A test may also say when its verdict is decided (`Request.decided`). The verdict of a
variant ("at least 9 of 10 seeds, at most 1 capability failure") is settled once nine
seeds have met it, or once two have missed: the seeds not run yet cannot change it. Such
a request starts its first `eager` seeds at once and each further seed only when the
results in do not decide the verdict; meanwhile the workers run the next test's seeds.
Every seed is deterministic, so which seeds ran never changes a verdict, only how long
the suite took. benchmarks/robustness.py still runs every seed for the figures.
"""

from __future__ import annotations

import threading
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass, field
from typing import Callable

from game.calibrate import (Calibration, SeedResult, new_calibration, run_seed, seed_work,
                            solution_path)
from levels.load import load


@dataclass
class Request:
    chapter: str
    design: str | None = None
    seeds: int = 10
    episodes: int = 100
    # decided(results so far, seeds in all) -> True when the seeds not run yet cannot
    # change the test's verdict; None: every seed runs
    decided: Callable[[list[SeedResult], int], bool] | None = None
    eager: int | None = None  # seeds started without waiting for results (None: all)

    @property
    def key(self) -> tuple:
        """What is run: two tests that calibrate the same design share its seeds."""
        return self.chapter, self.design, self.seeds, self.episodes


@dataclass
class _State:
    request: Request
    started: int = 0
    results: list[SeedResult] = field(default_factory=list)
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def settled(self) -> bool:
        r = self.request
        return len(self.results) == r.seeds or (
            r.decided is not None and r.decided(self.results, r.seeds))

    def can_start(self) -> bool:
        r = self.request
        if self.done.is_set() or self.started >= r.seeds:
            return False
        if self.started < (r.seeds if r.eager is None else r.eager):
            return True
        return len(self.results) == self.started  # every result in, and still undecided


def chapter_request(chapter_path, solution: bool = False, seeds: int = 10) -> Request:
    """A chapter's starter design, or its reference solution, over every seed: the one
    place these requests are made, so tests that calibrate the same chapter share them."""
    design = solution_path(load(chapter_path)) if solution else None
    return Request(str(chapter_path), str(design) if design else None, seeds=seeds)


def calibrates(make_request: Callable[[dict], Request]):
    """Mark a test whose calibration the session's queue runs ahead of it:
    make_request(the test's parameters) gives its Request."""
    def mark(test):
        test.calibration_request = make_request
        return test
    return mark


class CalibrationQueue:
    """Runs the seeds of every added Request on `pool` (an executor), keeping `window`
    seeds submitted at a time; `calibration(request)` waits for one request's results."""

    def __init__(self, pool, window: int, run: Callable = run_seed):
        self.pool, self.window, self.run = pool, max(1, window), run
        self._states: dict[str, _State] = {}
        self._order: list[_State] = []
        self._lock = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._work, name="calibration-queue", daemon=True)

    def add(self, request: Request) -> None:
        """Queue a request. The same work added twice runs once; if only one of the two
        may stop early, every seed runs (a verdict over all seeds is the same verdict)."""
        with self._lock:
            state = self._states.get(request.key)
            if state is None:
                state = _State(request)
                self._states[request.key] = state
                self._order.append(state)
            elif request.decided is None and state.request.decided is not None:
                state.request = request
            self._lock.notify_all()

    def start(self) -> "CalibrationQueue":
        self._thread.start()
        return self

    def close(self) -> None:
        with self._lock:
            self._stop = True
            self._lock.notify_all()
        if self._thread.is_alive():
            self._thread.join()

    def calibration(self, request: Request) -> Calibration:
        """The request's calibration (added now if it was not), its seeds in order: all
        of them, or those run until its verdict was decided. Raises what a seed raised."""
        with self._lock:
            if request.key not in self._states:
                self.add(request)
            state = self._states[request.key]
        state.done.wait()
        if state.error is not None:
            raise state.error
        r = state.request
        cal = new_calibration(r.chapter, r.design)
        cal.seeds = sorted(state.results, key=lambda s: s.seed)
        return cal

    def _next(self) -> _State | None:
        return next((s for s in self._order if s.can_start()), None)

    def _work(self) -> None:
        running: dict = {}
        while True:
            with self._lock:
                while not self._stop and not running and self._next() is None:
                    self._lock.wait()
                if self._stop:
                    return
                while len(running) < self.window and (state := self._next()) is not None:
                    (args,) = seed_work(state.request.chapter, state.request.design,
                                        [state.started], state.request.episodes)
                    state.started += 1
                    running[self.pool.submit(self.run, args)] = state
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            with self._lock:
                for future in finished:
                    state = running.pop(future)
                    if state.done.is_set():
                        continue  # decided while this seed ran
                    if future.exception() is not None:
                        state.error = future.exception()
                        state.done.set()
                        continue
                    state.results.append(future.result())
                    if state.settled():
                        state.done.set()
