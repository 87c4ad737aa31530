"""`python main.py step PATH --level NAME --actions UDLR... [--seed N] [--view N]`:
run the rules on one level with a sequence of actions and print every step: the
action, the agent's position, the events by name, the reward, the return so far,
and the grid after the step. Stops when the episode ends and says why."""

from __future__ import annotations

import argparse
import sys

import numpy as np

from game.commands.common import guarded, load_level_file
from levels import kernels, world
from levels.compiled import compile_levels, new_state, obs_spec

TERRAIN_LETTER = dict(enumerate(world.TERRAIN_SYMBOLS))


def add_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH", help="a level file")
    p.add_argument("--level", metavar="NAME", required=True, help="the level to play (any set)")
    p.add_argument("--actions", metavar="UDLR", required=True,
                   help="actions as letters: U up, D down, L left, R right (e.g. RRDD)")
    p.add_argument("--seed", type=int, default=0, help="seed for random spawns (default 0)")
    p.add_argument("--view", type=int, default=None,
                   help="also print the agent's egocentric observation of this odd size")


def draw(ls, st, level_h: int, level_w: int) -> str:
    """The grid as ASCII: terrain, objects by their map letter, '@' for the agent."""
    P = world.PAD
    rows = []
    for r in range(level_h):
        line = []
        for c in range(level_w):
            code = int(st.grid[0, r + P, c + P])
            ch = TERRAIN_LETTER.get(code & world.FIELD_MASK, "?")
            kind = (code >> world.KIND_SHIFT) & world.FIELD_MASK
            if kind:
                ch = world.KIND_TABLE[kind - 1].symbol
            if (r, c) == (int(st.r[0]), int(st.c[0])):
                ch = "@"
            line.append(ch)
        rows.append("    " + " ".join(line))
    return "\n".join(rows)


def draw_view(codes, spec) -> str:
    view = spec.view
    rows = []
    for dr in range(view):
        line = []
        for dc in range(view):
            code = int(codes[dr * view + dc])
            ch = TERRAIN_LETTER.get(code & world.FIELD_MASK, "?")
            kind = (code >> world.KIND_SHIFT) & world.FIELD_MASK
            color = (code >> world.COLOR_SHIFT) & world.FIELD_MASK
            if kind:
                ch = world.KIND_TABLE[kind - 1].symbol
            elif color:
                ch = "+"  # a colour seen beyond the shape range
            if dr == dc == view // 2:
                ch = "@"
            line.append(ch)
        rows.append("    " + " ".join(line))
    g = codes[view * view:]
    flags = ", ".join(f"{n} {int(v)}" for n, v in zip(world.GLOBALS, g))
    text = "\n".join(rows) + f"\n    globals: {flags}"
    pooled = g[world.N_GLOBALS:world.N_GLOBALS + spec.n_pooled]
    if len(pooled):  # [agent] pooled: what lies each way
        C = spec.cell_channels
        names = world.cell_channel_names(False, spec.trail)
        on = [f"{way} {names[ch].split('.')[-1]}" for w, way in enumerate(world.POOL_DIRECTIONS)
              for ch in range(C) if pooled[w * C + ch]]
        text += f"\n    pooled: {', '.join(on) or 'nothing'}"
    far = g[world.N_GLOBALS + spec.n_pooled:]
    if len(far):  # [agent] far_kinds: which kinds lie each way, anywhere in the level
        K = len(world.KINDS)
        on = [f"{way} {kind}" for w, way in enumerate(world.POOL_DIRECTIONS)
              for k, kind in enumerate(world.KINDS) if far[w * K + k]]
        text += f"\n    far kinds: {', '.join(on) or 'nothing'}"
    return text


@guarded
def run(args) -> int:
    lf = load_level_file(args.path)
    names = [lv.name for lv in lf.all_levels()]
    if args.level not in names:
        print(f"{args.path}: no level named {args.level!r}; levels: "
              + ", ".join(repr(n) for n in names), file=sys.stderr)
        return 1
    bad = [(k, ch) for k, ch in enumerate(args.actions) if ch.upper() not in world.ACTION_LETTERS]
    if bad:
        k, ch = bad[0]
        print(f"invalid action {ch!r} at position {k + 1} of --actions; use U (up), D (down), "
              "L (left), R (right)", file=sys.stderr)
        return 1
    if args.view is not None and (args.view < 1 or args.view % 2 == 0 or args.view > world.MAX_VIEW):
        print(f"--view must be an odd number from 1 to {world.MAX_VIEW}", file=sys.stderr)
        return 1
    level = lf.level(args.level)
    ls = compile_levels([level], lf.rules, lf.zone_names)
    st = new_state(ls, 1)
    kernels.seed_rng(st.rng, args.seed)
    kernels.reset_all(ls, st, np.zeros(1, np.int32))
    view = args.view
    obs = None
    if view is not None:
        spec = obs_spec(view, lf.agent.shape_range, *ls.terrain.shape[1:], lf.agent.trail,
                        lf.agent.pooled, far_kinds=lf.agent.far_kinds)
        obs = np.zeros((1, spec.length), np.int32)

    def show_view():
        if obs is not None:
            kernels.observe_all(ls, st, view, spec.shape_range, spec.trail, obs)
            print(f"  view {view}x{view}:")
            print(draw_view(obs[0], spec))

    print(f"level {level.name!r} ({level.height}x{level.width}), seed {args.seed}, "
          f"max_steps {lf.rules.max_steps}; start at ({int(st.r[0])}, {int(st.c[0])})")
    print(draw(ls, st, level.height, level.width))
    show_view()
    total = np.float32(0.0)
    actions = np.zeros(1, np.int32)
    ev, rw, dn = np.zeros(1, np.int32), np.zeros(1, np.float32), np.zeros(1, np.bool_)
    end_mask = int(ls.end_mask[0])
    for k, ch in enumerate(args.actions.upper(), start=1):
        a = world.ACTION_LETTERS.index(ch)
        actions[0] = a
        kernels.step_all(ls, st, actions, ev, rw, dn, False)
        total = np.float32(total + rw[0])
        names_ = world.event_names(int(ev[0]), lf.zone_names)
        print(f"\nstep {k}: {ch} ({world.ACTIONS[a]}) -> ({int(st.r[0])}, {int(st.c[0])})  "
              f"events: {', '.join(names_)}  reward {float(rw[0]):+g}  return {float(total):+g}")
        print(draw(ls, st, level.height, level.width))
        show_view()
        if dn[0]:
            why = world.event_names(int(ev[0]) & end_mask, lf.zone_names)
            if int(ev[0]) >> world.EVENT_BIT["timeout"] & 1:
                why.append(f"timeout (max_steps {lf.rules.max_steps})")
            print(f"\nepisode over after {k} steps: {', '.join(dict.fromkeys(why))}; "
                  f"return {float(total):+g}")
            if k < len(args.actions):
                print(f"({len(args.actions) - k} action(s) not played)")
            return 0
    print(f"\nnot over after {len(args.actions)} steps; return {float(total):+g}")
    return 0
