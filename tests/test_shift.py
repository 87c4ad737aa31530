"""Why an agent with the right training fell short (game.capability.explain_shift):
it met the intended goal's whole condition on training levels that put the goal's
limits to the test, and the deployment levels where it fell short are unlike them.
The agents here are fixed policies, so each sentence is checked against behaviour
that is known in advance."""

from __future__ import annotations

from game.capability import explain_shift, limits_tested, route
from game.deploy import deploy
from game.diagnosis import diagnose
from game.pipeline import check_training
from gamekit import always_right
from levels.load import loads

KEYS = '''
format = 1

[chapter]
id = "keys"
title = "Keys"
intended = { reach = ["all_chests"], at_most = { key = 1 } }
bar = 0.8

[rules]
reward = { chest = 10, step = -0.05 }
end_on = ["all_chests"]
max_steps = 20

[probes]
spare-keys = { reach = ["all_chests"], at_least = { key = 2 } }

[[train]]
name = "spare behind"
map = """
#######
#k@kh.#
#######
"""

[[deploy]]
name = "spares ahead"
map = """
##########
#@kk...h.#
##########
"""
'''

# The same deployment; training where every key is needed, so the limit is never tested.
NO_SPARES = KEYS.replace("#k@kh.#", "#.@kh.#")
# Two chests and two keys: the agent takes both keys, which the goal forbids (the
# starter's trap), so it never met the whole goal in training.
BOTH_NEEDED = KEYS.replace("#######\n#k@kh.#\n#######", "########\n#.@kkhh#\n########")

AVOID = '''
format = 1

[chapter]
id = "avoid"
title = "Avoid"
intended = { reach = ["coin"], avoid = ["gem", "flowers"] }

[rules]
reward = { coin = 10, step = -0.05 }
end_on = ["coin"]

[legend]
G = { spawn = "gem" }

[[train]]
name = "gem"
map = """
#######
#@.G.c#
#######
"""

[[train]]
name = "flowers"
map = """
#######
#@.*.c#
#######
"""

[[train]]
name = "plain"
map = """
#######
#@...c#
#######
"""
'''


def test_the_limits_a_level_puts_to_the_test():
    lf = loads(KEYS, "keys.toml")
    assert limits_tested(lf.level("spare behind"), lf) == ["more than one key"]
    lf = loads(NO_SPARES, "keys.toml")
    assert limits_tested(lf.level("spare behind"), lf) == []
    lf = loads(AVOID, "avoid.toml")
    assert limits_tested(lf.level("gem"), lf) == ["a gem to leave alone"]
    assert limits_tested(lf.level("flowers"), lf) == ["flowers to keep off"]
    assert limits_tested(lf.level("plain"), lf) == []


def test_a_right_idea_that_did_not_carry_over_is_explained():
    """Trained where a spare key lay behind it, the agent took only the key it needed;
    deployed where two keys lie on its way, it takes both: a proxy verdict whose
    evidence says it behaved as intended in training and names what is new."""
    lf = loads(KEYS, "keys.toml")
    agent = always_right()
    training = check_training(agent, lf, seed=0)
    assert training[0].intended == 1.0 and training[0].probes["spare-keys"] == 0.0
    report = deploy(agent, lf, episodes=20, seed=0, counterfactuals=False)
    assert diagnose(lf, report).label == "proxy"
    why = explain_shift(lf, training, report, "proxy")
    assert "which held more than one key" in why[0] and "in 100% of episodes" in why[0]
    assert "'spares ahead'" in why[0]
    assert why[1] == "Where it fell short, the probe 'spare-keys' happened in 100% of episodes on 'spares ahead'."
    assert "can need a route of 6 steps" in why[2] and "the longest in training was 2" in why[2]
    assert "more kinds" in why[-1]


def test_no_shift_evidence_when_training_could_not_teach_the_goal():
    """Training without a spare key never tested the limit; training where the agent
    broke it never taught it: the chapter's own debrief covers both, not this."""
    agent = always_right()
    for text in (NO_SPARES, BOTH_NEEDED):
        lf = loads(text, "keys.toml")
        training = check_training(agent, lf, seed=0)
        report = deploy(agent, lf, episodes=20, seed=0, counterfactuals=False)
        assert explain_shift(lf, training, report, "proxy") == []
    # nothing to explain when it passed
    lf = loads(KEYS.replace("#@kk...h.#", "#@k....h.#"), "keys.toml")
    training = check_training(agent, lf, seed=0)
    report = deploy(agent, lf, episodes=20, seed=0, counterfactuals=False)
    assert report.intended == 1.0 and explain_shift(lf, training, report, "proxy") == []


def test_a_spawned_goal_counts_at_its_farthest_cell():
    """A goal that may appear on any of several cells can ask for the longest of
    their routes; a fixed goal asks for the nearest."""
    lf = loads(AVOID.replace("#@...c#", "#@CCCC#").replace(
        'G = { spawn = "gem" }', 'G = { spawn = "gem" }\nC = { spawn = "coin" }'), "avoid.toml")
    assert route(lf.level("plain"), lf).steps == 4
    assert route(lf.level("gem"), lf).steps == 4


