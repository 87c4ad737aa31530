"""`calibrate(pool=...)`: seeds run on workers that stay up between calibrations (the
slow suite shares one pool) give the same results as a run in this process."""

from __future__ import annotations

import json

from game.calibrate import calibrate, worker_pool
from tests.workshopkit import TINY_CHAPTER


def _figures(cal) -> str:
    doc = cal.to_json()
    for s in doc["seeds"]:
        s.pop("train_seconds", None)
        s.pop("deploy_seconds", None)
    doc.pop("seconds", None)
    doc.pop("median_train_seconds", None)
    return json.dumps(doc, sort_keys=True)


def test_a_shared_pool_gives_what_a_local_run_gives(tmp_path):
    chapter = tmp_path / "chapter.toml"
    chapter.write_text(TINY_CHAPTER)
    local = calibrate(chapter, seeds=3, episodes=30, jobs=1)
    assert len({json.dumps(s.to_json()["curve"]) for s in local.seeds}) == 3  # seeds differ
    with worker_pool(2) as pool:
        first = calibrate(chapter, seeds=3, episodes=30, pool=pool)
        again = calibrate(chapter, seeds=2, start=1, episodes=30, pool=pool)  # the same workers
    assert [s.seed for s in first.seeds] == [0, 1, 2] and [s.seed for s in again.seeds] == [1, 2]
    assert _figures(first) == _figures(local)
    assert [s.to_json() | {"train_seconds": 0, "deploy_seconds": 0} for s in again.seeds] == \
        [s.to_json() | {"train_seconds": 0, "deploy_seconds": 0} for s in local.seeds[1:]]
