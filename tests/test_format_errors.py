"""A catalogue of broken level files: each must raise LevelFormatError with a
problem at the expected line and column whose message contains the expected text."""

from __future__ import annotations

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.ppo import PPOConfig
from levels.errors import LevelFormatError
from levels.load import load, loads
from levels.schema import HYPERPARAMETERS, check_learner

OK_LEVEL = '[[train]]\nname = "ok"\nmap = """\n#####\n#@.c#\n#####\n"""\n'


def problems_of(text):
    with pytest.raises(LevelFormatError) as info:
        loads(text, "broken.toml")
    return info.value.problems


def level(name, rows, extra=""):
    body = "\n".join(rows)
    return f'[[train]]\nname = "{name}"\n{extra}map = """\n{body}\n"""\n'


# (id, text, line, col, substring of the message)
CASES = [
    ("toml-syntax", 'format = 1\nname = corridor\n', 2, 8, "TOML syntax error"),
    ("toml-unclosed-table", 'format = 1\n[rules\n', 2, 7, "TOML syntax error"),
    ("duplicate-key", 'format = 1\nformat = 1\n' + OK_LEVEL, 2, 1, "'format' is set twice"),
    ("missing-format", OK_LEVEL, 1, 1, "format = 1"),
    ("format-2", 'format = 2\n' + OK_LEVEL, 1, 10, "'format' must be 1"),
    ("format-text", 'format = "1"\n' + OK_LEVEL, 1, 10, "got \"1\""),
    ("unknown-top-key", 'format = 1\nlegnd = {}\n' + OK_LEVEL, 2, 1, "did you mean 'legend'?"),
    ("no-levels", 'format = 1\n', 1, 1, "no levels"),
    ("train-not-array", 'format = 1\n[train]\nname = "a"\nmap = "@c"\n', 2, 1, "write each level as [[train]]"),
    # [rules]
    ("unknown-rules-key", 'format = 1\n[rules]\nrewrd = { coin = 10 }\n' + OK_LEVEL, 3, 1,
     "unknown key 'rewrd' in [rules] (did you mean 'reward'?); known keys: reward, end_on, max_steps, trigger_year"),
    ("reward-unknown-event", 'format = 1\n[rules]\nreward = { coin = 10, con = 1 }\n' + OK_LEVEL, 3, 23,
     "unknown event 'con'"),
    ("reward-not-number", 'format = 1\n[rules]\nreward = { coin = "ten" }\n' + OK_LEVEL, 3, 19,
     "the reward for 'coin' must be a number"),
    ("reward-inf", 'format = 1\n[rules]\nreward = { coin = inf }\n' + OK_LEVEL, 3, 19, "must be a number"),
    ("reward-huge", 'format = 1\n[rules]\nreward = { coin = 1' + '0' * 400 + ' }\n' + OK_LEVEL, 3, 19,
     "a very large number"),
    ("reward-not-table", 'format = 1\n[rules]\nreward = 10\n' + OK_LEVEL, 3, 10, "table of event = number"),
    ("end-on-unknown", 'format = 1\n[rules]\nend_on = ["coin", "lavaa"]\n' + OK_LEVEL, 3, 19,
     "did you mean 'lava'?"),
    ("max-steps-zero", 'format = 1\n[rules]\nmax_steps = 0\n' + OK_LEVEL, 3, 13, "from 1 to 1000; got 0"),
    ("max-steps-big", 'format = 1\n[rules]\nmax_steps = 1001\n' + OK_LEVEL, 3, 13, "from 1 to 1000"),
    # [agent]
    ("view-even", 'format = 1\n[agent]\nview = 4\n' + OK_LEVEL, 3, 8,
     "'view' must be an odd whole number from 3 to 15, or \"full\"; got 4"),
    ("view-word", 'format = 1\n[agent]\nview = "ful"\n' + OK_LEVEL, 3, 8, "got \"ful\""),
    ("view-bool", 'format = 1\n[agent]\nview = true\n' + OK_LEVEL, 3, 8, "got true"),
    ("shape-range", 'format = 1\n[agent]\nview = 5\nshape_range = 3\n' + OK_LEVEL, 4, 15, "from 1 to 2"),
    ("trail-word", 'format = 1\n[agent]\ntrail = "yes"\n' + OK_LEVEL, 3, 9, "'trail' must be true or false"),
    ("mirror-word", 'format = 1\n[agent]\nmirror = 1\n' + OK_LEVEL, 3, 10, "'mirror' must be true or false"),
    ("novelty-without-trail", 'format = 1\n[agent]\nnovelty = 0.3\n' + OK_LEVEL, 3, 11,
     "'novelty' needs the agent's trail"),
    ("rare-without-novelty", 'format = 1\n[agent]\ntrail = true\nnovelty_rare = 2\n' + OK_LEVEL, 4, 16,
     "'novelty_rare' multiplies the novelty bonus"),
    ("pooled-full-view", 'format = 1\n[agent]\nview = "full"\npooled = true\n' + OK_LEVEL, 4, 10,
     "'pooled' needs a window view"),
    ("wall-mask-full-view", 'format = 1\n[agent]\nview = "full"\nwall_mask = true\n' + OK_LEVEL, 4, 13,
     "'wall_mask' needs a window view"),
    ("far-kinds-without-pooled", 'format = 1\n[agent]\nfar_kinds = true\n' + OK_LEVEL, 3, 13,
     "'far_kinds' needs the pooled inputs"),
    ("wall-mask-word", 'format = 1\n[agent]\nwall_mask = "on"\n' + OK_LEVEL, 3, 13,
     "'wall_mask' must be true or false"),
    ("hidden", 'format = 1\n[agent]\nhidden = [64, 0]\n' + OK_LEVEL, 3, 10, "'hidden' must be a list"),
    ("lr-text", 'format = 1\n[agent]\nlr = "fast"\n' + OK_LEVEL, 3, 6, "'lr' must be a number"),
    ("seed-negative", 'format = 1\n[agent]\nseed = -1\n' + OK_LEVEL, 3, 8, "'seed' must be a whole number"),
    ("agent-unknown", 'format = 1\n[agent]\nstep = 10\n' + OK_LEVEL, 3, 1, "did you mean 'steps'?"),
    # [agent] learner settings: the learner's own ranges (levels.schema.LEARNER), at the value
    ("gamma-above-one", 'format = 1\n[agent]\ngamma = 1.5\n' + OK_LEVEL, 3, 9,
     "'gamma' must be at least 0 and at most 1; got 1.5"),
    ("lr-negative", 'format = 1\n[agent]\nview = 5\nlr = -1\n' + OK_LEVEL, 4, 6,
     "'lr' must be more than 0 and at most 1; got -1"),
    ("lr-zero", 'format = 1\n[agent]\nlr = 0\n' + OK_LEVEL, 3, 6, "'lr' must be more than 0"),
    ("entropy-negative", 'format = 1\n[agent]\nentropy = -3\n' + OK_LEVEL, 3, 11,
     "'entropy' must be at least 0 and at most 10; got -3"),
    ("n-envs-zero", 'format = 1\n[agent]\nn_envs = 0\n' + OK_LEVEL, 3, 10,
     "'n_envs' must be at least 1 and at most 4096; got 0"),
    ("minibatches-do-not-divide", 'format = 1\n[agent]\nn_envs = 3\nminibatches = 5\n' + OK_LEVEL,
     4, 15, "'minibatches' = 5 must divide the batch n_envs * n_steps = 96 into minibatches"),
    ("batch-too-small-for-default-minibatches", 'format = 1\n[agent]\nn_envs = 1\nn_steps = 4\n' + OK_LEVEL,
     4, 11, "'minibatches' = 4 must divide the batch n_envs * n_steps = 4 into minibatches of 2"),
    ("n-steps-fraction", 'format = 1\n[agent]\nn_steps = 2.5\n' + OK_LEVEL, 3, 11,
     "'n_steps' must be a whole number; got 2.5"),
    ("epochs-bool", 'format = 1\n[agent]\nepochs = true\n' + OK_LEVEL, 3, 10,
     "'epochs' must be a number; got true"),
    ("clip-inf", 'format = 1\n[agent]\nclip = inf\n' + OK_LEVEL, 3, 8, "'clip' must be more than 0"),
    ("value-coef-huge", 'format = 1\n[agent]\nvalue_coef = 1' + '0' * 400 + '\n' + OK_LEVEL, 3, 14,
     "got a very large number"),
    ("max-grad-norm-nan", 'format = 1\n[agent]\nmax_grad_norm = nan\n' + OK_LEVEL, 3, 17,
     "'max_grad_norm' must be more than 0"),
    ("gae-lambda-inline", 'format = 1\nagent = { view = 5, gae_lambda = 2 }\n' + OK_LEVEL, 2, 34,
     "'gae_lambda' must be at least 0 and at most 1"),
    ("hidden-four-layers", 'format = 1\n[agent]\nhidden = [8, 8, 8, 8]\n' + OK_LEVEL, 3, 10,
     "'hidden' must be a list of 1 to 3 layer sizes"),
    ("hidden-too-wide", 'format = 1\n[agent]\nhidden = [2048]\n' + OK_LEVEL, 3, 10,
     "whole numbers from 1 to 1024"),
    # [design]
    ("palette", 'format = 1\n[design]\npalette = ["wall", "coins"]\n' + OK_LEVEL, 3, 20,
     "unknown palette item \"coins\" (did you mean 'coin'?)"),
    ("max-width", 'format = 1\n[design]\nmax_width = 33\n' + OK_LEVEL, 3, 13, "from 1 to 32"),
    ("reward-editable", 'format = 1\n[design]\nreward_editable = 1\n' + OK_LEVEL, 3, 19, "true or false"),
    # [legend]
    ("legend-two-chars", 'format = 1\n[legend]\nab = { object = "coin" }\n' + OK_LEVEL, 3, 1,
     "exactly one visible character"),
    ("legend-quote", 'format = 1\n[legend]\n"\'" = { object = "coin" }\n' + OK_LEVEL, 3, 1,
     "exactly one visible character"),
    ("legend-builtin", 'format = 1\n[legend]\nc = { object = "coin", color = "blue" }\n' + OK_LEVEL, 3, 1,
     "symbol 'c' is built in"),
    ("legend-object-and-spawn", 'format = 1\n[legend]\nb = { object = "coin", spawn = "coin" }\n' + OK_LEVEL,
     3, 24, "both 'object' and 'spawn'"),
    ("legend-unknown-kind", 'format = 1\n[legend]\nb = { object = "coni" }\n' + OK_LEVEL, 3, 16,
     "did you mean 'coin'?"),
    ("legend-spawn-unknown", 'format = 1\n[legend]\n1 = { spawn = "coinn" }\n' + OK_LEVEL, 3, 15,
     "an object kind or \"agent\""),
    ("legend-color", 'format = 1\n[legend]\nb = { object = "coin", color = "bleu" }\n' + OK_LEVEL, 3, 32,
     "did you mean 'blue'?"),
    ("legend-year-on-coin", 'format = 1\n[legend]\nb = { object = "coin", year = 2025 }\n' + OK_LEVEL, 3, 24,
     "applies only to calendars"),
    ("legend-year-range", 'format = 1\n[legend]\nY = { object = "calendar", year = 0 }\n' + OK_LEVEL, 3, 35,
     "from 1 to 9999"),
    ("legend-count-no-spawn", 'format = 1\n[legend]\nb = { object = "coin", count = 2 }\n' + OK_LEVEL, 3, 24,
     "applies only to spawn markers"),
    ("legend-color-no-object", 'format = 1\n[legend]\nb = { color = "blue" }\n' + OK_LEVEL, 3, 7,
     "applies to an object"),
    ("legend-object-on-lava", 'format = 1\n[legend]\nx = { object = "coin", terrain = "lava" }\n' + OK_LEVEL,
     3, 34, "stand on floor only"),
    ("legend-unknown-key", 'format = 1\n[legend]\nb = { objekt = "coin" }\n' + OK_LEVEL, 3, 7,
     "did you mean 'object'?"),
    ("legend-not-table", 'format = 1\n[legend]\nb = "coin"\n' + OK_LEVEL, 3, 5, "must be a table"),
    ("legend-agent-count", 'format = 1\n[legend]\nA = { spawn = "agent", count = 2 }\n' + OK_LEVEL, 3, 32,
     "must be 1"),
    ("zone-is-event", 'format = 1\n[legend]\nE = { zone = "coin" }\n' + OK_LEVEL, 3, 14, "already an event name"),
    ("zone-bad-name", 'format = 1\n[legend]\nE = { zone = "" }\n' + OK_LEVEL, 3, 14, "a zone name must be"),
    ("too-many-zones", 'format = 1\n[legend]\n' + "".join(f'{s} = {{ zone = "z{s}" }}\n' for s in "ABCDEFGHI")
     + OK_LEVEL, 11, 14, "too many zones"),
    # maps
    ("unknown-symbol", 'format = 1\n' + level("corridor", ["#####", "#@xc#", "#####"]), 6, 3,
     "unknown symbol 'x' in map 'corridor'; known symbols: # . ~ * @ c k h g O T s"),
    ("unknown-symbol-legend-listed", 'format = 1\n[legend]\n1 = { spawn = "coin" }\nE = { zone = "end" }\n'
     + level("corridor", ["#####", "#@x1E", "#####"]), 9, 3, "known symbols: # . ~ * @ c k h g O T s 1 E"),
    ("space-in-map", 'format = 1\n' + level("a", ["#####", "#@ c#", "#####"]), 6, 3, "use '.' for floor"),
    ("indented-map", 'format = 1\n' + level("a", ["  ###", "  #@c", "  ###"]), 5, 1, "do not indent"),
    ("ragged-longer", 'format = 1\n' + level("a", ["#####", "#@.c##", "#####"]), 6, 6,
     "row 2 of the map of level 'a' is 6 characters wide, longer than the first row (5)"),
    ("ragged-shorter", 'format = 1\n' + level("a", ["#####", "#@c#", "#####"]), 6, 5,
     "every row must be 5 characters wide"),
    ("too-wide", 'format = 1\n' + level("a", ["#@c" + "." * 30]), 5, 33, "at most 32"),
    ("too-tall", 'format = 1\n' + level("a", ["#@c"] + ["..."] * 32), 37, 1, "33 rows; at most 32"),
    ("empty-map", 'format = 1\n[[train]]\nname = "a"\nmap = """\n\n"""\n', 4, 7, "is empty"),
    ("no-agent", 'format = 1\n' + level("a", ["#####", "#..c#", "#####"]), 5, 1, "level 'a' has no agent"),
    ("two-agents", 'format = 1\n' + level("a", ["#####", "#@@c#", "#####"]), 6, 3,
     "more than one '@'"),
    ("agent-and-spawn", 'format = 1\n[legend]\nA = { spawn = "agent" }\n' + level("a", ["#####", "#@Ac#"]),
     8, 3, "both an '@' and agent spawn cells"),
    ("two-agent-spawns", 'format = 1\n[legend]\nA = { spawn = "agent" }\nB = { spawn = "agent" }\n'
     + level("a", ["#####", "#ABc#"]), 9, 3, "two agent spawn symbols"),
    ("spawn-count", 'format = 1\n[legend]\nK = { spawn = "coin", count = 3 }\n' + level("a", ["#@KK#"]),
     7, 3, "marks only 2 cells"),
    ("too-many-objects", 'format = 1\n' + level("a", ["@" + "c" * 17]), 5, 1, "17 objects"),
    ("too-many-spawn-groups", 'format = 1\n[legend]\n' + "".join(f'{d} = {{ spawn = "coin" }}\n' for d in "123456789")
     + level("a", ["@c123456789"]), 15, 11, "at most 8"),
    ("single-line-map", 'format = 1\n[[train]]\nname = "a"\nmap = "#@xc#"\n', 4, 10, "unknown symbol 'x'"),
    ("escaped-tab-in-map", 'format = 1\n[[train]]\nname = "a"\nmap = "#@\\tc#"\n', 4, 10, "a tab"),
    ("literal-map", "format = 1\n[[train]]\nname = 'a'\nmap = '''\n#####\n#@.?#\n'''\n", 6, 4, "unknown symbol '?'"),
    ("map-first-line", 'format = 1\n[[train]]\nname = "a"\nmap = """#@?c"""\n', 4, 12, "unknown symbol '?'"),
    ("map-not-string", 'format = 1\n[[train]]\nname = "a"\nmap = ["#@c#"]\n', 4, 7, "'map' must be text"),
    ("missing-map", 'format = 1\n[[train]]\nname = "a"\n', 2, 1, "needs 'map'"),
    ("missing-name", 'format = 1\n[[train]]\nmap = "@c"\n', 2, 1, "needs 'name'"),
    ("duplicate-name", 'format = 1\n' + level("a", ["@c"]) + level("a", ["@c"]), 8, 8,
     "level name 'a' is used twice (first on line 3)"),
    ("level-unknown-key", 'format = 1\n[[train]]\nname = "a"\nrewards = { coin = 1 }\nmap = "@c"\n', 4, 1,
     "did you mean 'reward'?"),
    ("level-reward-inline", 'format = 1\n[[train]]\nname = "a"\nreward = { coin = 1, bogus = 2 }\nmap = "@c"\n',
     4, 22, "unknown event 'bogus'"),
    ("level-cue", 'format = 1\n[[train]]\nname = "a"\ncue = "yes"\nmap = "@c"\n', 4, 7, "true or false"),
    ("level-second-in-set", 'format = 1\n' + OK_LEVEL + level("b", ["@xc"]), 12, 2, "unknown symbol 'x'"),
    ("deploy-level", 'format = 1\n' + OK_LEVEL + '[[deploy]]\nname = "d"\nmap = """\n@\n.c\n"""\n',
     13, 2, "row 2 of the map of level 'd'"),
    # reachability and the intended goal
    ("unreachable-coin", 'format = 1\n' + level("maze", ["#######", "#@.#..#", "####.c#", "#######"]), 7, 6,
     "the intended goal's coin at row 3, column 6 of level 'maze' cannot be reached from the agent's start"),
    ("unreachable-behind-lava", 'format = 1\n' + level("lava", ["#@~c#"]), 5, 4, "cannot be reached"),
    ("unreachable-spawn-cell", 'format = 1\n[legend]\n1 = { spawn = "coin" }\n'
     + level("a", ["#@.1#1#"]), 7, 6, "coin (spawn cell '1') at row 1, column 6"),
    ("unreachable-from-one-start", 'format = 1\n[legend]\nA = { spawn = "agent" }\n'
     + level("a", ["A.c#A"]), 7, 3, "from the agent's start at row 1, column 5"),
    ("no-coin-in-train", 'format = 1\n[chapter]\nid = "x"\ntitle = "X"\n' + level("empty", ["#@.#"]), 8, 1,
     "the intended goal 'coin' cannot happen in level 'empty': it has no coin"),
    ("intended-gem", 'format = 1\n[chapter]\nid = "x"\ntitle = "X"\nintended = "gem"\n' + OK_LEVEL, 9, 1,
     "it has no gem"),
    ("intended-zone-unreachable", 'format = 1\n[chapter]\nid = "x"\ntitle = "X"\nintended = "end"\n'
     '[legend]\nE = { zone = "end" }\n' + level("a", ["#@c#E"]), 11, 5, "zone 'end' in level 'a' cannot be reached"),
    ("intended-all-chests", 'format = 1\n[chapter]\nid = "x"\ntitle = "X"\nintended = "all_chests"\n'
     + level("a", ["#@kh#", "####h"]), 10, 5, "chest at row 2, column 5"),
    # [chapter]
    ("chapter-missing-id", 'format = 1\n[chapter]\ntitle = "X"\n' + OK_LEVEL, 2, 1, "[chapter] needs 'id'"),
    ("chapter-missing-title", 'format = 1\n[chapter]\nid = "x"\n' + OK_LEVEL, 2, 1, "needs 'title'"),
    ("chapter-bad-id", 'format = 1\n[chapter]\nid = "Coin Room"\ntitle = "X"\n' + OK_LEVEL, 3, 6,
     "lowercase letters and digits"),
    ("chapter-lesson", 'format = 1\n[chapter]\nid = "x"\ntitle = "X"\nlesson = "proxi"\n' + OK_LEVEL, 5, 10,
     "did you mean 'proxy'?"),
    ("chapter-bar", 'format = 1\n[chapter]\nid = "x"\ntitle = "X"\nbar = 1.5\n' + OK_LEVEL, 5, 7, "from 0 to 1"),
    ("chapter-intended-unknown", 'format = 1\n[chapter]\nid = "x"\ntitle = "X"\nintended = "coins"\n' + OK_LEVEL,
     5, 12, "unknown event 'coins'"),
    ("chapter-intended-table", 'format = 1\n[chapter]\nid = "x"\ntitle = "X"\n'
     'intended = { reach = ["coin"], avoid = ["lavva"] }\n' + OK_LEVEL, 5, 41, "did you mean 'lava'?"),
    ("chapter-debrief-label", 'format = 1\n[chapter]\nid = "x"\ntitle = "X"\n[chapter.debrief]\nproxi = "..."\n'
     + OK_LEVEL, 6, 1, "unknown diagnosis label 'proxi'"),
    ("chapter-prediction-label", 'format = 1\n[chapter]\nid = "x"\ntitle = "X"\n[[chapter.predictions]]\n'
     'id = "a"\ntext = "A"\n[[chapter.predictions]]\nid = "b"\ntext = "B"\nlabel = "aligend"\n' + OK_LEVEL,
     11, 9, "did you mean 'aligned'?"),
    ("chapter-prediction-dup", 'format = 1\n[chapter]\nid = "x"\ntitle = "X"\n'
     'predictions = [{ id = "a", text = "A" }, { id = "a", text = "B" }]\n' + OK_LEVEL, 5, 49, "used twice"),
    ("chapter-unknown-key", 'format = 1\n[chapter]\nid = "x"\ntitle = "X"\nbriefin = ""\n' + OK_LEVEL, 5, 1,
     "did you mean 'briefing'?"),
    ("chapter-not-table", 'format = 1\nchapter = "x"\n' + OK_LEVEL, 2, 11, "[chapter] must be a table"),
    # [probes], [control], [[gaps]]
    ("probe-unknown-event", 'format = 1\n[probes]\nright = "rigth-end"\n' + OK_LEVEL, 3, 9, "unknown event"),
    ("probe-intended", 'format = 1\n[probes]\nintended = "coin"\n' + OK_LEVEL, 3, 1, "reserved"),
    ("probe-empty", 'format = 1\n[probes]\nx = {}\n' + OK_LEVEL, 3, 1, "is empty"),
    ("probe-at-least", 'format = 1\n[probes]\nx = { at_least = { key = 0 } }\n' + OK_LEVEL, 3, 26,
     "from 1 to 1000"),
    ("probe-bad-type", 'format = 1\n[probes]\nx = 3\n' + OK_LEVEL, 3, 5, "an event name such as"),
    ("control-unknown-key", 'format = 1\n[control]\nrewards = {}\n' + OK_LEVEL, 3, 1, "did you mean 'reward'?"),
    ("control-reward", 'format = 1\n[control]\nreward = { sensr = 0 }\n' + OK_LEVEL, 3, 12, "did you mean 'sensor'?"),
    ("gap-unknown-probe", 'format = 1\n' + OK_LEVEL + '[[deploy]]\nname = "d"\nmap = "@c"\n'
     '[[gaps]]\nname = "g"\nprobe = "intnded"\nwhen = ["d"]\nversus = ["d"]\n', 14, 9, "did you mean 'intended'?"),
    ("gap-unknown-level", 'format = 1\n' + OK_LEVEL + '[[deploy]]\nname = "deploy"\nmap = "@c"\n'
     '[[gaps]]\nname = "g"\nprobe = "intended"\nwhen = ["deplyo"]\nversus = ["deploy"]\n', 15, 9,
     "did you mean 'deploy'?"),
    ("gap-train-level", 'format = 1\n' + OK_LEVEL + '[[deploy]]\nname = "d"\nmap = "@c"\n'
     '[[gaps]]\nname = "g"\nprobe = "intended"\nwhen = ["ok"]\nversus = ["d"]\n', 15, 9,
     "not a deployment level"),
    ("gap-control-missing", 'format = 1\n' + OK_LEVEL + '[[deploy]]\nname = "d"\nmap = "@c"\n'
     '[[gaps]]\nname = "g"\nprobe = "intended"\nwhen = ["d"]\nversus = "control"\n', 16, 10,
     "no [control] table"),
    ("gap-versus-string", 'format = 1\n' + OK_LEVEL + '[[deploy]]\nname = "d"\nmap = "@c"\n'
     '[[gaps]]\nname = "g"\nprobe = "intended"\nwhen = ["d"]\nversus = "d"\n', 16, 10,
     "\"control\" or \"upgrade\""),
    ("gap-missing-when", 'format = 1\n' + OK_LEVEL + '[[deploy]]\nname = "d"\nmap = "@c"\n'
     '[[gaps]]\nname = "g"\nprobe = "intended"\nversus = ["d"]\n', 12, 1, "needs 'when'"),
]


