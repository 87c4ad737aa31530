"""PPO, written out in numba: GAE, the clipped objective, Adam and the rollout, all in
one compiled iteration, over the network of agents.network.

Read this file top to bottom, like CleanRL's ppo.py:

1. `PPOConfig`: every hyperparameter, with the defaults the bundled levels use.
2. Adam with global gradient-norm clipping.
3. `ppo_iteration`: one whole PPO iteration (rollout of n_steps x n_envs through
   the rules kernels, GAE, then epochs x minibatches of clipped-objective updates).
   Python only loops over iterations.
4. `PPOLearner`: the arrays one training run keeps between iterations.

Everything is float32 weights and int32 codes (fixed dtypes: one compilation),
`nogil=True` (training runs in a worker thread while the UI draws), every random
number comes from explicit uint64 xorshift states, and the arithmetic is the same
on every x86-64 processor (agents/exact.py says how): the same seed gives the same
weights, bit for bit, on any machine.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
from numba import njit

from agents import exact, network, stats
from agents.network import (N_ACTIONS, active_inputs, backward, forward, init_params, layout,
                            mask_walls, sample_action, scratch, softmax, transpose_hidden,
                            widest_layer)
from agents.stats import (N_STATS, PER_SAMPLE, REPORTED, S_APPROX_KL, S_CLIP_FRAC, S_ENTROPY,
                          S_EPISODES, S_GRAD_NORM, S_MINIBATCHES, S_POLICY_LOSS, S_RETURN_SUM,
                          S_SAMPLES, S_SUCCESSES, S_VALUE_LOSS)
from levels import jitcache, kernels, world
from levels.kernels import enters_new_cell, heading, observe_all, rng_below, rng_uniform, step_all
from levels.schema import (LEARNER, NOVELTY_NEEDS_TRAIL, RARE_NEEDS_NOVELTY, batch_problem,
                           check_learner, default)

_P = world.PAD  # the compiled grids' wall border

# No fastmath anywhere: reassociated sums would depend on the vector width, and
# fused multiply-adds on the processor (agents/exact.py).
_JIT = dict(cache=True, nogil=True, error_model="numpy")


# --- 1. hyperparameters ---------------------------------------------------------

@dataclass(frozen=True)
class PPOConfig:
    """PPO hyperparameters. A level file's `[agent]` table may override any of them
    (`PPOConfig.from_overrides`); the names, ranges and default values are
    levels.schema.LEARNER (one place, so `check` knows them too); why each default is
    what it is, is said here.

    The defaults were tuned on the reference levels (agents/reference_levels) and
    the bundled chapters: small gridworlds where short iterations (1,024 samples, 4
    epochs of 4 minibatches) with a fairly high learning rate learn fast. Against the
    prototype's 64 steps and lr 1e-3 they reached 95% training success in about half
    the steps on every reference level and chapter (medians of 3-5 seeds; e.g.
    coin_anywhere_9x9 30k steps instead of 55k), with the same final success."""
    hidden: tuple[int, ...] = default(LEARNER, "hidden")  # hidden ReLU layer sizes (1 to 3 layers)
    lr: float = default(LEARNER, "lr")  # Adam learning rate (constant: no annealing, so fine-tuning
                               # and open-ended training behave the same)
    gamma: float = default(LEARNER, "gamma")  # discount: episodes are short, a shorter horizon learns faster
    gae_lambda: float = default(LEARNER, "gae_lambda")  # GAE bias/variance trade-off
    clip: float = default(LEARNER, "clip")  # PPO ratio clipping
    entropy: float = default(LEARNER, "entropy")  # entropy bonus at the end of a run (see entropy_start)
    value_coef: float = default(LEARNER, "value_coef")  # weight of the value loss in the shared-trunk loss
    epochs: int = default(LEARNER, "epochs")  # passes over each rollout
    minibatches: int = default(LEARNER, "minibatches")  # minibatches per epoch (samples per minibatch = batch / this)
    n_envs: int = default(LEARNER, "n_envs")  # environments stepped in parallel
    n_steps: int = default(LEARNER, "n_steps")  # steps per environment per rollout (batch = n_envs * n_steps)
    max_grad_norm: float = default(LEARNER, "max_grad_norm")  # global gradient-norm clipping
    # Entropy bonus at the start of a run, annealed linearly to `entropy` over the run's
    # budget (agents/train.py): with 0.01 throughout, the policy went deterministic
    # within 20-40k steps on designs whose reward is far or behind a fine, often before
    # it had found the reward once (issue 12; measured in agents/README.md).
    entropy_start: float = default(LEARNER, "entropy_start")  # entropy bonus at the start, annealed linearly to `entropy`
    # A bonus added to the reward the learner sees (never to the reported return) for
    # each step onto a cell not yet stood on this episode: episodic novelty, as in
    # "Never Give Up" (Badia et al. 2020), annealed linearly to 0 over the run, so the
    # trained agent pursues the level's own reward. It drives the search for a reward
    # behind a detour or a fine (issue 12; agents/README.md). 0 by default.
    novelty: float = default(LEARNER, "novelty")  # novelty bonus at the start of a run
    # The novelty bonus counts new ground within an episode only, so ground the agent
    # crosses every episode earns it as much as ground it has never tried. Up to
    # `novelty_rare` times the bonus goes to a cell this run has rarely stood on in that
    # level: sqrt(mean visits of the level's visited cells / (visits of this cell + 1)),
    # kept between 1 and novelty_rare. Counts over the whole run modulating an episodic
    # bonus, as the lifelong factor of "Never Give Up" (Badia et al. 2020) does with a
    # learned novelty; here plain visit counts (Strehl and Littman 2008). 1: off.
    novelty_rare: float = default(LEARNER, "novelty_rare")  # most a rarely visited cell multiplies the novelty bonus by

    @property
    def batch(self) -> int:
        return self.n_envs * self.n_steps

    def to_dict(self) -> dict:
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "PPOConfig":
        return cls().with_overrides(d)

    @classmethod
    def from_overrides(cls, overrides: dict | None) -> "PPOConfig":
        """The defaults with a level file's `[agent]` learner overrides applied.
        Raises ValueError naming the setting for an unknown name or a bad value."""
        return cls().with_overrides(overrides or {})

    def with_overrides(self, overrides: dict) -> "PPOConfig":
        # Every value is checked by the level format's own table of ranges
        # (levels.schema.LEARNER), so `check` and training accept the same values.
        values = asdict(self)
        for name, v in overrides.items():
            values[name] = check_learner(name, v)
        cfg = PPOConfig(**values)
        problem = batch_problem(cfg.n_envs, cfg.n_steps, cfg.minibatches)
        if problem:
            raise ValueError(problem)
        return cfg


# --- 2. Adam ----------------------------------------------------------------------

_BETA1, _BETA2, _ADAM_EPS = 0.9, 0.999, 1e-5
_TINY = 1e-30  # moments below this are flushed to zero: denormals make updates crawl


@njit(**_JIT)
def adam_step(params, grads, m, v, t, lr, max_grad_norm, lanes):
    """Clip the gradient to a global norm of max_grad_norm, then one Adam step
    (bias-corrected, step count t >= 1). Returns the norm before clipping.
    lanes: scratch float64[exact.LANES]."""
    sq = exact.sum_squares(grads, lanes)
    norm = math.sqrt(sq)
    scale = np.float32(1.0)
    if norm > max_grad_norm:
        scale = np.float32(max_grad_norm / (norm + 1e-6))
    c1 = 1.0 - exact.powi(_BETA1, t)
    c2 = math.sqrt(1.0 - exact.powi(_BETA2, t))
    step = np.float32(lr * c2 / c1)
    eps = np.float32(_ADAM_EPS * c2)
    # all float32 and branch-free, so the loop vectorizes (element-wise: exact anyway)
    b1, b2 = np.float32(_BETA1), np.float32(_BETA2)
    ob1, ob2 = np.float32(1.0 - _BETA1), np.float32(1.0 - _BETA2)
    tiny, zero = np.float32(_TINY), np.float32(0.0)
    for k in range(params.shape[0]):
        g = grads[k] * scale
        mk = b1 * m[k] + ob1 * g
        vk = b2 * v[k] + ob2 * (g * g)
        mk = mk if abs(mk) >= tiny else zero
        vk = vk if vk >= tiny else zero
        m[k] = mk
        v[k] = vk
        params[k] -= step * mk / (np.sqrt(vk) + eps)
    return norm


# --- 3. one PPO iteration ------------------------------------------------------

# hp: float64 array of the config's numbers, in this order
HP_LR, HP_GAMMA, HP_LAMBDA, HP_CLIP, HP_ENT, HP_VCOEF, HP_MAXNORM, HP_NOVELTY, HP_RARE = range(9)
# stats: what ppo_iteration reports (slots named in agents.stats)
STATS = REPORTED


# (agents.train anneals the entropy coefficient HP_ENT and the novelty bonus HP_NOVELTY)


def hp_array(cfg: PPOConfig) -> np.ndarray:
    return np.array([cfg.lr, cfg.gamma, cfg.gae_lambda, cfg.clip, cfg.entropy,
                     cfg.value_coef, cfg.max_grad_norm, cfg.novelty, cfg.novelty_rare], np.float64)


@njit(**_JIT)
def ppo_rollout(ls, st, view, shape_range, trail, n_cells, C, mask_view, params, sizes, offs,
                hp, obs_now, obs_buf, in_idx, in_val, in_start, act_buf, logp_buf, val_buf, rew_buf,
                done_buf, adv_buf, ret_buf, sample_rng, reach, avoid, visits, level_visits, stats):
    """Collect n_steps x n_envs samples with the current policy; advantages by GAE.

    obs_now (int32[N, L]) holds each environment's current observation and is kept
    across iterations; the *_buf arrays have T * N rows (T = n_steps), row t * N + i
    being environment i at step t; row r's active network inputs (agents.network
    `active_inputs`) are kept in in_idx and in_val at in_start[r]:in_start[r + 1], so
    the update's epochs need not decode the observations again. Episodes finishing in
    the rollout are scored for `stats` (success: every bit of reach and none of avoid
    among the episode's events). Writes the episode stats (agents.stats: S_EPISODES ..
    S_ENTROPY).
    With hp[HP_RARE] > 1, visits (int64[levels, H + 2P, W + 2P]) counts the steps of the
    whole run on each cell of each level and level_visits (int64[levels, 2]) each level's
    total and visited cells, for the novelty bonus's rarity factor."""
    N = obs_now.shape[0]
    B = obs_buf.shape[0]
    T = B // N
    L = obs_now.shape[1]
    acts, live, scales, logits, probs, idx, val = scratch(sizes, L)
    actions = np.zeros(N, np.int32)
    events = np.zeros(N, np.int32)
    rewards = np.zeros(N, np.float32)
    dones = np.zeros(N, np.bool_)
    prev_ev = np.zeros(N, np.int32)
    prev_ret = np.zeros(N, np.float32)
    ep_events, ep_return = st.ep_events, st.ep_return
    gamma, lam = hp[HP_GAMMA], hp[HP_LAMBDA]
    novelty = np.float32(hp[HP_NOVELTY])
    rare = hp[HP_RARE]
    novel = np.zeros(N, np.bool_)
    bonus = np.full(N, novelty, np.float32)

    # --- rollout
    in_start[0] = 0
    episodes = 0
    successes = 0
    ret_sum = 0.0
    ent_sum = 0.0
    for t in range(T):
        for i in range(N):
            row = t * N + i
            for k in range(L):
                obs_buf[row, k] = obs_now[i, k]
            n = active_inputs(obs_now, i, n_cells, C, idx, val)
            o = in_start[row]
            for k in range(n):
                in_idx[o + k] = idx[k]
                in_val[o + k] = val[k]
            in_start[row + 1] = o + n
            value = forward(params, sizes, offs, idx, val, n, acts, live, scales, logits)
            mask_walls(obs_now, i, mask_view, logits)
            lse = softmax(logits, probs)
            a = sample_action(probs, rng_uniform(sample_rng, i))
            actions[i] = a
            act_buf[row] = a
            logp_buf[row] = logits[a] - lse
            val_buf[row] = value
            for b in range(N_ACTIONS):
                if probs[b] > 0.0:
                    ent_sum -= probs[b] * (logits[b] - lse)  # log p_b, without a log
            prev_ev[i] = ep_events[i]  # the episode so far: step_all resets finished ones
            prev_ret[i] = ep_return[i]
        if novelty > 0.0:  # which moves enter a cell not yet stood on this episode
            for i in range(N):
                novel[i] = enters_new_cell(st, i, actions[i])
                if rare > 1.0:
                    lv = st.lvl[i]
                    level_visits[lv, 0] += 1
                    here = visits[lv, st.r[i] + _P, st.c[i] + _P] + 1
                    visits[lv, st.r[i] + _P, st.c[i] + _P] = here
                    if here == 1:
                        level_visits[lv, 1] += 1
                    if novel[i]:
                        nr, nc = heading(st.r[i], st.c[i], actions[i])
                        mean = level_visits[lv, 0] / level_visits[lv, 1]
                        f = math.sqrt(mean / (visits[lv, nr + _P, nc + _P] + 1))
                        bonus[i] = np.float32(novelty * min(max(f, 1.0), rare))
        step_all(ls, st, actions, events, rewards, dones, True)
        observe_all(ls, st, view, shape_range, trail, obs_now)
        for i in range(N):
            row = t * N + i
            rew_buf[row] = rewards[i]
            if novelty > 0.0 and novel[i]:  # the learner's bonus, never in returns or stats
                rew_buf[row] += bonus[i]
            done_buf[row] = dones[i]
            if dones[i]:
                ev = prev_ev[i] | events[i]
                episodes += 1
                ret_sum += prev_ret[i] + rewards[i]
                if (ev & reach) == reach and (ev & avoid) == 0:
                    successes += 1

    # --- GAE: advantages and returns, bootstrapping from the current observations
    last_adv = np.zeros(N, np.float32)
    next_val = np.zeros(N, np.float32)
    for i in range(N):
        n = active_inputs(obs_now, i, n_cells, C, idx, val)
        next_val[i] = forward(params, sizes, offs, idx, val, n, acts, live, scales, logits)
    for t in range(T - 1, -1, -1):
        for i in range(N):
            row = t * N + i
            nonterminal = 0.0 if done_buf[row] else 1.0
            nv = next_val[i] if t == T - 1 else val_buf[row + N]
            delta = rew_buf[row] + gamma * nv * nonterminal - val_buf[row]
            last_adv[i] = delta + gamma * lam * nonterminal * last_adv[i]
            adv_buf[row] = last_adv[i]
            ret_buf[row] = last_adv[i] + val_buf[row]
    stats[S_EPISODES] = episodes
    stats[S_RETURN_SUM] = ret_sum
    stats[S_SUCCESSES] = successes
    stats[S_ENTROPY] = ent_sum / B


