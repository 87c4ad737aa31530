"""Tiny synthesized sound effects (no audio files): a click, a success chime, a
reveal. Sound is optional: without an audio device the game stays silent."""

from __future__ import annotations

import numpy as np
import pygame

TONES = {  # name -> list of (frequency Hz, seconds)
    "click": [(880, 0.03)],
    "done": [(660, 0.08), (990, 0.12)],
    "reveal": [(440, 0.08), (554, 0.08), (659, 0.14)],
    "error": [(220, 0.15)],
}


class Sounds:
    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self._ready: bool | None = None
        self._sounds: dict[str, pygame.mixer.Sound] = {}

    def _init(self) -> bool:
        if self._ready is None:
            try:
                pygame.mixer.init(frequency=22050, size=-16, channels=1)
                rate = pygame.mixer.get_init()[0]
                channels = pygame.mixer.get_init()[2]
                for name, notes in TONES.items():
                    parts = []
                    for freq, secs in notes:
                        t = np.arange(int(rate * secs)) / rate
                        env = np.minimum(1.0, np.minimum(t / 0.005, (secs - t) / 0.02))
                        parts.append(0.25 * np.sin(2 * np.pi * freq * t) * np.clip(env, 0, 1))
                    wave = (np.concatenate(parts) * 32767).astype(np.int16)
                    if channels > 1:
                        wave = np.repeat(wave[:, None], channels, axis=1)
                    self._sounds[name] = pygame.sndarray.make_sound(np.ascontiguousarray(wave))
                self._ready = True
            except (pygame.error, ValueError, TypeError):
                self._ready = False
        return self._ready

    def play(self, name: str) -> None:
        if self.enabled and self._init() and name in self._sounds:
            self._sounds[name].play()
