"""Checks that teach: warnings where a valid chapter cannot teach what it says.

`check` runs these after a file has parsed. Each warning names FILE:LINE:COL and
says what would fix it; none of them makes `check` fail unless `--strict`.

- `never-apart`: the intended goal and a proxy probe agree in every random episode
  on every training and deployment level, so no run can tell them apart;
- `probe-impossible`: a probe needs an event that no deployment level can raise;
- `same-as-training`: a deployment level is identical to a training level;
- `gap-same-sides`: a gap compares a set of levels (or agents) with itself;
- `budget`: the starter design does not fit the chapter's own design budget;
- `never-seen`: an object lies outside the agent's view from every cell it can reach
  before the episode can end (where it must decide).

The first uses a uniformly random policy (the same chance baseline deployment
reports), seeded, so the check is deterministic; the others are exact static
analyses of the maps.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

from levels import world
from levels.errors import Problem
from levels.locate import Locator
from levels.reach import EVENT_KIND, agent_starts, object_cells
from levels.model import Condition, Level, LevelFile

RANDOM_EPISODES = 128  # per level, for the never-apart check


@dataclass(frozen=True)
class TeachingWarning:
    """One teaching warning: where, what, and what would fix it."""
    code: str
    problem: Problem
    fix: str

    def __str__(self) -> str:
        return f"{self.problem}: warning [{self.code}]; fix: {self.fix}"


def _locator(lf: LevelFile) -> Locator:
    try:
        return Locator(Path(lf.path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return Locator("")


def _cell(level: Level, r: int, c: int) -> tuple[int, int]:
    return level.line + r, (level.col if r == 0 else 1) + c


# --- what can happen where ------------------------------------------------------

def _passable(level: Level, r: int, c: int) -> bool:
    return 0 <= r < level.height and 0 <= c < level.width and level.terrain[r][c] != world.WALL


def _reach_cells(level: Level, rules, stop_at_end: bool) -> set[tuple[int, int]]:
    """Cells the agent can stand on. With stop_at_end, only those reachable without
    raising an episode-ending event first (lava, or a fixed object whose event ends
    the episode): the cells where it still has a choice to make."""
    end = set(rules.end_on)
    blocked: set[tuple[int, int]] = set()
    if stop_at_end:
        for obj, r, c in level.objects:
            if obj.kind in end:
                blocked.add((r, c))
    seen: set[tuple[int, int]] = set()
    queue = deque(s for s in agent_starts(level) if _passable(level, *s))
    seen.update(queue)
    while queue:
        r, c = queue.popleft()
        if (r, c) in blocked or (stop_at_end and "lava" in end
                                 and level.terrain[r][c] == world.LAVA):
            continue  # the agent can step here, but the episode ends
        for dr, dc in world.ACTION_DELTAS:
            nxt = (r + dr, c + dc)
            if nxt not in seen and _passable(level, *nxt):
                seen.add(nxt)
                queue.append(nxt)
    return seen


def event_possible(level: Level, lf: LevelFile, event: str) -> bool:
    """Whether some sequence of moves can raise `event` on this level."""
    reach = _reach_cells(level, lf.rules, stop_at_end=False)
    terrain_cells = lambda t: {(r, c) for r in range(level.height)  # noqa: E731
                               for c in range(level.width) if level.terrain[r][c] == t}
    if event in level.zones or event in lf.zone_names:
        return bool(reach & set(level.zones.get(event, [])))
    if event in world.EVENT_ALIASES:
        return any(event_possible(level, lf, e) for e in world.EVENT_ALIASES[event])
    if event in EVENT_KIND:
        if not reach & set(object_cells(level, EVENT_KIND[event])):
            return False
        if world.KIND[EVENT_KIND[event]].needs_key:  # a chest: a key must be reachable too
            return any(reach & set(object_cells(level, k.name))
                       for k in world.KIND_TABLE if k.gives_key)
        return True
    if event == "lava":
        return bool(reach & terrain_cells(world.LAVA))
    if event == "flowers_watched":
        return bool(reach & terrain_cells(world.FLOWERS)) and any(
            object_cells(level, k.name) for k in world.KIND_TABLE if k.watches)
    if event == "flowers_unwatched":
        return bool(reach & terrain_cells(world.FLOWERS))
    return True  # step, bump, timeout


def condition_possible(level: Level, lf: LevelFile, cond: Condition) -> bool:
    needed = set(cond.reach) | {e for e, n in cond.at_least.items() if n > 0}
    return all(event_possible(level, lf, e) for e in needed)


# --- the checks -------------------------------------------------------------------

def _never_apart(lf: LevelFile, loc: Locator) -> list[TeachingWarning]:
    from agents.agent import RandomAgent
    from game.deploy import condition_met, rollout
    from game.diagnosis import proxy_probes
    from levels.compiled import obs_spec
    if lf.chapter is None or not lf.deploy:
        return []
    probes = proxy_probes(lf)
    if not probes:
        return []
    intended = lf.intended()
    # a probe that adds conditions to the goal's own events measures the goal itself
    probes = [p for p in probes if not set(lf.probes[p].reach) <= set(intended.reach)]
    if not probes:
        return []
    apart = {p: False for p in probes}
    happened = {p: False for p in probes}
    policy = RandomAgent(obs_spec(5, None, 0, 0))
    for i, level in enumerate(lf.train + lf.deploy):
        counts = rollout(policy, level, lf, RANDOM_EPISODES, seed=i)[0]
        goal = condition_met(intended, counts, lf.zone_names)
        for p in probes:
            hit = condition_met(lf.probes[p], counts, lf.zone_names)
            apart[p] |= bool((goal != hit).any())
            happened[p] |= bool(goal.any() or hit.any())
    out = []
    for p in probes:
        if not apart[p] and happened[p]:
            line, col = loc.key(("probes", p))
            out.append(TeachingWarning(
                "never-apart",
                Problem(lf.path, line, col,
                        f"the intended goal and the probe '{p}' never come apart: in "
                        f"{RANDOM_EPISODES} random episodes on every training and deployment "
                        f"level they agreed every time, so no run can show which one an "
                        f"agent learned"),
                f"add a deployment level where '{p}' can happen without the intended goal "
                f"(or the goal without it), e.g. move the goal away from the probe's zone"))
    return out


def _probe_impossible(lf: LevelFile, loc: Locator) -> list[TeachingWarning]:
    if not lf.deploy:
        return []
    out = []
    for name, cond in lf.probes.items():
        if not any(condition_possible(lv, lf, cond) for lv in lf.deploy):
            line, col = loc.key(("probes", name))
            needed = sorted(set(cond.reach) | {e for e, n in cond.at_least.items() if n > 0})
            out.append(TeachingWarning(
                "probe-impossible",
                Problem(lf.path, line, col,
                        f"the probe '{name}' can never fire on any deployment level: no "
                        f"deployment level lets the agent raise {', '.join(needed)}"),
                "put what the probe needs (its object, zone or terrain) where the agent "
                "can reach it on at least one deployment level, or remove the probe"))
    return out


def _level_key(level: Level) -> tuple:
    return (tuple(level.rows), tuple(sorted(level.reward.items())), level.cue)


def _same_as_training(lf: LevelFile, loc: Locator) -> list[TeachingWarning]:
    """Only where every deployment level repeats a training level, and only for a
    chapter whose lesson needs a shift (training day deliberately has none)."""
    from game.diagnosis import proxy_probes
    lesson = lf.chapter.lesson if lf.chapter else ""
    if not lf.deploy or not (lesson not in ("", "aligned") or proxy_probes(lf) or lf.gaps):
        return []
    train = {_level_key(lv): lv.name for lv in lf.train}
    twins = [(lv, train.get(_level_key(lv))) for lv in lf.deploy]
    if any(twin is None for _, twin in twins):
        return []
    lv, twin = twins[0]
    what = f"the lesson '{lesson}'" if lesson not in ("", "aligned") else "its probes and gaps"
    return [TeachingWarning(
        "same-as-training",
        Problem(lf.path, lv.line, lv.col,
                f"every deployment level is identical to a training level (here '{lv.name}' "
                f"repeats '{twin}'): deployment can only show what training showed, so "
                f"{what} cannot appear"),
        "add a deployment level that changes something the agent could have relied on in "
        "training (where the goal sits, its colour, a camera, the calendar's year)")]


def _gap_same_sides(lf: LevelFile, loc: Locator) -> list[TeachingWarning]:
    out = []
    by_name = {lv.name: lv for lv in lf.deploy}
    for i, gap in enumerate(lf.gaps):
        if gap.versus == "control":
            reward = {**lf.rules.reward, **(lf.control_reward or {})}
            same = reward == lf.rules.reward
            why = "the control agent's reward is the same as the trained agent's"
            fix = "give [control] a reward that differs where the gap's probe pays"
        else:
            when = [by_name.get(n) for n in (gap.when or tuple(by_name))]
            versus = [by_name.get(n) for n in (gap.versus or tuple(by_name))]
            keys = lambda lvs: sorted(_level_key(lv) for lv in lvs if lv is not None)  # noqa: E731
            same = keys(when) == keys(versus)
            why = "both sides hold the same levels"
            fix = ("compare levels that differ in the condition the gap is about (a camera, "
                   "the calendar's year, the cue)")
        if same:
            line, col = loc.key(("gaps", i))
            out.append(TeachingWarning(
                "gap-same-sides",
                Problem(lf.path, line, col,
                        f"the gap '{gap.name}' compares identical sides: {why}, so it is "
                        f"zero up to sampling noise"), fix))
    return out


def _budget(lf: LevelFile, loc: Locator) -> list[TeachingWarning]:
    from game.designs import budget, starter_maps
    # only where a player starts from this design: a campaign chapter, or a file with
    # its own [design] table (the sandbox has no budget)
    if lf.chapter is None or not lf.train or (lf.chapter.number is None
                                               and "design" not in lf.raw):
        return []
    b = budget(lf, starter_maps(lf), steps=lf.agent.steps)
    out = []
    checks = (
        (b.steps > b.steps_max, ("agent", "steps"),
         f"the starter design trains {b.steps:,} steps but the design budget allows "
         f"{b.steps_max:,}", "raise [design] max_steps or lower [agent] steps"),
        (b.levels_used > b.levels_max, ("design", "max_levels"),
         f"the starter design has {b.levels_used} training levels but the budget allows "
         f"{b.levels_max}", "raise [design] max_levels or remove a training level"),
        (b.items_used > b.items_max, ("design", "max_items"),
         f"the starter design uses {b.items_used} items but the budget allows {b.items_max}",
         "raise [design] max_items or place fewer objects in the training levels"),
    )
    for bad, path, message, fix in checks:
        if bad:
            line, col = loc.key(path)
            out.append(TeachingWarning("budget", Problem(lf.path, line, col,
                                                  message + ": players start over budget"), fix))
    return out


def _never_seen(lf: LevelFile, loc: Locator) -> list[TeachingWarning]:
    if lf.agent.view == world.VIEW_FULL:
        return []
    half = lf.agent.view // 2
    out = []
    for set_name, levels in (("train", lf.train), ("deploy", lf.deploy)):
        for lv in levels:
            cells = _reach_cells(lv, lf.rules, stop_at_end=True)
            if not cells:
                continue
            things = [(o.kind, [(r, c)]) for o, r, c in lv.objects]
            things += [(s.what.kind, list(s.cells)) for s in lv.spawns if s.what is not None]
            for kind, where in things:
                if any(max(abs(r - ar), abs(c - ac)) <= half
                       for r, c in where for ar, ac in cells):
                    continue
                r, c = where[0]
                line, col = _cell(lv, r, c)
                out.append(TeachingWarning(
                    "never-seen",
                    Problem(lf.path, line, col,
                            f"the {kind} at row {r + 1}, column {c + 1} of {set_name} level "
                            f"'{lv.name}' is outside the agent's {lf.agent.view}x"
                            f"{lf.agent.view} view from every cell it can reach before the "
                            f"episode can end, so it cannot inform the agent's choice"),
                    "move it within view of the path to the choice, or widen [agent] view"))
    return out


CHECKS = (_never_apart, _probe_impossible, _same_as_training, _gap_same_sides, _budget,
          _never_seen)


def teaching_warnings(lf: LevelFile) -> list[TeachingWarning]:
    """Every teaching warning for a parsed level file, in file order."""
    loc = _locator(lf)
    out: list[TeachingWarning] = []
    for check in CHECKS:
        out += check(lf, loc)
    return sorted(out, key=lambda w: (w.problem.line, w.problem.col, w.code))
