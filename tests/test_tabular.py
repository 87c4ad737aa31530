"""The tabular Q-learning baseline."""

from __future__ import annotations

import numpy as np
import pytest

from agents.agent import RandomAgent
from agents.tabular import TabularAgent, taken_index, train_tabular
from levels import world
from levels.compiled import new_state
from levels.kernels import reset_all, step_all
from tests.agentkit import compiled, deploy, level

ROOM = ["#######", "#@....#", "#.##..#", "#....c#", "#######"]


def test_learns_a_fixed_level():
    ls, spec = compiled([level(ROOM)])
    r = train_tabular(ls, seed=0, steps=60_000)
    assert r.success >= 0.9
    agent = r.agent
    assert deploy(agent, ls, spec, 128, greedy=True)["coin"] == 1.0
    # Q-values are visible: the start cell's best action leads towards the coin
    q = agent.q[1, 1, 0]
    assert np.argmax(q) in (world.DOWN, world.RIGHT) and q.max() > 5


def greedy_walk(agent, ls, spec, max_steps: int = 40) -> list[tuple[int, int]]:
    """The cells one greedy episode on level 0 visits, up to the end of the episode."""
    st = new_state(ls, 1)
    reset_all(ls, st, np.zeros(1, np.int32))
    obs, rng = np.zeros((1, spec.length), np.int32), np.ones(1, np.uint64)
    ev, rw, dn = np.zeros(1, np.int32), np.zeros(1, np.float32), np.zeros(1, np.bool_)
    cells = [(int(st.r[0]), int(st.c[0]))]
    for _ in range(max_steps):
        step_all(ls, st, agent.act(obs, st, rng, greedy=True), ev, rw, dn, False)
        cells.append((int(st.r[0]), int(st.c[0])))
        if dn[0]:
            break
    return cells


def test_cannot_see_a_moved_coin():
    ls, spec = compiled([level(ROOM)])
    agent = TabularAgent(train_tabular(ls, seed=0, steps=60_000).agent.q, 0.0)
    path = greedy_walk(agent, ls, spec)
    assert path[-1] == (3, 5) and len(path) == 7  # a shortest path to the coin, which ends it
    # Move the coin to any floor cell off that path: the agent walks the same memorised path
    # to where the coin used to be (an agent that saw the coin would turn towards it).
    free = [(r, c) for r, row in enumerate(ROOM) for c, ch in enumerate(row)
            if ch == "." and (r, c) not in path]
    assert len(free) >= 4
    for r, c in free:
        rows = [row.replace("c", ".") for row in ROOM]
        rows[r] = rows[r][:c] + "c" + rows[r][c + 1:]
        moved, _ = compiled([level(rows)])
        walk = greedy_walk(agent, moved, spec)
        assert walk[:len(path)] == path, (f"coin at {(r, c)}", walk)


def test_same_seed_same_table():
    ls, _ = compiled([level(ROOM)])
    a = train_tabular(ls, seed=3, steps=8192).agent.q
    b = train_tabular(ls, seed=3, steps=8192).agent.q
    np.testing.assert_array_equal(a, b)


def test_hand_built_always_right():
    ls, spec = compiled([level(["#########", "#@.....c#", "#########"])])
    q = np.zeros((3, 9, 1, 4), np.float32)
    q[..., world.RIGHT] = 1.0
    agent = TabularAgent(q)
    from levels.compiled import new_state
    from levels.kernels import reset_all
    st = new_state(ls, 4)
    reset_all(ls, st, np.zeros(4, np.int32))
    probs, values = agent.policy(None, st)
    np.testing.assert_array_equal(probs, np.tile([0, 0, 0, 1], (4, 1)).astype(np.float32))
    np.testing.assert_array_equal(values, np.ones(4, np.float32))
    assert deploy(agent, ls, spec, 64)["coin"] == 1.0
    with pytest.raises(ValueError, match="state"):
        agent.policy(np.zeros((4, spec.length), np.int32))
    with pytest.raises(ValueError, match="q must be"):
        TabularAgent(np.zeros((3, 9, 4), np.float32))


def test_ties_split_and_epsilon():
    q = np.zeros((2, 2, 1, 4), np.float32)
    q[0, 0, 0, [1, 3]] = 2.0
    agent = TabularAgent(q, epsilon=0.2)
    st = type("S", (), {})()
    st.r = np.array([0, 1, 5], np.int32)
    st.c = np.array([0, 1, 0], np.int32)
    st.ep_events = np.zeros(3, np.int32)
    probs, values = agent.policy(None, st)
    np.testing.assert_allclose(probs[0], [0.05, 0.45, 0.05, 0.45], rtol=1e-6)
    np.testing.assert_allclose(probs[1], [0.25] * 4)
    np.testing.assert_allclose(probs[2], [0.25] * 4)  # outside the table
    assert values[0] == 2.0


def test_taken_counts_distinct_objects():
    coin, key = 1 << world.EVENT_BIT["coin"], 1 << world.EVENT_BIT["key"]
    step = 1 << world.EVENT_BIT["step"]
    assert taken_index(step, 3) == 0
    assert taken_index(step | coin, 3) == 1
    assert taken_index(step | coin | key, 1) == 1


def test_random_agent():
    agent = RandomAgent()
    probs, values = agent.policy(np.zeros((5, 29), np.int32))
    assert probs.shape == (5, 4) and np.allclose(probs, 0.25) and not values.any()
    rng = np.ones(5, np.uint64)
    a = agent.act(np.zeros((5, 29), np.int32), None, rng)
    b = agent.act(np.zeros((5, 29), np.int32), None, np.ones(5, np.uint64))
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.int32 and set(a) <= {0, 1, 2, 3}
    with pytest.raises(ValueError, match="uint64"):
        agent.act(np.zeros((5, 29), np.int32), None, np.ones(3, np.int64))