@njit(**_JIT)
def ppo_update(n_cells, C, mask_view, params, sizes, offs, m, v, adam_t, hp, epochs,
               minibatches, obs_buf, in_idx, in_val, in_start, act_buf, logp_buf, adv_buf, ret_buf,
               shuffle_rng, stats):
    """`epochs` passes of minibatch updates of the clipped objective over the rollout.
    Adds to stats (agents.stats) the sums of the per-sample losses, KL and clipped count and
    of the per-minibatch gradient norms, and to S_SAMPLES, S_MINIBATCHES the sample and
    minibatch counts (the caller turns them into means)."""
    B = obs_buf.shape[0]
    L = obs_buf.shape[1]
    acts, live, scales, logits, probs, idx, val = scratch(sizes, L)
    dbuf = np.zeros((2, widest_layer(sizes)), np.float32)
    dlogits = np.zeros(N_ACTIONS, np.float32)
    grads = np.zeros(params.shape[0], np.float32)
    wt = np.zeros(params.shape[0], np.float32)  # hidden weights transposed, for backward
    lanes = np.zeros(exact.LANES, np.float64)
    clip = hp[HP_CLIP]
    ent_coef, v_coef = np.float32(hp[HP_ENT]), np.float32(hp[HP_VCOEF])

    # --- update: epochs x minibatches of the clipped objective
    perm = np.arange(B)
    mb = B // minibatches
    pg_sum = 0.0
    v_sum = 0.0
    kl_sum = 0.0
    clip_n = 0
    norm_sum = 0.0
    for _ in range(epochs):
        for k in range(B):  # each epoch shuffles afresh, so epochs may run one call each
            perm[k] = k
        for k in range(B - 1, 0, -1):  # Fisher-Yates shuffle with our own RNG
            j = rng_below(shuffle_rng, 0, k + 1)
            perm[k], perm[j] = perm[j], perm[k]
        for start in range(0, mb * minibatches, mb):
            mean = 0.0
            for s in range(start, start + mb):
                mean += adv_buf[perm[s]]
            mean /= mb
            var = 0.0
            for s in range(start, start + mb):
                d = adv_buf[perm[s]] - mean
                var += d * d
            std = math.sqrt(var / (mb - 1))
            grads[:] = 0.0
            transpose_hidden(params, sizes, offs, wt)
            inv_mb = np.float32(1.0 / mb)
            for s in range(start, start + mb):
                row = perm[s]
                o = in_start[row]
                n = in_start[row + 1] - o
                for k in range(n):  # the inputs the rollout decoded
                    idx[k] = in_idx[o + k]
                    val[k] = in_val[o + k]
                value = forward(params, sizes, offs, idx, val, n, acts, live, scales, logits)
                mask_walls(obs_buf, row, mask_view, logits)
                lse = softmax(logits, probs)
                a = act_buf[row]
                logratio = logits[a] - lse - logp_buf[row]
                ratio = exact.exp(logratio)
                adv = (adv_buf[row] - mean) / (std + 1e-8)
                # policy loss -min(ratio A, clip(ratio) A): gradient flows only where
                # the unclipped term is the smaller one
                clipped = (adv > 0.0 and ratio > 1.0 + clip) or (adv < 0.0 and ratio < 1.0 - clip)
                if ratio > 1.0 + clip or ratio < 1.0 - clip:
                    clip_n += 1
                pg_sum += max(-adv * ratio, -adv * min(max(ratio, 1.0 - clip), 1.0 + clip))
                dlogp = np.float32(0.0) if clipped else np.float32(-adv * ratio)
                # entropy bonus: d(-c H)/dz_b = c p_b (log p_b + H)
                ent = 0.0
                for b in range(N_ACTIONS):
                    if probs[b] > 0.0:
                        ent -= probs[b] * (logits[b] - lse)
                for b in range(N_ACTIONS):
                    lp = logits[b] - lse
                    g = dlogp * ((1.0 if b == a else 0.0) - probs[b])
                    g += ent_coef * probs[b] * (lp + ent)
                    dlogits[b] = g * inv_mb
                verr = value - ret_buf[row]
                v_sum += 0.5 * verr * verr
                kl_sum += (ratio - 1.0) - logratio
                backward(params, wt, grads, sizes, offs, idx, val, n, acts, live, scales, dlogits,
                         v_coef * verr * inv_mb, dbuf)
            adam_t[0] += 1
            norm_sum += adam_step(params, grads, m, v, adam_t[0], hp[HP_LR], hp[HP_MAXNORM], lanes)
    stats[S_POLICY_LOSS] += pg_sum
    stats[S_VALUE_LOSS] += v_sum
    stats[S_APPROX_KL] += kl_sum
    stats[S_CLIP_FRAC] += clip_n
    stats[S_GRAD_NORM] += norm_sum
    stats[S_SAMPLES] += epochs * mb * minibatches
    stats[S_MINIBATCHES] += epochs * minibatches


