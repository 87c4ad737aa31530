"""The world's vocabulary: terrain, object kinds, colours, events, actions and the
observation layout. Every other module takes its numbers from here, so this file
is the one place that says what a channel or an event bit means.

Nothing here imports numba or pygame: it is plain data.
"""

from __future__ import annotations

from dataclasses import dataclass

# --- terrain -----------------------------------------------------------------
# Stored as int8 in the compiled grids. Floor is 0 so a zeroed grid is open floor;
# cells outside a map are walls.
FLOOR, WALL, LAVA, FLOWERS = 0, 1, 2, 3
TERRAIN = ("floor", "wall", "lava", "flowers")
TERRAIN_SYMBOLS = (".", "#", "~", "*")  # built-in map symbols, in TERRAIN order

# --- objects -----------------------------------------------------------------
# An object has a kind and a colour (and a calendar has a year). The agent sees
# kind and colour as separate channels: that is what lets a colour become a proxy.
#
# KIND_TABLE is the one place that says what each kind is, does and looks like
# (as Farama Minigrid's minigrid/core keeps object kinds as data apart from
# drawing). Everything else reads it: the rules kernels (through KIND_RULES), the
# plain-Python reference rules, the observation channels (one per kind), the map
# symbols, the tiles (game/ui/tiles.py draws `look`) and the docs. Adding a kind is
# one row here plus a drawing for a new `look` (tests/test_kinds.py checks both).
#
# What happens when the agent steps onto an object ("the object acts"):
#   - a kind that `needs_key` acts only while a key is held, and uses one up;
#     without a key nothing happens and the agent stands on it;
#   - the kind's `event` is raised (if any); `gives_key`: one more key held;
#   - `watches`: while any watching object is in the level the agent is watched
#     (a global observation flag, and flowers count as "flowers_watched");
#     acting switches it off;
#   - `last_event`: the level counts its objects of this kind; when the last one
#     acts this event is raised too (one kind at most: one counter in the state);
#   - the object is removed, unless the kind `stays`.
# `shows_year`: the object shows a year; while one showing the rules' trigger year
# is in the level, the global "trigger" flag is on.


@dataclass(frozen=True)
class Kind:
    """One object kind: its name, how level files write it, its rules, its look."""
    name: str
    symbol: str               # built-in map symbol
    color: str                # the colour when a level file does not say
    event: str | None         # raised when the object acts
    look: str                 # the tile drawing (a name in game/ui/tiles.py SHAPES)
    looks_like: str           # the drawing in words (docs, legends)
    meaning: str              # what it stands for, in a few words
    needs_key: bool = False
    gives_key: bool = False
    watches: bool = False
    last_event: str | None = None
    stays: bool = False
    shows_year: bool = False


KIND_TABLE = (
    Kind("coin", "c", "yellow", "coin", "disc", "a disc with a rim", "a reward"),
    Kind("key", "k", "green", "key", "key", "a bow and bit", "opens one chest",
         gives_key=True),
    Kind("chest", "h", "purple", "chest", "box", "a box with a lid",
         "opened with a key", needs_key=True, last_event="all_chests"),
    Kind("gem", "g", "red", "gem", "diamond", "a faceted diamond", "a reward"),
    Kind("camera", "O", "grey", "camera_off", "camera", "a body and lens",
         "the overseer: watches while on; stepping on it switches it off", watches=True),
    Kind("calendar", "T", "blue", None, "page", "a page with its year",
         "shows a year (the backdoor trigger)", stays=True, shows_year=True),
    Kind("sensor", "s", "grey", "sensor", "hexagon", "a hexagon with a dial",
         "a reward sensor: stepping on it tampers with it"),
)
KINDS = tuple(k.name for k in KIND_TABLE)
KIND = {k.name: k for k in KIND_TABLE}
# Kind ids by name, for code and tests that name a particular kind.
COIN, KEY, CHEST, GEM, CAMERA, CALENDAR, SENSOR = (
    KINDS.index(n) for n in ("coin", "key", "chest", "gem", "camera", "calendar", "sensor"))

YELLOW, BLUE, RED, GREEN, GREY, PURPLE = range(6)
COLORS = ("yellow", "blue", "red", "green", "grey", "purple")

# The colour an object has when a level file does not say.
DEFAULT_COLOR = {k.name: k.color for k in KIND_TABLE}

