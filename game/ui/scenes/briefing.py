"""Briefing: a pinned "your task" box (edit, train, predict, deploy) and the
intended goal, then the chapter's story and reading in a view that scrolls, and
a look at the tools the player will have in the editor."""

from __future__ import annotations

import pygame

from game.ui import theme as T
from game.ui import tiles
from game.ui.scene import Scene
from game.ui.state import PlayState
from game.ui.widgets import Button, ScrollView, draw_text, draw_wrapped, panel, wrap, wrapped_height

TASK = "1. Edit the training levels   2. Train   3. Predict   4. Deploy and read the debrief"


class BriefingScene(Scene):
    title = "Briefing"
    name = "briefing"

    def __init__(self, app, play: PlayState):
        super().__init__(app)
        self.play = play
        self.text_rect = pygame.Rect(0, 0, 1, 1)
        self.side = pygame.Rect(0, 0, 1, 1)
        self.story = ScrollView("story and reading")

    def build(self, rect):
        th = self.theme
        m = th.px(28)
        top = th.px(64) + th.px(20)
        side_w = min(th.px(380), rect.width * 3 // 10)
        bh = th.px(56)
        bottom = rect.bottom - bh - th.px(40)
        self.text_rect = pygame.Rect(m, top, rect.width - 3 * m - side_w, bottom - top)
        self.side = pygame.Rect(self.text_rect.right + m, top, side_w, self.text_rect.height)
        go = pygame.Rect(0, 0, th.px(330), bh)
        go.bottomright = (rect.right - m, rect.bottom - th.px(20))
        self.add(Button("design", "Design training levels", go, self.start, "Enter",
                        "Open the editor with the chapter's starter design", style="primary", size=22),
                 pygame.K_RETURN)
        self.shortcut(pygame.K_KP_ENTER, self.start)
        back = pygame.Rect(m, go.y, th.px(170), bh)
        self.add(Button("back", "Back", back, self.app.pop, "Esc", "Back to the chapters"), pygame.K_ESCAPE)

    def start(self):
        self.app.next_step(self)

    def key_down(self, event) -> bool:
        return self.story.handle(event)

    def wheel(self, event) -> None:
        self.story.handle(event, self.app.mouse)

    def draw_content(self, surf):
        th = self.theme
        ch = self.play.chapter.chapter
        num = f"Chapter {ch.number}" if ch and ch.number is not None else "Chapter"
        self.header(surf, self.play.title, num)
        r = self.text_rect
        panel(surf, r, th, name="briefing")
        pad = th.px(20)
        inner = r.inflate(-2 * pad, -2 * pad)
        y = inner.top
        # pinned: the task and the intended goal, always in view
        small = th.font(17)
        task_h = wrapped_height(TASK, small, inner.width - th.px(24)) + th.px(42)
        box = pygame.Rect(inner.x, y, inner.width, task_h)
        pygame.draw.rect(surf, (28, 40, 58), box, border_radius=th.px(8))
        pygame.draw.rect(surf, T.ACCENT, box, 1, border_radius=th.px(8))
        draw_text(surf, "Your task", th.font(17, "bold"), T.ACCENT, (box.x + th.px(12), box.y + th.px(8)))
        draw_wrapped(surf, TASK, small, T.TEXT, box.inflate(-th.px(24), 0).move(0, th.px(32)))
        y = box.bottom + th.px(12)
        goal = (ch.intended_text if ch and ch.intended_text else "reach the goal the chapter sets")
        goal = "The intended goal: " + goal
        gfont = th.font(20, "bold")
        goal_h = len(wrap(goal, gfont, inner.width - th.px(32))) * gfont.get_linesize() + th.px(20)
        goal_box = pygame.Rect(inner.x, y, inner.width, goal_h)
        pygame.draw.rect(surf, (22, 44, 34), goal_box, border_radius=th.px(8))
        pygame.draw.rect(surf, T.GOOD, goal_box, 2, border_radius=th.px(8))
        draw_wrapped(surf, goal, gfont, T.GOOD, goal_box.inflate(-th.px(32), -th.px(20)), 1.15)
        y = goal_box.bottom + th.px(14)
        # scrolled: the story, what may change, the reading
        body = ch.briefing.strip() if ch and ch.briefing else "No briefing text in this file."
        head = th.font(18, "bold")
        blocks = [("The story", head, T.ACCENT), th.px(6), (body, th.font(21), T.TEXT)]
        if ch and ch.reading:
            blocks += [th.px(16), ("The reading", head, T.ACCENT), th.px(6), (ch.reading, th.font(18), T.TEXT_DIM)]
        self.story.draw(surf, th, pygame.Rect(inner.x, y, inner.width, inner.bottom - y), blocks)
        self._side(surf)

    def _side(self, surf):
        th = self.theme
        s = self.side
        panel(surf, s, th, name="tools")
        pad = th.px(16)
        w = s.width - 2 * pad
        draw_text(surf, "Your tools", th.font(18, "bold"), T.ACCENT, (s.x + pad, s.y + pad))
        try:
            from game.designs import palette_items
            items = palette_items(self.play.chapter, sandbox=False)
        except Exception:  # noqa: BLE001 - the tools preview is decoration
            items = []
        legend = self.play.chapter.legend
        d = self.play.chapter.design
        rules = [f"Up to {d.max_levels} training levels", f"Up to {d.max_items} objects and spawn markers",
                 f"Training budget: {d.max_steps:,} steps",
                 "You may edit the reward" if d.reward_editable else "The reward is fixed"]
        rfont = th.font(16)
        rules_h = sum(wrapped_height("- " + t, rfont, w) for t in rules)
        cell = th.px(34)
        font = th.font(16)
        y = s.y + pad + th.px(34)
        limit = s.bottom - pad - rules_h - th.px(10)
        lw = w - cell - th.px(10)
        for k, it in enumerate(items):
            lines = wrap(it.label, font, lw)
            if len(lines) > 2:  # the second line is cut (and the audit says so)
                lines = [lines[0], " ".join(lines[1:])]
            h = max(cell, len(lines) * font.get_linesize())
            room = limit - (font.get_linesize() if k + 1 < len(items) else 0)
            if y + h > room:
                draw_text(surf, f"... and {len(items) - k} more in the editor", font, T.TEXT_DIM, (s.x + pad, y),
                          width=w)
                break
            rect = pygame.Rect(s.x + pad, y, cell, cell)
            tiles.draw_cell(surf, rect, tiles.entry_for(it.symbol, legend), it.symbol, th)
            ly = rect.centery - len(lines) * font.get_linesize() // 2
            for line in lines:
                draw_text(surf, line, font, T.TEXT, (rect.right + th.px(10), ly), width=lw)
                ly += font.get_linesize()
            y += h + th.px(6)
        y = s.bottom - pad - rules_h
        for line in rules:
            y = draw_wrapped(surf, "- " + line, rfont, T.TEXT_DIM, pygame.Rect(s.x + pad, y, w, s.bottom - y))
