"""Prediction: before deployment, the player says what they expect the agent to do
on the chapter's hidden deployment levels. The header states how well the agent
actually did in training (measured, not assumed)."""

from __future__ import annotations

import pygame

from game.ui import theme as T
from game.ui.scene import Scene
from game.ui.state import PlayState
from game.ui.widgets import Button, draw_text, draw_wrapped, wrap, wrapped_height


def training_summary(play: PlayState) -> str:
    """What training measured, in one sentence: the intended goal's rate on the
    player's training levels (game.pipeline's measurement), read against the pass bar."""
    runs = play.training.agents if play.training is not None else []
    if not runs:
        return "What will the agent do on levels it has never seen?"
    bar = play.chapter.pass_bar()
    rates = sorted(r.training_goal for r in runs)
    below = rates[0] < bar
    note = f" (the bar is {bar * 100:.0f}%)" if below else ""
    if len(rates) == 1:
        return (f"In training the agent reached the intended goal in {'only ' if below else ''}"
                f"{rates[0] * 100:.0f}% of episodes{note}. What will it do on levels it has never seen?")
    spread = f"{rates[0] * 100:.0f}%" if rates[0] == rates[-1] else \
        f"{rates[0] * 100:.0f}% to {rates[-1] * 100:.0f}%"
    return (f"In training the {len(rates)} agents reached the intended goal in {spread} of episodes{note}. "
            "What will they do on levels they have never seen?")


class PredictScene(Scene):
    title = "Predict"
    name = "predict"

    def __init__(self, app, play: PlayState):
        super().__init__(app)
        self.play = play
        ch = play.chapter.chapter
        self.options = list(ch.predictions) if ch else []
        self.choice: int | None = None

    def build(self, rect):
        th = self.theme
        m = th.px(40)
        w = min(rect.width - 2 * m, th.px(980))
        x = (rect.width - w) // 2
        self.text_x, self.text_w = x, w
        head = th.font(24, "bold")
        y = th.px(64) + th.px(24) + wrapped_height(training_summary(self.play), head, w) + th.px(8)
        y += th.px(36)
        bh = th.px(56)
        gap = th.px(12)
        font = th.font(20)
        for i, p in enumerate(self.options):
            label = f"{i + 1}.  {p.text}"
            lines = len(wrap(label, font, w - th.px(100)))
            oh = max(th.px(54), lines * font.get_linesize() + th.px(18))
            r = pygame.Rect(x, y, w, oh)
            self.add(Button(f"option:{i}", "", r, lambda i=i: self.pick(i), str(i + 1),
                            "Pick this prediction: " + p.text, selected=(i == self.choice), size=20),
                     pygame.K_1 + i if i < 9 else None)
            y += oh + gap
        self.options_bottom = y
        go = pygame.Rect(0, 0, th.px(320), bh)
        go.bottomright = (rect.right - m, rect.bottom - th.px(20))
        needs = bool(self.options)
        self.add(Button("deploy", "Deploy the agent", go, self.deploy, "Enter",
                        "Run the trained agent on the deployment levels", style="primary",
                        enabled=(self.choice is not None or not needs), size=22), pygame.K_RETURN)
        self.shortcut(pygame.K_KP_ENTER, self.deploy)
        self.shortcut(pygame.K_DOWN, lambda: self.pick_step(1))
        self.shortcut(pygame.K_UP, lambda: self.pick_step(-1))
        back = pygame.Rect(m, go.y, th.px(250), bh)
        self.add(Button("back", "Back to training", back, self.app.pop, "Esc", "Back"), pygame.K_ESCAPE)

    def pick(self, i: int) -> None:
        self.choice = i
        self.play.prediction = self.options[i].id
        self.rebuild()

    def pick_step(self, d: int) -> None:
        if self.options:
            self.pick(((self.choice if self.choice is not None else -d) + d) % len(self.options))

    def deploy(self) -> None:
        if self.options and self.choice is None:
            self.app.toast("Pick a prediction first (keys 1-9, or Up/Down).", "warn")
            return
        self.app.next_step(self)

    def draw_content(self, surf):
        th = self.theme
        self.header(surf, "Your prediction", self.play.title)
        x, w = self.text_x, self.text_w
        y = draw_wrapped(surf, training_summary(self.play), th.font(24, "bold"), T.TEXT,
                         pygame.Rect(x, th.px(64) + th.px(24), w, surf.get_height()))
        draw_text(surf, "Commit to an answer before you look: that is what makes the surprise count.",
                  th.font(18), T.TEXT_DIM, (x, y + th.px(4)), width=w)
        if not self.options:
            draw_text(surf, "This level file offers no predictions: deploy when ready.", th.font(20), T.TEXT_DIM,
                      (x, self.options_bottom), width=w)

    def draw_buttons(self, surf):
        super().draw_buttons(surf)
        th = self.theme
        font = th.font(20)
        for i, p in enumerate(self.options):  # the option texts wrap, so they are drawn on the buttons here
            b = self.buttons[f"option:{i}"]
            lines = wrap(f"{i + 1}.  {p.text}", font, b.rect.width - th.px(100))
            ly = b.rect.centery - len(lines) * font.get_linesize() // 2
            for line in lines:
                draw_text(surf, line, font, T.TEXT, (b.rect.x + th.px(16), ly))
                ly += font.get_linesize()
