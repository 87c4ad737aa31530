"""Procedural tile art: terrain, every object kind as a distinct shape, spawn
markers, zones and the agent. Everything is drawn at the cell size asked for, so
tiles stay crisp at any window size; drawn tiles are cached per size.

Shapes carry the meaning: each object kind's `look` in levels.world.KIND_TABLE
names its drawing in SHAPES (coin = disc with a rim, sensor = hexagon with a dial,
...); colour is a second cue, never the only one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pygame
import pygame.gfxdraw

from game.ui import theme as T
from levels import world
from levels.symbols import AGENT_SYMBOL, BUILTIN
from levels.model import LegendEntry, Obj

FACING_ANGLE = {0: -90, 1: 90, 2: 180, 3: 0}  # world.ACTIONS order: up, down, left, right

_cache: dict[tuple, pygame.Surface] = {}
_fonts: dict[int, pygame.font.Font] = {}


def _font(size: int) -> pygame.font.Font:
    """The bundled bold font at a pixel size (for labels drawn inside tiles)."""
    f = _fonts.get(size)
    if f is None:
        f = _fonts[size] = T.load_font("bold", size)
    return f


def entry_for(symbol: str, legend: dict[str, LegendEntry]) -> LegendEntry:
    """What a map symbol means (built-ins, then the file's legend; unknown = floor)."""
    e = legend.get(symbol) or BUILTIN.get(symbol)
    return e if e is not None else LegendEntry(symbol)


def _poly(surf, color, points):
    pts = [(int(round(x)), int(round(y))) for x, y in points]
    pygame.gfxdraw.filled_polygon(surf, pts, color)
    pygame.gfxdraw.aapolygon(surf, pts, color)


def _circle(surf, color, center, radius, width=0):
    x, y, r = int(center[0]), int(center[1]), max(1, int(radius))
    if width == 0:
        pygame.gfxdraw.filled_circle(surf, x, y, r, color)
        pygame.gfxdraw.aacircle(surf, x, y, r, color)
    else:
        pygame.draw.circle(surf, color, (x, y), r, width)


def _darker(c, f=0.6):
    return tuple(int(v * f) for v in c[:3])


def _lighter(c, f=0.45):
    return tuple(int(v + (255 - v) * f) for v in c[:3])


# --- terrain -----------------------------------------------------------------------

def _terrain(name: str, s: int) -> pygame.Surface:
    surf = pygame.Surface((s, s))
    if name == "wall":
        # a raised block: light top-left edge, dark bottom-right edge, one mortar line
        surf.fill(T.WALL)
        e = max(1, s // 14)
        pygame.draw.rect(surf, T.WALL_LIGHT, (0, 0, s, e))
        pygame.draw.rect(surf, T.WALL_LIGHT, (0, 0, e, s))
        pygame.draw.rect(surf, T.WALL_DARK, (0, s - e, s, e))
        pygame.draw.rect(surf, T.WALL_DARK, (s - e, 0, e, s))
        if s >= 16:
            pygame.draw.line(surf, T.WALL_DARK, (e, s // 2), (s - e, s // 2), max(1, s // 28))
            pygame.draw.line(surf, T.WALL_DARK, (s // 2, e), (s // 2, s // 2), max(1, s // 28))
    elif name == "lava":
        surf.fill(T.LAVA)
        amp = max(1, s // 12)
        for k in range(3):
            y0 = s * (k + 1) / 4
            pts = [(x, y0 + amp * math.sin(x / s * 2 * math.pi * 1.5 + k)) for x in range(0, s + 1, max(1, s // 12))]
            if len(pts) > 1:
                pygame.draw.lines(surf, T.LAVA_HI, False, pts, max(1, s // 16))
    elif name == "flowers":
        surf.fill(T.FLOWERS_BG)
        r = max(2, s // 10)
        for fx, fy in ((0.28, 0.3), (0.72, 0.35), (0.5, 0.72)):
            cx, cy = s * fx, s * fy
            for a in range(0, 360, 72):
                px = cx + r * 0.9 * math.cos(math.radians(a))
                py = cy + r * 0.9 * math.sin(math.radians(a))
                _circle(surf, T.PETAL, (px, py), r * 0.6)
            _circle(surf, (250, 220, 90), (cx, cy), r * 0.45)
    else:
        surf.fill(T.FLOOR)
        pygame.draw.rect(surf, T.FLOOR_LINE, (0, 0, s, s), max(1, s // 32))
    return surf


# --- objects -----------------------------------------------------------------------

def _disc(surf, s, cx, cy, rgb, edge, lw, year):
    """A disc with a rim (look "disc")."""
    _circle(surf, edge, (cx, cy), s * 0.34)
    _circle(surf, rgb, (cx, cy), s * 0.30)
    pygame.draw.circle(surf, _darker(rgb, 0.75), (int(cx), int(cy)), int(s * 0.19), lw)
    _circle(surf, _lighter(rgb, 0.6), (cx - s * 0.1, cy - s * 0.1), s * 0.05)


def _key(surf, s, cx, cy, rgb, edge, lw, year):
    """A bow and bit (look "key")."""
    bow = (cx - s * 0.17, cy)
    pygame.draw.line(surf, edge, (bow[0], cy), (cx + s * 0.34, cy), max(3, s // 7) + 2)
    pygame.draw.line(surf, rgb, (bow[0], cy), (cx + s * 0.33, cy), max(3, s // 7))
    for tx in (0.17, 0.29):
        pygame.draw.rect(surf, rgb, (cx + s * tx - s * 0.03, cy, s * 0.07, s * 0.15))
    _circle(surf, edge, bow, s * 0.19)
    _circle(surf, rgb, bow, s * 0.16)
    _circle(surf, (0, 0, 0, 0), bow, s * 0.07)
    pygame.draw.circle(surf, (0, 0, 0, 0), (int(bow[0]), int(bow[1])), max(1, int(s * 0.07)))


def _box(surf, s, cx, cy, rgb, edge, lw, year):
    """A box with a lid (look "box")."""
    box = pygame.Rect(0, 0, int(s * 0.7), int(s * 0.52))
    box.center = (int(cx), int(cy + s * 0.04))
    pygame.draw.rect(surf, edge, box.inflate(lw * 2, lw * 2), border_radius=max(1, s // 12))
    pygame.draw.rect(surf, rgb, box, border_radius=max(1, s // 14))
    lid_y = box.top + box.height * 0.38
    pygame.draw.line(surf, edge, (box.left, lid_y), (box.right, lid_y), max(2, lw))
    lock = pygame.Rect(0, 0, max(3, int(s * 0.12)), max(3, int(s * 0.16)))
    lock.center = (box.centerx, int(lid_y))
    pygame.draw.rect(surf, (250, 230, 150), lock)
    pygame.draw.rect(surf, edge, lock, 1)


def _diamond(surf, s, cx, cy, rgb, edge, lw, year):
    """A faceted diamond (look "diamond")."""
    top, mid, bot = cy - s * 0.34, cy - s * 0.08, cy + s * 0.36
    w = s * 0.36
    outline = [(cx - w * 0.55, top), (cx + w * 0.55, top), (cx + w, mid), (cx, bot), (cx - w, mid)]
    _poly(surf, edge, [(x + (1 if x > cx else -1) * lw, y + (lw if y == bot else -lw if y == top else 0))
                       for x, y in outline])
    _poly(surf, rgb, outline)
    _poly(surf, _lighter(rgb, 0.4), [(cx - w * 0.55, top), (cx + w * 0.55, top), (cx + w * 0.45, mid),
                                     (cx - w * 0.45, mid)])
    pygame.draw.aaline(surf, edge, (cx - w, mid), (cx + w, mid))


def _camera(surf, s, cx, cy, rgb, edge, lw, year):
    """A body and lens (look "camera")."""
    body = pygame.Rect(0, 0, int(s * 0.64), int(s * 0.42))
    body.center = (int(cx - s * 0.04), int(cy + s * 0.05))
    pygame.draw.rect(surf, edge, body.inflate(lw * 2, lw * 2), border_radius=max(1, s // 10))
    pygame.draw.rect(surf, rgb, body, border_radius=max(1, s // 12))
    _poly(surf, rgb, [(body.right, cy - s * 0.02), (cx + s * 0.42, cy - s * 0.14),
                      (cx + s * 0.42, cy + s * 0.24), (body.right, cy + s * 0.12)])
    pygame.draw.rect(surf, rgb, (body.left + s * 0.06, body.top - s * 0.1, s * 0.16, s * 0.1))
    _circle(surf, (20, 24, 32), (body.centerx, body.centery), s * 0.13)
    _circle(surf, (120, 200, 255), (body.centerx, body.centery), s * 0.07)
    _circle(surf, (230, 60, 60), (body.left + s * 0.08, body.top + s * 0.08), s * 0.04)


def _page(surf, s, cx, cy, rgb, edge, lw, year):
    """A page with its year (look "page")."""
    page = pygame.Rect(0, 0, int(s * 0.68), int(s * 0.66))
    page.center = (int(cx), int(cy + s * 0.04))
    pygame.draw.rect(surf, (245, 245, 240), page, border_radius=max(1, s // 14))
    band = pygame.Rect(page.left, page.top, page.width, max(2, int(page.height * 0.3)))
    pygame.draw.rect(surf, rgb, band, border_top_left_radius=max(1, s // 14),
                     border_top_right_radius=max(1, s // 14))
    pygame.draw.rect(surf, edge, page, lw, border_radius=max(1, s // 14))
    for rx in (0.3, 0.7):
        x = page.left + page.width * rx
        pygame.draw.line(surf, (40, 40, 48), (x, page.top - s * 0.06), (x, page.top + s * 0.07), max(2, lw))
    if year and s >= 18:
        f = _font(max(6, int(s * 0.22)))
        txt = f.render(str(year), True, (20, 20, 28))
        if txt.get_width() > page.width - 2:
            txt = pygame.transform.smoothscale(txt, (page.width - 2, txt.get_height()))
        surf.blit(txt, txt.get_rect(center=(page.centerx, band.bottom + (page.bottom - band.bottom) / 2)))


def _hexagon(surf, s, cx, cy, rgb, edge, lw, year):
    """A hexagon with a dial (look "hexagon")."""
    r = s * 0.34
    hexa = [(cx + r * math.cos(math.radians(a)), cy + r * math.sin(math.radians(a))) for a in range(30, 390, 60)]
    _poly(surf, edge, [(cx + (r + lw) * math.cos(math.radians(a)), cy + (r + lw) * math.sin(math.radians(a)))
                       for a in range(30, 390, 60)])
    _poly(surf, rgb, hexa)
    arc = pygame.Rect(0, 0, int(r * 1.2), int(r * 1.2))
    arc.center = (int(cx), int(cy + r * 0.2))
    pygame.draw.arc(surf, (30, 30, 38), arc, math.radians(20), math.radians(160), max(2, lw))
    pygame.draw.line(surf, (220, 40, 40), (cx, cy + r * 0.2), (cx + r * 0.4, cy - r * 0.3), max(2, lw))
    _circle(surf, (30, 30, 38), (cx, cy + r * 0.2), max(2, s * 0.05))


# The drawing of each `look` named in levels.world.KIND_TABLE.
SHAPES = {"disc": _disc, "key": _key, "box": _box, "diamond": _diamond, "camera": _camera,
          "page": _page, "hexagon": _hexagon}


def _object(kind: str, rgb, year: int, s: int, theme: T.Theme, letter: str) -> pygame.Surface:
    surf = pygame.Surface((s, s), pygame.SRCALPHA)
    cx = cy = s / 2
    edge = _darker(rgb, 0.45)
    lw = max(1, s // 18)
    SHAPES[world.KIND[kind].look](surf, s, cx, cy, rgb, edge, lw, year)
    if letter and s >= 24:
        f = _font(max(7, int(s * 0.2)))
        t = f.render(letter, True, (255, 255, 255))
        bg = pygame.Rect(0, 0, t.get_width() + 4, t.get_height())
        bg.bottomright = (s - 1, s - 1)
        pygame.draw.rect(surf, (0, 0, 0, 170), bg, border_radius=3)
        surf.blit(t, t.get_rect(center=bg.center))
    return surf




def object_surface(kind: str, color: str, year: int, s: int, theme: T.Theme) -> pygame.Surface:
    letter = T.COLOR_LETTER.get(color, "") if theme.colorblind else ""
    key = ("obj", kind, color, year, s, theme.colorblind)
    surf = _cache.get(key)
    if surf is None:
        surf = _object(kind, theme.obj_color(color), year, s, theme, letter)
        _remember(key, surf)
    return surf


def terrain_surface(name: str, s: int) -> pygame.Surface:
    key = ("ter", name, s)
    surf = _cache.get(key)
    if surf is None:
        surf = _terrain(name, s)
        _remember(key, surf)
    return surf


def _remember(key, surf):
    if len(_cache) > 600:
        _cache.clear()
    _cache[key] = surf


# --- the agent, spawns, zones ---------------------------------------------------------

def draw_agent(surf: pygame.Surface, rect: pygame.Rect, facing: int = 3, ghost: bool = False) -> None:
    """The agent: a round body with a pointed nose toward where it last moved, and an eye."""
    s = rect.width
    cx, cy = rect.centerx, rect.centery
    ang = math.radians(FACING_ANGLE.get(facing, 0))
    r = s * 0.3
    layer = pygame.Surface((s, s), pygame.SRCALPHA)
    lx, ly = s / 2, s / 2
    nose = [(lx + math.cos(ang) * r * 1.55, ly + math.sin(ang) * r * 1.55),
            (lx + math.cos(ang + 2.2) * r * 0.9, ly + math.sin(ang + 2.2) * r * 0.9),
            (lx + math.cos(ang - 2.2) * r * 0.9, ly + math.sin(ang - 2.2) * r * 0.9)]
    body = (235, 240, 250) if not ghost else (235, 240, 250, 150)
    edge = T.AGENT_EDGE if not ghost else (20, 24, 32, 150)
    _poly(layer, edge, [(x + math.cos(ang) * 1.5, y + math.sin(ang) * 1.5) for x, y in nose])
    _circle(layer, edge, (lx, ly), r + max(1, s // 20))
    _poly(layer, body, nose)
    _circle(layer, body, (lx, ly), r)
    ex, ey = lx + math.cos(ang) * r * 0.45, ly + math.sin(ang) * r * 0.45
    _circle(layer, (30, 120, 220) if not ghost else (30, 120, 220, 150), (ex, ey), max(2, r * 0.32))
    surf.blit(layer, (cx - s / 2, cy - s / 2))


def _dashed_rect(surf, color, rect: pygame.Rect, width: int, dash: int) -> None:
    x0, y0, x1, y1 = rect.left, rect.top, rect.right - 1, rect.bottom - 1
    for a, b, horiz, fixed in ((x0, x1, True, y0), (x0, x1, True, y1), (y0, y1, False, x0), (y0, y1, False, x1)):
        p = a
        while p < b:
            q = min(b, p + dash)
            if horiz:
                pygame.draw.line(surf, color, (p, fixed), (q, fixed), width)
            else:
                pygame.draw.line(surf, color, (fixed, p), (fixed, q), width)
            p += dash * 2


def draw_spawn(surf: pygame.Surface, rect: pygame.Rect, what: Obj | None, theme: T.Theme,
               count: int = 1, symbol: str = "") -> None:
    """A spawn cell: a dashed outline, a faded copy of what may appear here, and a '?'."""
    s = rect.width
    inner = rect.inflate(-max(2, s // 10), -max(2, s // 10))
    if what is None:
        draw_agent(surf, inner, 3, ghost=True)
    else:
        ghost = object_surface(what.kind, what.color, what.year, inner.width, theme).copy()
        ghost.set_alpha(140)
        surf.blit(ghost, inner.topleft)
    _dashed_rect(surf, (255, 255, 255), inner, max(1, s // 22), max(3, s // 8))
    if s >= 20:
        f = _font(max(7, int(s * 0.26)))
        label = "?" if count <= 1 else f"?{count}"
        t = f.render(label, True, (255, 255, 255))
        bg = pygame.Rect(0, 0, t.get_width() + 4, t.get_height())
        bg.topleft = (inner.left + 1, inner.top + 1)
        pygame.draw.rect(surf, (10, 60, 110), bg, border_radius=3)
        surf.blit(t, t.get_rect(center=bg.center))


def draw_zone(surf: pygame.Surface, rect: pygame.Rect) -> None:
    """A zone (invisible to the agent): a subtle diagonal hatch, editor only."""
    s = rect.width
    key = ("zone", s)
    layer = _cache.get(key)
    if layer is None:
        layer = pygame.Surface((s, s), pygame.SRCALPHA)
        step = max(4, s // 5)
        for k in range(-s, s, step):
            pygame.draw.line(layer, (140, 220, 255, 90), (k, s), (k + s, 0), max(1, s // 24))
        pygame.draw.rect(layer, (140, 220, 255, 110), (0, 0, s, s), 1)
        _remember(key, layer)
    surf.blit(layer, rect.topleft)


# --- whole maps ----------------------------------------------------------------------

@dataclass
class Grid:
    """Where a map is drawn: top-left corner, cell size, and size in cells."""
    x: int
    y: int
    cell: int
    rows: int
    cols: int

    def rect(self, r: int, c: int) -> pygame.Rect:
        return pygame.Rect(self.x + c * self.cell, self.y + r * self.cell, self.cell, self.cell)

    def cell_at(self, pos) -> tuple[int, int] | None:
        c = (pos[0] - self.x) // self.cell
        r = (pos[1] - self.y) // self.cell
        if 0 <= r < self.rows and 0 <= c < self.cols:
            return int(r), int(c)
        return None

    @property
    def bounds(self) -> pygame.Rect:
        return pygame.Rect(self.x, self.y, self.cols * self.cell, self.rows * self.cell)


def fit_grid(area: pygame.Rect, rows: int, cols: int, max_cell: int = 96) -> Grid:
    """The largest whole-pixel cell size that fits the map in `area`, centred."""
    cell = max(4, min(max_cell, area.width // max(1, cols), area.height // max(1, rows)))
    x = area.x + (area.width - cell * cols) // 2
    y = area.y + (area.height - cell * rows) // 2
    return Grid(x, y, cell, rows, cols)


def draw_cell(surf: pygame.Surface, rect: pygame.Rect, entry: LegendEntry, symbol: str,
              theme: T.Theme, editor: bool = True, show_agent: bool = True) -> None:
    surf.blit(terrain_surface(entry.terrain, rect.width), rect.topleft)
    if entry.object is not None:
        o = entry.object
        surf.blit(object_surface(o.kind, o.color, o.year, rect.width, theme), rect.topleft)
    elif entry.spawn is not None or entry.spawn_agent:
        draw_spawn(surf, rect, entry.spawn, theme, entry.count)
    if symbol == AGENT_SYMBOL and show_agent:
        draw_agent(surf, rect, 3)
    if editor and entry.zone:
        draw_zone(surf, rect)


def draw_map(surf: pygame.Surface, area: pygame.Rect, rows: list[str], legend: dict[str, LegendEntry],
             theme: T.Theme, editor: bool = True, max_cell: int = 96, show_agent: bool = True) -> Grid:
    """Draw a level's map as written (symbols) into `area`; returns the grid geometry."""
    n_rows = len(rows)
    n_cols = max((len(r) for r in rows), default=0)
    grid = fit_grid(area, n_rows, n_cols, max_cell)
    for r, row in enumerate(rows):
        for c, ch in enumerate(row):
            draw_cell(surf, grid.rect(r, c), entry_for(ch, legend), ch, theme, editor, show_agent)
    return grid


def draw_terrain_grid(surf: pygame.Surface, grid: Grid, terrain) -> None:
    """Terrain from a compiled int8[H, W] array (world.TERRAIN codes)."""
    from levels.world import TERRAIN
    for r in range(grid.rows):
        for c in range(grid.cols):
            surf.blit(terrain_surface(TERRAIN[int(terrain[r][c])], grid.cell), grid.rect(r, c).topleft)


def draw_world(surf: pygame.Surface, area: pygame.Rect, terrain, objects, agent, facing: int,
               theme: T.Theme, max_cell: int = 96, trail=None) -> Grid:
    """A level in play: terrain int8[H, W], objects [(kind id, colour id, year, r, c)],
    the agent's cell and facing. `trail` is an optional list of cells drawn faintly."""
    from levels.world import COLORS, KINDS
    H, W = len(terrain), len(terrain[0])
    grid = fit_grid(area, H, W, max_cell)
    draw_terrain_grid(surf, grid, terrain)
    if trail:
        dot = max(2, grid.cell // 8)
        for (r, c) in trail:
            pygame.draw.circle(surf, (120, 200, 255), grid.rect(r, c).center, dot)
    for kind, color, year, r, c in objects:
        if 0 <= r < H and 0 <= c < W:
            surf.blit(object_surface(KINDS[kind], COLORS[color], year, grid.cell, theme), grid.rect(r, c).topleft)
    if agent is not None and 0 <= agent[0] < H and 0 <= agent[1] < W:
        draw_agent(surf, grid.rect(*agent), facing)
    return grid


def reset_caches() -> None:
    """Forget cached fonts and tiles (after pygame.quit, fonts are invalid)."""
    _cache.clear()
    _fonts.clear()
