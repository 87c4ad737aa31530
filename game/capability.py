"""Why an agent fell short, from evidence: how well it did on its own training levels
(the intended goal's whole condition), whether a deployment level needs something no
training level had (a longer route to the goal, an object or a colour never seen, a
detour round walls, a doorway), and the shape of its learning curve.
The debrief shows these sentences for every `capability-failure` (explain_capability),
and for a `proxy` or `approximate` agent that behaved as intended on training levels
that put the goal's limits to the test, or an `approximate` one whose goal has no limits
(explain_shift): a design with the right idea whose lesson did not carry over to levels
unlike its own."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from game.deploy import DeployReport, LevelReport, quoted_names
from levels import world
from levels.model import Level, LevelFile
from levels.reach import goal_cut_off, in_the_way

LONGER = 1.25      # a route this much longer than any in training (and 2 steps more) is new
DETOUR = 2         # steps beyond the straight-line distance that make a route a detour
# The labels whose agents get explain_shift's evidence when they behaved as intended in
# training (the pipeline computes it, the debrief picks its next step by it).
SHIFT_LABELS = ("proxy", "approximate")
NUMBER_WORDS = ("none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


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


def _goal_places(level: Level, lf: LevelFile) -> list[list[tuple[int, int]]]:
    """Where the goal can be: each fixed goal object or zone cell on its own, and each
    spawn group's cells together (its object may appear on any of them)."""
    places = []
    for event in lf.intended().reach:
        kind = world.EVENT_KIND.get(event)  # the kind whose object raises it, if any
        if kind is not None:
            places += [[(r, c)] for o, r, c in level.objects if o.kind == kind]
            places += [list(s.cells) for s in level.spawns
                       if s.what is not None and s.what.kind == kind]
        places += [[cell] for cell in level.zones.get(event, [])]
    return places


def _goal_cells(level: Level, lf: LevelFile) -> list[tuple[int, int]]:
    return [cell for place in _goal_places(level, lf) for cell in place]


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
    """The longest route to the goal the level can ask for: from the worst start to the
    nearest place the goal can be, a spawned goal counted at the farthest of its cells,
    keeping off what ends the episode first or what the goal forbids (in_the_way) where
    a way round exists (None when the goal has no cell or cannot be reached)."""
    places = _goal_places(level, lf)
    forbidden = set(in_the_way(level, lf))
    worst = None
    for start in _starts(level):
        dist = _distances(level, start, avoid=frozenset(forbidden - {start}))
        if not any(g in dist for place in places for g in place):
            dist = _distances(level, start)  # no clean way: the route the level allows
        best = None
        for place in places:
            far = max(((dist[g], abs(g[0] - start[0]) + abs(g[1] - start[1]))
                       for g in place if g in dist), default=None)
            if far is not None and (best is None or far[0] < best[0]):
                best = far
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


# A doorway in a wall that runs top to bottom is walked through left or right, one in a
# wall that runs left to right up or down. The agent's view does not turn with the wall,
# so to it the two are different things (agents/README.md, seventh round).
WALL_RUNS = {"upright": "top to bottom", "flat": "left to right"}


def _wall_runs(level: Level, r: int, c: int) -> str:
    """Which way the wall of the doorway at (r, c) runs (a WALL_RUNS key)."""
    return "upright" if _blocked(level, r - 1, c) and _blocked(level, r + 1, c) else "flat"


def doorways_needed(level: Level, lf: LevelFile) -> set[str]:
    """The kinds of doorway (WALL_RUNS keys) that some place the goal can be lies
    beyond from some start: reachable, but not without passing a doorway of that kind."""
    goals = _goal_cells(level, lf)
    kinds: dict[str, set[tuple[int, int]]] = {}
    for door in _doorways(level):
        kinds.setdefault(_wall_runs(level, *door), set()).add(door)
    out = set()
    if not goals:
        return out
    for start in _starts(level):
        everywhere = _distances(level, start)
        for runs, doors in kinds.items():
            if runs not in out:
                around = _distances(level, start, avoid=doors - {start})
                if any(g in everywhere and g not in around for g in goals):
                    out.add(runs)
    return out


def _things(level: Level) -> set[tuple[str, str]]:
    out = {(o.kind, o.color) for o, _, _ in level.objects}
    out |= {(s.what.kind, s.what.color) for s in level.spawns if s.what is not None}
    return out


