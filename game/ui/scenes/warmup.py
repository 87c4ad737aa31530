"""First launch: the learner's numba kernels compile (about half a minute cold,
a second or two when cached). This screen runs agents.warmup.warm_up in a
background job (game.jobs) and shows its progress, function by function, with the
time so far and a spinner that turns every frame, so the window never looks frozen."""

from __future__ import annotations

import math

import pygame

from game.ui import theme as T
from game.ui.scene import Scene
from game.jobs import Job
from game.ui.widgets import draw_text, progress_bar


def _warm(report):
    try:
        from agents.warmup import warm_up
    except ImportError:
        report(1.0, "learner not installed")
        return None
    return warm_up(report)


class WarmupScene(Scene):
    name = "warmup"

    def __init__(self, app, then, fn=_warm):
        super().__init__(app)
        self.then = then
        self.task = Job(lambda report, cancel: fn(lambda fraction, label="": report((fraction, label))),
                        "warmup").start()

    def update(self, dt):
        super().update(dt)
        if self.task.done:
            if self.task.error is not None:
                self.app.toast(f"Preparing the learner failed: {self.task.error}. "
                               "Training may be slow to start.", "warn", 8)
            self.app.replace(self.then())

    def draw_content(self, surf):
        th = self.theme
        w, h = surf.get_size()
        draw_text(surf, "Mesa Lab", th.font(64, "bold"), T.TEXT, (w // 2, h // 2 - th.px(110)), "center")
        draw_text(surf, "Preparing the learner (first launch compiles it once)", th.font(22), T.TEXT_DIM,
                  (w // 2, h // 2 - th.px(40)), "center")
        bar = pygame.Rect(0, 0, min(w - th.px(80), th.px(640)), th.px(30))
        bar.center = (w // 2, h // 2 + th.px(10))
        fraction, label = self.task.snapshot() or (0.0, "")
        progress_bar(surf, bar, fraction, th, label=f"{fraction * 100:.0f}%")
        draw_text(surf, label or "starting...", th.font(18), T.TEXT_DIM,
                  (w // 2, bar.bottom + th.px(24)), "center", width=w - th.px(40))
        draw_text(surf, f"{self.t:.0f} s so far", th.font(16), T.TEXT_DIM, (w // 2, bar.bottom + th.px(56)), "center")
        c = (bar.left - th.px(28), bar.centery)
        if c[0] > th.px(20):
            for k in range(8):  # turns every frame, even while one long function compiles
                a = self.t * 5 + k * math.pi / 4
                shade = 60 + 24 * k
                pygame.draw.circle(surf, (shade // 2, shade * 3 // 4, shade),
                                   (c[0] + th.px(12) * math.cos(a), c[1] + th.px(12) * math.sin(a)), th.px(3))