@njit(**_JIT)
def ppo_iteration(ls, st, view, shape_range, trail, n_cells, C, mask_view,
                  params, sizes, offs, m, v, adam_t, hp, epochs, minibatches,
                  obs_now, obs_buf, in_idx, in_val, in_start, act_buf, logp_buf, val_buf, rew_buf,
                  done_buf, adv_buf, ret_buf, sample_rng, shuffle_rng, reach, avoid, visits,
                  level_visits, stats):
    """One whole PPO iteration in compiled code: ppo_rollout, then ppo_update."""
    ppo_rollout(ls, st, view, shape_range, trail, n_cells, C, mask_view, params, sizes, offs,
                hp, obs_now, obs_buf, in_idx, in_val, in_start, act_buf, logp_buf, val_buf, rew_buf,
                done_buf, adv_buf, ret_buf, sample_rng, reach, avoid, visits, level_visits, stats)
    ppo_update(n_cells, C, mask_view, params, sizes, offs, m, v, adam_t, hp, epochs,
               minibatches, obs_buf, in_idx, in_val, in_start, act_buf, logp_buf, adv_buf, ret_buf,
               shuffle_rng, stats)




# --- 4. the learner: the arrays one training run keeps between iterations ----------


def derived_seeds(seed: int, n: int) -> list[int]:
    """n independent 64-bit seeds from one seed (environments, sampling, shuffling)."""
    return [int(x) for x in np.random.SeedSequence(int(seed)).generate_state(n, np.uint64)]