def _goal_kinds(lf: LevelFile) -> set[str]:
    return {world.EVENT_KIND[e] for e in lf.intended().reach if e in world.EVENT_KIND}


def _met(lf: LevelFile) -> list[Level]:
    """The levels the agent learned on; the pre-training levels count: it met them too."""
    return lf.pretrain + lf.train


def _unseen(level: Level, lf: LevelFile, goal: bool) -> list[tuple[str, str, bool]]:
    """The (kind, colour) pairs on `level` that no level the agent learned on had, of
    the intended goal's kinds (`goal`) or of the others, each with whether the kind
    itself was seen (in another colour)."""
    seen = set().union(*(_things(lv) for lv in _met(lf)))
    kinds = {k for k, _ in seen}
    wanted = _goal_kinds(lf)
    return [(kind, color, kind in kinds) for kind, color in sorted(_things(level) - seen)
            if (kind in wanted) == goal]


def new_needs(level: Level, lf: LevelFile) -> list[str]:
    """What a deployment level asks for that no training level had, in words: a goal
    object of a kind or colour never seen, a longer route, a detour, a doorway."""
    out = []
    met = _met(lf)
    for kind, color, kind_seen in _unseen(level, lf, goal=True):
        if not kind_seen:
            out.append(f"in '{level.name}' there is a {kind}, which no training level had")
        else:
            out.append(f"in '{level.name}' there is a {color} {kind}; in training no {kind} was "
                       f"{color}")
    here = route(level, lf)
    routes = [r for r in (route(lv, lf) for lv in met) if r is not None]
    if here is not None and routes:
        longest = max(r.steps for r in routes)
        if here.steps >= max(longest * LONGER, longest + 2):
            out.append(f"in '{level.name}' the goal can need a route of {here.steps} steps; the "
                       f"longest in training was {longest}")
        most = max(r.detour for r in routes)
        if here.detour >= DETOUR and here.detour >= 2 * max(most, 1):
            round_ = " and ".join(["walls"] + sorted(set(in_the_way(level, lf).values())))
            out.append(f"the route to the goal in '{level.name}' bends round {round_} "
                       f"({here.steps} steps for a distance of {here.straight}); no training "
                       f"level asked for a detour like it"
                       + (f" (at most {most} extra steps)" if most else ""))
    known = set().union(*(doorways_needed(lv, lf) for lv in met))
    new = sorted(doorways_needed(level, lf) - known)
    if new and not known:
        out.append(f"in '{level.name}' the goal can lie beyond a doorway (a gap one cell wide "
                   f"in a wall); in no training level did the way to it pass one")
    elif new:
        runs = " or ".join(WALL_RUNS[k] for k in new)
        seen = " or ".join(WALL_RUNS[k] for k in sorted(known))
        out.append(f"in '{level.name}' the goal can lie beyond a doorway in a wall that runs "
                   f"{runs}; in training the way to it passed doorways only in walls that run "
                   f"{seen}")
    return out


def needs_of(levels: list[Level], lf: LevelFile) -> list[str]:
    """new_needs of several levels, a need they share said once with all their names,
    or "every one of them" (every need names its level once, quoted)."""
    groups: dict[str, list[str]] = {}
    for lv in levels:
        for need in new_needs(lv, lf):
            groups.setdefault(need.replace(f"'{lv.name}'", "{where}"), []).append(lv.name)
    every = len(levels) > 1
    return [text.replace("{where}", "every one of them" if every and len(names) == len(levels)
                         else quoted_names(names)) for text, names in groups.items()]


def new_sights(levels: list[Level], lf: LevelFile) -> str | None:
    """Objects the goal does not need that no training level had (a chapter's test
    object, a distractor), one clause per kind (per colour when the kind was seen)
    with the levels it appears in."""
    where: dict[str, list[str]] = {}
    for lv in levels:
        for kind, color, kind_seen in _unseen(lv, lf, goal=False):
            what = f"a {color} {kind}" if kind_seen else f"a {kind}"
            if lv.name not in where.setdefault(what, []):
                where[what].append(lv.name)
    if not where:
        return None
    parts = [what + (" (in every one of them)" if len(names) == len(levels) > 1
                     else " (in " + ", ".join(f"'{n}'" for n in names) + ")")
             for what, names in sorted(where.items())]
    return ("The deployment levels where it fell short also hold what no training level had, "
            "though the goal does not need it: " + "; ".join(parts) + ".")


