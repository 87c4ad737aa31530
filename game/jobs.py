"""Background work: one wrapper that runs a function in a daemon thread with
progress, cancel and the outcome kept for whoever polls it (the window's scenes
poll each frame and never block; tests join). The learner's compiled code
releases the GIL, so a worker trains while the window keeps drawing.

    job = Job(lambda report, cancel: work(progress=report, cancel=cancel)).start()
    job.snapshot() -> the latest value passed to report, or None
    job.cancel(); job.done; job.join(timeout) -> True when finished
    job.result, or job.error (+ job.trace), once done
"""

from __future__ import annotations

import threading
import traceback
from typing import Any, Callable


class Job:
    """Run fn(report, cancel) in a daemon thread. `report(value)` keeps the latest
    value (any object: a training Progress, a (fraction, label) pair, ...) and also
    passes it to `on_report` when given (called in the worker thread). `cancel` is
    a threading.Event the function should check."""

    def __init__(self, fn: Callable[[Callable[[Any], None], threading.Event], Any],
                 name: str = "job", on_report: Callable[[Any], None] | None = None):
        self.fn = fn
        self.name = name
        self.on_report = on_report
        self.result: Any = None
        self.error: BaseException | None = None
        self.trace = ""
        self._latest: Any = None
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"mesa-{name}", daemon=True)

    def start(self) -> "Job":
        self._thread.start()
        return self

    def report(self, value: Any) -> None:
        with self._lock:
            self._latest = value
        if self.on_report is not None:
            self.on_report(value)

    def snapshot(self) -> Any:
        with self._lock:
            return self._latest

    def _run(self) -> None:
        try:
            self.result = self.fn(self.report, self._cancel)
        except BaseException as exc:  # noqa: BLE001 - kept for the caller, never lost in the thread
            self.error = exc
            self.trace = traceback.format_exc()
        finally:
            self._done.set()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the worker; True when it has finished."""
        return self._done.wait(timeout)