class PPOLearner:
    """A training run's state: environments, network, optimizer and buffers.
    `iterate()` runs one compiled PPO iteration and returns its stats dict.
    `params` (optional) starts from existing weights (fine-tuning); the optimizer
    state always starts fresh."""

    def __init__(self, levels, spec, config: PPOConfig, seed: int, params: np.ndarray | None = None,
                 reach: int = 0, avoid: int = 0):
        from levels.compiled import new_state
        from levels.kernels import reset_all, seed_rng
        self.levels, self.spec, self.config, self.seed = levels, spec, config, int(seed)
        if config.novelty > 0 and not spec.trail:
            raise ValueError(NOVELTY_NEEDS_TRAIL)
        if config.novelty_rare > 1 and config.novelty <= 0:
            raise ValueError(RARE_NEEDS_NOVELTY)
        self.sizes, self.offs, n_params = layout(spec.dense_length, config.hidden)
        if params is None:
            params = init_params(spec.dense_length, config.hidden,
                                 spec.n_cells + world.N_GLOBALS, self.seed)
        if params.shape != (n_params,) or params.dtype != np.float32:
            raise ValueError(f"initial weights do not fit this network: expected float32[{n_params}], "
                             f"got {params.dtype}{list(params.shape)}")
        self.params = params.copy()
        self.m = np.zeros_like(self.params)
        self.v = np.zeros_like(self.params)
        self.adam_t = np.zeros(1, np.int64)
        self.hp = hp_array(config)
        N, B, L = config.n_envs, config.batch, spec.length
        env_seed, sample_seed, shuffle_seed = derived_seeds(self.seed, 3)
        self.state = new_state(levels, N)
        seed_rng(self.state.rng, np.uint64(env_seed))
        reset_all(levels, self.state, np.full(N, -1, np.int32))
        self.sample_rng = np.zeros(N, np.uint64)
        seed_rng(self.sample_rng, np.uint64(sample_seed))
        self.shuffle_rng = np.zeros(1, np.uint64)
        seed_rng(self.shuffle_rng, np.uint64(shuffle_seed))
        self.obs_now = np.zeros((N, L), np.int32)
        observe_all(levels, self.state, spec.view, spec.shape_range, spec.trail, self.obs_now)
        self.obs_buf = np.zeros((B, L), np.int32)
        # each row's active network inputs, decoded once by the rollout (at most 4 per code)
        self.in_idx = np.zeros(B * L * 4, np.int64)
        self.in_val = np.zeros(B * L * 4, np.float32)
        self.in_start = np.zeros(B + 1, np.int64)
        self.act_buf = np.zeros(B, np.int32)
        self.logp_buf = np.zeros(B, np.float32)
        self.val_buf = np.zeros(B, np.float32)
        self.rew_buf = np.zeros(B, np.float32)
        self.done_buf = np.zeros(B, np.bool_)
        self.adv_buf = np.zeros(B, np.float32)
        self.ret_buf = np.zeros(B, np.float32)
        self.stats = np.zeros(N_STATS, np.float64)
        self.reach, self.avoid = np.int32(reach), np.int32(avoid)
        # visit counts for the novelty bonus's rarity factor (no levels when it is off)
        n_counted = len(levels.n_obj) if config.novelty_rare > 1 else 0
        self.visits = np.zeros((n_counted,) + self.state.grid.shape[1:], np.int64)
        self.level_visits = np.zeros((n_counted, 2), np.int64)
        self.steps = 0

    def rollout(self) -> None:
        """The rollout alone (ppo_rollout): fills the buffers and the episode stats with
        the current weights, and leaves them unchanged."""
        s = self.spec
        ppo_rollout(self.levels, self.state, s.view, s.shape_range, s.trail, s.n_cells,
                    s.cell_channels, s.mask_view, self.params, self.sizes, self.offs, self.hp,
                    self.obs_now, self.obs_buf, self.in_idx, self.in_val, self.in_start,
                    self.act_buf, self.logp_buf, self.val_buf,
                    self.rew_buf, self.done_buf, self.adv_buf, self.ret_buf, self.sample_rng,
                    self.reach, self.avoid, self.visits, self.level_visits, self.stats)

    def iterate(self, between=None) -> dict:
        """One PPO iteration. Without `between`, one compiled call does all of it. With
        it, the rollout and each epoch are separate calls and between() runs after each
        (for progress and cancel during long iterations); when it returns True the
        remaining epochs are skipped. Both ways give bit-identical weights."""
        s, c = self.spec, self.config
        st = self.stats
        st[:] = 0.0
        if between is None:
            ppo_iteration(self.levels, self.state, s.view, s.shape_range, s.trail, s.n_cells,
                          s.cell_channels, s.mask_view, self.params, self.sizes, self.offs,
                          self.m, self.v, self.adam_t, self.hp, c.epochs, c.minibatches,
                          self.obs_now, self.obs_buf, self.in_idx, self.in_val, self.in_start,
                          self.act_buf, self.logp_buf, self.val_buf,
                          self.rew_buf, self.done_buf, self.adv_buf, self.ret_buf,
                          self.sample_rng, self.shuffle_rng, self.reach, self.avoid,
                          self.visits, self.level_visits, st)
        else:
            self.rollout()
            stop = between()
            for _ in range(c.epochs):
                if stop:
                    break
                ppo_update(s.n_cells, s.cell_channels, s.mask_view, self.params, self.sizes,
                           self.offs, self.m, self.v, self.adam_t, self.hp, 1, c.minibatches,
                           self.obs_buf, self.in_idx, self.in_val, self.in_start, self.act_buf,
                           self.logp_buf, self.adv_buf, self.ret_buf,
                           self.shuffle_rng, st)
                stop = between()
        self.steps += c.batch
        out = dict(zip(STATS, st[:len(STATS)].tolist()))
        n, n_mb = max(st[S_SAMPLES], 1.0), max(st[S_MINIBATCHES], 1.0)
        for k in PER_SAMPLE:
            out[k] /= n
        out["grad_norm"] /= n_mb
        return out


# numba's cache notices changes to this file only: the modules whose constants and
# functions are compiled in here are named too (levels.jitcache)
jitcache.forget_if_stale(globals(), (world, kernels, exact, network, stats))
