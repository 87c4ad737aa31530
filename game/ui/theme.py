"""The look: colours, fonts and sizes, scaled to the window and to presenter mode.

One `Theme` object is shared by every scene. Sizes are given in "design pixels"
for a 1280x800 window and scaled with `theme.px(n)`; presenter mode multiplies
everything by 1.3 so it reads from the back of a room.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from levels import world

FONT_FILES = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "mono": "DejaVuSansMono.ttf",
}


def assets_dir() -> Path:
    """The bundled assets: game/assets/ in an installed wheel (pyproject.toml maps the
    top-level assets/ folder there), else the checkout's top-level assets/ folder."""
    game_dir = Path(__file__).resolve().parents[1]
    installed = game_dir / "assets"
    return installed if (installed / "fonts").is_dir() else game_dir.parent / "assets"


ASSETS = assets_dir()
FONT_DIR = ASSETS / "fonts"


def font_path(style: str = "regular") -> Path | None:
    """The bundled font file for a style, or None if it is missing (pygame's built-in
    font is then used)."""
    path = FONT_DIR / FONT_FILES.get(style, FONT_FILES["regular"])
    return path if path.is_file() else None


def load_font(style: str, pixels: int) -> pygame.font.Font:
    """The bundled font of a style at a pixel size; pygame's built-in font (drawn
    smaller, hence the 1.3) if the file is missing or unreadable."""
    path = font_path(style)
    if path is not None:
        try:
            return pygame.font.Font(str(path), pixels)
        except OSError:
            pass
    return pygame.font.Font(None, int(pixels * 1.3))

# --- the interface ------------------------------------------------------------
BG = (18, 21, 28)
PANEL = (30, 35, 46)
PANEL_HI = (42, 49, 64)
BORDER = (70, 80, 100)
TEXT = (236, 239, 244)
TEXT_DIM = (180, 189, 203)  # still dimmer than TEXT, but bright enough for a projector
ACCENT = (99, 179, 237)
ACCENT_DARK = (40, 90, 140)
GOOD = (110, 210, 140)
WARN = (245, 190, 80)
BAD = (240, 100, 100)
STAR = (250, 204, 21)

# --- terrain -------------------------------------------------------------------
FLOOR = (52, 58, 70)
FLOOR_LINE = (62, 69, 83)
WALL = (100, 108, 126)
WALL_DARK = (70, 76, 92)
WALL_LIGHT = (130, 138, 156)
LAVA = (214, 74, 36)
LAVA_HI = (255, 160, 60)
FLOWERS_BG = (48, 92, 58)
PETAL = (244, 170, 210)
AGENT = (240, 240, 245)
AGENT_EDGE = (20, 24, 32)

# Object colours in world.COLORS order.
OBJECT_COLORS = {
    "yellow": (250, 204, 21),
    "blue": (59, 130, 246),
    "red": (239, 68, 68),
    "green": (34, 197, 94),
    "grey": (170, 176, 188),
    "purple": (168, 85, 247),
}
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = {
    "yellow": (240, 228, 66),
    "blue": (0, 114, 178),
    "red": (213, 94, 0),
    "green": (0, 158, 115),
    "grey": (187, 187, 187),
    "purple": (204, 121, 167),
}
COLOR_LETTER = {"yellow": "Y", "blue": "B", "red": "R", "green": "G", "grey": "K", "purple": "P"}
assert set(OBJECT_COLORS) == set(world.COLORS)


class Theme:
    """Fonts and scale for the current window size and settings."""

    def __init__(self, size: tuple[int, int], presenter: bool = False, colorblind: bool = False):
        self.presenter = presenter
        self.colorblind = colorblind
        self._fonts: dict[tuple[str, int], pygame.font.Font] = {}
        self.resize(size)

    def resize(self, size: tuple[int, int]) -> None:
        w, h = size
        base = max(0.6, min(w / 1280, h / 800))
        self.scale = base * (1.3 if self.presenter else 1.0)

    def set(self, presenter: bool | None = None, colorblind: bool | None = None) -> None:
        if presenter is not None:
            self.presenter = presenter
        if colorblind is not None:
            self.colorblind = colorblind

    def px(self, n: float) -> int:
        return max(1, int(round(n * self.scale)))

    def font(self, size: float = 20, style: str = "regular") -> pygame.font.Font:
        """A bundled font at a design size (scaled); pygame's default as a fallback."""
        key = (style, self.px(size))
        f = self._fonts.get(key)
        if f is None:
            f = self._fonts[key] = load_font(style, key[1])
        return f

    def obj_color(self, name: str) -> tuple[int, int, int]:
        table = OKABE_ITO if self.colorblind else OBJECT_COLORS
        return table.get(name, (200, 200, 200))
