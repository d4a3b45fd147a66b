"""Subcommands of the `server` package (the server, clients, record/replay, demo)."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction, benches: argparse._SubParsersAction) -> None:
    """The server package has no commands yet; the server issue adds `serve`, `camera`, ..."""
