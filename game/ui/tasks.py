"""Background work for the window: anything that could take more than a frame
(compiling the learner, deploying, loading) runs in a daemon thread; scenes poll
`task.done` each frame and never block on it."""

from __future__ import annotations

import threading
import traceback
from typing import Any, Callable


class Task:
    """Run fn(report) in a daemon thread. `report(fraction, label)` updates
    `progress`/`label`; the outcome lands in `result` or `error` (+ `trace`)."""

    def __init__(self, fn: Callable[..., Any], name: str = "task", with_progress: bool = False):
        self.fn = fn
        self.name = name
        self.with_progress = with_progress
        self.progress = 0.0
        self.label = ""
        self.result: Any = None
        self.error: BaseException | None = None
        self.trace = ""
        self.done = False
        self._thread = threading.Thread(target=self._run, name=f"mesa-{name}", daemon=True)

    def start(self) -> "Task":
        self._thread.start()
        return self

    def report(self, fraction: float, label: str = "") -> None:
        self.progress = float(fraction)
        if label:
            self.label = label

    def _run(self) -> None:
        try:
            self.result = self.fn(self.report) if self.with_progress else self.fn()
        except BaseException as exc:  # noqa: BLE001 - shown in the window, never raised
            self.error = exc
            self.trace = traceback.format_exc()
        finally:
            self.done = True

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)
