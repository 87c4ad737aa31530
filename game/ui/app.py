"""The window: the pygame loop, the scene stack, messages and dialogs.

`App(size, headless=True)` makes a window on SDL's dummy driver for tests;
`app.step(events)` runs one frame (pygame's queue plus the given events),
`app.run_frames(n)` runs n, `app.screenshot(path)` saves the window as PNG,
`app.click(pos)` / `app.key(key)` post real pygame events and run a frame.
Any exception in a scene is caught, logged to the data folder and shown as a
message: the window never crashes on a broken file.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

import pygame

from game.progress import Progress, data_dir, load_progress, save_progress
from game.ui import sound
from game.ui import theme as T
from game.ui import flow
from game.ui.audit import AUDIT
from game.ui.scene import Scene
from game.ui.widgets import draw_tooltip, wrap

FPS = 60


class App:
    def __init__(self, size: tuple[int, int] = (1280, 800), headless: bool = False,
                 warmup: bool = True, start: Scene | None = None, title_scene: bool = True):
        if headless:
            os.environ["SDL_VIDEODRIVER"] = "dummy"
            os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        self.headless = headless
        # The learner runs in a worker thread and releases the GIL inside numba; a short
        # switch interval lets it take the GIL back quickly between iterations while
        # this thread draws (the default 5 ms costs it a large share of its speed).
        sys.setswitchinterval(0.001)
        pygame.init()
        from game.ui import tiles
        tiles.reset_caches()
        pygame.display.set_caption("Mesa Lab")
        self.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        try:
            pygame.key.start_text_input()
        except pygame.error:
            pass
        self.progress: Progress = load_progress()
        s = self.progress.settings
        self.theme = T.Theme(size, s.presenter, s.colorblind)
        self.stack: list[Scene] = []
        self.clock = pygame.time.Clock()
        self.mouse = (0, 0)
        self.running = True
        self.toasts: list[tuple[str, str, float]] = []  # (text, kind, expires at)
        self.errors: list[str] = []  # tracebacks caught this session (tests assert on it)
        self.frame_ms: list[float] = []
        self.now = 0.0
        self._size = size
        self.sounds = sound.Sounds(enabled=s.sound and not headless)
        if self.progress.notice:
            self.toast(self.progress.notice, "warn", 10)
        if start is not None:
            self.push(start)
        elif title_scene:
            if warmup:
                self.go("warmup", then=lambda: flow.make(self, "title"))
            else:
                self.go("title")

    # --- the stack -----------------------------------------------------------------
    @property
    def top(self) -> Scene | None:
        return self.stack[-1] if self.stack else None

    def push(self, scene: Scene) -> Scene:
        if self.top is not None:
            self._safe(self.top.leave)
        self.stack.append(scene)
        self._safe(scene.rebuild)
        self._safe(scene.enter)
        return scene

    def pop(self) -> Scene | None:
        if not self.stack:
            return None
        scene = self.stack.pop()
        self._safe(scene.leave)
        self._safe(scene.close)
        if self.top is not None:
            self._safe(self.top.rebuild)
            self._safe(self.top.enter)
        return scene

    def replace(self, scene: Scene) -> Scene:
        if self.stack:
            old = self.stack.pop()
            self._safe(old.leave)
            self._safe(old.close)
        self.stack.append(scene)
        self._safe(scene.rebuild)
        self._safe(scene.enter)
        return scene

    def pop_to(self, cls) -> None:
        """Pop scenes until one of type cls is on top (or one scene is left)."""
        while len(self.stack) > 1 and not isinstance(self.top, cls):
            self.pop()

    def find(self, cls):
        for s in reversed(self.stack):
            if isinstance(s, cls):
                return s
        return None

    # --- the flow (game/ui/flow.py knows the scene classes) ------------------------------
    def go(self, name: str, *args, **kw) -> Scene:
        """Open the scene called name (flow.SCENES) on top."""
        return flow.go(self, name, *args, **kw)

    def next_step(self, scene: Scene) -> Scene:
        """Open the chapter step after scene."""
        return flow.next_step(self, scene)

    def back_to(self, name: str) -> None:
        flow.back_to(self, name)

    def next_chapter(self, entry_id: str | None) -> None:
        flow.next_chapter(self, entry_id)

    def has_next_chapter(self, entry_id: str | None) -> bool:
        return flow.has_next_chapter(self, entry_id)

    def ask(self, title: str, text: str, yes: str, on_yes) -> None:
        """A yes/no question over the current scene (Enter = yes, Escape = no)."""
        self.go("confirm", title, text, yes, on_yes)

    # --- settings and messages --------------------------------------------------------
    def apply_settings(self) -> None:
        s = self.progress.settings
        self.theme.set(presenter=s.presenter, colorblind=s.colorblind)
        self.theme.resize(self.screen.get_size())
        self.sounds.enabled = s.sound and not self.headless
        for scene in self.stack:
            self._safe(scene.rebuild)

    def save_progress(self) -> None:
        try:
            save_progress(self.progress)
        except OSError as exc:
            self.toast(f"Could not save your progress: {exc}", "bad")

    def toast(self, text: str, kind: str = "info", seconds: float = 4.0) -> None:
        self.toasts.append((text, kind, self.now + seconds))

    def show_error(self, title: str, text: str) -> None:
        self.go("message", title, text)

    def sound(self, name: str) -> None:
        self.sounds.play(name)

    def _safe(self, fn, *args):
        try:
            return fn(*args)
        except Exception as exc:  # noqa: BLE001 - the window must not crash
            self._caught(exc)
            return None

    def _caught(self, exc: BaseException) -> None:
        trace = traceback.format_exc()
        if self.errors and self.errors[-1] == trace:
            return  # the same failure every frame: report it once
        self.errors.append(trace)
        try:
            with open(data_dir() / "ui-errors.log", "a", encoding="utf-8") as f:
                f.write(time.strftime("%Y-%m-%d %H:%M:%S ") + trace + "\n")
        except OSError:
            pass
        self.toast(f"Something went wrong: {type(exc).__name__}: {exc} (details in ui-errors.log)",
                   "bad", 8)

    # --- the frame ---------------------------------------------------------------------
    def dispatch(self, event) -> None:
        if event.type == pygame.QUIT:
            self.running = False
            return
        if event.type == pygame.VIDEORESIZE:
            self.resize(event.size)
            return
        if event.type in (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            self.mouse = event.pos
        if event.type == pygame.KEYDOWN and event.key == pygame.K_F11:
            pygame.display.toggle_fullscreen()
            return
        if self.top is not None:
            self._safe(self.top.handle, event)

    def resize(self, size) -> None:
        size = (max(640, size[0]), max(420, size[1]))
        if not pygame.display.get_surface() or pygame.display.get_surface().get_size() != tuple(size):
            self.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        else:
            self.screen = pygame.display.get_surface()
        self.theme.resize(size)
        for scene in self.stack:
            self._safe(scene.rebuild)

    def step(self, events=(), dt: float | None = None) -> bool:
        """One frame: events, update, draw, flip. Returns False once the window should close."""
        t0 = time.perf_counter()
        for e in pygame.event.get():
            self.dispatch(e)
        for e in events:
            self.dispatch(e)
        if dt is None:
            dt = 1.0 / FPS
        self.now += dt
        top = self.top
        if top is not None:
            self._safe(top.update, dt)
        self.draw()
        pygame.display.flip()
        self.frame_ms.append((time.perf_counter() - t0) * 1000.0)
        if len(self.frame_ms) > 20000:
            del self.frame_ms[:10000]
        return self.running and bool(self.stack)

    def draw(self) -> None:
        surf = self.screen
        start = len(self.stack) - 1
        while start > 0 and not self.stack[start].opaque:
            start -= 1
        if not self.stack:
            surf.fill(T.BG)
        for scene in self.stack[max(0, start):]:
            if scene is self.top:
                AUDIT.begin(scene.name)
            self._safe(scene.draw, surf)
        AUDIT.end()
        top = self.top
        tip = self._safe(top.tooltip) if top is not None else None
        if tip:
            draw_tooltip(surf, self.theme, tip, self.mouse)
        self._draw_toasts(surf)

    def _draw_toasts(self, surf) -> None:
        """Messages stack down from under the title bar at the right: never over the
        bottom row, where each scene keeps its main button."""
        self.toasts = [t for t in self.toasts if t[2] > self.now]
        th = self.theme
        y = th.px(64) + th.px(10)
        font = th.font(17)
        width = min(th.px(560), surf.get_width() - th.px(40))
        for text, kind, _ in reversed(self.toasts[-4:]):
            lines = wrap(text, font, width - th.px(24))
            h = len(lines) * font.get_linesize() + th.px(16)
            rect = pygame.Rect(0, 0, width, h)
            rect.topright = (surf.get_width() - th.px(16), y)
            color = {"bad": T.BAD, "warn": T.WARN, "good": T.GOOD}.get(kind, T.ACCENT)
            pygame.draw.rect(surf, (14, 16, 22), rect, border_radius=th.px(8))
            pygame.draw.rect(surf, color, rect, 2, border_radius=th.px(8))
            pygame.draw.rect(surf, color, (rect.x, rect.y, th.px(6), rect.height),
                             border_top_left_radius=th.px(8), border_bottom_left_radius=th.px(8))
            ty = rect.y + th.px(8)
            for line in lines:
                surf.blit(font.render(line, True, T.TEXT), (rect.x + th.px(16), ty))
                ty += font.get_linesize()
            y = rect.bottom + th.px(8)

    # --- running ---------------------------------------------------------------------------
    def run(self) -> int:
        while True:
            dt = self.clock.tick(FPS) / 1000.0
            if not self.step(dt=min(dt, 0.1)):
                break
        self.quit()
        return 0

    def run_frames(self, n: int, dt: float | None = None) -> None:
        for _ in range(n):
            self.step(dt=dt)

    def run_until(self, predicate, timeout: float = 60.0, dt: float | None = None) -> bool:
        """Run frames until predicate() is true or timeout seconds of real time pass."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.step(dt=dt)
            if predicate():
                return True
            time.sleep(0.002)
        return False

    def quit(self) -> None:
        while self.stack:
            scene = self.stack.pop()
            self._safe(scene.leave)
            self._safe(scene.close)
        pygame.quit()

    # --- test helpers (real pygame events through the queue) -----------------------------
    def post_click(self, pos, button: int = 1) -> None:
        pos = (int(pos[0]), int(pos[1]))
        pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button))

    def click(self, pos, button: int = 1) -> None:
        self.post_click(pos, button)
        self.step()

    def click_button(self, button_id: str) -> None:
        """Click a button of the top scene by its id (at its centre, through the queue)."""
        b = self.top.buttons[button_id]
        self.click(b.rect.center)

    def drag(self, points, button: int = 1) -> None:
        pts = [(int(x), int(y)) for x, y in points]
        btns = (1, 0, 0) if button == 1 else (0, 0, 1)
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pts[0], button=button))
        for p in pts[1:]:
            pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=p, rel=(0, 0), buttons=btns))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pts[-1], button=button))
        self.step()

    def key(self, key: int, mod: int = 0, unicode: str = "") -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=unicode, scancode=0))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode=unicode, scancode=0))
        self.step()

    def type_text(self, text: str) -> None:
        pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=text))
        self.step()

    def screenshot(self, path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(self.screen, str(path))
        return path