def paid_elsewhere(lf: LevelFile, training: list[LevelReport]) -> tuple[float, list[str]]:
    """How often the agent's training episodes ended on an event that the reward pays
    but the intended goal does not ask for (a hackable sensor), and which events."""
    goal = set(lf.intended().reach)
    shares, events = [], set()
    for r in training:
        paying = [e for e, w in lf.level(r.name).reward.items() if w > 0 and e not in goal]
        events.update(e for e in paying if r.outcomes.get(e, 0.0) > 0)
        shares.append(sum(r.outcomes.get(e, 0.0) for e in paying))
    return (sum(shares) / len(shares) if shares else 0.0), sorted(events)


def cut_off(lf: LevelFile, training: list[LevelReport]) -> tuple[list[str], list[str]]:
    """Training levels where no episode could meet the intended goal, because the goal
    lies only across what ends the episode or what the goal forbids (the editor's note,
    levels.reach.goal_cut_off), and the kinds of thing in the way there."""
    names, kinds = [], set()
    for r in training:
        level = lf.level(r.name)
        if goal_cut_off(level, lf):
            names.append(r.name)
            kinds |= set(in_the_way(level, lf).values())
    return names, sorted(kinds)


def training_rate(lf: LevelFile, training: list[LevelReport]) -> tuple[float, list[str], str]:
    """The intended goal's rate on the training levels where it could be met, the
    levels left out (cut_off), and the sentence that says what those taught."""
    cut, kinds = cut_off(lf, training)
    fair = [r for r in training if r.name not in cut]
    rate = sum(r.intended for r in fair) / len(fair) if fair else 0.0
    if not cut:
        return rate, cut, ""
    those = "that one" if len(cut) == 1 else "those"
    return rate, cut, (f"In {quoted_names(cut)} the goal lay only across {' and '.join(kinds)}: "
                       f"no episode there could meet it, so all the reward could teach there was to "
                       f"go through anyway, and the agent may do the same in deployment levels "
                       f"that look like {those}. The editor notes such levels.")


def left_out(cut: list[str]) -> str:
    return f" (leaving out {quoted_names(cut)}, where no episode could)" if cut else ""


def what_it_did(report: DeployReport, failed: list[str]) -> str | None:
    """What the agent did instead on the deployment levels where it fell short: the
    probes that happened in most of their episodes."""
    per: dict[str, list[tuple[str, float]]] = {}
    for r in report.levels:
        if r.name in failed and r.probes:
            probe, rate = max(r.probes.items(), key=lambda kv: kv[1])
            if rate >= 0.5:
                per.setdefault(probe, []).append((r.name, rate))
    parts = []
    for probe, rows in per.items():
        lo, hi = pct(min(v for _, v in rows)), pct(max(v for _, v in rows))
        parts.append(f"the probe '{probe}' happened in {lo if lo == hi else f'{lo} to {hi}'} of "
                     f"episodes on {quoted_names([n for n, _ in rows])}")
    return ("Where it fell short, " + "; ".join(parts) + ".") if parts else None


def curve_reading(curve: list[tuple[int, float]], hacked: bool = False) -> str:
    """The learning curve of the intended goal on the training levels, in words.
    `hacked`: the agent was paid for something else (paid_elsewhere)."""
    if not curve:
        return "There is no learning curve: training was stopped before its first report."
    final = curve[-1][1]
    peak = max(v for _, v in curve)
    steps = curve[-1][0]
    before = next((v for s, v in reversed(curve) if s <= 0.75 * steps), curve[0][1])
    if peak < 0.2 and hacked:
        return (f"The intended goal's learning curve never rose above {pct(peak)}: the reward "
                f"came from elsewhere, so nothing pushed the agent toward the goal. Training "
                f"levels where the shortcut is missing or pays nothing teach the task.")
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
    rate, cut, taught = training_rate(lf, training) if training else (train.success, [], "")
    paid, events = paid_elsewhere(lf, training)
    hacked = rate < 0.5 and paid >= 0.5
    if hacked:
        names = ", ".join(f"'{e}'" for e in events)
        out.append(f"On its own training levels it reached the intended goal in only {pct(rate)} "
                   f"of episodes, and {pct(paid)} ended on {names}, which the reward pays too: it "
                   f"learned to collect its reward that way instead of the task, and the deployment "
                   f"levels offer no such shortcut.")
    elif rate < 0.5:
        fair = [r for r in training if r.name not in cut]
        worst = min(fair, key=lambda r: r.intended).name if fair else None
        out.append(f"On its own training levels{left_out(cut)} it reached the intended goal in "
                   f"only {pct(rate)} of episodes" + (f" ({pct(min(r.intended for r in fair))} on "
                                                      f"'{worst}')" if worst and len(fair) > 1 else "")
                   + ": it never learned the task, so the deployment levels are not the problem.")
    else:
        out.append(f"On its training levels{left_out(cut)} it reached the intended goal in "
                   f"{pct(rate)} of episodes: it learned the task there, and failed to carry it over.")
    if taught:
        out.append(taught)
    bar = lf.pass_bar()
    failed = [lf.level(r.name) for r in report.levels if r.intended < bar]
    needs = needs_of(failed, lf)
    if needs:
        out.append("The deployment levels ask for what training never showed: " + "; ".join(needs) + ".")
    elif rate >= 0.5:
        out.append("No deployment level asks for a longer route, a detour, a doorway, or an object "
                   "or colour the training levels lacked, so the failure is in what the agent took from "
                   "its training, not in something it never saw.")
    curve = goal_curve or [(int(s), float(v)) for s, v in zip(train.column("steps"), train.column("success"))]
    sights = new_sights(failed, lf)
    if sights:
        out.append(sights)
    out.append(curve_reading(curve, hacked))
    return out


