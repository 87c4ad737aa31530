"""The debrief of a group that failed at the skill shows why, from the pipeline's
evidence: a crafted chapter whose deployment level has a blue coin behind a wall
that no training level prepared the agents for."""

from __future__ import annotations

from game.pipeline import ChapterPipeline
from game.ui.scenes.debrief import DebriefScene
from game.ui.state import PlayState
from levels.load import loads
from test_pipeline import CRAFTED


def test_debrief_explains_a_capability_failure(app, tmp_path):
    lf = loads(CRAFTED.replace("[legend]", "[agent]\nsteps = 20000\n\n[legend]"), "far.toml")
    pipeline = ChapterPipeline(lf, seed=0, agents=2, episodes=30, counterfactuals=False)
    play = PlayState(lf, sandbox=True, merged=pipeline.lf, agents=2, pipeline=pipeline)
    play.training = pipeline.train()
    play.result = pipeline.finish(play.training)
    failed = [r for r in play.result.agents if r.diagnosis.label == "capability-failure"]
    assert failed, [r.diagnosis.label for r in play.result.agents]
    scene = DebriefScene(app, play)
    app.push(scene)
    app.run_frames(2)
    why = scene.why()
    assert why.startswith(f"Why agent {failed[0].index + 1} failed") and "blue coin" in why
    assert play.diagnosis is play.result.diagnosis
    assert app.errors == []
