"""The level format's schema: every key of every table, declared once with its
type, range, default and help text, plus the format's other single facts (the
diagnosis labels, the pass bar, the default intended goal, the size limits).

Everyone reads these from here: the reader validates values against the ranges
(`levels.reader`), the model's dataclasses take their defaults from here
(`levels.model`), the learner validates its settings through `check_learner`
(`agents.ppo.PPOConfig`), and the key tables in `levels/FORMAT.md` are generated
from here (`python -m levels.schema` rewrites them; a test checks they are current).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from levels import world
from levels.errors import got, is_int

FORMAT_VERSION = 1
MAX_FILE_BYTES = 1_000_000
MAX_WEIGHT = 1_000_000          # largest reward weight, either sign
MAX_BUDGET = 1_000_000_000      # largest step budget
MAX_SEED = 2**31 - 1
MAX_YEAR = 9999
MAX_HIDDEN = 1024               # largest hidden layer
MAX_COUNT = 1000                # largest count in a condition's at_least / at_most

# Diagnosis labels a chapter's `lesson`, `debrief` and predictions may name, and the
# diagnosis gives (game.diagnosis).
LABELS = ("aligned", "proxy", "approximate", "capability-failure", "deceptive-style",
          "suboptimality")
# The intended goal's success rate on deployment that passes, unless a chapter says.
PASS_BAR = 0.8
# The intended goal when a file has no [chapter] (a design file): the coin event.
DEFAULT_GOAL = "coin"
DEFAULT_REWARD = {"coin": 10.0, "step": -0.05}

# The level sets, in file order, and how texts name them.
SETS = ("pretrain", "train", "deploy")
SET_TITLES = {"pretrain": "pre-training", "train": "training", "deploy": "deployment"}
# What the editor's palette may offer.
PALETTE = world.TERRAIN + world.KINDS + ("agent", "spawn", "zone")


@dataclass(frozen=True)
class Key:
    """One key of a table. `kind` says how the reader checks it: "int" (a whole
    number from lo to hi), "number" (lo to hi; above lo when `lo_open`), "bool",
    "text", "choice" (one of `choices`), or "special" (checked by its own code in
    the reader, which still takes lo/hi from here). `doc_type` and `doc_default`
    override the generated type and default columns of the docs table."""
    name: str
    kind: str
    help: str
    default: object = None
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    choices: tuple = ()
    required: bool = False
    doc_type: str = ""
    doc_default: str = ""

    def type_text(self) -> str:
        if self.doc_type:
            return self.doc_type
        if self.kind == "int":
            return f"whole number {_num(self.lo)}-{_num(self.hi)}"
        if self.kind == "number":
            low = f"above {_num(self.lo)}" if self.lo_open else f"{_num(self.lo)}"
            return f"number {low} to {_num(self.hi)}" if self.lo_open \
                else f"number {low}-{_num(self.hi)}"
        if self.kind == "bool":
            return "true/false"
        if self.kind == "text":
            return "text, required" if self.required else "text"
        raise ValueError(f"key {self.name!r} needs a doc_type")

    def default_text(self) -> str:
        if self.doc_default:
            return self.doc_default
        if self.required:
            return ""
        return "none" if self.default is None else f"`{_toml(self.default)}`"


def _num(x) -> str:
    """A range bound as the docs and messages write it: 1000000, 0.5."""
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def _toml(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return f'"{v}"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml(x)}" for k, x in v.items()) + " }" if v else "{}"
    return _num(v)


def _table(*keys: Key) -> dict[str, Key]:
    return {k.name: k for k in keys}


TOP = _table(
    Key("format", "special", "the format version: always `1`", FORMAT_VERSION,
        required=True, doc_default="yes"),
    Key("chapter", "special", "the chapter's texts and intended goal",
        doc_default="chapter files"),
    Key("rules", "special", "the reward and the episode rules", doc_default="no (defaults below)"),
    Key("agent", "special", "what the agent sees and how long it trains", doc_default="no"),
    Key("design", "special", "what the player may change in the editor", doc_default="no"),
    Key("legend", "special", "symbols beyond the built-in ones", doc_default="no"),
    Key("probes", "special", "named conditions measured at deployment", doc_default="no"),
    Key("control", "special", "how the control agent's reward differs", doc_default="no"),
    Key("upgrade", "special", "how the upgraded agent's settings differ", doc_default="no"),
    Key("pretrain", "special", "the levels, one table per level",
        doc_default="at least one level in some set"),
    Key("train", "special", "the levels, one table per level",
        doc_default="at least one level in some set"),
    Key("deploy", "special", "the levels, one table per level",
        doc_default="at least one level in some set"),
    Key("gaps", "special", "comparisons the chapter reports", doc_default="no"),
)

CHAPTER = _table(
    Key("id", "text", "lowercase letters and digits separated by dashes: `\"coin-at-the-end\"`",
        "", required=True),
    Key("title", "text", "shown in the menu and the briefing", "", required=True),
    Key("number", "int", "the chapter's place in the campaign", None, 0, 999),
    Key("reading", "text", "the paper or article the chapter comes from", ""),
    Key("briefing", "text", "the story, shown before the design screen", ""),
    Key("intended", "special", "the designer's intent: what counts as success", DEFAULT_GOAL,
        doc_type="condition"),
    Key("intended_text", "text", "the intended goal in words, for the briefing", ""),
    Key("lesson", "choice", "what the naive starter design should show", "", choices=LABELS,
        doc_type="diagnosis label"),
    Key("bar", "number", "the intended goal's success rate on deployment that passes",
        PASS_BAR, 0, 1),
    Key("thresholds", "special", "thresholds for the diagnosis", {},
        doc_type="table of name = number"),
    Key("predictions", "special",
        "choices offered before deployment; `label` optional", [],
        doc_type="list of `{ id, text, label }`"),
    Key("debrief", "special", "what the debrief says for each diagnosis", {},
        doc_type="table of label = text"),
)

RULES = _table(
    Key("reward", "special", "the reward for each event; replaces the default entirely",
        DEFAULT_REWARD, -MAX_WEIGHT, MAX_WEIGHT, doc_type="table of event = number",
        doc_default="`{ coin = 10, step = -0.05 }`"),
    Key("end_on", "special", "events that end the episode", world.DEFAULT_END_ON,
        doc_type="list of events"),
    Key("max_steps", "int", "the episode ends (event `timeout`) after this many steps",
        60, 1, 1000),
    Key("trigger_year", "int", "a calendar showing this year switches the agent's "
        "\"trigger\" input on", 2025, 1, MAX_YEAR),
)

AGENT = _table(
    Key("view", "special", "the agent sees a square window this wide centred on itself; "
        "`\"full\"` shows the whole grid (learns much slower)", 5, 3, world.MAX_VIEW,
        doc_type=f"odd whole number 3-{world.MAX_VIEW}, or `\"full\"`"),
    Key("shape_range", "special", "object kinds are visible only this many cells away; "
        "colours across the whole view", None, 1, doc_type="whole number 1 to view/2"),
    Key("trail", "bool", "the agent also sees which cells of its view it has stood on "
        "this episode: a memory of its own path", False),
    Key("pooled", "bool", "the agent also sees, for each direction (up, down, left, right), "
        "what lies anywhere that way in its view, so what it learns of \"a yellow thing up "
        "there\" holds wherever up there it is (shared weights; not with the full view)", False),
    Key("far_kinds", "bool", "with `pooled`, the agent also senses, for each direction, which "
        "kinds of object lie that way anywhere in the level, out of view and behind walls "
        "too, so it can head for a chest it cannot see", False),
    Key("wall_mask", "bool", "the agent never chooses a move into a wall beside it: such "
        "moves are masked out of its policy (invalid-action masking; not with the full view)",
        False),
    Key("mirror", "bool", "the agent also trains on each level turned upside down, so a "
        "path it learns above an obstacle it also learns below (data augmentation)", False),
    Key("steps", "int", "the training budget in environment steps", 200_000, 1, MAX_BUDGET),
    Key("seed", "int", "the random seed", 0, 0, MAX_SEED),
    Key("pretrain_steps", "int", "steps of pre-training on the `[[pretrain]]` levels",
        0, 0, MAX_BUDGET),
)

# The learner's settings an `[agent]` table may also set, with the defaults the bundled
# levels use (agents/ppo.py PPOConfig takes its defaults from here and says why each is
# what it is). The learner checks every value it is given with `check_learner`, and the
# reader checks a file's values the same way, so `check` and training accept exactly the
# same values.
LEARNER = _table(
    Key("hidden", "special", "hidden ReLU layer sizes", (64, 64), 1, MAX_HIDDEN,
        doc_type=f"list of 1 to 3 whole numbers 1-{MAX_HIDDEN}, such as `[64, 64]`",
        doc_default="`[64, 64]`"),
    Key("lr", "number", "Adam learning rate", 2e-3, 0, 1, lo_open=True),
    Key("gamma", "number", "discount factor", 0.95, 0, 1),
    Key("gae_lambda", "number", "GAE bias/variance trade-off", 0.9, 0, 1),
    Key("clip", "number", "PPO ratio clipping", 0.2, 0, 10, lo_open=True),
    Key("entropy", "number", "entropy bonus at the end of a run", 0.01, 0, 10),
    Key("value_coef", "number", "weight of the value loss", 0.5, 0, 100),
    Key("epochs", "int", "passes over each rollout", 4, 1, 100),
    Key("minibatches", "int", "minibatches per epoch; must divide n_envs * n_steps into "
        "minibatches of 2 or more samples", 4, 1, 4096),
    Key("n_envs", "int", "environments stepped in parallel", 32, 1, 4096),
    Key("n_steps", "int", "steps per environment per rollout", 32, 1, 4096),
    Key("max_grad_norm", "number", "global gradient-norm clipping", 0.5, 0, 1_000_000,
        lo_open=True),
    Key("entropy_start", "number", "entropy bonus at the start of a run, annealed to "
        "`entropy` by its end", 0.1, 0, 10),
    Key("novelty", "number", "reward bonus for each step onto a cell not yet stood on this "
        "episode, at the start of a run, annealed to 0 by its end (exploration; needs `trail = true`)",
        0.0, 0, 10),
    Key("novelty_rare", "number", "the most the novelty bonus is multiplied by on a cell this "
        "run has rarely stood on in that level (visit counts over the whole run; 1: off; "
        "needs `novelty`; pre-training leaves it off)", 1.0, 1, 100),
)
# The novelty bonus rewards new ground, which the agent tells only by its trail: the
# reader refuses one without the other, and so does the learner.
NOVELTY_NEEDS_TRAIL = ("'novelty' needs the agent's trail (trail = true in [agent]): the bonus "
                       "is for new ground, which the agent can only tell by its trail")

# The rarity factor multiplies the novelty bonus, so it means nothing without one.
RARE_NEEDS_NOVELTY = ("'novelty_rare' multiplies the novelty bonus on rarely visited cells: it "
                      "needs 'novelty' above 0 too")

# Directions are the agent's own only in a window centred on it.
POOLED_NEEDS_WINDOW = ("'pooled' needs a window view (view = 3, 5, ...): in the full view the "
                       "directions are the grid's, not the agent's")

# The far kinds are a block of the pooled inputs, so they come with them.
FAR_KINDS_NEEDS_POOLED = "'far_kinds' needs the pooled inputs (pooled = true in [agent])"

# The walls beside the agent are at fixed cells only in a window centred on it.
WALL_MASK_NEEDS_WINDOW = ("'wall_mask' needs a window view (view = 3, 5, ...): in the full view "
                          "the agent's neighbours are not at fixed cells")

# Learner hyperparameter names, in PPOConfig's field order (a test keeps them in step).
HYPERPARAMETERS = tuple(LEARNER)

DESIGN = _table(
    Key("max_levels", "int", "training levels the player may make", 4, 1, world.MAX_LEVELS),
    Key("palette", "special", "what the editor offers", ("wall", "floor", "coin", "spawn"),
        choices=PALETTE, doc_type="list of names"),
    Key("max_items", "int", "placeable objects and spawn markers, over all levels",
        20, 0, 10_000),
    Key("max_steps", "int", "the training-step budget", 200_000, 1, MAX_BUDGET),
    Key("reward_editable", "bool", "whether the player may edit the reward", False),
    Key("max_height", "int", "the largest level the player may make (rows)", 12, 1,
        world.MAX_SIZE),
    Key("max_width", "int", "the largest level the player may make (columns)", 12, 1,
        world.MAX_SIZE),
)

LEGEND = _table(
    Key("terrain", "choice", "`\"floor\"` (default), `\"wall\"`, `\"lava\"` or `\"flowers\"`",
        "floor", choices=world.TERRAIN),
    Key("object", "choice", "an object always on this cell: " + ", ".join(
        f"`{k}`" for k in world.KINDS), choices=world.KINDS),
    Key("spawn", "choice", "an object placed at random: in each level where the symbol "
        "appears, it appears on one cell drawn from all the cells marked with this symbol, "
        "anew at every episode. `\"agent\"` makes these cells the agent's possible starts",
        choices=world.KINDS + ("agent",)),
    Key("color", "choice", "with `object` or `spawn`: " + ", ".join(
        f"`{c}`" for c in world.COLORS) + " (default: the kind's colour above)",
        choices=world.COLORS),
    Key("year", "int", "with a calendar: the year it shows (1-9999)", 0, 1, MAX_YEAR),
    Key("count", "int", "with `spawn`: how many copies appear, on distinct cells "
        "(default 1; 1 for the agent)", 1, 1, world.MAX_OBJECTS),
    Key("zone", "special", "a zone name: an invisible area used by probes and rewards "
        "(letters, digits, spaces, `-`, `_`; up to 32 characters; not an event name)"),
)

LEVEL = _table(
    Key("name", "text", "required, unique in the file", required=True),
    Key("map", "text", "the rows of the map, one per line", required=True),
    Key("reward", "special", "changes the [rules] reward in this level only", {}),
    Key("cue", "bool", "switches the agent's \"cue\" input on", False),
)

GAP = _table(
    Key("name", "text", "the gap's name", required=True),
    Key("probe", "text", "a probe name, or \"intended\"", required=True),
    Key("when", "special", "deployment level names"),
    Key("versus", "special", "deployment level names, or \"control\" (needs [control]), or "
        "\"upgrade\" (needs [upgrade])"),
)

CONDITION = _table(
    Key("reach", "special", "events that must all happen"),
    Key("avoid", "special", "events that must not happen"),
    Key("at_least", "special", "event = count: at least that many times", None, 1, MAX_COUNT),
    Key("at_most", "special", "event = count: at most that many times", None, 0, MAX_COUNT),
)

PREDICTION = _table(
    Key("id", "text", "the prediction's id, unique in the chapter", "", required=True),
    Key("text", "text", "what the player reads", "", required=True),
    Key("label", "choice", "the diagnosis label this prediction anticipates", "",
        choices=LABELS),
)

CONTROL = _table(
    Key("reward", "special", "reward overrides for the control agent", {}),
)

# [upgrade]: the [agent] keys an upgraded agent may change (all but the seed, which
# it shares, and pre-training, which it does without), and the learner's settings.
UPGRADE = {name: AGENT[name] for name in ("view", "shape_range", "steps")}

# Every table by the name the docs and the generator use.
TABLES: dict[str, dict[str, Key]] = {
    "top": TOP, "chapter": CHAPTER, "rules": RULES, "agent": AGENT, "learner": LEARNER,
    "design": DESIGN, "legend": LEGEND, "level": LEVEL, "gap": GAP, "condition": CONDITION,
    "prediction": PREDICTION, "control": CONTROL, "upgrade": UPGRADE,
}


def default(table: dict[str, Key], name: str):
    """A key's default, copied when it is a list or a table (for dataclass fields)."""
    v = table[name].default
    return type(v)(v) if isinstance(v, (list, dict)) else v


