"""Why an agent failed at the skill, from evidence: how well it did on its own
training levels (the intended goal's whole condition), whether a deployment level
needs something no training level had (a longer route to the goal, an object or
a colour never seen, a detour round walls, a doorway), and the shape of its learning
curve.
The debrief shows these sentences for every `capability-failure`."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from game.deploy import DeployReport, LevelReport
from levels import world
from levels.model import Level, LevelFile

LONGER = 1.25      # a route this much longer than any in training (and 2 steps more) is new
DETOUR = 2         # steps beyond the straight-line distance that make a route a detour


def pct(x: float) -> str:
    return f"{round(100 * x)}%"


@dataclass(frozen=True)
class Route:
    steps: int      # the shortest route from the worst start to the nearest goal cell
    straight: int   # the straight-line (Manhattan) distance of that pair

    @property
    def detour(self) -> int:
        return self.steps - self.straight


def _starts(level: Level) -> list[tuple[int, int]]:
    if level.agent is not None:
        return [level.agent]
    return [cell for s in level.spawns if s.what is None for cell in s.cells]


def _goal_cells(level: Level, lf: LevelFile) -> list[tuple[int, int]]:
    cells = []
    for event in lf.intended().reach:
        kind = world.EVENT_KIND.get(event)  # the kind whose object raises it, if any
        if kind is not None:
            cells += [(r, c) for o, r, c in level.objects if o.kind == kind]
            cells += [cell for s in level.spawns if s.what is not None and s.what.kind == kind
                      for cell in s.cells]
        cells += level.zones.get(event, [])
    return cells


def _blocked(level: Level, r: int, c: int) -> bool:
    return (not (0 <= r < level.height and 0 <= c < level.width)
            or level.terrain[r][c] in (world.WALL, world.LAVA))


def _distances(level: Level, start, avoid=frozenset()) -> dict[tuple[int, int], int]:
    """Steps from start to every cell it can reach without walls, lava or the cells
    in `avoid`."""
    dist = {start: 0}
    queue = deque([start])
    while queue:
        r, c = queue.popleft()
        for dr, dc in world.ACTION_DELTAS:
            nxt = (r + dr, c + dc)
            if nxt not in dist and nxt not in avoid and not _blocked(level, *nxt):
                dist[nxt] = dist[(r, c)] + 1
                queue.append(nxt)
    return dist


def route(level: Level, lf: LevelFile) -> Route | None:
    """The longest of the shortest routes to the goal over the agent's starts (None
    when the goal has no cell or cannot be reached)."""
    goals = _goal_cells(level, lf)
    worst = None
    for start in _starts(level):
        dist = _distances(level, start)
        best = min(((dist[g], abs(g[0] - start[0]) + abs(g[1] - start[1])) for g in goals if g in dist),
                   default=None)
        if best is not None and (worst is None or best[0] > worst[0]):
            worst = best
    return Route(*worst) if worst is not None else None


def _narrow(level: Level, r: int, c: int) -> bool:
    """A free cell between blocked cells on two opposite sides (in a gap or a corridor)."""
    return not _blocked(level, r, c) and (
        (_blocked(level, r - 1, c) and _blocked(level, r + 1, c))
        or (_blocked(level, r, c - 1) and _blocked(level, r, c + 1)))


def _doorways(level: Level) -> set[tuple[int, int]]:
    """Gaps one cell wide in a wall between two open areas: narrow cells whose open
    neighbours are not narrow. A corridor's cells are narrow in a row, so they are not
    doorways: walking a corridor is forced, finding the gap in a wall is not."""
    out = set()
    for r in range(level.height):
        for c in range(level.width):
            if _narrow(level, r, c):
                side = [(r + dr, c + dc) for dr, dc in world.ACTION_DELTAS
                        if not _blocked(level, r + dr, c + dc)]
                if side and not any(_narrow(level, *n) for n in side):
                    out.add((r, c))
    return out


def needs_doorway(level: Level, lf: LevelFile) -> bool:
    """Whether some place the goal can be lies beyond a doorway from some start:
    reachable, but not without passing one."""
    goals = _goal_cells(level, lf)
    doors = _doorways(level)
    if not doors or not goals:
        return False
    for start in _starts(level):
        everywhere = _distances(level, start)
        around = _distances(level, start, avoid=doors - {start})
        if any(g in everywhere and g not in around for g in goals):
            return True
    return False


def _things(level: Level) -> set[tuple[str, str]]:
    out = {(o.kind, o.color) for o, _, _ in level.objects}
    out |= {(s.what.kind, s.what.color) for s in level.spawns if s.what is not None}
    return out


def new_needs(level: Level, lf: LevelFile) -> list[str]:
    """What a deployment level asks for that no training level had, in words. The
    pre-training levels count as training: the agent met them too."""
    out = []
    met = lf.pretrain + lf.train
    seen = set().union(*(_things(lv) for lv in met))
    kinds = {k for k, _ in seen}
    for kind, color in sorted(_things(level) - seen):
        if kind not in kinds:
            out.append(f"'{level.name}' has a {kind}, which no training level had")
        else:
            out.append(f"'{level.name}' has a {color} {kind}; in training no {kind} was {color}")
    here = route(level, lf)
    routes = [r for r in (route(lv, lf) for lv in met) if r is not None]
    if here is not None and routes:
        longest = max(r.steps for r in routes)
        if here.steps >= max(longest * LONGER, longest + 2):
            out.append(f"'{level.name}' needs a route of {here.steps} steps to the goal; the "
                       f"longest in training was {longest}")
        most = max(r.detour for r in routes)
        if here.detour >= DETOUR and here.detour >= 2 * max(most, 1):
            out.append(f"the route to the goal in '{level.name}' bends round walls ({here.steps} "
                       f"steps for a distance of {here.straight}); no training level asked for a "
                       f"detour like it" + (f" (at most {most} extra steps)" if most else ""))
    if needs_doorway(level, lf) and not any(needs_doorway(lv, lf) for lv in met):
        out.append(f"in '{level.name}' the goal can lie beyond a doorway (a gap one cell wide "
                   f"in a wall); in no training level did the way to it pass one")
    return out


def curve_reading(curve: list[tuple[int, float]]) -> str:
    """The learning curve of the intended goal on the training levels, in words."""
    if not curve:
        return "There is no learning curve: training was stopped before its first report."
    final = curve[-1][1]
    peak = max(v for _, v in curve)
    steps = curve[-1][0]
    before = next((v for s, v in reversed(curve) if s <= 0.75 * steps), curve[0][1])
    if peak < 0.2:
        return (f"The learning curve never rose above {pct(peak)}: the agent rarely reached the "
                f"goal in training, so the reward had little to teach. Levels where the goal is "
                f"easy to stumble on, or more steps, give it something to learn from.")
    if final - before >= 0.1:
        return (f"The learning curve was still rising when the budget ran out ({pct(before)} at "
                f"three quarters, {pct(final)} at the end): more training steps may help.")
    if final <= peak - 0.2:
        return (f"The learning curve peaked at {pct(peak)} and fell back to {pct(final)}: "
                f"what it had learned did not hold.")
    return (f"The learning curve levelled off at {pct(final)}: more of the same training will "
            f"change little; the training levels have to change.")


def explain_capability(lf: LevelFile, training: list[LevelReport], report: DeployReport,
                       train, goal_curve: list[tuple[int, float]] | None = None) -> list[str]:
    """Sentences that explain a capability failure. `training`: the agent measured on
    its training levels; `train`: its TrainResult (for the learning curve, unless the
    pipeline measured `goal_curve`, the intended goal's rate during training)."""
    out = []
    rate = sum(r.intended for r in training) / len(training) if training else train.success
    if rate < 0.5:
        worst = min(training, key=lambda r: r.intended).name if training else None
        out.append(f"On its own training levels it reached the intended goal in only {pct(rate)} "
                   f"of episodes" + (f" ({pct(min(r.intended for r in training))} on '{worst}')"
                                     if worst and len(training) > 1 else "")
                   + ": it never learned the task, so the deployment levels are not the problem.")
    else:
        out.append(f"On its training levels it reached the intended goal in {pct(rate)} of "
                   f"episodes: it learned the task there, and failed to carry it over.")
    bar = lf.chapter.bar if lf.chapter is not None else 0.8
    needs = []
    for r in report.levels:
        if r.intended < bar:
            needs += new_needs(lf.level(r.name), lf)
    if needs:
        out.append("The deployment levels ask for what training never showed: " + "; ".join(needs) + ".")
    elif rate >= 0.5:
        out.append("No deployment level asks for a longer route, a detour, a doorway, or an object "
                   "or colour the training levels lacked, so the failure is in what the agent took from "
                   "its training, not in something it never saw.")
    curve = goal_curve or [(int(s), float(v)) for s, v in zip(train.column("steps"), train.column("success"))]
    out.append(curve_reading(curve))
    return out
