"""The latency benchmarks' machinery: a camera load matched frame by frame to a real server's
results and to engine acks, and the numbers and plot made from it."""

from __future__ import annotations

import argparse
import json
import threading
import time

import zmq
from server_helpers import SAMPLE, FixedHandPredictor, RunningServer

from protocol.codec import decode, encode
from protocol.messages import Ack
from server import bench_latency
from server.latency_report import plot, summarize
from server.load import CameraLoad
from server.replay import recorded_frames


def fake_engine(server: RunningServer, stop: threading.Event) -> None:
    """Acks every result it sees, as the Unity client does, 2 ms after receiving it."""
    context = zmq.Context()
    sub, dealer = context.socket(zmq.SUB), context.socket(zmq.DEALER)
    sub.connect(server.pub)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    dealer.connect(server.router)
    while not stop.is_set():
        if sub.poll(50):
            hands = decode(sub.recv_multipart()[1])
            received = time.time_ns()
            dealer.send(encode(Ack(hands.stream, hands.seq, received, received + 2_000_000)))
    sub.close(0)
    dealer.close(0)
    context.term()


def test_two_streams_are_matched_frame_by_frame_with_results_and_acks(tmp_path):
    server = RunningServer("tcp://127.0.0.1:*", "tcp://127.0.0.1:*", predictor=FixedHandPredictor())
    stop = threading.Event()
    engine = threading.Thread(target=fake_engine, args=(server, stop))
    engine.start()
    try:
        load = CameraLoad(server.router, server.pub, recorded_frames(SAMPLE)[:20], 10, 2, 2.0)
        run = load.run(drain_s=0.5)
    finally:
        stop.set()
        engine.join(5)
        server.stop()
    assert len(run.timings) == 40 and {t.stream for t in run.timings} == {"bench0", "bench1"}
    answered = [t for t in run.timings if t.t_result_ns is not None]
    assert len(answered) >= 36  # 10 fps per stream is far below what the server manages
    assert all(t.t_result_ns > t.t_capture_ns for t in answered)
    assert all({"forward", "detect"} & set(t.stage_us) for t in answered)
    numbers = summarize(run, load.stream_ids)
    assert numbers["frames_sent"] == 40 and numbers["dropped"] == 40 - len(answered)
    assert 8.0 < numbers["fps_in"] < 11.0
    assert numbers["server_ms_p50"] <= numbers["e2e_ms_p50"] <= numbers["e2e_ms_max"]
    # The engine applies 2 ms after it receives, and it receives after the server is done:
    # capture → applied spans every server stage plus those 2 ms, frame by frame.
    acked = [t for t in answered if t.t_apply_ns is not None]
    assert len(acked) >= 30 and numbers["apply_ms_p50"] > 0
    assert all(
        t.t_apply_ns - t.t_capture_ns >= sum(t.stage_us.values()) * 1000 + 2_000_000 for t in acked
    )
    assert {"bench0_server_ms_p99", "bench1_fps_out", "stage_forward_ms_p50"} <= set(numbers)
    picture = plot(run, load.stream_ids, tmp_path / "e2e.png", "test")
    assert picture.stat().st_size > 10_000


def test_bench_e2e_against_a_named_server_writes_json_and_png(tmp_path, capsys):
    server = RunningServer("tcp://127.0.0.1:*", "tcp://127.0.0.1:*", predictor=FixedHandPredictor())
    parser = argparse.ArgumentParser()
    bench_latency.add_e2e_arguments(parser)
    args = parser.parse_args(
        ["--server", server.router, "--pub", server.pub, "--seconds", "1", "--out", str(tmp_path)]
    )
    try:
        numbers = bench_latency.run_e2e_bench(args)
    finally:
        server.stop()
    assert json.loads((tmp_path / "e2e.json").read_text()) == numbers
    assert numbers["results"] >= 25 and (tmp_path / "e2e.png").exists()
