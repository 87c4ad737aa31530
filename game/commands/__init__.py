"""One module per command-line subcommand (wired together by game.cli)."""
