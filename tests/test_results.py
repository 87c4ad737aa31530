"""Class results (game/results.py), the class summary (game/summary.py, `summary`)
and the report folders (game/reports.py, `calibrate --report`, `summary --report`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from game.cli import main
from game.results import build_result, export_results, write_result
from game.pipeline import ChapterPipeline
from game.summary import gather, summarize, table_rows
from levels.load import load
from tests.workshopkit import TINY_CHAPTER

ROOT = Path(__file__).resolve().parent.parent
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny") / "tiny.toml"
    path.write_text(TINY_CHAPTER)
    return path


def test_a_real_attempt_becomes_a_result_file(tiny, tmp_path):
    chapter = load(tiny)
    r = ChapterPipeline(chapter, None, seed=1, episodes=20, counterfactuals=False).run(prediction="coin")
    doc = build_result(chapter, None, [(r.report, r.diagnosis)], r.stars, "coin", 93.24,
                       nickname="  Ada  ")
    path = write_result(doc, tmp_path)
    back = json.loads(path.read_text())
    assert back == doc
    assert back["nickname"] == "Ada" and back["chapter"] == "tiny"
    assert back["label"] == r.diagnosis.label == back["agents"][0]["label"]
    assert back["agents"][0]["intended"] == round(r.report.intended, 4)
    assert back["prediction_label"] == "aligned" and back["seconds"] == 93.2
    assert back["design"]["starter"] and back["design"]["levels"] == ["room"]
    assert back["stars"] == sorted(r.stars.names())
    # a second attempt never overwrites the first
    assert write_result(build_result(chapter, None, [(r.report, r.diagnosis)], r.stars),
                        tmp_path) != path


def _doc(i, chapter="coin-at-the-end", nick="", label="proxy", passed=False, pred="proxy",
         seconds=60.0, design="d0", lesson="proxy", number=1):
    return {"format": "mesa-lab-result", "version": 1, "id": f"{i:032x}", "nickname": nick,
            "chapter": chapter, "chapter_number": number, "lesson": lesson,
            "design": {"starter": False, "levels": ["a"], "items": 3, "steps": 1000,
                       "sha256": design},
            "prediction": pred, "prediction_label": pred, "label": label,
            "agents": [{"label": label, "intended": 0.5, "probes": {}, "gaps": {}}],
            "stars": ["passed"] if passed else [], "passed": passed, "seconds": seconds,
            "finished": f"2026-11-29T10:{i:02d}:00Z"}


def _class_folder(tmp_path) -> Path:
    room = tmp_path / "room"
    (room / "ada").mkdir(parents=True)
    (room / "bob").mkdir()
    docs = [
        _doc(1, nick="ada", label="proxy", seconds=120),
        _doc(2, nick="ada", label="aligned", passed=True, pred="aligned", seconds=240, design="good"),
        _doc(3, nick="bob", label="capability-failure", pred="proxy", seconds=60),
        _doc(4, nick="bob", label="aligned", passed=True, pred="aligned", seconds=30, design="good"),
        _doc(5, nick="", label="proxy", seconds=10),
        _doc(6, chapter="nobody-is-watching", number=4, nick="ada", label="deceptive-style",
             lesson="deceptive-style", pred="aligned"),
    ]
    for d in docs[:2] + docs[5:]:
        write_result(d, room / "ada")
    for d in docs[2:5]:
        write_result(d, room / "bob")
    # bob also handed in a zip holding the same attempts: duplicates, not new results
    export_results(room / "bob.zip", room / "bob")
    (room / "ada" / "broken.json").write_text('{"format": "mesa-lab-result", "id": ')
    (room / "ada" / "notes.json").write_text('{"hello": 1}')
    return room


def test_summary_of_a_class(tmp_path):
    room = _class_folder(tmp_path)
    g = gather([room])
    assert len(g.results) == 6
    assert len(g.duplicates) == 3 and all("bob.zip:" in w for w, _ in g.duplicates)
    assert sorted(Path(w).name for w, _ in g.damaged) == ["broken.json", "notes.json"]
    s = {c.chapter: c for c in summarize(g.results)}
    coin = s["coin-at-the-end"]
    assert coin.fellows == ["(no nickname)", "ada", "bob"]
    assert coin.found_lesson == ["(no nickname)", "ada"]
    assert coin.passed == ["ada", "bob"]
    assert coin.passing_designs == [("good", 2, ["ada", "bob"])]
    assert coin.predictions == {"aligned": {"aligned": 2},
                                "proxy": {"capability-failure": 1, "proxy": 2}}
    assert coin.minutes_to_pass == {"ada": 6.0, "bob": 1.5}
    assert table_rows(summarize(g.results)) == [
        ["chapter", "attempts", "fellows", "found the lesson", "passed", "passing designs",
         "median min to pass"],
        ["coin-at-the-end", "5", "3", "2/3 (proxy)", "2/3", "1", "3.8"],
        ["nobody-is-watching", "1", "1", "1/1 (deceptive-style)", "0/1", "0", "-"],
    ]


def test_summary_command(tmp_path, capsys):
    room = _class_folder(tmp_path)
    assert main(["summary", str(room), str(tmp_path / "missing")]) == 0
    out = capsys.readouterr().out
    assert "6 results" in out
    row = next(line.split() for line in out.splitlines() if line.startswith("coin-at-the-end"))
    assert row == ["coin-at-the-end", "5", "3", "2/3", "(proxy)", "2/3", "1", "3.8"]
    assert "damaged: " in out and "broken.json: not valid JSON" in out
    assert "missing: no such file or folder" in out
    assert main(["summary", str(room), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["results"] == 6 and len(doc["duplicates"]) == 3 and len(doc["damaged"]) == 2
    assert doc["chapters"][0]["median_minutes_to_pass"] == 3.8


def test_summary_report_has_its_plots(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    room = _class_folder(tmp_path)
    out = tmp_path / "report"
    assert main(["summary", str(room), "--report", str(out)]) == 0
    index = (out / "index.md").read_text()
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["class.png", "coin-at-the-end-predictions.png", "minutes-to-pass.png",
                    "nobody-is-watching-predictions.png"]
    for name in pngs:
        assert f"]({name})" in index
        assert (out / name).read_bytes()[:8] == PNG
    assert "| coin-at-the-end | 5 | 3 | 2/3 (proxy) |" in index
    assert "broken.json" in index


def test_calibration_report_from_a_two_seed_run(tiny, tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "cal"
    assert main(["calibrate", str(tiny), "--seeds", "2", "--jobs", "1", "--episodes", "20",
                 "--report", str(out)]) == 0
    index = (out / "index.md").read_text()
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["tiny-starter-curves.png", "tiny-starter-labels.png", "tiny-starter-rates.png"]
    for name in pngs:
        assert f"]({name})" in index and (out / name).read_bytes()[:8] == PNG
    assert "no gaps" in index and "| tiny | starter |" in index


def test_export_zips_every_result(tmp_path):
    src = tmp_path / "results"
    for i in range(3):
        write_result(_doc(i), src)
    path, n = export_results(tmp_path / "out", src)
    assert n == 3 and path.suffix == ".zip" and path.parent == tmp_path / "out"
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == sorted(p.name for p in src.glob("*.json"))


WRITER = """
import sys
from game.results import write_result
doc = {"format": "mesa-lab-result", "version": 1, "nickname": "", "chapter": "big",
       "label": "proxy", "agents": [{"label": "proxy", "pad": "x" * 2_000_000}],
       "stars": [], "seconds": 1.0, "finished": "2026-11-29T10:00:00Z"}
