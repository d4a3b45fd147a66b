"""Replaying recorded streams at their original timing.

``results`` mode publishes the recorded ``hands`` messages on a PUB socket exactly as the
server would (topic = stream id), so an engine scene can be developed with no GPU and no
camera. ``frames`` mode re-sends the recorded frames to a server's ROUTER, as a camera
would, with fresh capture times. Timing follows an absolute schedule — message i is due at
start + (t_i − t_0) / speed — so a late message never delays the ones after it; the wait
sleeps until half a millisecond before the due time and spins the rest, which keeps the
send time within a fraction of a millisecond of the schedule.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import zmq

from protocol.codec import decode, encode
from protocol.errors import ProtocolError
from protocol.messages import Frame, Message
from protocol.stream_file import Record, StreamReader

SPIN_S = 0.0005


def wait_until(due_s: float) -> None:
    """Sleeps, then spins, until ``due_s`` (time.perf_counter seconds)."""
    remaining = due_s - time.perf_counter()
    if remaining > SPIN_S:
        time.sleep(remaining - SPIN_S)
    while time.perf_counter() < due_s:
        pass


def replay_schedule(
    items: Iterable[tuple[Record, Message]],
    speed: float,
    send: Callable[[Record, Message], None],
    stop: Callable[[], bool] = lambda: False,
) -> list[float]:
    """Calls ``send`` for each (record, decoded message) at its scheduled time; returns each
    one's lateness in seconds, measured when the message has left our hands."""
    if speed <= 0:
        raise ValueError(f"speed must be positive, got {speed}")
    lateness = []
    start = first_ns = None
    for record, message in items:
        if stop():
            break
        if start is None:
            start, first_ns = time.perf_counter(), record.t_receive_ns
        due = start + (record.t_receive_ns - first_ns) / 1e9 / speed
        wait_until(due)
        send(record, message)
        lateness.append(time.perf_counter() - due)
    return lateness


def records_of(path: Path, message_type: type) -> list[tuple[Record, Message]]:
    """The records of ``path`` holding a message of ``message_type``, decoded once up front
    (nothing is decoded while replaying), others skipped."""
    kept = []
    for record in StreamReader(path).records():
        try:
            message = decode(record.payload)
        except ProtocolError:
            continue
        if isinstance(message, message_type):
            kept.append((record, message))
    return kept


def recorded_frames(path: Path) -> list[Frame]:
    """The frames of a recorded stream, in order; ValueError when it holds none."""
    frames = [frame for _, frame in records_of(path, Frame)]
    if not frames:
        raise ValueError(f"{path} holds no frames (record with --frames to keep them)")
    return frames


def publish_results(socket: zmq.Socket) -> Callable[[Record, Message], None]:
    def send(record: Record, hands: Message) -> None:
        socket.send_multipart([hands.stream.encode(), record.payload])

    return send


def send_frames(socket: zmq.Socket) -> Callable[[Record, Message], None]:
    """Re-sends frames with a fresh capture time, as a live camera would."""

    def send(record: Record, frame: Message) -> None:
        socket.send(encode(dataclasses.replace(frame, t_capture_ns=time.time_ns())))

    return send
