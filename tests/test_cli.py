"""`handmesh --help` and every subcommand's --help explain themselves."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from server.cli import build_parser, main


def all_command_paths() -> list[list[str]]:
    """Every reachable command path, e.g. ['hand', 'build'], ['bench', 'ik']."""
    paths = []

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    paths.append([*prefix, name])
                    walk(child, [*prefix, name])

    walk(build_parser(), [])
    return paths


@pytest.mark.parametrize("path", all_command_paths(), ids=lambda p: " ".join(p))
def test_every_subcommand_has_help(path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*path, "--help"])
    assert exit_info.value.code == 0
    output = capsys.readouterr().out
    assert output.startswith("usage: handmesh " + " ".join(path))
    assert len(output.splitlines()) >= 3


def test_console_script_top_level_help_lists_commands():
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "--help"], capture_output=True, text=True, check=True
    )
    assert "bench" in result.stdout and "hand" in result.stdout


def test_bench_json_is_the_last_line(capsys):
    assert main(["bench", "ik", "--poses", "50", "--json"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    numbers = json.loads(last)
    assert {
        "round_trip_mean_mm",
        "round_trip_max_mm",
        "us_per_hand_batch1",
        "us_per_hand_batch64",
    } <= set(numbers)
    assert numbers["round_trip_max_mm"] < 3.0
