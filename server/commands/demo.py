"""Measuring the whole product: `demo` runs server and bundled sample end to end,
`calibrate` measures a model's confidence threshold, and the `server` and `e2e` benchmarks
measure latency under a camera load."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from server.commands.common import DEFAULT_RESULTS, DEFAULT_ROUTER


def add_demo(commands: argparse._SubParsersAction) -> None:
    """Adds `handmesh demo`."""
    demo = commands.add_parser(
        "demo",
        help="the whole product in one command: server + bundled sample → overlay video, latency",
        description="Starts handmesh serve with the bundled checkpoint (GPU when present), "
        "streams the bundled sample stream through it at 30 fps as a camera would, and writes "
        "OUT/demo.mp4 (the predicted mesh and skeleton over every frame, with its latency), "
        "OUT/contact_sheet.png, OUT/latency.json (latency, fps, drops, and the error against "
        "the sample's ground truth) and OUT/latency.png; plays the video in a window when a "
        "display exists. --loop then keeps the server and the sample running for Unity.",
    )
    demo.add_argument("--out", type=Path, default=Path("demo_out"), help="default demo_out")
    demo.add_argument(
        "--file", type=Path, default=None, help="recorded frames (default: the bundled sample)"
    )
    demo.add_argument("--router", default=DEFAULT_ROUTER, help="server ROUTER bind address")
    demo.add_argument("--pub", default=DEFAULT_RESULTS, help="server PUB bind address")
    demo.add_argument(
        "--no-window", action="store_true", help="never open a window, even with a display"
    )
    demo.add_argument(
        "--loop", action="store_true", help="afterwards keep serving the sample (for Unity)"
    )
    demo.add_argument("--device", default="auto", help="auto, cpu or cuda (default auto)")
    demo.add_argument("--checkpoint", type=Path, default=None, help="default: the bundled one")
    demo.add_argument("--threads", type=int, default=None, help="CPU threads for inference")
    demo.set_defaults(run=_demo)


def add_calibrate(commands: argparse._SubParsersAction) -> None:
    """Adds `handmesh calibrate`."""
    calibration = commands.add_parser(
        "calibrate",
        help="measure a model's hand/no-hand confidence threshold on a stream with truth",
        description="Runs the model on crops around the true hand and beside it in a "
        "recorded stream with ground truth (default: the bundled sample) and prints the "
        "confidence threshold that separates them (see server/calibrate.py); --write stores "
        "it in the exported weights file, where handmesh serve reads it.",
    )
    calibration.add_argument("--checkpoint", type=Path, required=True, help="exported weights")
    calibration.add_argument("--stream", type=Path, default=None, help="default: the sample")
    calibration.add_argument("--write", action="store_true", help="store it in the weights")
    calibration.set_defaults(run=_calibrate)


def add_latency_benches(benches: argparse._SubParsersAction) -> None:
    """Adds `handmesh bench server` and `handmesh bench e2e`."""
    from server import bench_latency

    server_bench = benches.add_parser(
        "server",
        help="latency the server adds under a camera load (spawns handmesh serve)",
        description="Starts handmesh serve, sends --streams streams of the sample's frames at "
        "--fps for --seconds, and reports what the server adds per frame (receipt → result "
        "ready: server_ms p50/p95/p99, per-stage medians), fps in and out and drops, overall "
        "and per stream.",
    )
    bench_latency.add_server_arguments(server_bench)
    server_bench.set_defaults(run_bench=bench_latency.run_server_bench)

    e2e_bench = benches.add_parser(
        "e2e",
        help="end-to-end latency: capture → result (→ applied in the engine), JSON + PNG",
        description="Drives --streams camera streams at --fps against a running server "
        "(--server and --pub) or one it starts (--spawn); reports capture → result received "
        "(e2e_ms), the server's share (server_ms), stage medians, capture → applied in the "
        "engine (apply_ms) when a game engine on the same server sends acks, fps and drops. "
        "Writes OUT/e2e.json and OUT/e2e.png (latency CDFs and the stage breakdown).",
    )
    bench_latency.add_e2e_arguments(e2e_bench)
    e2e_bench.set_defaults(run_bench=bench_latency.run_e2e_bench)


def _demo(args: argparse.Namespace) -> int:
    from server.demo import DemoSettings, run_demo
    from server.paths import SAMPLE_STREAM

    serve_args = ["--device", args.device]
    if args.checkpoint is not None:
        serve_args += ["--checkpoint", str(args.checkpoint)]
    if args.threads is not None:
        serve_args += ["--threads", str(args.threads)]
    settings = DemoSettings(
        out=args.out,
        stream_file=args.file or SAMPLE_STREAM,
        serve_args=tuple(serve_args),
        router=args.router,
        pub=args.pub,
        show=not args.no_window,
        loop=args.loop,
    )
    summary = run_demo(settings)
    print(json.dumps(summary))
    print(
        "Unity: open unity_client/ in the Unity Editor, start 'handmesh demo --loop' (or "
        "'handmesh serve' with 'handmesh camera'), press Play; the client connects to "
        f"{args.router} and {args.pub}."
    )
    return 0


def _calibrate(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from model.export import store_serving_settings
    from model.inference import HandMeshPredictor
    from server.calibrate import calibrate
    from server.paths import SAMPLE_STREAM

    result = calibrate(
        HandMeshPredictor.from_checkpoint(args.checkpoint), args.stream or SAMPLE_STREAM
    )
    print(json.dumps(asdict(result)))
    if not result.separated:
        print(
            "calibrate: hand and no-hand confidences overlap: at this threshold the model "
            "keeps finding the hand but cannot tell an empty frame (train it longer)"
        )
    if args.write:
        store_serving_settings(args.checkpoint, {"confidence_threshold": result.threshold})
        print(f"calibrate: stored confidence_threshold {result.threshold} in {args.checkpoint}")
    return 0
