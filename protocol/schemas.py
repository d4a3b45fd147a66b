"""Every protocol v1 map as a table: wire key, field name, kind of value, required or not,
plus the rules that tie a message's fields together. PROTOCOL.md §3 is the same tables in
prose (a test compares them).

Rules beyond single fields: an image's bytes must be what its header fields declare; a
rig's arrays must agree with each other (one skinning row per vertex, face and tip indices
below the vertex count, the protocol's joint tree, bind poses that invert the rest joints).
"""

from __future__ import annotations

import numpy as np

from protocol.errors import ErrorCode, ProtocolError
from protocol.images import PIXEL_CHANNELS, jpeg_size
from protocol.limits import (
    MAX_FACES,
    MAX_HANDS,
    MAX_IMAGE_BYTES,
    MAX_IMAGE_SIDE,
    MAX_TEXT_CHARS,
    MAX_VERTICES,
)
from protocol.messages import (
    Ack,
    Error,
    Frame,
    Hand,
    Hands,
    Hello,
    Image,
    Rig,
    RigRequest,
    Stats,
    StatsRequest,
    StreamStats,
)
from protocol.schema import Array, Binary, Field, Integer, ListOf, MapOf, Number, Schema, Text
from protocol.skeleton import (
    ARTICULATED_KEYPOINTS,
    FINGERS,
    JOINT_PARENTS,
    NUM_JOINTS,
    NUM_KEYPOINTS,
    NUM_LOCAL_ROTATIONS,
)

U64_MAX = 2**64 - 1
I64_MAX = 2**63 - 1
VERTEX_DTYPES = ("f2", "f4", "none")
# Rest-pose consistency tolerance: float32 positions of a hand-sized model are exact to ~1e-8 m.
REST_TOLERANCE_M = 1e-4
SKIN_WEIGHT_TOLERANCE = 1e-3

ID = Text()
TEXT = Text(MAX_TEXT_CHARS, min_chars=0)
SIDE = Text(choices=("left", "right"))
SEQ = Integer(0, U64_MAX)
TIME_NS = Integer(0, I64_MAX)
COUNT = Integer(0, I64_MAX)
DURATIONS_US = MapOf(Integer(0, I64_MAX))
RATE = Number(0.0)
POSITIONS = Array(("f4",), (NUM_KEYPOINTS, 3))


HELLO = Schema(
    "hello",
    Hello,
    (
        Field("ro", "role", Text(choices=("client", "server"))),
        Field("sw", "software", Text(MAX_TEXT_CHARS)),
        Field("cap", "capabilities", ListOf(ID), required=False),
        Field("mdl", "model", ID, required=False),
        Field("rig", "rig", ID, required=False),
        Field("nm", "name", ID, required=False),
    ),
)

RIG_REQUEST = Schema("rig_req", RigRequest)


def _check_rig(rig: Rig) -> None:
    count = len(rig.vertices)
    for name in ("skin_indices", "skin_weights"):
        if len(getattr(rig, name)) != count:
            raise RIG.error(name, f"{len(getattr(rig, name))} rows for {count} vertices")
    for name in ("faces", "tip_vertices"):
        indices = getattr(rig, name)
        if indices.size and (indices.min() < 0 or indices.max() >= count):
            raise RIG.error(name, f"vertex index outside [0, {count - 1}]")
    if rig.skin_indices.size and rig.skin_indices.max() >= NUM_JOINTS:
        raise RIG.error("skin_indices", f"joint index outside [0, {NUM_JOINTS - 1}]")
    # Arithmetic in float64: float32 extremes must fail the checks, not overflow with a warning.
    weights = rig.skin_weights.astype(np.float64)
    if weights.size and (
        weights.min() < 0 or np.abs(weights.sum(axis=1) - 1).max() > SKIN_WEIGHT_TOLERANCE
    ):
        raise RIG.error("skin_weights", "weights must be ≥ 0 and sum to 1 per vertex")
    if tuple(rig.parents.tolist()) != JOINT_PARENTS:
        raise RIG.error("parents", f"not the protocol's joint tree {list(JOINT_PARENTS)}")
    joints = rig.rest_joints.astype(np.float64)
    articulated = rig.rest_keypoints[list(ARTICULATED_KEYPOINTS)].astype(np.float64)
    if np.abs(articulated - joints).max() > REST_TOLERANCE_M:
        raise RIG.error("rest_joints", "must equal the articulated rest keypoints")
    # bind_j inverts joint j's rest global transform, whose translation is the rest joint.
    bind = rig.bind_poses.astype(np.float64)
    origin = np.einsum("jab,jb->ja", bind[:, :3, :3], joints) + bind[:, :3, 3]
    bottom_row_ok = np.array_equal(bind[:, 3], np.tile([0.0, 0.0, 0.0, 1.0], (NUM_JOINTS, 1)))
    if not bottom_row_ok or np.abs(origin).max() > REST_TOLERANCE_M:
        raise RIG.error(
            "bind_poses", "must be affine and map each rest joint to the origin (inverse rest)"
        )


RIG = Schema(
    "rig",
    Rig,
    (
        Field("rig", "rig_id", ID),
        Field("vt", "vertices", Array(("f4",), (None, 3), MAX_VERTICES)),
        Field("f", "faces", Array(("u2", "i4"), (None, 3), MAX_FACES)),
        Field("si", "skin_indices", Array(("u1",), (None, 4), MAX_VERTICES)),
        Field("sw", "skin_weights", Array(("f4",), (None, 4), MAX_VERTICES)),
        Field("par", "parents", Array(("i1", "i4"), (NUM_JOINTS,))),
        Field("jn", "joint_names", ListOf(ID, NUM_JOINTS, NUM_JOINTS)),
        Field("rj", "rest_joints", Array(("f4",), (NUM_JOINTS, 3))),
        Field("bp", "bind_poses", Array(("f4",), (NUM_JOINTS, 4, 4))),
        Field("rk", "rest_keypoints", POSITIONS),
        Field("tip", "tip_vertices", Array(("u2", "i4"), (len(FINGERS),))),
    ),
    _check_rig,
)