@pytest.mark.parametrize("case_id,text,line,col,needle", CASES, ids=[c[0] for c in CASES])
def test_broken_file(case_id, text, line, col, needle):
    problems = problems_of(text)
    matching = [p for p in problems if needle in p.message]
    assert matching, f"no problem mentions {needle!r}; got:\n" + "\n".join(map(str, problems))
    assert (matching[0].line, matching[0].col) == (line, col), "\n".join(map(str, problems))
    assert all(p.file == "broken.toml" for p in problems)


def test_all_problems_are_reported_together():
    text = ('format = 1\n[rules]\nmax_steps = 0\n[agent]\nview = 4\n[legend]\nb = { object = "coni" }\n'
            + level("a", ["#@x#", "#c#"]))
    problems = problems_of(text)
    messages = "\n".join(p.message for p in problems)
    for needle in ("max_steps", "'view'", "did you mean 'coin'", "unknown symbol 'x'", "row 2"):
        assert needle in messages
    assert [(p.line, p.col) for p in problems] == sorted((p.line, p.col) for p in problems)


def test_crlf_positions_match_lf():
    text = 'format = 1\n' + level("corridor", ["#####", "#@xc#", "#####"])
    p1 = problems_of(text)[0]
    p2 = problems_of(text.replace("\n", "\r\n"))[0]
    assert (p1.line, p1.col, p1.message) == (p2.line, p2.col, p2.message)


