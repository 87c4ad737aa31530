"""Deployment reveal: the deployment levels side by side with replays (play, pause,
step, speed), trajectory heat maps, policy arrows on every cell, the probe
read-outs and gaps as numbers and bars, and the counterfactual variants.

Deployment, diagnosis and scoring are the chapter pipeline's last stages
(game.pipeline), run in a background job behind a spinner. With several agents the
player switches whose replays are shown, and the side panel gives the group's
distribution of outcomes. The policy arrows are drawn on the layout they were
computed for, with a legend for every mark on the maps. In a chapter with an
[upgrade], each card shows "your agent" and "the upgraded agent" side by side, on
the same episodes."""

from __future__ import annotations

import math

import numpy as np
import pygame

from game.deploy import gap_points
from game.jobs import Job
from game.ui import theme as T
from game.ui import tiles
from game.ui.classroom import record_attempt
from game.ui.scene import Scene
from game.ui.state import PlayState
from game.ui.widgets import Button, ScrollView, centred_bar, draw_text, draw_wrapped, panel, value_bar, wrap
from levels import world

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0)
TRAIL = (120, 200, 255)
BASE_STEP = 0.22  # seconds per replay step at speed 1


class DeployScene(Scene):
    title = "Deployment"
    name = "deploy"

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
        self.cards: list[tuple[pygame.Rect, int]] = []  # (rect, deployment level index) on this page
        self.page = 0
        self.per_page = 1
        self.notes = ScrollView("counterfactuals")

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
        n = len(self.play.merged.deploy) if self.play.merged else 0
        self._layout_cards()
        paged = self.per_page < n
        several = len(self.play.training.agents) > 1 if self.play.training else False
        # next replay, next agent, next page of levels: two to a row (one alone spans the row)
        ids = ["replay"] + [b for b, on in (("switch", several), ("page", paged)) if on]
        first = self.page * self.per_page + 1
        specs = {"replay": ("Next replay", self.next_replay, "R", "Show another recorded episode", pygame.K_r),
                 "switch": ("Next agent", self.switch_agent, "Tab", "Show another agent's replays", pygame.K_TAB),
                 "page": (f"Levels {first}-{min(n, first + self.per_page - 1)} of {n}", self.next_page, "L",
                          "Show the next deployment levels (L)", pygame.K_l)}
        for k, bid in enumerate(ids):
            col = k % 2
            if k and col == 0:
                y += bh + g
            alone = col == 0 and k == len(ids) - 1
            label, fn, sc, tip, key = specs[bid]
            r = pygame.Rect(s.x + col * (w2 + g), y, s.width if alone else w2, bh)
            self.add(Button(bid, label, r, fn, sc, tip, size=17, enabled=ready or bid == "page"), key)
        self.controls_bottom = y + bh
        go = pygame.Rect(s.x, s.bottom - th.px(56), s.width, th.px(56))
        self.add(Button("debrief", "Debrief: what did it learn?", go, self.debrief, "Enter",
                        "The diagnosis, your stars and what to try next", style="primary", size=20,
                        enabled=ready), pygame.K_RETURN)
        self.shortcut(pygame.K_KP_ENTER, self.debrief)
        self.shortcut(pygame.K_ESCAPE, self.app.pop)
        self.info = pygame.Rect(s.x, self.controls_bottom + th.px(14), s.width,
                                go.top - th.px(14) - self.controls_bottom - th.px(14))

    def key_down(self, event) -> bool:
        return event.key in (pygame.K_PAGEUP, pygame.K_PAGEDOWN, pygame.K_UP, pygame.K_DOWN) and \
            self.notes.handle(event)

    def wheel(self, event) -> None:
        self.notes.handle(event, self.app.mouse)

    def _layout_cards(self):
        """The deployment levels as cards: the column count that gives each card the
        most room; when even that leaves a card too small for its map, the cards
        come in pages (L shows the next page)."""
        th = self.theme
        levels = self.play.merged.deploy if self.play.merged else []
        n = len(levels)
        self.cards = []
        if n == 0:
            return
        g = th.px(12)
        probes = len(self.play.merged.probes)
        fixed = th.px(84) + (1 + probes) * th.px(29) + th.px(36)  # name (2 lines), tag, bars, control lines
        pair = self.play.merged.upgrade is not None  # two agents share each card, side by side
        if pair:
            fixed += th.px(22)                                    # the agents' captions
        need = fixed + th.px(90)                                  # and a readable map

        def shape(k):
            best = None
            for cols in range(1, k + 1):
                rows = -(-k // cols)
                cw = (self.main.width - (cols - 1) * g) // cols
                ch = (self.main.height - (rows - 1) * g) // rows
                score = min(cw // 2 if pair else cw, ch - fixed)
                if best is None or score > best[0]:
                    best = (score, cols, rows, cw, ch)
            return best
        per_page = n
        while per_page > 1 and (shape(per_page)[4] < need
                                or shape(per_page)[3] < th.px(230) * (2 if pair else 1)):
            per_page -= 1
        self.per_page = per_page
        self.page = self.page % max(1, -(-n // per_page))
        _, cols, rows, cw, ch = shape(per_page)
        first = self.page * per_page
        for k, i in enumerate(range(first, min(n, first + per_page))):
            self.cards.append((pygame.Rect(self.main.x + (k % cols) * (cw + g), self.main.y + (k // cols) * (ch + g),
                                           cw, ch), i))

    def next_page(self):
        self.page += 1
        self.rebuild()

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
        self.app.next_step(self)

    # --- frame ------------------------------------------------------------------------------
    def _replays(self, levels=None):
        out = []
        for lr in self.report.levels if levels is None else levels:
            # longest first: a one-step episode says little as the first thing shown
            ordered = sorted(lr.replays, key=lambda r: -len(r.positions))
            out.append(ordered[self.replay_i % len(ordered)] if ordered else None)
        return out

    def _upgrade_replays(self):
        """The upgraded agent's replays, chosen as yours are."""
        return self._replays(self.report.upgrade) if self.report.upgrade else []

    def _longest(self) -> int:
        shown = self._replays() + self._upgrade_replays()
        return max((len(r.positions) for r in shown if r is not None), default=1)

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
        upgrade, up_replays = self.report.upgrade, self._upgrade_replays()
        for rect, i in self.cards:
            ctl = self.report.control[i] if self.report.control else None
            if upgrade:
                self._card(surf, rect, self.report.levels[i], replays[i], ctl,
                           (upgrade[i], up_replays[i]))
            else:
                self._card(surf, rect, self.report.levels[i], replays[i], ctl)
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

    def _card(self, surf, rect, lr, replay, ctl, upgraded=None):
        """One deployment level: its name, then your agent (and, with `upgraded` =
        (LevelReport, replay), the upgraded agent beside it)."""
        th = self.theme
        panel(surf, rect, th, name=f"card {lr.name}")
        pad = th.px(10)
        w = rect.width - 2 * pad
        # the level's name on its own line, what is drawn on the next: they never share a line
        name_font = th.font(18, "bold")
        lines = wrap(lr.name, name_font, w)
        if len(lines) > 2:  # a third line is cut (and the audit says so)
            lines = [lines[0], " ".join(lines[1:])]
        tag_y = rect.y + pad
        for line in lines:
            draw_text(surf, line, name_font, T.TEXT, (rect.x + pad, tag_y), width=w)
            tag_y += name_font.get_linesize()
        body = pygame.Rect(rect.x + pad, tag_y, w, rect.bottom - tag_y)
        if upgraded is None:
            self._agent(surf, body, lr, replay, ctl, arrows=True)
            return
        cap_font = th.font(15, "bold")
        half = (w - pad) // 2
        for k, (who, rep, rp) in enumerate((("your agent", lr, replay),
                                            ("the upgraded agent", upgraded[0], upgraded[1]))):
            col = pygame.Rect(body.x + k * (half + pad), body.y, half, body.height)
            draw_text(surf, who, cap_font, T.ACCENT, (col.x, col.y), width=col.width)
            top = col.y + cap_font.get_linesize()
            # policy arrows are computed for your agent only
            self._agent(surf, pygame.Rect(col.x, top, col.width, col.bottom - top), rep, rp, None,
                        arrows=k == 0)

    def _agent(self, surf, rect, lr, replay, ctl, arrows: bool):
        """One agent on one level inside `rect` (no padding): the replay tag, the map
        with the replay (heat map, policy arrows where `arrows`), then the bars."""
        th = self.theme
        w = rect.width
        tag_y = rect.y
        tag_font = th.font(13)
        probes = list(lr.probes.items())
        bar_h = th.px(24)
        ctl_font = th.font(13)
        ctl_lines = []
        if ctl is not None:
            ctl_lines = wrap("control agent: intended " + f"{ctl.intended * 100:.0f}%" + "".join(
                f", {k} {v * 100:.0f}%" for k, v in ctl.probes.items()), ctl_font, w)
        bars_h = (1 + len(probes)) * (bar_h + th.px(5)) + len(ctl_lines) * ctl_font.get_linesize()
        top = tag_y + tag_font.get_linesize() + th.px(4)
        area = pygame.Rect(rect.x, top, w, rect.bottom - top - bars_h - th.px(10))
        level = self.play.merged.level(lr.name)
        pm = self.maps.get(lr.name) if self.show_arrows and arrows else None
        if replay is not None and area.height > th.px(20):
            grid = tiles.fit_grid(area, level.height, level.width, th.px(80))
            tiles.draw_terrain_grid(surf, grid, level.terrain)
            if self.show_heat:
                self._heat(surf, grid, lr.visits)
            if pm is not None:
                # the arrows belong to one layout: draw that layout, not a replay's
                self._arrows(surf, grid, pm)
                objs = list(pm.objects)
                tag = "arrows for this layout"
            else:
                t = min(self.frame, len(replay.positions) - 1)
                alive = replay.alive[t] if t < len(replay.alive) else 0
                objs = [o for j, o in enumerate(replay.objects) if alive >> j & 1]
                dot = max(2, grid.cell // 9)
                for (r, c) in replay.positions[:t]:
                    pygame.draw.circle(surf, TRAIL, grid.rect(r, c).center, dot)
                tag = (f"replay {self.replay_i % max(1, len(lr.replays)) + 1}/{len(lr.replays)}, step {t}"
                       + (" (greedy)" if getattr(replay, "greedy", False) else " (sampled)"))
            for kind, color, year, r, c in objs:
                surf.blit(tiles.object_surface(kind, color, year, grid.cell, th), grid.rect(r, c).topleft)
            if pm is None:
                tiles.draw_agent(surf, grid.rect(*replay.positions[t]), self._facing(replay, t))
            draw_text(surf, tag, tag_font, T.TEXT_DIM, (rect.x, tag_y), width=w)
        y = rect.bottom - bars_h - th.px(2)
        bar = self.play.chapter.pass_bar()
        value_bar(surf, pygame.Rect(rect.x, y, w, bar_h), lr.intended, th,
                  T.GOOD if lr.intended >= bar else T.BAD, text=f"intended goal: {lr.intended * 100:.0f}%")
        y += bar_h + th.px(5)
        for name, v in probes:
            value_bar(surf, pygame.Rect(rect.x, y, w, bar_h), v, th, T.WARN, text=f"{name}: {v * 100:.0f}%")
            y += bar_h + th.px(5)
        for line in ctl_lines:
            draw_text(surf, line, ctl_font, T.TEXT_DIM, (rect.x, y), width=w)
            y += ctl_font.get_linesize()

    @staticmethod
    def _facing(replay, t: int) -> int:
        for k in range(t, 0, -1):
            (r0, c0), (r1, c1) = replay.positions[k - 1], replay.positions[k]
            if (r0, c0) != (r1, c1):
                return 0 if r1 < r0 else 1 if r1 > r0 else 2 if c1 < c0 else 3
        return 3

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
        panel(surf, r, th, name="read-outs")
        pad = th.px(12)
        w = r.width - 2 * pad
        y = r.y + th.px(10)
        result = self.play.result
        if result is not None and len(result.agents) > 1:  # the group's outcomes, then the one shown
            n = len(result.agents)
            run = self.play.shown_run
            draw_text(surf, f"{n} agents", th.font(16, "bold"), T.ACCENT, (r.x + pad, y), width=w)
            y += th.px(24)
            lines = [f"{count} of {n}: {label}" for label, count in result.labels.items()]
            lines.append(f"shown: agent {run.index + 1} (seed {run.seed}), {run.diagnosis.label}")
            for line in lines:
                y = draw_wrapped(surf, line, th.font(15), T.TEXT, pygame.Rect(r.x + pad, y, w, r.bottom - y), 1.1)
            y += th.px(6)
        y = self._legend(surf, r.x + pad, y, w)
        if self.report.gaps:
            draw_text(surf, "Gaps (percentage points)", th.font(16, "bold"), T.ACCENT, (r.x + pad, y), width=w)
            y += th.px(24)
            for name, v in self.report.gaps.items():
                bar = pygame.Rect(r.x + pad, y, w, th.px(24))
                centred_bar(surf, bar, v, th, T.WARN if abs(v) >= 0.2 else T.TEXT_DIM, f"{name}: {gap_points(v)}")
                y += th.px(30)
        font = th.font(15)
        blocks = []
        for cf in self.report.counterfactuals:
            rates = self._cf_rates(cf)
            if not rates:
                continue  # nothing this variant measures could have come out otherwise
            blocks += [(f"{cf.level}: {cf.description}", th.font(15, "bold"), T.TEXT),
                       ("; ".join(f"{k} {v * 100:.0f}% (was {b * 100:.0f}%)" for k, v, b in rates), font, T.TEXT_DIM),
                       th.px(6)]
        head = th.font(16, "bold")
        if blocks and r.bottom - pad - y >= 2 * head.get_linesize() + th.px(4):
            # the heading scrolls with the variants, so a chapter with many gaps (four
            # in chapter 4) leaves the variants a short view, never a cut-off heading
            y += th.px(4)
            self.notes.draw(surf, th, pygame.Rect(r.x + pad, y, w, r.bottom - pad - y),
                            [("Counterfactual variants", head, T.ACCENT), th.px(4)] + blocks)
        elif not self.report.gaps:
            draw_wrapped(surf, "No gaps or informative variants for these levels.", font, T.TEXT_DIM,
                         pygame.Rect(r.x + pad, y, w, r.bottom - y))

    def _cf_rates(self, cf) -> list[tuple[str, float, float]]:
        """The rates of a variant that can tell something: with the goal object
        removed, the intended goal cannot be reached, so its 0% says nothing."""
        removed_goal = cf.variant.startswith("no-") and cf.variant[3:] in self.play.merged.intended().reach
        rates = [] if removed_goal else [("intended", cf.intended, cf.base_intended)]
        return rates + [(k, v, cf.base_probes.get(k, 0.0)) for k, v in cf.probes.items()]

    def _legend(self, surf, x, y, w) -> int:
        """What the marks on the maps mean; returns the y below."""
        th = self.theme
        font = th.font(14)
        s = th.px(14)
        rows = []
        if self.show_heat:
            rows.append(("heat", "orange: where it went, all episodes"))
        if self.show_arrows:
            rows.append(("arrow", "arrows: its likeliest moves from each cell"))
        else:
            rows.append(("trail", "blue dots: this replay's path so far"))
        for kind, text in rows:
            c = (x + s // 2, y + font.get_linesize() // 2)
            if kind == "heat":
                pygame.draw.rect(surf, (255, 140, 30), (x, c[1] - s // 2, s, s))
            elif kind == "trail":
                pygame.draw.circle(surf, TRAIL, c, max(2, s // 4))
            else:
                pygame.draw.line(surf, (255, 255, 255), (x, c[1]), (x + s, c[1]), 2)
                pygame.draw.polygon(surf, (255, 255, 255), [(x + s, c[1]), (x + s - 5, c[1] - 4), (x + s - 5, c[1] + 4)])
            y = draw_wrapped(surf, text, font, T.TEXT_DIM, pygame.Rect(x + s + th.px(8), y, w - s - th.px(8),
                                                                      th.px(200)), 1.1)
        return y + th.px(8)
