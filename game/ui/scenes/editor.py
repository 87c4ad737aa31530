"""The editor: the design's training levels as tabs, painted with the mouse from
the chapter's palette (left click and drag paints, right click erases), with undo
and redo, a budget meter, the validation messages of `check` in place, and the
reward table where the chapter allows it. Every change autosaves atomically.

In the sandbox the palette has every tile, there is no budget, and any level file
can be opened (File > Open, Ctrl+O). A file opened there reloads when it is saved
on disk (live reload); while its new version does not load, its problems show over
the canvas and the last good version stays open and trainable."""

from __future__ import annotations

import os
from pathlib import Path

import pygame

from game import designs
from game.filewatch import FileWatch
from game.ui import theme as T
from game.ui import tiles
from game.ui.editmodel import EditDoc, read_saved_design
from game.ui.scene import Scene
from game.ui.state import PlayState, for_sandbox, open_level_file
from game.ui.widgets import Button, draw_text, panel, value_bar, wrap

AUTOSAVE_DELAY = 0.8
VALIDATE_DELAY = 0.15
STEP_CHOICES = (25_000, 50_000, 75_000, 100_000, 150_000, 200_000, 300_000, 400_000, 500_000,
                750_000, 1_000_000, 1_500_000, 2_000_000)


class EditorScene(Scene):
    title = "Design"

    def __init__(self, app, play: PlayState):
        super().__init__(app)
        self.play = play
        if play.sandbox:
            play.chapter = for_sandbox(play.chapter)
        self.palette = designs.palette_items(play.chapter, sandbox=play.sandbox)
        self.tool = self._default_tool()
        self.doc = self._load_doc()
        self.problems = []
        self.cell_problems: dict[tuple[int, int, int], list[str]] = {}
        self.budget = None
        self.design = None
        self._validated = -1
        self._saved = self.doc.version
        self._changed_at = 0.0
        self.stroke: int | None = None  # mouse button painting, or None
        self.grid: tiles.Grid | None = None
        self.hover_cell: tuple[int, int] | None = None
        self.saved_note = ""
        # live reload: the sandbox's file, re-read when saved in a text editor
        self.watch = FileWatch(play.source_path) if play.sandbox and play.source_path else None
        self.reload_error = ""  # the file's problems while its last save does not load
        self.validate()

    # --- the document -----------------------------------------------------------------
    def _default_tool(self) -> int:
        for i, it in enumerate(self.palette):
            if it.category == "object":
                return i
        return 0

    def _load_doc(self) -> EditDoc:
        path = self.play.design_path()
        if self.play.maps:
            return EditDoc([(n, list(r)) for n, r in self.play.maps], reward=self.play.reward,
                           steps=self.play.steps)
        if path.exists() and not (self.play.sandbox and self.play.source_path is not None and
                                  path.stat().st_mtime < self.play.source_path.stat().st_mtime):
            try:
                maps, reward, steps = read_saved_design(path.read_text(encoding="utf-8"))
                self.app.toast(f"Your saved design was restored ({path.name}).", "good")
                return EditDoc(maps, reward=reward, steps=steps)
            except (ValueError, OSError, UnicodeDecodeError) as exc:
                damaged = path.with_suffix(".damaged.toml")
                try:
                    os.replace(path, damaged)
                except OSError:
                    pass
                self.app.toast(f"Your saved design could not be read ({exc}); it was kept as "
                               f"{damaged.name} and the starter design opened.", "warn", 10)
        maps = designs.starter_maps(self.play.chapter)
        if not maps:
            maps = [("level 1", ["#########", "#.......#", "#@.....c#", "#.......#", "#########"])]
        return EditDoc(maps)

    @property
    def chapter(self):
        return self.play.chapter

    def reward_table(self) -> dict[str, float]:
        return dict(self.doc.reward) if self.doc.reward else dict(self.chapter.rules.reward)

    def steps(self) -> int:
        if self.doc.steps is not None:
            return self.doc.steps
        return min(self.chapter.agent.steps, self.chapter.design.max_steps)

    def design_text(self) -> str:
        return designs.design_toml(self.chapter, self.doc.maps, self.doc.reward, self.doc.steps)

    def validate(self) -> None:
        """Check the design with game.designs (the same messages as `check`); a problem
        about a map cell names its level and cell (the design's [[train]] levels are
        the editor's maps, in order)."""
        text = self.design_text()
        path = str(self.play.design_path())
        self.design, self.problems = designs.parse_design(text, self.chapter, path, self.play.sandbox)
        self.budget = designs.budget(self.chapter, self.doc.maps, self.steps())
        self.cell_problems = {}
        for p in self.problems:
            if p.cell is not None and p.cell.set_name == "train":
                key = (p.cell.index, p.cell.row, p.cell.col)
                self.cell_problems.setdefault(key, []).append(p.message)
        self._validated = self.doc.version

    def save(self, note: bool = False) -> None:
        path = self.play.design_path()
        try:
            designs.save_design(path, self.design_text())
            self._saved = self.doc.version
            self.saved_note = f"saved {path.name}"
            if note:
                self.app.toast(f"Design saved to {path}", "good")
        except OSError as exc:
            self.app.toast(f"Could not save the design: {exc}", "bad")
        self._sync_play()

    def _sync_play(self) -> None:
        self.play.maps = [(n, list(r)) for n, r in self.doc.maps]
        self.play.reward = dict(self.doc.reward) if self.doc.reward else None
        self.play.steps = self.doc.steps

    def changed(self) -> None:
        self._changed_at = self.t
        self.saved_note = "editing..."

    # --- widgets ---------------------------------------------------------------------------
    def build(self, rect):
        th = self.theme
        m = th.px(16)
        top = th.px(64) + m
        left_w = th.px(230)
        right_w = th.px(330)
        self.left = pygame.Rect(m, top, left_w, rect.height - top - m)
        self.right = pygame.Rect(rect.right - m - right_w, top, right_w, rect.height - top - m)
        self.center = pygame.Rect(self.left.right + m, top, self.right.left - self.left.right - 2 * m,
                                  rect.height - top - m)
        # header buttons
        hb = th.px(44)
        x = rect.right - m
        specs = [("back", "Back", self.back, "Esc", "Leave the editor (your design is saved)", pygame.K_ESCAPE, False)]
        if self.play.sandbox:
            specs.append(("open", "Open file", self.open_file, "Ctrl+O", "Open any level file from disk",
                          pygame.K_o, True))
        specs.append(("save", "Save", lambda: self.save(True), "Ctrl+S", "Save the design now (it also autosaves)",
                      pygame.K_s, True))
        for bid, label, fn, sc, tip, key, ctrl in specs:
            w = th.px(110) if bid != "open" else th.px(140)
            x -= w
            self.add(Button(bid, label, pygame.Rect(x, (th.px(64) - hb) // 2, w, hb), fn, sc, tip, size=18),
                     key, ctrl)
            x -= th.px(10)
        # palette: one column, or two (icons with short labels) when it does not fit
        avail = self.left.height - th.px(44) - th.px(120)
        n = len(self.palette)
        cols = 1 if n * (th.px(46) + th.px(6)) <= avail else 2
        ph = th.px(46) if cols == 1 else max(th.px(30), min(th.px(44), avail // ((n + 1) // 2) - th.px(6)))
        cw = (self.left.width - th.px(16) - (cols - 1) * th.px(6)) // cols
        for i, it in enumerate(self.palette):
            col, row = (0, i) if cols == 1 else (i % 2, i // 2)
            r = pygame.Rect(self.left.x + th.px(8) + col * (cw + th.px(6)), self.left.y + th.px(44) + row * (ph + th.px(6)),
                            cw, ph)
            if r.bottom > self.left.bottom - th.px(116):
                break
            entry = tiles.entry_for(it.symbol, self.chapter.legend)
            key_hint = str(i + 1) if i < 9 else ""
            tip = f"Paint: {it.label}" + ("" if it.category != "spawn" else " (appears on one marked cell at random)")
            label = self._short(it.label) if cols == 1 else self._short(it.label).split(",")[0][:12]
            b = Button(f"tool:{i}", label, r, lambda i=i: self.set_tool(i), key_hint, tip,
                       selected=(i == self.tool), size=16 if cols == 1 else 13,
                       icon=lambda s, rr, e=entry, sym=it.symbol: tiles.draw_cell(s, rr, e, sym, self.theme))
            self.add(b, (pygame.K_1 + i) if i < 9 else None)
        # undo / redo under the palette
        ub = (self.left.width - th.px(24)) // 2
        uy = self.left.bottom - th.px(108)
        self.add(Button("undo", "Undo", pygame.Rect(self.left.x + th.px(8), uy, ub, th.px(44)), self.undo, "Ctrl+Z",
                        "Undo the last change", size=17), pygame.K_z, True)
        self.add(Button("redo", "Redo", pygame.Rect(self.left.x + th.px(16) + ub, uy, ub, th.px(44)), self.redo,
                        "Ctrl+Y", "Redo", size=17), pygame.K_y, True)
        # tabs
        ty = self.center.y
        th_h = th.px(44)
        tx = self.center.x
        tab_w = max(th.px(110), min(th.px(190), (self.center.width - th.px(290)) // max(1, len(self.doc.maps))))
        for i, (name, _) in enumerate(self.doc.maps):
            r = pygame.Rect(tx, ty, tab_w, th_h)
            self.add(Button(f"tab:{i}", name, r, lambda i=i: self.set_level(i), "Ctrl+Tab" if i == 0 else "",
                            f"Training level '{name}'", selected=(i == self.doc.current), style="tab", size=16))
            tx += tab_w + th.px(4)
        bw = th.px(90)
        lx = self.center.right - 3 * bw - 2 * th.px(6)
        can_add = self.play.sandbox or len(self.doc.maps) < self.chapter.design.max_levels
        for j, (bid, label, fn, sc, tip) in enumerate((
                ("add", "+ Add", self.add_level, "Ctrl+N", "Add a new training level"),
                ("copy", "Copy", self.copy_level, "Ctrl+D", "Duplicate this level"),
                ("delete", "Delete", self.delete_level, "Ctrl+Del", "Delete this level"))):
            b = Button(bid, label, pygame.Rect(lx + j * (bw + th.px(6)), ty, bw, th_h), fn, sc, tip, size=16,
                       enabled=(bid != "add" or can_add) and (bid != "delete" or len(self.doc.maps) > 1) and
                       (bid != "copy" or can_add))
            self.add(b)
        self.shortcut(pygame.K_n, self.add_level, ctrl=True)
        self.shortcut(pygame.K_d, self.copy_level, ctrl=True)
        self.shortcut(pygame.K_DELETE, self.delete_level, ctrl=True)
        self.shortcut(pygame.K_TAB, lambda: self.set_level((self.doc.current + 1) % len(self.doc.maps)), ctrl=True)
        # size buttons under the canvas
        sb = th.px(40)
        sy = self.center.bottom - sb
        sx = self.center.x
        for bid, label, dr, dc, tip in (("rows-", "- row", -1, 0, "Remove a row"), ("rows+", "+ row", 1, 0, "Add a row"),
                                        ("cols-", "- col", 0, -1, "Remove a column"),
                                        ("cols+", "+ col", 0, 1, "Add a column")):
            self.add(Button(bid, label, pygame.Rect(sx, sy, th.px(78), sb), lambda dr=dr, dc=dc: self.resize(dr, dc),
                            "", tip + " (inside the border)", size=15))
            sx += th.px(84)
        self.canvas = pygame.Rect(self.center.x, ty + th_h + th.px(10), self.center.width,
                                  sy - (ty + th_h + th.px(20)))
        # right column: train, steps, reward
        r = self.right
        tb = pygame.Rect(r.x, r.bottom - th.px(60), r.width, th.px(60))
        self.add(Button("train", "Train the agent", tb, self.train, "T",
                        "Train on these levels (needs a valid design)", style="primary", size=22), pygame.K_t)
        self.budget_rect = pygame.Rect(r.x, r.y, r.width, th.px(172) if not self.play.sandbox else th.px(100))
        sy2 = self.budget_rect.y + self.budget_rect.height - th.px(46)
        self.add(Button("steps-", "-", pygame.Rect(r.right - th.px(104), sy2, th.px(44), th.px(36)),
                        lambda: self.change_steps(-1), "[", "Fewer training steps", size=20), pygame.K_LEFTBRACKET)
        self.add(Button("steps+", "+", pygame.Rect(r.right - th.px(54), sy2, th.px(44), th.px(36)),
                        lambda: self.change_steps(1), "]", "More training steps", size=20), pygame.K_RIGHTBRACKET)
        self.reward_rows: list[tuple[str, pygame.Rect]] = []
        y = self.budget_rect.bottom + th.px(12)
        if self.chapter.design.reward_editable:
            rh = th.px(34)
            events = list(self.reward_table())
            box_h = th.px(40) + len(events) * (rh + th.px(4))
            self.reward_rect = pygame.Rect(r.x, y, r.width, box_h)
            yy = y + th.px(36)
            for ev in events:
                row = pygame.Rect(r.x + th.px(12), yy, r.width - th.px(24), rh)
                self.reward_rows.append((ev, row))
                self.add(Button(f"reward-:{ev}", "-", pygame.Rect(row.right - th.px(84), yy, th.px(40), rh),
                                lambda ev=ev: self.change_reward(ev, -1), "", f"Lower the reward for '{ev}'", size=18))
                self.add(Button(f"reward+:{ev}", "+", pygame.Rect(row.right - th.px(40), yy, th.px(40), rh),
                                lambda ev=ev: self.change_reward(ev, 1), "", f"Raise the reward for '{ev}'", size=18))
                yy += rh + th.px(4)
            y = self.reward_rect.bottom + th.px(12)
        else:
            self.reward_rect = None
        self.problems_rect = pygame.Rect(r.x, y, r.width, tb.top - th.px(12) - y)

    @staticmethod
    def _short(label: str) -> str:
        return (label.replace("spawn: the agent's start", "random agent start")
                .replace("spawn: ", "random ").replace(", zone", " + zone"))

    # --- actions -------------------------------------------------------------------------
    def set_tool(self, i: int) -> None:
        self.tool = i
        for k, b in self.buttons.items():
            if k.startswith("tool:"):
                b.selected = (k == f"tool:{i}")

    def set_level(self, i: int) -> None:
        self.doc.current = i
        self.rebuild()

    def add_level(self) -> None:
        if not self.play.sandbox and len(self.doc.maps) >= self.chapter.design.max_levels:
            self.app.toast(f"This chapter allows at most {self.chapter.design.max_levels} training levels.", "warn")
            return
        h = len(self.doc.rows)
        w = len(self.doc.rows[0])
        self.doc.add_level(h, w)
        self.changed()
        self.rebuild()

    def copy_level(self) -> None:
        if not self.play.sandbox and len(self.doc.maps) >= self.chapter.design.max_levels:
            self.app.toast(f"This chapter allows at most {self.chapter.design.max_levels} training levels.", "warn")
            return
        self.doc.copy_level()
        self.changed()
        self.rebuild()

    def delete_level(self) -> None:
        if self.doc.delete_level():
            self.changed()
            self.rebuild()

    def resize(self, dr: int, dc: int) -> None:
        d = self.chapter.design
        mh, mw = (32, 32) if self.play.sandbox else (d.max_height, d.max_width)
        if self.doc.resize(dr, dc, mh, mw):
            self.changed()

    def undo(self) -> None:
        if self.doc.undo():
            self.changed()
            self.rebuild()

    def redo(self) -> None:
        if self.doc.redo():
            self.changed()
            self.rebuild()

    def change_steps(self, d: int) -> None:
        cur = self.steps()
        hi = self.chapter.design.max_steps
        choices = sorted({c for c in STEP_CHOICES if c <= hi} | {hi, cur})
        i = choices.index(cur) + d
        if 0 <= i < len(choices):
            self.doc.set_steps(choices[i])
            self.changed()

    def change_reward(self, event: str, d: int) -> None:
        table = self.reward_table()
        v = table.get(event, 0.0)
        step = 0.05 if abs(v) < 1 or (abs(v) == 1 and d < 0 and v > 0) else 1.0
        if self.doc.reward is None:
            self.doc.reward = dict(table)
        self.doc.set_reward(event, v + d * step)
        self.changed()

    def back(self) -> None:
        self.save()
        self.app.pop()

    def open_file(self) -> None:
        from game.ui.scenes.openfile import OpenFileScene
        self.app.push(OpenFileScene(self.app, self.load_file))

    def load_file(self, lf, path: Path) -> None:
        """Replace the sandbox's file with one opened from disk."""
        self.save()
        play = PlayState(lf, sandbox=True, source_path=Path(path))
        self.app.replace(EditorScene(self.app, play))

    def reload_source(self) -> None:
        """The sandbox's file changed on disk: open the new version in place of the
        design, or keep the last good one playable and show the file's problems."""
        path = self.play.source_path
        lf, error = open_level_file(path)
        if lf is None:
            self.reload_error = error
            self.app.toast(f"{path.name} has problems; the last good version stays open.", "warn")
            return
        play = PlayState(lf, sandbox=True, source_path=Path(path))
        play.maps = designs.starter_maps(for_sandbox(lf))  # the file's levels, not a saved design
        self.app.replace(EditorScene(self.app, play))
        self.app.toast(f"Reloaded {path.name}", "good", 2)

    def train(self) -> None:
        if self._validated != self.doc.version:
            self.validate()
        if self.problems:
            self.app.toast("Fix the problems listed on the right first (the red cells).", "warn")
            return
        self.save()
        self.play.design = self.design
        self.play.merged = designs.merged(self.chapter, self.design)
        from game.ui.scenes.training import TrainingScene
        self.app.push(TrainingScene(self.app, self.play))

    # --- input -----------------------------------------------------------------------------
    def mouse_down(self, event) -> None:
        if self.grid is None:
            return
        cell = self.grid.cell_at(event.pos)
        if cell is None or event.button not in (1, 3):
            return
        self.doc.checkpoint()
        self.stroke = event.button
        self._paint(cell)

    def mouse_move(self, event) -> None:
        if self.grid is None:
            return
        self.hover_cell = self.grid.cell_at(event.pos)
        if self.stroke is not None and self.hover_cell is not None:
            self._paint(self.hover_cell)

    def mouse_up(self, event) -> None:
        if self.stroke is not None:
            self.stroke = None
            # a stroke that changed nothing leaves no undo step
            if self.doc.undo_stack and self.doc.undo_stack[-1][0] == tuple(
                    (n, tuple(r)) for n, r in self.doc.maps):
                self.doc.undo_stack.pop()

    def _paint(self, cell) -> None:
        sym = self.palette[self.tool].symbol if self.stroke == 1 else "."
        if self.doc.paint(cell[0], cell[1], sym):
            self.changed()

    # --- frame ---------------------------------------------------------------------------------
    def update(self, dt):
        super().update(dt)
        if self.watch is not None and self.watch.poll(self.t):
            self.reload_source()
            return
        if self.stroke is None and self._validated != self.doc.version and self.t - self._changed_at >= VALIDATE_DELAY:
            self.validate()
            self.rebuild_enabled()
        if self._saved != self.doc.version and self.stroke is None and self.t - self._changed_at >= AUTOSAVE_DELAY:
            self.save()

    def rebuild_enabled(self) -> None:
        b = self.buttons.get("train")
        if b is not None:
            b.enabled = not self.problems

    def enter(self) -> None:
        self.rebuild_enabled()

    def leave(self) -> None:
        if self._saved != self.doc.version:
            self.save()

    def close(self) -> None:
        self.leave()

    def draw_content(self, surf):
        th = self.theme
        if self.play.sandbox:
            src = self.play.source_path
            self.header(surf, "Sandbox", src.name if src else "every tile, no budget")
        else:
            self.header(surf, self.play.title, "design the training levels")
        # palette panel
        panel(surf, self.left, th)
        draw_text(surf, "Palette", th.font(18, "bold"), T.ACCENT, (self.left.x + th.px(12), self.left.y + th.px(10)))
        draw_text(surf, "left: paint   right: erase", th.font(13), T.TEXT_DIM,
                  (self.left.x + th.px(12), self.left.bottom - th.px(54)))
        draw_text(surf, self.saved_note or "autosaves", th.font(13), T.TEXT_DIM,
                  (self.left.x + th.px(12), self.left.bottom - th.px(32)))
        # canvas
        panel(surf, self.canvas, th, (24, 28, 36))
        area = self.canvas.inflate(-th.px(20), -th.px(20))
        self.grid = tiles.draw_map(surf, area, self.doc.rows, self.chapter.legend, th, editor=True, max_cell=th.px(72))
        g = self.grid
        pygame.draw.rect(surf, T.BORDER, g.bounds.inflate(2, 2), 1)
        for (li, r, c), msgs in self.cell_problems.items():
            if li == self.doc.current and r < g.rows and c < g.cols:
                pygame.draw.rect(surf, T.BAD, g.rect(r, c), max(2, th.px(3)))
        if self.hover_cell is not None and self.hover_cell[0] < g.rows and self.hover_cell[1] < g.cols:
            pygame.draw.rect(surf, T.ACCENT, g.rect(*self.hover_cell), 2)
            r, c = self.hover_cell
            row = self.doc.rows[r]
            ch = row[c] if c < len(row) else " "
            from levels.symbols import describe_entry
            info = f"row {r + 1}, column {c + 1}: " + describe_entry(tiles.entry_for(ch, self.chapter.legend), ch)
            msgs = self.cell_problems.get((self.doc.current, r, c))
            draw_text(surf, info, th.font(15), T.TEXT_DIM, (self.canvas.x + th.px(10), self.canvas.bottom - th.px(4)),
                      "bottomleft")
            if msgs:
                draw_text(surf, msgs[0][:110], th.font(15), T.BAD,
                          (self.canvas.x + th.px(10), self.canvas.y + th.px(4)), "topleft")
        size = f"{len(self.doc.rows)} x {len(self.doc.rows[0])}"
        sx = self.buttons["cols+"].rect.right + th.px(12)
        draw_text(surf, size, th.font(15), T.TEXT_DIM, (sx, self.buttons["cols+"].rect.centery), "midleft")
        self._draw_budget(surf)
        if self.reward_rect is not None:
            self._draw_reward(surf)
        self._draw_problems(surf)
        if self.reload_error:
            self._draw_reload_error(surf)

    def _draw_reload_error(self, surf):
        """The file's problems over the canvas: the design below is the last good one."""
        th = self.theme
        font = th.font(15)
        r = self.canvas.inflate(-th.px(16), -th.px(16))
        lines = [f"{self.play.source_path.name} does not load; the last good version stays "
                 "open. Save the file again to reload:"]
        lines += self.reload_error.splitlines()[:6]
        out = []
        for text in lines:
            out += wrap(text, font, r.width - th.px(24))
        # at the canvas's foot, at most 40% of it: the last good map stays in view
        h = min(r.height * 2 // 5, font.get_linesize() * len(out) + th.px(20))
        box = pygame.Rect(r.x, r.bottom - h, r.width, h)
        panel(surf, box, th, (60, 24, 28))
        y = box.y + th.px(10)
        for i, text in enumerate(out):
            if y + 2 * font.get_linesize() > box.bottom and i < len(out) - 1:
                draw_text(surf, "... (more: python main.py check FILE)", font,
                          T.TEXT_DIM, (box.x + th.px(12), y))
                break
            draw_text(surf, text, font, T.TEXT if i else T.WARN, (box.x + th.px(12), y))
            y += font.get_linesize()

    def _draw_budget(self, surf):
        th = self.theme
        r = self.budget_rect
        panel(surf, r, th)
        pad = th.px(12)
        draw_text(surf, "Budget" if not self.play.sandbox else "Training", th.font(18, "bold"), T.ACCENT,
                  (r.x + pad, r.y + th.px(10)))
        b = self.budget
        y = r.y + th.px(42)
        bw = r.width - 2 * pad
        if not self.play.sandbox and b is not None:
            for label, used, mx in (("levels", b.levels_used, b.levels_max), ("items", b.items_used, b.items_max)):
                color = T.GOOD if used <= mx else T.BAD
                value_bar(surf, pygame.Rect(r.x + pad, y, bw, th.px(28)), used / max(1, mx), th, color,
                          text=f"{label}: {used} / {mx}")
                y += th.px(36)
        steps = self.steps()
        mx = self.chapter.design.max_steps
        label = f"steps: {steps:,}" + ("" if self.play.sandbox else f" / {mx:,}")
        value_bar(surf, pygame.Rect(r.x + pad, r.bottom - th.px(46), bw - th.px(112), th.px(36)),
                  steps / max(1, mx), th, T.GOOD if steps <= mx else T.BAD, text=label)

    def _draw_reward(self, surf):
        th = self.theme
        panel(surf, self.reward_rect, th)
        draw_text(surf, "Reward (editable)", th.font(18, "bold"), T.ACCENT,
                  (self.reward_rect.x + th.px(12), self.reward_rect.y + th.px(8)))
        table = self.reward_table()
        for ev, row in self.reward_rows:
            v = table.get(ev, 0.0)
            draw_text(surf, ev, th.font(17), T.TEXT, (row.x, row.centery), "midleft")
            color = T.GOOD if v > 0 else T.BAD if v < 0 else T.TEXT_DIM
            draw_text(surf, f"{v:+g}", th.font(17, "bold"), color, (row.right - th.px(96), row.centery), "midright")

    def _draw_problems(self, surf):
        th = self.theme
        r = self.problems_rect
        if r.height < th.px(40):
            return
        panel(surf, r, th)
        pad = th.px(12)
        ok = not self.problems
        draw_text(surf, "Ready to train" if ok else f"{len(self.problems)} problem" + ("s" if len(self.problems) > 1 else ""),
                  th.font(18, "bold"), T.GOOD if ok else T.BAD, (r.x + pad, r.y + th.px(10)))
        y = r.y + th.px(40)
        font = th.font(15)
        if ok:
            for line in wrap("The design is valid. Press Train (T) to watch the agent learn on these levels.",
                             font, r.width - 2 * pad):
                draw_text(surf, line, font, T.TEXT_DIM, (r.x + pad, y))
                y += font.get_linesize()
            return
        names = [n for n, _ in self.doc.maps]
        starts = {}
        for (li, rr, cc), msgs in self.cell_problems.items():
            for msg in msgs:
                starts[msg] = (li, rr, cc)
        for p in self.problems:
            where = starts.get(p.message)
            head = f"{names[where[0]]}, row {where[1] + 1}, col {where[2] + 1}: " if where else f"line {p.line}: "
            for line in wrap(head + p.message, font, r.width - 2 * pad):
                if y + font.get_linesize() > r.bottom - pad:
                    draw_text(surf, "...", font, T.TEXT_DIM, (r.x + pad, y))
                    return
                draw_text(surf, line, font, T.WARN if line.startswith(head[:6]) else T.TEXT, (r.x + pad, y))
                y += font.get_linesize()
            y += th.px(6)
