"""Registers Mesa Lab's Gymnasium environment. Gymnasium (0.26 to 0.29) calls
`register_envs` on `import gymnasium` through the `gymnasium.envs` entry point
declared in pyproject.toml, in the namespace `mesa_lab`, so that
`gymnasium.make("mesa_lab/Level-v0", path=FILE, levels="train")` needs no other
import. Kept apart from game/gym_env.py so registering imports nothing heavy."""

from __future__ import annotations

ENV_ID = "mesa_lab/Level-v0"


def register_envs() -> None:
    # gymnasium is still importing itself when it calls this: take the registry
    # from its own module, which is already complete
    from gymnasium.envs.registration import register, registry
    if ENV_ID not in registry:
        register(id=ENV_ID, entry_point="game.gym_env:LevelEnv")
