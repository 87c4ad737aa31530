"""A real install works, not only an editable one: the wheel is built, installed into
a fresh virtual environment, and played and calibrated from an unrelated folder; the
fonts, chapters, reference solutions and shipped pre-trained agents it reads must all
come from inside the installed package.

The machine may hold an editable install of some checkout (`pip install -e`), which
registers a finder in the system site-packages through a .pth file: a venv made with
--system-site-packages would run that .pth and quietly import the missing modules and
data from the checkout. So the venv is made without system site-packages, the wheel is
installed into it with --no-deps, and the system's site-packages folders are added as
plain path lines of a .pth file in the venv: numpy, numba and pygame import from there,
but .pth files in those folders (the editable finder among them) are never run.

Compiling the learner from scratch in the new venv takes most of the time: slow."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What a pip build in place would leave in the checkout, and what never ships anyway.
IGNORE = shutil.ignore_patterns(".git", "__pycache__", ".pytest_cache", ".hypothesis",
                                "build", "dist", "*.egg-info", "out")

# Run inside the venv: where everything the game reads at run time comes from.
PROBE = r"""
import importlib, json, pkgutil, sys
import agents, game, levels, main
for pkg in (agents, game, levels):
    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        try:
            importlib.import_module(m.name)
        except ModuleNotFoundError as exc:  # an optional extra (gymnasium, ...) not installed
            if (exc.name or "").split(".")[0] in ("agents", "game", "levels", "main"):
                raise
from game.calibrate import solution_path
from game.chapters import campaign
from game.pretrained import SHIPPED_DIR, shipped_pretrained_path
from game.ui import state, theme
from levels.load import load
chapters = [load(e.path) for e in campaign()]
print(json.dumps({
    "modules": sorted({getattr(m, "__file__", None) or "" for name, m in sys.modules.items()
                       if name.split(".")[0] in ("agents", "game", "levels", "main")}),
    "finders": [repr(f) for f in sys.meta_path],
    "fonts": {style: str(theme.font_path(style)) for style in theme.FONT_FILES},
    "chapters": [str(e.path) for e in campaign()],
    "solutions": [str(solution_path(lf)) for lf in chapters],
    "shipped": sorted(str(p) for p in SHIPPED_DIR.glob("*.npz")),
    "pretrained": {str(shipped_pretrained_path(lf)): shipped_pretrained_path(lf).is_file()
                   for lf in chapters if lf.pretrain},
    "stand_ins": [str(p) for d in state.STAND_IN_DIRS for p in sorted(d.glob("*.toml"))],
}))
"""


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "NUMBA_CACHE_DIR")}
    env.update(PYTHONNOUSERSITE="1", MESA_LAB_HOME=str(home), SDL_VIDEODRIVER="dummy",
               SDL_AUDIODRIVER="dummy", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def _run(cmd, cwd, env, timeout=900) -> subprocess.CompletedProcess:
    res = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                         text=True, timeout=timeout)
    shown = " ".join(str(c)[:80] for c in cmd)
    assert res.returncode == 0, f"{shown} failed:\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}"
    return res


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv python, venv site-packages, folder outside everything, environment)."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = _env(tmp / "home")
    # Build from a copy: pip builds in place and would leave build/ and *.egg-info behind.
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=IGNORE)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", tmp / "dist", src], tmp, env)
    wheel, = (tmp / "dist").glob("mesa_lab-*.whl")

    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp, env)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
          wheel], tmp, env)
    purelib = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                        tmp, env).stdout.strip())
    # The dependencies (numpy, numba, pygame, ...) from this interpreter's site folders,
    # as plain path lines: appended after the venv's own folder, their .pth files not run.
    dirs = [*site.getsitepackages(), sysconfig.get_path("purelib"), sysconfig.get_path("platlib")]
    if site.ENABLE_USER_SITE:
        dirs.append(site.getusersitepackages())
    lines = [d for d in dict.fromkeys(dirs) if Path(d).is_dir() and Path(d) != purelib]
    (purelib / "_mesa_lab_test_deps.pth").write_text("\n".join(lines) + "\n", encoding="utf-8")

    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return python, purelib, elsewhere, env


def _checkout_pretrained() -> dict[str, bool]:
    """Each shipped pre-trained agent's file name in this checkout, and whether it is there."""
    from game.chapters import campaign
    from game.pretrained import shipped_pretrained_path
    from levels.load import load
    paths = [shipped_pretrained_path(lf) for lf in map(load, (e.path for e in campaign())) if lf.pretrain]
    return {p.name: p.is_file() for p in paths}


def _inside(path: str, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(folder.resolve())


@pytest.mark.slow
def test_everything_the_game_reads_comes_from_the_installed_package(installed):
    python, purelib, elsewhere, env = installed
    found = json.loads(_run([python, "-c", PROBE], elsewhere, env).stdout)
    assert not [f for f in found["finders"] if "editable" in f.lower()], found["finders"]
    outside = [m for m in found["modules"] if not _inside(m, purelib)]
    assert not outside, f"modules imported from outside the installed package: {outside}"
    for style, path in found["fonts"].items():
        assert path != "None", f"the {style} font is not in the installed package"
        assert _inside(path, purelib / "game" / "assets" / "fonts"), (style, path)
    assert len(found["chapters"]) >= 7 and all(_inside(p, purelib) for p in found["chapters"])
    assert "None" not in found["solutions"], f"a chapter has no shipped solution: {found['solutions']}"
    assert all(_inside(p, purelib / "levels" / "chapters" / "solutions") for p in found["solutions"])
    # the installed package names the same pre-trained agents as the checkout (the name
    # carries a hash of the learner's source files) and has each one the checkout has;
    # whether the checkout's agent is current is test_calibration's business
    shipped = sorted(p.name for p in (ROOT / "levels" / "chapters" / "pretrained").glob("*.npz"))
    assert shipped and [Path(p).name for p in found["shipped"]] == shipped
    assert all(_inside(p, purelib) for p in [*found["shipped"], *found["pretrained"]])
    assert {Path(p).name: ok for p, ok in found["pretrained"].items()} == _checkout_pretrained()
    assert found["stand_ins"] and all(_inside(p, purelib) for p in found["stand_ins"])


@pytest.mark.slow
def test_installed_command_plays_and_calibrates_a_chapter_from_another_folder(installed):
    python, purelib, elsewhere, env = installed
    mesa_lab = python.parent / ("mesa-lab.exe" if os.name == "nt" else "mesa-lab")
    run = json.loads(_run([mesa_lab, "run", "1", "--json"], elsewhere, env).stdout)
    assert run["levels"] and 0.0 <= run["intended"] <= 1.0
    cal = json.loads(_run([mesa_lab, "calibrate", "1", "--solution", "--seeds", "1", "--json"],
                          elsewhere, env).stdout)
    assert _inside(cal["design"], purelib / "levels" / "chapters" / "solutions"), cal["design"]
    assert len(cal["seeds"]) == 1 and cal["seeds"][0]["label"]
