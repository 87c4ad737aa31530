"""File > Open for the sandbox: type a path (or pick a known level file) and open
it. A broken file shows its problems in a message, never a crash."""

from __future__ import annotations

from pathlib import Path

import pygame

from game.progress import designs_dir
from game.ui import theme as T
from game.ui.scene import TextEntryScene
from game.ui.state import ROOT, open_level_file
from game.ui.widgets import Button, TextInput, draw_text


def known_files() -> list[Path]:
    out: list[Path] = []
    for folder in (ROOT / "levels" / "chapters", ROOT / "levels" / "examples", ROOT / "agents" / "reference_levels",
                   designs_dir(), designs_dir() / "sandbox"):
        if folder.is_dir():
            out += sorted(folder.glob("*.toml"))
    return out


class OpenFileScene(TextEntryScene):
    title = "Open a level file"
    name = "openfile"

    def __init__(self, app, on_open):
        super().__init__(app)
        self.on_open = on_open
        self.files = known_files()
        self.input = TextInput(pygame.Rect(0, 0, 10, 10), "", True, self.open_path)
        self.first = 0       # the first known file shown (the list scrolls)
        self.hidden = (0, 0)  # files above and below the list

    def build(self, rect):
        th = self.theme
        m = th.px(40)
        self.input.rect = pygame.Rect(m, th.px(64) + th.px(70), rect.width - 2 * m - th.px(170), th.px(48))
        self.add(Button("open", "Open", pygame.Rect(self.input.rect.right + th.px(10), self.input.rect.y, th.px(160),
                                                    th.px(48)), lambda: self.open_path(self.input.text), "Enter",
                        "Open the file at this path", style="primary", size=20))
        self.add(Button("cancel", "Cancel", pygame.Rect(m, rect.bottom - th.px(70), th.px(160), th.px(50)),
                        self.app.pop, "Esc", "Back to the editor"), pygame.K_ESCAPE)
        y = self.input.rect.bottom + th.px(50) + th.px(20)
        h = th.px(38)
        fit = max(1, (rect.bottom - th.px(110) - y) // (h + th.px(6)))
        self.first = max(0, min(self.first, len(self.files) - fit))
        shown = range(self.first, min(len(self.files), self.first + fit))
        self.hidden = (self.first, len(self.files) - shown.stop)
        self.list_top, self.list_bottom = y - th.px(20), y + fit * (h + th.px(6))
        self.shortcut(pygame.K_PAGEDOWN, lambda: self.scroll(fit))
        self.shortcut(pygame.K_PAGEUP, lambda: self.scroll(-fit))
        for i in shown:
            f = self.files[i]
            try:
                label = str(f.relative_to(ROOT))
            except ValueError:
                label = str(f)
            self.add(Button(f"file:{i}", label, pygame.Rect(m, y, rect.width - 2 * m, h),
                            lambda f=f: self.open_path(str(f)), "", str(f), size=16, style="ghost"))
            y += h + th.px(6)

    def scroll(self, d: int) -> None:
        self.first = max(0, self.first + d)
        self.rebuild()

    def wheel(self, event) -> None:
        self.scroll(-event.y * 3)

    def open_path(self, text: str) -> None:
        text = text.strip().strip('"').strip("'")
        if not text:
            self.app.toast("Type the path of a .toml level file, or pick one below.", "warn")
            return
        lf, error = open_level_file(text)
        if lf is None:
            self.app.show_error(f"Cannot open {Path(text).name}", error)
            return
        self.app.pop()
        self.on_open(lf, Path(text).expanduser())

    def draw_content(self, surf):
        th = self.theme
        self.header(surf, "Open a level file", "sandbox")
        draw_text(surf, "Path to a .toml level file:", th.font(18), T.TEXT_DIM, (self.input.rect.x, self.input.rect.y - th.px(30)))
        self.input.draw(surf, th, self.t)
        draw_text(surf, "Or pick one (wheel or PgUp/PgDn to scroll):", th.font(18), T.TEXT_DIM,
                  (self.input.rect.x, self.input.rect.bottom + th.px(18)))
        small = th.font(14, "bold")
        if self.hidden[0]:
            draw_text(surf, f"\u25b2 {self.hidden[0]} more above", small, T.ACCENT,
                      (self.input.rect.x, self.list_top))
        if self.hidden[1]:
            draw_text(surf, f"\u25bc {self.hidden[1]} more below", small, T.ACCENT,
                      (self.input.rect.x, self.list_bottom))
