"""The protocol's `handmesh` subcommands: ``vectors`` (golden vectors) and ``bench codec``.

Imports stay inside the command functions, so ``handmesh --help`` loads neither numpy nor
msgpack.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction, benches: argparse._SubParsersAction) -> None:
    """Adds the protocol's subcommands and benchmarks to the `handmesh` parser."""
    vectors = commands.add_parser(
        "vectors",
        help="regenerate (or --check) the protocol's golden vectors",
        description="Writes every golden message as NAME.msgpack (exact bytes) and NAME.json "
        "(expected decoded values), and every invalid one under invalid/ with the error it "
        "must give: the files both the Python and the C# tests decode.",
    )
    vectors.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder to write or check (default: protocol/vectors)",
    )
    vectors.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if the files differ from a fresh generation",
    )
    vectors.set_defaults(run=_vectors)

    codec = benches.add_parser(
        "codec",
        help="message sizes, codec speed, protocol vs raw ZeroMQ round trip",
        description="Encodes and decodes a one-hand result (778 float16 vertices) and times "
        "DEALER/ROUTER round trips on 127.0.0.1 with and without the protocol, in one run.",
    )
    codec.add_argument(
        "--iterations", type=int, default=2000, help="timed rounds of each kind (default 2000)"
    )
    codec.add_argument("--warmup", type=int, default=200, help="untimed rounds first (default 200)")
    codec.set_defaults(run_bench=_bench_codec)


def _vectors(args: argparse.Namespace) -> int:
    from protocol.vectors import VECTORS_DIR, differing_vectors, write_vectors

    folder = args.out or VECTORS_DIR
    if args.check:
        different = differing_vectors(folder)
        if different:
            print(
                f"golden vectors in {folder} differ from a fresh generation: {', '.join(different)}"
            )
            print("if the format changed on purpose: run 'handmesh vectors' and update PROTOCOL.md")
            return 1
        print(f"golden vectors in {folder} match their generator")
        return 0
    written = write_vectors(folder)
    print(f"wrote {len(written)} files to {folder}")
    return 0


def _bench_codec(args: argparse.Namespace) -> dict[str, float]:
    from protocol.bench import run

    return run(args.iterations, args.warmup)
