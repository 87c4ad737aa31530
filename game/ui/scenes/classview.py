"""The class view (workshop mode): open a folder of the class's results (or an
exported zip) and show the same summary as `python main.py summary` on the
projector: per chapter, attempts, fellows, who saw the lesson, who passed, the
passing designs and the time to pass; duplicates and damaged files are counted."""

from __future__ import annotations

from pathlib import Path

import pygame

from game.results import results_dir
from game.summary import gather, notes, summarize, table_rows
from game.ui import theme as T
from game.ui.scene import Scene
from game.ui.widgets import Button, draw_text, fit_font, panel, value_bar


class ClassViewScene(Scene):
    title = "Class results"
    name = "classview"

    def __init__(self, app, folder: Path | None = None):
        super().__init__(app)
        self.folder = Path(folder) if folder else results_dir()
        self.load()

    def load(self) -> None:
        self.gathered = gather([self.folder])
        self.summaries = summarize(self.gathered.results)
        self.rows = table_rows(self.summaries)
        self.notes = notes(self.gathered)

    def build(self, rect):
        th = self.theme
        m = th.px(24)
        bw, bh = th.px(220), th.px(48)
        y = rect.bottom - bh - th.px(16)
        self.add(Button("folder", "Open a folder...", pygame.Rect(m, y, bw, bh), self.choose, "O",
                        "Open the folder (or .zip) holding the class's result files", size=18),
                 pygame.K_o)
        self.add(Button("refresh", "Refresh", pygame.Rect(m + bw + th.px(12), y, th.px(150), bh),
                        self.refresh, "R", "Read the folder again", size=18), pygame.K_r)
        self.add(Button("back", "Back", pygame.Rect(rect.right - m - th.px(150), y, th.px(150), bh),
                        self.app.pop, "Esc", "Back to the previous screen", size=18), pygame.K_ESCAPE)
        self.body = pygame.Rect(m, th.px(64) + th.px(16), rect.width - 2 * m,
                                y - th.px(16) - (th.px(64) + th.px(16)))

    def refresh(self) -> None:
        self.load()
        self.app.toast(f"{len(self.gathered.results)} results", "info", 2)

    def choose(self) -> None:
        def done(text: str) -> None:
            if text:
                self.folder = Path(text).expanduser()
                self.load()
        self.app.go("prompt", "Class results", "Folder or .zip of result files:", str(self.folder), done)

    def draw_content(self, surf):
        th = self.theme
        g = self.gathered
        self.header(surf, "Class results", f"{len(g.results)} results")
        r = self.body
        panel(surf, r, th)
        pad = th.px(14)
        x0, y = r.x + pad, r.y + pad
        width = r.width - 2 * pad
        info = fit_font(th, str(self.folder), width, 15)
        draw_text(surf, str(self.folder), info, T.TEXT_DIM, (x0, y))
        y += info.get_linesize() + th.px(8)
        if not self.summaries:
            draw_text(surf, "No results in this folder yet. Fellows' attempts are saved as they "
                      "play; collect them with Settings > Export my results.", th.font(18),
                      T.TEXT_DIM, (x0, y))
            return
        # the table: columns sized to their widest cell, the font shrunk until it fits
        size = 26
        while True:
            font, bold = th.font(size), th.font(size, "bold")
            widths = [max([bold.size(self.rows[0][i])[0]] + [font.size(row[i])[0] for row in self.rows[1:]])
                      for i in range(len(self.rows[0]))]
            gap = th.px(18)
            if sum(widths) + gap * (len(widths) - 1) <= width or size <= 11:
                break
            size -= 1
        line = font.get_linesize() + th.px(6)
        for k, row in enumerate(self.rows):
            if y + line > r.bottom - pad:
                break
            x = x0
            for i, cell in enumerate(row):
                draw_text(surf, cell, bold if k == 0 else font, T.ACCENT if k == 0 else T.TEXT, (x, y))
                x += widths[i] + gap
            y += line
            if k == 0:
                pygame.draw.line(surf, T.BORDER, (x0, y - th.px(3)), (x0 + width, y - th.px(3)))
        y += th.px(10)
        small = th.font(max(11, size - 3))
        for s in self.summaries:
            if y + small.get_linesize() > r.bottom - pad:
                return
            designs = "; ".join(f"{h} ({n})" for h, n, _ in s.passing_designs[:4]) or "none yet"
            text = (f"{s.chapter}: labels " + ", ".join(f"{k} {v}" for k, v in s.labels.items())
                    + f"; passing designs {designs}")
            draw_text(surf, text, fit_font(th, text, width, max(11, size - 3)), T.TEXT_DIM, (x0, y))
            y += small.get_linesize()
        if self.notes and y + small.get_linesize() <= r.bottom - pad:
            text = (f"set aside: {len(g.duplicates)} duplicate{'s' if len(g.duplicates) != 1 else ''}, "
                    f"{len(g.damaged)} damaged file{'s' if len(g.damaged) != 1 else ''} "
                    f"(python main.py summary FOLDER lists them)")
            draw_text(surf, text, small, T.WARN, (x0, y + th.px(6)))
            y += small.get_linesize() + th.px(6)
        self._draw_bars(surf, pygame.Rect(x0, y + th.px(14), width, r.bottom - pad - y - th.px(14)))

    def _draw_bars(self, surf, area: pygame.Rect) -> None:
        """Per chapter, the share of fellows who saw the lesson and who passed: the
        debrief's headline, readable from the back of the room."""
        th = self.theme
        rows = len(self.summaries)
        if rows == 0 or area.height < th.px(40):
            return
        label_w = min(area.width // 3, max(th.font(18).size(s.chapter)[0] for s in self.summaries))
        line = min(th.px(70), area.height // rows)
        bar_h = max(th.px(10), line // 2 - th.px(4))
        if bar_h * 2 + th.px(4) > line:
            return
        for i, s in enumerate(self.summaries):
            y = area.y + i * line
            n = max(1, len(s.fellows))
            draw_text(surf, s.chapter, fit_font(th, s.chapter, label_w, 18), T.TEXT, (area.x, y))
            x = area.x + label_w + th.px(16)
            w = area.right - x
            found = len(s.found_lesson) / n
            value_bar(surf, pygame.Rect(x, y, w, bar_h), found, th, T.WARN,
                      text=f"saw the lesson ({s.lesson or '-'}): {len(s.found_lesson)} of {n}")
            value_bar(surf, pygame.Rect(x, y + bar_h + th.px(4), w, bar_h), len(s.passed) / n, th,
                      T.GOOD, text=f"passed: {len(s.passed)} of {n}")
