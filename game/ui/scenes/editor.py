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
from game.ui.scenes import editor_panels as panels
from game.ui.state import PlayState, for_sandbox, open_level_file
from game.ui.widgets import Button, ScrollView, draw_text, flow, panel, wrapped_height
from levels.symbols import describe_entry

AUTOSAVE_DELAY = 0.8
VALIDATE_DELAY = 0.15
STEP_CHOICES = (25_000, 50_000, 75_000, 100_000, 150_000, 200_000, 300_000, 400_000, 500_000,
                750_000, 1_000_000, 1_500_000, 2_000_000)


class EditorScene(Scene):
    title = "Design"
    name = "editor"

    def __init__(self, app, play: PlayState):
        super().__init__(app)
        self.play = play
        if play.sandbox:
            play.chapter = for_sandbox(play.chapter)
        self.palette = designs.palette_items(play.chapter, sandbox=play.sandbox)
        self.tool = self._default_tool()
        self.doc = self._load_doc()
        self.problems = []
        self.notes = []  # what the player should know about a valid design (not blocking)
        self.cell_problems: dict[tuple[int, int, int], list[str]] = {}
        self.budget = None
        self.design = None
        self._validated = -1
        self._saved = self.doc.version
        self._changed_at = 0.0
        self.stroke: int | None = None  # mouse button painting, or None
        self.grid: tiles.Grid | None = None
        self.hover_cell: tuple[int, int] | None = None
        self.cursor: tuple[int, int] | None = None  # the keyboard's paint cursor
        self.problems_view = ScrollView("problems")
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
        self.notes = designs.design_notes(self.chapter, self.design) if self.design else []
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
        m = th.px(12)
        top = th.px(64) + m
        left_w = min(th.px(250), rect.width * 22 // 100)
        right_w = min(th.px(330), rect.width * 28 // 100)
        self.left = pygame.Rect(m, top, left_w, rect.height - top - m)
        self.right = pygame.Rect(rect.right - m - right_w, top, right_w, rect.height - top - m)
        self.center = pygame.Rect(self.left.right + m, top, self.right.left - self.left.right - 2 * m,
                                  rect.height - top - m)
        self._build_header(rect)
        self._build_palette()
        self._build_tabs()
        self._build_level_row()
        self._build_right()
        self.shortcut(pygame.K_n, self.add_level, ctrl=True)
        self.shortcut(pygame.K_d, self.copy_level, ctrl=True)
        self.shortcut(pygame.K_DELETE, self.delete_level, ctrl=True)
        self.shortcut(pygame.K_TAB, lambda: self.set_level((self.doc.current + 1) % len(self.doc.maps)), ctrl=True)
        self.shortcut(pygame.K_PAGEDOWN, lambda: self.set_level((self.doc.current + 1) % len(self.doc.maps)), ctrl=True)
        self.shortcut(pygame.K_PAGEUP, lambda: self.set_level((self.doc.current - 1) % len(self.doc.maps)), ctrl=True)
        self.shortcut(pygame.K_RETURN, self.train)
        self.shortcut(pygame.K_KP_ENTER, self.train)

    def _build_header(self, rect):
        th = self.theme
        hb = th.px(44)
        x = rect.right - th.px(12)
        specs = [("back", "Back", self.back, "Esc", "Leave the editor (your design is saved)", pygame.K_ESCAPE, False)]
        if self.play.sandbox:
            specs.append(("open", "Open file", self.open_file, "O", "Open any level file from disk (O or Ctrl+O)",
                          pygame.K_o, False))
            self.shortcut(pygame.K_o, self.open_file, ctrl=True)
        specs.append(("save", "Save", lambda: self.save(True), "Ctrl+S", "Save the design now (it also autosaves)",
                      pygame.K_s, True))
        for bid, label, fn, sc, tip, key, ctrl in specs:
            w = th.px(110) if bid == "back" else th.px(150) if bid == "open" else th.px(130)
            x -= w
            self.add(Button(bid, label, pygame.Rect(x, (th.px(64) - hb) // 2, w, hb), fn, sc, tip, size=18),
                     key, ctrl)
            x -= th.px(8)

    def _build_palette(self):
        """One column of tools; when they do not all fit, the column scrolls and
        keeps the chosen tool in view."""
        th = self.theme
        gap = th.px(5)
        top = self.left.y + th.px(40)
        bottom = self.left.bottom - th.px(150)
        n = len(self.palette)
        ph = max(th.px(32), min(th.px(44), (bottom - top) // max(1, n) - gap))
        fit = max(1, (bottom - top + gap) // (ph + gap))
        if fit < n:
            fit = max(1, (bottom - top - th.px(40) + gap) // (ph + gap))
            top += th.px(20)
        self.pal_first = max(0, min(getattr(self, "pal_first", 0), n - fit))
        if self.tool < self.pal_first:
            self.pal_first = self.tool
        elif self.tool >= self.pal_first + fit:
            self.pal_first = self.tool - fit + 1
        self.pal_hidden = (self.pal_first, max(0, n - self.pal_first - fit))
        self.pal_area = pygame.Rect(self.left.x, top, self.left.width, fit * (ph + gap))
        for row, i in enumerate(range(self.pal_first, min(n, self.pal_first + fit))):
            it = self.palette[i]
            r = pygame.Rect(self.left.x + th.px(8), top + row * (ph + gap), self.left.width - th.px(16), ph)
            entry = tiles.entry_for(it.symbol, self.chapter.legend)
            tip = f"Paint: {it.label}" + ("" if it.category != "spawn" else " (appears on one marked cell at random)")
            b = Button(f"tool:{i}", panels.short_label(it.label), r, lambda i=i: self.set_tool(i),
                       str(i + 1) if i < 9 else "", tip, selected=(i == self.tool), size=16,
                       icon=lambda s, rr, e=entry, sym=it.symbol: tiles.draw_cell(s, rr, e, sym, self.theme))
            self.add(b, (pygame.K_1 + i) if i < 9 else None)
        # undo / redo under the palette
        ub = (self.left.width - th.px(24)) // 2
        uy = self.left.bottom - th.px(142)
        self.add(Button("undo", "Undo", pygame.Rect(self.left.x + th.px(8), uy, ub, th.px(40)), self.undo, "Ctrl+Z",
                        "Undo the last change", size=16), pygame.K_z, True)
        self.add(Button("redo", "Redo", pygame.Rect(self.left.x + th.px(16) + ub, uy, ub, th.px(40)), self.redo,
                        "Ctrl+Y", "Redo", size=16), pygame.K_y, True)

    def _build_tabs(self):
        """The level tabs: as many as fit, with arrows when there are more."""
        th = self.theme
        c = self.center
        h = th.px(42)
        font = th.font(16)
        widths = [max(th.px(80), min(th.px(190), font.size(n)[0] + th.px(28))) for n, _ in self.doc.maps]
        aw, g = th.px(36), th.px(4)
        cur = self.doc.current
        n = len(widths)
        scrolling = sum(widths) + g * (n - 1) > c.width
        avail = c.width - (2 * (aw + g) if scrolling else 0)

        def fits(f, last):
            return sum(widths[f:last + 1]) + g * (last - f) <= avail
        first = min(getattr(self, "tab_first", 0), cur) if scrolling else 0
        while first < cur and not fits(first, cur):
            first += 1
        self.tab_first = first
        x = c.x + (aw + g if scrolling else 0)
        last = first - 1
        for i in range(first, n):
            if not fits(first, i):
                break
            name = self.doc.maps[i][0]
            self.add(Button(f"tab:{i}", name, pygame.Rect(x, c.y, widths[i], h), lambda i=i: self.set_level(i),
                            "Ctrl+Tab", f"Training level '{name}' (Ctrl+Tab / Ctrl+PgUp / Ctrl+PgDn)",
                            selected=(i == cur), style="tab", size=16))
            x += widths[i] + g
            last = i
        if scrolling:
            self.add(Button("tabs<", "\u25c0", pygame.Rect(c.x, c.y, aw, h), lambda: self.set_level(max(0, cur - 1)),
                            "", f"Previous level (Ctrl+PgUp); {first} more to the left", enabled=first > 0, size=16))
            self.add(Button("tabs>", "\u25b6", pygame.Rect(c.right - aw, c.y, aw, h),
                            lambda: self.set_level(min(n - 1, cur + 1)), "",
                            f"Next level (Ctrl+PgDn); {n - 1 - last} more to the right", enabled=last < n - 1,
                            size=16))

    def _build_level_row(self):
        """Under the canvas: add, copy, delete the level and change its size; the
        buttons wrap to a second row when the centre is narrow."""
        th = self.theme
        c = self.center
        can_add = self.play.sandbox or len(self.doc.maps) < self.chapter.design.max_levels
        specs = [("add", "+ Level", self.add_level, "Ctrl+N", "Add a new training level", can_add),
                 ("copy", "Copy", self.copy_level, "Ctrl+D", "Duplicate this level", can_add),
                 ("delete", "Delete", self.delete_level, "Ctrl+Del", "Delete this level", len(self.doc.maps) > 1)]
        for bid, label, dr, dc, tip in (("rows-", "- row", -1, 0, "Remove a row"), ("rows+", "+ row", 1, 0, "Add a row"),
                                        ("cols-", "- col", 0, -1, "Remove a column"),
                                        ("cols+", "+ col", 0, 1, "Add a column")):
            specs.append((bid, label, lambda dr=dr, dc=dc: self.resize(dr, dc), "", tip + " (inside the border)", True))
        font = th.font(15)
        widths = [max(th.px(64), font.size(label)[0] + th.px(24) + (th.px(64) if sc else 0))
                  for _, label, _, sc, _, _ in specs] + [th.px(70)]
        h = th.px(38)
        rects, bottom = flow(c.x, 0, c.width, widths, h, th.px(6))
        lift = c.bottom - bottom
        for (bid, label, fn, sc, tip, enabled), r in zip(specs, rects):
            self.add(Button(bid, label, r.move(0, lift), fn, sc, tip, size=15, enabled=enabled))
        self.size_rect = rects[-1].move(0, lift)
        row_top = rects[0].y + lift
        self.canvas = pygame.Rect(c.x, c.y + th.px(42) + th.px(8), c.width, row_top - th.px(8) - (c.y + th.px(50)))

    def _build_right(self):
        th = self.theme
        r = self.right
        tb = pygame.Rect(r.x, r.bottom - th.px(56), r.width, th.px(56))
        self.add(Button("train", "Train the agent", tb, self.train, "Enter",
                        "Train on these levels (needs a valid design); Enter or T", style="primary", size=21),
                 pygame.K_t)
        # budget: levels and items side by side, what counts as an item, the steps bar with - and +
        rule_h = 0 if self.play.sandbox else wrapped_height(panels.ITEMS_RULE, th.font(13), r.width - th.px(24), 1.1)
        head = th.px(38) + (0 if self.play.sandbox else th.px(26 + 6) + rule_h + th.px(4))
        self.budget_rect = pygame.Rect(r.x, r.y, r.width, head + th.px(34 + 12))
        sy2 = r.y + head
        self.add(Button("steps-", "-", pygame.Rect(r.right - th.px(104), sy2, th.px(44), th.px(34)),
                        lambda: self.change_steps(-1), "[", "Fewer training steps ([)", size=20), pygame.K_LEFTBRACKET)
        self.add(Button("steps+", "+", pygame.Rect(r.right - th.px(56), sy2, th.px(44), th.px(34)),
                        lambda: self.change_steps(1), "]", "More training steps (])", size=20), pygame.K_RIGHTBRACKET)
        self.reward_rows: list[tuple[str, pygame.Rect]] = []
        y = self.budget_rect.bottom + th.px(10)
        self.reward_rect = None
        if self.chapter.design.reward_editable:
            events = list(self.reward_table())
            name_font = th.font(13)
            row_w = r.width - th.px(24)
            own_line = {ev: name_font.size(ev)[0] > row_w - th.px(150) for ev in events}
            # the rows share what the problems list (at least about four lines) leaves
            room = tb.top - th.px(10) - y - th.px(40) - th.px(110)
            room -= sum(name_font.get_linesize() for ev in events if own_line[ev]) + len(events) * th.px(4)
            rh = max(th.px(22), min(th.px(32), room // max(1, len(events))))
            self.reward_rect = pygame.Rect(r.x, y, r.width, 0)
            yy = y + th.px(36)
            for ev in events:
                row = pygame.Rect(r.x + th.px(12), yy, r.width - th.px(24), rh)
                # a name too long to share its row with the value and buttons gets a line of its own
                if own_line[ev]:
                    row.height = rh + name_font.get_linesize()
                self.reward_rows.append((ev, row))
                by = row.bottom - rh
                self.add(Button(f"reward-:{ev}", "-", pygame.Rect(row.right - th.px(84), by, th.px(40), rh),
                                lambda ev=ev: self.change_reward(ev, -1), "", f"Lower the reward for '{ev}'", size=18))
                self.add(Button(f"reward+:{ev}", "+", pygame.Rect(row.right - th.px(40), by, th.px(40), rh),
                                lambda ev=ev: self.change_reward(ev, 1), "", f"Raise the reward for '{ev}'", size=18))
                yy += row.height + th.px(4)
            self.reward_rect.height = yy - y + th.px(4)
            y = self.reward_rect.bottom + th.px(10)
        self.problems_rect = pygame.Rect(r.x, y, r.width, tb.top - th.px(10) - y)

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
        if self.play.sandbox:
            self.app.go("openfile", self.load_file)

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
        self.app.next_step(self)

    # --- input -----------------------------------------------------------------------------
    def key_down(self, event) -> bool:
        """Painting without a mouse: the arrow keys move a cursor on the level,
        Space paints the chosen tool there, Delete or Backspace erases."""
        if event.mod & (pygame.KMOD_CTRL | pygame.KMOD_META | pygame.KMOD_ALT):
            return False
        moves = {pygame.K_UP: (-1, 0), pygame.K_DOWN: (1, 0), pygame.K_LEFT: (0, -1), pygame.K_RIGHT: (0, 1)}
        rows = self.doc.rows
        if event.key in moves:
            r, c = self.cursor if self.cursor is not None else (len(rows) // 2, len(rows[0]) // 2)
            dr, dc = moves[event.key]
            self.cursor = (max(0, min(len(rows) - 1, r + dr)), max(0, min(len(rows[0]) - 1, c + dc)))
            if event.mod & pygame.KMOD_SHIFT:  # Shift+arrows paints as it moves, like a drag
                self._key_paint(1)
            return True
        if event.key == pygame.K_SPACE:
            self._key_paint(1)
            return True
        if event.key == pygame.K_TAB:  # Tab / Shift+Tab: the next / previous tool (beyond keys 1-9)
            d = -1 if event.mod & pygame.KMOD_SHIFT else 1
            self.set_tool((self.tool + d) % len(self.palette))
            self.rebuild()
            return True
        if event.key in (pygame.K_DELETE, pygame.K_BACKSPACE):
            self._key_paint(3)
            return True
        if event.key == pygame.K_PAGEDOWN or event.key == pygame.K_PAGEUP:
            return self.problems_view.handle(event)
        return False

    def _key_paint(self, button: int) -> None:
        if self.cursor is None:
            self.cursor = (len(self.doc.rows) // 2, len(self.doc.rows[0]) // 2)
        self.doc.checkpoint()
        self.stroke = button
        self._paint(self.cursor)
        self.stroke = None
        self.mouse_up(None)

    def wheel(self, event) -> None:
        if self.pal_area.collidepoint(self.app.mouse):  # the wheel over the palette picks the next tool
            self.set_tool(max(0, min(len(self.palette) - 1, self.tool - event.y)))
            self.rebuild()
            return
        self.problems_view.handle(event, self.app.mouse)

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
        if self.stroke is not None or event is None:
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
        panels.draw_palette(self, surf)
        self._draw_canvas(surf)
        size = f"{len(self.doc.rows)} x {len(self.doc.rows[0])}"
        draw_text(surf, size, th.font(15), T.TEXT_DIM, (self.size_rect.x + th.px(4), self.size_rect.centery),
                  "midleft", width=self.size_rect.width)
        panels.draw_budget(self, surf)
        if self.reward_rect is not None:
            panels.draw_reward(self, surf)
        panels.draw_problems(self, surf)
        if self.reload_error:
            panels.draw_reload_error(self, surf)

    def _draw_canvas(self, surf):
        th = self.theme
        panel(surf, self.canvas, th, (24, 28, 36), name="canvas")
        area = self.canvas.inflate(-th.px(20), -th.px(44))
        self.grid = tiles.draw_map(surf, area, self.doc.rows, self.chapter.legend, th, editor=True, max_cell=th.px(72))
        g = self.grid
        pygame.draw.rect(surf, T.BORDER, g.bounds.inflate(2, 2), 1)
        for (li, r, c), msgs in self.cell_problems.items():
            if li == self.doc.current and r < g.rows and c < g.cols:
                pygame.draw.rect(surf, T.BAD, g.rect(r, c), max(2, th.px(3)))
        if self.cursor is not None and self.cursor[0] < g.rows and self.cursor[1] < g.cols:
            pygame.draw.rect(surf, T.STAR, g.rect(*self.cursor), max(2, th.px(3)))
        cell = self.hover_cell if self.hover_cell is not None else self.cursor
        w = self.canvas.width - th.px(20)
        if self.hover_cell is not None and self.hover_cell[0] < g.rows and self.hover_cell[1] < g.cols:
            pygame.draw.rect(surf, T.ACCENT, g.rect(*self.hover_cell), 2)
        if cell is not None and cell[0] < g.rows and cell[1] < g.cols:
            r, c = cell
            row = self.doc.rows[r]
            ch = row[c] if c < len(row) else " "
            info = f"row {r + 1}, column {c + 1}: " + describe_entry(tiles.entry_for(ch, self.chapter.legend), ch)
            msgs = self.cell_problems.get((self.doc.current, r, c))
            draw_text(surf, info, th.font(15), T.TEXT_DIM, (self.canvas.x + th.px(10), self.canvas.bottom - th.px(4)),
                      "bottomleft", width=w)
            if msgs:
                draw_text(surf, msgs[0], th.font(15), T.BAD, (self.canvas.x + th.px(10), self.canvas.y + th.px(4)),
                          "topleft", width=w)
