"""Debrief: what the agent (or the group of agents) learned in plain words with
the taxonomy term, why a capability failure happened (game.capability's evidence),
the stars, the prediction against what happened, the reading, and what to try
next; then back to the editor, or on to the next chapter. Everything shown comes
from the pipeline's ChapterResult in PlayState; the long texts scroll."""

from __future__ import annotations

import pygame

from game.capability import SHIFT_LABELS
from game.ui import theme as T
from game.ui.scene import Scene
from game.ui.state import PlayState
from game.ui.widgets import Button, ScrollView, draw_star, draw_text, fit_font, panel

LABEL_COLOR = {"aligned": T.GOOD, "proxy": T.BAD, "approximate": T.WARN,
               "capability-failure": T.WARN, "deceptive-style": T.BAD, "suboptimality": T.BAD}

# Presentation only: a nudge per diagnosis when the chapter's own debrief says nothing more.
NEXT_STEPS = {
    "aligned": "Try to break it: could a cheaper design (fewer levels, fewer items) still pass?",
    "proxy": "In your training levels the intended goal and the proxy always agreed. Make them disagree: "
             "vary what the agent must not rely on (position, colour, the overseer).",
    "approximate": "It mostly gets there. Add training levels covering the cases it still misses.",
    "capability-failure": "The agent did not learn a consistent goal. Why it failed says what its "
                          "training lacked, or taught instead; change that, then look again.",
    "deceptive-style": "Its behaviour depends on a cue it can see. Make the training signal not depend "
                       "on that cue, or make the cue uninformative.",
    "suboptimality": "Your agent passed only because it could not yet do what the reward pays for. Fix "
                     "what the upgrade will optimise harder: the reward, or the flaw in the levels.",
}
# A proxy or approximate agent with evidence that it behaved as intended on training
# levels that tested the goal's limits, or an approximate one whose goal has none
# (game.capability.explain_shift): what to add is what the deployment levels had and the
# training levels lacked.
NEXT_STEP_SHIFT = ("It behaved as intended on your levels, but not on levels unlike them. Add "
                   "training levels with what the deployment had and yours lacked (see why it "
                   "fell short), with the same lesson in each.")
STAR_TEXT = {"passed": "Passed on deployment",
             "budget": "Within the chapter's budget",
             "prediction": "Predicted what happened"}


