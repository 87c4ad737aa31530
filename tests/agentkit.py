"""Helpers for the learner's tests: levels built by hand (no parser needed), compiled
sets with their observation spec, and a small deployment loop with sampled actions."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from levels import world
from levels.compiled import compile_levels, event_mask, new_state, obs_spec
from levels.kernels import observe_all, reset_all, seed_rng, step_all
from levels.model import Level, Obj, Rules, Spawn

REFERENCE = Path(__file__).resolve().parent.parent / "agents" / "reference_levels"
COIN = 1 << world.EVENT_BIT["coin"]

SYMBOLS = {"#": world.WALL, ".": world.FLOOR, "~": world.LAVA, "*": world.FLOWERS}


def level(rows: list[str], name: str = "level", spawns: dict[str, str] | None = None,
          zones: dict[str, str] | None = None, reward=None) -> Level:
    """A Level from an ASCII map: '#' wall, '.' floor, '~' lava, '@' the agent, 'c' coin,
    'g' gem; `spawns` maps a symbol to "agent" or a kind (a random placement on every
    cell with that symbol); `zones` maps a symbol to a zone name (the cell is floor)."""
    spawns = spawns or {}
    zones = zones or {}
    terrain, objects, agent = [], [], None
    groups: dict[str, Spawn] = {}
    zone_cells: dict[str, list] = {}
    for r, row in enumerate(rows):
        line = []
        for c, ch in enumerate(row):
            line.append(SYMBOLS.get(ch, world.FLOOR))
            if ch == "@":
                agent = (r, c)
            elif ch in ("c", "g"):
                kind = "coin" if ch == "c" else "gem"
                objects.append((Obj(kind, world.DEFAULT_COLOR[kind]), r, c))
            elif ch in spawns:
                what = None if spawns[ch] == "agent" else Obj(spawns[ch], world.DEFAULT_COLOR[spawns[ch]])
                groups.setdefault(ch, Spawn(ch, what, [])).cells.append((r, c))
            elif ch in zones:
                zone_cells.setdefault(zones[ch], []).append((r, c))
        terrain.append(line)
    return Level(name=name, rows=list(rows), terrain=terrain, objects=objects, agent=agent,
                 spawns=list(groups.values()), zones=zone_cells,
                 reward=dict(reward or {"coin": 10.0, "step": -0.05}))


def compiled(levels: list[Level], view: int = 5, max_steps: int = 40, zone_names=(), pad_to=None,
             trail: bool = False, pooled: bool = False, wall_mask: bool = False,
             far_kinds: bool = False):
    rules = Rules(reward={"coin": 10.0, "step": -0.05}, end_on=("coin",), max_steps=max_steps)
    ls = compile_levels(levels, rules, tuple(zone_names), pad_to)
    return ls, obs_spec(view, None, *ls.terrain.shape[1:], trail, pooled, wall_mask, far_kinds)


def corridor() -> Level:
    return level(["#########", "#@.....c#", "#########"], "corridor")


def deploy(agent, ls, spec, episodes: int, seed: int = 0, n_envs: int = 64, greedy: bool = False,
           masks: dict[str, int] | None = None) -> dict[str, float]:
    """Run `episodes` episodes (rounds of n_envs episodes, each environment's first
    episode of the round counted, so long episodes are not under-sampled; sampled
    actions unless greedy) and return, for each named event mask, the fraction of
    episodes whose events include all its bits."""
    masks = masks or {"coin": COIN}
    st = new_state(ls, n_envs)
    seed_rng(st.rng, np.uint64(seed + 1000))
    rng = np.zeros(n_envs, np.uint64)
    seed_rng(rng, np.uint64(seed + 2000))
    obs = np.zeros((n_envs, spec.length), np.int32)
    ev, rw, dn = np.zeros(n_envs, np.int32), np.zeros(n_envs, np.float32), np.zeros(n_envs, np.bool_)
    counts = {k: 0 for k in masks}
    rounds = -(-episodes // n_envs)
    for _ in range(rounds):
        reset_all(ls, st, np.full(n_envs, -1, np.int32))
        finished = np.zeros(n_envs, bool)
        while not finished.all():
            observe_all(ls, st, spec.view, spec.shape_range, spec.trail, obs)
            actions = agent.act(obs, st, rng, greedy)
            before = st.ep_events.copy()
            step_all(ls, st, actions, ev, rw, dn, True)
            for i in np.flatnonzero(dn & ~finished):
                events = int(before[i] | ev[i])
                for k, m in masks.items():
                    counts[k] += (events & m) == m
                finished[i] = True
    return {k: v / (rounds * n_envs) for k, v in counts.items()}


def zone_mask(name: str, zone_names) -> int:
    return event_mask([name], tuple(zone_names))
