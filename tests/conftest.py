"""Test-wide settings: one BLAS thread (small products run far slower with more),
no real display or audio, and a private user-data folder so tests never touch a
player's progress."""

import os
import sys
import tempfile
from pathlib import Path

import pytest

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ["MESA_LAB_HOME"] = tempfile.mkdtemp(prefix="mesa-lab-test-")

# tests import their small kits (gamekit, worldkit, ...) by name
sys.path.insert(0, str(Path(__file__).resolve().parent))

# the game window fixture, shared by the UI tests
from tests.test_ui_kit import app  # noqa: E402,F401


CALIBRATION_WORKERS = min(os.cpu_count() or 1, 10)  # one per core, at most one per seed


@pytest.fixture(scope="session")
def calibration_pool():
    """Calibration workers shared by the slow tests (game.calibrate.worker_pool): a fresh
    worker spends seconds loading the compiled learner, which a pool per calibration
    paid again for every variant (one worker per core, at most one per seed)."""
    from game.calibrate import worker_pool
    with worker_pool(CALIBRATION_WORKERS) as pool:
        yield pool


@pytest.fixture(scope="session")
def calibration_queue(request, calibration_pool):
    """The calibrations of every selected test marked `calibrates`
    (tests/calibration_queue.py), run ahead on the calibration workers in the order
    the tests run, so the workers stay busy between and during the tests."""
    from tests.calibration_queue import CalibrationQueue
    # one seed more than there are workers, so a worker never waits for this thread
    queue = CalibrationQueue(calibration_pool, window=CALIBRATION_WORKERS + 1)
    for item in request.session.items:
        make = getattr(getattr(item, "function", None), "calibration_request", None)
        if make is not None:
            callspec = getattr(item, "callspec", None)
            queue.add(make(dict(callspec.params) if callspec else {}))
    queue.start()
    yield queue
    queue.close()
