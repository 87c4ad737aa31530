"""Small widgets and text helpers: buttons (with shortcuts shown in tooltips),
tabs, a progress bar, a line chart, a value bar, wrapped text. Widgets only draw
and report clicks; scenes decide what a click means."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pygame

from game.ui import theme as T


# --- text ---------------------------------------------------------------------------

def wrap(text: str, font: pygame.font.Font, width: int) -> list[str]:
    """Greedy word wrap; blank lines in the text are kept as paragraph breaks."""
    out: list[str] = []
    for para in text.strip("\n").split("\n"):
        words = para.split()
        if not words:
            out.append("")
            continue
        line = words[0]
        for w in words[1:]:
            trial = f"{line} {w}"
            if font.size(trial)[0] <= width:
                line = trial
            else:
                out.append(line)
                line = w
        while font.size(line)[0] > width and len(line) > 4:  # one very long word
            cut = len(line) - 1
            while cut > 1 and font.size(line[:cut])[0] > width:
                cut -= 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def draw_text(surf, text: str, font, color, pos, anchor: str = "topleft") -> pygame.Rect:
    img = font.render(text, True, color)
    rect = img.get_rect(**{anchor: pos})
    surf.blit(img, rect)
    return rect


def draw_wrapped(surf, text: str, font, color, rect: pygame.Rect, line_gap: float = 1.25) -> int:
    """Draw wrapped text inside rect (clipped); returns the y just below the last line."""
    y = rect.top
    step = int(font.get_linesize() * line_gap / 1.15)
    for line in wrap(text, font, rect.width):
        if y + font.get_linesize() > rect.bottom:
            break
        if line:
            surf.blit(font.render(line, True, color), (rect.left, y))
        y += step
    return y


def fit_font(theme: T.Theme, text: str, width: int, size: float, style: str = "regular",
             min_size: float = 11) -> pygame.font.Font:
    """The largest font (down to min_size) in which text fits the width."""
    while size > min_size and theme.font(size, style).size(text)[0] > width:
        size -= 1
    return theme.font(size, style)


def panel(surf, rect: pygame.Rect, theme: T.Theme, color=T.PANEL, border=True) -> None:
    pygame.draw.rect(surf, color, rect, border_radius=theme.px(10))
    if border:
        pygame.draw.rect(surf, T.BORDER, rect, 1, border_radius=theme.px(10))


# --- buttons ------------------------------------------------------------------------

@dataclass
class Button:
    id: str
    label: str
    rect: pygame.Rect
    on_click: Callable[[], None] | None = None
    shortcut: str = ""           # shown in the tooltip, e.g. "Ctrl+Z"
    tooltip: str = ""
    enabled: bool = True
    selected: bool = False
    style: str = "normal"        # normal, primary, danger, ghost, tab
    size: float = 20
    icon: Callable | None = None  # draw(surf, rect) for icon buttons (palette)

    def tip(self) -> str:
        t = self.tooltip or self.label
        return f"{t}  ({self.shortcut})" if self.shortcut else t

    def draw(self, surf, theme: T.Theme, hover: bool) -> None:
        r = self.rect
        rad = theme.px(8)
        if self.style == "primary":
            bg = T.ACCENT if self.enabled else T.PANEL_HI
            fg = (10, 20, 30) if self.enabled else T.TEXT_DIM
            if hover and self.enabled:
                bg = (140, 205, 250)
        elif self.style == "danger":
            bg, fg = ((120, 40, 40) if not hover else (160, 55, 55)), T.TEXT
        elif self.style == "tab":
            bg = T.PANEL_HI if self.selected else (T.PANEL if not hover else (38, 44, 58))
            fg = T.TEXT if self.selected else T.TEXT_DIM
        else:
            bg = T.PANEL_HI if not hover else (58, 67, 86)
            if self.selected:
                bg = T.ACCENT_DARK
            fg = T.TEXT if self.enabled else (100, 106, 120)
        pygame.draw.rect(surf, bg, r, border_radius=rad)
        edge = T.ACCENT if (self.selected and self.style != "tab") else T.BORDER
        pygame.draw.rect(surf, edge, r, max(1, theme.px(2)) if self.selected else 1, border_radius=rad)
        if self.style == "tab" and self.selected:
            pygame.draw.rect(surf, T.ACCENT, (r.left + rad, r.bottom - theme.px(4), r.width - 2 * rad, theme.px(4)))
        if self.icon is not None:
            isz = min(r.height - theme.px(8), r.width - theme.px(8))
            irect = pygame.Rect(r.left + theme.px(4), r.top + (r.height - isz) // 2, isz, isz)
            self.icon(surf, irect)
            if self.label:
                font = fit_font(theme, self.label, r.width - isz - theme.px(14), self.size)
                draw_text(surf, self.label, font, fg, (irect.right + theme.px(6), r.centery), "midleft")
        else:
            font = fit_font(theme, self.label, r.width - theme.px(12), self.size,
                            "bold" if self.style == "primary" else "regular")
            draw_text(surf, self.label, font, fg, r.center, "center")


def draw_tooltip(surf, theme: T.Theme, text: str, pos) -> None:
    font = theme.font(16)
    img = font.render(text, True, T.TEXT)
    pad = theme.px(8)
    rect = img.get_rect()
    rect.inflate_ip(pad * 2, pad)
    rect.topleft = (pos[0] + theme.px(14), pos[1] + theme.px(18))
    sw, sh = surf.get_size()
    if rect.right > sw - 4:
        rect.right = sw - 4
    if rect.bottom > sh - 4:
        rect.bottom = pos[1] - theme.px(6)
    pygame.draw.rect(surf, (8, 10, 14), rect, border_radius=theme.px(6))
    pygame.draw.rect(surf, T.ACCENT, rect, 1, border_radius=theme.px(6))
    surf.blit(img, img.get_rect(center=rect.center))


# --- bars and charts ------------------------------------------------------------------

def progress_bar(surf, rect: pygame.Rect, frac: float, theme: T.Theme, color=T.ACCENT, label: str = "") -> None:
    frac = max(0.0, min(1.0, float(frac)))
    rad = rect.height // 2
    pygame.draw.rect(surf, (12, 14, 20), rect, border_radius=rad)
    if frac > 0:
        fill = rect.copy()
        fill.width = max(rect.height, int(rect.width * frac))
        pygame.draw.rect(surf, color, fill, border_radius=rad)
    pygame.draw.rect(surf, T.BORDER, rect, 1, border_radius=rad)
    if label:
        font = fit_font(theme, label, rect.width - 8, max(12, rect.height / theme.scale * 0.55), "bold")
        img = font.render(label, True, T.TEXT)
        shadow = font.render(label, True, (0, 0, 0))
        c = img.get_rect(center=rect.center)
        surf.blit(shadow, c.move(1, 1))
        surf.blit(img, c)


def value_bar(surf, rect: pygame.Rect, value: float, theme: T.Theme, color=T.ACCENT,
              lo: float = 0.0, hi: float = 1.0, text: str | None = None) -> None:
    """A horizontal bar with the number written on it, e.g. a probe rate 0-100 %."""
    pygame.draw.rect(surf, (12, 14, 20), rect, border_radius=theme.px(4))
    frac = 0.0 if hi == lo else (value - lo) / (hi - lo)
    frac = max(0.0, min(1.0, frac))
    if frac > 0:
        pygame.draw.rect(surf, color, (rect.x, rect.y, max(2, int(rect.width * frac)), rect.height),
                         border_radius=theme.px(4))
    pygame.draw.rect(surf, T.BORDER, rect, 1, border_radius=theme.px(4))
    label = text if text is not None else f"{value * 100:.0f}%"
    font = fit_font(theme, label, rect.width - theme.px(12), max(12, rect.height / theme.scale * 0.55), "bold")
    img = font.render(label, True, T.TEXT)
    shadow = font.render(label, True, (0, 0, 0))
    pos = img.get_rect(midleft=(rect.x + theme.px(6), rect.centery))
    surf.blit(shadow, pos.move(1, 1))
    surf.blit(img, pos)


def line_chart(surf, rect: pygame.Rect, ys: list[float], theme: T.Theme, title: str = "",
               lo: float | None = None, hi: float | None = None, color=T.GOOD, xlabel: str = "") -> None:
    """A simple learning curve: the series scaled into rect, with its range labelled."""
    panel(surf, rect, theme)
    small = theme.font(14)
    pad = theme.px(10)
    if title:
        draw_text(surf, title, theme.font(16, "bold"), T.TEXT, (rect.x + pad, rect.y + pad))
    plot = pygame.Rect(rect.x + theme.px(48), rect.y + theme.px(36), rect.width - theme.px(60),
                       rect.height - theme.px(60))
    if plot.width < 10 or plot.height < 10:
        return
    pygame.draw.rect(surf, (22, 26, 34), plot)
    vals = [float(v) for v in ys if v == v]
    if vals:
        lo_v = min(vals) if lo is None else lo
        hi_v = max(vals) if hi is None else hi
    else:
        lo_v, hi_v = (0.0 if lo is None else lo), (1.0 if hi is None else hi)
    if hi_v - lo_v < 1e-9:
        hi_v = lo_v + 1.0
    for frac in (0.0, 0.5, 1.0):
        y = plot.bottom - frac * plot.height
        pygame.draw.line(surf, (45, 52, 66), (plot.left, y), (plot.right, y))
        v = lo_v + frac * (hi_v - lo_v)
        draw_text(surf, f"{v:.2g}" if abs(v) < 100 else f"{v:.0f}", small, T.TEXT_DIM,
                  (plot.left - theme.px(6), y), "midright")
    if xlabel:
        draw_text(surf, xlabel, small, T.TEXT_DIM, (plot.centerx, plot.bottom + theme.px(4)), "midtop")
    if len(vals) >= 2:
        n = len(vals)
        pts = [(plot.left + i * plot.width / (n - 1),
                plot.bottom - (min(hi_v, max(lo_v, v)) - lo_v) / (hi_v - lo_v) * plot.height)
               for i, v in enumerate(vals)]
        pygame.draw.lines(surf, color, False, pts, max(2, theme.px(3)))
    elif len(vals) == 1:
        y = plot.bottom - (vals[0] - lo_v) / (hi_v - lo_v) * plot.height
        pygame.draw.circle(surf, color, (plot.left, int(y)), theme.px(4))


@dataclass
class TextInput:
    """A one-line text field (for a file path)."""
    rect: pygame.Rect
    text: str = ""
    focused: bool = True
    on_submit: Callable[[str], None] | None = None
    cursor_blink: float = 0.0

    def handle(self, event) -> bool:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self.focused = self.rect.collidepoint(event.pos)
            return self.focused
        if not self.focused:
            return False
        if event.type == pygame.TEXTINPUT:
            self.text += event.text
            return True
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_BACKSPACE:
                self.text = self.text[:-1]
                return True
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                if self.on_submit:
                    self.on_submit(self.text)
                return True
            if event.key == pygame.K_v and event.mod & pygame.KMOD_CTRL:
                try:
                    pasted = pygame.scrap.get_text() if hasattr(pygame, "scrap") else ""
                except Exception:  # noqa: BLE001 - clipboard is optional
                    pasted = ""
                self.text += pasted or ""
                return True
        return False

    def draw(self, surf, theme: T.Theme, t: float) -> None:
        pygame.draw.rect(surf, (12, 14, 20), self.rect, border_radius=theme.px(6))
        pygame.draw.rect(surf, T.ACCENT if self.focused else T.BORDER, self.rect, 2, border_radius=theme.px(6))
        font = theme.font(18, "mono")
        img = font.render(self.text, True, T.TEXT)
        pad = theme.px(8)
        clip = self.rect.inflate(-pad * 2, 0)
        x = clip.left if img.get_width() <= clip.width else clip.right - img.get_width()
        old = surf.get_clip()
        surf.set_clip(clip)
        surf.blit(img, (x, self.rect.centery - img.get_height() // 2))
        if self.focused and int(t * 2) % 2 == 0:
            cx = min(clip.right, x + img.get_width() + 2)
            pygame.draw.line(surf, T.TEXT, (cx, self.rect.top + pad), (cx, self.rect.bottom - pad), 2)
        surf.set_clip(old)


@dataclass
class Layout:
    """A cursor for stacking widgets: rows of buttons inside a rectangle."""
    rect: pygame.Rect
    gap: int
    y: int = field(init=False)

    def __post_init__(self):
        self.y = self.rect.top

    def take(self, height: int) -> pygame.Rect:
        r = pygame.Rect(self.rect.left, self.y, self.rect.width, height)
        self.y += height + self.gap
        return r

    def row(self, height: int, n: int) -> list[pygame.Rect]:
        r = self.take(height)
        w = (r.width - self.gap * (n - 1)) // n
        return [pygame.Rect(r.left + i * (w + self.gap), r.top, w, height) for i in range(n)]