def _check_image(image: Image) -> None:
    if image.format == "raw":
        if image.pixel_format is None:
            raise IMAGE.error("pixel_format", "required field missing for a raw image")
        expected = image.width * image.height * PIXEL_CHANNELS[image.pixel_format]
        if len(image.data) != expected:
            raise IMAGE.error(
                "data",
                f"{len(image.data)} bytes for a {image.width}×{image.height} "
                f"{image.pixel_format} image (expected {expected})",
                ErrorCode.BAD_IMAGE,
            )
        return
    if image.pixel_format is not None:
        raise IMAGE.error("pixel_format", "only a raw image has a pixel format")
    try:
        width, height = jpeg_size(image.data)
    except ProtocolError as error:
        raise error.within("d", "data") from None
    if (width, height) != (image.width, image.height):
        raise IMAGE.error(
            "data",
            f"the JPEG is {width}×{height}, declared {image.width}×{image.height}",
            ErrorCode.BAD_IMAGE,
        )


IMAGE_SIDE = Integer(1, MAX_IMAGE_SIDE, high_is_limit=True)
IMAGE = Schema(
    "image",
    Image,
    (
        Field("fmt", "format", Text(choices=("jpeg", "raw"))),
        Field("d", "data", Binary(MAX_IMAGE_BYTES)),
        Field("w", "width", IMAGE_SIDE),
        Field("h", "height", IMAGE_SIDE),
        Field("pix", "pixel_format", Text(choices=tuple(PIXEL_CHANNELS)), required=False),
    ),
    _check_image,
)


def _check_frame(frame: Frame) -> None:
    if frame.intrinsics is not None and min(frame.intrinsics[:2]) <= 0:
        raise FRAME.error("intrinsics", "fx and fy must be positive")


FRAME = Schema(
    "frame",
    Frame,
    (
        Field("s", "stream", ID),
        Field("n", "seq", SEQ),
        Field("tc", "t_capture_ns", TIME_NS),
        Field("img", "image", IMAGE),
        Field("K", "intrinsics", ListOf(Number(), 4, 4), required=False),
        Field("hand", "handedness", SIDE, required=False),
        Field("vdt", "vertex_dtype", Text(choices=VERTEX_DTYPES), required=False),
    ),
    _check_frame,
)

HAND = Schema(
    "hand",
    Hand,
    (
        Field("sd", "side", SIDE),
        Field("sc", "score", Number(0.0, 1.0)),
        Field("j", "joints", POSITIONS),
        Field("kp", "keypoints_2d", Array(("f4",), (NUM_KEYPOINTS, 2))),
        Field("wp", "wrist_position", Array(("f4",), (3,))),
        Field("wr", "wrist_rotation", Array(("f4",), (4,))),
        Field("lr", "local_rotations", Array(("f4",), (NUM_LOCAL_ROTATIONS, 4))),
        Field("vt", "vertices", Array(("f2", "f4"), (None, 3), MAX_VERTICES), required=False),
    ),
)

HANDS = Schema(
    "hands",
    Hands,
    (
        Field("s", "stream", ID),
        Field("n", "seq", SEQ),
        Field("tc", "t_capture_ns", TIME_NS),
        Field("st", "stage_us", DURATIONS_US, required=False),
        Field("h", "hands", ListOf(HAND, MAX_HANDS)),
    ),
)

ACK = Schema(
    "ack",
    Ack,
    (
        Field("s", "stream", ID),
        Field("n", "seq", SEQ),
        Field("tr", "t_receive_ns", TIME_NS),
        Field("ta", "t_apply_ns", TIME_NS),
    ),
)

STATS_REQUEST = Schema("stats_req", StatsRequest)

STREAM_STATS = Schema(
    "stream_stats",
    StreamStats,
    (
        Field("fi", "fps_in", RATE),
        Field("fo", "fps_out", RATE),
        Field("dr", "dropped", COUNT),
        Field("er", "errors", COUNT),
        Field("p50", "stage_p50_us", DURATIONS_US, required=False),
        Field("p95", "stage_p95_us", DURATIONS_US, required=False),
    ),
)

STATS = Schema(
    "stats",
    Stats,
    (
        Field("up", "uptime_s", RATE),
        Field("fr", "frames", COUNT),
        Field("dr", "dropped", COUNT),
        Field("er", "errors", COUNT),
        Field("bad", "bad_messages", COUNT),
        Field("ss", "streams", MapOf(STREAM_STATS), required=False),
    ),
)

ERROR = Schema(
    "error",
    Error,
    (
        Field("c", "code", Integer(0, 65535)),
        Field("nm", "name", ID),
        Field("m", "message", TEXT),
        Field("n", "seq", SEQ, required=False),
        Field("s", "stream", ID, required=False),
    ),
)

MESSAGES: tuple[Schema, ...] = (
    HELLO,
    RIG_REQUEST,
    RIG,
    FRAME,
    HANDS,
    ACK,
    STATS_REQUEST,
    STATS,
    ERROR,
)
"""The top-level messages; each schema's name is its ``t``."""
NESTED: tuple[Schema, ...] = (IMAGE, HAND, STREAM_STATS)
"""Maps that only occur inside messages."""
