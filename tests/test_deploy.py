"""Deployment: reproducible numbers, exact probe counting, gaps, counterfactuals,
policy maps."""

import numpy as np
import pytest

from game.deploy import (condition_met, deploy,
                         policy_map, rollout, sample_actions, variants)
from gamekit import FixedAgent, always_right, uniform_agent
from levels import world
from levels.load import loads
from levels.model import Condition

ROOM = """
format = 1

[chapter]
id = "test-room"
title = "Test room"
intended = "coin"
bar = 0.8

[rules]
reward = { coin = 10, step = -0.05 }
max_steps = 20

[legend]
E = { zone = "right-end" }

[probes]
right-end = { reach = ["right-end"], avoid = ["coin"] }
flowers = "flowers"

[[train]]
name = "train"
map = '''
#######
#@...c#
#######
'''

[[deploy]]
name = "coin left"
map = '''
#######
#c.@.E#
#######
'''

[[deploy]]
name = "coin right"
map = '''
#######
#@...c#
#######
'''

[[gaps]]
name = "left vs right"
probe = "intended"
when = ["coin right"]
versus = ["coin left"]
"""


@pytest.fixture(scope="module")
def room():
    return loads(ROOM.replace("'''", '"""'), "room.toml")


def test_always_right_goes_right(room):
    report = deploy(always_right(), room, episodes=20, seed=0, counterfactuals=False)
    left, right = report.levels
    assert left.intended == 0.0 and left.probes["right-end"] == 1.0
    assert right.intended == 1.0 and right.probes["right-end"] == 0.0
    # the episode on the right ends at the coin after 4 steps: return is exact
    assert right.ret == pytest.approx(10 - 4 * 0.05, abs=1e-4)
    assert right.length == 4
    assert report.gaps["left vs right"] == pytest.approx(1.0)
    assert left.outcomes["timeout"] == 1.0


def test_deployment_is_reproducible(room):
    a = deploy(uniform_agent(), room, episodes=50, seed=7).to_json()
    b = deploy(uniform_agent(), room, episodes=50, seed=7).to_json()
    c = deploy(uniform_agent(), room, episodes=50, seed=8).to_json()
    assert a == b
    assert a != c


def test_visits_count_every_step(room):
    counts, returns, lengths, visits, replays = rollout(always_right(), room.deploy[1], room, 5, 0, keep=2)
    assert visits.sum() == 5 * (lengths[0] + 1)
    assert len(replays) == 2 and replays[0].positions[0] == (1, 1)
    assert replays[0].positions[-1] == (1, 5)
    assert len(replays[0].alive) == len(replays[0].positions)


def test_condition_counts_exactly():
    z = ("right-end",)
    counts = np.zeros((4, world.N_EVENTS), np.int64)
    coin, key, fw, fu = (world.EVENT_BIT[n] for n in ("coin", "key", "flowers_watched", "flowers_unwatched"))
    counts[0, coin] = 1
    counts[1, key] = 3
    counts[2, fw] = 1
    counts[3, fu] = 2
    counts[3, world.ZONE_EVENT0] = 1
    assert condition_met(Condition(reach=("coin",)), counts, z).tolist() == [True, False, False, False]
    assert condition_met(Condition(at_least={"key": 2}), counts, z).tolist() == [False, True, False, False]
    assert condition_met(Condition(reach=("flowers",)), counts, z).tolist() == [False, False, True, True]
    assert condition_met(Condition(avoid=("flowers",)), counts, z).tolist() == [True, True, False, False]
    assert condition_met(Condition(reach=("right-end",), avoid=("coin",)), counts, z).tolist() == [False, False, False, True]


def test_sample_actions_inverse_cdf():
    probs = np.array([[0.1, 0.2, 0.3, 0.4]] * 4, np.float32)
    u = np.array([0.05, 0.25, 0.55, 0.95])
    assert sample_actions(probs, u).tolist() == [0, 1, 2, 3]


def test_gap_against_control(room):
    room2 = loads(ROOM.replace("'''", '"""').replace('versus = ["coin left"]', 'versus = "control"')
                 + "\n[control]\nreward = { coin = 0 }\n", "r.toml")
    report = deploy(always_right(), room2, episodes=10, seed=0, control=FixedAgent([0, 0, 1, 0]),
                    counterfactuals=False)
    assert report.gaps["left vs right"] == pytest.approx(1.0)


def test_counterfactual_removing_the_coin(room):
    report = deploy(always_right(), room, episodes=10, seed=0)
    names = {(c.level, c.variant) for c in report.counterfactuals}
    assert ("coin left", "no-coin") in names
    no_coin = next(c for c in report.counterfactuals if c.level == "coin left" and c.variant == "no-coin")
    assert no_coin.intended == 0.0 and no_coin.probes["right-end"] == 1.0


def test_colour_swap_variant():
    lf = loads(ROOM.replace("'''", '"""').replace("#c.@.E#", "#c.@.g#"), "r.toml")
    vs = {v for v, _, _ in variants(lf.deploy[0], lf)}
    assert "colours-swapped" in vs
    swapped = next(lv for v, _, lv in variants(lf.deploy[0], lf) if v == "colours-swapped")
    colors = {o.kind: o.color for o, _, _ in swapped.objects}
    assert colors == {"coin": "red", "gem": "yellow"}


def test_policy_map_covers_free_cells(room):
    pm = policy_map(always_right(), room, "coin left")
    assert pm.free.sum() == 4  # five floor cells, one holds the coin
    assert not pm.free[1, 1]  # the coin's cell
    assert np.allclose(pm.probs[pm.free].sum(axis=1), 1.0)
    assert pm.arrows()[1] == "  >>>> "


SENSOR_ENDS = """
format = 1

[chapter]
id = "test-sensor-ends"
title = "Sensor ends it"
intended = "coin"
bar = 0.8

[rules]
reward = { coin = 10, sensor = 5, step = -0.05 }
end_on = ["sensor"]
max_steps = 20

[[train]]
name = "train"
map = '''
#######
#@c.s.#
#######
'''

[[deploy]]
name = "coin then sensor"
map = '''
#######
#@c.s.#
#######
'''

[[deploy]]
name = "no sensor"
map = '''
#######
#@c...#
#######
'''
"""


def test_outcomes_are_the_files_own_end_events():
    """Deployment reports how episodes ended by the file's end_on (plus the step
    limit), not by a fixed list: here the coin does not end an episode, the sensor does."""
    lf = loads(SENSOR_ENDS.replace("'''", '"""'), "sensor_ends.toml")
    report = deploy(always_right(), lf, episodes=10, seed=0, counterfactuals=False,
                    baseline=False)
    both, none = report.levels
    assert list(both.outcomes) == ["sensor", "timeout"]
    assert both.outcomes == {"sensor": 1.0, "timeout": 0.0}
    assert both.length == 3 and both.intended == 1.0  # walked over the coin, on to the sensor
    assert none.outcomes == {"sensor": 0.0, "timeout": 1.0}
    assert none.intended == 1.0 and none.length == 20
