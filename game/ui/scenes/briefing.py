"""Briefing: the chapter's story, the intended goal, the reading, and a look at
the tools the player will have in the editor."""

from __future__ import annotations

import pygame

from game.ui import theme as T
from game.ui import tiles
from game.ui.scene import Scene
from game.ui.state import PlayState
from game.ui.widgets import Button, draw_text, draw_wrapped, panel


class BriefingScene(Scene):
    title = "Briefing"

    def __init__(self, app, play: PlayState):
        super().__init__(app)
        self.play = play
        self.text_rect = pygame.Rect(0, 0, 1, 1)
        self.side = pygame.Rect(0, 0, 1, 1)

    def build(self, rect):
        th = self.theme
        m = th.px(36)
        top = th.px(64) + m
        side_w = min(th.px(420), rect.width // 3)
        self.text_rect = pygame.Rect(m, top, rect.width - 3 * m - side_w, rect.height - top - th.px(110))
        self.side = pygame.Rect(self.text_rect.right + m, top, side_w, self.text_rect.height)
        bh = th.px(56)
        go = pygame.Rect(0, 0, th.px(300), bh)
        go.bottomright = (rect.right - m, rect.bottom - th.px(28))
        self.add(Button("design", "Design training levels", go, self.start, "Enter",
                        "Open the editor with the chapter's starter design", style="primary", size=22),
                 pygame.K_RETURN)
        back = pygame.Rect(m, go.y, th.px(160), bh)
        self.add(Button("back", "Back", back, self.app.pop, "Esc", "Back to the chapters"), pygame.K_ESCAPE)

    def start(self):
        from game.ui.scenes.editor import EditorScene
        self.app.push(EditorScene(self.app, self.play))

    def draw_content(self, surf):
        th = self.theme
        ch = self.play.chapter.chapter
        num = f"Chapter {ch.number}" if ch and ch.number is not None else "Chapter"
        self.header(surf, self.play.title, num)
        r = self.text_rect
        panel(surf, r, th)
        pad = th.px(24)
        inner = r.inflate(-2 * pad, -2 * pad)
        y = inner.top
        draw_text(surf, "The story", th.font(18, "bold"), T.ACCENT, (inner.x, y))
        y += th.px(32)
        body = ch.briefing.strip() if ch and ch.briefing else "No briefing text in this file."
        reading_h = th.px(110)
        y = draw_wrapped(surf, body, th.font(22), T.TEXT, pygame.Rect(inner.x, y, inner.width,
                                                                       inner.bottom - y - reading_h - th.px(90)))
        y += th.px(16)
        draw_text(surf, "The intended goal", th.font(18, "bold"), T.ACCENT, (inner.x, y))
        y += th.px(30)
        goal = (ch.intended_text if ch and ch.intended_text else "reach the goal the chapter sets")
        goal_box = pygame.Rect(inner.x, y, inner.width, th.px(50))
        pygame.draw.rect(surf, (22, 44, 34), goal_box, border_radius=th.px(8))
        pygame.draw.rect(surf, T.GOOD, goal_box, 2, border_radius=th.px(8))
        draw_text(surf, goal[:1].upper() + goal[1:], th.font(22, "bold"), T.GOOD,
                  (goal_box.x + th.px(16), goal_box.centery), "midleft")
        y = goal_box.bottom + th.px(22)
        if ch and ch.reading:
            draw_text(surf, "The reading", th.font(18, "bold"), T.ACCENT, (inner.x, y))
            y += th.px(28)
            draw_wrapped(surf, ch.reading, th.font(18), T.TEXT_DIM, pygame.Rect(inner.x, y, inner.width, inner.bottom - y))
        self._side(surf)

    def _side(self, surf):
        th = self.theme
        s = self.side
        panel(surf, s, th)
        pad = th.px(18)
        draw_text(surf, "Your tools", th.font(18, "bold"), T.ACCENT, (s.x + pad, s.y + pad))
        try:
            from game.designs import palette_items
            items = palette_items(self.play.chapter, sandbox=False)
        except Exception:  # noqa: BLE001 - the tools preview is decoration
            items = []
        legend = self.play.chapter.legend
        cell = th.px(40)
        y = s.y + pad + th.px(36)
        for it in items:
            if y + cell > s.bottom - th.px(130):
                break
            rect = pygame.Rect(s.x + pad, y, cell, cell)
            tiles.draw_cell(surf, rect, tiles.entry_for(it.symbol, legend), it.symbol, th)
            draw_text(surf, it.label, th.font(17), T.TEXT, (rect.right + th.px(12), rect.centery), "midleft")
            y += cell + th.px(8)
        d = self.play.chapter.design
        y = s.bottom - th.px(120)
        for line in (f"Up to {d.max_levels} training levels", f"Up to {d.max_items} objects and spawn markers",
                     f"Training budget: {d.max_steps:,} steps",
                     "You may edit the reward" if d.reward_editable else "The reward is fixed"):
            draw_text(surf, "- " + line, th.font(16), T.TEXT_DIM, (s.x + pad, y))
            y += th.px(26)
