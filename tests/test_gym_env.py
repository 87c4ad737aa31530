"""The Gymnasium adapter (game/gym_env.py): it passes Gymnasium's own environment
checker, `gymnasium.make("mesa_lab/Level-v0", ...)` works with no other import once
the package's entry point is installed, and its events, rewards, ends, observations
and info flags agree with the reference rules (levels.reference) step for step."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

gymnasium = pytest.importorskip("gymnasium")  # the 'gym' extra; part of the 'test' extra

from gymnasium.utils.env_checker import check_env  # noqa: E402

from game.deploy import condition_met  # noqa: E402
from game.gym_env import LevelEnv  # noqa: E402
from game.gym_register import ENV_ID, register_envs  # noqa: E402
from levels import world  # noqa: E402
from levels.reference import ReferenceEnv, splitmix64_seed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "levels" / "chapters").glob("0*.toml"))


@pytest.mark.parametrize("which", ["train", "deploy"])
def test_passes_gymnasiums_env_checker(which):
    env = LevelEnv(CHAPTERS[1], levels=which)
    check_env(env, skip_render_check=True)
    obs, info = env.reset(seed=3)
    assert env.observation_space.contains(obs)
    assert set(info) == {"events", "level", "intended", "probes"}
    assert set(info["probes"]) == set(env.level_file.probes)


def test_bad_arguments_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="levels must be one of"):
        LevelEnv(CHAPTERS[1], levels="test")
    bad = tmp_path / "bad.toml"
    bad.write_text("format = 1\n[rules]\nrewrd = 1\n")
    with pytest.raises(ValueError, match="bad.toml:3:1"):
        LevelEnv(bad)


def test_make_through_the_registry():
    register_envs()
    env = gymnasium.make(ENV_ID, path=str(CHAPTERS[1]), levels="deploy")
    obs, _ = env.reset(seed=0)
    assert obs.shape == env.observation_space.shape


def test_entry_point_registers_on_import_gymnasium(tmp_path):
    """The entry point pyproject.toml declares, installed as package metadata (a
    .dist-info folder on the path, as pip writes it), is all `make` needs."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    eps = project["project"]["entry-points"]["gymnasium.envs"]
    dist = tmp_path / "mesa_lab_probe-0.0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: mesa-lab-probe\nVersion: 0.0.0\n")
    (dist / "entry_points.txt").write_text(
        "[gymnasium.envs]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items()))
    code = ("import gymnasium, sys\n"
            "assert 'game.gym_env' not in sys.modules\n"
            f"env = gymnasium.make('mesa_lab/Level-v0', path={str(CHAPTERS[1])!r}, levels='train')\n"
            "obs, info = env.reset(seed=1)\n"
            "print(type(env.unwrapped).__name__, len(obs))\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]))
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[0] == "LevelEnv"


def _reference(env: LevelEnv, seed: int) -> ReferenceEnv:
    lf = env.level_file
    return ReferenceEnv(env.levels, lf.rules, lf.zone_names, splitmix64_seed(seed, 0),
                        full_size=env._ls.terrain.shape[1:])


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
@pytest.mark.parametrize("which", ["train", "deploy"])
def test_events_agree_with_the_reference_rules_step_for_step(path, which):
    env = LevelEnv(path, levels=which)
    lf = env.level_file
    seed = 11
    ref = _reference(env, seed)
    obs, info = env.reset(seed=seed)
    ref.reset(None)
    spec = env.spec_obs
    rng = np.random.default_rng(seed)
    counts = np.zeros((1, world.N_EVENTS), np.int64)
    episodes = steps = 0
    while episodes < 12:
        assert info["level"] == ref.level.name
        want = ref.observe(spec.view, spec.shape_range, spec.trail, spec.pooled, spec.far_kinds)
        np.testing.assert_array_equal(obs, spec.dense(np.array(want)))
        action = int(rng.integers(4))
        obs, reward, terminated, truncated, info = env.step(action)
        ev, r, done = ref.step(action)
        steps += 1
        assert info["events"] == world.event_names(int(ev), lf.zone_names)
        assert np.float32(reward) == r
        assert terminated or truncated if done else not (terminated or truncated)
        counts[0] += (int(ev) >> np.arange(world.N_EVENTS)) & 1
        assert info["intended"] == bool(condition_met(lf.intended(), counts, lf.zone_names)[0])
        for name, cond in lf.probes.items():
            assert info["probes"][name] == bool(condition_met(cond, counts, lf.zone_names)[0])
        if done:
            episodes += 1
            counts[:] = 0
            obs, info = env.reset()
            ref.reset(None)
    assert steps > 12  # whole episodes were played, not single steps


def test_example_trains_a_third_party_agent_and_deploys_it(capsys):
    """docs/examples/gym_q_learning.py end to end, with a short training run."""
    import runpy
    example = runpy.run_path(str(ROOT / "docs" / "examples" / "gym_q_learning.py"))
    assert example["main"](["1", "--episodes", "60"]) == 0
    out = capsys.readouterr().out
    assert "coin behind you" in out and "Diagnosis: " in out
