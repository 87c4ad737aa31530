"""The plots of the reports, drawn with matplotlib (the optional `report` extra)
into PNG files: calibration (labels per seed, intended-goal and probe rates per
deployment level against a random policy, gaps, learning curves) and a class's
summary (per chapter: lesson found and passed, predictions against outcomes,
time to pass). Each function takes plain data and a path and writes one file.

matplotlib is imported inside `_pyplot` with the non-interactive Agg backend, so
importing this module costs nothing and never opens a window.
"""

from __future__ import annotations

from pathlib import Path

LABEL_COLORS = {"aligned": "#009E73", "proxy": "#D55E00", "approximate": "#E69F00",
                "capability-failure": "#999999", "deceptive-style": "#CC79A7",
                "suboptimality": "#56B4E9"}
DPI = 110


class PlotsUnavailable(RuntimeError):
    """matplotlib is not installed."""


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise PlotsUnavailable("plots need matplotlib: pip install 'mesa-lab[report]'") from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    return plt


def _save(fig, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    # no creation date or software version in the file: the same data, the same bytes
    fig.savefig(path, dpi=DPI, metadata={"Software": None})
    _pyplot().close(fig)
    return path


def _color(label: str) -> str:
    return LABEL_COLORS.get(label, "#0072B2")


# --- calibration -----------------------------------------------------------------

def labels_per_seed(seeds: list[dict], path: Path, title: str = "") -> Path:
    """One mark per seed at its diagnosis label."""
    plt = _pyplot()
    labels = sorted({s["label"] for s in seeds}, key=lambda x: list(LABEL_COLORS).index(x)
                    if x in LABEL_COLORS else 99)
    fig, ax = plt.subplots(figsize=(max(4.0, 0.35 * len(seeds) + 2), 0.5 * len(labels) + 1.6))
    for s in seeds:
        ax.scatter(s["seed"], labels.index(s["label"]), s=120, color=_color(s["label"]),
                   marker="s")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xticks([s["seed"] for s in seeds])
    ax.set_xlabel("seed")
    ax.set_ylim(-0.7, len(labels) - 0.3)
    ax.set_title(title or "Diagnosis per seed")
    return _save(fig, path)


def rates_per_level(seeds: list[dict], path: Path, title: str = "") -> Path:
    """Per deployment level: the intended goal and each probe (mean over seeds, a dot
    per seed) beside what a uniformly random policy scores there (hatched)."""
    plt = _pyplot()
    names = [lv["name"] for lv in seeds[0]["levels"]] if seeds else []
    probes = sorted({p for s in seeds for lv in s["levels"] for p in lv["probes"]})
    series = ["intended"] + probes
    fig, ax = plt.subplots(figsize=(max(5.0, 1.6 * len(names) * max(1, len(series)) / 2 + 2), 4))
    width = 0.8 / (2 * len(series))
    palette = ["#0072B2", "#D55E00", "#CC79A7", "#E69F00", "#56B4E9", "#009E73"]
    for j, what in enumerate(series):
        for i, name in enumerate(names):
            vals, chance = [], []
            for s in seeds:
                lv = next((x for x in s["levels"] if x["name"] == name), None)
                if lv is None:
                    continue
                vals.append(lv["intended"] if what == "intended" else lv["probes"].get(what, 0.0))
                chance.append(lv["chance_intended"] if what == "intended"
                              else lv["chance_probes"].get(what, 0.0))
            x = i + (2 * j - len(series) + 0.5) * width
            color = palette[j % len(palette)]
            mean = sum(vals) / len(vals) if vals else 0.0
            ax.bar(x, mean, width, color=color, label=what if i == 0 else None)
            ax.scatter([x] * len(vals), vals, s=10, color="black", zorder=3)
            ax.bar(x + width, sum(chance) / len(chance) if chance else 0.0, width, color="white",
                   edgecolor=color, hatch="//", label=f"{what}, random policy" if i == 0 else None)
    ax.set_xticks(range(len(names)), names, rotation=15, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("rate over deployment episodes")
    ax.set_title(title or "Intended goal and probes per deployment level")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _save(fig, path)


def gaps(seeds: list[dict], path: Path, title: str = "") -> Path | None:
    """Each gap: a dot per seed and the mean; None when the chapter defines no gap."""
    names = sorted({g for s in seeds for g in s["gaps"]})
    if not names:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(max(4.0, 1.8 * len(names) + 2), 3.5))
    for i, name in enumerate(names):
        vals = [s["gaps"].get(name, 0.0) for s in seeds]
        ax.bar(i, sum(vals) / len(vals), 0.5, color="#CC79A7")
        ax.scatter([i] * len(vals), vals, s=14, color="black", zorder=3)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(names)), names)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("probe rate difference")
    ax.set_title(title or "Gaps (a dot per seed)")
    return _save(fig, path)


