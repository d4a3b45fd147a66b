"""Subcommands of the `server` package: serve, ping, camera, record, replay, keys, demo;
benchmarks replay, server and e2e."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from protocol.limits import DEFAULT_HOST, DEFAULT_PUB_PORT, DEFAULT_ROUTER_PORT
from server.paths import DEFAULT_CHECKPOINT

DEFAULT_ROUTER = f"tcp://{DEFAULT_HOST}:{DEFAULT_ROUTER_PORT}"
DEFAULT_RESULTS = f"tcp://{DEFAULT_HOST}:{DEFAULT_PUB_PORT}"


def _env(name: str, default: str | None) -> str | None:
    return os.environ.get(f"HANDMESH_{name}", default)


def register(commands: argparse._SubParsersAction, benches: argparse._SubParsersAction) -> None:
    """Adds the server package's subcommands to the `handmesh` parser."""
    serve = commands.add_parser(
        "serve",
        help="run the inference server (ZeroMQ ROUTER for frames, PUB for results)",
        description="Receives camera frames, runs the network (CUDA when present, else CPU), "
        "publishes joints, joint rotations and the mesh. Binds 127.0.0.1 by default. Every flag "
        "can also be set by an environment variable HANDMESH_<FLAG> (e.g. HANDMESH_DEVICE=cpu).",
    )
    serve.add_argument(
        "--router",
        default=_env("ROUTER", DEFAULT_ROUTER),
        help="bind address for client messages (default tcp://127.0.0.1:5555)",
    )
    serve.add_argument(
        "--pub",
        default=_env("PUB", DEFAULT_RESULTS),
        help="bind address for results (default tcp://127.0.0.1:5556)",
    )
    serve.add_argument(
        "--device", default=_env("DEVICE", "auto"), help="auto, cpu or cuda (default auto)"
    )
    serve.add_argument(
        "--checkpoint",
        type=Path,
        default=_env("CHECKPOINT", None),
        help="trained checkpoint (default: the bundled demo checkpoint)",
    )
    serve.add_argument(
        "--config",
        default=_env("CONFIG", "tiny"),
        help="network config when no checkpoint exists (default tiny)",
    )
    serve.add_argument(
        "--max-batch",
        type=int,
        default=int(_env("MAX_BATCH", "4")),
        help="most frames (streams) per forward pass (default 4)",
    )
    serve.add_argument(
        "--fp16",
        action="store_true",
        default=_env("FP16", "0") == "1",
        help="half precision (CUDA only)",
    )
    serve.add_argument(
        "--compile",
        action="store_true",
        default=_env("COMPILE", "0") == "1",
        help="torch.compile the network (CUDA graphs on a GPU): slower start, faster forward",
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=int(_env("THREADS", "0")) or None,
        help="CPU threads for inference (default: torch's choice)",
    )
    serve.add_argument(
        "--confidence",
        type=float,
        default=_env("CONFIDENCE", None),
        help="below this hand confidence, publish 'no hand' (default: the threshold stored "
        "with the checkpoint, else 0.25)",
    )
    serve.add_argument("--hand", default=_env("HAND", None), help="hand model (default builtin)")
    serve.add_argument(
        "--curve-keys",
        type=Path,
        default=_env("CURVE_KEYS", None),
        help="folder from 'handmesh keys': encrypt with CURVE, admit only its clients",
    )
    serve.add_argument(
        "--record",
        type=Path,
        default=_env("RECORD", None),
        help="write every frame received and every result published to this new .hmstream",
    )
    serve.set_defaults(run=_serve)

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
        "--server", default=_env("SERVER", DEFAULT_ROUTER), help="server ROUTER address"
    )
    recorder.add_argument(
        "--pub", default=_env("RESULTS", DEFAULT_RESULTS), help="server PUB (results) address"
    )
    recorder.add_argument("--stream", default=None, help="only this stream (default: all)")
    recorder.add_argument("--seconds", type=float, default=None, help="stop after this long")
    recorder.set_defaults(run=_record)

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
        "--server", default=_env("SERVER", DEFAULT_ROUTER), help="server ROUTER address"
    )
    camera.add_argument(
        "--results", default=_env("RESULTS", DEFAULT_RESULTS), help="server PUB address"
    )
    camera.add_argument("--count", type=int, default=None, help="stop after this many frames")
    camera.add_argument("--loop", action="store_true", help="restart a file source at its end")
    camera.add_argument(
        "--preview", action="store_true", help="show the image with the results drawn"
    )
    _add_curve_client_arguments(camera)
    camera.set_defaults(run=_camera)

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

    from server import bench_replay

    replay_bench = benches.add_parser(
        "replay",
        help="schedule accuracy of results-mode replay",
        description="Replays a recorded one-hand result stream at 1× and reports send time minus "
        "schedule (p50, p99, max) over --messages messages.",
    )
    bench_replay.add_arguments(replay_bench)
    replay_bench.set_defaults(run_bench=bench_replay.run)

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

    ping = commands.add_parser(
        "ping",
        help="health check: hello round trip with a running server",
        description="Sends hello to the server's ROUTER and waits for its answer; exit 0 when it "
        "answers in time (prints its model and rig), 1 otherwise.",
    )
    ping.add_argument(
        "--server", default=_env("SERVER", DEFAULT_ROUTER), help="server ROUTER address"
    )
    ping.add_argument("--timeout", type=float, default=2.0, help="seconds to wait (default 2)")
    _add_curve_client_arguments(ping)
    ping.set_defaults(run=_ping)

    keys = commands.add_parser(
        "keys",
        help="make CURVE key pairs for the server and its clients",
        description="Writes DIR/server/server.key(_secret) and DIR/clients/NAME.key(_secret); "
        "'handmesh serve --curve-keys DIR' then encrypts and admits exactly those clients.",
    )
    keys.add_argument("--out", type=Path, required=True, help="keys folder")
    keys.add_argument(
        "--clients", nargs="+", default=["client"], help="client names (default: client)"
    )
    keys.set_defaults(run=_keys)


