"""A message drawn over the scene below it (a broken file, a damaged save...)."""

from __future__ import annotations

import pygame

from game.ui import theme as T
from game.ui.scene import Scene
from game.ui.widgets import Button, draw_text, draw_wrapped, panel, wrap


class MessageDialog(Scene):
    opaque = False

    def __init__(self, app, title: str, text: str, kind: str = "bad"):
        super().__init__(app)
        self.title_text = title
        self.text = text
        self.kind = kind
        self.box = pygame.Rect(0, 0, 10, 10)

    def build(self, rect):
        th = self.theme
        w = min(rect.width - th.px(60), th.px(900))
        font = th.font(16, "mono")
        lines = wrap(self.text, font, w - th.px(48))
        h = min(rect.height - th.px(60), th.px(150) + len(lines) * font.get_linesize())
        self.box = pygame.Rect(0, 0, w, h)
        self.box.center = rect.center
        ok = pygame.Rect(0, 0, th.px(140), th.px(46))
        ok.bottomright = (self.box.right - th.px(20), self.box.bottom - th.px(16))
        self.add(Button("ok", "OK", ok, self.app.pop, "Enter / Esc", "Close this message",
                        style="primary"), pygame.K_RETURN)
        self.shortcut(pygame.K_ESCAPE, self.app.pop)

    def draw(self, surf):
        dim = pygame.Surface(surf.get_size(), pygame.SRCALPHA)
        dim.fill((0, 0, 0, 160))
        surf.blit(dim, (0, 0))
        th = self.theme
        panel(surf, self.box, th, T.PANEL)
        color = T.BAD if self.kind == "bad" else T.ACCENT
        pygame.draw.rect(surf, color, self.box, 3, border_radius=th.px(10))
        draw_text(surf, self.title_text, th.font(24, "bold"), color,
                  (self.box.x + th.px(24), self.box.y + th.px(20)))
        body = pygame.Rect(self.box.x + th.px(24), self.box.y + th.px(68), self.box.width - th.px(48),
                           self.box.height - th.px(140))
        draw_wrapped(surf, self.text, th.font(16, "mono"), T.TEXT, body, 1.15)
        self.draw_buttons(surf)
