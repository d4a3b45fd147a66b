"""What the server package's command modules share: the default addresses, flag defaults
from ``HANDMESH_*`` environment variables, and the flags a CURVE client needs."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from protocol.limits import DEFAULT_HOST, DEFAULT_PUB_PORT, DEFAULT_ROUTER_PORT

DEFAULT_ROUTER = f"tcp://{DEFAULT_HOST}:{DEFAULT_ROUTER_PORT}"
DEFAULT_RESULTS = f"tcp://{DEFAULT_HOST}:{DEFAULT_PUB_PORT}"


def env_default(name: str, default: str | None) -> str | None:
    """The value of ``HANDMESH_<name>`` when set, else `default`."""
    return os.environ.get(f"HANDMESH_{name}", default)


def add_curve_client_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags a client needs to talk to a `serve --curve-keys` server."""
    parser.add_argument(
        "--curve-keys",
        type=Path,
        default=env_default("CURVE_KEYS", None),
        help="keys folder (CURVE)",
    )
    parser.add_argument("--client", default="client", help="client key name in the keys folder")
