"""Protocol v1 message types. Units: meters, nanoseconds (times), microseconds (durations);
3D in the OpenCV camera frame (x right, y down, z forward); quaternions (x, y, z, w).

Client → server (on the ROUTER): Hello, RigRequest, Frame, Ack, StatsRequest.
Server → that client: Hello, Rig, Stats, Error. Server → everyone (PUB, topic = stream): Hands.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np


@dataclass(frozen=True, eq=False)
class Hello:
    """Both ways. A client sends role "client"; the server answers with role "server" and
    fills model and rig ids (a client compares the rig id with a cached rig)."""

    role: str
    software: str
    capabilities: tuple[str, ...] = ()
    model: str | None = None
    rig: str | None = None
    name: str | None = None


@dataclass(frozen=True, eq=False)
class RigRequest:
    """Asks for the server's `Rig` (sent once; the answer can be cached by rig id)."""


@dataclass(frozen=True, eq=False)
class Rig:
    """What an engine needs to build the skinned hand, in the hand model frame (camera axes
    at identity wrist rotation, wrist at the origin, meters).

    vertices (V, 3) f4; faces (F, 3) int, counter-clockwise seen from outside;
    skin_indices (V, 4) u1 joint ids and skin_weights (V, 4) f4 (rows sum to 1, strongest
    first); parents (16,) (-1 for the wrist); rest_joints (16, 3); bind_poses (16, 4, 4)
    inverse rest global transforms; rest_keypoints (21, 3); tip_vertices (5,)."""

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


@dataclass(frozen=True, eq=False)
class Image:
    """JPEG bytes (``format`` "jpeg", width/height as decoded) or raw pixels (``format``
    "raw" with ``pixel_format`` "bgr8", "rgb8" or "gray8", rows top to bottom, no padding)."""

    format: str
    data: bytes
    width: int
    height: int
    pixel_format: str | None = None


@dataclass(frozen=True, eq=False)
class Frame:
    """A camera frame. intrinsics: (fx, fy, cx, cy) in pixels, OpenCV convention; without
    them the server assumes a default field of view. handedness: "left", "right" or None
    (detect). vertex_dtype: "f2" (default), "f4" or "none" for this stream's results."""

    stream: str
    seq: int
    t_capture_ns: int
    image: Image
    intrinsics: tuple[float, float, float, float] | None = None
    handedness: str | None = None
    vertex_dtype: str | None = None


@dataclass(frozen=True, eq=False)
class Hand:
    """One detected hand. joints (21, 3) camera frame, m; keypoints_2d (21, 2) px in the
    frame; wrist_position (3,) m; wrist_rotation (4,) relative to the rest pose; local_rotations
    (15, 4) joints 1..15 relative to the rest pose in the parent's frame; vertices (V, 3)
    relative to the wrist position (camera axes), float16 or float32, or None."""

    side: str
    score: float
    joints: np.ndarray
    keypoints_2d: np.ndarray
    wrist_position: np.ndarray
    wrist_rotation: np.ndarray
    local_rotations: np.ndarray
    vertices: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class Hands:
    """The result for one frame: seq and capture time echoed; stage_us: server stage
    durations in microseconds (decode, locate, forward, ik, filter, encode, ...)."""

    stream: str
    seq: int
    t_capture_ns: int
    stage_us: dict[str, int] = field(default_factory=dict)
    hands: tuple[Hand, ...] = ()


@dataclass(frozen=True, eq=False)
class Ack:
    """An engine applied a result: receive and apply times on the engine's own clock (ns)."""

    stream: str
    seq: int
    t_receive_ns: int
    t_apply_ns: int


@dataclass(frozen=True, eq=False)
class StatsRequest:
    """Asks for `Stats`."""


@dataclass(frozen=True, eq=False)
class StreamStats:
    fps_in: float
    fps_out: float
    dropped: int
    errors: int
    stage_p50_us: dict[str, int] = field(default_factory=dict)
    stage_p95_us: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Stats:
    uptime_s: float
    frames: int
    dropped: int
    errors: int
    bad_messages: int
    streams: dict[str, StreamStats] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Error:
    """code: an `ErrorCode` value; name: its symbolic name; seq/stream: the frame it refers
    to, when known."""

    code: int
    name: str
    message: str
    seq: int | None = None
    stream: str | None = None


Message = Hello | RigRequest | Rig | Frame | Hands | Ack | StatsRequest | Stats | Error


def as_plain(value: object) -> object:
    """A message as JSON-ready values (arrays as {dtype, shape, data}); used by the golden
    vectors' expected values and to compare messages in tests."""
    if isinstance(value, np.ndarray):
        data = (
            value.astype(np.float64).ravel().tolist()
            if value.dtype.kind == "f"
            else value.ravel().tolist()
        )
        return {"dtype": value.dtype.str.lstrip("<>|="), "shape": list(value.shape), "data": data}
    if isinstance(value, bytes):
        return {"bytes_hex": value.hex()}
    if isinstance(value, tuple | list):
        return [as_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: as_plain(item) for key, item in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        return {
            "type": type(value).__name__,
            **{f.name: as_plain(getattr(value, f.name)) for f in fields(value)},
        }
    return value