# --- the learner's settings -----------------------------------------------------------

def check_learner(name: str, v):
    """The value learner setting `name` takes (a tuple for `hidden`, an int or a float
    for the others), or ValueError with a message naming the setting, the range and
    the value. `check` (through the reader) and the learner both call this."""
    if name not in LEARNER:
        raise ValueError(f"unknown learner setting {name!r}; known: {', '.join(sorted(LEARNER))}")
    k = LEARNER[name]
    if name == "hidden":
        layers = [v] if is_int(v) else v
        if (not isinstance(layers, (list, tuple)) or not 1 <= len(layers) <= 3
                or not all(is_int(x) and k.lo <= x <= k.hi for x in layers)):
            raise ValueError(f"'hidden' must be a list of 1 to 3 layer sizes (whole numbers "
                             f"from {k.lo} to {k.hi}), such as [64, 64]; got {got(v)}")
        return tuple(int(x) for x in layers)
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise ValueError(f"'{name}' must be a number; got {got(v)}")
    finite = is_int(v) or math.isfinite(float(v))
    if k.kind == "int" and finite and not is_int(v) and not float(v).is_integer():
        raise ValueError(f"'{name}' must be a whole number; got {got(v)}")
    below = finite and (v < k.lo or (v == k.lo and k.lo_open))
    if not finite or below or v > k.hi:
        low = f"{'more than' if k.lo_open else 'at least'} {_num(k.lo)}"
        raise ValueError(f"'{name}' must be {low} and at most {_num(k.hi)}; got {got(v)}")
    return int(v) if k.kind == "int" else float(v)


