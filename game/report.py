"""Terminal reports for `deploy`, `run` and `calibrate`: plain text that reads well
in a terminal and in a log (rich adds colour only where the terminal has it)."""

from __future__ import annotations

from game.deploy import DeployReport, PolicyMap, gap_points
from game.diagnosis import Diagnosis


def pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def deploy_lines(report: DeployReport) -> list[str]:
    probes = sorted({p for r in report.levels for p in r.probes})
    head = f"{'level':<24} {'intended':>9} " + " ".join(f"{p[:14]:>14}" for p in probes) + f" {'return':>8}"
    lines = [head, "-" * len(head)]
    for r in report.levels:
        lines.append(f"{r.name[:24]:<24} {pct(r.intended):>9} "
                     + " ".join(f"{pct(r.probes.get(p, 0.0)):>14}" for p in probes)
                     + f" {r.ret:8.2f}")
    for title, others in (("control agent (trained without the opportunity):", report.control),
                          ("upgraded agent (the same levels, more capable):", report.upgrade)):
        if others is None:
            continue
        lines.append("")
        lines.append(title)
        for r in others:
            lines.append(f"{r.name[:24]:<24} {pct(r.intended):>9} "
                         + " ".join(f"{pct(r.probes.get(p, 0.0)):>14}" for p in probes)
                         + f" {r.ret:8.2f}")
    lines.append(f"({report.episodes} episodes per level, actions sampled from the policy, "
                 f"seed {report.seed})")
    if report.gaps:
        lines.append("")
        for name, value in report.gaps.items():
            lines.append(f"gap '{name}': {gap_points(value)}")
    if report.counterfactuals:
        lines.append("")
        lines.append("counterfactual variants (one thing changed):")
        for c in report.counterfactuals:
            probes_txt = ", ".join(f"{k} {pct(v).strip()}" for k, v in c.probes.items())
            lines.append(f"  {c.level} / {c.variant}: intended {pct(c.intended).strip()} "
                         f"(was {pct(c.base_intended).strip()}); {probes_txt}")
    return lines


def group_lines(result) -> list[str]:
    """One line per agent of a group (game.pipeline.ChapterResult), then the tally."""
    lines = [f"{'agent':>5} {'seed':>5} {'label':<20} {'intended':>9} {'training':>9}  probes"]
    for run in result.agents:
        probes = ", ".join(f"{k} {pct(v).strip()}" for k, v in sorted(
            (k, run.report.probe_mean(k)) for k in {p for lv in run.report.levels for p in lv.probes}))
        lines.append(f"{run.index + 1:>5} {run.seed:>5} {run.diagnosis.label:<20} "
                     f"{pct(run.report.intended):>9} {pct(run.training_goal):>9}  {probes}")
    n = len(result.agents)
    lines.append("labels: " + ", ".join(f"{k} {v} of {n}" for k, v in result.labels.items()))
    return lines


def diagnosis_lines(d: Diagnosis) -> list[str]:
    return [f"Diagnosis: {d.label} ({d.term})", *_wrap(d.explanation, 88)]


def policy_lines(pm: PolicyMap, level_rows: list[str]) -> list[str]:
    """The level beside its policy map: arrows show each free cell's likeliest action."""
    arrows = pm.arrows()
    width = max(len(r) for r in level_rows)
    lines = [f"policy on '{pm.level}' (most likely action from each free cell):"]
    for a, b in zip(level_rows, arrows):
        lines.append(f"  {a:<{width}}   {b}")
    return lines


def _wrap(text: str, width: int) -> list[str]:
    import textwrap
    return textwrap.wrap(text, width) or [""]
