"""`python main.py summary FOLDER...`: gather a class's result files (folders or
exported .zip files) into one table per chapter for the debrief; duplicates and
damaged files are listed, never fatal. `--report DIR` adds plots, `--json` prints
one JSON object."""

from __future__ import annotations

import argparse

from game.commands.common import CommandError, emit_json, guarded


def add_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("folders", nargs="+", metavar="FOLDER",
                   help="folders of result files, or exported .zip files")
    p.add_argument("--report", metavar="DIR",
                   help="also write DIR/index.md with plots (needs the 'report' extra)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


@guarded
def run(args) -> int:
    from game.summary import gather, notes, summarize, table_rows, text_table
    g = gather(args.folders)
    summaries = summarize(g.results)
    if args.json:
        emit_json({"results": len(g.results),
                   "duplicates": [{"file": w, "same_as": f} for w, f in g.duplicates],
                   "damaged": [{"file": w, "why": y} for w, y in g.damaged],
                   "chapters": [s.to_json() for s in summaries]})
    else:
        print(f"{len(g.results)} results from {len(args.folders)} "
              f"location{'s' if len(args.folders) != 1 else ''}")
        if summaries:
            print(text_table(table_rows(summaries)))
        for line in notes(g):
            print(line)
    if args.report:
        from game.reports import ReportError, write_summary_report
        try:
            index = write_summary_report(g, summaries, args.report)
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        if not args.json:
            print(f"report written to {index}")
    return 0
