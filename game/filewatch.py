"""Live reload: notice that a file was saved by another program (an instructor's
text editor) by polling its modification time and size a few times a second.
Polling needs no extra dependency and behaves the same on every platform; one
`stat` call every quarter second costs nothing next to a frame."""

from __future__ import annotations

import os
from pathlib import Path

POLL_SECONDS = 0.25  # a save shows up within this, plus one frame


class FileWatch:
    """`poll(now)` is True once after each change of the file on disk (written,
    replaced, deleted or re-created); `now` is any clock in seconds."""

    def __init__(self, path, interval: float = POLL_SECONDS):
        self.path = Path(path)
        self.interval = interval
        self._stamp = self._read()
        self._last = float("-inf")

    def _read(self):
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return st.st_mtime_ns, st.st_size

    def poll(self, now: float) -> bool:
        if now - self._last < self.interval:
            return False
        self._last = now
        stamp = self._read()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        return True