def test_not_utf8():
    with pytest.raises(LevelFormatError) as info:
        loads(b"format = 1\nname = \"caf\xe9\"\n", "latin1.toml")
    p = info.value.problems[0]
    assert (p.line, p.col) == (2, 12)
    assert "UTF-8" in p.message


def test_missing_file(tmp_path):
    with pytest.raises(LevelFormatError) as info:
        load(tmp_path / "nope.toml")
    assert "no such file" in info.value.problems[0].message


def test_folder_is_not_a_file(tmp_path):
    with pytest.raises(LevelFormatError) as info:
        load(tmp_path)
    assert "folder" in info.value.problems[0].message


def test_many_unknown_symbols_are_summarised():
    problems = problems_of('format = 1\n' + level("a", ["@c" + "x" * 30]))
    assert len(problems) == 11
    assert "20 more" in problems[-1].message or "20 more" in problems[0].message


def test_deploy_level_may_lack_the_goal_but_must_reach_it():
    ok = 'format = 1\n[chapter]\nid = "x"\ntitle = "X"\n' + OK_LEVEL + '[[deploy]]\nname = "d"\nmap = "@."\n'
    loads(ok)
    bad = ok.replace('map = "@."', 'map = "@#c"')
    assert "cannot be reached" in problems_of(bad)[0].message


