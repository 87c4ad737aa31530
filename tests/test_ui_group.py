"""The debrief of a group that fell short shows why, from the pipeline's evidence: a
crafted chapter whose deployment level has a blue coin behind a wall that no training
level prepared the agents for, and one whose agents behaved as intended in training
and not on a deployment level unlike it."""

from __future__ import annotations

from game.pipeline import ChapterPipeline
from game.ui.scenes.debrief import NEXT_STEP_SHIFT, NEXT_STEPS, DebriefScene
from game.ui.state import PlayState
from levels.load import loads
from test_pipeline import CRAFTED
from test_shift import KEYS


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
    assert why.startswith(f"Why agent {failed[0].index + 1} fell short") and "blue coin" in why
    assert play.diagnosis is play.result.diagnosis
    assert app.errors == []


def test_debrief_explains_a_right_idea_that_did_not_carry_over(app):
    """Agents trained where a spare key lies behind them take only the key they need;
    deployed where two keys lie on their way, they take both. The debrief credits the
    design and its next step asks for more kinds of level, not for the trap."""
    lf = loads(KEYS.replace("[probes]", "[agent]\nsteps = 20000\n\n[probes]"), "keys.toml")
    pipeline = ChapterPipeline(lf, seed=0, agents=2, episodes=30, counterfactuals=False)
    play = PlayState(lf, sandbox=True, merged=pipeline.lf, agents=2, pipeline=pipeline)
    play.training = pipeline.train()
    play.result = pipeline.finish(play.training)
    assert play.diagnosis.label == "proxy", [r.diagnosis.label for r in play.result.agents]
    scene = DebriefScene(app, play)
    app.push(scene)
    app.run_frames(2)
    assert "which held more than one key" in scene.why() and "'spares ahead'" in scene.why()
    assert scene.next_step() == NEXT_STEP_SHIFT != NEXT_STEPS["proxy"]
    assert app.errors == []
