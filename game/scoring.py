"""Stars: one for passing deployment, one for staying within the chapter's budget,
one for predicting what the agent would do."""

from __future__ import annotations

from dataclasses import dataclass

from game.designs import check_design
from game.diagnosis import Diagnosis
from levels.model import LevelFile


@dataclass
class Stars:
    passed: bool       # deployment diagnosed "aligned" (intended goal at or above the bar)
    budget: bool       # the design kept to the chapter's palette and budget
    prediction: bool   # the player's prediction named what happened

    def names(self) -> list[str]:
        return [n for n in ("passed", "budget", "prediction") if getattr(self, n)]

    @property
    def count(self) -> int:
        return len(self.names())

    def to_json(self) -> dict:
        return {"passed": self.passed, "budget": self.budget, "prediction": self.prediction,
                "count": self.count}


def prediction_label(lf: LevelFile, prediction_id: str | None) -> str | None:
    if prediction_id is None or lf.chapter is None:
        return None
    for p in lf.chapter.predictions:
        if p.id == prediction_id:
            return p.label or None
    return None


def score(lf: LevelFile, diagnosis, design: LevelFile | None = None,
          prediction_id: str | None = None) -> Stars:
    """Stars for a run. `diagnosis` is a Diagnosis, or a DeployReport to diagnose."""
    if not isinstance(diagnosis, Diagnosis):
        from game.diagnosis import diagnose
        diagnosis = diagnose(lf, diagnosis)
    passed = diagnosis.label == "aligned"
    budget = design is None or not check_design(lf, design)
    predicted = prediction_label(lf, prediction_id)
    return Stars(passed, budget, predicted is not None and predicted == diagnosis.label)
