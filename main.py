"""Mesa Lab's entry point: the game window by default, headless commands as
subcommands (`python main.py --help`)."""

import os
import sys

# Small matrix products run many times slower with several BLAS threads; the
# learner is single-threaded per training run by design.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # no import banner in the terminal

from game.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
