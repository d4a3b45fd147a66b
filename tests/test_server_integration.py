"""The server over real sockets on 127.0.0.1: results, batching, drops, bad input, restart.

A small randomly initialised network stands in for the trained one (no checkpoint exists
yet); these tests check the server's behaviour, not the predictions' quality.
"""

from __future__ import annotations

import threading
import time

import cv2
import numpy as np
import pytest
import zmq
from server_helpers import SAMPLE, FixedHandPredictor, RunningServer

from model.data.sequence import read_sequence
from model.hand import load_builtin_hand
from model.hand.rig import rig_message
from protocol.codec import decode, encode
from protocol.errors import ErrorCode
from protocol.messages import (
    Error,
    Frame,
    Hands,
    Hello,
    Image,
    Rig,
    RigRequest,
    Stats,
    StatsRequest,
)
from server.app import HandServer, ServerSettings
from server.pipeline import HandPipeline
from server.spawn import free_port


class Client:
    def __init__(self, router: str, pub: str, streams: tuple[str, ...] = ("cam0",)) -> None:
        self.context = zmq.Context()
        self.dealer = self.context.socket(zmq.DEALER)
        self.sub = self.context.socket(zmq.SUB)
        for s in (self.dealer, self.sub):
            s.setsockopt(zmq.LINGER, 0)
        self.dealer.connect(router)
        self.sub.connect(pub)
        for stream in streams:
            self.sub.setsockopt(zmq.SUBSCRIBE, stream.encode())
        time.sleep(0.2)  # let the subscription reach the PUB (slow joiner)

    def request(self, message_bytes: bytes, timeout_s: float = 5.0):
        self.dealer.send(message_bytes)
        assert self.dealer.poll(int(timeout_s * 1000)), "no reply"
        return decode(self.dealer.recv())

    def result(self, timeout_s: float = 10.0) -> Hands:
        assert self.sub.poll(int(timeout_s * 1000)), "no result"
        topic, payload = self.sub.recv_multipart()
        hands = decode(payload)
        assert topic == hands.stream.encode()
        return hands

    def close(self) -> None:
        self.dealer.close()
        self.sub.close()
        self.context.term()


@pytest.fixture(scope="module")
def jpeg_frames() -> list[bytes]:
    return read_sequence(SAMPLE).jpeg_frames[:60]


@pytest.fixture
def running():
    server = RunningServer("tcp://127.0.0.1:*", "tcp://127.0.0.1:*")
    client = Client(server.router, server.pub, ("cam0", "cam1"))
    yield server, client
    client.close()
    server.stop()


def frame(stream: str, seq: int, jpeg: bytes, **options) -> bytes:
    return encode(Frame(stream, seq, 1_000_000 + seq, Image("jpeg", jpeg, 640, 480), **options))


def test_hello_rig_and_stats_requests_are_answered(running):
    _server, client = running
    hello = client.request(encode(Hello("client", "test")))
    assert (
        isinstance(hello, Hello)
        and hello.role == "server"
        and hello.rig == load_builtin_hand().name
    )
    rig = client.request(encode(RigRequest()))
    assert isinstance(rig, Rig) and rig.vertices.shape == load_builtin_hand().template.shape
    assert isinstance(client.request(encode(StatsRequest())), Stats)


def test_frames_in_results_out_with_the_same_seq_and_capture_time(jpeg_frames):
    server = RunningServer("tcp://127.0.0.1:*", "tcp://127.0.0.1:*", predictor=FixedHandPredictor())
    client = Client(server.router, server.pub)
    try:
        for seq in range(3):
            client.dealer.send(frame("cam0", seq, jpeg_frames[seq], vertex_dtype="f4"))
            result = client.result()
            assert (result.stream, result.seq, result.t_capture_ns) == (
                "cam0",
                seq,
                1_000_000 + seq,
            )
            assert {"decode", "crop", "forward", "ik_filter"} <= set(result.stage_us)
            assert ("detect" in result.stage_us) == (seq == 0)  # found once, then tracked
            (hand,) = result.hands
            assert hand.joints.shape == (21, 3) and hand.vertices.dtype == np.float32
            assert hand.wrist_position[2] > 0  # placed in front of the camera
            np.testing.assert_allclose(np.linalg.norm(hand.local_rotations, axis=1), 1.0, atol=1e-5)
        client.dealer.send(frame("cam0", 9, jpeg_frames[0], handedness="left"))
        assert client.result().hands[0].side == "left"
    finally:
        client.close()
        server.stop()


def test_an_untrained_network_publishes_no_hand_rather_than_garbage(running, jpeg_frames):
    _, client = running
    client.dealer.send(frame("cam0", 5, jpeg_frames[0]))
    result = client.result()
    assert result.seq == 5 and result.hands == ()


def test_two_streams_waiting_together_run_as_one_batch(running, jpeg_frames):
    server, client = running
    server.gate.clear()  # hold the first batch inside the pipeline...
    client.dealer.send(frame("cam0", 0, jpeg_frames[0]))
    time.sleep(0.3)
    client.dealer.send(
        frame("cam0", 1, jpeg_frames[1])
    )  # ...while both streams' next frames arrive
    client.dealer.send(frame("cam1", 1, jpeg_frames[2]))
    time.sleep(0.3)
    server.gate.set()
    results = {(r.stream, r.seq) for r in (client.result(), client.result(), client.result())}
    assert results == {("cam0", 0), ("cam0", 1), ("cam1", 1)}
    assert server.batch_sizes[:2] == [1, 2]


