"""Deployment reveal: the deployment levels side by side with replays (play, pause,
step, speed), trajectory heat maps, policy arrows on every cell, the probe
read-outs and gaps as numbers and bars, and the counterfactual variants.

Deployment, diagnosis and scoring are the chapter pipeline's last stages
(game.pipeline), run in a background job behind a spinner. With several agents the
player switches whose replays are shown, and the side panel gives the group's
distribution of outcomes."""

from __future__ import annotations

import math

import numpy as np
import pygame

from game.jobs import Job
from game.ui import theme as T
from game.ui import tiles
from game.ui.classroom import record_attempt
from game.ui.scene import Scene
from game.ui.state import PlayState
from game.ui.widgets import Button, draw_text, fit_font, panel, value_bar, wrap
from levels import world

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0)
BASE_STEP = 0.22  # seconds per replay step at speed 1


class DeployScene(Scene):
    title = "Deployment"

    def __init__(self, app, play: PlayState):
        super().__init__(app)
        self.play = play
        self.task = Job(lambda report, cancel: play.pipeline.finish(play.training, play.prediction, report,
                                                                     cancel), "deploy").start()
        self.report = None
        self.maps = {}
        self.playing = True
        self.speed_i = 1
        self.frame = 0          # replay step shown
        self.replay_i = 0       # which stored replay of each level
        self.acc = 0.0
        self.show_heat = True
        self.show_arrows = False
        self.cards: list[pygame.Rect] = []

    # --- widgets ---------------------------------------------------------------------
    def build(self, rect):
        th = self.theme
        m = th.px(16)
        top = th.px(64) + m
        side_w = max(th.px(340), rect.width * 27 // 100)
        self.main = pygame.Rect(m, top, rect.width - side_w - 3 * m, rect.height - top - m)
        self.side = pygame.Rect(self.main.right + m, top, side_w, self.main.height)
        s = self.side
        bh = th.px(42)
        g = th.px(8)
        w3 = (s.width - 2 * g) // 3
        y = s.y + th.px(40)
        ready = self.report is not None
        self.add(Button("play", "Pause" if self.playing else "Play", pygame.Rect(s.x, y, w3, bh), self.toggle_play,
                        "Space", "Play or pause the replays", size=17, enabled=ready), pygame.K_SPACE)
        self.add(Button("step", "Step", pygame.Rect(s.x + w3 + g, y, w3, bh), self.step_once, "Right",
                        "Pause and advance one step", size=17, enabled=ready), pygame.K_RIGHT)
        self.add(Button("restart", "Restart", pygame.Rect(s.x + 2 * (w3 + g), y, w3, bh), self.restart, "Home",
                        "Back to the first step", size=17, enabled=ready), pygame.K_HOME)
        y += bh + g
        self.add(Button("slower", "Slower", pygame.Rect(s.x, y, w3, bh), lambda: self.speed(-1), "-",
                        "Slower replays", size=17, enabled=ready), pygame.K_MINUS)
        self.add(Button("faster", "Faster", pygame.Rect(s.x + 2 * (w3 + g), y, w3, bh), lambda: self.speed(1), "+",
                        "Faster replays", size=17, enabled=ready), pygame.K_EQUALS)
        self.speed_label = pygame.Rect(s.x + w3 + g, y, w3, bh)
        self.shortcut(pygame.K_PLUS, lambda: self.speed(1))
        self.shortcut(pygame.K_KP_PLUS, lambda: self.speed(1))
        self.shortcut(pygame.K_KP_MINUS, lambda: self.speed(-1))
        y += bh + g
        w2 = (s.width - g) // 2
        self.add(Button("heat", "Heat map", pygame.Rect(s.x, y, w2, bh), self.toggle_heat, "H",
                        "Where the agent went over all deployment episodes", selected=self.show_heat, size=17,
                        enabled=ready), pygame.K_h)
        self.add(Button("arrows", "Policy arrows", pygame.Rect(s.x + w2 + g, y, w2, bh), self.toggle_arrows, "A",
                        "What the agent would do from every cell", selected=self.show_arrows, size=17,
                        enabled=ready), pygame.K_a)
        y += bh + g
        several = len(self.play.training.agents) > 1 if self.play.training else False
        rw = w2 if several else s.width
        self.add(Button("replay", "Next replay", pygame.Rect(s.x, y, rw, bh), self.next_replay, "R",
                        "Show another recorded episode", size=17, enabled=ready), pygame.K_r)
        if several:
            self.add(Button("switch", "Next agent", pygame.Rect(s.x + w2 + g, y, w2, bh), self.switch_agent,
                            "Tab", "Show another agent's replays", size=17, enabled=ready), pygame.K_TAB)
        self.controls_bottom = y + bh
        go = pygame.Rect(s.x, s.bottom - th.px(56), s.width, th.px(56))
        self.add(Button("debrief", "Debrief: what did it learn?", go, self.debrief, "Enter",
                        "The diagnosis, your stars and what to try next", style="primary", size=20,
                        enabled=ready), pygame.K_RETURN)
        self.shortcut(pygame.K_ESCAPE, self.app.pop)
        self.info = pygame.Rect(s.x, self.controls_bottom + th.px(14), s.width,
                                go.top - th.px(14) - self.controls_bottom - th.px(14))
        self._layout_cards()

    def _layout_cards(self):
        th = self.theme
        n = len(self.play.merged.deploy) if self.play.merged else 0
        self.cards = []
        if n == 0:
            return
        cols = min(n, 3)
        rows = (n + cols - 1) // cols
        g = th.px(12)
        cw = (self.main.width - (cols - 1) * g) // cols
        ch = (self.main.height - (rows - 1) * g) // rows
        for i in range(n):
            self.cards.append(pygame.Rect(self.main.x + (i % cols) * (cw + g), self.main.y + (i // cols) * (ch + g),
                                          cw, ch))

    # --- actions -------------------------------------------------------------------------
    def toggle_play(self):
        self.playing = not self.playing
        self.buttons["play"].label = "Pause" if self.playing else "Play"

    def step_once(self):
        self.playing = False
        self.buttons["play"].label = "Play"
        self.frame += 1
        self._wrap_frame()

    def restart(self):
        self.frame = 0

    def speed(self, d):
        self.speed_i = max(0, min(len(SPEEDS) - 1, self.speed_i + d))

    def toggle_heat(self):
        self.show_heat = not self.show_heat
        self.buttons["heat"].selected = self.show_heat

    def toggle_arrows(self):
        self.show_arrows = not self.show_arrows
        self.buttons["arrows"].selected = self.show_arrows

    def next_replay(self):
        self.replay_i += 1
        self.frame = 0

    def switch_agent(self):
        result = self.play.result
        if result is None:
            return
        self.play.shown = (self.play.shown + 1) % len(result.agents)
        run = self.play.shown_run
        self.report, self.maps = run.report, run.maps
        self.replay_i = 0
        self.frame = 0

    def debrief(self):
        if self.report is None:
            return
        from game.ui.scenes.debrief import DebriefScene
        self.app.push(DebriefScene(self.app, self.play))

    # --- frame ------------------------------------------------------------------------------
    def _replays(self):
        out = []
        for lr in self.report.levels:
            # longest first: a one-step episode says little as the first thing shown
            ordered = sorted(lr.replays, key=lambda r: -len(r.positions))
            out.append(ordered[self.replay_i % len(ordered)] if ordered else None)
        return out

    def _longest(self) -> int:
        return max((len(r.positions) for r in self._replays() if r is not None), default=1)

    def _wrap_frame(self):
        if self.frame >= self._longest() + 6:  # hold the end a moment, then loop
            self.frame = 0

    def update(self, dt):
        super().update(dt)
        if self.report is None and self.task.done:
            if self.task.error is not None:
                self.app.pop()
                self.app.show_error("Deployment failed", f"{type(self.task.error).__name__}: {self.task.error}\n\n"
                                    + self.task.trace[-1500:])
                return
            result = self.task.result
            self.play.result = result
            run = self.play.shown_run
            self.report, self.maps = run.report, run.maps
            if not self.play.sandbox and self.play.chapter.chapter is not None:
                self.app.progress.record(self.play.chapter_id, result.stars.names(), result.diagnosis.label)
                self.app.save_progress()
                record_attempt(self.app, self.play)
            self.app.sound("reveal")
            self.rebuild()
            return
        if self.report is not None and self.playing:
            speed = SPEEDS[self.speed_i] * max(0.1, float(self.app.progress.settings.animation_speed))
            self.acc += dt * speed
            while self.acc >= BASE_STEP:
                self.acc -= BASE_STEP
                self.frame += 1
                self._wrap_frame()

    def draw_content(self, surf):
        self.header(surf, "Deployment", f"{self.play.title}  -  levels the agent has never seen")
        if self.report is None:
            self._spinner(surf)
            return
        replays = self._replays()
        for i, (rect, lr) in enumerate(zip(self.cards, self.report.levels)):
            ctl = self.report.control[i] if self.report.control else None
            self._card(surf, rect, lr, replays[i], ctl)
        self._side(surf)

    def _spinner(self, surf):
        th = self.theme
        c = self.main.center
        r = th.px(36)
        for k in range(12):
            a = self.t * 6 + k * math.pi / 6
            alpha = int(255 * (k + 1) / 12)
            pygame.draw.circle(surf, (alpha // 2, alpha * 3 // 4, alpha), (c[0] + r * math.cos(a), c[1] + r * math.sin(a)),
                               th.px(5))
        draw_text(surf, "Deploying the agent on the hidden levels...", th.font(22), T.TEXT,
                  (c[0], c[1] + th.px(70)), "center")

    def _card(self, surf, rect, lr, replay, ctl):
        th = self.theme
        panel(surf, rect, th)
        pad = th.px(10)
        font = fit_font(th, lr.name, rect.width - 2 * pad, 19, "bold")
        draw_text(surf, lr.name, font, T.TEXT, (rect.x + pad, rect.y + pad))
        probes = list(lr.probes.items())
        bar_h = th.px(26)
        bars = 1 + len(probes)
        bars_h = bars * (bar_h + th.px(6)) + (th.px(22) if ctl is not None else 0)
        area = pygame.Rect(rect.x + pad, rect.y + th.px(38), rect.width - 2 * pad,
                           rect.height - th.px(38) - bars_h - th.px(14))
        level = self.play.merged.level(lr.name)
        t = 0
        if replay is not None:
            t = min(self.frame, len(replay.positions) - 1)
            alive = replay.alive[t] if t < len(replay.alive) else 0
            objs = [(world.KINDS.index(k), world.COLORS.index(c), y, r, cc)
                    for j, (k, c, y, r, cc) in enumerate(replay.objects) if alive >> j & 1]
            pos = replay.positions[t]
            facing = 3
            for k in range(t, 0, -1):
                (r0, c0), (r1, c1) = replay.positions[k - 1], replay.positions[k]
                if (r0, c0) != (r1, c1):
                    facing = 0 if r1 < r0 else 1 if r1 > r0 else 2 if c1 < c0 else 3
                    break
            grid = tiles.fit_grid(area, level.height, level.width, th.px(80))
            tiles.draw_terrain_grid(surf, grid, level.terrain)
            if self.show_heat:
                self._heat(surf, grid, lr.visits)
            if self.show_arrows and lr.name in self.maps:
                self._arrows(surf, grid, self.maps[lr.name])
            trail = replay.positions[:t]
            dot = max(2, grid.cell // 9)
            for (r, c) in trail:
                pygame.draw.circle(surf, (120, 200, 255), grid.rect(r, c).center, dot)
            for kind, color, year, r, c in objs:
                surf.blit(tiles.object_surface(world.KINDS[kind], world.COLORS[color], year, grid.cell, th),
                          grid.rect(r, c).topleft)
            tiles.draw_agent(surf, grid.rect(*pos), facing)
            tag = f"replay {self.replay_i % max(1, len(lr.replays)) + 1}/{len(lr.replays)}  step {t}"
            tag += "  (greedy)" if getattr(replay, "greedy", False) else "  (sampled)"
            draw_text(surf, tag, th.font(13), T.TEXT_DIM, (rect.right - pad, rect.y + pad + th.px(4)), "topright")
        y = area.bottom + th.px(10)
        bw = rect.width - 2 * pad
        value_bar(surf, pygame.Rect(rect.x + pad, y, bw, bar_h), lr.intended, th,
                  T.GOOD if lr.intended >= self.play.chapter.pass_bar()
                  else T.BAD, text=f"intended goal: {lr.intended * 100:.0f}%")
        y += bar_h + th.px(6)
        for name, v in probes:
            value_bar(surf, pygame.Rect(rect.x + pad, y, bw, bar_h), v, th, T.WARN, text=f"{name}: {v * 100:.0f}%")
            y += bar_h + th.px(6)
        if ctl is not None:
            txt = "control agent: intended " + f"{ctl.intended * 100:.0f}%" + "".join(
                f", {k} {v * 100:.0f}%" for k, v in ctl.probes.items())
            draw_text(surf, txt, fit_font(th, txt, bw, 14), T.TEXT_DIM, (rect.x + pad, y))

    def _heat(self, surf, grid, visits):
        v = np.asarray(visits, np.float64)
        if v.size == 0 or v.max() <= 0:
            return
        norm = np.log1p(v) / np.log1p(v.max())
        layer = pygame.Surface(grid.bounds.size, pygame.SRCALPHA)
        for r in range(min(grid.rows, v.shape[0])):
            for c in range(min(grid.cols, v.shape[1])):
                a = norm[r, c]
                if a > 0:
                    layer.fill((255, 140, 30, int(20 + 100 * a)),
                               pygame.Rect(c * grid.cell, r * grid.cell, grid.cell, grid.cell))
        surf.blit(layer, (grid.x, grid.y))

    def _arrows(self, surf, grid, pm):
        probs = pm.probs
        for r in range(min(grid.rows, probs.shape[0])):
            for c in range(min(grid.cols, probs.shape[1])):
                if not pm.free[r, c]:
                    continue
                cx, cy = grid.rect(r, c).center
                best = int(np.argmax(probs[r, c]))
                for a in range(4):
                    p = float(probs[r, c, a])
                    if p < 0.15:
                        continue
                    dr, dc = world.ACTION_DELTAS[a]
                    L = grid.cell * 0.42 * p
                    ex, ey = cx + dc * L, cy + dr * L
                    col = (255, 255, 255) if a == best else (170, 180, 200)
                    w = max(1, grid.cell // 14) if a == best else 1
                    pygame.draw.line(surf, (0, 0, 0), (cx, cy), (ex, ey), w + 2)
                    pygame.draw.line(surf, col, (cx, cy), (ex, ey), w)
                    if a == best:
                        h = max(3, grid.cell // 7)
                        px, py = -dr, dc
                        pts = [(ex + dc * h, ey + dr * h), (ex + px * h * 0.7, ey + py * h * 0.7),
                               (ex - px * h * 0.7, ey - py * h * 0.7)]
                        pygame.draw.polygon(surf, col, pts)

    def _side(self, surf):
        th = self.theme
        s = self.side
        draw_text(surf, "Replays", th.font(18, "bold"), T.ACCENT, (s.x, s.y + th.px(8)))
        draw_text(surf, f"{SPEEDS[self.speed_i]:g}x", th.font(18, "bold"), T.TEXT, self.speed_label.center, "center")
        r = self.info
        if r.height < th.px(60):
            return
        panel(surf, r, th)
        pad = th.px(12)
        y = r.y + th.px(10)
        font = th.font(15)
        result = self.play.result
        if result is not None and len(result.agents) > 1:
            n = len(result.agents)
            run = self.play.shown_run
            draw_text(surf, f"{n} agents", th.font(17, "bold"), T.ACCENT, (r.x + pad, y))
            y += th.px(26)
            lines = [f"{count} of {n}: {label}" for label, count in result.labels.items()]
            lines.append(f"shown: agent {run.index + 1} (seed {run.seed}), {run.diagnosis.label}")
            for line in lines:
                draw_text(surf, line, fit_font(th, line, r.width - 2 * pad, 15), T.TEXT, (r.x + pad, y))
                y += font.get_linesize()
            y += th.px(8)
        if self.report.gaps:
            draw_text(surf, "Gaps", th.font(17, "bold"), T.ACCENT, (r.x + pad, y))
            y += th.px(26)
            for name, v in self.report.gaps.items():
                bar = pygame.Rect(r.x + pad, y, r.width - 2 * pad, th.px(24))
                pygame.draw.rect(surf, (12, 14, 20), bar, border_radius=th.px(4))
                mid = bar.centerx
                w = int(bar.width / 2 * max(-1.0, min(1.0, v)))
                fill = pygame.Rect(mid, bar.y, w, bar.height) if w >= 0 else pygame.Rect(mid + w, bar.y, -w, bar.height)
                pygame.draw.rect(surf, T.WARN if abs(v) >= 0.2 else T.TEXT_DIM, fill)
                pygame.draw.line(surf, T.TEXT, (mid, bar.y), (mid, bar.bottom))
                txt = f"{name}: {v * 100:+.0f} points"
                draw_text(surf, txt, fit_font(th, txt, bar.width - 8, 15, "bold"), T.TEXT, (bar.x + th.px(6), bar.centery),
                          "midleft")
                y += th.px(32)
        if self.report.counterfactuals:
            y += th.px(6)
            draw_text(surf, "Counterfactuals", th.font(17, "bold"), T.ACCENT, (r.x + pad, y))
            y += th.px(26)
            for cf in self.report.counterfactuals:
                txt = (f"{cf.level} - {cf.description}: intended {cf.intended * 100:.0f}% "
                       f"(was {cf.base_intended * 100:.0f}%)"
                       + "".join(f", {k} {v * 100:.0f}% (was {cf.base_probes.get(k, 0) * 100:.0f}%)"
                                 for k, v in cf.probes.items()))
                for line in wrap(txt, font, r.width - 2 * pad):
                    if y + font.get_linesize() > r.bottom - pad:
                        return
                    draw_text(surf, line, font, T.TEXT, (r.x + pad, y))
                    y += font.get_linesize()
                y += th.px(6)
        if not self.report.gaps and not self.report.counterfactuals:
            draw_text(surf, "No gaps or variants for these levels.", font, T.TEXT_DIM, (r.x + pad, y))
