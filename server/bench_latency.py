"""`handmesh bench server` and `handmesh bench e2e`: a camera load against a real server.

Both drive N streams of the bundled sample's frames at --fps and match every result (and
engine ack) to its frame (`server.load`). `bench server` starts its own `handmesh serve`
and reports what the server adds (receipt → result ready, per stage, per stream);
`bench e2e` measures from the client's side — capture → result received, and capture →
applied in the engine when a game engine on the same server acks — against a server you
name (--server/--pub) or one it spawns (--spawn), and writes a JSON file and a PNG.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from server.latency_report import plot, summarize
from server.load import CameraLoad, LoadRun
from server.paths import SAMPLE_STREAM
from server.replay import recorded_frames
from server.spawn import SpawnedServer


def _add_load_arguments(parser: argparse.ArgumentParser, seconds: float) -> None:
    parser.add_argument(
        "--file", type=Path, default=SAMPLE_STREAM, help="recorded frames (default: the sample)"
    )
    parser.add_argument("--fps", type=float, default=30.0, help="frames per second per stream")
    parser.add_argument("--streams", type=int, default=1, help="concurrent camera streams")
    parser.add_argument(
        "--seconds", type=float, default=seconds, help=f"how long to send (default {seconds:g})"
    )


def _add_spawn_arguments(parser: argparse.ArgumentParser) -> None:
    """How to start the server under test (passed to `handmesh serve`)."""
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda (default auto)")
    parser.add_argument("--config", default=None, help="network config when no checkpoint")
    parser.add_argument("--checkpoint", type=Path, default=None, help="default: the demo's")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads for inference")
    parser.add_argument("--fp16", action="store_true", help="half precision (CUDA)")
    parser.add_argument("--max-batch", type=int, default=None, help="frames per forward pass")


def add_server_arguments(parser: argparse.ArgumentParser) -> None:
    _add_load_arguments(parser, seconds=60.0)
    _add_spawn_arguments(parser)


def add_e2e_arguments(parser: argparse.ArgumentParser) -> None:
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--server", default=None, help="a running server's ROUTER address")
    target.add_argument("--spawn", action="store_true", help="start a server for the run")
    parser.add_argument("--pub", default=None, help="with --server: its PUB address")
    parser.add_argument(
        "--out", type=Path, default=Path("bench_out"), help="folder for e2e.json and e2e.png"
    )
    _add_load_arguments(parser, seconds=30.0)
    _add_spawn_arguments(parser)


def serve_arguments(args: argparse.Namespace) -> list[str]:
    flags = {
        "--device": args.device,
        "--config": args.config,
        "--checkpoint": args.checkpoint,
        "--threads": args.threads,
        "--max-batch": args.max_batch,
    }
    given = [(flag, str(value)) for flag, value in flags.items() if value is not None]
    return [item for pair in given for item in pair] + (["--fp16"] if args.fp16 else [])


def _load(args: argparse.Namespace, router: str, pub: str) -> tuple[CameraLoad, LoadRun]:
    load = CameraLoad(router, pub, recorded_frames(args.file), args.fps, args.streams, args.seconds)
    print(
        f"sending {args.streams} stream(s) × {args.fps:g} fps for {args.seconds:g} s "
        f"of {args.file.name} to {router}",
        flush=True,
    )
    return load, load.run()


def _spawned_load(args: argparse.Namespace) -> tuple[CameraLoad, LoadRun]:
    with SpawnedServer(serve_arguments(args)) as server:
        print(server.ready_line, flush=True)
        return _load(args, server.router, server.pub)


def run_server_bench(args: argparse.Namespace) -> dict:
    load, run = _spawned_load(args)
    return summarize(run, load.stream_ids)


def run_e2e_bench(args: argparse.Namespace) -> dict:
    if args.spawn:
        load, run = _spawned_load(args)
    elif args.pub is None:
        raise ValueError("--server needs --pub (the server's results address)")
    else:
        load, run = _load(args, args.server, args.pub)
    numbers = summarize(run, load.stream_ids)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "e2e.json").write_text(json.dumps(numbers, indent=2) + "\n")
    title = f"{args.streams} stream(s) × {args.fps:g} fps, {args.seconds:g} s"
    png = plot(run, load.stream_ids, args.out / "e2e.png", title)
    print(f"wrote {args.out / 'e2e.json'} and {png}")
    return numbers