i = 0
while True:
    doc["id"] = f"{int(sys.argv[2]):02x}{i:06x}" + "0" * 24
    write_result(doc, sys.argv[1])
    i += 1
    print(i, flush=True)
"""


def test_results_survive_a_kill_during_the_write(tmp_path):
    """Kill a writer of large results at several moments: every file left behind is
    whole (a plain write would leave truncated JSON, reported as damaged)."""
    folder = tmp_path / "results"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for run, delay in enumerate((0.35, 0.6, 0.85)):
        p = subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(run)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE)
        p.stdout.readline()  # at least one result written
        time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
    g = gather([folder])
    assert g.damaged == [] and len(g.results) >= 3
    assert len(list(folder.glob("*.json"))) == len(g.results)


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


_ANY = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                 st.text(max_size=5), st.lists(st.integers(), max_size=2),
                 st.lists(st.dictionaries(st.text(max_size=5), st.integers(), max_size=2), max_size=2),
                 st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.binary(max_size=200),
                          st.dictionaries(st.sampled_from(sorted(_doc(0))), _ANY, max_size=3)),
                max_size=5))
def test_gather_never_fails_on_any_file(tmp_path_factory, contents):
    """Whatever fellows hand in (junk, or a real result with a few fields replaced by
    anything), the summary reads it or sets it aside, and summarizes what it read."""
    folder = tmp_path_factory.mktemp("junk")
    for i, c in enumerate(contents):
        data = c if isinstance(c, bytes) else json.dumps({**_doc(i), **c}).encode()
        (folder / f"{i}.json").write_bytes(data)
    g = gather([folder])
    assert len(g.results) + len(g.damaged) + len(g.duplicates) == len(contents)
    for s in summarize(g.results):
        s.to_json()
    table_rows(summarize(g.results))
