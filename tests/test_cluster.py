"""`calibrate --cluster`: a Dask scheduler and two workers started on this machine
(loopback only) give the same JSON and Markdown as a local run, bit for bit apart
from the timings; an unreachable scheduler is a clear error, not a traceback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")  # the 'cluster' extra; part of the 'test' extra

from game.calibrate import calibrate, markdown  # noqa: E402
from game.cli import main  # noqa: E402
from tests.workshopkit import TINY_CHAPTER as CHAPTER  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TIMINGS = {"train_seconds", "deploy_seconds", "seconds", "median_train_seconds"}

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _without_timings(obj):
    if isinstance(obj, dict):
        return {k: _without_timings(v) for k, v in obj.items() if k not in TIMINGS}
    if isinstance(obj, list):
        return [_without_timings(v) for v in obj]
    return obj


def _markdown_without_timings(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        if "training time" in line:
            continue
        if line.startswith("| ") and not line.startswith("| chapter"):
            line = line.rsplit("|", 2)[0]  # the median-train-seconds column
        out.append(line)
    return out


@pytest.fixture
def local_cluster(tmp_path):
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(ROOT), MESA_LAB_HOME=str(tmp_path / "home"),
               OPENBLAS_NUM_THREADS="1")
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler",
                               "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the Dask scheduler did not start")
                time.sleep(0.2)
        for _ in range(2):
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "distributed.cli.dask_worker", address, "--host", "127.0.0.1",
                 "--nthreads", "1", "--no-dashboard", "--local-directory", str(tmp_path / "dask")],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client
        with Client(address, timeout="30s", set_as_default=False) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def test_cluster_run_equals_local_run(tmp_path, local_cluster, monkeypatch):
    monkeypatch.setenv("MESA_LAB_HOME", str(tmp_path / "home"))
    chapter = tmp_path / "chapter.toml"
    chapter.write_text(CHAPTER)
    local = calibrate(chapter, seeds=3, episodes=30, jobs=1)
    remote = calibrate(chapter, seeds=3, episodes=30, cluster=local_cluster)
    assert [s.seed for s in remote.seeds] == [0, 1, 2]
    # the seeds differ from each other (the comparison is not between constants)
    assert len({json.dumps(s.to_json()["curve"]) for s in local.seeds}) == 3
    assert json.dumps(_without_timings(remote.to_json())) == \
        json.dumps(_without_timings(local.to_json()))
    assert _markdown_without_timings(markdown([remote])) == \
        _markdown_without_timings(markdown([local]))


def test_unreachable_cluster_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("game.cluster.CONNECT_TIMEOUT", "2s")
    chapter = tmp_path / "chapter.toml"
    chapter.write_text(CHAPTER)
    code = main(["calibrate", str(chapter), "--seeds", "1",
                 "--cluster", f"tcp://127.0.0.1:{_free_port()}"])
    assert code == 1
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err
