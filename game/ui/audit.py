"""The layout audit: while the window draws its top scene, every widget reports
its rectangle and whether its text fits; `check` then finds the cut-off text,
the overlapping widgets and the controls drawn outside the window.

Kinds of items:
- "control": a button (clickable);
- "block": a bar, a chart, a scroll view: a solid thing nothing else may cover;
- "text": a line of text drawn on its own (button and bar labels are part of them);
- "panel": a background box; anything drawn across its edge spills out of it.

Recording is off unless a caller turns it on (the screenshot tool and its test),
so the game itself pays one attribute check per widget.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

TOLERANCE = 2  # pixels of overlap that anti-aliasing and rounded borders make harmless


@dataclass
class Item:
    scene: str
    widget: str
    kind: str
    rect: pygame.Rect
    fits: bool = True


class Recorder:
    def __init__(self) -> None:
        self.on = False        # the caller wants items recorded
        self.capturing = False  # the app is drawing the top scene right now
        self.scene = ""
        self.items: list[Item] = []

    def record(self, kind: str, widget: str, rect, fits: bool = True) -> None:
        if self.on and self.capturing:
            self.items.append(Item(self.scene, widget[:60], kind, pygame.Rect(rect), fits))

    def begin(self, scene: str) -> None:
        self.scene = scene
        self.items = []
        self.capturing = True

    def end(self) -> list[Item]:
        self.capturing = False
        return self.items


AUDIT = Recorder()


def _overlap(a: pygame.Rect, b: pygame.Rect) -> bool:
    c = a.clip(b)
    return c.width > TOLERANCE and c.height > TOLERANCE


def _inside(inner: pygame.Rect, outer: pygame.Rect) -> bool:
    return outer.inflate(2 * TOLERANCE, 2 * TOLERANCE).contains(inner)


def _label_of(a: Item, b: Item) -> bool:
    """A text drawn wholly on a control or block is its label (a chapter card's title)."""
    for t, c in ((a, b), (b, a)):
        if t.kind == "text" and c.kind in ("control", "block") and _inside(t.rect, c.rect):
            return True
    return False


def check(items: list[Item], screen: pygame.Rect) -> dict[str, list[dict]]:
    """The problems among one frame's items: truncated text, overlaps (two solid
    items on each other, or one across a panel's edge) and off-screen items."""
    truncated, overlaps, offscreen = [], [], []
    solid = [it for it in items if it.kind != "panel" and it.rect.width > 0 and it.rect.height > 0]
    panels = [it for it in items if it.kind == "panel"]
    for it in items:
        if not it.fits:
            truncated.append({"scene": it.scene, "widget": it.widget})
        if it.kind != "panel" and not _inside(it.rect, screen):
            offscreen.append({"scene": it.scene, "widget": it.widget, "rect": list(it.rect)})
    for i, a in enumerate(solid):
        for b in solid[i + 1:]:
            if _overlap(a.rect, b.rect) and not _label_of(a, b):
                overlaps.append({"scene": a.scene, "widget": a.widget, "with": b.widget})
        for p in panels:
            if _overlap(a.rect, p.rect) and not _inside(a.rect, p.rect):
                overlaps.append({"scene": a.scene, "widget": a.widget, "with": f"edge of panel {p.widget}"})
    return {"truncated": truncated, "overlaps": overlaps, "offscreen": offscreen}
