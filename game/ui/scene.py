"""The scene base class: a screen of the game on the app's scene stack.

A scene keeps its state in plain attributes, rebuilds its widgets in `build()`
whenever the window size or the theme changes, and forwards input to them.
Buttons are kept by id in `self.buttons` so tests can click them by position.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import pygame

from game.ui import theme as T
from game.ui.widgets import Button, draw_text

if TYPE_CHECKING:
    from game.ui.app import App


class Scene:
    title = ""
    name = "scene"  # the scene's name in game/ui/flow.py
    opaque = True  # draws the whole window (a dialog on top of a scene is not)

    def __init__(self, app: "App"):
        self.app = app
        self.buttons: dict[str, Button] = {}
        self.keys: dict[tuple[int, bool], Callable[[], None]] = {}
        self._pressed: str | None = None
        self.t = 0.0
        self.hover_time = 0.0
        self._hover_id: str | None = None

    @property
    def theme(self) -> T.Theme:
        return self.app.theme

    # --- widget building -------------------------------------------------------
    def rebuild(self) -> None:
        self.buttons = {}
        self.keys = {}
        self.build(self.app.screen.get_rect())

    def build(self, rect: pygame.Rect) -> None:  # override
        pass

    def add(self, button: Button, key: int | None = None, ctrl: bool = False) -> Button:
        self.buttons[button.id] = button
        if key is not None:
            self.keys[(key, ctrl)] = lambda b=button: self.click(b.id)
        return button

    def shortcut(self, key: int, fn: Callable[[], None], ctrl: bool = False) -> None:
        self.keys[(key, ctrl)] = fn

    def click(self, button_id: str) -> None:
        b = self.buttons.get(button_id)
        if b is not None and b.enabled and b.on_click is not None:
            self.app.sound("click")
            b.on_click()

    def button_at(self, pos) -> Button | None:
        for b in reversed(list(self.buttons.values())):
            if b.rect.collidepoint(pos):
                return b
        return None

    # --- life cycle -------------------------------------------------------------
    def enter(self) -> None:
        """Called when the scene becomes the top of the stack (first time or again)."""

    def leave(self) -> None:
        """Called when the scene is popped or covered."""

    def close(self) -> None:
        """Called when the scene is removed for good (and when the app quits)."""

    # --- input -------------------------------------------------------------------
    def handle(self, event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            b = self.button_at(event.pos)
            if b is not None:
                self._pressed = b.id
                return
            self.mouse_down(event)
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            pressed, self._pressed = self._pressed, None
            if pressed is not None:
                b = self.button_at(event.pos)
                if b is not None and b.id == pressed:
                    self.click(b.id)
                return
            self.mouse_up(event)
        elif event.type == pygame.MOUSEBUTTONDOWN:
            self.mouse_down(event)
        elif event.type == pygame.MOUSEBUTTONUP:
            self.mouse_up(event)
        elif event.type == pygame.MOUSEMOTION:
            self.mouse_move(event)
        elif event.type == pygame.MOUSEWHEEL:
            self.wheel(event)
        elif event.type == pygame.KEYDOWN:
            if self.key_down(event):
                return
            ctrl = bool(event.mod & (pygame.KMOD_CTRL | pygame.KMOD_META))
            fn = self.keys.get((event.key, ctrl))
            if fn is not None:
                fn()
        elif event.type == pygame.TEXTINPUT:
            self.text_input(event)

    def mouse_down(self, event) -> None: ...
    def mouse_up(self, event) -> None: ...
    def mouse_move(self, event) -> None: ...
    def wheel(self, event) -> None: ...
    def text_input(self, event) -> None: ...

    def key_down(self, event) -> bool:
        """Return True when the scene handled the key itself."""
        return False

    # --- frame -------------------------------------------------------------------
    def update(self, dt: float) -> None:
        self.t += dt
        b = self.button_at(self.app.mouse)
        hid = b.id if b else None
        if hid != self._hover_id:
            self._hover_id, self.hover_time = hid, 0.0
        else:
            self.hover_time += dt

    def draw(self, surf: pygame.Surface) -> None:
        surf.fill(T.BG)
        self.draw_content(surf)
        self.draw_buttons(surf)

    def draw_content(self, surf: pygame.Surface) -> None:  # override
        pass

    def draw_buttons(self, surf: pygame.Surface) -> None:
        for b in self.buttons.values():
            b.draw(surf, self.theme, b.id == self._hover_id and b.enabled)

    def tooltip(self) -> str | None:
        if self._hover_id and self.hover_time > 0.45:
            b = self.buttons.get(self._hover_id)
            if b is not None:
                return b.tip()
        return None

    # --- helpers -----------------------------------------------------------------
    def header(self, surf, title: str, subtitle: str = "") -> int:
        """The scene's title bar; returns the y below it."""
        th = self.theme
        h = th.px(64)
        pygame.draw.rect(surf, (24, 28, 37), (0, 0, surf.get_width(), h))
        pygame.draw.line(surf, T.BORDER, (0, h), (surf.get_width(), h))
        # the title and subtitle end before the first button drawn on the header
        right = min([b.rect.left for b in self.buttons.values() if b.rect.bottom <= h] or [surf.get_width()])
        room = right - th.px(24) - th.px(12)
        font = th.font(28, "bold")
        if font.size(title)[0] > room:
            font = th.font(22, "bold")
        r = draw_text(surf, title, font, T.TEXT, (th.px(24), h // 2), "midleft", width=room)
        if subtitle:
            rest = right - th.px(12) - (r.right + th.px(18))
            sub_font = th.font(18)
            if rest > sub_font.size(subtitle[:12])[0]:
                draw_text(surf, subtitle, sub_font, T.TEXT_DIM, (r.right + th.px(18), h // 2), "midleft",
                          width=rest)
        return h


class TextEntryScene(Scene):
    """A scene whose typing goes to one text field, `self.input` (a widgets.TextInput):
    every key but Escape, which stays with the scene's buttons (Back, Cancel)."""

    input = None

    def key_down(self, event) -> bool:
        if event.key == pygame.K_ESCAPE:
            return False
        return self.input.handle(event)

    def text_input(self, event) -> None:
        self.input.handle(event)