def test_pretrain_level_may_lack_the_goal():
    text = 'format = 1\n[chapter]\nid = "x"\ntitle = "X"\n' + OK_LEVEL + '[[pretrain]]\nname = "p"\nmap = "@g"\n'
    loads(text)


def test_design_file_without_chapter_needs_no_coin():
    loads('format = 1\n' + level("a", ["@.."]))
    assert "cannot be reached" in problems_of('format = 1\n' + level("a", ["@#c"]))[0].message


# --- the learner's settings: `check` and the learner agree on every value ----------------

LEARNER_VALUES = st.one_of(
    st.integers(-2**63, 2**63 - 1), st.integers(-5, 5000),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(-2, 12),
    st.booleans(), st.text(max_size=5),
    st.lists(st.integers(-5, 2000), max_size=4),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(HYPERPARAMETERS), LEARNER_VALUES)
def test_check_accepts_exactly_what_the_learner_accepts(name, value):
    # (with the agent's trail on, which the novelty bonus needs, and a novelty bonus for
    # the rarity factor to multiply)
    needs = "novelty = 0.3\n" if name == "novelty_rare" else ""
    text = "format = 1\n[agent]\n" + tomli_w.dumps({name: value}) + "trail = true\n" + needs + OK_LEVEL
    try:
        expected = check_learner(name, value)
    except ValueError as exc:
        problems = problems_of(text)
        assert [(p.line, p.col, p.message) for p in problems] == [(3, len(name) + 4, str(exc))]
        with pytest.raises(ValueError):
            PPOConfig.from_overrides({name: value})
        return
    try:
        cfg = PPOConfig.from_overrides({name: value})
    except ValueError as exc:  # only the rule that ties minibatches to the batch size,
        assert "must divide the batch" in str(exc)  # which check applies too, at the value
        problems = problems_of(text)
        assert [(p.line, p.col, p.message) for p in problems] == [(3, len(name) + 4, str(exc))]
        return
    lf = loads(text, "ok.toml")
    assert getattr(cfg, name) == expected
    extra = {"novelty": 0.3} if needs else {}
    assert PPOConfig.from_overrides(lf.agent.learner) == cfg.with_overrides(extra)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6), st.integers(3, 8), st.data())
def test_map_problems_carry_their_cell(height, width, data):
    # one unknown symbol anywhere in a map of the second level: the problem names the
    # level and the cell, and its FILE:LINE:COL is where that cell is written
    rows = [["."] * width for _ in range(height)]
    rows[0][0], rows[-1][-1] = "@", "c"
    r = data.draw(st.integers(0, height - 1))
    c = data.draw(st.integers(0, width - 1).filter(lambda c: (r, c) not in ((0, 0), (height - 1, width - 1))))
    rows[r][c] = "x"
    text = "format = 1\n" + OK_LEVEL + level("second", ["".join(row) for row in rows])
    problems = problems_of(text)
    assert len(problems) == 1
    p = problems[0]
    assert (p.cell.set_name, p.cell.index, p.cell.level, p.cell.row, p.cell.col) == ("train", 1, "second", r, c)
    assert text.split("\n")[p.line - 1][p.col - 1] == "x"
    assert (p.line, p.col) == (text.split("\n").index('map = """', 8) + 2 + r, c + 1)
