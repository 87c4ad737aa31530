"""Debrief: what the agent (or the group of agents) learned in plain words with
the taxonomy term, why a capability failure happened (game.capability's evidence),
the stars, the prediction against what happened, the reading, and what to try
next; then back to the editor, or on to the next chapter. Everything shown comes
from the pipeline's ChapterResult in PlayState."""

from __future__ import annotations

import pygame

from game.ui import theme as T
from game.ui.scene import Scene
from game.ui.scenes.title import draw_star
from game.ui.state import PlayState
from game.ui.widgets import Button, draw_text, draw_wrapped, fit_font, panel, wrap

LABEL_COLOR = {"aligned": T.GOOD, "proxy": T.BAD, "approximate": T.WARN,
               "capability-failure": T.WARN, "deceptive-style": T.BAD}

# Presentation only: a nudge per diagnosis when the chapter's own debrief says nothing more.
NEXT_STEPS = {
    "aligned": "Try to break it: could a cheaper design (fewer levels, fewer items) still pass?",
    "proxy": "In your training levels the intended goal and the proxy always agreed. Make them disagree: "
             "vary what the agent must not rely on (position, colour, the overseer).",
    "approximate": "It mostly gets there. Add training levels covering the cases it still misses.",
    "capability-failure": "The agent did not learn a consistent goal. Give it more training steps or "
                          "simpler levels, then look again.",
    "deceptive-style": "Its behaviour depends on a cue it can see. Make the training signal not depend "
                       "on that cue, or make the cue uninformative.",
}
STAR_TEXT = {"passed": "Passed: the intended goal on deployment",
             "budget": "Within the chapter's budget",
             "prediction": "Predicted what happened"}


