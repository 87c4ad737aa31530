"""The game: the chapter pipeline, deployment, diagnosis, scoring, the command line
and (under `game.ui`, the only place pygame is imported) the window; see ARCHITECTURE.md."""
