"""A one-line question: type a text, Enter to accept, Esc to cancel (the nickname
in Settings, the results folder of the class view)."""

from __future__ import annotations

import pygame

from game.ui import theme as T
from game.ui.scene import TextEntryScene
from game.ui.widgets import Button, TextInput, draw_text


class PromptScene(TextEntryScene):
    name = "prompt"

    def __init__(self, app, title: str, question: str, initial: str, on_done, note: str = ""):
        super().__init__(app)
        self.title = title
        self.question = question
        self.note = note
        self.on_done = on_done
        self.input = TextInput(pygame.Rect(0, 0, 10, 10), initial, True, self.accept)

    def build(self, rect):
        th = self.theme
        m = th.px(40)
        self.input.rect = pygame.Rect(m, th.px(150), rect.width - 2 * m - th.px(170), th.px(48))
        self.add(Button("ok", "OK", pygame.Rect(self.input.rect.right + th.px(10), self.input.rect.y,
                                                th.px(160), th.px(48)),
                        lambda: self.accept(self.input.text), "Enter", "Accept", style="primary",
                        size=20))
        self.add(Button("cancel", "Cancel", pygame.Rect(m, self.input.rect.bottom + th.px(90),
                                                        th.px(160), th.px(50)),
                        self.app.pop, "Esc", "Back without changing anything"), pygame.K_ESCAPE)

    def accept(self, text: str) -> None:
        self.app.pop()
        self.on_done(text.strip())

    def draw_content(self, surf):
        th = self.theme
        self.header(surf, self.title)
        draw_text(surf, self.question, th.font(18), T.TEXT_DIM,
                  (self.input.rect.x, self.input.rect.y - th.px(30)))
        self.input.draw(surf, th, self.t)
        if self.note:
            draw_text(surf, self.note, th.font(15), T.TEXT_DIM,
                      (self.input.rect.x, self.input.rect.bottom + th.px(14)))
