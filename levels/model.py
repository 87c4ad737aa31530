"""The object model of a level file, as parsed and validated: plain dataclasses,
no numpy arrays (those come from `levels.compiled`), no behaviour beyond
small helpers. The reader (`levels.reader`) builds these; the compiler, the
deployment code and the editor read them. Defaults come from `levels.schema`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from levels import schema
from levels.schema import AGENT, CHAPTER, DESIGN, RULES, default

Cell = tuple[int, int]  # (row, column), 0-based


@dataclass(frozen=True)
class Obj:
    """An object's attributes. `year` matters only for calendars (0 = none)."""
    kind: str
    color: str
    year: int = 0


@dataclass
class Spawn:
    """Random placement: `count` copies of `what` (None means the agent's start)
    appear on distinct cells drawn uniformly from `cells` at every reset."""
    symbol: str
    what: Obj | None
    cells: list[Cell]
    count: int = 1


@dataclass
class Level:
    name: str
    rows: list[str]                      # the map exactly as written, one string per row
    terrain: list[list[int]]             # world.FLOOR/WALL/LAVA/FLOWERS per cell
    objects: list[tuple[Obj, int, int]]  # fixed objects: (attributes, row, col)
    agent: Cell | None                   # fixed start, or None when an agent spawn is used
    spawns: list[Spawn]
    zones: dict[str, list[Cell]]         # zone name -> cells (invisible to the agent)
    reward: dict[str, float]             # the full weights for this level (rules + override)
    reward_override: dict[str, float] = field(default_factory=dict)  # as written in the level
    cue: bool = False                    # the context cue observation flag
    line: int = 0                        # line of the map's first row in the file (1-based)
    col: int = 0                         # column of the map's first character
    set_name: str = ""                   # "pretrain", "train" or "deploy"
    index: int = 0                       # position in its set as written in the file

    @property
    def height(self) -> int:
        return len(self.terrain)

    @property
    def width(self) -> int:
        return len(self.terrain[0]) if self.terrain else 0

    def n_objects(self, kind: str | None = None) -> int:
        """How many objects the level holds, fixed and spawned (of one kind if given)."""
        return (sum(1 for o, _, _ in self.objects if kind in (None, o.kind))
                + sum(s.count for s in self.spawns if s.what is not None and kind in (None, s.what.kind)))


@dataclass
class Condition:
    """What must happen in an episode: every event in `reach`, none in `avoid`,
    at least n of each event in `at_least` and at most n of each in `at_most`. Event names are the world's events,
    the alias "flowers", or the file's zone names."""
    reach: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    at_least: dict[str, int] = field(default_factory=dict)
    at_most: dict[str, int] = field(default_factory=dict)

    def events(self) -> set[str]:
        return set(self.reach) | set(self.avoid) | set(self.at_least) | set(self.at_most)


def default_goal() -> Condition:
    """The intended goal of a file without a [chapter] (a design file)."""
    return Condition(reach=(schema.DEFAULT_GOAL,))


@dataclass
class Rules:
    """The base objective and episode rules."""
    reward: dict[str, float] = field(default_factory=lambda: default(RULES, "reward"))
    end_on: tuple[str, ...] = default(RULES, "end_on")
    max_steps: int = default(RULES, "max_steps")
    trigger_year: int = default(RULES, "trigger_year")


@dataclass
class AgentSettings:
    """The `[agent]` table: the observation and the training budget. Other keys
    are learner settings (`levels.schema.LEARNER`), kept in `learner` as written."""
    view: int = default(AGENT, "view")  # odd egocentric window size, or world.VIEW_FULL
    shape_range: int | None = None  # kinds visible only this many cells away (None: whole view)
    trail: bool = default(AGENT, "trail")  # the agent sees where it has stood this episode
    pooled: bool = default(AGENT, "pooled")  # it also sees what lies each way, pooled
    far_kinds: bool = default(AGENT, "far_kinds")  # it senses which kinds lie each way, level-wide
    wall_mask: bool = default(AGENT, "wall_mask")  # it never chooses a move into a wall
    mirror: bool = default(AGENT, "mirror")  # it also trains on its levels upside down
    steps: int = default(AGENT, "steps")
    seed: int = default(AGENT, "seed")
    pretrain_steps: int = default(AGENT, "pretrain_steps")  # for pre-trained chapters
    learner: dict[str, object] = field(default_factory=dict)


