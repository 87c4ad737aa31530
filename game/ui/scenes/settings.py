"""Settings: presenter mode, colour-blind-safe palette, animation speed, sound,
workshop mode; for class results a nickname, "Export my results" and the class
view. Saved with the player's progress."""

from __future__ import annotations

import pygame

from game.ui import theme as T
from game.ui.scene import Scene
from game.ui.widgets import Button, draw_text, panel
from game.ui import tiles
from levels import world

SPEEDS = (0.5, 1.0, 2.0, 4.0)


class SettingsScene(Scene):
    title = "Settings"
    name = "settings"

    def build(self, rect):
        th = self.theme
        s = self.app.progress.settings
        x = th.px(40)
        y = th.px(64) + th.px(20)
        w = min(rect.width - 2 * x, th.px(760))
        rows = [
            ("presenter", f"Presenter mode: {'on' if s.presenter else 'off'}", self.toggle_presenter, "P",
             "Everything larger, for a projector", pygame.K_p, s.presenter),
            ("colorblind", f"Colour-blind-safe palette: {'on' if s.colorblind else 'off'}", self.toggle_colorblind,
             "C", "Okabe-Ito colours and a colour letter on every object", pygame.K_c, s.colorblind),
            ("speed", f"Animation speed: {s.animation_speed:g}x", self.cycle_speed, "A",
             "How fast replays and the live training view play", pygame.K_a, False),
            ("sound", f"Sound: {'on' if s.sound else 'off'}", self.toggle_sound, "M", "Sound effects on or off",
             pygame.K_m, s.sound),
            ("unlock", f"Workshop mode (all chapters open): {'on' if s.unlock_all else 'off'}",
             self.toggle_unlock, "W", "Open every chapter without playing the ones before it",
             pygame.K_w, s.unlock_all),
            ("nickname", f"Nickname for class results: {s.nickname or '(none)'}", self.ask_nickname,
             "N", "Optional: the only personal detail your results carry", pygame.K_n, False),
            ("export", "Export my results", self.export, "E",
             "Zip your results into your documents folder for the instructor", pygame.K_e, False),
            ("classview", "Class view (workshop): a results folder's summary", self.class_view,
             "V", "Open a folder of a class's results and show its summary", pygame.K_v, False),
        ]
        # rows share the height left above the Back button, so they fit at 1024x768
        back_h = th.px(54)
        room = rect.height - y - back_h - th.px(24)
        gap = th.px(12)
        h = max(th.px(34), min(th.px(64), room // len(rows) - gap))
        size = 22 if h >= th.px(56) else 18
        for i, (bid, label, fn, sc, tip, key, sel) in enumerate(rows):
            r = pygame.Rect(x, y + i * (h + gap), w, h)
            self.add(Button(bid, label, r, fn, sc, tip, selected=sel, size=size), key)
        back = pygame.Rect(x, y + len(rows) * (h + gap) + th.px(8), th.px(200), back_h)
        self.add(Button("back", "Done", back, self.app.pop, "Enter", "Back to the previous screen (Enter or Esc)",
                        style="primary"), pygame.K_RETURN)
        self.shortcut(pygame.K_ESCAPE, self.app.pop)
        self.shortcut(pygame.K_KP_ENTER, self.app.pop)
        self.preview = pygame.Rect(x + w + th.px(40), y, rect.right - (x + w + th.px(40)) - th.px(40),
                                   min(th.px(300), rect.bottom - y - th.px(20)))

    def _save(self):
        self.app.save_progress()
        self.app.apply_settings()

    def toggle_presenter(self):
        s = self.app.progress.settings
        s.presenter = not s.presenter
        self._save()

    def toggle_colorblind(self):
        s = self.app.progress.settings
        s.colorblind = not s.colorblind
        self._save()

    def cycle_speed(self):
        s = self.app.progress.settings
        i = SPEEDS.index(s.animation_speed) if s.animation_speed in SPEEDS else 0
        s.animation_speed = SPEEDS[(i + 1) % len(SPEEDS)]
        self._save()

    def toggle_unlock(self):
        s = self.app.progress.settings
        s.unlock_all = not s.unlock_all
        self._save()

    def ask_nickname(self):
        def done(text: str) -> None:
            self.app.progress.settings.nickname = text[:40]
            self._save()
        self.app.go("prompt", "Nickname", "Your nickname for class results (leave empty for none):",
                    self.app.progress.settings.nickname, done,
                    "Shown to your instructor in the class summary; nothing else about you is recorded.")

    def export(self):
        from game.ui.classroom import export
        export(self.app)

    def class_view(self):
        self.app.go("classview")

    def toggle_sound(self):
        s = self.app.progress.settings
        s.sound = not s.sound
        self._save()

    def draw_content(self, surf):
        self.header(surf, "Settings", "saved for this user")
        th = self.theme
        label_font = th.font(13)
        col_w = max(label_font.size(k)[0] for k in world.KINDS) + th.px(12)
        cols = max(1, (self.preview.width - th.px(32)) // col_w)
        cell = min(th.px(56), col_w - th.px(12))
        rows = -(-len(world.KINDS) // cols)
        need = th.px(48) + rows * (cell + th.px(22)) + th.px(6) + cell * 4 // 6 + th.px(12)
        if cols < 2 or need > self.preview.height:
            return
        box = pygame.Rect(self.preview.x, self.preview.y, self.preview.width, need)
        panel(surf, box, th, name="objects preview")
        draw_text(surf, "Objects", th.font(18, "bold"), T.TEXT, (box.x + th.px(16), box.y + th.px(12)))
        for i, kind in enumerate(world.KINDS):
            cx = self.preview.x + th.px(16) + (i % cols) * col_w + col_w // 2
            r = pygame.Rect(0, self.preview.y + th.px(48) + (i // cols) * (cell + th.px(22)), cell, cell)
            r.centerx = cx
            surf.blit(tiles.terrain_surface("floor", cell), r.topleft)
            color = world.DEFAULT_COLOR[kind]
            surf.blit(tiles.object_surface(kind, color, 2025 if world.KIND[kind].shows_year else 0, cell, th), r.topleft)
            draw_text(surf, kind, label_font, T.TEXT_DIM, (r.centerx, r.bottom + th.px(2)), "midtop")
        y = self.preview.y + th.px(48) + rows * (cell + th.px(22)) + th.px(6)
        for i, c in enumerate(world.COLORS):
            r = pygame.Rect(self.preview.x + th.px(16) + i * (cell * 4 // 6), y, cell * 4 // 6, cell * 4 // 6)
            surf.blit(tiles.object_surface("coin", c, 0, r.width, th), r.topleft)
