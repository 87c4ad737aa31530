"""Small widgets and shared drawing helpers: buttons (with their key drawn on
them), a progress bar, a line chart, a value bar, wrapped text, stars. Widgets
only draw and report clicks; scenes decide what a click means. Every widget
reports its rectangle (and whether its text fits) to the layout audit."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import pygame

from game.ui import theme as T
from game.ui.audit import AUDIT

ELLIPSIS = "\u2026"


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


def draw_text(surf, text: str, font, color, pos, anchor: str = "topleft",
              width: int | None = None) -> pygame.Rect:
    """One line of text. With a width, a line too long for it is cut with an
    ellipsis and reported to the audit as truncated."""
    fits = True
    if width is not None and font.size(text)[0] > width:
        fits = False
        text = elide(text, font, width)
    img = font.render(text, True, color)
    rect = img.get_rect(**{anchor: pos})
    surf.blit(img, rect)
    AUDIT.record("text", text, rect, fits)
    return rect


def elide(text: str, font, width: int) -> str:
    """text cut to fit width, ending in an ellipsis."""
    if font.size(text)[0] <= width:
        return text
    while text and font.size(text + ELLIPSIS)[0] > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def line_step(font, line_gap: float = 1.25) -> int:
    return int(font.get_linesize() * line_gap / 1.15)


def wrapped_height(text: str, font, width: int, line_gap: float = 1.25) -> int:
    """The height draw_wrapped needs for text at this width."""
    return len(wrap(text, font, width)) * line_step(font, line_gap)


def draw_wrapped(surf, text: str, font, color, rect: pygame.Rect, line_gap: float = 1.25) -> int:
    """Draw wrapped text inside rect; returns the y just below the last line. Text
    that does not fit is cut and reported to the audit (use a ScrollView for text
    that may be long)."""
    y = rect.top
    step = line_step(font, line_gap)
    lines = wrap(text, font, rect.width)
    for k, line in enumerate(lines):
        if y + font.get_linesize() > rect.bottom:
            AUDIT.record("text", lines[k - 1] if k else line, pygame.Rect(rect.left, y - step, rect.width, step),
                         False)
            break
        if line:
            img = font.render(line, True, color)
            surf.blit(img, (rect.left, y))
            AUDIT.record("text", line, img.get_rect(topleft=(rect.left, y)))
        y += step
    return y


def fit_font(theme: T.Theme, text: str, width: int, size: float, style: str = "regular",
             min_size: float = 11) -> pygame.font.Font:
    """The largest font (down to min_size) in which text fits the width (it may
    still not fit: callers elide and report it)."""
    while size > min_size and theme.font(size, style).size(text)[0] > width:
        size -= 1
    return theme.font(size, style)


def panel(surf, rect: pygame.Rect, theme: T.Theme, color=T.PANEL, border=True, name: str = "panel") -> None:
    pygame.draw.rect(surf, color, rect, border_radius=theme.px(10))
    if border:
        pygame.draw.rect(surf, T.BORDER, rect, 1, border_radius=theme.px(10))
    AUDIT.record("panel", name, rect)


def draw_star(surf, center, radius, filled: bool) -> None:
    """One of a chapter's three stars, filled when earned."""
    pts = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        r = radius if i % 2 == 0 else radius * 0.45
        pts.append((center[0] + r * math.cos(a), center[1] + r * math.sin(a)))
    if filled:
        pygame.draw.polygon(surf, T.STAR, pts)
    pygame.draw.polygon(surf, T.STAR if filled else (90, 96, 110), pts, max(1, int(radius / 6)))


