"""Class results: one small JSON file per chapter attempt in the window, kept in the
user's data folder so an instructor can collect a room's results for the debrief.

A result holds the chapter, a summary of the design (its levels, items, training
steps and a hash of the design file), the prediction, the diagnosis label and the
rates of every agent that was deployed, the stars and the time spent. Nothing
personal beyond the optional nickname the player sets in Settings.

Files are written atomically (levels.atomic: a temporary file, fsync, rename), so
a crash or a kill during the write leaves either the whole file or none; each file
has its own name (time and a random id), so attempts never overwrite each other.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
import zipfile
from pathlib import Path

from game.progress import data_dir
from levels.atomic import atomic_open, atomic_write_text

FORMAT = "mesa-lab-result"
VERSION = 1


def results_dir() -> Path:
    path = data_dir() / "results"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _rates(report, diagnosis) -> dict:
    return {"label": diagnosis.label,
            "intended": round(float(report.intended), 4),
            "probes": {p: round(float(report.probe_mean(p)), 4)
                       for p in sorted({p for lv in report.levels for p in lv.probes})},
            "gaps": {k: round(float(v), 4) for k, v in sorted(report.gaps.items())}}


def design_summary(chapter, design, design_text: str = "") -> dict:
    """The design in a few figures: training levels, items used, steps, a hash of
    the file (so an instructor can see which fellows submitted the same design)."""
    from game.designs import budget
    levels = design.train if design is not None else chapter.train
    maps = [(lv.name, lv.rows) for lv in levels]
    b = budget(chapter, maps)
    steps = design.raw.get("agent", {}).get("steps") if design is not None else None
    return {"starter": design is None,
            "levels": [lv.name for lv in levels],
            "items": b.items_used,
            "steps": int(steps if steps is not None else chapter.agent.steps),
            "sha256": hashlib.sha256(design_text.encode("utf-8")).hexdigest()[:16]
            if design_text else ""}


def build_result(chapter, design, agents, stars, prediction: str | None = None,
                 seconds: float = 0.0, nickname: str = "", design_text: str = "",
                 now: float | None = None) -> dict:
    """The result document of one attempt. `agents` is [(DeployReport, Diagnosis)],
    one per agent deployed (the first is the one the stars were given for)."""
    ch = chapter.chapter
    pred = next((p for p in ch.predictions if p.id == prediction), None) if ch else None
    per_agent = [_rates(report, diagnosis) for report, diagnosis in agents]
    now = time.time() if now is None else now
    return {
        "format": FORMAT, "version": VERSION,
        "id": uuid.uuid4().hex,
        "nickname": nickname.strip()[:40],
        "chapter": ch.id if ch else Path(chapter.path).stem,
        "chapter_number": ch.number if ch else None,
        "lesson": ch.lesson if ch else "",
        "design": design_summary(chapter, design, design_text),
        "prediction": prediction or "",
        "prediction_label": pred.label if pred else "",
        "label": per_agent[0]["label"] if per_agent else "",
        "agents": per_agent,
        "stars": sorted(stars.names()) if stars is not None else [],
        "passed": bool(getattr(stars, "passed", False)),
        "seconds": round(float(seconds), 1),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
    }


def write_result(result: dict, folder: Path | None = None) -> Path:
    """Write one result atomically under a name of its own; returns the path."""
    folder = Path(folder) if folder is not None else results_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = result.get("finished", "").replace(":", "").replace("-", "")
    name = f"{result.get('chapter', 'chapter')}-{stamp}-{result['id'][:8]}.json"
    path = folder / name
    atomic_write_text(path, json.dumps(result, indent=1, sort_keys=True) + "\n")
    return path


def export_results(dest: Path, folder: Path | None = None) -> tuple[Path, int]:
    """Zip every result into `dest` (a .zip path, or a folder to put one in) for the
    instructor; returns (zip path, number of results). Written atomically too."""
    folder = Path(folder) if folder is not None else results_dir()
    dest = Path(dest).expanduser()
    if dest.suffix.lower() != ".zip":
        dest.mkdir(parents=True, exist_ok=True)
        dest = dest / f"mesa-lab-results-{time.strftime('%Y%m%d-%H%M%S')}.zip"
    files = sorted(folder.glob("*.json"))
    with atomic_open(dest, "wb") as out, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for f in files:
            z.write(f, f.name)
    return dest, len(files)