def _add_curve_client_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags a client needs to talk to a `serve --curve-keys` server."""
    parser.add_argument(
        "--curve-keys", type=Path, default=_env("CURVE_KEYS", None), help="keys folder (CURVE)"
    )
    parser.add_argument("--client", default="client", help="client key name in the keys folder")


def _serve(args: argparse.Namespace) -> int:
    import logging
    import signal

    import numpy as np
    import torch

    from model.export import serving_settings
    from model.hand import load_hand
    from model.hand.rig import rig_message
    from model.inference import DEFAULT_CONFIDENCE_THRESHOLD, HandMeshPredictor
    from model.net.config import get_config
    from model.net.network import build_network
    from server.app import HandServer, ServerSettings
    from server.pipeline import HandPipeline

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    device = "cuda" if args.device == "auto" and torch.cuda.is_available() else args.device
    if device == "auto":
        device = "cpu"
    if args.threads:
        torch.set_num_threads(args.threads)
    dtype = torch.float16 if args.fp16 else torch.float32
    hand = load_hand(args.hand)
    checkpoint = args.checkpoint or (DEFAULT_CHECKPOINT if DEFAULT_CHECKPOINT.exists() else None)
    serving: dict = {}
    if checkpoint is not None:
        predictor = HandMeshPredictor.from_checkpoint(
            checkpoint, device, dtype, args.hand, compile=args.compile
        )
        model_id = checkpoint.stem
        serving = serving_settings(checkpoint)
        if "about" in serving:
            logging.info("model %s: %s", model_id, serving["about"])
    else:
        logging.warning(
            "no trained checkpoint: serving a randomly initialised %s network "
            "(predictions are meaningless; pass --checkpoint)",
            args.config,
        )
        network = build_network(get_config(args.config), hand)
        predictor = HandMeshPredictor(network, device, dtype, compile=args.compile)
        model_id = f"{args.config}-untrained"
    for address in (args.router, args.pub):
        if args.curve_keys is None and "127.0.0.1" not in address and "localhost" not in address:
            logging.warning(
                "binding %s beyond loopback without authentication: anyone on the network can "
                "send frames and read results",
                address,
            )
    confidence = args.confidence
    if confidence is None:
        confidence = serving.get("confidence_threshold", DEFAULT_CONFIDENCE_THRESHOLD)
    pipeline = HandPipeline(predictor, hand, float(confidence))
    size = predictor.input_size
    # Warm-up at every batch size the server will run: first passes allocate, pick kernels
    # and, with --compile, compile (and record CUDA graphs) per shape.
    for batch in range(1, args.max_batch + 1):
        for _ in range(2):
            predictor.predict(np.zeros((batch, size, size, 3), np.uint8))
    rig = rig_message(hand)
    recorder = None
    if args.record is not None:
        from protocol.stream_file import StreamWriter

        metadata = {"source": "handmesh serve", "model": model_id, "rig": rig.rig_id}
        recorder = StreamWriter(args.record, metadata)
    server = HandServer(
        ServerSettings(args.router, args.pub, args.max_batch),
        pipeline,
        rig,
        model_id,
        curve_keys=args.curve_keys,
        recorder=recorder,
    )
    router, pub = server.bind()
    signal.signal(signal.SIGINT, lambda *_: server.stop())
    signal.signal(signal.SIGTERM, lambda *_: server.stop())
    print(
        f"handmesh serve: ready — client messages on {router}, results on {pub} "
        f"(model {model_id}, device {device})",
        flush=True,
    )
    try:
        server.serve()
    finally:
        if recorder is not None:
            recorder.close()
            print(f"handmesh serve: recorded to {args.record}", flush=True)
    print("handmesh serve: stopped", flush=True)
    return 0


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


def _ping(args: argparse.Namespace) -> int:
    import zmq

    from protocol.codec import decode, encode
    from protocol.errors import ProtocolError
    from protocol.messages import Hello

    context = zmq.Context()
    socket = context.socket(zmq.DEALER)
    socket.setsockopt(zmq.LINGER, 0)
    if args.curve_keys is not None:
        from server.security import secure_client

        secure_client([socket], args.curve_keys, args.client)
    socket.connect(args.server)
    try:
        socket.send(encode(Hello("client", "handmesh-ping 0.1.0")))
        if not socket.poll(int(args.timeout * 1000)):
            print(f"no answer from {args.server} within {args.timeout} s")
            return 1
        reply = decode(socket.recv())
    except ProtocolError as error:
        print(f"{args.server} answered with an invalid message: {error}")
        return 1
    finally:
        socket.close()
        context.term()
    if not isinstance(reply, Hello):
        print(f"{args.server} answered {type(reply).__name__}, not hello")
        return 1
    print(f"{args.server}: {reply.software}, model {reply.model}, rig {reply.rig}")
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


def _keys(args: argparse.Namespace) -> int:
    from server.security import make_keys

    for path in make_keys(args.out, args.clients):
        print(f"wrote {path}")
    return 0


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
