"""`python main.py deploy AGENT PATH`: deploy a trained agent (an .npz agent file)
on a level file's deployment levels and report what it did."""

from __future__ import annotations

import argparse

from game.commands.common import CommandError, emit_json, guarded, load_level_file


def add_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("agent", metavar="AGENT", help="an agent file written by `train --out`")
    p.add_argument("path", metavar="PATH", help="a level file with [[deploy]] levels")
    p.add_argument("--episodes", type=int, default=100, help="episodes per level (default 100)")
    p.add_argument("--seed", type=int, default=0, help="deployment seed (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


@guarded
def run(args) -> int:
    from agents.files import AgentFileError, load_agent
    from game.deploy import deploy
    from game.diagnosis import diagnose
    from game.report import deploy_lines, diagnosis_lines
    lf = load_level_file(args.path)
    if not lf.deploy:
        raise CommandError(f"{args.path} has no [[deploy]] levels")
    if args.episodes < 1:
        raise CommandError("--episodes must be at least 1")
    try:
        agent = load_agent(args.agent)
    except AgentFileError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot read {args.agent}: {exc.strerror}") from None
    report = deploy(agent, lf, episodes=args.episodes, seed=args.seed)
    diagnosis = diagnose(lf, report)
    if args.json:
        out = report.to_json()
        out["diagnosis"] = diagnosis.to_json()
        emit_json(out)
        return 0
    print("\n".join(deploy_lines(report)))
    print()
    print("\n".join(diagnosis_lines(diagnosis)))
    return 0
