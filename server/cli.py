"""The `handmesh` console script.

One parser; each package contributes its own subcommands and benchmarks through a
`register(commands, benches)` function, so the script grows with the packages without a
central list of every command. Heavy imports (torch, OpenCV) happen inside the command
functions, which keeps `handmesh --help` fast.

Benchmarks return a flat ``dict`` of numbers; this module prints them, and with ``--json``
the last line of output is exactly one JSON object, which scripts and CI can parse.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

import model.cli
import protocol.cli
import server.commands
import server.game.cli

Registrar = Callable[[argparse._SubParsersAction, argparse._SubParsersAction], None]
REGISTRARS: tuple[Registrar, ...] = (
    protocol.cli.register,
    model.cli.register,
    server.commands.register,
    server.game.cli.register,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="handmesh",
        description=(
            "HandMesh-RT: real-time 3D hand pose and mesh from one RGB camera, "
            "streamed to a game engine. Run 'handmesh COMMAND --help' for details."
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    bench = commands.add_parser(
        "bench",
        help="measure speed or accuracy of one part (see 'handmesh bench --help')",
        description="Benchmarks measure real work and print their numbers; with --json the "
        "last line of output is one JSON object.",
    )
    benches = bench.add_subparsers(dest="bench", metavar="NAME", required=True)
    for register in REGISTRARS:
        register(commands, benches)
    for bench_parser in benches.choices.values():
        bench_parser.add_argument(
            "--json", action="store_true", help="end the output with one line of JSON"
        )
        bench_parser.set_defaults(run=_run_bench)
    return parser


def _run_bench(args: argparse.Namespace) -> int:
    numbers = args.run_bench(args)
    width = max(len(name) for name in numbers)
    for name, value in numbers.items():
        shown = f"{value:.4g}" if isinstance(value, float) else value
        print(f"{name:<{width}}  {shown}")
    if args.json:
        print(json.dumps(numbers, sort_keys=False))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except (ValueError, FileNotFoundError) as error:
        print(f"handmesh {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
