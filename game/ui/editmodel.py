"""The editor's document: the design's maps with undo and redo, painting, and
level add/copy/delete/resize. Pure data (no pygame), so it is easy to test.
What is *allowed* (palette, budget, reachability) is decided by game.designs."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field

Maps = list[tuple[str, list[str]]]


def _freeze(maps: Maps) -> tuple:
    return tuple((name, tuple(rows)) for name, rows in maps)


def _thaw(frozen) -> Maps:
    return [(name, list(rows)) for name, rows in frozen]


@dataclass
class EditDoc:
    maps: Maps
    current: int = 0
    reward: dict[str, float] | None = None
    steps: int | None = None
    undo_stack: list = field(default_factory=list)
    redo_stack: list = field(default_factory=list)
    version: int = 0  # bumps on every change (autosave and validation watch it)

    # --- history --------------------------------------------------------------------
    def _snap(self):
        return (_freeze(self.maps), self.current, dict(self.reward) if self.reward else None, self.steps)

    def checkpoint(self) -> None:
        """Remember the document before a change (one undo step per stroke or action)."""
        self.undo_stack.append(self._snap())
        if len(self.undo_stack) > 200:
            del self.undo_stack[0]
        self.redo_stack.clear()

    def _restore(self, snap) -> None:
        frozen, self.current, self.reward, self.steps = snap
        self.maps = _thaw(frozen)
        self.current = min(self.current, len(self.maps) - 1)
        self.version += 1

    def undo(self) -> bool:
        if not self.undo_stack:
            return False
        self.redo_stack.append(self._snap())
        self._restore(self.undo_stack.pop())
        return True

    def redo(self) -> bool:
        if not self.redo_stack:
            return False
        self.undo_stack.append(self._snap())
        self._restore(self.redo_stack.pop())
        return True

    # --- painting -----------------------------------------------------------------------
    @property
    def rows(self) -> list[str]:
        return self.maps[self.current][1]

    @property
    def name(self) -> str:
        return self.maps[self.current][0]

    def get(self, r: int, c: int) -> str:
        return self.rows[r][c]

    def paint(self, r: int, c: int, symbol: str, agent_symbol: str = "@") -> bool:
        """Set one cell (no checkpoint: the caller checkpoints once per stroke).
        Painting the agent's start moves it: a level has one '@'."""
        rows = self.rows
        if not (0 <= r < len(rows) and 0 <= c < len(rows[r])) or rows[r][c] == symbol:
            return False
        if symbol == agent_symbol:
            for rr, row in enumerate(rows):
                if agent_symbol in row:
                    rows[rr] = row.replace(agent_symbol, ".")
        row = rows[r]
        rows[r] = row[:c] + symbol + row[c + 1:]
        self.version += 1
        return True

    # --- levels ---------------------------------------------------------------------------
    def _unique(self, base: str) -> str:
        names = {n for n, _ in self.maps}
        if base not in names:
            return base
        k = 2
        while f"{base} {k}" in names:
            k += 1
        return f"{base} {k}"

    def add_level(self, height: int, width: int) -> None:
        self.checkpoint()
        height, width = max(3, height), max(3, width)
        rows = ["#" * width] + ["#" + "." * (width - 2) + "#" for _ in range(height - 2)] + ["#" * width]
        rows[height // 2] = "#@" + rows[height // 2][2:]
        self.maps.append((self._unique(f"level {len(self.maps) + 1}"), rows))
        self.current = len(self.maps) - 1
        self.version += 1

    def copy_level(self) -> None:
        self.checkpoint()
        name, rows = self.maps[self.current]
        self.maps.insert(self.current + 1, (self._unique(f"{name} copy"), list(rows)))
        self.current += 1
        self.version += 1

    def delete_level(self) -> bool:
        if len(self.maps) <= 1:
            return False
        self.checkpoint()
        del self.maps[self.current]
        self.current = min(self.current, len(self.maps) - 1)
        self.version += 1
        return True

    def resize(self, d_rows: int, d_cols: int, max_h: int, max_w: int) -> bool:
        """Grow or shrink the current level by one row/column inside its border."""
        rows = list(self.rows)
        h, w = len(rows), len(rows[0]) if rows else 0
        if d_rows > 0 and h < max_h:
            rows.insert(h - 1, "#" + "." * (w - 2) + "#")
        elif d_rows < 0 and h > 3:
            del rows[h - 2]
        elif d_cols > 0 and w < max_w:
            rows = [row[:-1] + ("." if 0 < i < h - 1 else "#") + row[-1] for i, row in enumerate(rows)]
        elif d_cols < 0 and w > 3:
            rows = [row[:-2] + row[-1] for row in rows]
        else:
            return False
        self.checkpoint()
        self.maps[self.current] = (self.name, rows)
        self.version += 1
        return True

    def set_reward(self, event: str, value: float) -> None:
        self.checkpoint()
        self.reward = dict(self.reward or {})
        self.reward[event] = round(value, 4)
        self.version += 1

    def set_steps(self, steps: int) -> None:
        self.checkpoint()
        self.steps = int(steps)
        self.version += 1


def read_saved_design(text: str) -> tuple[Maps, dict | None, int | None]:
    """The maps, reward and steps of a design file the editor saved (read leniently,
    so an over-budget or half-finished design still reopens). Raises ValueError."""
    doc = tomllib.loads(text)
    maps = []
    for lv in doc.get("train", []):
        name, m = lv.get("name"), lv.get("map")
        if not isinstance(name, str) or not isinstance(m, str):
            raise ValueError("a [[train]] level without a name or map")
        rows = [r for r in m.strip("\n").split("\n")]
        if not rows or not all(rows):
            raise ValueError(f"level '{name}' has an empty map")
        maps.append((name, rows))
    if not maps:
        raise ValueError("no [[train]] levels")
    reward = doc.get("rules", {}).get("reward")
    steps = doc.get("agent", {}).get("steps")
    return maps, (dict(reward) if isinstance(reward, dict) else None), (int(steps) if isinstance(steps, int) else None)
