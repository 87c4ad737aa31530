"""Agent files: round trips, and damaged or mismatched files refused with a clear error."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from agents.agent import PPOAgent, RandomAgent
from agents.tabular import TabularAgent
from agents.files import FORMAT_VERSION, AgentFileError, load_agent, save_agent
from agents.ppo import PPOConfig
from agents.train import train
from levels import world
from tests.agentkit import compiled, corridor


@pytest.fixture(scope="module")
def trained():
    ls, spec = compiled([corridor()])
    return train(ls, spec, PPOConfig(hidden=(16, 8)), seed=1, steps=4096).agent


def test_ppo_round_trip(trained, tmp_path):
    path = save_agent(trained, tmp_path / "a.npz")
    back = load_agent(path)
    assert isinstance(back, PPOAgent)
    np.testing.assert_array_equal(back.params, trained.params)
    assert back.spec == trained.spec and back.config == trained.config
    for key in ("seed", "levels_hash", "steps", "curve"):
        assert back.meta[key] == trained.meta[key]
    assert back.meta["format_version"] == FORMAT_VERSION and back.meta["kind"] == "ppo"
    obs = np.zeros((2, trained.spec.length), np.int32)
    np.testing.assert_array_equal(back.policy(obs)[0], trained.policy(obs)[0])
    # the archive holds plain arrays only
    with np.load(path, allow_pickle=False) as z:
        assert set(z.files) >= {"meta", "layer0.weight", "policy.weight", "value.bias"}
        assert z["layer0.weight"].shape == (trained.spec.dense_length, 16)


def test_the_trail_survives_the_round_trip(tmp_path):
    ls, spec = compiled([corridor()], trail=True)
    agent = train(ls, spec, PPOConfig(hidden=(8,)), seed=2, steps=1024).agent
    back = load_agent(save_agent(agent, tmp_path / "t.npz"))
    assert back.spec.trail and back.spec == agent.spec
    assert back.spec.cell_channels == world.N_CELL_CHANNELS + 1
    np.testing.assert_array_equal(back.params, agent.params)


def test_the_pooled_inputs_survive_the_round_trip(tmp_path):
    ls, spec = compiled([corridor()], trail=True, pooled=True)
    agent = train(ls, spec, PPOConfig(hidden=(8,)), seed=2, steps=1024).agent
    back = load_agent(save_agent(agent, tmp_path / "t.npz"))
    assert back.spec.pooled and back.spec == agent.spec
    assert back.spec.dense_length == spec.n_cells * spec.cell_channels + world.N_GLOBALS \
        + world.N_POOL_DIRECTIONS * spec.cell_channels
    obs = np.zeros((1, spec.length), np.int32)
    np.testing.assert_array_equal(back.policy(obs)[0], agent.policy(obs)[0])


def test_tabular_and_random_round_trip(tmp_path):
    q = np.random.default_rng(0).standard_normal((3, 9, 2, 4)).astype(np.float32)
    back = load_agent(save_agent(TabularAgent(q, epsilon=0.1), tmp_path / "t.npz"))
    assert isinstance(back, TabularAgent) and back.epsilon == 0.1
    np.testing.assert_array_equal(back.q, q)
    assert isinstance(load_agent(save_agent(RandomAgent(), tmp_path / "r.npz")), RandomAgent)


def test_atomic_write_leaves_no_temp_files(trained, tmp_path):
    save_agent(trained, tmp_path / "a.npz")
    save_agent(trained, tmp_path / "a.npz")  # overwrite
    assert [p.name for p in tmp_path.iterdir()] == ["a.npz"]


def _rewrite(path, out, change):
    """Copy an agent archive with some arrays changed (change(dict) -> dict)."""
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays = change(arrays)
    with open(out, "wb") as f:
        np.savez(f, **arrays)
    return out


def _meta(arrays, **updates):
    meta = json.loads(arrays["meta"].tobytes().decode())
    meta.update(updates)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    return arrays


@pytest.mark.parametrize("change, words", [
    (lambda a: {k: v for k, v in a.items() if k != "policy.weight"}, "missing array 'policy.weight'"),
    (lambda a: {k: v for k, v in a.items() if k != "meta"}, "missing array 'meta'"),
    (lambda a: {**a, "layer0.weight": a["layer0.weight"][:-1]}, "has shape"),
    (lambda a: {**a, "policy.bias": a["policy.bias"].astype(np.float64)}, "has dtype float64"),
    (lambda a: {**a, "value.bias": np.array([np.nan], np.float32)}, "NaN or infinite"),
    (lambda a: _meta(a, format_version=99), "format 99"),
    (lambda a: _meta(a, kind="transformer"), "unknown agent kind 'transformer'"),
    (lambda a: _meta(a, config={"hidden": [16, 9]}), "network shape"),
    (lambda a: _meta(a, config={"hidden": [16, 8], "lr": -1}), "bad learner config"),
    (lambda a: {**a, "meta": np.frombuffer(b"{not json", np.uint8)}, "metadata is damaged"),
])
def test_bad_files_are_refused(trained, tmp_path, change, words):
    good = save_agent(trained, tmp_path / "good.npz")
    bad = _rewrite(good, tmp_path / "bad.npz", change)
    with pytest.raises(AgentFileError, match=words):
        load_agent(bad)


def test_damaged_archives_are_refused(trained, tmp_path):
    good = save_agent(trained, tmp_path / "good.npz")
    data = good.read_bytes()
    cases = {"truncated.npz": data[: len(data) // 2], "empty.npz": b"",
             "text.npz": b"hello, not an agent\n"}
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(AgentFileError, match="not an agent file|cannot be read|damaged"):
            load_agent(tmp_path / name)
    np.save(tmp_path / "single.npy", np.zeros(3))
    with pytest.raises(AgentFileError, match="not an agent file"):
        load_agent(tmp_path / "single.npy")
    with pytest.raises(AgentFileError, match="no such file"):
        load_agent(tmp_path / "missing.npz")
    # a pickled object array is refused, never unpickled
    with open(tmp_path / "pickle.npz", "wb") as f:
        np.savez(f, meta=np.array([{"a": 1}], dtype=object))
    with pytest.raises(AgentFileError):
        load_agent(tmp_path / "pickle.npz")


def test_corrupted_member_is_refused(trained, tmp_path):
    good = save_agent(trained, tmp_path / "good.npz")
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        info = z.getinfo("layer0.weight.npy")
    # flip bytes inside the stored array: the zip CRC check catches it
    pos = info.header_offset + 200
    data[pos:pos + 16] = bytes(16)
    (tmp_path / "flipped.npz").write_bytes(bytes(data))
    with pytest.raises(AgentFileError):
        load_agent(tmp_path / "flipped.npz")
