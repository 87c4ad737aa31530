"""Prediction: before deployment, the player says what they expect the agent to do
on the chapter's hidden deployment levels."""

from __future__ import annotations

import pygame

from game.ui import theme as T
from game.ui.scene import Scene
from game.ui.state import PlayState
from game.ui.widgets import Button, draw_text


class PredictScene(Scene):
    title = "Predict"

    def __init__(self, app, play: PlayState):
        super().__init__(app)
        self.play = play
        ch = play.chapter.chapter
        self.options = list(ch.predictions) if ch else []
        self.choice: int | None = None

    def build(self, rect):
        th = self.theme
        m = th.px(40)
        y = th.px(64) + th.px(150)
        w = min(rect.width - 2 * m, th.px(980))
        x = (rect.width - w) // 2
        oh = th.px(66)
        for i, p in enumerate(self.options):
            r = pygame.Rect(x, y + i * (oh + th.px(14)), w, oh)
            self.add(Button(f"option:{i}", f"{i + 1}.  {p.text}", r, lambda i=i: self.pick(i), str(i + 1),
                            "Pick this prediction", selected=(i == self.choice), size=21),
                     pygame.K_1 + i if i < 9 else None)
        bh = th.px(56)
        go = pygame.Rect(0, 0, th.px(300), bh)
        go.bottomright = (rect.right - m, rect.bottom - th.px(28))
        needs = bool(self.options)
        self.add(Button("deploy", "Deploy the agent", go, self.deploy, "Enter",
                        "Run the trained agent on the deployment levels", style="primary",
                        enabled=(self.choice is not None or not needs), size=22), pygame.K_RETURN)
        back = pygame.Rect(m, go.y, th.px(220), bh)
        self.add(Button("back", "Back to training", back, self.app.pop, "Esc", "Back"), pygame.K_ESCAPE)

    def pick(self, i: int) -> None:
        self.choice = i
        self.play.prediction = self.options[i].id
        self.rebuild()

    def deploy(self) -> None:
        if self.options and self.choice is None:
            self.app.toast("Pick a prediction first (keys 1-9).", "warn")
            return
        from game.ui.scenes.deploy import DeployScene
        self.app.push(DeployScene(self.app, self.play))

    def draw_content(self, surf):
        th = self.theme
        self.header(surf, "Your prediction", self.play.title)
        w = surf.get_width()
        draw_text(surf, "The agent did well in training. What will it do on levels it has never seen?",
                  th.font(24, "bold"), T.TEXT, (w // 2, th.px(64) + th.px(50)), "center")
        draw_text(surf, "Commit to an answer before you look: that is what makes the surprise count.",
                  th.font(18), T.TEXT_DIM, (w // 2, th.px(64) + th.px(94)), "center")
        if not self.options:
            draw_text(surf, "This level file offers no predictions: deploy when ready.", th.font(20), T.TEXT_DIM,
                      (w // 2, th.px(280)), "center")
