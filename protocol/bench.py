"""`handmesh bench codec`: message sizes, codec speed, and the protocol's cost over raw ZeroMQ.

Both round trips run in this process over TCP on 127.0.0.1, DEALER → ROUTER → DEALER, with
the same message: a result with one hand of 778 float16 vertices (MANO's count, the most a
built-in hand has). "raw" sends its pre-encoded bytes and the ROUTER echoes them untouched;
"protocol" does the work of a real exchange on top: encode, send, decode on the far side,
encode the reply, send it back, decode it. The two loops alternate round by round, so
machine noise lands on both and their ratio is fair. Timings are medians after a warm-up.
"""

from __future__ import annotations

import time

import numpy as np
import zmq

from protocol.codec import decode, encode
from protocol.messages import Hands
from protocol.vectors import sample_hand

MANO_VERTICES = 778
STAGES_US = {"decode": 800, "locate": 40, "forward": 15_000, "ik": 270, "filter": 12}


def sample_hands(dtype: type = np.float16, vertices: int | None = MANO_VERTICES) -> Hands:
    """A realistic result: one right hand, ``vertices`` vertices of ``dtype`` (None: none)."""
    hand = sample_hand(np.random.default_rng(0), "right", vertices, dtype)
    return Hands("cam0", 1_234, 1_700_000_000_000_000_000, STAGES_US, (hand,))


def bytes_per_hand(message: Hands) -> int:
    """What one hand adds to a result: its encoded size minus that of the same result
    without hands."""
    empty = Hands(message.stream, message.seq, message.t_capture_ns, message.stage_us)
    return len(encode(message)) - len(encode(empty))


def run(iterations: int = 2000, warmup: int = 200) -> dict[str, float]:
    """Sizes and timings as a flat dict (µs, bytes); see the module docstring."""
    message = sample_hands()
    payload = encode(message)
    encode_ns, decode_ns = [], []
    for round_index in range(warmup + iterations):
        start = time.perf_counter_ns()
        data = encode(message)
        middle = time.perf_counter_ns()
        decode(data)
        end = time.perf_counter_ns()
        if round_index >= warmup:
            encode_ns.append(middle - start)
            decode_ns.append(end - middle)
    raw_ns, protocol_ns = _round_trips(message, payload, warmup, iterations)
    raw_p50, protocol_p50 = _median_us(raw_ns), _median_us(protocol_ns)
    return {
        "vertices": MANO_VERTICES,
        "bytes_message_f16": len(payload),
        "bytes_per_hand_f16": bytes_per_hand(message),
        "bytes_per_hand_f32": bytes_per_hand(sample_hands(np.float32)),
        "bytes_per_hand_no_vertices": bytes_per_hand(sample_hands(vertices=None)),
        "encode_us_p50": _median_us(encode_ns),
        "decode_us_p50": _median_us(decode_ns),
        "zmq_raw_roundtrip_us_p50": raw_p50,
        "zmq_protocol_roundtrip_us_p50": protocol_p50,
        "zmq_raw_roundtrip_us_p95": _percentile_us(raw_ns, 95),
        "zmq_protocol_roundtrip_us_p95": _percentile_us(protocol_ns, 95),
        "protocol_over_raw_ratio": round(protocol_p50 / raw_p50, 3),
        "iterations": iterations,
    }


def _round_trips(
    message: Hands, payload: bytes, warmup: int, iterations: int
) -> tuple[list[int], list[int]]:
    """Durations (ns) of alternating raw and protocol round trips, warm-up excluded."""
    context = zmq.Context()
    router, dealer = context.socket(zmq.ROUTER), context.socket(zmq.DEALER)
    raw_ns, protocol_ns = [], []
    try:
        for socket in (router, dealer):
            socket.setsockopt(zmq.LINGER, 0)
        port = router.bind_to_random_port("tcp://127.0.0.1")
        dealer.connect(f"tcp://127.0.0.1:{port}")
        for round_index in range(warmup + iterations):
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

            if round_index >= warmup:
                raw_ns.append(raw)
                protocol_ns.append(protocol)
    finally:
        router.close()
        dealer.close()
        context.term()
    return raw_ns, protocol_ns


def _median_us(durations_ns: list[int]) -> float:
    return _percentile_us(durations_ns, 50)


def _percentile_us(durations_ns: list[int], q: float) -> float:
    return round(float(np.percentile(durations_ns, q)) / 1000.0, 2)
