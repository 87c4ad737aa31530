"""Agent files: `.npz` archives of plain arrays, never pickles.

Layout (format version 1):
- `meta`: a uint8 array holding UTF-8 JSON: format version, agent kind, observation
  spec (ObsSpec.to_dict), network shape, config, seed, levels hash, steps trained,
  training curve. Stored inside the archive so an agent is one file.
- PPO agents: one float32 array per parameter, named as agents.network.param_names
  (`layer0.weight` [inputs, hidden0], `layer0.bias`, ..., `policy.weight` [hidden, 4],
  `policy.bias`, `value.weight` [hidden], `value.bias` [1]).
- Tabular agents: `q`, float32[H, W, K, 4].
- Random agents: no arrays.

`save_agent` writes atomically (a temporary file in the same folder, then os.replace);
`load_agent` reads with allow_pickle=False and checks everything, raising
AgentFileError with a message that says what is wrong.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from agents.agent import Agent, PPOAgent, RandomAgent
from agents.network import param_names, param_shapes
from agents.ppo import PPOConfig
from agents.tabular import TabularAgent
from levels import world
from levels.atomic import atomic_open
from levels.compiled import ObsSpec

FORMAT_VERSION = 1
KINDS = ("ppo", "tabular", "random")


class AgentFileError(Exception):
    """An agent file that cannot be used: damaged, of another version, or not matching
    its own description."""


def _spec_dict(spec: ObsSpec | None):
    return None if spec is None else spec.to_dict()


def agent_metadata(agent: Agent) -> dict:
    meta = {k: v for k, v in agent.meta.items()}
    meta.update({"format_version": FORMAT_VERSION, "kind": agent.kind,
                 "obs_spec": _spec_dict(agent.spec)})
    if isinstance(agent, PPOAgent):
        meta["network"] = {"inputs": agent.spec.dense_length, "hidden": list(agent.hidden),
                           "actions": world.N_ACTIONS, "trunk": "shared"}
        meta["config"] = agent.config.to_dict()
    elif isinstance(agent, TabularAgent):
        meta["network"] = {"q_shape": list(agent.q.shape)}
        meta["epsilon"] = float(agent.epsilon)
        meta.setdefault("config", {})
    return meta


def save_agent(agent: Agent, path) -> Path:
    """Write `agent` to `path` (.npz) atomically. Returns the path."""
    path = Path(path)
    if agent.kind not in KINDS:
        raise ValueError(f"cannot save an agent of kind {agent.kind!r}")
    arrays: dict[str, np.ndarray] = {}
    if isinstance(agent, PPOAgent):
        arrays.update({k: np.ascontiguousarray(v) for k, v in agent.weights().items()})
    elif isinstance(agent, TabularAgent):
        arrays["q"] = agent.q
    meta = json.dumps(agent_metadata(agent), sort_keys=True, allow_nan=False)
    arrays["meta"] = np.frombuffer(meta.encode("utf-8"), np.uint8)
    with atomic_open(path, "wb") as f:
        np.savez(f, **arrays)
    return path


def _array(data, name: str, shape, where: str, dtype=np.float32) -> np.ndarray:
    if name not in data:
        raise AgentFileError(f"{where}: missing array '{name}'")
    try:
        arr = data[name]
    except Exception as exc:  # a damaged member of the archive
        raise AgentFileError(f"{where}: array '{name}' cannot be read ({exc})") from None
    if arr.dtype != dtype:
        raise AgentFileError(f"{where}: array '{name}' has dtype {arr.dtype}, expected {np.dtype(dtype)}")
    if shape is not None and tuple(arr.shape) != tuple(shape):
        raise AgentFileError(f"{where}: array '{name}' has shape {list(arr.shape)}, the metadata "
                             f"says {list(shape)}")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise AgentFileError(f"{where}: array '{name}' holds NaN or infinite values")
    return arr


def _spec(d, where: str) -> ObsSpec:
    try:
        spec = ObsSpec(int(d["view"]), int(d["height"]), int(d["width"]), int(d["shape_range"]),
                       bool(d.get("trail", False)), bool(d.get("pooled", False)),
                       bool(d.get("wall_mask", False)), bool(d.get("far_kinds", False)))
    except (KeyError, TypeError, ValueError):
        raise AgentFileError(f"{where}: the observation spec in the metadata is incomplete") from None
    if spec.view != world.VIEW_FULL and not (spec.view % 2 == 1 and 1 <= spec.view <= world.MAX_VIEW
                                             and spec.height == spec.width == spec.view):
        raise AgentFileError(f"{where}: the observation spec's view {spec.view} is not valid")
    if spec.far_kinds and not spec.pooled:
        raise AgentFileError(f"{where}: the observation spec has far kinds without pooled inputs")
    if d.get("cell_channels") != spec.cell_channels or d.get("globals") != list(world.GLOBALS):
        raise AgentFileError(f"{where}: the agent was made for another observation layout "
                             f"({d.get('cell_channels')} channels per cell, globals "
                             f"{d.get('globals')}); this version has {spec.cell_channels} and "
                             f"{list(world.GLOBALS)}")
    return spec


def load_agent(path) -> Agent:
    """Read an agent file, checking format version, kind, shapes, dtypes and values."""
    where = str(path)
    try:
        data = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise AgentFileError(f"{where}: no such file") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise AgentFileError(f"{where}: not an agent file (not a readable .npz archive: {exc})") from None
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise AgentFileError(f"{where}: not an agent file (a single array, not an .npz archive)")
    with data:
        raw = _array(data, "meta", None, where, np.uint8)
        try:
            meta = json.loads(raw.tobytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise AgentFileError(f"{where}: the metadata is damaged ({exc})") from None
        if not isinstance(meta, dict):
            raise AgentFileError(f"{where}: the metadata is not a JSON object")
        version = meta.get("format_version")
        if version != FORMAT_VERSION:
            raise AgentFileError(f"{where}: agent file format {version!r}; this version of Mesa Lab "
                                 f"reads format {FORMAT_VERSION}")
        kind = meta.get("kind")
        if kind not in KINDS:
            raise AgentFileError(f"{where}: unknown agent kind {kind!r}; known: {', '.join(KINDS)}")
        spec = None if meta.get("obs_spec") is None else _spec(meta["obs_spec"], where)
        net = meta.get("network") or {}
        if kind == "ppo":
            if spec is None:
                raise AgentFileError(f"{where}: a PPO agent needs an observation spec in its metadata")
            try:
                config = PPOConfig.from_dict(meta.get("config") or {})
            except (ValueError, TypeError) as exc:
                raise AgentFileError(f"{where}: bad learner config in the metadata: {exc}") from None
            if list(net.get("hidden", [])) != list(config.hidden) or net.get("inputs") != spec.dense_length:
                raise AgentFileError(f"{where}: the network shape in the metadata ({net}) does not "
                                     f"match its config and observation spec")
            names = param_names(config.hidden)
            shapes = param_shapes(spec.dense_length, config.hidden)
            weights = {n: _array(data, n, s, where) for n, s in zip(names, shapes)}
            return PPOAgent.from_weights(spec, config, weights, meta)
        if kind == "tabular":
            shape = net.get("q_shape")
            if not (isinstance(shape, list) and len(shape) == 4 and shape[3] == world.N_ACTIONS):
                raise AgentFileError(f"{where}: the metadata's q_shape {shape!r} is not [H, W, K, 4]")
            q = _array(data, "q", shape, where)
            eps = meta.get("epsilon", 0.0)
            if not isinstance(eps, (int, float)) or not 0.0 <= eps <= 1.0:
                raise AgentFileError(f"{where}: epsilon {eps!r} is not in [0, 1]")
            return TabularAgent(q, float(eps), spec, meta)
        return RandomAgent(spec, meta)