def learning_curves(seeds: list[dict], path: Path, title: str = "") -> Path:
    """Training success against steps, one line per seed, coloured by its label."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for s in seeds:
        c = s.get("curve") or {}
        ax.plot(c.get("steps", []), c.get("success", []), color=_color(s["label"]),
                linewidth=1, alpha=0.85, label=f"seed {s['seed']} ({s['label']})")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("training steps")
    ax.set_ylabel("training success")
    ax.set_title(title or "Learning curves")
    if len(seeds) <= 12:
        ax.legend(fontsize=7, loc="lower right")
    return _save(fig, path)


# --- a class's summary -------------------------------------------------------------

def class_overview(chapters: list[dict], path: Path) -> Path:
    """Per chapter: fellows, fellows who saw the lesson, fellows who passed."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(max(5.0, 1.3 * len(chapters) + 2), 3.8))
    w = 0.26
    for j, (key, label, color) in enumerate((("fellows", "fellows", "#999999"),
                                             ("found_lesson", "saw the lesson", "#D55E00"),
                                             ("passed", "passed", "#009E73"))):
        ax.bar([i + (j - 1) * w for i in range(len(chapters))],
               [len(c[key]) for c in chapters], w, color=color, label=label)
    ax.set_xticks(range(len(chapters)), [c["chapter"] for c in chapters], rotation=15, ha="right")
    ax.set_ylabel("fellows")
    ax.set_title("The class, per chapter")
    ax.legend(fontsize=8)
    return _save(fig, path)


def predictions_vs_outcomes(chapter: dict, path: Path) -> Path:
    """Attempts by predicted label (rows) and diagnosed label (columns)."""
    plt = _pyplot()
    preds = chapter["predictions"]
    rows = sorted(preds)
    cols = sorted({o for v in preds.values() for o in v})
    grid = [[preds[r].get(c, 0) for c in cols] for r in rows]
    fig, ax = plt.subplots(figsize=(1.3 * len(cols) + 2.5, 0.6 * len(rows) + 1.8))
    ax.imshow(grid, cmap="Blues", vmin=0)
    for i, row in enumerate(grid):
        for j, n in enumerate(row):
            ax.text(j, i, str(n), ha="center", va="center")
    ax.set_xticks(range(len(cols)), cols, rotation=15, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel("what happened")
    ax.set_ylabel("predicted")
    ax.set_title(f"{chapter['chapter']}: predictions against outcomes")
    return _save(fig, path)


def minutes_to_pass(chapters: list[dict], path: Path) -> Path | None:
    """Minutes each fellow spent before first passing, a dot each, per chapter."""
    have = [c for c in chapters if c["minutes_to_pass"]]
    if not have:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(max(4.0, 1.3 * len(have) + 2), 3.5))
    for i, c in enumerate(have):
        vals = list(c["minutes_to_pass"].values())
        ax.scatter([i] * len(vals), vals, color="#0072B2", s=18)
        ax.hlines(sorted(vals)[len(vals) // 2], i - 0.25, i + 0.25, color="black")
    ax.set_xticks(range(len(have)), [c["chapter"] for c in have], rotation=15, ha="right")
    ax.set_ylabel("minutes to pass")
    ax.set_title("Time to pass (a dot per fellow, bar at the median)")
    return _save(fig, path)
