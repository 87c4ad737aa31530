"""Training runs: progress and cancel from a thread (game.jobs.Job, the one
background wrapper), fine-tuning, determinism, level files, and the `train` command."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from agents.ppo import PPOConfig
from agents.train import file_success, train, train_file
from agents.training import CURVE_COLUMNS, Progress
from game.jobs import Job
from game.cli import main
from levels import world
from levels.load import load, loads
from tests.agentkit import REFERENCE, compiled, level

ROOT = Path(__file__).resolve().parent.parent


def _room():
    return compiled([level(["#######", "#@....#", "#....c#", "#######"])])


def test_progress_is_reported_every_iteration():
    ls, spec = _room()
    seen: list[Progress] = []
    cfg = PPOConfig(n_envs=32, n_steps=64)
    r = train(ls, spec, cfg, seed=0, steps=10_000, progress=seen.append)
    assert len(r.curve) == 5 and r.steps == 5 * 2048
    # after every iteration (and in between when an iteration takes longer than 80 ms)
    assert sorted(set(p.steps for p in seen)) == [2048 * (i + 1) for i in range(5)]
    assert all(p.total_steps == 10_240 and 0 <= p.success <= 1 for p in seen)
    assert r.curve.shape == (5, len(CURVE_COLUMNS))
    assert not r.cancelled
    live = seen[-1].current_agent()  # the weights so far, for a live view
    np.testing.assert_array_equal(live.params, r.agent.params)


def test_job_progress_rate_and_cancel_latency():
    ls, spec = _room()
    train(ls, spec, PPOConfig(), seed=0, steps=10)  # compiled before timing
    times = []
    job = Job(lambda report, cancel: train(ls, spec, PPOConfig(), 0, 50_000_000, progress=report, cancel=cancel),
              on_report=lambda p: times.append(time.perf_counter()))
    job.start()
    time.sleep(1.5)
    snap = job.snapshot()
    assert snap is not None and snap.steps > 0 and not job.done
    t0 = time.perf_counter()
    job.cancel()
    assert job.join(5.0)
    latency = time.perf_counter() - t0
    assert job.error is None and job.result.cancelled
    assert 0 < job.result.steps < 50_000_000
    # progress calls per second of training (after the first call)
    span = times[-1] - times[0]
    rate = (len(times) - 1) / max(span, 1e-9)
    print(f"progress calls per second: {rate:.0f}; cancel latency: {latency * 1000:.1f} ms")
    assert rate >= 10
    assert latency < 1.0


def test_job_keeps_the_worker_error():
    ls, spec = _room()
    bad_init = type("NotAnAgent", (), {"spec": spec, "hidden": (3,), "meta": {}})()
    job = Job(lambda report, cancel: train(ls, spec, PPOConfig(), 0, 1000, init=bad_init,
                                           progress=report, cancel=cancel)).start()
    assert job.join(30)
    assert job.result is None and isinstance(job.error, ValueError)


def test_cancel_as_callable_before_start():
    ls, spec = _room()
    r = train(ls, spec, PPOConfig(), seed=0, steps=100_000, cancel=lambda: True)
    assert r.cancelled and r.steps == 0 and len(r.curve) == 0


def _digest(r) -> str:
    h = hashlib.sha256(r.agent.params.tobytes())
    h.update(r.curve.tobytes())
    return h.hexdigest()


def test_same_seed_same_weights_in_process():
    ls, spec = _room()
    a = train(ls, spec, PPOConfig(), seed=7, steps=8192)
    b = train(ls, spec, PPOConfig(), seed=7, steps=8192)
    c = train(ls, spec, PPOConfig(), seed=8, steps=8192)
    assert _digest(a) == _digest(b) != _digest(c)


def test_same_seed_same_weights_in_a_thread():
    ls, spec = _room()
    a = train(ls, spec, PPOConfig(), seed=3, steps=8192)
    job = Job(lambda report, cancel: train(ls, spec, PPOConfig(), 3, 8192, progress=report,
                                           cancel=cancel)).start()
    job.join(60)
    assert _digest(job.result) == _digest(a)


SCRIPT = """
import hashlib, sys
from agents.train import train_file
from levels.load import load
r = train_file(load(sys.argv[1]), seed=5, steps=12_000)
h = hashlib.sha256(r.agent.params.tobytes()); h.update(r.curve.tobytes())
print(h.hexdigest())
"""


def test_same_seed_same_weights_across_processes():
    path = str(REFERENCE / "coin_anywhere_9x9.toml")
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    outs = [subprocess.run([sys.executable, "-c", SCRIPT, path], capture_output=True, text=True,
                           cwd=ROOT, env=env, timeout=300) for _ in range(2)]
    for o in outs:
        assert o.returncode == 0, o.stderr
    digests = [o.stdout.strip().splitlines()[-1] for o in outs]
    assert digests[0] == digests[1]
    here = train_file(load(path), seed=5, steps=12_000)
    assert _digest(here) == digests[0]


FILE = '''format = 1
[chapter]
id = "t"
title = "t"
intended = { reach = ["gem"], avoid = ["lava"] }
[rules]
reward = { gem = 10, coin = 1, step = -0.05 }
end_on = ["gem", "lava"]
[agent]
view = 3
steps = 4096
seed = 4
hidden = [16]
n_envs = 8
n_steps = 64
[[train]]
name = "a"
map = """
#######
#@.c.g#
#######
"""
'''


def test_train_file_uses_the_files_settings():
    lf = loads(FILE, "t.toml")
    reach, avoid = file_success(lf)
    assert reach == 1 << world.EVENT_BIT["gem"] and avoid == 1 << world.EVENT_BIT["lava"]
    r = train_file(lf)
    a = r.agent
    assert a.spec.view == 3 and a.hidden == (16,) and a.config.n_envs == 8
    assert r.steps == 4096 and a.meta["seed"] == 4 and a.meta["set"] == "train"
    r2 = train_file(lf, seed=9, steps=512, reward_override={"coin": 5})
    assert r2.steps == 512 and r2.agent.meta["seed"] == 9


def test_train_file_without_chapter_reaches_coin():
    lf = loads('format = 1\n[[train]]\nname = "a"\nmap = """\n#@.c#\n"""\n', "d.toml")
    assert file_success(lf) == (1 << world.EVENT_BIT["coin"], 0)
    r = train_file(lf, steps=8192)
    assert r.success > 0.9


