"""Settings: presenter mode, colour-blind-safe palette, animation speed, sound,
workshop mode; for class results a nickname, "Export my results" and the class
view. Saved with the player's progress."""

from __future__ import annotations

import pygame

from game.ui import theme as T
from game.ui.scene import Scene
from game.ui.widgets import Button, draw_text, panel
from game.ui import tiles

SPEEDS = (0.5, 1.0, 2.0, 4.0)


class SettingsScene(Scene):
    title = "Settings"

    def build(self, rect):
        th = self.theme
        s = self.app.progress.settings
        x = th.px(60)
        y = th.px(90)
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
        room = rect.height - y - back_h - th.px(40)
        gap = th.px(12)
        h = max(th.px(34), min(th.px(64), room // len(rows) - gap))
        size = 22 if h >= th.px(56) else 18
        for i, (bid, label, fn, sc, tip, key, sel) in enumerate(rows):
            r = pygame.Rect(x, y + i * (h + gap), w, h)
            self.add(Button(bid, label, r, fn, sc, tip, selected=sel, size=size), key)
        back = pygame.Rect(x, y + len(rows) * (h + gap) + th.px(12), th.px(200), back_h)
        self.add(Button("back", "Back", back, self.app.pop, "Esc", "Back to the previous screen"), pygame.K_ESCAPE)
        self.preview = pygame.Rect(x + w + th.px(40), y, rect.right - (x + w + th.px(40)) - th.px(40), th.px(300))

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
        from game.ui.scenes.prompt import PromptScene

        def done(text: str) -> None:
            self.app.progress.settings.nickname = text[:40]
            self._save()
        self.app.push(PromptScene(self.app, "Nickname", "Your nickname for class results "
                                  "(leave empty for none):", self.app.progress.settings.nickname,
                                  done, "Shown to your instructor in the class summary; "
                                  "nothing else about you is recorded."))

    def export(self):
        from game.ui.classroom import export
        export(self.app)

    def class_view(self):
        from game.ui.scenes.classview import ClassViewScene
        self.app.push(ClassViewScene(self.app))

    def toggle_sound(self):
        s = self.app.progress.settings
        s.sound = not s.sound
        self._save()

    def draw_content(self, surf):
        self.header(surf, "Settings", "saved for this user")
        th = self.theme
        if self.preview.width > th.px(160):
            panel(surf, self.preview, th)
            draw_text(surf, "Objects", th.font(18, "bold"), T.TEXT, (self.preview.x + th.px(16), self.preview.y + th.px(12)))
            from levels import world
            cell = min(th.px(56), (self.preview.width - th.px(32)) // 4)
            for i, kind in enumerate(world.KINDS):
                r = pygame.Rect(self.preview.x + th.px(16) + (i % 4) * cell,
                                self.preview.y + th.px(48) + (i // 4) * (cell + th.px(22)), cell, cell)
                surf.blit(tiles.terrain_surface("floor", cell), r.topleft)
                color = world.DEFAULT_COLOR[kind]
                surf.blit(tiles.object_surface(kind, color, 2025 if world.KIND[kind].shows_year else 0, cell, th), r.topleft)
                draw_text(surf, kind, th.font(13), T.TEXT_DIM, (r.centerx, r.bottom + th.px(2)), "midtop")
            y = self.preview.y + th.px(48) + 2 * (cell + th.px(22)) + th.px(6)
            for i, c in enumerate(world.COLORS):
                r = pygame.Rect(self.preview.x + th.px(16) + i * (cell * 4 // 6), y, cell * 4 // 6, cell * 4 // 6)
                surf.blit(tiles.object_surface("coin", c, 0, r.width, th), r.topleft)
