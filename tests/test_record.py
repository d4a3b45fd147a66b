"""Recording: `handmesh record` taps a server's frames and results; `serve --record` writes
its own; a recorder killed with SIGKILL leaves a readable file."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

import zmq
from server_helpers import SAMPLE, FixedHandPredictor, RunningServer

from protocol.codec import decode
from protocol.messages import Frame, Hands
from protocol.stream_file import StreamReader, StreamWriter
from server.record import record
from server.replay import records_of


def send_sample_frames(router: str, count: int, gap_s: float = 0.02) -> list[bytes]:
    """Sends the bundled sample's first frames as a camera would; returns the bytes sent."""
    payloads = [record.payload for record, _ in records_of(SAMPLE, Frame)[:count]]
    context = zmq.Context()
    dealer = context.socket(zmq.DEALER)
    dealer.setsockopt(zmq.LINGER, 1000)
    dealer.connect(router)
    for payload in payloads:
        dealer.send(payload)
        time.sleep(gap_s)
    dealer.close()
    context.term()
    return payloads


def read_back(path) -> tuple[list[bytes], list[Hands], StreamReader]:
    reader = StreamReader(path)
    frames, results = [], []
    for entry in reader.records():
        message = decode(entry.payload)
        if isinstance(message, Frame):
            frames.append(entry.payload)
        else:
            results.append(message)
    return frames, results, reader


def test_record_taps_the_frames_other_clients_send_and_the_results(tmp_path):
    server = RunningServer("tcp://127.0.0.1:*", "tcp://127.0.0.1:*", predictor=FixedHandPredictor())
    path = tmp_path / "tap.hmstream"
    stop = threading.Event()
    recorder = threading.Thread(
        target=record, args=(path, server.router, server.pub), kwargs={"stop": stop.is_set}
    )
    try:
        recorder.start()
        time.sleep(0.5)  # hello answered, tap lease held, SUB connected
        sent = send_sample_frames(server.router, 20, gap_s=0.05)
        time.sleep(0.5)
        stop.set()
        recorder.join(5)
    finally:
        server.stop()
    frames, results, reader = read_back(path)
    assert frames == sent  # verbatim, in order
    assert len(results) >= 15 and all(r.stream == "synth" for r in results)
    assert [r.seq for r in results] == sorted(r.seq for r in results)
    assert reader.metadata["model"] == "micro" and reader.metadata["source"] == "handmesh record"


def test_serve_record_writes_every_accepted_frame_and_published_result(tmp_path):
    path = tmp_path / "served.hmstream"
    writer = StreamWriter(path, {"source": "test"})
    server = RunningServer(
        "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", predictor=FixedHandPredictor(), recorder=writer
    )
    try:
        sent = send_sample_frames(server.router, 10, gap_s=0.08)
        time.sleep(0.5)
    finally:
        server.stop()
        writer.close()
    frames, results, _ = read_back(path)
    assert frames == sent
    assert [r.seq for r in results] == list(range(10))  # 80 ms apart: none dropped
    assert all(r.stage_us["wait"] >= 0 for r in results)
    assert all({"forward", "detect"} & set(r.stage_us) for r in results)  # tracked or searched


def test_a_recording_process_killed_with_sigkill_leaves_every_record_readable(tmp_path):
    server = RunningServer("tcp://127.0.0.1:*", "tcp://127.0.0.1:*", predictor=FixedHandPredictor())
    command = [sys.executable, "-m", "server.cli", "record", "--out", str(tmp_path)]  # a folder
    process = subprocess.Popen(
        [*command, "--server", server.router, "--pub", server.pub], stdout=subprocess.PIPE
    )
    sender = threading.Thread(target=send_sample_frames, args=(server.router, 180, 0.01))
    try:
        assert b"handmesh record" in process.stdout.readline()
        time.sleep(1.0)  # the interpreter is up; its hello comes before the first frame
        sender.start()
        deadline = time.monotonic() + 20
        while not (found := list(tmp_path.glob("record-*.hmstream"))) or (
            found[0].stat().st_size < 500_000  # mid-stream
        ):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        sender.join(10)
    finally:
        process.kill()
        server.stop()
    [path] = found
    frames, results, reader = read_back(path)  # every record decodes: none half-written
    assert len(frames) >= 10 and len(results) >= 5
    assert reader.problems.corrupt_offsets == []
    last = reader.problems.truncated_at
    assert last is None or last >= path.stat().st_size - 70_000  # at most the record in flight
