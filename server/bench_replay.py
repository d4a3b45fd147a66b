"""`handmesh bench replay`: how closely results-mode replay keeps its schedule.

Records a stream of one-hand results at --fps into a temporary file, replays it at 1× on a
PUB socket (with a subscriber attached, as in use), and reports each message's send time
minus its scheduled time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import zmq

from protocol.bench import sample_hands
from protocol.codec import encode
from protocol.messages import Hands
from protocol.stream_file import StreamWriter
from server.replay import publish_results, records_of, replay_schedule


def run(args: argparse.Namespace) -> dict[str, float]:
    message = sample_hands()
    period_ns = int(1e9 / args.fps)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.hmstream"
        with StreamWriter(path, {"source": "bench replay"}) as writer:
            for seq in range(args.messages):
                hands = Hands(message.stream, seq, seq * period_ns, message.stage_us, message.hands)
                writer.write(encode(hands), t_receive_ns=seq * period_ns)
        records = records_of(path, Hands)
    context = zmq.Context()
    pub, sub = context.socket(zmq.PUB), context.socket(zmq.SUB)
    for socket in (pub, sub):
        socket.setsockopt(zmq.LINGER, 0)
    port = pub.bind_to_random_port("tcp://127.0.0.1")
    sub.connect(f"tcp://127.0.0.1:{port}")
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    time.sleep(0.3)
    try:
        lateness_ms = np.array(replay_schedule(records, 1.0, publish_results(pub))) * 1000.0
        received = 0
        while sub.poll(200):
            sub.recv_multipart()
            received += 1
    finally:
        pub.close()
        sub.close()
        context.term()
    error = np.abs(lateness_ms)
    return {
        "messages": len(records),
        "fps": args.fps,
        "timing_error_ms_p50": float(np.percentile(error, 50)),
        "timing_error_ms_p99": float(np.percentile(error, 99)),
        "timing_error_ms_max": float(error.max()),
        "received_by_subscriber": received,
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--messages", type=int, default=600, help="messages to replay (default 600)"
    )
    parser.add_argument("--fps", type=float, default=30.0, help="recorded rate (default 30)")
