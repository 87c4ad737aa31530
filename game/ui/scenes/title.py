"""Title and chapter select: the campaign's chapters with their stars and lock
state, the sandbox, settings and quit."""

from __future__ import annotations

import os

import pygame

from game.ui import theme as T
from game.ui.audit import AUDIT
from game.ui.scene import Scene
from game.ui.state import PlayState, chapter_entries, sandbox_file
from game.ui.widgets import Button, draw_star, draw_text, fit_font, panel

STAR_NAMES = ("passed", "budget", "prediction")


class TitleScene(Scene):
    title = "Mesa Lab"
    name = "title"

    def __init__(self, app):
        super().__init__(app)
        self.entries, self.stand_in = chapter_entries()
        self.selected = 0
        self.cards: list[tuple[pygame.Rect, int]] = []
        self.first = 0  # the first chapter card shown (the list scrolls with the selection)
        self.hidden = (0, 0)  # chapters above and below the visible cards

    def unlocked(self, i: int) -> bool:
        if i == 0 or os.environ.get("MESA_LAB_UNLOCK") or self.app.progress.settings.unlock_all:
            return True
        prev = self.entries[i - 1]
        cp = self.app.progress.chapters.get(prev.id)
        return cp is not None and (cp.runs > 0 or bool(cp.stars))

    def build(self, rect):
        th = self.theme
        m = th.px(40)
        side_w = min(th.px(300), rect.width // 4)
        top = th.px(190)
        side = pygame.Rect(rect.right - m - side_w, top, side_w, th.px(60))
        bh, gap = th.px(58), th.px(14)
        specs = [("sandbox", "Sandbox", self.open_sandbox, "S", "Every tile, no budget, any level file", pygame.K_s),
                 ("settings", "Settings", self.open_settings, "F2", "Presenter mode, colours, speed, sound",
                  pygame.K_F2),
                 ("quit", "Quit", self.ask_quit, "Esc", "Close Mesa Lab (asks first; your progress is saved)",
                  pygame.K_ESCAPE)]
        for i, (bid, label, fn, sc, tip, key) in enumerate(specs):
            r = pygame.Rect(side.x, side.y + i * (bh + gap), side_w, bh)
            self.add(Button(bid, label, r, fn, sc, tip, style="danger" if bid == "quit" else "normal", size=22),
                     key)
        # chapter cards: as many as fit at a readable height; the list follows the selection
        list_rect = pygame.Rect(m, top, side.x - 2 * m, rect.height - top - m)
        n = max(1, len(self.entries))
        gap = th.px(10)
        ch = max(th.px(56), min(th.px(84), (list_rect.height - (n - 1) * gap) // n))
        fit = max(1, (list_rect.height + gap) // (ch + gap))
        if fit < n:  # room for the "more" lines above and below
            fit = max(1, (list_rect.height - th.px(44) + gap) // (ch + gap))
        self.first = max(0, min(self.selected - fit // 2, len(self.entries) - fit))
        shown = range(self.first, min(len(self.entries), self.first + fit))
        self.hidden = (self.first, len(self.entries) - shown.stop)
        y = list_rect.y + (th.px(22) if self.hidden[0] else 0)
        self.cards = []
        for i in shown:
            r = pygame.Rect(list_rect.x, y, list_rect.width, ch)
            y += ch + gap
            self.cards.append((r, i))
            self.add(Button(f"chapter:{i}", "", r, lambda i=i: self.open_chapter(i), "Enter",
                            self._tip(i), style="ghost"))
        self.list_rect = list_rect
        self.shortcut(pygame.K_UP, lambda: self._move(-1))
        self.shortcut(pygame.K_DOWN, lambda: self._move(1))
        self.shortcut(pygame.K_PAGEUP, lambda: self._move(-fit))
        self.shortcut(pygame.K_PAGEDOWN, lambda: self._move(fit))
        self.shortcut(pygame.K_RETURN, lambda: self.open_chapter(self.selected))
        self.shortcut(pygame.K_KP_ENTER, lambda: self.open_chapter(self.selected))

    def _tip(self, i: int) -> str:
        e = self.entries[i]
        if e.error:
            return "This chapter file has problems: click to see them"
        if not self.unlocked(i):
            return "Locked: play the chapter before it first, or turn on Workshop mode in Settings"
        return f"Open '{e.title}'"

    def _move(self, d: int) -> None:
        if self.entries:
            if abs(d) > 1:
                self.selected = max(0, min(len(self.entries) - 1, self.selected + d))
            else:
                self.selected = (self.selected + d) % len(self.entries)
            self.rebuild()

    def wheel(self, event) -> None:
        self._move(-event.y)

    # --- actions --------------------------------------------------------------------
    def open_chapter(self, i: int) -> None:
        if not self.entries:
            return
        self.selected = i
        e = self.entries[i]
        if e.error:
            self.app.show_error(f"Chapter file has problems: {e.path.name}", e.error)
            return
        if not self.unlocked(i) and not (pygame.key.get_mods() & pygame.KMOD_SHIFT):
            self.app.toast("Locked: play the chapter before it first, or turn on Workshop mode "
                           "(all chapters open) in Settings (F2).", "warn", 6)
            return
        from levels.load import load
        from levels.errors import LevelFormatError
        try:
            lf = load(e.path)
        except LevelFormatError as exc:
            self.app.show_error(f"Chapter file has problems: {e.path.name}", str(exc))
            return
        self.app.go("briefing", PlayState(lf, e))

    def open_sandbox(self) -> None:
        self.app.go("editor", PlayState(sandbox_file(), sandbox=True))

    def open_settings(self) -> None:
        self.app.go("settings")

    def ask_quit(self) -> None:
        self.app.ask("Quit Mesa Lab?", "Your progress and designs are saved.", "Quit", self.quit)

    def quit(self) -> None:
        self.app.running = False

    # --- drawing --------------------------------------------------------------------------
    def draw_content(self, surf):
        th = self.theme
        m = th.px(40)
        w = surf.get_width() - 2 * m
        draw_text(surf, "Mesa Lab", th.font(60, "bold"), T.TEXT, (m, th.px(36)))
        tag = "Design the training. Train a real agent. Find out what it actually learned."
        draw_text(surf, tag, fit_font(th, tag, w, 20, min_size=16), T.TEXT_DIM, (m + th.px(2), th.px(112)), width=w)
        sub = "Chapters" + ("  (example levels stand in until the campaign is installed)" if self.stand_in else "")
        draw_text(surf, sub, th.font(18, "bold"), T.ACCENT, (m, th.px(158)), width=self.list_rect.width)
        if not self.entries:
            draw_text(surf, "No chapter files found. Try the sandbox.", th.font(20), T.WARN, (m, th.px(200)))
        small = th.font(14, "bold")
        if self.hidden[0]:
            draw_text(surf, f"\u25b2 {self.hidden[0]} more above (Up, PgUp, wheel)", small, T.ACCENT,
                      (self.list_rect.x, self.list_rect.y))
        if self.hidden[1] and self.cards:
            draw_text(surf, f"\u25bc {self.hidden[1]} more below (Down, PgDn, wheel)", small, T.ACCENT,
                      (self.list_rect.x, self.cards[-1][0].bottom + th.px(6)))

    def draw_buttons(self, surf):
        th = self.theme
        for b in self.buttons.values():
            if not b.id.startswith("chapter:"):
                b.draw(surf, th, b.id == self._hover_id)
        for rect, i in self.cards:
            e = self.entries[i]
            hover = self._hover_id == f"chapter:{i}"
            sel = i == self.selected
            panel(surf, rect, th, T.PANEL_HI if (hover or sel) else T.PANEL, name=f"chapter card {i}")
            AUDIT.record("control", f"chapter:{i}", rect)
            if sel:
                pygame.draw.rect(surf, T.ACCENT, rect, max(2, th.px(2)), border_radius=th.px(10))
            locked = not self.unlocked(i)
            num = "" if e.number is None else str(e.number)
            badge = pygame.Rect(rect.x + th.px(12), rect.y + th.px(10), rect.height - th.px(20), rect.height - th.px(20))
            pygame.draw.rect(surf, T.ACCENT_DARK if not locked else (50, 55, 66), badge, border_radius=th.px(8))
            if locked:
                self._lock(surf, badge)
            else:
                draw_text(surf, num or "-", th.font(24, "bold"), T.TEXT, badge.center, "center")
            tx = badge.right + th.px(16)
            stars_w = th.px(3 * 34 + 10)
            color = T.TEXT if not locked else T.TEXT_DIM
            if e.error:
                color = T.BAD
            room = rect.right - stars_w - tx - th.px(10)
            font = fit_font(th, e.title, room, 24, "bold", min_size=19)
            draw_text(surf, e.title, font, color, (tx, rect.centery - (th.px(10) if e.error else 0)), "midleft",
                      width=room)
            if e.error:
                draw_text(surf, "this file has problems - click to see them", th.font(15), T.BAD,
                          (tx, rect.centery + th.px(14)), "midleft", width=room)
            cp = self.app.progress.chapters.get(e.id)
            got = set(cp.stars) if cp else set()
            for k, name in enumerate(STAR_NAMES):
                cx = rect.right - stars_w + th.px(17) + k * th.px(34)
                draw_star(surf, (cx, rect.centery), th.px(13), name in got)

    def _lock(self, surf, badge):
        th = self.theme
        body = pygame.Rect(0, 0, badge.width * 0.5, badge.height * 0.38)
        body.midbottom = (badge.centerx, badge.bottom - badge.height * 0.2)
        shackle = pygame.Rect(0, 0, body.width * 0.7, body.height * 1.3)
        shackle.midbottom = (body.centerx, body.top + body.height * 0.5)
        pygame.draw.ellipse(surf, T.TEXT_DIM, shackle, max(2, th.px(3)))
        pygame.draw.rect(surf, T.TEXT_DIM, body, border_radius=th.px(3))