def limits_tested(level: Level, lf: LevelFile) -> list[str]:
    """The intended goal's limits that a level puts to the test, in words: more of an
    `at_most` event's objects than the goal allows, or something it must avoid."""
    cond = lf.intended()
    out = []
    for event, most in sorted(cond.at_most.items()):
        kind = world.EVENT_KIND.get(event)
        if kind is not None and level.n_objects(kind) > most:
            many = NUMBER_WORDS[most] if most < len(NUMBER_WORDS) else str(most)
            out.append(f"a {kind}" if most == 0 else
                       f"more than {many} {kind}" + ("" if most == 1 else "s"))
    for event in cond.avoid:
        kind = world.EVENT_KIND.get(event)
        if kind is not None and level.n_objects(kind):
            out.append(f"a {kind} to leave alone")
        elif event in world.TERRAIN and any(world.TERRAIN.index(event) in row for row in level.terrain):
            out.append(f"{event} to keep off")
    return out


def explain_shift(lf: LevelFile, training: list[LevelReport], report: DeployReport,
                  label: str) -> list[str]:
    """Sentences for an agent (diagnosed `label`) that met the intended goal's whole
    condition on training levels that put its limits to the test, and fell short on
    deployment: what the deployment levels where it fell short had that its training
    did not. Empty when its training did not test the limits, or it fell short there
    too: then training could not have taught the goal, which the chapter's own debrief
    explains. A goal with no limits (only things to reach) has nothing to test, so an
    `approximate` agent that met it in training is explained too; a `proxy` one is not,
    since there the goal and the proxy agreed in training, the chapter's own lesson."""
    bar = lf.pass_bar()
    if not training:
        return []
    rate, cut, taught = training_rate(lf, training)
    tests = sorted({t for r in training if r.name not in cut
                    for t in limits_tested(lf.level(r.name), lf)})
    cond = lf.intended()
    limitless = not cond.at_most and not cond.avoid
    if rate < bar or not (tests or (limitless and label == "approximate")):
        return []
    failed = [lf.level(r.name) for r in report.levels if r.intended < bar]
    if not failed:
        return []
    held = f", which held {' and '.join(tests)}," if tests else ""
    out = [f"On its own training levels{held} it met the whole intended goal in {pct(rate)} "
           f"of episodes{left_out(cut)}: there it behaved as intended. What it learned did not "
           f"carry over to {quoted_names([lv.name for lv in failed])}."]
    did = what_it_did(report, [lv.name for lv in failed])
    if did:
        out.append(did)
    if taught:
        out.append(taught)
    needs = needs_of(failed, lf)
    sights = new_sights(failed, lf)
    if needs:
        out.append("Those levels ask for what training never showed: " + "; ".join(needs) + ".")
    if sights:
        out.append(sights)
    if not needs and not sights:
        out.append("They ask for no longer route, detour, doorway or object the training levels "
                   "lacked: what differs is how they are laid out around the agent.")
    out.append("An agent learns a rule only as widely as its training shows it: training levels "
               "of more kinds, each with the same lesson, carry it further.")
    return out