def contrast_text(fill) -> tuple[int, int, int]:
    """Dark text on a light fill, light text on a dark one (WCAG relative luminance)."""
    def lin(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    lum = 0.2126 * lin(fill[0]) + 0.7152 * lin(fill[1]) + 0.0722 * lin(fill[2])
    return (12, 14, 20) if lum > 0.25 else T.TEXT


def _two_tone(surf, font, text: str, pos, fill_rect: pygame.Rect, fill_color, anchor="midleft") -> pygame.Rect:
    """Text over a bar: readable on the filled part and on the empty part (each
    part of the text gets the colour that contrasts with what is under it)."""
    light = font.render(text, True, T.TEXT)
    rect = light.get_rect(**{anchor: pos})
    old = surf.get_clip()
    surf.blit(font.render(text, True, (0, 0, 0)), rect.move(1, 1))
    surf.blit(light, rect)
    dark_col = contrast_text(fill_color)
    if dark_col != T.TEXT and fill_rect.width > 0:
        surf.set_clip(fill_rect.clip(old) if old else fill_rect)
        surf.blit(font.render(text, True, dark_col), rect)
        surf.set_clip(old)
    return rect


# --- buttons ------------------------------------------------------------------------

@dataclass
class Button:
    id: str
    label: str
    rect: pygame.Rect
    on_click: Callable[[], None] | None = None
    shortcut: str = ""           # drawn on the button and in the tooltip, e.g. "Ctrl+Z"
    tooltip: str = ""
    enabled: bool = True
    selected: bool = False
    style: str = "normal"        # normal, primary, danger, ghost, tab
    size: float = 20
    icon: Callable | None = None  # draw(surf, rect) for icon buttons (palette)
    show_key: bool = True         # draw the shortcut on the button

    def tip(self) -> str:
        t = self.tooltip or self.label
        return f"{t}  ({self.shortcut})" if self.shortcut else t

    def _colors(self, hover: bool):
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
            fg = T.TEXT if self.enabled else (120, 126, 140)
        return bg, fg

    def draw(self, surf, theme: T.Theme, hover: bool) -> None:
        r = self.rect
        rad = theme.px(8)
        bg, fg = self._colors(hover)
        pygame.draw.rect(surf, bg, r, border_radius=rad)
        edge = T.ACCENT if (self.selected and self.style != "tab") else T.BORDER
        pygame.draw.rect(surf, edge, r, max(1, theme.px(2)) if self.selected else 1, border_radius=rad)
        if self.style == "tab" and self.selected:
            pygame.draw.rect(surf, T.ACCENT, (r.left + rad, r.bottom - theme.px(4), r.width - 2 * rad, theme.px(4)))
        inner = r.inflate(-theme.px(12), 0)
        key = self.shortcut if (self.show_key and self.shortcut and self.style != "tab") else ""
        if key:
            # the key, in a small box at the right edge: the keyboard is visible without hovering
            kf = theme.font(12, "bold")
            kw, kh = kf.size(key)
            box = pygame.Rect(0, 0, kw + theme.px(8), kh + theme.px(2))
            box.midright = (r.right - theme.px(6), r.centery)
            room = box.left - theme.px(4) - inner.left - (r.height if self.icon is not None else 0)
            label_fits = not self.label or theme.font(self.size * 0.8).size(self.label)[0] <= room
            if box.width < r.width * 0.45 and label_fits:  # the label comes first; the key stays in the tooltip
                kc = (0, 0, 0) if self.style == "primary" and self.enabled else fg
                pygame.draw.rect(surf, kc, box, 1, border_radius=theme.px(4))
                surf.blit(kf.render(key, True, kc), kf.render(key, True, kc).get_rect(center=box.center))
                inner.width = box.left - theme.px(4) - inner.left
        if self.icon is not None:
            isz = min(r.height - theme.px(8), r.width - theme.px(8))
            irect = pygame.Rect(r.left + theme.px(4), r.top + (r.height - isz) // 2, isz, isz)
            self.icon(surf, irect)
            inner.width -= irect.right + theme.px(6) - inner.left
            inner.left = irect.right + theme.px(6)
            anchor, pos = "midleft", (inner.left, r.centery)
        else:
            anchor, pos = "center", inner.center
        fits = True
        if self.label:
            style = "bold" if self.style == "primary" else "regular"
            font = fit_font(theme, self.label, inner.width, self.size, style, min_size=self.size * 0.8)
            text = self.label
            if font.size(text)[0] > inner.width:
                fits = False
                text = elide(text, font, inner.width)
            draw_img = font.render(text, True, fg)
            surf.blit(draw_img, draw_img.get_rect(**{anchor: pos}))
        AUDIT.record("control", self.id, r, fits)


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
    rect.left = max(4, rect.left)
    if rect.bottom > sh - 4:
        rect.bottom = pos[1] - theme.px(6)
    pygame.draw.rect(surf, (8, 10, 14), rect, border_radius=theme.px(6))
    pygame.draw.rect(surf, T.ACCENT, rect, 1, border_radius=theme.px(6))
    surf.blit(img, img.get_rect(center=rect.center))


# --- bars and charts ------------------------------------------------------------------

def _bar_label(surf, theme, rect, label, fill: pygame.Rect, color, anchor: str, name: str) -> None:
    size = max(12, rect.height / theme.scale * 0.55)
    font = fit_font(theme, label, rect.width - theme.px(12), size, "bold", min_size=size * 0.8)
    fits = font.size(label)[0] <= rect.width - theme.px(12)
    if not fits:
        label = elide(label, font, rect.width - theme.px(12))
    pos = rect.center if anchor == "center" else (rect.x + theme.px(6), rect.centery)
    _two_tone(surf, font, label, pos, fill, color, anchor)
    AUDIT.record("block", name or label, rect, fits)


def progress_bar(surf, rect: pygame.Rect, frac: float, theme: T.Theme, color=T.ACCENT, label: str = "",
                 name: str = "") -> None:
    frac = max(0.0, min(1.0, float(frac)))
    rad = rect.height // 2
    pygame.draw.rect(surf, (12, 14, 20), rect, border_radius=rad)
    fill = pygame.Rect(rect.x, rect.y, 0, rect.height)
    if frac > 0:
        fill.width = max(rect.height, int(rect.width * frac))
        pygame.draw.rect(surf, color, fill, border_radius=rad)
    pygame.draw.rect(surf, T.BORDER, rect, 1, border_radius=rad)
    if label:
        _bar_label(surf, theme, rect, label, fill, color, "center", name)
    else:
        AUDIT.record("block", name or "progress bar", rect)


def value_bar(surf, rect: pygame.Rect, value: float, theme: T.Theme, color=T.ACCENT,
              lo: float = 0.0, hi: float = 1.0, text: str | None = None) -> None:
    """A horizontal bar with the number written on it, e.g. a probe rate 0-100 %;
    the number stays readable over the fill and over the empty part."""
    pygame.draw.rect(surf, (12, 14, 20), rect, border_radius=theme.px(4))
    frac = 0.0 if hi == lo else (value - lo) / (hi - lo)
    frac = max(0.0, min(1.0, frac))
    fill = pygame.Rect(rect.x, rect.y, 0, rect.height)
    if frac > 0:
        fill.width = max(2, int(rect.width * frac))
        pygame.draw.rect(surf, color, fill, border_radius=theme.px(4))
    pygame.draw.rect(surf, T.BORDER, rect, 1, border_radius=theme.px(4))
    label = text if text is not None else f"{value * 100:.0f}%"
    _bar_label(surf, theme, rect, label, fill, color, "midleft", label)


def centred_bar(surf, rect: pygame.Rect, value: float, theme: T.Theme, color, text: str) -> None:
    """A bar from -1 to +1 drawn out from its middle (a gap), with its text."""
    pygame.draw.rect(surf, (12, 14, 20), rect, border_radius=theme.px(4))
    mid = rect.centerx
    w = int(rect.width / 2 * max(-1.0, min(1.0, value)))
    fill = pygame.Rect(mid, rect.y, w, rect.height) if w >= 0 else pygame.Rect(mid + w, rect.y, -w, rect.height)
    pygame.draw.rect(surf, color, fill)
    pygame.draw.line(surf, T.TEXT, (mid, rect.y), (mid, rect.bottom))
    pygame.draw.rect(surf, T.BORDER, rect, 1, border_radius=theme.px(4))
    _bar_label(surf, theme, rect, text, fill, color, "midleft", text)


def line_chart(surf, rect: pygame.Rect, ys: list[float], theme: T.Theme, title: str = "",
               lo: float | None = None, hi: float | None = None, color=T.GOOD, xlabel: str = "") -> None:
    """A simple learning curve: the series scaled into rect, with its range labelled."""
    panel(surf, rect, theme, name=title or "chart")
    small = theme.font(14)
    pad = theme.px(10)
    if title:
        draw_text(surf, title, theme.font(16, "bold"), T.TEXT, (rect.x + pad, rect.y + pad),
                  width=rect.width - 2 * pad)
    plot = pygame.Rect(rect.x + theme.px(48), rect.y + theme.px(44), rect.width - theme.px(60),
                       rect.height - theme.px(68))
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
        AUDIT.record("control", "text field", self.rect)
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


def flow(x: int, y: int, width: int, widths: list[int], h: int, gap: int) -> tuple[list[pygame.Rect], int]:
    """Rectangles of the given widths laid left to right from (x, y), starting a new
    row when the width runs out (buttons wrap instead of running off the window).
    Returns the rectangles and the bottom of the last row."""
    out, cx, cy = [], x, y
    for w in widths:
        if cx > x and cx + w > x + width:
            cx, cy = x, cy + h + gap
        out.append(pygame.Rect(cx, cy, min(w, width), h))
        cx += w + gap
    return out, cy + h


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


# --- scrolling text ---------------------------------------------------------------------

class ScrollView:
    """Long text in a fixed rectangle. The wheel (over it), PgUp/PgDn and the arrow
    keys scroll it; a "more" marker at the bottom (and one at the top once scrolled)
    says there is text out of view. `draw` takes the blocks each frame:
    (text, font, color) for a paragraph, or an int for a gap in pixels."""

    def __init__(self, name: str):
        self.name = name
        self.offset = 0
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.content_h = 0
        self._key = None
        self._lines: list[tuple[int, str, object, tuple]] = []

    @property
    def max_offset(self) -> int:
        return max(0, self.content_h - self.rect.height)

    @property
    def more_below(self) -> bool:
        return self.offset < self.max_offset

    def scroll(self, dy: int) -> None:
        self.offset = max(0, min(self.max_offset, self.offset + int(dy)))

    def page(self, d: int) -> None:
        self.scroll(d * max(20, self.rect.height * 4 // 5))

    def handle(self, event, mouse=None) -> bool:
        """Scroll for a wheel event over the view or a scrolling key; True if used."""
        if event.type == pygame.MOUSEWHEEL:
            if mouse is None or self.rect.collidepoint(mouse):
                self.scroll(-event.y * max(20, self.rect.height // 8))
                return True
            return False
        if event.type == pygame.KEYDOWN and not event.mod & (pygame.KMOD_CTRL | pygame.KMOD_ALT):
            step = max(20, self.rect.height // 8)
            moves = {pygame.K_PAGEDOWN: self.rect.height * 4 // 5, pygame.K_PAGEUP: -self.rect.height * 4 // 5,
                     pygame.K_DOWN: step, pygame.K_UP: -step}
            if event.key in moves and self.max_offset > 0:
                self.scroll(moves[event.key])
                return True
        return False

    def _layout(self, blocks, width: int) -> None:
        key = (width, tuple((b if isinstance(b, int) else (b[0], id(b[1]), b[2])) for b in blocks))
        if key == self._key:
            return
        self._key = key
        self._lines = []
        y = 0
        for b in blocks:
            if isinstance(b, int):
                y += b
                continue
            text, font, color = b
            step = line_step(font)
            for line in wrap(text, font, width):
                self._lines.append((y, line, font, color))
                y += step
        self.content_h = y

    def draw(self, surf, theme: T.Theme, rect: pygame.Rect, blocks) -> None:
        self.rect = pygame.Rect(rect)
        self._layout(blocks, rect.width - theme.px(14))
        self.offset = max(0, min(self.max_offset, self.offset))
        old = surf.get_clip()
        surf.set_clip(rect.clip(old) if old else rect)
        for y, line, font, color in self._lines:
            yy = rect.y + y - self.offset
            if yy + font.get_linesize() < rect.top or yy > rect.bottom:
                continue
            if line:
                surf.blit(font.render(line, True, color), (rect.x, yy))
        surf.set_clip(old)
        if self.max_offset > 0:
            self._scrollbar(surf, theme, rect)
        # a view lower than its first line (or its pill) shows nothing useful: report it cut
        first = next((ln[2] for ln in self._lines), None)
        need = min(self.content_h, max(first.get_linesize() * 2 if self.max_offset else 0,
                                       first.get_linesize())) if first is not None else 0
        AUDIT.record("block", self.name, rect, rect.height >= need)

    def _scrollbar(self, surf, theme, rect) -> None:
        track = pygame.Rect(rect.right - theme.px(6), rect.y, theme.px(6), rect.height)
        pygame.draw.rect(surf, (12, 14, 20), track, border_radius=track.width // 2)
        h = max(theme.px(20), rect.height * rect.height // max(1, self.content_h))
        y = rect.y + (rect.height - h) * self.offset // max(1, self.max_offset)
        pygame.draw.rect(surf, T.ACCENT, (track.x, y, track.width, h), border_radius=track.width // 2)
        font = theme.font(13, "bold")
        for show, text, anchor, pos in (
                (self.offset > 0, "\u25b2 more (PgUp)", "topright", (track.left - theme.px(4), rect.top)),
                (self.more_below, "\u25bc more (PgDn)", "bottomright",
                 (track.left - theme.px(4), rect.bottom))):
            if not show:
                continue
            img = font.render(text, True, (10, 20, 30))
            pill = img.get_rect(**{anchor: pos}).inflate(theme.px(10), theme.px(4))
            pill.clamp_ip(rect)
            pygame.draw.rect(surf, T.ACCENT, pill, border_radius=theme.px(6))
            surf.blit(img, img.get_rect(center=pill.center))
