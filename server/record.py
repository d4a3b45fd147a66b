"""`handmesh record`: taps a running server and writes what it sees to a recorded stream.

Results come from the server's PUB (SUB to every stream, or to one). Frames that other
clients send reach only the server's ROUTER, so the recorder asks for copies: its DEALER's
`hello` lists the ``tap-frames`` capability, and the server forwards every frame it accepts
for a lease of `server.app.TAP_LEASE_S`, which the recorder renews by saying hello again
well before it runs out. Every record is written as it arrives (the file format flushes per
record), so a recorder killed at any moment loses at most the message it was writing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import zmq

from protocol.codec import decode, encode
from protocol.errors import ProtocolError
from protocol.messages import Frame, Hello
from protocol.stream_file import StreamWriter
from server.app import SOFTWARE, TAP_LEASE_S
from server.requests import ask

POLL_MS = 100


@dataclass
class RecordingSummary:
    path: Path
    frames: int = 0
    results: int = 0
    seconds: float = 0.0
    streams: set[str] = field(default_factory=set)

    def line(self) -> str:
        return (
            f"recorded {self.frames} frames and {self.results} results of "
            f"{len(self.streams)} stream(s) in {self.seconds:.1f} s to {self.path}"
        )


def record(
    out: Path,
    server: str,
    results_address: str,
    frames: bool = True,
    results: bool = True,
    stream: str | None = None,
    seconds: float | None = None,
    stop: Callable[[], bool] = lambda: False,
    context: zmq.Context | None = None,
) -> RecordingSummary:
    """Records until ``stop()``, or for ``seconds``; returns what it wrote."""
    if not (frames or results):
        raise ValueError("nothing to record: ask for frames, results or both")
    context = context or zmq.Context.instance()
    dealer = context.socket(zmq.DEALER)
    sub = context.socket(zmq.SUB)
    for socket in (dealer, sub):
        socket.setsockopt(zmq.LINGER, 0)
    summary = RecordingSummary(Path(out))
    try:
        dealer.connect(server)
        capabilities = ("tap-frames",) if frames else ()
        greeting = Hello("client", SOFTWARE, capabilities, name="recorder")  # renews the lease
        hello = ask(dealer, greeting, Hello)
        if results:
            sub.connect(results_address)
            sub.setsockopt(zmq.SUBSCRIBE, (stream or "").encode())
        metadata = {
            "source": "handmesh record",
            "server": server,
            "model": hello.model,
            "rig": hello.rig,
            "frames": frames,
            "results": results,
            "stream": stream,
        }
        poller = zmq.Poller()
        poller.register(dealer, zmq.POLLIN)
        poller.register(sub, zmq.POLLIN)
        start = last_hello = time.monotonic()
        with StreamWriter(out, metadata) as writer:
            while not stop() and (seconds is None or time.monotonic() - start < seconds):
                ready = dict(poller.poll(POLL_MS))
                if dealer in ready:
                    _write_tapped_frames(dealer, writer, summary, stream)
                if sub in ready:
                    while True:
                        try:
                            topic, payload = sub.recv_multipart(zmq.NOBLOCK)
                        except zmq.Again:
                            break
                        writer.write(payload)
                        summary.results += 1
                        summary.streams.add(topic.decode(errors="replace"))
                if frames and time.monotonic() - last_hello > TAP_LEASE_S / 3:
                    dealer.send(encode(greeting))
                    last_hello = time.monotonic()
        summary.seconds = time.monotonic() - start
    finally:
        dealer.close()
        sub.close()
    return summary


def _write_tapped_frames(
    dealer: zmq.Socket, writer: StreamWriter, summary: RecordingSummary, stream: str | None
) -> None:
    """Writes the frame copies waiting on the DEALER (hello replies and errors are skipped);
    the copies are verbatim, so what was decoded is only used to filter by stream."""
    while True:
        try:
            payload = dealer.recv(zmq.NOBLOCK)
        except zmq.Again:
            return
        try:
            message = decode(payload)
        except ProtocolError:
            continue
        if not isinstance(message, Frame) or stream not in (None, message.stream):
            continue
        writer.write(payload)
        summary.frames += 1
        summary.streams.add(message.stream)
