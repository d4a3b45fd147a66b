"""Replay: recorded results published as the server would, recorded frames re-sent to a server."""

from __future__ import annotations

import threading
import time

import zmq
from server_helpers import SAMPLE, FixedHandPredictor, RunningServer

from protocol.bench import sample_hands
from protocol.codec import decode, encode
from protocol.messages import Frame, Hands
from protocol.stream_file import StreamWriter
from server.replay import publish_results, records_of, replay_schedule, send_frames


def write_recording(path, count: int, period_ns: int) -> list[bytes]:
    message = sample_hands()
    payloads = []
    with StreamWriter(path) as writer:
        writer.write(b"\x00 not a message", t_receive_ns=0)  # skipped by replay
        for seq in range(count):
            payload = encode(Hands("cam0", seq, seq * period_ns, message.stage_us, message.hands))
            writer.write(payload, t_receive_ns=seq * period_ns)
            payloads.append(payload)
    return payloads


def test_results_replay_publishes_the_recorded_bytes_on_schedule(tmp_path):
    path = tmp_path / "results.hmstream"
    payloads = write_recording(path, 30, period_ns=10_000_000)
    context = zmq.Context()
    pub, sub = context.socket(zmq.PUB), context.socket(zmq.SUB)
    port = pub.bind_to_random_port("tcp://127.0.0.1")
    sub.connect(f"tcp://127.0.0.1:{port}")
    sub.setsockopt(zmq.SUBSCRIBE, b"cam0")
    time.sleep(0.3)
    try:
        start = time.perf_counter()
        lateness = replay_schedule(records_of(path, Hands), 2.0, publish_results(pub))
        elapsed = time.perf_counter() - start
        received = []
        while sub.poll(500):
            received.append(sub.recv_multipart())
    finally:
        pub.close(0)
        sub.close(0)
        context.term()
    assert [payload for _, payload in received] == payloads
    assert all(topic == b"cam0" for topic, _ in received)
    assert 0.14 <= elapsed < 0.5  # 29 gaps of 10 ms at 2× speed
    assert max(lateness) < 0.05


def test_frames_replay_drives_a_server_with_fresh_capture_times():
    frames = records_of(SAMPLE, Frame)[:10]  # the bundled sample: frames and their truth
    server = RunningServer("tcp://127.0.0.1:*", "tcp://127.0.0.1:*", predictor=FixedHandPredictor())
    context = zmq.Context()
    dealer, sub = context.socket(zmq.DEALER), context.socket(zmq.SUB)
    dealer.connect(server.router)
    sub.connect(server.pub)
    sub.setsockopt(zmq.SUBSCRIBE, b"synth")
    time.sleep(0.3)
    try:
        before = time.time_ns()
        thread = threading.Thread(target=replay_schedule, args=(frames, 1.0, send_frames(dealer)))
        thread.start()
        results = []
        while sub.poll(2000):
            results.append(decode(sub.recv_multipart()[1]))
        thread.join(5)
    finally:
        dealer.close(0)
        sub.close(0)
        context.term()
        server.stop()
    assert results and all(r.t_capture_ns >= before for r in results)
    assert results[-1].seq == 9
