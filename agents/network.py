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

Speed (the update is most of a chapter's training time; benchmarks/README.md has the
figures): each layer lists the units its ReLU left on (`relu_live`, branch-free) and
the passes loop over those lists; rows are added four at a time (`add_rows`); the
per-sample kernels make no views and run without reference counting (`_HOT`). Each of
these leaves every sum in the order it had, so the weights are the same bits as before.
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
# The per-sample kernels make no arrays and no views, so they need no reference counts:
# without the runtime (numba's _nrt flag) a call does not count its array arguments in
# and out, which had cost about a tenth of the update's time.
_HOT = dict(_JIT, _nrt=False)

N_ACTIONS = world.N_ACTIONS
_KIND0, _COLOR0, _AGENT_CH = world.CH_KIND0, world.CH_COLOR0, world.CH_AGENT
_KIND_SHIFT, _COLOR_SHIFT, _AGENT_SHIFT = world.KIND_SHIFT, world.COLOR_SHIFT, world.AGENT_SHIFT
_TRAIL_SHIFT = world.TRAIL_SHIFT
_FIELD = world.FIELD_MASK  # a cell code's fields: world.py's packed layout


@njit(**dict(_JIT, inline="always"))
def _u(i):
    """An offset into a flat array as an unsigned integer: numba checks signed indices
    for negative values (wrap-around) on every access, unsigned ones not."""
    return np.uint64(i)


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

@njit(**_HOT)
def active_inputs(obs, row, n_cells, C, idx, val):
    """The one-hot inputs that are on for observation obs[row] (a row of codes): their
    indices into the dense input (idx) and values (val, 1 for cells, the flag's
    value for globals). Returns how many. The agent bit is set only in the full view
    and the trail bit only with a trail, whose channel is each cell's last (C - 1)."""
    n = 0
    for j in range(n_cells):
        code = obs[row, j]
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
    for g in range(obs.shape[1] - n_cells):
        x = obs[row, n_cells + g]
        if x != 0:
            idx[n] = n_cells * C + g
            val[n] = np.float32(x)
            n += 1
    return n


# The scratch of one pass (`scratch`), read with indices rather than through views of
# rows (each view costs a reference count in and out, per sample):
# acts: float32[hidden layers, W], each hidden layer's outputs (W: the widest layer);
# live: int64[hidden layers * (W + 1)], at l * (W + 1) how many units of layer l are
#   on, then which, in ascending order (`relu_live`);
# scales: float32[W], the scales of the rows being added (`add_rows`).


@njit(**_HOT)
def relu_live(acts, l, live, h):
    """ReLU over acts[l, :h] in place, and the units left on (nonzero) listed after
    their count at live[l * (W + 1)]. Branch-free: which units a ReLU leaves on
    changes from sample to sample, and a branch on it was mispredicted about half the
    time (that cost more than the arithmetic)."""
    for q in range(h):
        x = acts[l, q]
        acts[l, q] = np.float32(0.0) if x < 0.0 else x
    o = l * (acts.shape[1] + 1)
    n = 0
    for q in range(h):
        live[o + n + 1] = q
        n += acts[l, q] != 0.0
    live[o] = n


@njit(**_HOT)
def add_rows(out, r, w, base, stride, rows, r0, n, scales, width):
    """out[r, :width] += scales[k] * (row rows[r0 + k] of w) for k = 0, ..., n - 1,
    where row j is w[base + j * stride:][:width]: every element adds the rows in that
    order, with fused multiply-adds. Four rows per pass: each element still adds them
    one after another (the same bits as one row per pass), but out is read and written
    once per four rows instead of once per row. The offsets into w are unsigned (`_u`):
    numba then needs no negative-index checks and the inner loops vectorize."""
    wu = _u(width)
    k = 0
    while k + 4 <= n:
        x0, x1, x2, x3 = scales[k], scales[k + 1], scales[k + 2], scales[k + 3]
        b0 = _u(base + rows[r0 + k] * stride)
        b1 = _u(base + rows[r0 + k + 1] * stride)
        b2 = _u(base + rows[r0 + k + 2] * stride)
        b3 = _u(base + rows[r0 + k + 3] * stride)
        for q in range(wu):
            out[r, q] = fma(x3, w[b3 + q], fma(x2, w[b2 + q], fma(x1, w[b1 + q], fma(
                x0, w[b0 + q], out[r, q]))))
        k += 4
    while k < n:
        x0 = scales[k]
        b0 = _u(base + rows[r0 + k] * stride)
        for q in range(wu):
            out[r, q] = fma(x0, w[b0 + q], out[r, q])
        k += 1


