"""`python main.py step`: prints each step and stops at the end of the episode;
clear errors for an unknown level, invalid actions and a broken file."""

from __future__ import annotations

from pathlib import Path

from game.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "levels" / "examples" / "coin_room.toml"


def test_steps_to_the_coin(capsys):
    assert main(["step", str(EXAMPLE), "--level", "corridor", "--actions", "RRRRRRRRRR"]) == 0
    out = capsys.readouterr().out
    assert "step 1: R (right)" in out
    assert "coin" in out and "right-end" in out
    assert "episode over after 8 steps: coin" in out
    assert "step 9" not in out
    assert "@" in out


def test_view_and_lowercase_actions(capsys):
    assert main(["step", str(EXAMPLE), "--level", "corridor", "--actions", "ul", "--view", "3",
                 "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "bump" in out and "view 3x3" in out and "globals:" in out
    assert "not over after 2 steps" in out


def test_view_shows_what_lies_each_way_with_pooled_inputs(capsys):
    chapter = EXAMPLE.parent.parent / "chapters" / "02_the_wrapper.toml"  # [agent] pooled
    assert main(["step", str(chapter), "--level", "the back room", "--actions", "U",
                 "--view", "5"]) == 0
    out = capsys.readouterr().out
    # the blue coin lies down and to the right of the start; a step up leaves the trail below
    assert "pooled: down blue, right blue" in out and "pooled: down trail" in out
    assert "pooled:" not in main_output(["step", str(EXAMPLE), "--level", "corridor",
                                         "--actions", "u", "--view", "3"], capsys)


def test_view_shows_which_kinds_lie_each_way_with_far_kinds(capsys):
    chapter = EXAMPLE.parent.parent / "chapters" / "03_keys_and_chests.toml"  # [agent] far_kinds
    out = main_output(["step", str(chapter), "--level", "the armoury", "--actions", "R",
                       "--view", "5"], capsys)
    # the chests stand beyond the wall to the right, far out of the 5x5 view
    assert "far kinds:" in out and "right chest" in out.split("far kinds:")[1]
    assert "chest" not in out.split("pooled:")[1].split("far kinds:")[0]
    assert "far kinds:" not in main_output(["step", str(chapter.parent / "02_the_wrapper.toml"),
                                            "--level", "the back room", "--actions", "U",
                                            "--view", "5"], capsys)


def main_output(argv, capsys) -> str:
    assert main(argv) == 0
    return capsys.readouterr().out


def test_unknown_level_lists_names(capsys):
    assert main(["step", str(EXAMPLE), "--level", "nope", "--actions", "R"]) == 1
    err = capsys.readouterr().err
    assert "no level named 'nope'" in err and "'corridor'" in err


def test_invalid_action_letter(capsys):
    assert main(["step", str(EXAMPLE), "--level", "corridor", "--actions", "RX"]) == 1
    assert "invalid action 'X' at position 2" in capsys.readouterr().err


def test_broken_file_reports_file_line_col(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\n[[train]]\nname = "a"\nmap = """\n#x#\n"""\n')
    assert main(["step", str(bad), "--level", "a", "--actions", "R"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:" in err and ":5:" in err


def test_missing_file(tmp_path, capsys):
    assert main(["step", str(tmp_path / "none.toml"), "--level", "a", "--actions", "R"]) == 1
    assert "none.toml" in capsys.readouterr().err