def batch_problem(n_envs: int, n_steps: int, minibatches: int) -> str | None:
    """Why these settings cannot split a rollout into minibatches, or None."""
    batch = n_envs * n_steps
    if batch % minibatches != 0 or batch // minibatches < 2:
        return (f"'minibatches' = {minibatches} must divide the batch n_envs * n_steps = "
                f"{batch} into minibatches of 2 or more samples")
    return None


# --- the docs tables ------------------------------------------------------------------

# Which tables FORMAT.md shows, and how: (marker name, tables, columns).
DOC_TABLES = {
    "top": (("top",), "what"),
    "chapter": (("chapter",), "full"),
    "rules": (("rules",), "full"),
    "agent": (("agent", "learner"), "full"),
    "design": (("design",), "full"),
    "legend": (("legend",), "meaning"),
    "labels": ((), "labels"),
    "palette": ((), "palette"),
}
_SECTION_KEYS = {"chapter", "rules", "agent", "design", "legend", "probes", "control",
                 "upgrade"}


def _top_name(name: str) -> str:
    if name in ("pretrain", "train", "deploy", "gaps"):
        return f"`[[{name}]]`"
    return f"`[{name}]`" if name in _SECTION_KEYS else f"`{name}`"


def markdown_table(doc: str) -> str:
    """The Markdown table FORMAT.md shows between `<!-- schema:DOC -->` markers."""
    tables, columns = DOC_TABLES[doc]
    if columns in ("labels", "palette"):
        words = LABELS if columns == "labels" else PALETTE
        intro = "Diagnosis labels: " if columns == "labels" else "Palette names: "
        return _wrap(intro + ", ".join(f"`{w}`" for w in words) + ".")
    if columns == "what":
        rows = ["| key | what | required |", "|---|---|---|"]
        seen = set()
        for k in TOP.values():
            if k.help in seen:  # the three level sets share one row
                continue
            seen.add(k.help)
            names = [n for n, x in TOP.items() if x.help == k.help]
            rows.append(f"| {', '.join(_top_name(n) for n in names)} | {k.help} | "
                        f"{k.doc_default} |")
        return "\n".join(rows)
    if columns == "meaning":
        rows = ["| key | meaning |", "|---|---|"]
        rows += [f"| `{k.name}` | {k.help} |" for t in tables for k in TABLES[t].values()]
        return "\n".join(rows)
    rows = ["| key | type | default | meaning |", "|---|---|---|---|"]
    for t in tables:
        for k in TABLES[t].values():
            dflt = k.default_text()
            rows.append(f"| `{k.name}` | {k.type_text()} | {dflt} | {k.help} |".replace("|  |", "| |"))
    return "\n".join(rows)


def _wrap(text: str, width: int = 84) -> str:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join(lines + [line])


def render_doc(text: str) -> str:
    """`text` (FORMAT.md) with every generated table replaced by the current one."""
    for doc in DOC_TABLES:
        start, end = f"<!-- schema:{doc} -->\n", f"<!-- /schema:{doc} -->"
        a = text.index(start) + len(start)
        b = text.index(end, a)
        text = text[:a] + markdown_table(doc) + "\n" + text[b:]
    return text


if __name__ == "__main__":  # python -m levels.schema: regenerate FORMAT.md's tables
    from pathlib import Path
    doc_path = Path(__file__).with_name("FORMAT.md")
    doc_path.write_text(render_doc(doc_path.read_text(encoding="utf-8")), encoding="utf-8")
