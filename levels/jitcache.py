"""Keeping numba's on-disk cache honest about what compiled code depends on.

numba's cache (`cache=True`) reuses a module's compiled code as long as that module's
own source file keeps its date and size. But compiled code also holds values from
elsewhere: module-level constants are frozen in (event bits, channel offsets and the
cell-code layout from levels/world.py, whose kind table gives them), and a kernel of
another module called from compiled code is compiled into the caller (the learner's
rollout holds a copy of levels/kernels.py's step). Adding an object kind to
world.py would otherwise leave the learner reading observations with the old
channel offsets until someone deleted the cache by hand.

Each compiled module therefore names the modules it depends on, and a tiny cached
probe returns their version as it was when compiled; when that differs from the
sources now, the module's cached code is dropped and compiles afresh on first use.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import ModuleType


def version(*modules: ModuleType) -> int:
    """A 60-bit version of the modules' source files (fits an int64 constant)."""
    h = hashlib.sha256()
    for m in modules:
        h.update(Path(m.__file__).read_bytes())
    return int(h.hexdigest()[:15], 16)


def forget_if_stale(namespace: dict, probe, current: int) -> bool:
    """`probe` is a cache=True compiled function of the module whose globals are
    `namespace`, returning its dependency version (`current` when compiled now). If
    the cached probe returns another version, or there was no cached probe (then the
    version of the module's other cached code is unknown), drop the cached code of
    every other compiled function of the module; it compiles afresh on first use.
    Returns whether it did."""
    value = probe()
    missed = sum(probe.stats.cache_misses.values()) > 0
    if value == current and not missed:
        return False
    name = namespace["__name__"]
    for obj in list(namespace.values()):
        py_func = getattr(obj, "py_func", None)
        cache = getattr(obj, "_cache", None)
        if (obj is not probe and py_func is not None and py_func.__module__ == name
                and hasattr(cache, "flush")):
            cache.flush()  # an empty index: the next call compiles and saves anew
    if value != current:
        probe.recompile()  # the probe's cache now says the current version
    return True
