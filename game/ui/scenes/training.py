"""Training: the chapter pipeline's training stages (game.pipeline) run in a
background job while the window shows an agent playing its current policy live,
its learning curve, every agent's success, a progress bar, steps per second and a
cancel button. The player trains 1, 4 or 8 agents (seeds) at once, chosen here
(changing the number starts training again), and switches which one is shown.
The window never waits on the worker."""

from __future__ import annotations

import pygame

from game.jobs import Job
from game.pipeline import AGENT_CHOICES, ChapterPipeline
from game.ui import theme as T
from game.ui import tiles
from game.ui.live import LiveEnv, TrainingView
from game.ui.scene import Scene
from game.ui.state import PlayState
from game.ui.widgets import Button, draw_text, line_chart, panel, progress_bar

TICK = 0.12  # seconds per live-view step at animation speed 1
AGENT_KEYS = {1: pygame.K_1, 4: pygame.K_4, 8: pygame.K_8}


class TrainingScene(Scene):
    title = "Training"
    name = "training"

    def __init__(self, app, play: PlayState, seed: int = 0, steps: int | None = None):
        super().__init__(app)
        self.play = play
        self.seed = seed
        self.steps = steps  # None: the design's or chapter's budget
        self.live = None
        try:
            self.live = LiveEnv(play.merged)
        except Exception as exc:  # noqa: BLE001 - the live view is optional
            self.app.toast(f"The live view is unavailable: {exc}", "warn")
        self._tick = 0.0
        self._start()

    def _start(self) -> None:
        """Start (or restart) the training stages with play.agents agents."""
        play = self.play
        play.training, play.result, play.shown = None, None, 0
        self.pipeline = ChapterPipeline(play.chapter, play.design, seed=self.seed,
                                        agents=play.agents, steps=self.steps, policy_maps=True)
        play.pipeline = self.pipeline
        self.view = TrainingView(self.pipeline.lf, play.agents)
        if self.live is not None:
            self.view.warm_hook = self._warm
        self.job = Job(lambda report, cancel: self.pipeline.train(report, cancel), "training",
                       on_report=self.view.report).start()
        self.finished = False

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
        bh = th.px(52)
        y = rect.bottom - bh - th.px(10)
        # from the bottom up: the buttons, the progress bar, then the live view and the side
        self.bar = pygame.Rect(m, y - th.px(12) - th.px(32), rect.width - 2 * m, th.px(32))
        self.view_rect = pygame.Rect(m, top, rect.width - right_w - 3 * m, self.bar.top - th.px(12) - top)
        self.side = pygame.Rect(self.view_rect.right + m, top, right_w, self.view_rect.height)
        cancel = pygame.Rect(m, y, th.px(160), bh)
        self.add(Button("cancel", "Cancel", cancel, self.cancel, "Esc", "Stop training and go back to the editor",
                        style="danger", size=20), pygame.K_ESCAPE)
        nxt = pygame.Rect(0, 0, th.px(300), bh)
        nxt.bottomright = (rect.right - m, y + bh)
        x = cancel.right + m
        g = th.px(6)
        room = nxt.left - m - x   # the agent buttons share what lies between Cancel and Next
        bw = min(th.px(104), int((room - 4 * g) / (len(AGENT_CHOICES) + 1.45)))
        for n in AGENT_CHOICES:
            self.add(Button(f"agents:{n}", f"{n} agent" + ("s" if n > 1 else ""), pygame.Rect(x, y, bw, bh),
                            lambda n=n: self.choose_agents(n), str(n),
                            "Train this many agents (seeds) at once; the outcome can differ between them",
                            selected=self.play.agents == n, style="tab", size=17), AGENT_KEYS.get(n))
            x += bw + g
        self.add(Button("switch", "Next agent", pygame.Rect(x + g, y, int(bw * 1.45), bh), self.switch_agent,
                        "Tab", "Show another agent's live play and learning curve", size=17,
                        enabled=self.play.agents > 1), pygame.K_TAB)
        self.add(Button("next", "Next: make a prediction", nxt, self.next, "Enter",
                        "Say what you expect the agents to do on deployment", style="primary",
                        enabled=self.finished and self.play.training is not None, size=20), pygame.K_RETURN)
        self.shortcut(pygame.K_KP_ENTER, self.next)

    # --- actions ---------------------------------------------------------------------
    def cancel(self) -> None:
        if not self.job.done:
            self.job.cancel()
            self.app.toast("Training cancelled.", "warn")
        self.app.pop()

    def choose_agents(self, n: int) -> None:
        """Train n agents instead: the current run stops and a new one starts."""
        if n == self.play.agents and not (self.finished and self.play.training is None):
            return
        self.job.cancel()
        self.play.agents = n
        self._start()
        self.rebuild()

    def switch_agent(self) -> None:
        self.play.shown = (self.play.shown + 1) % max(1, self.play.agents)

    def next(self) -> None:
        if not self.finished or self.play.training is None:
            return
        self.app.next_step(self)

    def close(self) -> None:
        if not self.job.done:
            self.job.cancel()

    # --- frame --------------------------------------------------------------------------
    def update(self, dt):
        super().update(dt)
        speed = max(0.1, float(self.app.progress.settings.animation_speed))
        self._tick += dt
        k = min(self.play.shown, self.view.agents - 1)
        if self.live is not None and self._tick >= TICK / speed:
            self._tick = 0.0
            agent = self.view.live_agents[k]
            if agent is not None:
                self.live.tick(agent)
        if self.job.done and not self.finished:
            self.finished = True
            if self.job.error is not None:
                self.app.show_error("Training failed", f"{type(self.job.error).__name__}: {self.job.error}\n\n"
                                    + self.job.trace[-1500:])
                return
            training = self.job.result
            if training.cancelled:
                return
            self.play.training = training
            for run in training.agents:  # the finished policies play on
                self.view.live_agents[run.index] = run.agent
            self.buttons["next"].enabled = True
            self.app.sound("done")

    def draw_content(self, surf):
        th = self.theme
        v = self.view
        phase = next((p for p in v.phases if p.name == v.phase), v.phases[0])
        status = "finished" if self.finished and self.job.error is None else phase.label
        n = v.agents
        self.header(surf, "Training", f"{self.play.title}  -  {status}"
                    + (f"  -  {n} agents at once" if n > 1 else ""))
        self._draw_live(surf)
        self._draw_side(surf)
        done, total = v.overall()
        frac = 1.0 if self.finished and self.job.error is None else (done / max(1, total) if total else 0.0)
        label = (f"{done:,} / {total:,} steps" + (f" over {n} agents" if n > 1 and v.phase != "pretrain" else "")
                 if total else "starting the learner...")
        progress_bar(surf, self.bar, frac, th, T.GOOD if self.finished else T.ACCENT, label)

    def _draw_live(self, surf):
        th = self.theme
        panel(surf, self.view_rect, th, (24, 28, 36), name="live view")
        k = min(self.play.shown, self.view.agents - 1)
        who = f"Agent {k + 1} of {self.view.agents} (seed {self.pipeline.seeds[k]})" if self.view.agents > 1 \
            else "The agent"
        waiting = self.view.live_agents[k] is None
        title = f"{who} playing its current policy"
        note = "waiting for the first policy..."
        title_w = self.view_rect.width - th.px(28)
        font, nfont = th.font(18, "bold"), th.font(16)
        if font.size(title)[0] > title_w:
            title = f"{who} playing"
        if waiting and font.size(title)[0] + nfont.size(note)[0] + th.px(20) > title_w:
            title, note = note, ""  # too narrow for both: say what is happening now
        draw_text(surf, title, font, T.ACCENT, (self.view_rect.x + th.px(14), self.view_rect.y + th.px(10)),
                  width=title_w)
        if self.live is None:
            return
        n = len(self.live.levels)
        cols = 1 if n == 1 else 2
        rows = (n + cols - 1) // cols
        inner = self.view_rect.inflate(-th.px(24), -th.px(24))
        inner.top += th.px(30)
        inner.height -= th.px(30)
        cw, ch = inner.width // cols, inner.height // rows
        for i in range(n):
            cell = pygame.Rect(inner.x + (i % cols) * cw, inner.y + (i // cols) * ch, cw, ch).inflate(-th.px(10), -th.px(10))
            draw_text(surf, self.live.levels[i].name, th.font(15), T.TEXT_DIM, (cell.x, cell.y), width=cell.width)
            area = cell.copy()
            area.top += th.px(22)
            area.height -= th.px(22)
            terrain, objs, agent, facing, _ = self.live.view(i)
            tiles.draw_world(surf, area, terrain, objs, agent, facing, th, max_cell=th.px(64))
        if waiting and note:
            draw_text(surf, note, nfont, T.TEXT_DIM,
                      (self.view_rect.right - th.px(14), self.view_rect.y + th.px(12)), "topright")

    def _draw_side(self, surf):
        th = self.theme
        s = self.side
        v = self.view
        k = min(self.play.shown, v.agents - 1)
        chart = pygame.Rect(s.x, s.y, s.width, s.height * 9 // 20)
        title = "Intended goal on training levels"
        if v.agents > 1:
            title = f"Agent {k + 1}: success on training levels"
        line_chart(surf, chart, [c[1] for c in v.curves[k]], th, title, 0.0, 1.0, T.GOOD, "training steps")
        stats = pygame.Rect(s.x, chart.bottom + th.px(14), s.width, s.bottom - chart.bottom - th.px(14))
        panel(surf, stats, th, name="stats")
        p = v.progress[k]
        success = v.success[k]
        rows = [("success", f"{success * 100:.0f}%" if success is not None else "-"),
                ("mean return", f"{p.mean_return:.2f}" if p else "-"),
                ("steps per second", f"{p.samples_per_second:,.0f}" if p else "-"),
                ("episodes", f"{p.episodes:,}" if p else "-"),
                ("elapsed", f"{p.elapsed:.1f} s" if p else "-")]
        if v.agents > 1:  # every agent's success on one line each, the shown one marked
            rows = rows[1:2] + [(f"{'> ' if i == k else ''}agent {i + 1}: success",
                                f"{x * 100:.0f}%" if x is not None else "-")
                               for i, x in enumerate(v.success)]
        y = stats.y + th.px(10)
        step = max(th.px(16), (stats.height - th.px(20)) // len(rows))
        size = 19 if step >= th.px(28) else 15
        font, bold = th.font(size), th.font(size + 2, "bold")
        for name, value in rows:
            draw_text(surf, name, font, T.TEXT_DIM, (stats.x + th.px(16), y + step // 2), "midleft",
                      width=stats.width - th.px(44) - bold.size(value)[0])
            draw_text(surf, value, bold, T.TEXT, (stats.right - th.px(16), y + step // 2), "midright")
            y += step
