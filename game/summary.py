"""A class's results gathered for the debrief: read the result files fellows
exported (folders of *.json, or the .zip files Settings > "Export my results"
makes), set aside duplicates and damaged files with a note (never fatal), and
tally per chapter: how many fellows saw the chapter's lesson (found the proxy),
which designs passed, predictions against outcomes, and time to pass.

A fellow is a nickname; results without one are counted together as
"(no nickname)". Pure data in, plain data out: the `summary` command prints it,
the report writer plots it, the window's class view draws it.
"""

from __future__ import annotations

import json
import os
import statistics
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from game.results import FORMAT

ANONYMOUS = "(no nickname)"
_REQUIRED = {"id": str, "chapter": str, "label": str, "agents": list, "stars": list,
             "seconds": (int, float), "finished": str}


@dataclass
class Gathered:
    results: list[dict] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (where, first seen at)
    damaged: list[tuple[str, str]] = field(default_factory=list)     # (where, why)


_OPTIONAL = {"nickname": str, "lesson": str, "prediction_label": str, "passed": bool,
             "design": dict, "chapter_number": (int, type(None))}


def _check(doc) -> str:
    """Why a parsed document is not a result, or ''."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return "not a Mesa Lab result file"
    for key, kind in _REQUIRED.items():
        if not isinstance(doc.get(key), kind) or isinstance(doc.get(key), bool) is not (kind is bool):
            return f"'{key}' is missing or of the wrong type"
    for key, kind in _OPTIONAL.items():
        if key in doc and not isinstance(doc[key], kind):
            return f"'{key}' is of the wrong type"
    if not all(isinstance(a, dict) and isinstance(a.get("label"), str) for a in doc["agents"]):
        return "'agents' must be a list of agents, each with a label"
    if not all(isinstance(x, str) for x in doc["stars"]):
        return "'stars' must be a list of names"
    if not isinstance((doc.get("design") or {}).get("sha256", ""), str):
        return "the design's 'sha256' is of the wrong type"
    return ""


MAX_DEPTH = 4  # class/fellow/results/*.json is 3 deep; a mistyped "/" must not hang the window


def _candidates(folder: Path) -> list[Path]:
    """*.json and *.zip files under a folder, at most MAX_DEPTH folders down, not hidden
    (an unfinished atomic write is a hidden *.tmp file)."""
    out = []
    base = len(folder.parts)
    for root, dirs, files in os.walk(folder):
        depth = len(Path(root).parts) - base
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")) if depth < MAX_DEPTH else []
        out += [Path(root) / f for f in files
                if f.lower().endswith((".json", ".zip")) and not f.startswith(".")]
    return sorted(out)


def _sources(folder: Path):
    """(where, bytes) for every candidate file under a folder, zip or file."""
    folder = Path(folder)
    if folder.is_file():
        paths = [folder]
    elif folder.is_dir():
        paths = _candidates(folder)
    else:
        yield str(folder), None
        return
    for p in paths:
        if p.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(p) as z:
                    for name in sorted(z.namelist()):
                        if name.lower().endswith(".json"):
                            yield f"{p}:{name}", z.read(name)
            except (zipfile.BadZipFile, OSError) as exc:
                yield str(p), exc
        else:
            try:
                yield str(p), p.read_bytes()
            except OSError as exc:
                yield str(p), exc


def gather(folders) -> Gathered:
    """Every valid result under the folders, duplicates (the same attempt twice, e.g.
    a file and the zip it was exported in) and damaged files noted."""
    out = Gathered()
    seen: dict[str, str] = {}
    for folder in folders:
        for where, data in _sources(folder):
            if data is None:
                out.damaged.append((where, "no such file or folder"))
                continue
            if isinstance(data, Exception):
                out.damaged.append((where, f"cannot be read ({data})"))
                continue
            try:
                doc = json.loads(data.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                out.damaged.append((where, f"not valid JSON ({exc})"))
                continue
            why = _check(doc)
            if why:
                out.damaged.append((where, why))
                continue
            if doc["id"] in seen:
                out.duplicates.append((where, seen[doc["id"]]))
                continue
            seen[doc["id"]] = where
            out.results.append(doc)
    out.results.sort(key=lambda d: (d["finished"], d["id"]))
    return out


def fellow(doc: dict) -> str:
    return (doc.get("nickname") or "").strip() or ANONYMOUS


@dataclass
class ChapterSummary:
    chapter: str
    number: int | None
    lesson: str
    attempts: int
    fellows: list[str]
    found_lesson: list[str]            # fellows whose agent showed the lesson at least once
    passed: list[str]                  # fellows who passed at least once
    labels: dict[str, int]             # attempts per diagnosis label
    passing_designs: list[tuple[str, int, list[str]]]  # (design hash, attempts, fellows)
    predictions: dict[str, dict[str, int]]  # predicted label -> outcome label -> attempts
    minutes_to_pass: dict[str, float]  # fellow -> minutes spent up to the first pass

    def to_json(self) -> dict:
        return {"chapter": self.chapter, "number": self.number, "lesson": self.lesson,
                "attempts": self.attempts, "fellows": self.fellows,
                "found_lesson": self.found_lesson, "passed": self.passed,
                "labels": self.labels,
                "passing_designs": [{"design": h, "attempts": n, "fellows": f}
                                    for h, n, f in self.passing_designs],
                "predictions": self.predictions,
                "minutes_to_pass": self.minutes_to_pass,
                "median_minutes_to_pass": self.median_minutes()}

    def median_minutes(self) -> float | None:
        times = list(self.minutes_to_pass.values())
        return round(statistics.median(times), 1) if times else None


def summarize(results: list[dict]) -> list[ChapterSummary]:
    """Per chapter, in campaign order (then by id)."""
    by_chapter: dict[str, list[dict]] = defaultdict(list)
    for doc in results:
        by_chapter[doc["chapter"]].append(doc)
    out = []
    for cid, docs in by_chapter.items():
        lesson = next((d.get("lesson") for d in docs if d.get("lesson")), "")
        fellows = sorted({fellow(d) for d in docs})
        found = sorted({fellow(d) for d in docs
                        if lesson and any(a.get("label") == lesson for a in d["agents"])})
        passed = sorted({fellow(d) for d in docs if d.get("passed")})
        designs: dict[str, list[dict]] = defaultdict(list)
        for d in docs:
            if d.get("passed"):
                designs[(d.get("design") or {}).get("sha256") or "?"].append(d)
        passing = sorted(((h, len(ds), sorted({fellow(d) for d in ds})) for h, ds in designs.items()),
                         key=lambda t: (-t[1], t[0]))
        preds: dict[str, Counter] = defaultdict(Counter)
        for d in docs:
            preds[d.get("prediction_label") or "(none)"][d["label"]] += 1
        spent: dict[str, float] = defaultdict(float)
        to_pass: dict[str, float] = {}
        for d in docs:  # already in time order
            f = fellow(d)
            if f in to_pass:
                continue
            spent[f] += float(d["seconds"])
            if d.get("passed"):
                to_pass[f] = round(spent[f] / 60, 1)
        number = next((d.get("chapter_number") for d in docs
                       if isinstance(d.get("chapter_number"), int)), None)
        out.append(ChapterSummary(cid, number, lesson, len(docs), fellows, found, passed,
                                  dict(sorted(Counter(d["label"] for d in docs).items())),
                                  passing, {k: dict(sorted(v.items())) for k, v in sorted(preds.items())},
                                  dict(sorted(to_pass.items()))))
    out.sort(key=lambda s: (s.number is None, s.number or 0, s.chapter))
    return out


def table_rows(summaries: list[ChapterSummary]) -> list[list[str]]:
    """The class table: one row per chapter (header first), as strings."""
    rows = [["chapter", "attempts", "fellows", "found the lesson", "passed",
             "passing designs", "median min to pass"]]
    for s in summaries:
        n = len(s.fellows)
        med = s.median_minutes()
        rows.append([s.chapter, str(s.attempts), str(n),
                     f"{len(s.found_lesson)}/{n}" + (f" ({s.lesson})" if s.lesson else ""),
                     f"{len(s.passed)}/{n}", str(len(s.passing_designs)),
                     "-" if med is None else f"{med:g}"])
    return rows


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def notes(g: Gathered) -> list[str]:
    """Lines about what was set aside."""
    out = [f"duplicate: {where} (the same attempt as {first})" for where, first in g.duplicates]
    out += [f"damaged: {where}: {why}" for where, why in g.damaged]
    return out