@njit(**_HOT)
def forward(params, sizes, offs, idx, val, n_act, acts, live, scales, logits):
    """One sample through the network, from its active inputs (idx, val, n_act). acts
    receives each hidden layer's ReLU output and live the units it left on (see above),
    logits[:4] the action logits; returns the value.
    Each layer adds the weight rows of its inputs that are on, scaled, in input order
    (`add_rows`): element-wise over its outputs, so vectorized, and the same sums on
    every processor. Only the units that are on are visited: no branch per unit."""
    nh = sizes.shape[0] - 1
    W1 = acts.shape[1] + 1
    h = sizes[1]
    for q in range(h):
        acts[0, q] = params[offs[1] + q]
    add_rows(acts, 0, params, offs[0], h, idx, 0, n_act, val, h)
    relu_live(acts, 0, live, h)
    for l in range(1, nh):
        nout = sizes[l + 1]
        on = (l - 1) * W1
        for q in range(nout):
            acts[l, q] = params[offs[2 * l + 1] + q]
        n = live[on]
        for k in range(n):
            scales[k] = acts[l - 1, live[on + 1 + k]]
        add_rows(acts, l, params, offs[2 * l], nout, live, on + 1, n, scales, nout)
        relu_live(acts, l, live, nout)
    on = (nh - 1) * W1
    pb = offs[2 * nh + 1]
    l0 = params[pb]
    l1 = params[pb + 1]
    l2 = params[pb + 2]
    l3 = params[pb + 3]
    value = params[offs[2 * nh + 3]]
    for k in range(1, live[on] + 1):
        i = live[on + k]
        x = acts[nh - 1, i]
        w = _u(offs[2 * nh] + i * N_ACTIONS)
        l0 = fma(x, params[w], l0)
        l1 = fma(x, params[w + _u(1)], l1)
        l2 = fma(x, params[w + _u(2)], l2)
        l3 = fma(x, params[w + _u(3)], l3)
        value = fma(x, params[_u(offs[2 * nh + 2] + i)], value)
    logits[0] = l0
    logits[1] = l1
    logits[2] = l2
    logits[3] = l3
    return value


@njit(**_JIT)
def transpose_hidden(params, sizes, offs, wt):
    """wt receives, at each hidden layer l >= 1's weight offset, that layer's weights
    transposed ([nout, nin], row-major), and at the policy head's offset the head
    transposed ([4, last hidden]), for `backward`. Refresh after every update."""
    nh = sizes.shape[0] - 1
    for l in range(1, nh):
        nin, nout = sizes[l], sizes[l + 1]
        o = offs[2 * l]
        W = params[o:o + nin * nout].reshape((nin, nout))
        WT = wt[o:o + nin * nout].reshape((nout, nin))
        for q in range(nout):
            for i in range(nin):
                WT[q, i] = W[i, q]
    hk, o = sizes[nh], offs[2 * nh]
    for a in range(N_ACTIONS):
        for i in range(hk):
            wt[o + a * hk + i] = params[o + i * N_ACTIONS + a]