def test_a_flood_is_absorbed_by_drops_not_a_queue(running, jpeg_frames):
    _server, client = running
    sent = 150
    for seq in range(sent):
        client.dealer.send(frame("cam0", seq, jpeg_frames[seq % len(jpeg_frames)]))
    received = []
    while True:
        if not client.sub.poll(3000):
            break
        received.append(client.result())
    assert received[-1].seq == sent - 1  # the newest frame is always processed
    assert len(received) < sent
    stats = client.request(encode(StatsRequest()))
    assert stats.frames == len(received)
    assert stats.dropped == sent - len(received) > 0


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"\x00\x01garbage bytes", ErrorCode.BAD_MESSAGE),
        (encode(Hello("client", "test"))[:-3], ErrorCode.BAD_MESSAGE),
        (
            encode(Hello("client", "test")).replace(b"\xa1v\x01", b"\xa1v\x07"),
            ErrorCode.UNSUPPORTED_VERSION,
        ),
        (bytes(50 * 1024 * 1024), ErrorCode.TOO_LARGE),
    ],
    ids=["garbage", "truncated", "wrong-version", "50MB"],
)
def test_bad_messages_get_an_error_and_the_server_carries_on(running, jpeg_frames, payload, code):
    _, client = running
    error = client.request(payload)
    assert isinstance(error, Error) and error.code == code
    client.dealer.send(frame("cam0", 7, jpeg_frames[0]))
    assert client.result().seq == 7


def test_a_jpeg_that_does_not_decode_gets_a_bad_image_error(running, jpeg_frames):
    _, client = running
    broken = b"\xff\xd8" + bytes(300)
    error = client.request(frame("cam0", 3, broken))
    assert isinstance(error, Error) and error.code == ErrorCode.BAD_IMAGE and error.seq == 3
    client.dealer.send(frame("cam0", 4, jpeg_frames[0]))
    assert client.result().seq == 4


def test_clients_reconnect_after_the_server_restarts(jpeg_frames):
    router, pub = f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}"
    server = RunningServer(router, pub)
    client = Client(router, pub)
    try:
        client.dealer.send(frame("cam0", 1, jpeg_frames[0]))
        assert client.result().seq == 1
        server.stop()
        server = RunningServer(router, pub)
        time.sleep(0.5)  # ZeroMQ reconnects on its own
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            client.dealer.send(frame("cam0", 2, jpeg_frames[1]))
            if client.sub.poll(1000):
                assert client.result().seq == 2
                break
        else:
            pytest.fail("the client never got a result from the restarted server")
    finally:
        client.close()
        server.stop()


def test_images_for_the_sample_are_real_jpegs(jpeg_frames):
    assert cv2.imdecode(np.frombuffer(jpeg_frames[0], np.uint8), cv2.IMREAD_COLOR).shape == (
        480,
        640,
        3,
    )


def test_camera_client_streams_a_sequence_and_measures_latency():
    from server.camera import CameraClient, open_source, run_camera

    server = RunningServer("tcp://127.0.0.1:*", "tcp://127.0.0.1:*", predictor=FixedHandPredictor())
    client = CameraClient(server.router, server.pub, "cam0")
    try:
        time.sleep(0.2)
        drawn = []
        report = run_camera(
            open_source(str(SAMPLE)),
            client,
            fps=30,
            max_frames=30,
            on_result=lambda hands: drawn.append(client.recent.get(hands.seq) is not None),
        )
    finally:
        client.close()
        server.stop()
    assert report.sent == 30 and report.errors == []
    assert (
        report.received >= 20
    )  # a result for most frames; any missing ones were dropped, not late
    assert all(drawn)  # each result finds the image it was computed from
    assert 0 < np.median(report.latencies_ms) < 1000


def test_camera_sources_refuse_what_they_cannot_open(tmp_path):
    from server.camera import open_source

    with pytest.raises(FileNotFoundError, match="neither a camera index nor an existing path"):
        open_source(str(tmp_path / "missing.mp4"))
    with pytest.raises(ValueError, match="holds no images"):
        open_source(str(tmp_path))


def test_curve_admits_listed_clients_and_refuses_others(tmp_path, jpeg_frames):
    from server.security import make_keys, secure_client

    make_keys(tmp_path / "keys", ["alice"])
    make_keys(tmp_path / "other", ["mallory"])
    hand = load_builtin_hand()
    server = HandServer(
        ServerSettings("tcp://127.0.0.1:*", "tcp://127.0.0.1:*"),
        HandPipeline(FixedHandPredictor(), hand),
        rig_message(hand),
        "fixed",
        context=zmq.Context(),
        curve_keys=tmp_path / "keys",
    )
    router, _ = server.bind()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    context = zmq.Context()
    try:
        answers = {}
        for name, folder in (("alice", tmp_path / "keys"), ("mallory", tmp_path / "other")):
            dealer = context.socket(zmq.DEALER)
            dealer.setsockopt(zmq.LINGER, 0)
            if name == "mallory":  # knows the server's public key, but is not on its list
                (folder / "server").mkdir(exist_ok=True)
                (folder / "server" / "server.key").write_bytes(
                    (tmp_path / "keys/server/server.key").read_bytes()
                )
            secure_client([dealer], folder, name)
            dealer.connect(router)
            dealer.send(encode(Hello("client", "test")))
            answers[name] = dealer.poll(2000)
            dealer.close()
        assert answers == {"alice": 1, "mallory": 0}
    finally:
        server.stop()
        thread.join(5)
        server.context.term()
        context.term()
