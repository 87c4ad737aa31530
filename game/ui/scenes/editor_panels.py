"""The editor's side columns, drawn: the palette's short labels and notes, the
budget (what counts against it, said in words), the editable reward table and the
design's problems (a list that scrolls); and, over the canvas, the problems of a
sandbox file whose new version does not load.
The editor scene owns the state and the buttons; this module only draws."""

from __future__ import annotations

import re

import pygame

from game.ui import theme as T
from game.ui.widgets import draw_text, draw_wrapped, fit_font, panel, value_bar, wrap


def short_label(label: str) -> str:
    """A palette label short enough for its button (the full name is in the
    tooltip): "spawn: blue gem" -> "random blue gem", "blue calendar showing 2024"
    -> "calendar 2024", "camera (overseer)" -> "camera"."""
    label = label.replace("spawn: the agent's start", "random start")
    label = re.sub(r"^spawn: (\d+) (.*)$", r"random \2 x\1", label)
    label = label.replace("spawn: ", "random ")
    label = re.sub(r"^(?:\w+ )?calendar showing (\d+)$", r"calendar \1", label)
    label = re.sub(r" \(.*\)$", "", label)
    label = re.sub(r"^floor, zone '(.*)'$", r"zone \1", label)
    return label


def draw_palette(ed, surf) -> None:
    """The palette's panel, its "more" markers and the notes under it (the tools are buttons)."""
    th = ed.theme
    lp = ed.left
    panel(surf, lp, th, name="palette")
    w = lp.width - th.px(24)
    draw_text(surf, "Palette", th.font(18, "bold"), T.ACCENT, (lp.x + th.px(12), lp.y + th.px(10)))
    small = th.font(13, "bold")
    if ed.pal_hidden[0]:
        draw_text(surf, f"\u25b2 {ed.pal_hidden[0]} more (Tab, wheel)", small, T.ACCENT,
                  (lp.x + th.px(12), ed.pal_area.y - th.px(19)), width=w)
    if ed.pal_hidden[1]:
        draw_text(surf, f"\u25bc {ed.pal_hidden[1]} more (Tab, wheel)", small, T.ACCENT,
                  (lp.x + th.px(12), ed.pal_area.bottom + th.px(1)), width=w)
    y = ed.buttons["undo"].rect.bottom + th.px(8)
    note = ("Mouse: left paints, right erases. Keys: Tab picks a tool, arrows move, Space paints, Del erases. "
            + (ed.saved_note or "Autosaves."))
    draw_wrapped(surf, note, th.font(13), T.TEXT_DIM, pygame.Rect(lp.x + th.px(12), y, w, lp.bottom - y), 1.15)


ITEMS_RULE = "Items: each object counts 1; a spawn marker counts once per level, however many cells it marks."


def short_count(n: int) -> str:
    """25000 -> "25k", 1500000 -> "1.5M": a step count short enough for a bar."""
    if n >= 1_000_000:
        return f"{n / 1_000_000:g}M"
    if n >= 1_000:
        return f"{n / 1_000:g}k"
    return str(n)


def draw_budget(ed, surf) -> None:
    th = ed.theme
    r = ed.budget_rect
    panel(surf, r, th, name="budget")
    pad = th.px(12)
    draw_text(surf, "Budget" if not ed.play.sandbox else "Training", th.font(18, "bold"), T.ACCENT,
              (r.x + pad, r.y + th.px(8)))
    b = ed.budget
    y = r.y + th.px(38)
    bw = r.width - 2 * pad
    if not ed.play.sandbox and b is not None:
        half = (bw - th.px(8)) // 2
        for k, (label, used, mx) in enumerate((("levels", b.levels_used, b.levels_max),
                                                ("items", b.items_used, b.items_max))):
            color = T.GOOD if used <= mx else T.BAD
            value_bar(surf, pygame.Rect(r.x + pad + k * (half + th.px(8)), y, half, th.px(26)), used / max(1, mx),
                      th, color, text=f"{label}: {used} / {mx}")
        y += th.px(32)
        draw_wrapped(surf, ITEMS_RULE, th.font(13), T.TEXT_DIM, pygame.Rect(r.x + pad, y, bw, r.bottom - y), 1.1)
    steps = ed.steps()
    mx = ed.chapter.design.max_steps
    sb = ed.buttons["steps-"].rect
    label = f"{short_count(steps)}" + ("" if ed.play.sandbox else f" / {short_count(mx)}") + " steps"
    value_bar(surf, pygame.Rect(r.x + pad, sb.y, sb.left - th.px(6) - (r.x + pad), sb.height),
              steps / max(1, mx), th, T.GOOD if steps <= mx else T.BAD, text=label)


