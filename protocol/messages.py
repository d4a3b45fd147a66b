"""Protocol v1 messages as Python values: one frozen dataclass per message type.

Units: meters; times in integer nanoseconds, durations in integer microseconds. 3D values
are in the OpenCV camera frame (x right, y down, z forward, right-handed); quaternions are
(x, y, z, w). Arrays are numpy arrays of the wire dtype, read-only when decoded. The wire
keys of every field are in `protocol.schemas` and PROTOCOL.md §3.

Client → server (ROUTER): Hello, RigRequest, Frame, Ack, StatsRequest.
Server → that client: Hello, Rig, Stats, Error. Server → subscribers (PUB): Hands.

Messages compare by identity (``eq=False``): fields hold numpy arrays, whose ``==`` is
element-wise; the tests compare messages through the golden vectors' plain values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from protocol.errors import ProtocolError
from protocol.limits import MAX_TEXT_CHARS


@dataclass(frozen=True, slots=True, eq=False)
class Hello:
    """Both ways. A client sends role "client"; the server answers with role "server" and
    fills ``model`` and ``rig`` (a client that has this rig id cached skips `RigRequest`).
    capabilities: free-form feature names, e.g. "vertices-f32", "acks"."""

    role: str
    software: str
    capabilities: tuple[str, ...] = ()
    model: str | None = None
    rig: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class RigRequest:
    """Asks the server for its `Rig`."""


@dataclass(frozen=True, slots=True, eq=False)
class Rig:
    """What an engine needs to build the skinned hand, in the hand model frame: camera axes
    at identity wrist rotation, origin at the rest wrist, meters. V vertices, F faces.

    vertices (V, 3) f4; faces (F, 3) u2/i4 vertex indices, counter-clockwise seen from
    outside; skin_indices (V, 4) u1 joint ids and skin_weights (V, 4) f4, strongest first,
    rows summing to 1; parents (16,) i1, the protocol's joint tree (-1 for the wrist);
    joint_names (16,); rest_joints (16, 3) f4; bind_poses (16, 4, 4) f4, each the inverse of
    its joint's rest global transform; rest_keypoints (21, 3) f4; tip_vertices (5,) u2, the
    fingertip vertex of each finger, thumb to little."""

    rig_id: str
    vertices: np.ndarray
    faces: np.ndarray
    skin_indices: np.ndarray
    skin_weights: np.ndarray
    parents: np.ndarray
    joint_names: tuple[str, ...]
    rest_joints: np.ndarray
    bind_poses: np.ndarray
    rest_keypoints: np.ndarray
    tip_vertices: np.ndarray


@dataclass(frozen=True, slots=True, eq=False)
class Image:
    """A camera image: ``format`` "jpeg" (``data`` a JPEG file; width and height must be
    its own) or "raw" (``pixel_format`` "bgr8", "rgb8" or "gray8"; rows top to bottom, no
    padding, so ``data`` has width × height × channels bytes). width, height in pixels."""

    format: str
    data: bytes
    width: int
    height: int
    pixel_format: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Frame:
    """A camera frame. seq: increasing per stream. t_capture_ns: the client's clock, echoed
    in the result. intrinsics: (fx, fy, cx, cy) in pixels, OpenCV convention; None: the
    server assumes a default field of view. handedness: "left", "right" or None (detect).
    vertex_dtype: "f2" (None means this too), "f4" or "none": how this stream's results
    carry vertices."""

    stream: str
    seq: int
    t_capture_ns: int
    image: Image
    intrinsics: tuple[float, float, float, float] | None = None
    handedness: str | None = None
    vertex_dtype: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Hand:
    """One detected hand. score in [0, 1]. joints (21, 3) f4, keypoints in the camera frame,
    m; keypoints_2d (21, 2) f4, px in the frame's image; wrist_position (3,) f4, m;
    wrist_rotation (4,) f4, relative to the rest pose, camera frame; local_rotations (15, 4)
    f4, joints 1..15 relative to the rest pose in the parent joint's frame; vertices (V, 3)
    f2 or f4 relative to ``wrist_position`` (camera axes, translated only), m, or None."""

    side: str
    score: float
    joints: np.ndarray
    keypoints_2d: np.ndarray
    wrist_position: np.ndarray
    wrist_rotation: np.ndarray
    local_rotations: np.ndarray
    vertices: np.ndarray | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Hands:
    """The result for one frame, seq and t_capture_ns echoed from it; no hand is an empty
    ``hands``. stage_us: server stage name → duration in µs (no clocks to synchronise)."""

    stream: str
    seq: int
    t_capture_ns: int
    stage_us: dict[str, int] = field(default_factory=dict)
    hands: tuple[Hand, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class Ack:
    """An engine applied the result ``seq`` of ``stream``: when it received it and when it
    showed it, in ns on the engine's own clock."""

    stream: str
    seq: int
    t_receive_ns: int
    t_apply_ns: int


@dataclass(frozen=True, slots=True, eq=False)
class StatsRequest:
    """Asks the server for `Stats`."""


@dataclass(frozen=True, slots=True, eq=False)
class StreamStats:
    """One stream over the last seconds: frame rates in and out (1/s), frames dropped
    (latest-frame-wins) and failed, and stage durations' medians and 95th percentiles (µs)."""

    fps_in: float
    fps_out: float
    dropped: int
    errors: int
    stage_p50_us: dict[str, int] = field(default_factory=dict)
    stage_p95_us: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, eq=False)
class Stats:
    """Server totals since start (uptime in s; frames processed, dropped, failed; malformed
    messages received) and per-stream figures by stream id."""

    uptime_s: float
    frames: int
    dropped: int
    errors: int
    bad_messages: int
    streams: dict[str, StreamStats] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, eq=False)
class Error:
    """A refusal. code: an `ErrorCode` value (a newer peer may send codes this one does not
    know); name: its symbolic name; message: what was wrong, naming the field; seq and
    stream: the message concerned, when known."""

    code: int
    name: str
    message: str
    seq: int | None = None
    stream: str | None = None


Message = Hello | RigRequest | Rig | Frame | Hands | Ack | StatsRequest | Stats | Error


def error_reply(error: ProtocolError) -> Error:
    """The `Error` message that answers ``error``, its text cut to the protocol's limit."""
    text = error.message
    if len(text) > MAX_TEXT_CHARS:
        text = text[: MAX_TEXT_CHARS - 3] + "..."
    return Error(int(error.code), error.code.name, text, error.seq, error.stream)