def test_full_view_pads_to_the_files_largest_level():
    text = FILE.replace("view = 3", 'view = "full"') + '[[deploy]]\nname = "big"\nmap = """\n########\n#@....g#\n#......#\n########\n"""\n'
    lf = loads(text, "f.toml")
    r = train_file(lf, steps=512)
    assert (r.agent.spec.height, r.agent.spec.width) == (4, 8)


# --- the command --------------------------------------------------------------------

def test_train_command_json(tmp_path, capsys):
    out = tmp_path / "agent.npz"
    path = REFERENCE / "coin_anywhere_9x9.toml"
    assert main(["train", str(path), "--steps", "4096", "--seed", "2", "--json", "--out", str(out)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["steps"] == 4096 and 0 <= d["success"] <= 1 and d["out"] == str(out)
    assert {"seconds", "return"} <= set(d)
    assert out.exists()
    assert main(["train", str(path), "--steps", "2048", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["out"] is None


def test_train_command_summary(capsys):
    assert main(["train", str(REFERENCE / "coin_anywhere_9x9.toml"), "--steps", "2048"]) == 0
    out = capsys.readouterr().out
    assert "trained 2,048 steps" in out and "training success" in out


def test_train_command_bad_file(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\n[[train]]\nname = "a"\nmap = """\n#@x#\n"""\n')
    assert main(["train", str(bad)]) == 1
    err = capsys.readouterr().err  # problems go to stderr, as for every command but check
    assert err.startswith(f"{bad}:5:3: unknown symbol 'x'") and "Traceback" not in err


def test_train_command_pretrain_set_missing(tmp_path, capsys):
    f = tmp_path / "d.toml"
    f.write_text('format = 1\n[[train]]\nname = "a"\nmap = """\n#@.c#\n"""\n')
    assert main(["train", str(f), "--set", "pretrain"]) == 1
    assert "no [[pretrain]] levels" in capsys.readouterr().out


def test_warm_up_reports_progress():
    from agents.warmup import warm_up
    seen = []
    seconds = warm_up(lambda f, label: seen.append((f, label)))
    assert seconds > 0 and seen[0][0] == 0.0 and seen[-1] == (1.0, "ready")
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))


def test_novelty_bonus_fades_to_nothing_and_is_never_reported():
    from agents.ppo import PPOLearner
    from agents.train import novelty_at
    cfg = PPOConfig(hidden=(16,), novelty=0.5)
    assert novelty_at(cfg, 0, 11) == 0.5 and novelty_at(cfg, 5, 11) == 0.25
    assert novelty_at(cfg, 10, 11) == 0.0 and novelty_at(PPOConfig(), 0, 11) == 0.0
    ls, spec = compiled([level(["#########", "#@......#", "#.......#", "#......c#", "#########"])],
                        trail=True)
    plain = PPOLearner(ls, spec, PPOConfig(hidden=(16,)), seed=4)
    bonus = PPOLearner(ls, spec, cfg, seed=4)
    a, b = plain.iterate(), bonus.iterate()
    # the same first rollout (same weights, same draws): the reported returns agree ...
    assert a["return_sum"] == b["return_sum"] and a["episodes"] == b["episodes"]
    # ... but the learner saw the bonus, so its update differs
    assert not np.array_equal(plain.params, bonus.params)


def test_rare_ground_earns_up_to_novelty_rare_times_the_bonus():
    # The first rollout is the same with and without the rarity factor (same weights,
    # same draws); only the rewards the learner sees differ, by the extra bonus.
    from agents.ppo import PPOLearner
    ls, spec = compiled([level(["#########", "#@......#", "#.......#", "#......c#", "#########"]),
                         level(["#######", "#@....#", "#....c#", "#######"])], trail=True)
    novelty, rare = 0.5, 3.0
    plain = PPOLearner(ls, spec, PPOConfig(hidden=(16,), novelty=novelty), seed=6)
    modulated = PPOLearner(ls, spec, PPOConfig(hidden=(16,), novelty=novelty, novelty_rare=rare),
                           seed=6)
    a, b = plain.iterate(), modulated.iterate()
    assert a["return_sum"] == b["return_sum"] and np.array_equal(plain.act_buf, modulated.act_buf)
    extra = modulated.rew_buf - plain.rew_buf
    # never less than the plain bonus, never more than rare times it ...
    assert extra.min() >= 0 and extra.max() <= novelty * (rare - 1) + 1e-6
    # ... and more on some steps: ground this run had rarely stood on
    assert (extra > 0.1).sum() > 0
    # every step of the rollout is counted, on the level it was taken in
    cfg = modulated.config
    assert modulated.visits.sum() == cfg.batch == modulated.level_visits[:, 0].sum()
    assert list(modulated.level_visits[:, 1]) == [int((modulated.visits[k] > 0).sum()) for k in range(2)]
    assert plain.visits.size == 0  # off: nothing is counted


def test_novelty_rare_needs_a_novelty_bonus():
    import pytest
    from agents.ppo import PPOLearner
    ls, spec = compiled([level(["#####", "#@.c#", "#####"])], trail=True)
    with pytest.raises(ValueError, match="novelty_rare"):
        PPOLearner(ls, spec, PPOConfig(hidden=(8,), novelty_rare=2), seed=0)


def test_novelty_needs_the_agents_trail():
    # without the trail the agent could not see which cells are new: refused
    ls, spec = compiled([level(["#####", "#@.c#", "#####"])])
    import pytest
    from agents.ppo import PPOLearner
    with pytest.raises(ValueError, match="trail"):
        PPOLearner(ls, spec, PPOConfig(hidden=(8,), novelty=0.1), seed=0)


MIRROR_FILE = '''format = 1
[rules]
reward = { coin = 10, step = -0.1, gate = 1 }
[agent]
mirror = true
[legend]
A = { spawn = "agent" }
Y = { spawn = "key" }
G = { zone = "gate" }
[[train]]
name = "above"
map = """
#######
#AA..G#
#.###.#
#.###Y#
#Y#c..#
#######
"""
'''


def test_mirror_adds_each_level_upside_down():
    import dataclasses
    from levels.compiled import compile_set, upside_down
    lf = loads(MIRROR_FILE)
    assert lf.agent.mirror and not loads(MIRROR_FILE.replace("mirror = true", "")).agent.mirror
    lv = lf.train[0]
    down = upside_down(lv)
    assert down.rows[0] == lv.rows[-1] and lv.agent is None and down.agent is None
    assert [c for s in down.spawns for c in s.cells] == [(5 - r, c) for s in lv.spawns for r, c in s.cells]
    assert down.zones["gate"] == [(4, 5)] and down.objects == [(lv.objects[0][0], 1, 3)]
    assert dataclasses.replace(upside_down(down), name=lv.name) == lv
    plain, both = compile_set(lf, "train"), compile_set(lf, "train", mirrored=True)
    assert plain.terrain.shape[0] == 1 and both.terrain.shape[0] == 2
    for a, b in zip(plain, both):  # the levels as written come first, unchanged
        np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(both.terrain[1], both.terrain[0][::-1])
    np.testing.assert_array_equal(both.zones[1], both.zones[0][::-1])


def test_mirror_teaches_the_path_below_from_a_level_with_the_path_above():
    # One corridor level whose only way round goes up; deployed upside down, the way
    # round goes down. Trained with [agent] mirror the agent has practised both, so it
    # finds the coin there (a mirror that is not applied leaves it guessing).
    from game.deploy import measure_level
    from levels.compiled import upside_down
    text = '''format = 1
[rules]
reward = { coin = 10, step = -0.1 }
max_steps = 30
[agent]
steps = 40_000
mirror = true
[[train]]
name = "up and over"
map = """
#######
#.....#
#.###.#
#@###c#
#######
"""
'''
    lf = loads(text)
    flipped = upside_down(lf.train[0])
    for seed in (0, 1, 2):
        agent = train_file(lf, "train", seed=seed).agent
        assert measure_level(agent, flipped, lf, 50, seed).intended >= 0.9, seed
