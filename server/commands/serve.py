"""Running and checking a server: `serve` runs one, `ping` asks a running one whether it
answers, `keys` makes the CURVE keys that `serve --curve-keys` and its clients use."""

from __future__ import annotations

import argparse
from pathlib import Path

from server.commands.common import (
    DEFAULT_RESULTS,
    DEFAULT_ROUTER,
    add_curve_client_arguments,
    env_default,
)
from server.paths import DEFAULT_CHECKPOINT


def add_serve(commands: argparse._SubParsersAction) -> None:
    """Adds `handmesh serve`."""
    serve = commands.add_parser(
        "serve",
        help="run the inference server (ZeroMQ ROUTER for frames, PUB for results)",
        description="Receives camera frames, runs the network (CUDA when present, else CPU), "
        "publishes joints, joint rotations and the mesh. Binds 127.0.0.1 by default. Every flag "
        "can also be set by an environment variable HANDMESH_<FLAG> (e.g. HANDMESH_DEVICE=cpu).",
    )
    serve.add_argument(
        "--router",
        default=env_default("ROUTER", DEFAULT_ROUTER),
        help="bind address for client messages (default tcp://127.0.0.1:5555)",
    )
    serve.add_argument(
        "--pub",
        default=env_default("PUB", DEFAULT_RESULTS),
        help="bind address for results (default tcp://127.0.0.1:5556)",
    )
    serve.add_argument(
        "--device", default=env_default("DEVICE", "auto"), help="auto, cpu or cuda (default auto)"
    )
    serve.add_argument(
        "--checkpoint",
        type=Path,
        default=env_default("CHECKPOINT", None),
        help="trained checkpoint (default: the bundled demo checkpoint)",
    )
    serve.add_argument(
        "--config",
        default=env_default("CONFIG", "tiny"),
        help="network config when no checkpoint exists (default tiny)",
    )
    serve.add_argument(
        "--max-batch",
        type=int,
        default=int(env_default("MAX_BATCH", "4")),
        help="most frames (streams) per forward pass (default 4)",
    )
    serve.add_argument(
        "--fp16",
        action="store_true",
        default=env_default("FP16", "0") == "1",
        help="half precision (CUDA only)",
    )
    serve.add_argument(
        "--compile",
        action="store_true",
        default=env_default("COMPILE", "0") == "1",
        help="torch.compile the network (CUDA graphs on a GPU): slower start, faster forward",
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=int(env_default("THREADS", "0")) or None,
        help="CPU threads for inference (default: torch's choice)",
    )
    serve.add_argument(
        "--confidence",
        type=float,
        default=env_default("CONFIDENCE", None),
        help="below this hand confidence, publish 'no hand' (default: the threshold stored "
        "with the checkpoint, else 0.25)",
    )
    serve.add_argument(
        "--hand", default=env_default("HAND", None), help="hand model (default builtin)"
    )
    serve.add_argument(
        "--curve-keys",
        type=Path,
        default=env_default("CURVE_KEYS", None),
        help="folder from 'handmesh keys': encrypt with CURVE, admit only its clients",
    )
    serve.add_argument(
        "--record",
        type=Path,
        default=env_default("RECORD", None),
        help="write every frame received and every result published to this new .hmstream",
    )
    serve.set_defaults(run=_serve)


def add_ping(commands: argparse._SubParsersAction) -> None:
    """Adds `handmesh ping`."""
    ping = commands.add_parser(
        "ping",
        help="health check: hello round trip with a running server",
        description="Sends hello to the server's ROUTER and waits for its answer; exit 0 when it "
        "answers in time (prints its model and rig), 1 otherwise.",
    )
    ping.add_argument(
        "--server", default=env_default("SERVER", DEFAULT_ROUTER), help="server ROUTER address"
    )
    ping.add_argument("--timeout", type=float, default=2.0, help="seconds to wait (default 2)")
    add_curve_client_arguments(ping)
    ping.set_defaults(run=_ping)


def add_keys(commands: argparse._SubParsersAction) -> None:
    """Adds `handmesh keys`."""
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


def _keys(args: argparse.Namespace) -> int:
    from server.security import make_keys

    for path in make_keys(args.out, args.clients):
        print(f"wrote {path}")
    return 0