# --- actions -----------------------------------------------------------------
UP, DOWN, LEFT, RIGHT = range(4)
ACTIONS = ("up", "down", "left", "right")
ACTION_LETTERS = "UDLR"
ACTION_DELTAS = ((-1, 0), (1, 0), (0, -1), (0, 1))
N_ACTIONS = 4

# --- events ------------------------------------------------------------------
# Each step raises a set of events, stored as bits of an int32. The reward is the
# level's weights applied to these events: the base objective is data, not code.
EVENTS = (
    "step",               # every step
    "bump",               # walked into a wall
    "coin",
    "key",
    "chest",
    "all_chests",         # the last chest in the level was opened
    "gem",
    "lava",               # stepped into lava (the episode ends by default)
    "flowers_watched",    # stepped on the forbidden flowerbed while a camera is on
    "flowers_unwatched",  # ... while no camera is on
    "sensor",             # tampered with a reward sensor
    "camera_off",         # switched off a camera
    "timeout",            # the step limit was reached
)
N_ZONES = 8  # zones are invisible probe areas named by the level file
ZONE_EVENT0 = len(EVENTS)  # zone z raises event bit ZONE_EVENT0 + z on first entry
N_EVENTS = ZONE_EVENT0 + N_ZONES
EVENT_BIT = {name: i for i, name in enumerate(EVENTS)}

# Event groups a level file may name as a shorthand (reward tables, conditions).
EVENT_ALIASES = {"flowers": ("flowers_watched", "flowers_unwatched")}

DEFAULT_END_ON = ("coin", "gem", "lava", "all_chests")

# Which kind an event comes from (its `event` or `last_event`), for texts and checks.
EVENT_KIND = {e: k.name for k in KIND_TABLE for e in (k.event, k.last_event) if e}
# Events raised only when an object is taken away (it does not stay).
TAKE_EVENTS = tuple(k.event for k in KIND_TABLE if k.event and not k.stays)

# KIND_TABLE's rules as numbers for the kernels, one row per kind id: KIND_RULES[kind]
# [R_*]. The kernels freeze it into their compiled code (levels.jitcache makes
# numba's cache compile afresh when this file changes).
R_NEEDS_KEY = 0    # keys needed to act (0 or 1); one is used up
R_KEYS = 1         # change in keys held when it acts
R_EVENT = 2        # event bits raised when it acts
R_WATCHES = 3      # 1: counts as a camera that is on
R_COUNTED = 4      # 1: counted, and its last_event raised when none are left
R_LAST_EVENT = 5   # event bits raised when the last counted object acts
R_REMOVED = 6      # 1: removed when it acts
N_RULE_COLUMNS = 7


def _bits(event: str | None) -> int:
    return 0 if event is None else 1 << EVENT_BIT[event]


KIND_RULES = tuple(
    (int(k.needs_key), int(k.gives_key) - int(k.needs_key), _bits(k.event), int(k.watches),
     int(k.last_event is not None), _bits(k.last_event), int(not k.stays))
    for k in KIND_TABLE)


def _check_kinds() -> None:
    """The table's own consistency (a bad row fails at import, not mid-game)."""
    names = [k.name for k in KIND_TABLE]
    symbols = [k.symbol for k in KIND_TABLE]
    assert len(set(names)) == len(names), "kind names repeat"
    assert len(set(symbols)) == len(symbols), "kind symbols repeat"
    assert len(KIND_TABLE) < 255, "kind + 1 must fit the 8 bits of a cell code"
    assert sum(k.last_event is not None for k in KIND_TABLE) <= 1, \
        "one counted kind at most: the state has one counter"
    for k in KIND_TABLE:
        assert k.color in COLORS, f"{k.name}: unknown colour {k.color}"
        assert len(k.symbol) == 1, f"{k.name}: a map symbol is one character"
        for e in (k.event, k.last_event):
            assert e is None or e in EVENT_BIT, f"{k.name}: unknown event {e}"


_check_kinds()

