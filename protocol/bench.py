"""`handmesh bench codec`: message sizes, codec speed, and the protocol's cost over raw ZeroMQ.

Both round trips run in the same process on 127.0.0.1 with the same bytes: "raw" sends a
pre-encoded hands message DEALER → ROUTER and back, echoed untouched; "protocol" encodes,
sends, decodes on the far side, re-encodes the reply, sends it back and decodes it — the
work a real exchange does. Alternating the two loops keeps machine noise out of the ratio.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import zmq

from protocol.codec import decode, encode
from protocol.messages import Hand, Hands

MANO_VERTICES = 778  # the largest hand mesh in use; the built-in hand has fewer


def sample_hands(dtype: type = np.float16, vertices: int = MANO_VERTICES) -> Hands:
    rng = np.random.default_rng(0)
    quaternions = np.tile(np.array([0.0, 0.0, 0.0, 1.0], np.float32), (16, 1))
    hand = Hand(
        "right",
        0.9,
        rng.normal(size=(21, 3)).astype(np.float32),
        rng.uniform(0, 640, (21, 2)).astype(np.float32),
        np.array([0.0, 0.0, 0.45], np.float32),
        quaternions[0],
        quaternions[1:],
        rng.normal(scale=0.05, size=(vertices, 3)).astype(dtype),
    )
    return Hands("cam0", 1, 0, {"decode": 800, "forward": 15000, "ik": 270}, (hand,))


def _percentile_us(durations_ns: list[int], q: float) -> float:
    return float(np.percentile(durations_ns, q)) / 1000.0


def run(args: argparse.Namespace) -> dict[str, float]:
    empty = len(encode(Hands("cam0", 1, 0, {"decode": 800, "forward": 15000, "ik": 270})))
    message = sample_hands()
    payload = encode(message)
    encode_ns, decode_ns = [], []
    for _ in range(args.iterations):
        start = time.perf_counter_ns()
        data = encode(message)
        middle = time.perf_counter_ns()
        decode(data)
        encode_ns.append(middle - start)
        decode_ns.append(time.perf_counter_ns() - middle)

    context = zmq.Context()
    router, dealer = context.socket(zmq.ROUTER), context.socket(zmq.DEALER)
    for socket in (router, dealer):
        socket.setsockopt(zmq.LINGER, 0)
    port = router.bind_to_random_port("tcp://127.0.0.1")
    dealer.connect(f"tcp://127.0.0.1:{port}")
    raw_ns, protocol_ns = [], []
    try:
        for round_index in range(args.iterations + args.warmup):
            start = time.perf_counter_ns()
            dealer.send(payload)
            identity, received = router.recv_multipart()
            router.send_multipart([identity, received])
            dealer.recv()
            raw = time.perf_counter_ns() - start

            start = time.perf_counter_ns()
            dealer.send(encode(message))
            identity, received = router.recv_multipart()
            reply = decode(received)
            router.send_multipart([identity, encode(reply)])
            decode(dealer.recv())
            protocol = time.perf_counter_ns() - start
            if round_index >= args.warmup:
                raw_ns.append(raw)
                protocol_ns.append(protocol)
    finally:
        router.close()
        dealer.close()
        context.term()
    raw_p50, protocol_p50 = _percentile_us(raw_ns, 50), _percentile_us(protocol_ns, 50)
    return {
        "bytes_per_hand_f16": len(payload) - empty,
        "bytes_per_hand_f32": len(encode(sample_hands(np.float32))) - empty,
        "bytes_per_hand_no_vertices": len(encode(sample_hands(vertices=0))) - empty - 12,
        "vertices": MANO_VERTICES,
        "encode_us_p50": _percentile_us(encode_ns, 50),
        "decode_us_p50": _percentile_us(decode_ns, 50),
        "zmq_raw_roundtrip_us_p50": raw_p50,
        "zmq_protocol_roundtrip_us_p50": protocol_p50,
        "zmq_protocol_roundtrip_us_p99": _percentile_us(protocol_ns, 99),
        "protocol_over_raw_ratio": protocol_p50 / raw_p50,
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--iterations", type=int, default=2000, help="timed round trips (default 2000)"
    )
    parser.add_argument(
        "--warmup", type=int, default=200, help="untimed round trips first (default 200)"
    )
