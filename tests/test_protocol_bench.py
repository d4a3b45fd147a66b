"""`handmesh bench codec`: it measures what the issue asks for, in one run, and the
one-hand message stays within its size budget."""

from __future__ import annotations

import argparse
import math

import numpy as np

from protocol import cli
from protocol.bench import MANO_VERTICES, bytes_per_hand, run, sample_hands
from protocol.codec import decode, encode
from protocol.vectors import plain

REQUIRED = {
    "bytes_per_hand_f16",
    "bytes_per_hand_f32",
    "encode_us_p50",
    "decode_us_p50",
    "zmq_raw_roundtrip_us_p50",
    "zmq_protocol_roundtrip_us_p50",
    "protocol_over_raw_ratio",
}


def test_one_hand_with_778_float16_vertices_fits_in_5_5_kb():
    assert bytes_per_hand(sample_hands()) <= 5500
    # float32 doubles the vertices' share; without vertices a hand is well under 1 KB.
    assert bytes_per_hand(sample_hands(np.float32)) - bytes_per_hand(sample_hands()) == (
        MANO_VERTICES * 3 * 2
    )
    assert bytes_per_hand(sample_hands(vertices=None)) < 1000


def test_the_benchmark_message_is_a_valid_realistic_result():
    message = sample_hands()
    hand = decode(encode(message)).hands[0]
    assert plain(hand) == plain(message.hands[0])
    assert hand.vertices.shape == (MANO_VERTICES, 3) and hand.vertices.dtype == np.float16
    rotations = np.vstack([hand.wrist_rotation, hand.local_rotations])
    np.testing.assert_allclose(np.linalg.norm(rotations, axis=1), 1.0, atol=1e-6)


def test_codec_bench_reports_sizes_and_timings_from_one_run():
    numbers = run(iterations=30, warmup=3)
    assert set(numbers) >= REQUIRED
    assert all(
        isinstance(value, int | float) and math.isfinite(value) for value in numbers.values()
    )
    assert numbers["zmq_protocol_roundtrip_us_p50"] > 0 and numbers["zmq_raw_roundtrip_us_p50"] > 0
    ratio = numbers["zmq_protocol_roundtrip_us_p50"] / numbers["zmq_raw_roundtrip_us_p50"]
    assert math.isclose(numbers["protocol_over_raw_ratio"], ratio, rel_tol=1e-2)


def test_bench_codec_is_a_handmesh_benchmark():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    benches = commands.add_parser("bench").add_subparsers(dest="bench")
    cli.register(commands, benches)
    args = parser.parse_args(["bench", "codec", "--iterations", "10", "--warmup", "2"])
    assert set(args.run_bench(args)) >= REQUIRED
