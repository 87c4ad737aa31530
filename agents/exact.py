"""Arithmetic that gives the same bits on every x86-64 processor: exp, log and long
sums, for the learner's numba kernels.

Why this module exists: the learner must give the same weights for the same seed on
any machine (fellows in one room on different laptops, an instructor's calibration,
the shipped pre-trained agent). Three things would break that, and each is avoided:

- Reassociated sums (numba's `fastmath`): a vectorized reduction adds in an order that
  depends on the vector width, so AVX2, AVX-512 and SSE2 give different sums. The
  kernels compile without fastmath; where a long sum must be fast, `sum_squares` keeps
  LANES independent partial sums in a fixed order and adds them in a fixed tree, so
  the compiler may vectorize it only element-wise (each lane is still exact IEEE).
- Fused multiply-adds decided by the compiler: without fastmath numba never fuses a
  multiply and an add on its own. Where a fused multiply-add is wanted (it is one
  instruction, and the inner loops are made of them) the kernels ask for it with
  `fma`, which is IEEE's fused multiply-add, rounded once, on every processor: one
  instruction where the processor has FMA (every x86-64 since about 2013), and the C
  library's correctly rounded fma elsewhere (slower, the same bits).
- libm: `math.exp` and `math.log` call the C library, which picks code paths by
  processor (glibc has FMA variants) and differs between systems. `exp` and `log`
  here use only +, -, *, /, `fma` and exact scaling by powers of two (built from the
  bits), so they are plain IEEE arithmetic everywhere. They are accurate to about 1 ulp,
  far below what training can notice.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import njit
from numba.core import types
from numba.extending import intrinsic

_JIT = dict(cache=True, nogil=True, error_model="numpy")
# exp, log and pow2 are small and called in the innermost loops: inlined into the caller
_INLINE = dict(_JIT, inline="always")

_LN2_HI = 6.93147180369123816490e-01  # ln 2 split in two (fdlibm): k * _LN2_HI is exact
_LN2_LO = 1.90821492927058770002e-10
_INV_LN2 = 1.44269504088896338700e+00
_SQRT_HALF = 0.70710678118654752440

LANES = 16  # partial sums in sum_squares; a multiple of every x86 vector width in float64


@intrinsic
def fma(typingctx, a, b, c):
    """a * b + c rounded once (IEEE 754 fusedMultiplyAdd), in the operands' common
    float type."""
    if not all(isinstance(t, types.Float) for t in (a, b, c)):
        return None
    ty = max((a, b, c), key=lambda t: t.bitwidth)

    def codegen(context, builder, signature, args):
        x, y, z = (context.cast(builder, v, t, ty) for v, t in zip(args, signature.args))
        return builder.fma(x, y, z)
    return ty(a, b, c), codegen


@intrinsic
def _bitcast(typingctx, x):
    """The same 64 bits read as the other type: an int64's bits as a float64, or a
    float64's bits as an int64 (IEEE 754 layout)."""
    if isinstance(x, types.Integer):
        src, dst, llvm_dst = types.int64, types.float64, ir.DoubleType()
    elif isinstance(x, types.Float):
        src, dst, llvm_dst = types.float64, types.int64, ir.IntType(64)
    else:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(context.cast(builder, args[0], signature.args[0], src), llvm_dst)
    return dst(x), codegen


@njit(**_INLINE)
def pow2(k):
    """2.0**k for a whole k in [-1022, 1023], built from its bits (exact)."""
    return _bitcast((k + 1023) << 52)


