"""Calibration beyond one machine: run tasks on a Dask cluster (`pip install
mesa-lab[cluster]`, which installs `distributed`), one task per seed.

`map_json(address, task, items)` submits `task(item)` for every item and yields
the results in item order, whatever order the workers finish in. A task returns
JSON text (game.calibrate's seed task writes floats in full precision), so the
caller rebuilds its results exactly and a run equals a local one bit for bit
apart from the timings. Tasks go out as a function reference and plain arguments
(paths, numbers).

The workers need Mesa Lab installed (the same version) and the chapter and
design files at the same paths, e.g. a shared folder or the same checkout.
"""

from __future__ import annotations

import json
import uuid

CONNECT_TIMEOUT = "20s"


class ClusterError(RuntimeError):
    """The cluster could not be reached or a task failed: a user-facing message."""


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


def map_json(address: str, task, items: list):
    """Yield json.loads(task(item)) for each item, in order, each computed as one
    task on the Dask cluster at `address`."""
    client = _client(address)
    try:
        futures = [client.submit(task, item, key=f"mesa-lab-{i}-{uuid.uuid4().hex[:8]}", pure=False)
                   for i, item in enumerate(items)]
        for fut in futures:
            try:
                text = fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker's error, shown to the user
                raise ClusterError(f"a calibration task failed on the cluster: "
                                   f"{type(exc).__name__}: {exc}") from None
            yield json.loads(text)
    finally:
        client.close()