class DebriefScene(Scene):
    title = "Debrief"

    def __init__(self, app, play: PlayState):
        super().__init__(app)
        self.play = play

    def build(self, rect):
        th = self.theme
        m = th.px(24)
        top = th.px(64) + m
        side_w = max(th.px(380), rect.width * 36 // 100)
        bottom = rect.bottom - th.px(88)
        self.main = pygame.Rect(m, top, rect.width - side_w - 3 * m, bottom - top)
        self.side = pygame.Rect(self.main.right + m, top, side_w, bottom - top)
        bh = th.px(54)
        y = rect.bottom - bh - th.px(18)
        self.add(Button("editor", "Back to the editor", pygame.Rect(m, y, th.px(260), bh), self.to_editor, "E",
                        "Change your training levels with this evidence in hand", size=20), pygame.K_e)
        self.add(Button("deploy", "See the replays again", pygame.Rect(m + th.px(272), y, th.px(280), bh),
                        self.app.pop, "Esc", "Back to the deployment reveal", size=20), pygame.K_ESCAPE)
        nxt = pygame.Rect(0, 0, th.px(260), bh)
        nxt.bottomright = (rect.right - m, y + bh)
        has_next = self._next_entry() is not None
        self.add(Button("next", "Next chapter" if has_next else "Chapters", nxt, self.on_next, "N",
                        "On to the next chapter" if has_next else "Back to the chapter list", style="primary",
                        size=20), pygame.K_n)

    def _next_entry(self):
        if self.play.sandbox or self.play.entry is None:
            return None
        from game.ui.scenes.title import TitleScene
        title = self.app.find(TitleScene)
        if title is None:
            return None
        ids = [e.id for e in title.entries]
        if self.play.entry.id in ids:
            i = ids.index(self.play.entry.id)
            if i + 1 < len(title.entries):
                return i + 1
        return None

    def to_editor(self):
        from game.ui.scenes.editor import EditorScene
        self.app.pop_to(EditorScene)

    def on_next(self):
        from game.ui.scenes.title import TitleScene
        i = self._next_entry()
        self.app.pop_to(TitleScene)
        title = self.app.top
        if i is not None and isinstance(title, TitleScene):
            title.rebuild()
            title.open_chapter(i)

    def draw_content(self, surf):
        th = self.theme
        self.header(surf, "Debrief", self.play.title)
        d = self.play.diagnosis
        if d is None:
            draw_text(surf, "No deployment results yet.", th.font(22), T.TEXT_DIM, self.main.center, "center")
            return
        ch = self.play.chapter.chapter
        r = self.main
        panel(surf, r, th)
        pad = th.px(22)
        inner = r.inflate(-2 * pad, -2 * pad)
        y = inner.y
        several = self.play.result is not None and len(self.play.result.agents) > 1
        draw_text(surf, "What the agents learned" if several else "What the agent learned",
                  th.font(18, "bold"), T.ACCENT, (inner.x, y))
        y += th.px(32)
        color = LABEL_COLOR.get(d.label, T.TEXT)
        term = d.term[:1].upper() + d.term[1:]
        font = fit_font(th, term, inner.width, 32, "bold")
        draw_text(surf, term, font, color, (inner.x, y))
        y += font.get_linesize() + th.px(10)
        font = th.font(16)
        ev_lines = [("- " if k == 0 else "  ") + line for ev in d.evidence
                    for k, line in enumerate(wrap(ev, font, inner.width - th.px(20)))][:8]
        ev_top = inner.bottom - th.px(30) - len(ev_lines) * font.get_linesize()
        y = draw_wrapped(surf, d.explanation, th.font(19), T.TEXT,
                         pygame.Rect(inner.x, y, inner.width, ev_top - y - th.px(10)))
        why = self.why()
        if why:
            y += th.px(8)
            y = draw_wrapped(surf, why, th.font(17), T.WARN,
                             pygame.Rect(inner.x, y, inner.width, ev_top - y - th.px(10)))
        text = ch.debrief.get(d.label, "") if ch else ""
        if text:
            y += th.px(8)
            draw_wrapped(surf, text, th.font(17), T.TEXT_DIM,
                         pygame.Rect(inner.x, y, inner.width, ev_top - y - th.px(10)))
        y = ev_top
        draw_text(surf, "The evidence", th.font(18, "bold"), T.ACCENT, (inner.x, y))
        y += th.px(30)
        for line in ev_lines:
            draw_text(surf, line, font, T.TEXT, (inner.x, y))
            y += font.get_linesize()
        self._side(surf)

    def why(self) -> str:
        """Why the agents that failed at the skill failed: the first such agent's
        evidence (the one shown, if it is one of them)."""
        result = self.play.result
        if result is None:
            return ""
        runs = [r for r in result.agents if r.why]
        shown = self.play.shown_run
        run = shown if shown in runs else (runs[0] if runs else None)
        if run is None:
            return ""
        who = "Why it failed" if len(result.agents) == 1 else f"Why agent {run.index + 1} failed"
        return f"{who}: " + " ".join(run.why)

    def _side(self, surf):
        th = self.theme
        s = self.side
        panel(surf, s, th)
        pad = th.px(18)
        x = s.x + pad
        w = s.width - 2 * pad
        y = s.y + pad
        stars = self.play.stars
        got = set(stars.names()) if stars is not None else set()
        draw_text(surf, "Stars", th.font(18, "bold"), T.ACCENT, (x, y))
        y += th.px(30)
        for name in ("passed", "budget", "prediction"):
            draw_star(surf, (x + th.px(14), y + th.px(14)), th.px(14), name in got)
            txt = STAR_TEXT[name]
            draw_text(surf, txt, fit_font(th, txt, w - th.px(40), 17), T.TEXT if name in got else T.TEXT_DIM,
                      (x + th.px(36), y + th.px(14)), "midleft")
            y += th.px(34)
        y += th.px(8)
        draw_text(surf, "Your prediction", th.font(18, "bold"), T.ACCENT, (x, y))
        y += th.px(28)
        ch = self.play.chapter.chapter
        pred = next((p for p in ch.predictions if p.id == self.play.prediction), None) if ch else None
        d = self.play.diagnosis
        if pred is not None:
            right = "prediction" in got
            y = draw_wrapped(surf, f"You said: {pred.text}", th.font(17), T.TEXT, pygame.Rect(x, y, w, th.px(70)))
            verdict = ("Right: that is what happened." if right
                       else f"What happened: {d.term}.")
            y = draw_wrapped(surf, verdict, th.font(17, "bold"), T.GOOD if right else T.WARN,
                             pygame.Rect(x, y + th.px(4), w, th.px(70)))
        else:
            y = draw_wrapped(surf, "No prediction was made.", th.font(17), T.TEXT_DIM, pygame.Rect(x, y, w, th.px(40)))
        y += th.px(12)
        draw_text(surf, "Try next", th.font(18, "bold"), T.ACCENT, (x, y))
        y += th.px(28)
        y = draw_wrapped(surf, NEXT_STEPS.get(d.label, ""), th.font(17), T.TEXT,
                         pygame.Rect(x, y, w, s.bottom - y - th.px(110)))
        if ch and ch.reading:
            y = max(y + th.px(12), s.bottom - th.px(100))
            draw_text(surf, "The reading", th.font(18, "bold"), T.ACCENT, (x, y))
            draw_wrapped(surf, ch.reading, th.font(16), T.TEXT_DIM, pygame.Rect(x, y + th.px(28), w, th.px(70)))