@njit(**_INLINE)
def exp(x):
    """e**x for a float64 x: x = k ln2 + r with |r| <= ln2/2, e**r by a degree-12
    Taylor polynomial (truncation below 1e-15 relative), times 2**k."""
    x = np.float64(x)
    if x != x:
        return x
    if x > 709.78:
        return math.inf
    if x < -745.2:
        return 0.0
    k = math.floor(x * _INV_LN2 + 0.5)
    r = (x - k * _LN2_HI) - k * _LN2_LO
    p = 1.0 / 479001600.0
    p = fma(r, p, 1.0 / 39916800.0)
    p = fma(r, p, 1.0 / 3628800.0)
    p = fma(r, p, 1.0 / 362880.0)
    p = fma(r, p, 1.0 / 40320.0)
    p = fma(r, p, 1.0 / 5040.0)
    p = fma(r, p, 1.0 / 720.0)
    p = fma(r, p, 1.0 / 120.0)
    p = fma(r, p, 1.0 / 24.0)
    p = fma(r, p, 1.0 / 6.0)
    p = fma(r, p, 0.5)
    p = fma(r, p, 1.0)
    p = fma(r, p, 1.0)
    n = int(k)
    if n < -1000:  # a subnormal result: scale in two exact steps, then one rounding
        return (p * pow2(n + 600)) * pow2(-600)
    return p * pow2(n)


@njit(**_INLINE)
def log(x):
    """Natural log of a float64 x > 0: x = m 2**e with m in [sqrt(1/2), sqrt(2)), then
    log m = 2 atanh(s), s = (m - 1) / (m + 1), a series in s**2 (|s| < 0.172)."""
    x = np.float64(x)
    if x != x or x < 0.0:
        return math.nan
    if x == 0.0:
        return -math.inf
    if x == math.inf:
        return x
    e = 0
    if x < 2.2250738585072014e-308:  # subnormal: make it normal first (exact)
        x *= 18014398509481984.0  # 2**54
        e = -54
    bits = _bitcast(x)
    e += ((bits >> 52) & 0x7FF) - 1022
    m = _bitcast((bits & 0xFFFFFFFFFFFFF) | (1022 << 52))  # in [0.5, 1)
    if m < _SQRT_HALF:
        m *= 2.0
        e -= 1
    f = m - 1.0
    s = f / (2.0 + f)
    z = s * s
    p = 1.0 / 23.0
    p = fma(z, p, 1.0 / 21.0)
    p = fma(z, p, 1.0 / 19.0)
    p = fma(z, p, 1.0 / 17.0)
    p = fma(z, p, 1.0 / 15.0)
    p = fma(z, p, 1.0 / 13.0)
    p = fma(z, p, 1.0 / 11.0)
    p = fma(z, p, 1.0 / 9.0)
    p = fma(z, p, 1.0 / 7.0)
    p = fma(z, p, 1.0 / 5.0)
    p = fma(z, p, 1.0 / 3.0)
    # log1p(f) = 2 atanh(s) = 2s + 2s z p, and 2s = f - s f; written as fdlibm does,
    # f - (f*f/2 - s (f*f/2 + 2 z p)), so the large term f is added last
    hf = 0.5 * f * f
    log1p = f - (hf - s * (hf + 2.0 * z * p))
    return e * _LN2_HI + (log1p + e * _LN2_LO)


@njit(**_JIT)
def sum_squares(g, lanes):
    """The sum of g[k]**2 in float64, in a fixed order: lane j adds g[j], g[j + L],
    g[j + 2L], ... (L = LANES), then the lanes are added pairwise. `lanes` is scratch
    float64[LANES]."""
    n = g.shape[0]
    for j in range(LANES):
        lanes[j] = 0.0
    full = n - n % LANES
    for k0 in range(0, full, LANES):
        for j in range(LANES):  # element-wise over lanes: vectorizes without reassociating
            x = np.float64(g[k0 + j])
            lanes[j] += x * x
    for k in range(full, n):
        x = np.float64(g[k])
        lanes[k - full] += x * x
    width = LANES // 2
    while width >= 1:
        for j in range(width):
            lanes[j] += lanes[j + width]
        width //= 2
    return lanes[0]


@njit(**_JIT)
def powi(x, n):
    """x**n for a float64 x and a whole n >= 0, by repeated squaring in a fixed order
    (not libm's pow)."""
    result = 1.0
    base = np.float64(x)
    while n > 0:
        if n & 1:
            result *= base
        base *= base
        n >>= 1
    return result