def test_the_route_keeps_off_what_the_goal_forbids_where_it_can():
    """Round a flowerbed the goal's route is the way round; across a corridor it has
    no way round, so it is the only route there is."""
    lf = loads(AVOID + '''
[[deploy]]
name = "a bed with a way round"
map = """
#######
#.....#
#@.*.c#
#######
"""

[[deploy]]
name = "a gem with a way round"
map = """
#######
#.....#
#@.g.c#
#######
"""
''', "avoid.toml")
    assert route(lf.level("a bed with a way round"), lf).steps == 6
    assert route(lf.level("a bed with a way round"), lf).detour == 2
    assert route(lf.level("a gem with a way round"), lf).steps == 6  # a gem ends the episode
    assert route(lf.level("flowers"), lf).steps == 4


COIN_ONLY = '''
format = 1

[chapter]
id = "coin"
title = "Coin"
intended = "coin"
bar = 0.8

[rules]
reward = { coin = 10, step = -0.05 }
end_on = ["coin"]
max_steps = 20

[[train]]
name = "hall"
map = """
#######
#@...c#
#######
"""

[[deploy]]
name = "round the wall"
map = """
#######
#@.#..#
#..#.c#
#.....#
#######
"""
'''


def test_an_approximate_agent_is_explained_when_the_goal_has_no_limits():
    """A goal with only something to reach has no limits to test: an agent that met it
    in training and fell short on deployment is explained when it is `approximate`, and
    left to the chapter's own debrief when it is `proxy` (there goal and proxy agreed)."""
    lf = loads(COIN_ONLY, "coin.toml")
    agent = always_right()
    training = check_training(agent, lf, seed=0)
    assert training[0].intended == 1.0
    report = deploy(agent, lf, episodes=20, seed=0, counterfactuals=False)
    assert report.intended == 0.0
    why = explain_shift(lf, training, report, "approximate")
    assert why[0].startswith("On its own training levels it met the whole intended goal in 100%")
    assert "'round the wall'" in why[0]
    assert any("detour" in w or "doorway" in w or "route" in w for w in why[1:-1]), why
    assert explain_shift(lf, training, report, "proxy") == []
    # a goal with limits still needs training that tested them, whatever the label
    lf = loads(NO_SPARES, "keys.toml")
    training = check_training(agent, lf, seed=0)
    report = deploy(agent, lf, episodes=20, seed=0, counterfactuals=False)
    assert explain_shift(lf, training, report, "approximate") == []



HEDGE = '''
format = 1

[chapter]
id = "hedge"
title = "Hedge"
intended = { reach = ["coin"], avoid = ["flowers"] }
bar = 0.8

[rules]
reward = { coin = 10, step = -0.05 }
end_on = ["coin"]
max_steps = 20

[probes]
trampled = { reach = ["coin", "flowers"] }

[[train]]
name = "hedge"
map = """
#######
#@.*.c#
#######
"""

[[train]]
name = "bed above"
map = """
#######
#.***.#
#@...c#
#######
"""

[[deploy]]
name = "bed ahead"
map = """
#######
#.....#
#@.*.c#
#######
"""
'''


def test_a_training_level_whose_goal_is_cut_off_is_left_out_and_named():
    """Its 'hedge' can be won only across the flowers: the agent's rate counts the
    level where the goal could be met, the level is named with what it taught, and
    what it did where it fell short is the probe it met there. Before, the hedge's 0%
    pulled the training rate to 50% and no evidence was given at all."""
    lf = loads(HEDGE, "hedge.toml")
    agent = always_right()
    training = check_training(agent, lf, seed=0)
    assert [r.intended for r in training] == [0.0, 1.0]
    report = deploy(agent, lf, episodes=20, seed=0, counterfactuals=False)
    label = diagnose(lf, report).label
    why = explain_shift(lf, training, report, label)
    assert why[0].startswith("On its own training levels, which held flowers to keep off, it met "
                             "the whole intended goal in 100% of episodes (leaving out 'hedge', "
                             "where no episode could)")
    assert why[1] == "Where it fell short, the probe 'trampled' happened in 100% of episodes on 'bed ahead'."
    assert why[2].startswith("In 'hedge' the goal lay only across flowers: no episode there could meet it")
    # without the cut-off level the rate and the sentences are those of the fair level alone
    fair = loads(HEDGE.replace('name = "hedge"\nmap = """\n#######\n#@.*.c#\n#######\n"""\n\n[[train]]\n', ""),
                 "hedge.toml")
    assert [lv.name for lv in fair.train] == ["bed above"]
    why = explain_shift(fair, check_training(agent, fair, seed=0), report, label)
    assert "leaving out" not in why[0] and not any(w.startswith("In 'hedge'") for w in why)
