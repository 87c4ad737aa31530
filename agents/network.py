"""The policy network: a small MLP over the packed observation codes, as one flat
float32 parameter vector, with its forward and backward passes in numba.

observation codes -> hidden ReLU layers (default 64, 64) -> a shared trunk feeding two
heads: 4 action logits and 1 value. A shared trunk halves the work per sample; on these
small gridworlds it learns as fast as separate networks (agents.ppo scales the value
loss by `value_coef` so it does not swamp the policy).

The first layer reads the packed int32 observation codes (see `levels.compiled.ObsSpec`)
directly: each cell switches on at most 3 inputs (4 in full view), so layer 1 is a sum
of a few weight rows, and its gradient touches only those rows. This is exactly a dense
one-hot input times W1 (tests/test_ppo.py checks it).

Same bits on every processor (see agents/exact.py): no fastmath, and every inner loop
is element-wise over a layer's outputs, which vectorizes without reordering any sum.
The one product that is a sum over outputs, the backward pass's W d, reads a transposed
copy of the weights (`transpose_hidden`) so that it too runs element-wise.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from agents import exact
from agents.exact import fma
from levels import jitcache, kernels, world
from levels.kernels import heading, is_wall, rng_uniform

_JIT = dict(cache=True, nogil=True, error_model="numpy")

N_ACTIONS = world.N_ACTIONS
_KIND0, _COLOR0, _AGENT_CH = world.CH_KIND0, world.CH_COLOR0, world.CH_AGENT
_KIND_SHIFT, _COLOR_SHIFT, _AGENT_SHIFT = world.KIND_SHIFT, world.COLOR_SHIFT, world.AGENT_SHIFT
_TRAIL_SHIFT = world.TRAIL_SHIFT
_FIELD = world.FIELD_MASK  # a cell code's fields: world.py's packed layout


# --- the layout ------------------------------------------------------------------

def layout(input_dim: int, hidden) -> tuple[np.ndarray, np.ndarray, int]:
    """(sizes, offsets, n_params) of the flat parameter vector.
    sizes = [input_dim, h1, ..., hk]; for hidden layer l the weight W_l [sizes[l], sizes[l+1]]
    (row-major: one row per input) starts at offsets[2l] and its bias at offsets[2l+1];
    then the policy head W [hk, 4] and b [4], and the value head w [hk] and b [1]."""
    sizes = np.array([input_dim, *hidden], np.int64)
    offs = []
    o = 0
    for l in range(len(hidden)):
        offs += [o, o + sizes[l] * sizes[l + 1]]
        o += sizes[l] * sizes[l + 1] + sizes[l + 1]
    hk = sizes[-1]
    offs += [o, o + hk * N_ACTIONS, o + hk * N_ACTIONS + N_ACTIONS, o + hk * N_ACTIONS + N_ACTIONS + hk]
    n = o + hk * N_ACTIONS + N_ACTIONS + hk + 1
    return sizes, np.array(offs, np.int64), int(n)


def param_names(hidden) -> list[str]:
    """Names of the parameter arrays, in layout order (the agent file's keys)."""
    names = []
    for l in range(len(hidden)):
        names += [f"layer{l}.weight", f"layer{l}.bias"]
    return names + ["policy.weight", "policy.bias", "value.weight", "value.bias"]


def param_shapes(input_dim: int, hidden) -> list[tuple[int, ...]]:
    sizes = [input_dim, *hidden]
    shapes = []
    for l in range(len(hidden)):
        shapes += [(sizes[l], sizes[l + 1]), (sizes[l + 1],)]
    return shapes + [(sizes[-1], N_ACTIONS), (N_ACTIONS,), (sizes[-1],), (1,)]


def init_params(input_dim: int, hidden, active_inputs: int, seed: int) -> np.ndarray:
    """He-normal hidden layers (ReLU), a near-zero policy head (uniform start, as
    CleanRL's 0.01 gain) and a small value head; zero biases. The first layer's
    fan-in is the number of inputs typically on (about one per cell), not its
    one-hot width, so pre-activations start at unit scale."""
    rng = np.random.Generator(np.random.PCG64(seed))
    parts = []
    fan_in = [max(active_inputs, 1), *hidden]
    for l, (shape) in enumerate(param_shapes(input_dim, hidden)):
        if len(shape) == 2 and l < 2 * len(hidden):
            std = math.sqrt(2.0 / fan_in[l // 2])
            parts.append(rng.standard_normal(shape) * std)
        elif l == 2 * len(hidden):      # policy head
            parts.append(rng.standard_normal(shape) * (0.01 / math.sqrt(shape[0])))
        elif l == 2 * len(hidden) + 2:  # value head
            parts.append(rng.standard_normal(shape) * (1.0 / math.sqrt(shape[0])))
        else:
            parts.append(np.zeros(shape))
    return np.concatenate([p.ravel() for p in parts]).astype(np.float32)


# --- forward and backward ----------------------------------------------------------

@njit(**_JIT)
def active_inputs(obs, n_cells, C, idx, val):
    """The one-hot inputs that are on for one observation row of codes: their
    indices into the dense input (idx) and values (val, 1 for cells, the flag's
    value for globals). Returns how many. The agent bit is set only in the full view
    and the trail bit only with a trail, whose channel is each cell's last (C - 1)."""
    n = 0
    for j in range(n_cells):
        code = obs[j]
        if code == 0:
            continue
        base = j * C
        t = code & _FIELD
        if t > 0:
            idx[n] = base + t - 1
            val[n] = 1.0
            n += 1
        k = (code >> _KIND_SHIFT) & _FIELD
        if k > 0:
            idx[n] = base + _KIND0 + k - 1
            val[n] = 1.0
            n += 1
        col = (code >> _COLOR_SHIFT) & _FIELD
        if col > 0:
            idx[n] = base + _COLOR0 + col - 1
            val[n] = 1.0
            n += 1
        if (code >> _AGENT_SHIFT) & 1:
            idx[n] = base + _AGENT_CH
            val[n] = 1.0
            n += 1
        if (code >> _TRAIL_SHIFT) & 1:
            idx[n] = base + C - 1
            val[n] = 1.0
            n += 1
    for g in range(obs.shape[0] - n_cells):
        x = obs[n_cells + g]
        if x != 0:
            idx[n] = n_cells * C + g
            val[n] = np.float32(x)
            n += 1
    return n


@njit(**_JIT)
def forward(params, sizes, offs, idx, val, n_act, acts, logits):
    """One sample through the network. acts[l, :] receives hidden layer l's ReLU
    output, logits[:4] the action logits; returns the value.
    Each layer adds the rows of its inputs that are on, scaled, in input order,
    element-wise over its outputs: vectorized, and the same sums on every processor.
    (Weights are read through 2-d views of the flat vector: with indices that start
    at 0 numba drops its negative-index checks and the inner loops vectorize.)"""
    nh = sizes.shape[0] - 1
    h = sizes[1]
    W = params[offs[0]:offs[0] + sizes[0] * h].reshape((sizes[0], h))
    b = params[offs[1]:offs[1] + h]
    for q in range(h):
        acts[0, q] = b[q]
    for a in range(n_act):
        i = idx[a]
        x = val[a]
        for q in range(h):
            acts[0, q] = fma(x, W[i, q], acts[0, q])
    for q in range(h):
        if acts[0, q] < 0.0:
            acts[0, q] = 0.0
    for l in range(1, nh):
        nin, nout = sizes[l], sizes[l + 1]
        W = params[offs[2 * l]:offs[2 * l] + nin * nout].reshape((nin, nout))
        b = params[offs[2 * l + 1]:offs[2 * l + 1] + nout]
        for q in range(nout):
            acts[l, q] = b[q]
        for i in range(nin):
            x = acts[l - 1, i]
            if x != 0.0:
                for q in range(nout):
                    acts[l, q] = fma(x, W[i, q], acts[l, q])
        for q in range(nout):
            if acts[l, q] < 0.0:
                acts[l, q] = 0.0
    hk = sizes[nh]
    PW = params[offs[2 * nh]:offs[2 * nh] + hk * N_ACTIONS].reshape((hk, N_ACTIONS))
    vw = params[offs[2 * nh + 2]:offs[2 * nh + 2] + hk]
    pb = offs[2 * nh + 1]
    l0 = params[pb]
    l1 = params[pb + 1]
    l2 = params[pb + 2]
    l3 = params[pb + 3]
    value = params[offs[2 * nh + 3]]
    for i in range(hk):
        x = acts[nh - 1, i]
        if x != 0.0:
            l0 = fma(x, PW[i, 0], l0)
            l1 = fma(x, PW[i, 1], l1)
            l2 = fma(x, PW[i, 2], l2)
            l3 = fma(x, PW[i, 3], l3)
            value = fma(x, vw[i], value)
    logits[0] = l0
    logits[1] = l1
    logits[2] = l2
    logits[3] = l3
    return value


@njit(**_JIT)
def transpose_hidden(params, sizes, offs, wt):
    """wt receives, at each hidden layer l >= 1's weight offset, that layer's weights
    transposed ([nout, nin], row-major), for `backward`. Refresh after every update."""
    for l in range(1, sizes.shape[0] - 1):
        nin, nout = sizes[l], sizes[l + 1]
        o = offs[2 * l]
        W = params[o:o + nin * nout].reshape((nin, nout))
        WT = wt[o:o + nin * nout].reshape((nout, nin))
        for q in range(nout):
            for i in range(nin):
                WT[q, i] = W[i, q]


@njit(**_JIT)
def backward(params, wt, grads, sizes, offs, idx, val, n_act, acts, dlogits, dvalue, dbuf):
    """Accumulate into `grads` the gradient of a loss whose derivatives with respect
    to the logits and the value are dlogits and dvalue (after `forward` filled acts).
    wt holds the hidden weights transposed (`transpose_hidden`); dbuf is scratch
    float32[2, max hidden]."""
    nh = sizes.shape[0] - 1
    hk = sizes[nh]
    o = offs[2 * nh]
    PW = params[o:o + hk * N_ACTIONS].reshape((hk, N_ACTIONS))
    GPW = grads[o:o + hk * N_ACTIONS].reshape((hk, N_ACTIONS))
    o = offs[2 * nh + 2]
    vw = params[o:o + hk]
    gvw = grads[o:o + hk]
    d0, d1, d2, d3 = dlogits[0], dlogits[1], dlogits[2], dlogits[3]
    cur = 0
    for i in range(hk):
        x = acts[nh - 1, i]
        if x > 0.0:
            dbuf[cur, i] = fma(PW[i, 3], d3, fma(PW[i, 2], d2, fma(PW[i, 1], d1, fma(PW[i, 0], d0, vw[i] * dvalue))))
            GPW[i, 0] = fma(x, d0, GPW[i, 0])
            GPW[i, 1] = fma(x, d1, GPW[i, 1])
            GPW[i, 2] = fma(x, d2, GPW[i, 2])
            GPW[i, 3] = fma(x, d3, GPW[i, 3])
            gvw[i] = fma(x, dvalue, gvw[i])
        else:
            dbuf[cur, i] = 0.0  # ReLU: no gradient through an inactive unit
    pb = offs[2 * nh + 1]
    for a in range(N_ACTIONS):
        grads[pb + a] += dlogits[a]
    grads[offs[2 * nh + 3]] += dvalue
    for l in range(nh - 1, 0, -1):
        nin, nout = sizes[l], sizes[l + 1]
        o = offs[2 * l]
        WT = wt[o:o + nin * nout].reshape((nout, nin))
        GW = grads[o:o + nin * nout].reshape((nin, nout))
        gb = grads[offs[2 * l + 1]:offs[2 * l + 1] + nout]
        d = dbuf[cur]
        nxt = dbuf[1 - cur]
        for q in range(nout):
            gb[q] += d[q]
        # nxt = W d, as the rows of W^T scaled and added: element-wise over the inputs,
        # each sum in the order q = 0, 1, ... on every processor
        for i in range(nin):
            nxt[i] = 0.0
        for q in range(nout):
            dq = d[q]
            if dq != 0.0:
                for i in range(nin):
                    nxt[i] = fma(WT[q, i], dq, nxt[i])
        for i in range(nin):
            x = acts[l - 1, i]
            if x > 0.0:
                for q in range(nout):
                    GW[i, q] = fma(x, d[q], GW[i, q])
            else:
                nxt[i] = 0.0
        cur = 1 - cur
    h = sizes[1]
    o = offs[0]
    GW = grads[o:o + sizes[0] * h].reshape((sizes[0], h))
    gb = grads[offs[1]:offs[1] + h]
    d = dbuf[cur]
    for q in range(h):
        gb[q] += d[q]
    for a in range(n_act):  # sparse: only the rows of the inputs that were on
        i = idx[a]
        x = val[a]
        for q in range(h):
            GW[i, q] = fma(x, d[q], GW[i, q])


@njit(**_JIT)
def softmax(logits, probs):
    """probs = softmax(logits); returns log of the normalizer (logsumexp), in float64.
    exp and log are agents.exact's, the same bits on every processor."""
    m = logits[0]
    for a in range(1, N_ACTIONS):
        if logits[a] > m:
            m = logits[a]
    mm = np.float64(m)
    e0 = exact.exp(np.float64(logits[0]) - mm)  # N_ACTIONS == 4, as in forward
    e1 = exact.exp(np.float64(logits[1]) - mm)
    e2 = exact.exp(np.float64(logits[2]) - mm)
    e3 = exact.exp(np.float64(logits[3]) - mm)
    s = ((e0 + e1) + e2) + e3
    probs[0] = np.float32(e0 / s)
    probs[1] = np.float32(e1 / s)
    probs[2] = np.float32(e2 / s)
    probs[3] = np.float32(e3 / s)
    return mm + exact.log(s)


_MASKED = np.float32(-1e9)  # the logit of a masked move: exp underflows to exactly 0


@njit(**_JIT)
def mask_walls(obs, mask_view, logits):
    """With mask_view > 0 (the width of a window centred on the agent), give every move
    into a wall beside the agent a logit so low that softmax gives it probability 0:
    invalid-action masking ("A Closer Look at Invalid Action Masking in Policy Gradient
    Algorithms", Huang and Ontanon, 2022). The policy then never wastes a step pushing
    against a wall, and its gradient never touches those moves. Reads the observation
    only, so the rollout, the update and deployment mask alike."""
    if mask_view <= 0:
        return
    half = mask_view // 2
    for a in range(N_ACTIONS):
        r, c = heading(half, half, a)  # the agent sits at the window's centre
        code = obs[r * mask_view + c]
        if is_wall(code):
            logits[a] = _MASKED


@njit(**_JIT)
def sample_action(probs, u):
    """The action whose cumulative probability first exceeds u in [0, 1); when rounding
    leaves u past the sum, the last action with any probability (never a masked one)."""
    acc = 0.0
    for a in range(N_ACTIONS - 1):
        acc += probs[a]
        if u < acc:
            return a
    for a in range(N_ACTIONS - 1, 0, -1):
        if probs[a] > 0.0:
            return a
    return 0


@njit(**_JIT)
def widest_layer(sizes):
    """The widest hidden layer (sizes: the input width, then each hidden width), for
    scratch buffers."""
    maxh = 1
    for l in range(1, sizes.shape[0]):
        maxh = max(maxh, sizes[l])
    return maxh


@njit(**_JIT)
def scratch(sizes, L):
    """The scratch arrays one sample's pass through the network uses, for observations
    of L codes: (acts, logits, probs, idx, val), as `active_inputs`, `forward` and
    `softmax` take them."""
    return (np.zeros((sizes.shape[0] - 1, widest_layer(sizes)), np.float32),
            np.zeros(N_ACTIONS, np.float32), np.zeros(N_ACTIONS, np.float32),
            np.zeros(L * 4, np.int64), np.zeros(L * 4, np.float32))


@njit(**_JIT)
def policy_batch(params, sizes, offs, obs, n_cells, C, mask_view, probs, values):
    """Action probabilities and values for every row of obs (int32[N, L]); with
    mask_view > 0, moves into a wall have probability 0 (mask_walls)."""
    acts, logits, p, idx, val = scratch(sizes, obs.shape[1])
    for i in range(obs.shape[0]):
        n = active_inputs(obs[i], n_cells, C, idx, val)
        values[i] = forward(params, sizes, offs, idx, val, n, acts, logits)
        mask_walls(obs[i], mask_view, logits)
        softmax(logits, p)
        for a in range(N_ACTIONS):
            probs[i, a] = p[a]


@njit(**_JIT)
def sample_batch(probs, rng, greedy, out):
    """One action per row of probs: the most probable (first on ties) when greedy,
    else sampled with rng (uint64[N], one state per row, or uint64[1] shared)."""
    for i in range(probs.shape[0]):
        if greedy:
            best = 0
            for a in range(1, N_ACTIONS):
                if probs[i, a] > probs[i, best]:
                    best = a
            out[i] = best
        else:
            out[i] = sample_action(probs[i], rng_uniform(rng, i if rng.shape[0] == probs.shape[0] else 0))


# numba's cache notices changes to this file only: the modules whose constants and
# functions are compiled in here are named too (levels.jitcache)
jitcache.forget_if_stale(globals(), (world, kernels, exact))
