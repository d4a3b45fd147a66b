"""Moving frames and results around: `camera` sends frames to a server, `record` writes what
a server receives and publishes to a file, `replay` plays such a file back (and its benchmark
measures how closely replay keeps the recorded schedule)."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from server.commands.common import (
    DEFAULT_RESULTS,
    DEFAULT_ROUTER,
    add_curve_client_arguments,
    env_default,
)


def add_record(commands: argparse._SubParsersAction) -> None:
    """Adds `handmesh record`."""
    recorder = commands.add_parser(
        "record",
        help="tap a running server: write its frames and results to a .hmstream file",
        description="Subscribes to the server's results and asks it (hello capability "
        "tap-frames) for a copy of every frame it accepts; writes both, as they arrive, to a "
        "new recorded stream (crash-safe: each record is flushed). Stops on Ctrl-C or after "
        "--seconds. With neither --frames nor --results, records both.",
    )
    recorder.add_argument(
        "--out",
        type=Path,
        required=True,
        help="new .hmstream file, or a folder for a new time-stamped file in it",
    )
    recorder.add_argument("--frames", action="store_true", help="record the frames")
    recorder.add_argument("--results", action="store_true", help="record the results")
    recorder.add_argument(
        "--server", default=env_default("SERVER", DEFAULT_ROUTER), help="server ROUTER address"
    )
    recorder.add_argument(
        "--pub",
        default=env_default("RESULTS", DEFAULT_RESULTS),
        help="server PUB (results) address",
    )
    recorder.add_argument("--stream", default=None, help="only this stream (default: all)")
    recorder.add_argument("--seconds", type=float, default=None, help="stop after this long")
    recorder.set_defaults(run=_record)


def add_camera(commands: argparse._SubParsersAction) -> None:
    """Adds `handmesh camera`."""
    camera = commands.add_parser(
        "camera",
        help="stream a webcam, video, image folder or synthetic sequence to the server",
        description="Grabs frames (capture time at grab), JPEG-encodes them and sends them to a "
        "running server at --fps (absolute schedule); receives this stream's results and prints "
        "the capture→result latency. --preview draws the results over the camera image (needs a "
        "display and OpenCV with a GUI).",
    )
    camera.add_argument(
        "--source",
        default="0",
        help="camera index, video file, image folder or recorded stream (.hmstream)",
    )
    camera.add_argument("--fps", type=float, default=30.0, help="frames per second (default 30)")
    camera.add_argument("--stream", default="cam0", help="stream id (default cam0)")
    camera.add_argument(
        "--server", default=env_default("SERVER", DEFAULT_ROUTER), help="server ROUTER address"
    )
    camera.add_argument(
        "--results", default=env_default("RESULTS", DEFAULT_RESULTS), help="server PUB address"
    )
    camera.add_argument("--count", type=int, default=None, help="stop after this many frames")
    camera.add_argument("--loop", action="store_true", help="restart a file source at its end")
    camera.add_argument(
        "--preview", action="store_true", help="show the image with the results drawn"
    )
    add_curve_client_arguments(camera)
    camera.set_defaults(run=_camera)


def add_replay(commands: argparse._SubParsersAction) -> None:
    """Adds `handmesh replay`."""
    replay = commands.add_parser(
        "replay",
        help="replay a recorded stream: results to a PUB, or frames to a server",
        description="results: publishes the recorded hands messages exactly as the server "
        "would (topic = stream id), so a game scene can be developed with no GPU and no camera. "
        "frames: re-sends the recorded frames to a server's ROUTER with fresh capture times. "
        "Timing follows the recording (absolute schedule, scaled by --speed).",
    )
    replay.add_argument("file", type=Path, help="a recorded .hmstream file")
    replay.add_argument("--mode", choices=("results", "frames"), default="results")
    replay.add_argument("--speed", type=float, default=1.0, help="playback speed (default 1)")
    replay.add_argument("--loop", action="store_true", help="start again at the end")
    replay.add_argument(
        "--to",
        default=None,
        help=f"results: PUB bind address (default {DEFAULT_RESULTS}); "
        f"frames: the server's ROUTER (default {DEFAULT_ROUTER})",
    )
    replay.set_defaults(run=_replay)


def add_replay_bench(benches: argparse._SubParsersAction) -> None:
    """Adds `handmesh bench replay`."""
    from server import bench_replay

    replay_bench = benches.add_parser(
        "replay",
        help="schedule accuracy of results-mode replay",
        description="Replays a recorded one-hand result stream at 1× and reports send time minus "
        "schedule (p50, p99, max) over --messages messages.",
    )
    bench_replay.add_arguments(replay_bench)
    replay_bench.set_defaults(run_bench=bench_replay.run)


def _record(args: argparse.Namespace) -> int:
    import signal
    import threading

    from server.record import record

    frames, results = (args.frames, args.results) if args.frames or args.results else (True, True)
    out = args.out
    if out.is_dir():
        out = out / time.strftime("record-%Y%m%d-%H%M%S.hmstream")
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    what = " and ".join(name for name, on in (("frames", frames), ("results", results)) if on)
    print(f"handmesh record: {what} from {args.server} to {out} (Ctrl-C stops)", flush=True)
    summary = record(
        out,
        args.server,
        args.pub,
        frames=frames,
        results=results,
        stream=args.stream,
        seconds=args.seconds,
        stop=stop.is_set,
    )
    print(f"handmesh record: {summary.line()}")
    return 0


def _camera(args: argparse.Namespace) -> int:
    from server.camera import CameraClient, open_source, run_camera
    from server.overlay import display_available

    if args.fps <= 0:
        raise ValueError("--fps must be positive")
    if args.preview and not display_available():
        print(
            "handmesh camera: --preview needs a display and OpenCV with a GUI "
            "(pip install opencv-python instead of opencv-python-headless)"
        )
        return 2
    source = open_source(args.source, args.loop)
    print(f"handmesh camera: streaming {source.description} as '{args.stream}' to {args.server}")
    client = CameraClient(
        args.server, args.results, args.stream, curve_keys=args.curve_keys, client_name=args.client
    )
    on_result = _preview_drawer(client) if args.preview else None
    try:
        report = run_camera(source, client, args.fps, args.count, on_result)
    finally:
        client.close()
    print(json.dumps(report.summary()))
    for error in report.errors[:5]:
        print(f"server error: {error}")
    return 0


def _preview_drawer(client):
    """Shows each result over the image it came from: the mesh (faces from the server's
    rig) and skeleton, through the frame's intrinsics."""
    import cv2

    from protocol.messages import Rig, RigRequest
    from server.overlay import HandOverlay
    from server.placement import frame_intrinsics
    from server.requests import ask

    faces = ask(client.dealer, RigRequest(), Rig).faces
    overlays: dict[tuple[int, int], HandOverlay] = {}

    def show(hands) -> None:
        sent = client.recent.get(hands.seq)
        if sent is None:
            return
        image, intrinsics = sent
        height, width = image.shape[:2]
        if (width, height) not in overlays:
            overlays[(width, height)] = HandOverlay(width, height, faces)
        K = frame_intrinsics(intrinsics, width, height)
        latency_ms = (time.time_ns() - hands.t_capture_ns) / 1e6
        caption = f"{len(hands.hands)} hand(s), capture->result {latency_ms:.0f} ms"
        cv2.imshow("handmesh", overlays[(width, height)].draw(image, hands, K, caption))
        cv2.waitKey(1)

    return show


def _replay(args: argparse.Namespace) -> int:
    import signal
    import threading

    import zmq

    from protocol.messages import Frame, Hands
    from server.replay import publish_results, records_of, replay_schedule, send_frames

    results = args.mode == "results"
    records = records_of(args.file, Hands if results else Frame)
    if not records:
        raise ValueError(f"{args.file} holds no {args.mode} to replay")
    address = args.to or (DEFAULT_RESULTS if results else DEFAULT_ROUTER)
    context = zmq.Context()
    socket = context.socket(zmq.PUB if results else zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    (socket.bind if results else socket.connect)(address)
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    count = len(records)
    print(f"handmesh replay: {count} {args.mode} from {args.file} at {args.speed}× via {address}")
    send = publish_results(socket) if results else send_frames(socket)
    try:
        while not stop.is_set():
            replay_schedule(records, args.speed, send, stop.is_set)
            if not args.loop:
                break
    finally:
        socket.close()
        context.term()
    return 0