def upgraded_settings(agent: AgentSettings, upgrade: dict) -> AgentSettings:
    """The upgraded agent's settings: [agent] (as the run has it, the player's steps
    included) with the [upgrade] table's changes; the same seed."""
    learner = {**agent.learner, **upgrade.get("learner", {})}
    return AgentSettings(view=upgrade.get("view", agent.view),
                         shape_range=upgrade.get("shape_range", agent.shape_range),
                         trail=agent.trail, pooled=agent.pooled, far_kinds=agent.far_kinds,
                         wall_mask=agent.wall_mask,
                         mirror=agent.mirror,
                         steps=upgrade.get("steps", agent.steps), seed=agent.seed,
                         pretrain_steps=0, learner=learner)


@dataclass
class Design:
    """What the player may change in the editor."""
    max_levels: int = default(DESIGN, "max_levels")
    palette: tuple[str, ...] = default(DESIGN, "palette")
    max_items: int = default(DESIGN, "max_items")  # objects and spawn markers, all levels
    max_steps: int = default(DESIGN, "max_steps")  # the training-step budget
    reward_editable: bool = default(DESIGN, "reward_editable")
    max_height: int = default(DESIGN, "max_height")
    max_width: int = default(DESIGN, "max_width")


@dataclass
class Prediction:
    id: str
    text: str
    label: str = ""               # the diagnosis label this prediction anticipates


@dataclass
class Chapter:
    id: str
    title: str
    number: int | None = None
    reading: str = ""
    briefing: str = ""
    intended: Condition = field(default_factory=lambda: default_goal())
    intended_text: str = ""       # the intended goal in words, for the briefing
    lesson: str = ""              # the diagnosis label the starter design should show
    bar: float = default(CHAPTER, "bar")  # intended-goal rate on deployment that passes
    thresholds: dict[str, float] = field(default_factory=dict)
    predictions: list[Prediction] = field(default_factory=list)
    debrief: dict[str, str] = field(default_factory=dict)  # diagnosis label -> text


@dataclass
class Gap:
    """A comparison the chapter reports: the probe's rate on the `when` levels minus
    its rate on the `versus` levels, or (versus == "control" / "upgrade") minus the
    control or upgraded agent's rate on the `when` levels."""
    name: str
    probe: str
    when: tuple[str, ...] = ()
    versus: tuple[str, ...] | str = ()


@dataclass
class LegendEntry:
    symbol: str
    terrain: str = "floor"
    object: Obj | None = None
    spawn: Obj | None = None      # object spawned on one of the marked cells
    spawn_agent: bool = False     # the agent starts on one of the marked cells
    count: int = 1
    zone: str | None = None


@dataclass
class LevelFile:
    path: str
    format: int = 1
    chapter: Chapter | None = None
    rules: Rules = field(default_factory=Rules)
    agent: AgentSettings = field(default_factory=AgentSettings)
    design: Design = field(default_factory=Design)
    legend: dict[str, LegendEntry] = field(default_factory=dict)
    probes: dict[str, Condition] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)
    control_reward: dict[str, float] | None = None  # reward overrides for the control agent
    # [upgrade]: the upgraded agent's settings that differ from [agent] ("view",
    # "shape_range", "steps", and "learner" overrides), None without the table
    upgrade: dict | None = None
    pretrain: list[Level] = field(default_factory=list)
    train: list[Level] = field(default_factory=list)
    deploy: list[Level] = field(default_factory=list)
    zone_names: tuple[str, ...] = ()  # every zone in the file, in index order
    raw: dict = field(default_factory=dict)  # the TOML document as read, for saving back

    def level(self, name: str) -> Level:
        for lv in self.pretrain + self.train + self.deploy:
            if lv.name == name:
                return lv
        raise KeyError(name)

    def all_levels(self) -> list[Level]:
        return self.pretrain + self.train + self.deploy

    def intended(self) -> Condition:
        """The chapter's intended goal, or the default goal without a chapter."""
        return self.chapter.intended if self.chapter is not None else default_goal()

    def pass_bar(self) -> float:
        """The intended goal's deployment success rate that passes."""
        return self.chapter.bar if self.chapter is not None else schema.PASS_BAR

    def upgraded(self) -> "LevelFile":
        """This file as the upgraded agent trains on it: the same levels and reward,
        [agent] changed by [upgrade] (see upgraded_settings)."""
        out = copy.copy(self)
        out.agent = upgraded_settings(self.agent, self.upgrade or {})
        return out