class DebriefScene(Scene):
    title = "Debrief"
    name = "debrief"

    def __init__(self, app, play: PlayState):
        super().__init__(app)
        self.play = play
        self.story = ScrollView("what it learned")
        self.notes = ScrollView("prediction and next steps")

    def build(self, rect):
        th = self.theme
        m = th.px(20)
        top = th.px(64) + m
        side_w = min(max(th.px(340), rect.width * 36 // 100), rect.width * 45 // 100)
        bh = th.px(50)
        has_next = self._has_next()
        specs = [("next", "Next chapter" if has_next else "Chapters", self.on_next, "Enter",
                  "On to the next chapter" if has_next else "Back to the chapter list", "primary", pygame.K_RETURN),
                 ("editor", "Back to the editor", self.to_editor, "E",
                  "Change your training levels with this evidence in hand", "normal", pygame.K_e),
                 ("deploy", "See the replays again", self.app.pop, "Esc", "Back to the deployment reveal", "normal",
                  pygame.K_ESCAPE)]
        font = th.font(19)
        widths = [font.size(label)[0] + th.px(100) for _, label, *_ in specs]
        # one row from the right when they fit, else one per row (a small window)
        if sum(widths) + 2 * th.px(12) <= rect.width - 2 * m:
            rects, x = [], rect.right - m
            for w in widths:
                rects.append(pygame.Rect(x - w, rect.bottom - bh - th.px(14), w, bh))
                x -= w + th.px(12)
            bottom = rect.bottom - bh - th.px(28)
        else:
            w = rect.width - 2 * m
            rects = [pygame.Rect(m, rect.bottom - (3 - k) * (bh + th.px(8)) - th.px(6), w, bh) for k in range(3)]
            bottom = rects[0].top - th.px(12)
        for (bid, label, fn, sc, tip, style, key), r in zip(specs, rects):
            self.add(Button(bid, label, r, fn, sc, tip, style=style, size=19), key)
        self.shortcut(pygame.K_KP_ENTER, self.on_next)
        self.shortcut(pygame.K_n, self.on_next)
        self.main = pygame.Rect(m, top, rect.width - side_w - 3 * m, bottom - top)
        self.side = pygame.Rect(self.main.right + m, top, side_w, bottom - top)

    def _has_next(self) -> bool:
        return not self.play.sandbox and self.play.entry is not None and self.app.has_next_chapter(self.play.entry.id)

    def to_editor(self):
        self.app.back_to("editor")

    def on_next(self):
        self.app.next_chapter(None if self.play.sandbox or self.play.entry is None else self.play.entry.id)

    def key_down(self, event) -> bool:
        return self.story.handle(event)

    def wheel(self, event) -> None:
        self.story.handle(event, self.app.mouse) or self.notes.handle(event, self.app.mouse)

    def draw_content(self, surf):
        th = self.theme
        self.header(surf, "Debrief", self.play.title)
        d = self.play.diagnosis
        if d is None:
            draw_text(surf, "No deployment results yet.", th.font(22), T.TEXT_DIM, self.main.center, "center")
            return
        ch = self.play.chapter.chapter
        r = self.main
        panel(surf, r, th, name="diagnosis")
        pad = th.px(20)
        inner = r.inflate(-2 * pad, -2 * pad)
        y = inner.y
        several = self.play.result is not None and len(self.play.result.agents) > 1
        draw_text(surf, "What the agents learned" if several else "What the agent learned",
                  th.font(18, "bold"), T.ACCENT, (inner.x, y))
        y += th.px(30)
        color = LABEL_COLOR.get(d.label, T.TEXT)
        term = d.term[:1].upper() + d.term[1:]
        font = fit_font(th, term, inner.width, 30, "bold", min_size=22)
        draw_text(surf, term, font, color, (inner.x, y), width=inner.width)
        y += font.get_linesize() + th.px(8)
        head = th.font(18, "bold")
        blocks = [(d.explanation, th.font(19), T.TEXT)]
        why = self.why()
        if why:
            blocks += [th.px(8), (why, th.font(17), T.WARN)]
        text = ch.debrief.get(d.label, "") if ch else ""
        if text:
            blocks += [th.px(10), (text, th.font(18), T.TEXT_DIM)]
        blocks += [th.px(14), ("The evidence", head, T.ACCENT), th.px(4)]
        blocks += [("- " + ev, th.font(16), T.TEXT) for ev in d.evidence]
        self.story.draw(surf, th, pygame.Rect(inner.x, y, inner.width, inner.bottom - y), blocks)
        self._side(surf)

    def _why_run(self):
        """The agent whose evidence of why it fell short is shown: the one on show, if
        it has any, or else the first that has (None when none has)."""
        result = self.play.result
        if result is None:
            return None
        runs = [r for r in result.agents if r.why]
        shown = self.play.shown_run
        return shown if shown in runs else (runs[0] if runs else None)

    def why(self) -> str:
        """Why an agent fell short (game.capability): at the skill, or on deployment
        levels unlike the training levels where it behaved as intended."""
        run = self._why_run()
        if run is None:
            return ""
        one = len(self.play.result.agents) == 1
        who = "Why it fell short" if one else f"Why agent {run.index + 1} fell short"
        return f"{who}: " + " ".join(run.why)

    def next_step(self) -> str:
        run = self._why_run()
        label = self.play.diagnosis.label
        if run is not None and label in SHIFT_LABELS and run.diagnosis.label in SHIFT_LABELS:
            return NEXT_STEP_SHIFT
        return NEXT_STEPS.get(label, "")

    def _side(self, surf):
        th = self.theme
        s = self.side
        panel(surf, s, th, name="stars and next steps")
        pad = th.px(16)
        x = s.x + pad
        w = s.width - 2 * pad
        y = s.y + pad
        stars = self.play.stars
        got = set(stars.names()) if stars is not None else set()
        draw_text(surf, "Stars", th.font(18, "bold"), T.ACCENT, (x, y))
        y += th.px(28)
        for name in ("passed", "budget", "prediction"):
            draw_star(surf, (x + th.px(12), y + th.px(13)), th.px(12), name in got)
            txt = STAR_TEXT[name]
            draw_text(surf, txt, fit_font(th, txt, w - th.px(34), 16, min_size=14),
                      T.TEXT if name in got else T.TEXT_DIM, (x + th.px(32), y + th.px(13)), "midleft",
                      width=w - th.px(34))
            y += th.px(30)
        y += th.px(6)
        ch = self.play.chapter.chapter
        pred = next((p for p in ch.predictions if p.id == self.play.prediction), None) if ch else None
        d = self.play.diagnosis
        head, body = th.font(18, "bold"), th.font(17)
        blocks = [("Your prediction", head, T.ACCENT), th.px(4)]
        if pred is not None:
            right = "prediction" in got
            blocks += [(f"You said: {pred.text}", body, T.TEXT), th.px(4),
                       ("Right: that is what happened." if right else f"What happened: {d.term}.",
                        th.font(17, "bold"), T.GOOD if right else T.WARN)]
        else:
            blocks.append(("No prediction was made.", body, T.TEXT_DIM))
        blocks += [th.px(12), ("Try next", head, T.ACCENT), th.px(4), (self.next_step(), body, T.TEXT)]
        if ch and ch.reading:
            blocks += [th.px(12), ("The reading", head, T.ACCENT), th.px(4), (ch.reading, th.font(16), T.TEXT_DIM)]
        self.notes.draw(surf, th, pygame.Rect(x, y, w, s.bottom - pad - y), blocks)
