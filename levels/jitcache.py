"""Keeping numba's on-disk cache honest about what compiled code depends on.

numba's cache (`cache=True`) reuses a module's compiled code as long as that module's
own source file keeps its date and size. But compiled code also holds values from
elsewhere: module-level constants are frozen in (event bits, channel offsets and the
cell-code layout from levels/world.py, whose kind table gives them), and a kernel of
another module called from compiled code is compiled into the caller (the learner's
rollout holds a copy of levels/kernels.py's step). Adding an object kind to
world.py would otherwise leave the learner reading observations with the old
channel offsets until someone deleted the cache by hand.

Each compiled module therefore names the modules it depends on; a small stamp file
beside its cached code (in numba's cache folder) records their version. When the
sources say another version, the module's cached code is dropped and compiles
afresh on first use. Checking costs a file read, and loads no compiled code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import ModuleType

from levels.atomic import atomic_write_text


def version(*modules: ModuleType) -> str:
    """A version of the modules' source files."""
    h = hashlib.sha256()
    for m in modules:
        h.update(Path(m.__file__).read_bytes())
    return h.hexdigest()[:16]


def forget_if_stale(namespace: dict, depends_on: tuple[ModuleType, ...]) -> bool:
    """Call at the end of a module of compiled functions (`namespace` its globals):
    if its cached code was compiled against other versions of `depends_on` (or the
    version is unknown), drop the cached code of all its compiled functions and
    record the current version. Returns whether it dropped anything."""
    name = namespace["__name__"]
    compiled = [obj for obj in namespace.values()
                if getattr(getattr(obj, "py_func", None), "__module__", None) == name
                and hasattr(getattr(obj, "_cache", None), "flush")]
    folder = getattr(compiled[0]._cache, "_cache_path", None) if compiled else None
    if folder is None:
        return False  # nothing compiled here, or a cache this numba keeps elsewhere
    stamp = Path(folder) / f"{name}.depends"
    current = version(*depends_on)
    try:
        if stamp.read_text() == current:
            return False
    except OSError:
        pass  # no stamp yet: whatever is cached was compiled against unknown versions
    for fn in compiled:
        fn._cache.flush()  # an empty index: the next call compiles and saves anew
    try:
        atomic_write_text(stamp, current)
    except OSError:
        pass  # a read-only cache: numba cannot save there either
    return True
