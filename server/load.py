"""A camera load for latency measurements: N streams of recorded frames sent to a server at a
fixed rate, every result and engine ack matched back to its frame.

Each stream is its own camera: frames of a recorded stream (the bundled sample by default)
re-sent as ``bench0``, ``bench1``, ... on an absolute schedule, the streams' phases spread
evenly over one frame interval as unsynchronised cameras would be. The capture time is the
send time on this machine's clock (the JPEG is already encoded, so a live camera's encode,
about 3 ms at 640×480, is not included). Results arrive on SUB; engine acks, when a game
engine is connected to the same server, arrive as copies through a ``tap-acks`` hello
(PROTOCOL.md §5). Sockets: the sender's DEALER lives in its own thread; the receiver's SUB
and tap DEALER in the caller's.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass, field

import zmq

from protocol.codec import decode, encode
from protocol.errors import ProtocolError
from protocol.messages import Ack, Error, Frame, Hands, Hello, Stats, StatsRequest
from server.app import SOFTWARE, TAP_LEASE_S
from server.replay import wait_until
from server.requests import ask

# Sent at the start and again well within each lease (PROTOCOL.md §5).
TAP_ACKS_HELLO = encode(Hello("client", SOFTWARE, ("tap-acks",), name="bench"))


@dataclass
class FrameTiming:
    """One sent frame; times in ns on this machine's clock (apply: the engine's clock)."""

    stream: str
    seq: int
    t_capture_ns: int
    t_result_ns: int | None = None
    stage_us: dict[str, int] = field(default_factory=dict)
    hands: int = 0
    t_apply_ns: int | None = None
    result: Hands | None = None  # kept only when the load is asked to keep results


@dataclass
class LoadRun:
    timings: list[FrameTiming]
    seconds: float  # how long frames were sent for
    errors: int
    server_stats: Stats | None


class CameraLoad:
    def __init__(
        self,
        router: str,
        pub: str,
        frames: list[Frame],
        fps: float = 30.0,
        streams: int = 1,
        seconds: float = 60.0,
        context: zmq.Context | None = None,
        name: str = "bench",
        keep_results: bool = False,
    ) -> None:
        if fps <= 0 or streams < 1 or seconds <= 0:
            raise ValueError("fps and seconds must be positive and streams at least 1")
        self.router, self.pub = router, pub
        self.frames, self.fps, self.streams, self.seconds = frames, fps, streams, seconds
        self.context = context or zmq.Context.instance()
        self.name, self.keep_results = name, keep_results
        self.timings: dict[tuple[str, int], FrameTiming] = {}
        self.lock = threading.Lock()
        self.sending_done = threading.Event()
        self.errors = 0  # error replies to our frames (read by the sender thread)
        self.send_seconds = 0.0  # first send to one interval after the last

    @property
    def stream_ids(self) -> list[str]:
        return [f"{self.name}{i}" for i in range(self.streams)]

    def run(self, drain_s: float = 1.0) -> LoadRun:
        """Sends for ``seconds``, keeps receiving ``drain_s`` longer, asks the server for stats."""
        sub = self.context.socket(zmq.SUB)
        tap = self.context.socket(zmq.DEALER)
        for socket in (sub, tap):
            socket.setsockopt(zmq.LINGER, 0)
        try:
            sub.connect(self.pub)
            for stream in self.stream_ids:
                sub.setsockopt(zmq.SUBSCRIBE, stream.encode())
            tap.connect(self.router)
            tap.send(TAP_ACKS_HELLO)
            time.sleep(0.3)  # let the subscriptions reach the server before the first frame
            sender = threading.Thread(target=self._send, daemon=True)
            sender.start()
            self._receive(sub, tap, drain_s)
            sender.join()
            stats = self._request_stats(tap)
        finally:
            sub.close()
            tap.close()
        with self.lock:
            timings = sorted(self.timings.values(), key=lambda t: t.t_capture_ns)
        return LoadRun(timings, self.send_seconds, self.errors, stats)

    def _send(self) -> None:
        dealer = self.context.socket(zmq.DEALER)
        dealer.setsockopt(zmq.LINGER, 0)
        dealer.connect(self.router)
        try:
            count = round(self.seconds * self.fps)
            interval = 1.0 / self.fps
            start = time.perf_counter() + 0.05
            for index in range(count):
                for number, stream in enumerate(self.stream_ids):
                    wait_until(start + (index + number / self.streams) * interval)
                    frame = self.frames[index % len(self.frames)]
                    now = time.time_ns()
                    timing = FrameTiming(stream, index, now)
                    with self.lock:
                        self.timings[(stream, index)] = timing
                    sent = dataclasses.replace(frame, stream=stream, seq=index, t_capture_ns=now)
                    dealer.send(encode(sent))
                    self._count_errors(dealer, wait_ms=0)
            self.send_seconds = time.perf_counter() - start + interval
            self._count_errors(dealer, wait_ms=500)
        finally:
            dealer.close()
            self.sending_done.set()

    def _count_errors(self, dealer: zmq.Socket, wait_ms: int) -> None:
        """Counts the server's error replies waiting on the sender's DEALER."""
        while dealer.poll(wait_ms):
            try:
                self.errors += isinstance(decode(dealer.recv()), Error)
            except ProtocolError:
                self.errors += 1

    def _receive(self, sub: zmq.Socket, tap: zmq.Socket, drain_s: float) -> None:
        poller = zmq.Poller()
        poller.register(sub, zmq.POLLIN)
        poller.register(tap, zmq.POLLIN)
        last_hello = time.monotonic()
        drain_until = None
        while drain_until is None or time.monotonic() < drain_until:
            if drain_until is None and self.sending_done.is_set():
                drain_until = time.monotonic() + drain_s
            ready = dict(poller.poll(50))
            if sub in ready:
                while True:
                    try:
                        _, payload = sub.recv_multipart(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    now = time.time_ns()
                    self._matched(decode(payload), now)
            if tap in ready:
                while True:
                    try:
                        payload = tap.recv(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    try:
                        message = decode(payload)
                    except ProtocolError:
                        continue
                    if isinstance(message, Ack):
                        self._acked(message)
            if time.monotonic() - last_hello > TAP_LEASE_S / 3:
                tap.send(TAP_ACKS_HELLO)
                last_hello = time.monotonic()

    def _matched(self, hands: Hands, now_ns: int) -> None:
        with self.lock:
            timing = self.timings.get((hands.stream, hands.seq))
            if timing is not None and timing.t_capture_ns == hands.t_capture_ns:
                timing.t_result_ns = now_ns
                timing.stage_us = dict(hands.stage_us)
                timing.hands = len(hands.hands)
                if self.keep_results:
                    timing.result = hands

    def _acked(self, ack: Ack) -> None:
        with self.lock:
            timing = self.timings.get((ack.stream, ack.seq))
            if timing is not None:
                timing.t_apply_ns = ack.t_apply_ns

    @staticmethod
    def _request_stats(tap: zmq.Socket) -> Stats | None:
        try:
            return ask(tap, StatsRequest(), Stats, timeout_s=2.0)
        except TimeoutError:
            return None
