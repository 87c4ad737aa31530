"""Calibration beyond one machine: every seed of a calibration is one task on a Dask
cluster (`pip install mesa-lab[cluster]`, which installs `distributed`).

Each task is a whole seed (train, deploy, diagnose), deterministic from the seed,
so the tally equals a local run bit for bit apart from the timings. Tasks go out
as a function name and plain arguments (paths, numbers); each comes back as JSON
text with full float precision, so nothing but text crosses the wire in the
return direction and the result is rebuilt exactly. Results are collected in seed
order, whatever order the workers finish in.

The workers need Mesa Lab installed (the same version) and the chapter and
design files at the same paths, e.g. a shared folder or the same checkout.
"""

from __future__ import annotations

import json
from dataclasses import asdict

CONNECT_TIMEOUT = "20s"


class ClusterError(RuntimeError):
    """The cluster could not be reached or a task failed: a user-facing message."""


def seed_task(args) -> str:
    """One seed on a worker, returned as JSON text (floats in full precision)."""
    from game.calibrate import _one_seed
    return json.dumps(asdict(_one_seed(args)))


def _client(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("--cluster needs Dask's 'distributed' package: "
                           "pip install 'mesa-lab[cluster]'") from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def map_seeds(address: str, work: list[tuple]):
    """Yield a SeedResult for each item of `work` (calibrate's per-seed arguments),
    in order, each computed as one task on the cluster at `address`."""
    from game.calibrate import SeedResult
    client = _client(address)
    try:
        futures = [client.submit(seed_task, args, key=f"mesa-lab-seed-{i}-{args[2]}", pure=False)
                   for i, args in enumerate(work)]
        for fut in futures:
            try:
                text = fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker's error, shown to the user
                raise ClusterError(f"a calibration task failed on the cluster: "
                                   f"{type(exc).__name__}: {exc}") from None
            yield SeedResult(**json.loads(text))
    finally:
        client.close()
