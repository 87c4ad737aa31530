"""Tabular Q-learning, the baseline that makes Q-values visible: its agent
(`TabularAgent`), its compiled policy and update, and its training run.

Its state is NOT the observation: it is the agent's position (row, column) and how
many objects it has taken so far, k, capped at `cap`. It can therefore learn a fixed
layout perfectly and cannot see a moved coin at all: deployed with the coin elsewhere
it walks its memorised path. The table is shared by every level of a set (the level
itself is not part of the state).

"Objects taken" is counted from the episode's events, which the rules keep in
EnvState.ep_events: k = the number of distinct object events raised so far (the events
of the kinds that are taken away, world.TAKE_EVENTS: coin, key, chest, gem, camera_off,
sensor). That is the number of objects taken whenever a level has at most one of each
kind, which is every level this baseline is meant for; a second key does not advance k.

Training: n_envs environments stepped together in one compiled loop, epsilon-greedy
with epsilon decaying linearly from eps_start to eps_end over the first
`explore_fraction` of the budget, one-step Q-learning updates, random ties.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np
from numba import njit

from agents import stats
from agents.agent import Agent
from agents.ppo import derived_seeds
from agents.stats import N_TABULAR_STATS, S_EPISODES, S_RETURN_SUM, S_SUCCESSES
from agents.training import CURVE_COLUMNS, Progress, TrainResult, cancelled, default_success
from levels import jitcache, kernels, world
from levels.compiled import ObsSpec, new_state
from levels.kernels import reset_all, rng_below, rng_uniform, seed_rng, step_all

_JIT = dict(cache=True, nogil=True)
N_ACTIONS = world.N_ACTIONS
TAKE_MASK = sum(1 << world.EVENT_BIT[e] for e in world.TAKE_EVENTS)  # objects taken


@dataclass(frozen=True)
class TabularConfig:
    alpha: float = 0.5            # learning rate of the Q update
    gamma: float = 0.95           # discount
    eps_start: float = 1.0        # exploration at the start ...
    eps_end: float = 0.05         # ... and after explore_fraction of the budget
    explore_fraction: float = 0.5
    n_envs: int = 32
    cap: int = 3                  # k counts taken objects up to this (K = cap + 1 slices)

    def to_dict(self) -> dict:
        return asdict(self)


@njit(**_JIT)
def _popcount(x):
    n = 0
    while x != 0:
        n += x & 1
        x >>= 1
    return n


@njit(**_JIT)
def taken_index(ep_events, cap):
    """k: distinct object events so far, capped."""
    return min(_popcount(ep_events & TAKE_MASK), cap)


@njit(**_JIT)
def tabular_policy(q, epsilon, rs, cs, ep_events, probs, values):
    """probs[i]: (1 - epsilon) on the greedy actions (split on ties) + epsilon / 4 each;
    values[i]: the greedy Q. Outside the table: uniform, value 0."""
    H, W, K = q.shape[0], q.shape[1], q.shape[2]
    for i in range(rs.shape[0]):
        r, c = rs[i], cs[i]
        if r < 0 or r >= H or c < 0 or c >= W:
            for a in range(N_ACTIONS):
                probs[i, a] = 0.25
            values[i] = 0.0
            continue
        k = taken_index(ep_events[i], K - 1)
        best, n = _best(q, r, c, k)
        for a in range(N_ACTIONS):
            p = epsilon / N_ACTIONS
            if q[r, c, k, a] == best:
                p += (1.0 - epsilon) / n
            probs[i, a] = p
        values[i] = best


@njit(**_JIT)
def _best(q, r, c, k):
    """The best action value at (r, c, k) and how many actions share it."""
    best = q[r, c, k, 0]
    for a in range(1, N_ACTIONS):
        best = max(best, q[r, c, k, a])
    n = 0
    for a in range(N_ACTIONS):
        if q[r, c, k, a] == best:
            n += 1
    return best, n


@njit(**_JIT)
def _greedy(q, r, c, k, rng, i):
    """argmax_a q[r, c, k, a] with ties broken at random."""
    best, n = _best(q, r, c, k)
    pick = rng_below(rng, i, n)
    for a in range(N_ACTIONS):
        if q[r, c, k, a] == best:
            if pick == 0:
                return a
            pick -= 1
    return 0


@dataclass(eq=False)
class TabularAgent(Agent):
    """A tabular policy. q: float32[H, W, K, 4], the value of each action at (row,
    column, k) where k = objects taken so far, capped at K - 1 (see the module notes).
    It never looks at the observation, so it cannot see a moved coin. Acting: the
    greedy action (ties split evenly) with probability 1 - epsilon, else uniform.
    Cells outside the table act uniformly at random.

    Build one by hand for tests and demonstrations, e.g. "always go right":
        q = np.zeros((H, W, 1, 4), np.float32); q[..., world.RIGHT] = 1
        TabularAgent(q)
    """
    q: np.ndarray
    epsilon: float = 0.0
    spec: ObsSpec | None = None
    meta: dict = field(default_factory=dict)
    kind = "tabular"

    def __post_init__(self):
        self.q = np.ascontiguousarray(self.q, np.float32)
        if self.q.ndim != 4 or self.q.shape[3] != world.N_ACTIONS or min(self.q.shape) < 1:
            raise ValueError(f"TabularAgent: q must be float32[H, W, K, 4]; got shape {self.q.shape}")
        if not 0.0 <= self.epsilon <= 1.0:
            raise ValueError(f"TabularAgent: epsilon must be in [0, 1]; got {self.epsilon}")

    def policy(self, obs=None, state=None):
        if state is None:
            raise ValueError("the tabular agent acts from the environment state (position and "
                             "objects taken): pass state=EnvState")
        n = state.r.shape[0]
        probs = np.zeros((n, world.N_ACTIONS), np.float32)
        values = np.zeros(n, np.float32)
        tabular_policy(self.q, np.float32(self.epsilon), state.r, state.c, state.ep_events, probs, values)
        return probs, values


@njit(**_JIT)
def q_learning(ls, st, q, n_iters, step0, total, alpha, gamma, eps_start, eps_end, explore,
               rng, reach, avoid, stats):
    """n_iters steps of every environment, updating q in place. step0/total place the
    run in the epsilon schedule. stats: episodes, return sum, successes (agents.stats)."""
    N = st.r.shape[0]
    K = q.shape[2]
    actions = np.zeros(N, np.int32)
    events = np.zeros(N, np.int32)
    rewards = np.zeros(N, np.float32)
    dones = np.zeros(N, np.bool_)
    pr = np.zeros(N, np.int32)
    pc = np.zeros(N, np.int32)
    pk = np.zeros(N, np.int32)
    prev_ev = np.zeros(N, np.int32)
    prev_ret = np.zeros(N, np.float32)
    rs, cs, ep_events, ep_return = st.r, st.c, st.ep_events, st.ep_return
    for it in range(n_iters):
        frac = (step0 + it * N) / max(explore * total, 1.0)
        eps = eps_end if frac >= 1.0 else eps_start + (eps_end - eps_start) * frac
        for i in range(N):
            r, c = rs[i], cs[i]
            k = taken_index(ep_events[i], K - 1)
            pr[i], pc[i], pk[i] = r, c, k
            if rng_uniform(rng, i) < eps:
                actions[i] = rng_below(rng, i, N_ACTIONS)
            else:
                actions[i] = _greedy(q, r, c, k, rng, i)
            prev_ev[i] = ep_events[i]
            prev_ret[i] = ep_return[i]
        step_all(ls, st, actions, events, rewards, dones, True)
        for i in range(N):
            target = rewards[i]
            ev = prev_ev[i] | events[i]
            if dones[i]:
                stats[S_EPISODES] += 1
                stats[S_RETURN_SUM] += prev_ret[i] + rewards[i]
                if (ev & reach) == reach and (ev & avoid) == 0:
                    stats[S_SUCCESSES] += 1
            else:
                k2 = taken_index(ev, K - 1)
                best = q[rs[i], cs[i], k2, 0]
                for a in range(1, N_ACTIONS):
                    best = max(best, q[rs[i], cs[i], k2, a])
                target += gamma * best
            old = q[pr[i], pc[i], pk[i], actions[i]]
            q[pr[i], pc[i], pk[i], actions[i]] = old + alpha * (target - old)


def train_tabular(levels, seed: int, steps: int, config: TabularConfig = TabularConfig(),
                  success: tuple[int, int] | None = None, progress=None, cancel=None, chunk: int = 64):
    """Q-learning on a compiled level set. Returns agents.training.TrainResult with a
    TabularAgent (epsilon = config.eps_end). Same progress/cancel protocol as
    agents.train.train; deterministic from the seed."""
    reach, avoid = default_success() if success is None else success
    N = config.n_envs
    env_seed, act_seed = derived_seeds(seed, 2)
    st = new_state(levels, N)
    seed_rng(st.rng, np.uint64(env_seed))
    reset_all(levels, st, np.full(N, -1, np.int32))
    rng = np.zeros(N, np.uint64)
    seed_rng(rng, np.uint64(act_seed))
    _, H, W = levels.terrain.shape
    q = np.zeros((H, W, config.cap + 1, N_ACTIONS), np.float32)
    curve = []
    done_steps = 0
    t0 = time.perf_counter()
    stopped = False
    while done_steps < steps:
        if cancelled(cancel):
            stopped = True
            break
        n_iters = min(chunk, -(-(steps - done_steps) // N))
        stats = np.zeros(N_TABULAR_STATS, np.float64)
        q_learning(levels, st, q, n_iters, done_steps, steps, config.alpha, config.gamma,
                   config.eps_start, config.eps_end, config.explore_fraction, rng,
                   np.int32(reach), np.int32(avoid), stats)
        done_steps += n_iters * N
        eps_n = max(stats[S_EPISODES], 1)
        row = [done_steps, stats[S_EPISODES], stats[S_RETURN_SUM] / eps_n, stats[S_SUCCESSES] / eps_n] + [0.0] * (len(CURVE_COLUMNS) - 4)
        curve.append(row)
        if progress is not None:
            el = time.perf_counter() - t0
            progress(Progress(done_steps, steps, row[2], row[3], 0.0, int(stats[S_EPISODES]),
                              done_steps / max(el, 1e-9), el))
    seconds = time.perf_counter() - t0
    agent = TabularAgent(q, epsilon=config.eps_end,
                         meta={"seed": int(seed), "steps": done_steps, "config": config.to_dict()})
    return TrainResult(agent, np.array(curve, np.float64).reshape(-1, len(CURVE_COLUMNS)),
                       done_steps, seconds, stopped)


# numba's cache notices changes to this file only: the modules whose constants and
# functions are compiled in here are named too (levels.jitcache)
jitcache.forget_if_stale(globals(), (world, kernels, stats))
