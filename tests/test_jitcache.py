"""levels.jitcache: cached compiled code that froze a constant from another module
is compiled afresh once that module changes (numba alone would keep the old value:
its cache only looks at the compiled function's own file)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

USER = textwrap.dedent("""
    from numba import njit
    from levels import jitcache
    import dep

    _VALUE = dep.VALUE


    @njit(cache=True)
    def value():
        return _VALUE


    jitcache.forget_if_stale(globals(), (dep,))
""")


def _value(folder: Path) -> int:
    out = subprocess.run([sys.executable, "-c", "import user; print(user.value())"],
                         cwd=folder, capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": f"{folder}:{ROOT}", "PATH": "/usr/bin:/bin"})
    return int(out.stdout.strip())


def test_a_changed_dependency_recompiles_the_cached_code(tmp_path):
    (tmp_path / "user.py").write_text(USER)
    (tmp_path / "dep.py").write_text("VALUE = 1\n")
    assert _value(tmp_path) == 1
    assert list((tmp_path / "__pycache__").glob("*.nbi")), "numba cached nothing"
    (tmp_path / "dep.py").write_text("VALUE = 22\n")  # user.py untouched
    assert _value(tmp_path) == 22
    assert _value(tmp_path) == 22  # and the fresh code is what the cache keeps
    (tmp_path / "dep.py").write_text("VALUE = 1\n")
    assert _value(tmp_path) == 1
