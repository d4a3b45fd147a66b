"""The Unity client's C# core against real servers over 127.0.0.1: `handmesh replay` (results
on a PUB), `handmesh serve` (hello, rig, frames, acks, stats) and a pyzmq ROUTER that
restarts — libzmq on the other end every time, so the hand-written ZMTP is checked against
the real thing, not against itself."""

from __future__ import annotations

import hashlib
import json
import queue
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np
import zmq
from unity_harness import REPO, csharp

from model.hand.rig import rig_message
from protocol.bench import sample_hands
from protocol.codec import decode, encode
from protocol.messages import Hands, Hello, RigRequest
from protocol.stream_file import StreamWriter
from server.paths import DEFAULT_CHECKPOINT

HANDMESH = str(Path(sys.executable).with_name("handmesh"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ProbeLines:
    """The probe's JSON lines, read on a thread so a test can wait for one with a timeout."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.lines: queue.Queue[dict] = queue.Queue()
        self.seen: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(json.loads(line))

    def wait_for(self, condition, timeout: float, what: str) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                assert self.process.poll() is None, f"probe exited: {self.process.stderr.read()}"
                continue
            self.seen.append(line)
            if condition(line):
                return line
        statuses = [line for line in self.seen if line["event"] == "status"]
        raise AssertionError(f"timed out waiting for {what}; last status: {statuses[-1:]}")

    def events(self, name: str) -> list[dict]:
        return [line for line in self.seen if line["event"] == name]

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(5)


def start_probe(router: str, pub: str, stream: str, *extra: str) -> ProbeLines:
    endpoints = ("--router", router, "--pub", pub, "--stream", stream)
    return ProbeLines(csharp().start_probe("client", *endpoints, "--seconds", "60", *extra))


def start_replay(recording: Path, pub: str) -> subprocess.Popen:
    command = [HANDMESH, "replay", str(recording), "--mode", "results", "--to", pub]
    return subprocess.Popen([*command, "--speed", "2", "--loop"], cwd=REPO)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def write_results_recording(path: Path, count: int) -> set[str]:
    """``count`` distinct results of stream cam0, 10 ms apart; returns their payloads' SHA-1."""
    template = sample_hands()
    hashes = set()
    with StreamWriter(path) as writer:
        for seq in range(count):
            payload = encode(Hands("cam0", seq, 1_000_000 + seq, template.stage_us, template.hands))
            writer.write(payload, t_receive_ns=seq * 10_000_000)
            hashes.add(hashlib.sha1(payload).hexdigest())
    return hashes


def status_where(condition):
    return lambda line: line["event"] == "status" and condition(line)


def test_csharp_client_takes_300_replayed_results_intact_and_resubscribes_after_a_restart(tmp_path):
    recording = tmp_path / "results.hmstream"
    payload_hashes = write_results_recording(recording, 100)
    pub = f"tcp://127.0.0.1:{free_port()}"
    router = f"tcp://127.0.0.1:{free_port()}"  # nobody there: the DEALER retries, harmlessly
    replay = start_replay(recording, pub)
    probe = start_probe(router, pub, "cam0")
    try:
        first = probe.wait_for(status_where(lambda s: s["received"] >= 300), 20, "300 results")
        stop(replay)
        replay = start_replay(recording, pub)
        more = first["received"] + 50
        probe.wait_for(
            status_where(lambda s: s["results_connects"] >= 2 and s["received"] >= more),
            20,
            "results after the replay restarted",
        )
    finally:
        probe.stop()
        stop(replay)
    results = probe.events("result")
    assert len(results) >= 100
    assert all(r["sha1"] in payload_hashes for r in results), "a result differs from what was sent"
    assert all(s["corrupted"] == 0 for s in probe.events("status"))


def test_csharp_client_says_hello_gets_the_rig_and_its_frames_are_answered_by_handmesh_serve(
    tmp_path, builtin_hand
):
    router, pub = f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}"
    image = np.full((48, 64, 3), 90, np.uint8)
    cv2.circle(image, (32, 24), 12, (40, 160, 220), -1)
    jpeg = tmp_path / "frame.jpg"
    jpeg.write_bytes(cv2.imencode(".jpg", image)[1].tobytes())
    server = subprocess.Popen(
        [HANDMESH, "serve", "--router", router, "--pub", pub, "--device", "cpu"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO,
    )
    probe = None
    try:
        for line in server.stdout:
            if "ready" in line:
                break
        assert server.poll() is None, "handmesh serve did not start"
        probe = start_probe(
            router, pub, "unity-probe", "--jpeg", str(jpeg), "--width", "64", "--height", "48",
            "--frame-ms", "40", "--ack", "1",
        )  # fmt: skip
        hello = probe.wait_for(lambda line: line["event"] == "hello", 15, "the server's hello")
        rig = probe.wait_for(lambda line: line["event"] == "rig", 15, "the rig")
        for _ in range(10):
            probe.wait_for(lambda line: line["event"] == "result", 30, "a result for our frames")
        stats = probe.wait_for(
            lambda line: line["event"] == "stats" and line["frames"] >= 10, 15, "stats"
        )
    finally:
        if probe is not None:
            probe.stop()
        stop(server)
    expected_rig = rig_message(builtin_hand)
    # serve's default model is the bundled checkpoint
    assert hello["model"] == DEFAULT_CHECKPOINT.stem and hello["rig"] == expected_rig.rig_id
    assert rig["rig_id"] == expected_rig.rig_id
    assert rig["sha1"] == hashlib.sha1(encode(expected_rig)).hexdigest()
    results = probe.events("result")
    assert all(r["stream"] == "unity-probe" for r in results)
    sent = max(s["frames_sent"] for s in probe.events("status"))
    seqs = [r["seq"] for r in results]
    assert seqs == sorted(seqs) and seqs[-1] < sent
    assert stats["bad_messages"] == 0 and stats["errors"] == 0  # frames and acks all accepted
    assert probe.events("error") == []


def test_csharp_dealer_says_hello_again_after_the_router_restarts():
    router = f"tcp://127.0.0.1:{free_port()}"
    probe = None

    def bound_router(context: zmq.Context) -> zmq.Socket:
        socket_ = context.socket(zmq.ROUTER)
        socket_.setsockopt(zmq.LINGER, 0)
        socket_.bind(router)
        return socket_

    def received(socket_: zmq.Socket) -> tuple[bytes, object]:
        assert socket_.poll(10_000), "no message from the C# DEALER"
        identity, payload = socket_.recv_multipart()
        return identity, decode(payload)

    # One context per server life: terminating the first one releases the port for the second.
    first_life, second_life = zmq.Context(), zmq.Context()
    try:
        first = bound_router(first_life)
        probe = start_probe(router, f"tcp://127.0.0.1:{free_port()}", "cam0")
        identity, hello = received(first)
        assert isinstance(hello, Hello) and hello.role == "client" and hello.name == "probe"
        assert isinstance(received(first)[1], RigRequest)
        first.send_multipart([identity, encode(Hello("server", "test-router", (), "m1", "r1"))])
        assert probe.wait_for(lambda line: line["event"] == "hello", 10, "hello")["model"] == "m1"
        first_life.destroy(linger=0)
        second = bound_router(second_life)
        assert isinstance(received(second)[1], Hello)
        probe.wait_for(status_where(lambda s: s["requests_connects"] >= 2), 10, "a reconnection")
    finally:
        if probe is not None:
            probe.stop()
        first_life.destroy(linger=0)
        second_life.destroy(linger=0)
