"""Subcommands of the `model` package."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction, benches: argparse._SubParsersAction) -> None:
    """Adds the model package's subcommands and benchmarks to the `handmesh` parser."""