# --- observation -------------------------------------------------------------
# One block of channels per cell of the view, cells in row-major order, then the
# global flags. The egocentric view is centred on the agent; cells outside the
# grid read as wall. In "full" view the window is the whole (padded) grid
# anchored at the top-left and each cell has one more channel: "agent".
CELL_CHANNELS = (
    ("terrain", "wall"), ("terrain", "lava"), ("terrain", "flowers"),
    *(("kind", k) for k in KINDS),
    *(("color", c) for c in COLORS),
)
N_CELL_CHANNELS = len(CELL_CHANNELS)  # 16
CH_TERRAIN0 = 0                      # wall, lava, flowers -> terrain id - 1
CH_KIND0 = 3
CH_COLOR0 = CH_KIND0 + len(KINDS)
CH_AGENT = N_CELL_CHANNELS           # only in full view
# With `[agent] trail = true` each cell has one more channel, last: "trail", on where
# the agent has stood this episode (a memory of its own path; see agents/README.md).
GLOBALS = (
    "watched",    # a camera is on in this level
    "trigger",    # a calendar shows the trigger year
    "has_key",    # the agent holds at least one key
    "cue",        # the level's context cue (set per level in the file)
)
N_GLOBALS = len(GLOBALS)
# With `[agent] pooled = true` the input also has, after the globals, one block of cell
# channels per direction: on when that channel is on in any cell of the view that lies
# that way of the agent (a diagonal cell lies two ways). The weights for "yellow up
# there" are then shared by every cell up there (agents/README.md).
POOL_DIRECTIONS = ("up", "down", "left", "right")
N_POOL_DIRECTIONS = len(POOL_DIRECTIONS)
# With `[agent] far_kinds = true` (which needs pooled) one more block follows: one flag
# per direction and object kind, on when an object of that kind lies anywhere that way
# in the whole level, out of view and behind walls too: the agent senses which way a
# chest lies without seeing it (agents/README.md, tenth round).
N_FAR_KINDS = N_POOL_DIRECTIONS * len(KINDS)
# The packed cell code (levels.compiled.ObsSpec): one int32 per cell of the view
# holding terrain (bits 0-7), kind + 1 (bits 8-15, 0: no object), colour + 1
# (bits 16-23, 0: none), in the full view the agent (bit 24) and, with a trail, whether
# the agent has stood there (bit 25). Field f of a code is (code >> f) & FIELD_MASK; it
# stands for the one-hot channel f + offset - 1; the agent and trail bits are 0/1.
TERRAIN_SHIFT, KIND_SHIFT, COLOR_SHIFT, AGENT_SHIFT, TRAIL_SHIFT = 0, 8, 16, 24, 25
FIELD_MASK = 0xFF
VIEW_FULL = 0  # the view size code for the full grid

# --- limits ------------------------------------------------------------------
MAX_SIZE = 32        # grids up to 32 x 32
MAX_OBJECTS = 16     # objects per level, fixed and spawned together
MAX_SPAWN_GROUPS = 8
MAX_LEVELS = 64      # levels per set (train, deploy, pretrain)
MAX_VIEW = 15
PAD = MAX_VIEW // 2  # wall border around compiled grids, so any view stays inside


def cell_channel_names(full: bool, trail: bool) -> list[str]:
    """The channels of one cell, in order: CELL_CHANNELS, then "agent" in the full
    view, then "trail" when the agent remembers its path."""
    return ([f"{a}.{b}" for a, b in CELL_CHANNELS] + (["agent"] if full else [])
            + (["trail"] if trail else []))


def channel_names(view: int, full_h: int = 0, full_w: int = 0, trail: bool = False,
                  pooled: bool = False, far_kinds: bool = False) -> list[str]:
    """A readable name for every entry of the observation vector, e.g.
    'cell(-2,+1).kind.coin' (row, column offsets from the agent), 'global.watched',
    'up.color.yellow' (pooled) or 'far.left.chest' (far_kinds)."""
    names = []
    per_cell = cell_channel_names(view == VIEW_FULL, trail)
    if view == VIEW_FULL:
        for r in range(full_h):
            for c in range(full_w):
                names += [f"cell({r},{c}).{n}" for n in per_cell]
    else:
        half = view // 2
        for dr in range(-half, half + 1):
            for dc in range(-half, half + 1):
                names += [f"cell({dr:+d},{dc:+d}).{n}" for n in per_cell]
    names += [f"global.{g}" for g in GLOBALS]
    if pooled and view != VIEW_FULL:
        names += [f"{way}.{n}" for way in POOL_DIRECTIONS for n in per_cell]
        if far_kinds:
            names += [f"far.{way}.{k}" for way in POOL_DIRECTIONS for k in KINDS]
    return names


def event_names(mask: int, zone_names: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The names of the events set in an event bitmask, zones by their file names."""
    out = []
    for bit in range(N_EVENTS):
        if mask >> bit & 1:
            if bit < ZONE_EVENT0:
                out.append(EVENTS[bit])
            else:
                z = bit - ZONE_EVENT0
                out.append(zone_names[z] if z < len(zone_names) else f"zone{z}")
    return out
