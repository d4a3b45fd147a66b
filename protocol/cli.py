"""Subcommands of the `protocol` package: golden vectors and the codec benchmark."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction, benches: argparse._SubParsersAction) -> None:
    """Adds the protocol's subcommands and benchmarks to the `handmesh` parser."""
    vectors = commands.add_parser(
        "vectors",
        help="regenerate (or check) the protocol's golden vectors",
        description="Writes every golden message as NAME.msgpack (exact bytes) and NAME.json "
        "(expected decoded values) — the files both the Python and the C# tests decode.",
    )
    vectors.add_argument(
        "--out", type=Path, default=None, help="output folder (default: protocol/vectors)"
    )
    vectors.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the committed files differ"
    )
    vectors.set_defaults(run=_vectors)

    from protocol import bench

    codec = benches.add_parser(
        "codec",
        help="message sizes, codec speed, protocol vs raw ZeroMQ round trip",
        description="Encodes/decodes a one-hand result (778 float16 vertices) and times a "
        "DEALER/ROUTER round trip on 127.0.0.1 with and without the protocol, in the same run.",
    )
    bench.add_arguments(codec)
    codec.set_defaults(run_bench=bench.run)


def _vectors(args: argparse.Namespace) -> int:
    from protocol.vectors import VECTORS_DIR, differing_vectors, write_vectors

    if args.check:
        different = differing_vectors(args.out or VECTORS_DIR)
        if different:
            print(f"golden vectors differ from a fresh generation: {', '.join(different)}")
            return 1
        print("golden vectors match their generator")
        return 0
    written = write_vectors(args.out or VECTORS_DIR)
    print(f"wrote {len(written)} files to {args.out or VECTORS_DIR}")
    return 0
