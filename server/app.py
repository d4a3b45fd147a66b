"""The inference server: ROUTER for everything clients send, PUB for results.

Patterns (PROTOCOL.md §1): clients' DEALERs talk to our ROUTER (hello, rig_req, frame, ack,
stats_req; replies and errors go back to the sender only); results fan out on a PUB, topic =
stream id. Socket options: MAXMSGSIZE on the ROUTER at 4× the protocol limit (messages over
the limit get a TOO_LARGE reply; ZeroMQ drops anything larger before it is read),
a small SNDHWM on the PUB (a slow subscriber loses results, inference never waits),
LINGER 0 (shutdown never blocks).

One loop, no busy waiting: poll (blocking only when no frame waits), drain every pending
message into the latest-frame-wins slots, run one batch, publish, repeat. A bad message gets
an error reply and a counter; an exception while processing a frame is logged and answered,
and the loop carries on. Each result's stages start with ``wait``: receipt to batch start.

Taps (PROTOCOL.md §5): a client whose `hello` lists ``tap-frames`` or ``tap-acks`` gets a
copy of every frame or ack the server accepts, for `TAP_LEASE_S` after each such hello —
that is how `handmesh record` and `handmesh bench e2e` see what other clients send, without
a third socket and without putting frames on the PUB where every subscriber would get them.
A slow tap loses copies (ROUTER drops at its high-water mark); it never slows the server.
With a recorder, every accepted frame is written as received and every result as published.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import zmq

from protocol.codec import decode, encode
from protocol.errors import ErrorCode, ProtocolError
from protocol.limits import DEFAULT_HOST, DEFAULT_PUB_PORT, DEFAULT_ROUTER_PORT, MAX_MESSAGE_BYTES
from protocol.messages import (
    Ack,
    Frame,
    Hands,
    Hello,
    Rig,
    RigRequest,
    Stats,
    StatsRequest,
    StreamStats,
    error_reply,
)
from protocol.stream_file import StreamWriter
from server.ingest import LatestFrameSlots
from server.pipeline import FrameFailure, HandPipeline
from server.security import secure_server

LOG = logging.getLogger("handmesh.server")
SOFTWARE = "handmesh-rt 0.1.0"
HARD_MESSAGE_CAP_BYTES = 4 * MAX_MESSAGE_BYTES
TAP_LEASE_S = 10.0
TAPPED_TYPES: dict[str, type] = {"tap-frames": Frame, "tap-acks": Ack}


@dataclass(frozen=True)
class ServerSettings:
    router: str = f"tcp://{DEFAULT_HOST}:{DEFAULT_ROUTER_PORT}"
    pub: str = f"tcp://{DEFAULT_HOST}:{DEFAULT_PUB_PORT}"
    max_batch: int = 4
    stream_timeout_s: float = 10.0
    stats_interval_s: float = 10.0
    pub_high_water_mark: int = 8


class _StageStats:
    """Rolling per-stream stage durations and rates for `stats` replies and log lines."""

    def __init__(self, window: int = 300) -> None:
        self.window = window
        self.durations: dict[str, list[int]] = {}
        self.out_times: list[float] = []
        self.in_times: list[float] = []
        self.errors = 0

    def arrived(self, now: float) -> None:
        self.in_times.append(now)
        del self.in_times[: -self.window]

    def record(self, stages: dict[str, int], now: float) -> None:
        for stage, value in stages.items():
            values = self.durations.setdefault(stage, [])
            values.append(value)
            del values[: -self.window]
        self.out_times.append(now)
        del self.out_times[: -self.window]

    def summary(self, dropped: int, now: float) -> StreamStats:
        def rate(times: list[float]) -> float:
            recent = [t for t in times if now - t <= 5.0]
            return len(recent) / 5.0

        return StreamStats(
            rate(self.in_times),
            rate(self.out_times),
            dropped,
            self.errors,
            {k: int(np.percentile(v, 50)) for k, v in self.durations.items() if v},
            {k: int(np.percentile(v, 95)) for k, v in self.durations.items() if v},
        )


class HandServer:
    def __init__(
        self,
        settings: ServerSettings,
        pipeline: HandPipeline,
        rig: Rig,
        model_id: str,
        context: zmq.Context | None = None,
        curve_keys: Path | None = None,
        recorder: StreamWriter | None = None,
    ) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.rig_bytes = encode(rig)
        self.hello_bytes = encode(
            Hello(
                "server",
                SOFTWARE,
                ("vertices-f16", "vertices-f32", "rig", "stats", *TAPPED_TYPES),
                model=model_id,
                rig=rig.rig_id,
            )
        )
        self.context = context or zmq.Context.instance()
        # Per waiting frame: the sender, the frame and when it arrived (perf_counter ns).
        self.slots: LatestFrameSlots[tuple[bytes, Frame, int]] = LatestFrameSlots()
        self.taps: dict[type, dict[bytes, float]] = {kind: {} for kind in TAPPED_TYPES.values()}
        self.recorder = recorder
        self.stats: dict[str, _StageStats] = {}
        self.started = time.monotonic()
        self.frames = self.errors = self.bad_messages = 0
        self.stopped = threading.Event()
        self.ready = threading.Event()
        self.router = self.pub = None
        self.curve_keys = curve_keys
        self.authenticator = None

    # Lifecycle -----------------------------------------------------------------------------
    def bind(self) -> tuple[str, str]:
        """Binds both sockets; returns their actual endpoints (useful with port 0 / '*')."""
        self.router = self.context.socket(zmq.ROUTER)
        # ZeroMQ's own cap is a backstop well above the protocol's limit: a message between
        # the two still arrives and gets a TOO_LARGE reply; beyond it the peer is dropped.
        self.router.setsockopt(zmq.MAXMSGSIZE, HARD_MESSAGE_CAP_BYTES)
        self.router.setsockopt(zmq.LINGER, 0)
        self.pub = self.context.socket(zmq.PUB)
        self.pub.setsockopt(zmq.SNDHWM, self.settings.pub_high_water_mark)
        self.pub.setsockopt(zmq.LINGER, 0)
        if self.curve_keys is not None:
            self.authenticator = secure_server(
                self.context, [self.router, self.pub], self.curve_keys
            )
        self.router.bind(self.settings.router)
        self.pub.bind(self.settings.pub)
        return (
            self.router.getsockopt_string(zmq.LAST_ENDPOINT),
            self.pub.getsockopt_string(zmq.LAST_ENDPOINT),
        )

    def stop(self) -> None:
        self.stopped.set()

    def close(self) -> None:
        for socket in (self.router, self.pub):
            if socket is not None:
                socket.close(linger=0)
        if self.authenticator is not None:
            self.authenticator.stop()

    def serve(self) -> None:
        """Runs until `stop`; binds first if `bind` was not called."""
        if self.router is None:
            self.bind()
        poller = zmq.Poller()
        poller.register(self.router, zmq.POLLIN)
        last_log = last_sweep = time.monotonic()
        self.ready.set()
        try:
            while not self.stopped.is_set():
                timeout_ms = 0 if len(self.slots) else 100
                if poller.poll(timeout_ms):
                    self._drain()
                if len(self.slots):
                    self._run_batch()
                now = time.monotonic()
                if now - last_sweep > 1.0:
                    for stream in self.slots.forget_silent(now, self.settings.stream_timeout_s):
                        self.pipeline.forget(stream)
                        self.stats.pop(stream, None)
                    last_sweep = now
                if now - last_log > self.settings.stats_interval_s:
                    self._log_stats(now)
                    last_log = now
        finally:
            self.close()

    # Receiving -----------------------------------------------------------------------------
    def _drain(self) -> None:
        while True:
            try:
                parts = self.router.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            identity = parts[0]
            if len(parts) != 2:
                self._reject(identity, ProtocolError("expected one frame per message"))
                continue
            try:
                message = decode(parts[1])
            except ProtocolError as error:
                self._reject(identity, error)
                continue
            self._handle(identity, message, parts[1])

    def _handle(self, identity: bytes, message: object, payload: bytes) -> None:
        now = time.monotonic()
        if type(message) in self.taps:
            self._copy_to_taps(type(message), payload, now)
        if isinstance(message, Frame):
            if self.recorder is not None:
                self.recorder.write(payload)
            self.slots.put(message.stream, (identity, message, time.perf_counter_ns()), now)
            self.stats.setdefault(message.stream, _StageStats()).arrived(now)
        elif isinstance(message, Hello):
            for capability in message.capabilities:
                if capability in TAPPED_TYPES:
                    self.taps[TAPPED_TYPES[capability]][identity] = now + TAP_LEASE_S
            self.router.send_multipart([identity, self.hello_bytes])
        elif isinstance(message, RigRequest):
            self.router.send_multipart([identity, self.rig_bytes])
        elif isinstance(message, StatsRequest):
            self.router.send_multipart([identity, encode(self.snapshot())])
        elif isinstance(message, Ack):
            pass  # engine timings are for whoever taps acks (the latency benchmark)
        else:
            self._reject(
                identity,
                ProtocolError(
                    f"t: {type(message).__name__} is not accepted by the server",
                    ErrorCode.UNEXPECTED_TYPE,
                ),
            )

    def _copy_to_taps(self, kind: type, payload: bytes, now: float) -> None:
        taps = self.taps[kind]
        for identity, expiry in list(taps.items()):
            if expiry < now:
                del taps[identity]
                continue
            # ROUTER drops silently when this tap's pipe is full or gone: never a wait.
            self.router.send_multipart([identity, payload])

    def _reject(self, identity: bytes, error: ProtocolError, frame: Frame | None = None) -> None:
        """Answers the sender with an error naming the frame: the decoded one, or, for a message
        that failed to decode, the stream and seq the codec could still read from it."""
        self.bad_messages += frame is None
        if frame is not None:
            error.stream, error.seq = frame.stream, frame.seq
        message = error_reply(error)
        self.router.send_multipart([identity, encode(message)])

    # Processing ----------------------------------------------------------------------------
    def _run_batch(self) -> None:
        batch = self.slots.take_batch(self.settings.max_batch)
        started = time.perf_counter_ns()
        identities = {stream: identity for stream, (identity, _, _) in batch}
        waited_us = {stream: (started - arrived) // 1000 for stream, (_, _, arrived) in batch}
        frames = [frame for _, (_, frame, _) in batch]
        try:
            results = self.pipeline.process(frames)
        except Exception as error:  # a bug or a broken model must not stop the server
            LOG.exception("processing a batch failed")
            for frame in frames:
                self.errors += 1
                self._reject(
                    identities[frame.stream],
                    ProtocolError(f"internal error: {error}", ErrorCode.INTERNAL),
                    frame,
                )
            return
        now = time.monotonic()
        for result in results:
            if isinstance(result, FrameFailure):
                self.errors += 1
                self.stats[result.frame.stream].errors += 1
                self._reject(
                    identities[result.frame.stream],
                    ProtocolError(result.message, ErrorCode.BAD_IMAGE),
                    result.frame,
                )
                continue
            start = time.perf_counter_ns()
            result = Hands(
                result.stream,
                result.seq,
                result.t_capture_ns,
                {"wait": waited_us[result.stream], **result.stage_us},
                result.hands,
            )
            payload = encode(result)
            self.pub.send_multipart([result.stream.encode(), payload])
            if self.recorder is not None:
                self.recorder.write(payload)
            self.frames += 1
            # A message cannot carry its own encoding time; the server's stats keep it.
            stages = {**result.stage_us, "encode_publish": (time.perf_counter_ns() - start) // 1000}
            self.stats.setdefault(result.stream, _StageStats()).record(stages, now)

    def snapshot(self) -> Stats:
        now = time.monotonic()
        streams = {
            stream: stats.summary(
                self.slots.counters[stream].dropped if stream in self.slots.counters else 0, now
            )
            for stream, stats in self.stats.items()
        }
        dropped = sum(c.dropped for c in self.slots.counters.values())
        return Stats(
            now - self.started, self.frames, dropped, self.errors, self.bad_messages, streams
        )

    def _log_stats(self, now: float) -> None:
        for stream, summary in self.snapshot().streams.items():
            LOG.info(
                "stream %s: %.1f fps in, %.1f fps out, %d dropped, %d errors, forward p50 %s µs",
                stream,
                summary.fps_in,
                summary.fps_out,
                summary.dropped,
                summary.errors,
                summary.stage_p50_us.get("forward", "-"),
            )