@njit(**_HOT)
def backward(params, wt, grads, sizes, offs, idx, val, n_act, acts, live, scales, dlogits,
             dvalue, dbuf):
    """Accumulate into `grads` the gradient of a loss whose derivatives with respect
    to the logits and the value are dlogits and dvalue (after `forward` filled acts
    and live). wt holds the weights transposed (`transpose_hidden`); dbuf is scratch
    float32[2, W]. Only units that were on carry a gradient (ReLU), so the
    loops run over `live`, which this overwrites (call forward again first)."""
    nh = sizes.shape[0] - 1
    W1 = acts.shape[1] + 1
    hk = sizes[nh]
    d0, d1, d2, d3 = dlogits[0], dlogits[1], dlogits[2], dlogits[3]
    cur = 0
    # the gradient at the last hidden layer, every unit at once (element-wise, so it
    # vectorizes): the policy head read from wt's transposed copy, and zero through a
    # unit that was off (ReLU); with it the value head's gradient
    o, vo, hku = _u(offs[2 * nh]), _u(offs[2 * nh + 2]), _u(hk)
    for i in range(hku):
        x = acts[nh - 1, i]
        d = fma(wt[o + _u(3) * hku + i], d3, fma(wt[o + _u(2) * hku + i], d2, fma(
            wt[o + hku + i], d1, fma(wt[o + i], d0, params[vo + i] * dvalue))))
        dbuf[cur, i] = d if x > 0.0 else np.float32(0.0)
        grads[vo + i] = fma(x, dvalue, grads[vo + i]) if x > 0.0 else grads[vo + i]
    on = (nh - 1) * W1
    for k in range(1, live[on] + 1):  # the policy head's gradient, units that were on
        i = live[on + k]
        x = acts[nh - 1, i]
        w = o + _u(i * N_ACTIONS)
        grads[w] = fma(x, d0, grads[w])
        grads[w + _u(1)] = fma(x, d1, grads[w + _u(1)])
        grads[w + _u(2)] = fma(x, d2, grads[w + _u(2)])
        grads[w + _u(3)] = fma(x, d3, grads[w + _u(3)])
    pb = offs[2 * nh + 1]
    for a in range(N_ACTIONS):
        grads[pb + a] += dlogits[a]
    grads[offs[2 * nh + 3]] += dvalue
    for l in range(nh - 1, 0, -1):
        nin, nout = sizes[l], sizes[l + 1]
        nxt = 1 - cur
        b = _u(offs[2 * l + 1])
        for q in range(_u(nout)):
            grads[b + q] += dbuf[cur, q]
        # the units with a nonzero gradient, in order (a subset of the units on): this
        # layer's list is not needed any more, so it is filtered in place
        on = l * W1
        n = 0
        for k in range(1, live[on] + 1):
            q = live[on + k]
            live[on + n + 1] = q
            n += dbuf[cur, q] != 0.0
        live[on] = n
        # the gradient below = W d, as the rows of W^T scaled and added: element-wise
        # over the inputs, each sum in the order q = 0, 1, ... on every processor
        for k in range(n):
            scales[k] = dbuf[cur, live[on + 1 + k]]
        for i in range(nin):
            dbuf[nxt, i] = 0.0
        add_rows(dbuf, nxt, wt, offs[2 * l], nin, live, on + 1, n, scales, nin)
        below = (l - 1) * W1
        nu = _u(nout)
        for k in range(1, live[below] + 1):
            i = live[below + k]
            x = acts[l - 1, i]
            g = _u(offs[2 * l] + i * nout)
            for q in range(nu):
                grads[g + q] = fma(x, dbuf[cur, q], grads[g + q])
        for i in range(nin):  # ReLU below
            dbuf[nxt, i] = dbuf[nxt, i] if acts[l - 1, i] > 0.0 else np.float32(0.0)
        cur = nxt
    h = sizes[1]
    hu = _u(h)
    b = _u(offs[1])
    for q in range(hu):
        grads[b + q] += dbuf[cur, q]
    for a in range(n_act):  # sparse: only the rows of the inputs that were on
        x = val[a]
        g = _u(offs[0] + idx[a] * h)
        for q in range(hu):
            grads[g + q] = fma(x, dbuf[cur, q], grads[g + q])


@njit(**_HOT)
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


@njit(**_HOT)
def mask_walls(obs, row, mask_view, logits):
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
        code = obs[row, r * mask_view + c]
        if is_wall(code):
            logits[a] = _MASKED


@njit(**_HOT)
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
    of L codes: (acts, live, scales, logits, probs, idx, val), as `active_inputs`,
    `forward` and `softmax` take them (acts, live and scales: see `relu_live`)."""
    nh, W = sizes.shape[0] - 1, widest_layer(sizes)
    return (np.zeros((nh, W), np.float32), np.zeros(nh * (W + 1), np.int64),
            np.zeros(W, np.float32), np.zeros(N_ACTIONS, np.float32),
            np.zeros(N_ACTIONS, np.float32), np.zeros(L * 4, np.int64), np.zeros(L * 4, np.float32))


@njit(**_JIT)
def policy_batch(params, sizes, offs, obs, n_cells, C, mask_view, probs, values):
    """Action probabilities and values for every row of obs (int32[N, L]); with
    mask_view > 0, moves into a wall have probability 0 (mask_walls)."""
    acts, live, scales, logits, p, idx, val = scratch(sizes, obs.shape[1])
    for i in range(obs.shape[0]):
        n = active_inputs(obs, i, n_cells, C, idx, val)
        values[i] = forward(params, sizes, offs, idx, val, n, acts, live, scales, logits)
        mask_walls(obs, i, mask_view, logits)
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
