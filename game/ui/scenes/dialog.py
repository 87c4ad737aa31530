"""Messages drawn over the scene below them: a broken file, a damaged save (OK),
and yes/no questions such as "Quit Mesa Lab?". Long messages scroll."""

from __future__ import annotations

import pygame

from game.ui import theme as T
from game.ui.scene import Scene
from game.ui.widgets import Button, ScrollView, draw_text, panel, wrap


class MessageDialog(Scene):
    opaque = False
    name = "message"

    def __init__(self, app, title: str, text: str, kind: str = "bad"):
        super().__init__(app)
        self.title_text = title
        self.text = text
        self.kind = kind
        self.box = pygame.Rect(0, 0, 10, 10)
        self.view = ScrollView("message text")

    def body_font(self):
        return self.theme.font(16, "mono")

    def build(self, rect):
        th = self.theme
        w = min(rect.width - th.px(60), th.px(900))
        font = self.body_font()
        lines = wrap(self.text, font, w - th.px(62))
        h = min(rect.height - th.px(60), th.px(150) + len(lines) * font.get_linesize())
        self.box = pygame.Rect(0, 0, w, h)
        self.box.center = rect.center
        self.add_buttons()

    def add_buttons(self):
        th = self.theme
        ok = pygame.Rect(0, 0, th.px(160), th.px(46))
        ok.bottomright = (self.box.right - th.px(20), self.box.bottom - th.px(16))
        self.add(Button("ok", "OK", ok, self.app.pop, "Enter", "Close this message (Enter or Escape)",
                        style="primary"), pygame.K_RETURN)
        self.shortcut(pygame.K_KP_ENTER, self.app.pop)
        self.shortcut(pygame.K_ESCAPE, self.app.pop)

    def key_down(self, event) -> bool:
        return self.view.handle(event)

    def wheel(self, event) -> None:
        self.view.handle(event, self.app.mouse)

    def draw(self, surf):
        dim = pygame.Surface(surf.get_size(), pygame.SRCALPHA)
        dim.fill((0, 0, 0, 160))
        surf.blit(dim, (0, 0))
        th = self.theme
        panel(surf, self.box, th, T.PANEL, name="dialog")
        color = T.BAD if self.kind == "bad" else T.ACCENT
        pygame.draw.rect(surf, color, self.box, 3, border_radius=th.px(10))
        draw_text(surf, self.title_text, th.font(24, "bold"), color,
                  (self.box.x + th.px(24), self.box.y + th.px(20)), width=self.box.width - th.px(48))
        body = pygame.Rect(self.box.x + th.px(24), self.box.y + th.px(68), self.box.width - th.px(48),
                           self.box.height - th.px(140))
        self.view.draw(surf, th, body, [(self.text, self.body_font(), T.TEXT)])
        self.draw_buttons(surf)


class ConfirmDialog(MessageDialog):
    """A yes/no question: Enter or the yes button confirms, Escape or No cancels."""
    name = "confirm"

    def __init__(self, app, title: str, text: str, yes: str, on_yes):
        super().__init__(app, title, text, kind="info")
        self.yes_label = yes
        self.on_yes = on_yes

    def body_font(self):
        return self.theme.font(18)

    def add_buttons(self):
        th = self.theme
        yes = pygame.Rect(0, 0, th.px(200), th.px(46))
        yes.bottomright = (self.box.right - th.px(20), self.box.bottom - th.px(16))
        no = pygame.Rect(0, 0, th.px(160), th.px(46))
        no.bottomright = (yes.left - th.px(12), yes.bottom)
        self.add(Button("yes", self.yes_label, yes, self.confirm, "Enter", self.yes_label, style="primary"),
                 pygame.K_RETURN)
        self.add(Button("no", "No", no, self.app.pop, "Esc", "Cancel"), pygame.K_ESCAPE)
        self.shortcut(pygame.K_KP_ENTER, self.confirm)

    def confirm(self):
        self.app.pop()
        self.on_yes()
