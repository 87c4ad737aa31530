"""Training: the agent learns on the player's levels in a worker thread while the
window shows it playing its current policy live, the learning curve, a progress
bar, steps per second and a cancel button. The window never waits on the worker."""

from __future__ import annotations

import pygame

from game.ui import theme as T
from game.ui import tiles
from game.ui.live import LiveEnv, TrainingWork
from game.ui.scene import Scene
from game.ui.state import PlayState
from game.ui.widgets import Button, draw_text, line_chart, panel, progress_bar

TICK = 0.12  # seconds per live-view step at animation speed 1


class TrainingScene(Scene):
    title = "Training"

    def __init__(self, app, play: PlayState, work: TrainingWork | None = None, seed: int = 0):
        super().__init__(app)
        self.play = play
        lf = play.merged
        self.live = None
        try:
            self.live = LiveEnv(lf)
        except Exception as exc:  # noqa: BLE001 - the live view is optional
            self.app.toast(f"The live view is unavailable: {exc}", "warn")
        self.work = work or TrainingWork(lf, seed=seed)
        if self.live is not None:
            self.work.warm_hook = self._warm
        self.work.start()
        self._tick = 0.0
        self.finished = False
        self._announced = False

    def _warm(self, agent) -> None:
        """Runs in the worker once: compiles the policy call so the window's first
        live step does not pause."""
        LiveEnv(self.play.merged).tick(agent)

    # --- widgets ---------------------------------------------------------------------
    def build(self, rect):
        th = self.theme
        m = th.px(20)
        top = th.px(64) + m
        right_w = max(th.px(380), rect.width * 2 // 5)
        self.view_rect = pygame.Rect(m, top, rect.width - right_w - 3 * m, rect.height - top - th.px(110))
        self.side = pygame.Rect(self.view_rect.right + m, top, right_w, self.view_rect.height)
        self.bar = pygame.Rect(m, self.view_rect.bottom + th.px(16), rect.width - 2 * m, th.px(34))
        bh = th.px(52)
        cancel = pygame.Rect(m, rect.bottom - bh - th.px(8), th.px(200), bh)
        self.add(Button("cancel", "Cancel", cancel, self.cancel, "Esc", "Stop training and go back to the editor",
                        style="danger", size=20), pygame.K_ESCAPE)
        nxt = pygame.Rect(0, 0, th.px(320), bh)
        nxt.bottomright = (rect.right - m, rect.bottom - th.px(8))
        self.add(Button("next", "Next: make a prediction", nxt, self.next, "Enter",
                        "Say what you expect the agent to do on deployment", style="primary",
                        enabled=self.finished, size=20), pygame.K_RETURN)

    # --- actions ---------------------------------------------------------------------
    def cancel(self) -> None:
        if not self.work.done:
            self.work.cancel()
            self.app.toast("Training cancelled.", "warn")
        self.app.pop()

    def next(self) -> None:
        if not self.finished:
            return
        from game.ui.scenes.predict import PredictScene
        self.app.push(PredictScene(self.app, self.play))

    def close(self) -> None:
        if not self.work.done:
            self.work.cancel()

    # --- frame --------------------------------------------------------------------------
    def update(self, dt):
        super().update(dt)
        speed = max(0.1, float(self.app.progress.settings.animation_speed))
        self._tick += dt
        if self.live is not None and self._tick >= TICK / speed:
            self._tick = 0.0
            agent = self.work.live_agent
            if agent is not None:
                self.live.tick(agent)
        if self.work.done and not self.finished:
            self.finished = True
            if self.work.error is not None:
                self.app.show_error("Training failed", f"{type(self.work.error).__name__}: {self.work.error}\n\n"
                                    + self.work.trace[-1500:])
                return
            self.play.train_result = self.work.result
            self.play.agent = self.work.result.agent if self.work.result else None
            self.play.control = self.work.control.agent if self.work.control else None
            self.play.upgrade = self.work.upgrade.agent if self.work.upgrade else None
            if self.work.result is not None and self.work.result.cancelled:
                return
            self.buttons["next"].enabled = True
            self.app.sound("done")

    def draw_content(self, surf):
        th = self.theme
        phase = next((p for p in self.work.phases if p.name == self.work.phase), self.work.phases[0])
        status = "finished" if self.finished and self.work.error is None else phase.label
        self.header(surf, "Training", f"{self.play.title}  -  {status}")
        self._draw_live(surf)
        self._draw_side(surf)
        p = self.work.progress
        frac = 1.0 if self.finished and self.work.error is None else (p.steps / max(1, p.total_steps) if p else 0.0)
        label = (f"{p.steps:,} / {p.total_steps:,} steps" if p else "starting the learner...")
        progress_bar(surf, self.bar, frac, th, T.GOOD if self.finished else T.ACCENT, label)

    def _draw_live(self, surf):
        th = self.theme
        panel(surf, self.view_rect, th, (24, 28, 36))
        draw_text(surf, "The agent playing its current policy", th.font(18, "bold"), T.ACCENT,
                  (self.view_rect.x + th.px(14), self.view_rect.y + th.px(10)))
        if self.live is None:
            return
        n = len(self.live.levels)
        cols = 1 if n == 1 else 2
        rows = (n + cols - 1) // cols
        inner = self.view_rect.inflate(-th.px(24), -th.px(24))
        inner.top += th.px(30)
        inner.height -= th.px(30)
        cw, ch = inner.width // cols, inner.height // rows
        waiting = self.work.live_agent is None
        for i in range(n):
            cell = pygame.Rect(inner.x + (i % cols) * cw, inner.y + (i // cols) * ch, cw, ch).inflate(-th.px(10), -th.px(10))
            draw_text(surf, self.live.levels[i].name, th.font(15), T.TEXT_DIM, (cell.x, cell.y))
            area = cell.copy()
            area.top += th.px(22)
            area.height -= th.px(22)
            terrain, objs, agent, facing, _ = self.live.view(i)
            tiles.draw_world(surf, area, terrain, objs, agent, facing, th, max_cell=th.px(64))
        if waiting:
            draw_text(surf, "waiting for the first policy...", th.font(16), T.TEXT_DIM,
                      (self.view_rect.right - th.px(14), self.view_rect.y + th.px(12)), "topright")

    def _draw_side(self, surf):
        th = self.theme
        s = self.side
        chart = pygame.Rect(s.x, s.y, s.width, s.height * 11 // 20)
        ys = [c[1] for c in self.work.curve]
        line_chart(surf, chart, ys, th, "Learning curve: success on training levels", 0.0, 1.0, T.GOOD,
                   "training steps")
        stats = pygame.Rect(s.x, chart.bottom + th.px(14), s.width, s.bottom - chart.bottom - th.px(14))
        panel(surf, stats, th)
        p = self.work.progress
        rows = [("success", f"{p.success * 100:.0f}%" if p else "-"),
                ("mean return", f"{p.mean_return:.2f}" if p else "-"),
                ("steps per second", f"{p.samples_per_second:,.0f}" if p else "-"),
                ("episodes", f"{p.episodes:,}" if p else "-"),
                ("elapsed", f"{p.elapsed:.1f} s" if p else "-")]
        y = stats.y + th.px(14)
        font, bold = th.font(19), th.font(22, "bold")
        step = max(th.px(24), (stats.height - th.px(20)) // len(rows))
        for name, value in rows:
            draw_text(surf, name, font, T.TEXT_DIM, (stats.x + th.px(16), y + step // 2), "midleft")
            draw_text(surf, value, bold, T.TEXT, (stats.right - th.px(16), y + step // 2), "midright")
            y += step