def draw_reward(ed, surf) -> None:
    th = ed.theme
    rr = ed.reward_rect
    panel(surf, rr, th, name="reward")
    draw_text(surf, "Reward (editable)", th.font(18, "bold"), T.ACCENT, (rr.x + th.px(12), rr.y + th.px(8)))
    table = ed.reward_table()
    bold = th.font(16, "bold")
    for ev, row in ed.reward_rows:
        v = table.get(ev, 0.0)
        value_x = row.right - th.px(90)
        ctrl_y = ed.buttons[f"reward+:{ev}"].rect.centery
        if ed.buttons[f"reward+:{ev}"].rect.top > row.top:  # the name has its own line
            draw_text(surf, ev, th.font(13), T.TEXT, (row.x, row.y), width=row.width)
        else:
            room = value_x - bold.size(f"{v:+g}")[0] - th.px(10) - row.x
            draw_text(surf, ev, fit_font(th, ev, room, 16, min_size=13), T.TEXT, (row.x, ctrl_y), "midleft",
                      width=room)
        color = T.GOOD if v > 0 else T.BAD if v < 0 else T.TEXT_DIM
        draw_text(surf, f"{v:+g}", bold, color, (value_x, ctrl_y), "midright")


def draw_problems(ed, surf) -> None:
    th = ed.theme
    r = ed.problems_rect
    if r.height < th.px(40):
        return
    panel(surf, r, th, name="problems")
    pad = th.px(12)
    ok = not ed.problems
    n = len(ed.problems)
    notes = len(ed.notes)
    ready = "Ready to train" + (f" ({notes} note{'s' if notes > 1 else ''})" if notes else "")
    draw_text(surf, ready if ok else f"{n} problem" + ("s" if n > 1 else ""),
              th.font(18, "bold"), T.GOOD if ok else T.BAD, (r.x + pad, r.y + th.px(8)))
    font = th.font(15)
    view = pygame.Rect(r.x + pad, r.y + th.px(36), r.width - 2 * pad, r.height - th.px(36) - pad)
    names = [n for n, _ in ed.doc.maps]

    def listed(problems, prefix=""):
        out = []
        for p in problems:
            c = getattr(p, "cell", None)
            if c is not None and c.set_name == "train" and c.index < len(names):
                head = f"{prefix}{names[c.index]}, row {c.row + 1}, col {c.col + 1}:"
            else:
                head = f"{prefix}line {p.line}:"
            out += [(head, th.font(15, "bold"), T.WARN), (p.message, font, T.TEXT), th.px(6)]
        return out

    if ok:
        blocks = [("The design is valid. Press Train (Enter or T) to watch the agent learn on these levels.",
                   font, T.TEXT_DIM), th.px(8)] + listed(ed.notes, "Note: ")
    else:
        blocks = listed(ed.problems)
    ed.problems_view.draw(surf, th, view, blocks)


def draw_reload_error(ed, surf) -> None:
    """The file's problems over the canvas: the design below is the last good one."""
    th = ed.theme
    font = th.font(15)
    r = ed.canvas.inflate(-th.px(16), -th.px(16))
    lines = [f"{ed.play.source_path.name} does not load; the last good version stays "
             "open. Save the file again to reload:"]
    lines += ed.reload_error.splitlines()[:6]
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
