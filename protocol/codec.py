"""Encoding and decoding of protocol v1 messages (msgpack maps with short keys).

`decode` is the gate every received byte passes: it refuses oversized input before
unpacking, unpacks with hard limits on every length, and validates every field; any
problem — whatever the bytes — is a `ProtocolError` naming the field. Unknown fields are
ignored (a newer peer may add optional ones without a version bump). Field keys and types
are specified in PROTOCOL.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import msgpack
import numpy as np

from protocol.arrays import check_size, decode_array, encode_array
from protocol.errors import ErrorCode, ProtocolError
from protocol.limits import (
    MAX_FACES,
    MAX_HANDS,
    MAX_ID_CHARS,
    MAX_IMAGE_SIDE,
    MAX_LIST_ITEMS,
    MAX_MAP_ENTRIES,
    MAX_MESSAGE_BYTES,
    MAX_TEXT_CHARS,
    MAX_VERTICES,
    PROTOCOL_VERSION,
)
from protocol.messages import (
    Ack,
    Error,
    Frame,
    Hand,
    Hands,
    Hello,
    Image,
    Message,
    Rig,
    RigRequest,
    Stats,
    StatsRequest,
    StreamStats,
)
from protocol.skeleton import NUM_JOINTS, NUM_KEYPOINTS, NUM_LOCAL_ROTATIONS

U64_MAX = 2**64 - 1
I64_MAX = 2**63 - 1
PIXEL_CHANNELS = {"bgr8": 3, "rgb8": 3, "gray8": 1}
VERTEX_DTYPES = ("f2", "f4", "none")


class _Fields:
    """Typed access to a received map; every error names the field's path."""

    def __init__(self, value: object, path: str) -> None:
        if not isinstance(value, dict):
            raise ProtocolError(f"{path or 'message'}: expected a map, got {type(value).__name__}")
        if len(value) > MAX_MAP_ENTRIES:
            raise ProtocolError(
                f"{path or 'message'}: more than {MAX_MAP_ENTRIES} entries", ErrorCode.TOO_LARGE
            )
        self.value, self.path = value, path

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def raw(self, key: str, required: bool = True) -> object:
        if key not in self.value or self.value[key] is None:
            if required:
                raise ProtocolError(f"{self.name(key)}: required field missing")
            return None
        return self.value[key]

    def string(
        self,
        key: str,
        max_chars: int = MAX_ID_CHARS,
        required: bool = True,
        choices: tuple[str, ...] | None = None,
    ) -> str | None:
        value = self.raw(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise ProtocolError(f"{self.name(key)}: expected a string, got {type(value).__name__}")
        if len(value) > max_chars:
            raise ProtocolError(
                f"{self.name(key)}: longer than {max_chars} characters", ErrorCode.TOO_LARGE
            )
        if choices is not None and value not in choices:
            raise ProtocolError(f"{self.name(key)}: {value!r} is not one of {', '.join(choices)}")
        return value

    def integer(self, key: str, low: int, high: int, required: bool = True) -> int | None:
        value = self.raw(key, required)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise ProtocolError(
                f"{self.name(key)}: expected an integer, got {type(value).__name__}"
            )
        if not low <= value <= high:
            raise ProtocolError(f"{self.name(key)}: {value} outside [{low}, {high}]")
        return value

    def number(
        self, key: str, low: float = -math.inf, high: float = math.inf, required: bool = True
    ) -> float | None:
        value = self.raw(key, required)
        if value is None:
            return None
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            raise ProtocolError(f"{self.name(key)}: expected a finite number, got {value!r}")
        if not low <= value <= high:
            raise ProtocolError(f"{self.name(key)}: {value} outside [{low}, {high}]")
        return float(value)

    def array(
        self,
        key: str,
        dtypes: tuple[str, ...],
        shape: tuple[int | None, ...],
        required: bool = True,
    ) -> np.ndarray | None:
        value = self.raw(key, required)
        if value is None:
            return None
        try:
            return decode_array(value, "", dtypes, shape)
        except ProtocolError as error:  # name the field only when something is wrong
            raise ProtocolError(f"{self.name(key)}{error.message}", error.code) from None

    def fields(self, key: str, required: bool = True) -> _Fields | None:
        value = self.raw(key, required)
        return None if value is None else _Fields(value, self.name(key))

    def items(
        self, key: str, max_items: int = MAX_LIST_ITEMS, required: bool = True
    ) -> list | None:
        value = self.raw(key, required)
        if value is None:
            return None
        if not isinstance(value, list):
            raise ProtocolError(f"{self.name(key)}: expected a list, got {type(value).__name__}")
        check_size(len(value), max_items, self.name(key))
        return value

    def durations(self, key: str, required: bool = True) -> dict[str, int]:
        """A map of stage name → non-negative integer microseconds."""
        table = self.fields(key, required)
        if table is None:
            return {}
        if not all(isinstance(stage, str) for stage in table.value):
            raise ProtocolError(f"{table.path}: keys must be strings")
        return {stage: table.integer(stage, 0, I64_MAX) for stage in table.value}


def _strings(values: list, path: str, max_chars: int = MAX_ID_CHARS) -> tuple[str, ...]:
    for i, value in enumerate(values):
        if not isinstance(value, str) or len(value) > max_chars:
            raise ProtocolError(f"{path}[{i}]: expected a string of at most {max_chars} characters")
    return tuple(values)


# Hello -------------------------------------------------------------------------------
def _hello_to_wire(m: Hello) -> dict:
    wire = {"ro": m.role, "sw": m.software, "cap": list(m.capabilities)}
    for key, value in (("mdl", m.model), ("rig", m.rig), ("nm", m.name)):
        if value is not None:
            wire[key] = value
    return wire


def _hello_from_wire(f: _Fields) -> Hello:
    return Hello(
        role=f.string("ro", choices=("client", "server")),
        software=f.string("sw", MAX_TEXT_CHARS),
        capabilities=_strings(f.items("cap", required=False) or [], f.name("cap")),
        model=f.string("mdl", required=False),
        rig=f.string("rig", required=False),
        name=f.string("nm", required=False),
    )


# Rig -----------------------------------------------------------------------------------
def _rig_to_wire(m: Rig) -> dict:
    return {
        "rig": m.rig_id,
        "vt": encode_array(m.vertices, "f4"),
        "f": encode_array(m.faces, "u2" if len(m.vertices) <= 65536 else "i4"),
        "si": encode_array(m.skin_indices, "u1"),
        "sw": encode_array(m.skin_weights, "f4"),
        "par": encode_array(m.parents, "i1"),
        "jn": list(m.joint_names),
        "rj": encode_array(m.rest_joints, "f4"),
        "bp": encode_array(m.bind_poses, "f4"),
        "rk": encode_array(m.rest_keypoints, "f4"),
        "tip": encode_array(m.tip_vertices, "u2"),
    }


def _rig_from_wire(f: _Fields) -> Rig:
    vertices = f.array("vt", ("f4",), (None, 3))
    count = len(vertices)
    check_size(count, MAX_VERTICES, f.name("vt"))
    faces = f.array("f", ("u2", "i4"), (None, 3))
    check_size(len(faces), MAX_FACES, f.name("f"))
    if len(faces) and (faces.min() < 0 or faces.max() >= count):
        raise ProtocolError(f"{f.name('f')}: vertex index outside [0, {count - 1}]")
    skin_indices = f.array("si", ("u1",), (count, 4))
    if skin_indices.size and skin_indices.max() >= NUM_JOINTS:
        raise ProtocolError(f"{f.name('si')}: joint index ≥ {NUM_JOINTS}")
    skin_weights = f.array("sw", ("f4",), (count, 4))
    if skin_weights.size and (
        skin_weights.min() < 0 or np.abs(skin_weights.sum(1) - 1).max() > 1e-3
    ):
        raise ProtocolError(f"{f.name('sw')}: weights must be non-negative and sum to 1 per vertex")
    parents = f.array("par", ("i1",), (NUM_JOINTS,))
    if parents[0] != -1 or any(not 0 <= parents[j] < j for j in range(1, NUM_JOINTS)):
        raise ProtocolError(
            f"{f.name('par')}: not a joint tree (root -1, each parent before its child)"
        )
    names = f.items("jn")
    if len(names) != NUM_JOINTS:
        raise ProtocolError(f"{f.name('jn')}: expected {NUM_JOINTS} joint names, got {len(names)}")
    tips = f.array("tip", ("u2",), (5,))
    if tips.max() >= count:
        raise ProtocolError(f"{f.name('tip')}: vertex index outside [0, {count - 1}]")
    return Rig(
        rig_id=f.string("rig"),
        vertices=vertices,
        faces=faces,
        skin_indices=skin_indices,
        skin_weights=skin_weights,
        parents=parents,
        joint_names=_strings(names, f.name("jn")),
        rest_joints=f.array("rj", ("f4",), (NUM_JOINTS, 3)),
        bind_poses=f.array("bp", ("f4",), (NUM_JOINTS, 4, 4)),
        rest_keypoints=f.array("rk", ("f4",), (NUM_KEYPOINTS, 3)),
        tip_vertices=tips,
    )


# Frame ---------------------------------------------------------------------------------
def _frame_to_wire(m: Frame) -> dict:
    image = {"fmt": m.image.format, "d": m.image.data, "w": m.image.width, "h": m.image.height}
    if m.image.pixel_format is not None:
        image["pix"] = m.image.pixel_format
    wire = {"s": m.stream, "n": m.seq, "tc": m.t_capture_ns, "img": image}
    if m.intrinsics is not None:
        wire["K"] = [float(v) for v in m.intrinsics]
    if m.handedness is not None:
        wire["hand"] = m.handedness
    if m.vertex_dtype is not None:
        wire["vdt"] = m.vertex_dtype
    return wire


def _image_from_wire(f: _Fields) -> Image:
    image_format = f.string("fmt", choices=("jpeg", "raw"))
    width, height = (_image_side(f, key) for key in ("w", "h"))
    data = f.raw("d")
    if not isinstance(data, bytes) or not data:
        raise ProtocolError(f"{f.name('d')}: expected non-empty binary image data")
    pixel_format = None
    if image_format == "raw":
        pixel_format = f.string("pix", choices=tuple(PIXEL_CHANNELS))
        expected = width * height * PIXEL_CHANNELS[pixel_format]
        if len(data) != expected:
            raise ProtocolError(
                f"{f.name('d')}: {len(data)} bytes for a {width}×{height} {pixel_format} image "
                f"(expected {expected})",
                ErrorCode.BAD_IMAGE,
            )
    elif not data.startswith(b"\xff\xd8"):
        raise ProtocolError(
            f"{f.name('d')}: not JPEG data (no start-of-image marker)", ErrorCode.BAD_IMAGE
        )
    return Image(image_format, data, width, height, pixel_format)


def _image_side(f: _Fields, key: str) -> int:
    side = f.integer(key, 1, 2**31)
    if side > MAX_IMAGE_SIDE:
        message = f"{f.name(key)}: {side} px exceeds the limit of {MAX_IMAGE_SIDE}"
        raise ProtocolError(message, ErrorCode.TOO_LARGE)
    return side


def _frame_from_wire(f: _Fields) -> Frame:
    intrinsics = f.items("K", 4, required=False)
    if intrinsics is not None:
        values = _Fields({str(i): v for i, v in enumerate(intrinsics)}, f.name("K"))
        if len(intrinsics) != 4:
            raise ProtocolError(f"{f.name('K')}: expected [fx, fy, cx, cy]")
        fx, fy = (values.number(str(i), 1e-6) for i in range(2))
        cx, cy = (values.number(str(i)) for i in range(2, 4))
        intrinsics = (fx, fy, cx, cy)
    return Frame(
        stream=f.string("s"),
        seq=f.integer("n", 0, U64_MAX),
        t_capture_ns=f.integer("tc", 0, I64_MAX),
        image=_image_from_wire(f.fields("img")),
        intrinsics=intrinsics,
        handedness=f.string("hand", required=False, choices=("left", "right")),
        vertex_dtype=f.string("vdt", required=False, choices=VERTEX_DTYPES),
    )


# Hands ---------------------------------------------------------------------------------
def _hand_to_wire(hand: Hand) -> dict:
    wire = {
        "sd": hand.side,
        "sc": float(hand.score),
        "j": encode_array(hand.joints, "f4"),
        "kp": encode_array(hand.keypoints_2d, "f4"),
        "wp": encode_array(hand.wrist_position, "f4"),
        "wr": encode_array(hand.wrist_rotation, "f4"),
        "lr": encode_array(hand.local_rotations, "f4"),
    }
    if hand.vertices is not None:
        wire["vt"] = encode_array(
            hand.vertices, "f2" if hand.vertices.dtype == np.float16 else "f4"
        )
    return wire


def _hand_from_wire(f: _Fields) -> Hand:
    vertices = f.array("vt", ("f2", "f4"), (None, 3), required=False)
    if vertices is not None:
        check_size(len(vertices), MAX_VERTICES, f.name("vt"))
    return Hand(
        side=f.string("sd", choices=("left", "right")),
        score=f.number("sc", 0.0, 1.0),
        joints=f.array("j", ("f4",), (NUM_KEYPOINTS, 3)),
        keypoints_2d=f.array("kp", ("f4",), (NUM_KEYPOINTS, 2)),
        wrist_position=f.array("wp", ("f4",), (3,)),
        wrist_rotation=f.array("wr", ("f4",), (4,)),
        local_rotations=f.array("lr", ("f4",), (NUM_LOCAL_ROTATIONS, 4)),
        vertices=vertices,
    )


def _hands_to_wire(m: Hands) -> dict:
    return {
        "s": m.stream,
        "n": m.seq,
        "tc": m.t_capture_ns,
        "st": dict(m.stage_us),
        "h": [_hand_to_wire(hand) for hand in m.hands],
    }


def _hands_from_wire(f: _Fields) -> Hands:
    hands = f.items("h", MAX_HANDS)
    return Hands(
        stream=f.string("s"),
        seq=f.integer("n", 0, U64_MAX),
        t_capture_ns=f.integer("tc", 0, I64_MAX),
        stage_us=f.durations("st", required=False),
        hands=tuple(
            _hand_from_wire(_Fields(hand, f"{f.name('h')}[{i}]")) for i, hand in enumerate(hands)
        ),
    )


# Ack, stats, error -----------------------------------------------------------------------
def _ack_to_wire(m: Ack) -> dict:
    return {"s": m.stream, "n": m.seq, "tr": m.t_receive_ns, "ta": m.t_apply_ns}


def _ack_from_wire(f: _Fields) -> Ack:
    return Ack(
        f.string("s"),
        f.integer("n", 0, U64_MAX),
        f.integer("tr", 0, I64_MAX),
        f.integer("ta", 0, I64_MAX),
    )


def _stats_to_wire(m: Stats) -> dict:
    return {
        "up": float(m.uptime_s),
        "fr": m.frames,
        "dr": m.dropped,
        "er": m.errors,
        "bad": m.bad_messages,
        "ss": {
            name: {
                "fi": float(s.fps_in),
                "fo": float(s.fps_out),
                "dr": s.dropped,
                "er": s.errors,
                "p50": dict(s.stage_p50_us),
                "p95": dict(s.stage_p95_us),
            }
            for name, s in m.streams.items()
        },
    }


def _stats_from_wire(f: _Fields) -> Stats:
    table = f.fields("ss", required=False)
    streams = {}
    if table is not None:
        check_size(len(table.value), MAX_LIST_ITEMS, table.path)
        for name in table.value:
            if not isinstance(name, str) or len(name) > MAX_ID_CHARS:
                raise ProtocolError(
                    f"{table.path}: stream names must be strings of ≤ {MAX_ID_CHARS} characters"
                )
            s = table.fields(name)
            streams[name] = StreamStats(
                s.number("fi", 0.0),
                s.number("fo", 0.0),
                s.integer("dr", 0, I64_MAX),
                s.integer("er", 0, I64_MAX),
                s.durations("p50", False),
                s.durations("p95", False),
            )
    return Stats(
        f.number("up", 0.0),
        f.integer("fr", 0, I64_MAX),
        f.integer("dr", 0, I64_MAX),
        f.integer("er", 0, I64_MAX),
        f.integer("bad", 0, I64_MAX),
        streams,
    )


def _error_to_wire(m: Error) -> dict:
    wire = {"c": m.code, "nm": m.name, "m": m.message}
    if m.seq is not None:
        wire["n"] = m.seq
    if m.stream is not None:
        wire["s"] = m.stream
    return wire


def _error_from_wire(f: _Fields) -> Error:
    return Error(
        f.integer("c", 0, 65535),
        f.string("nm"),
        f.string("m", MAX_TEXT_CHARS),
        f.integer("n", 0, U64_MAX, required=False),
        f.string("s", required=False),
    )


def _empty(_: object) -> dict:
    return {}


_CODECS: dict[str, tuple[type, Callable, Callable]] = {
    "hello": (Hello, _hello_to_wire, _hello_from_wire),
    "rig_req": (RigRequest, _empty, lambda f: RigRequest()),
    "rig": (Rig, _rig_to_wire, _rig_from_wire),
    "frame": (Frame, _frame_to_wire, _frame_from_wire),
    "hands": (Hands, _hands_to_wire, _hands_from_wire),
    "ack": (Ack, _ack_to_wire, _ack_from_wire),
    "stats_req": (StatsRequest, _empty, lambda f: StatsRequest()),
    "stats": (Stats, _stats_to_wire, _stats_from_wire),
    "error": (Error, _error_to_wire, _error_from_wire),
}
_TYPE_NAMES = {cls: name for name, (cls, _, _) in _CODECS.items()}
MESSAGE_TYPES: tuple[str, ...] = tuple(_CODECS)


def type_name(message: Message) -> str:
    return _TYPE_NAMES[type(message)]


def encode(message: Message) -> bytes:
    """The wire bytes of a message (deterministic: same message, same bytes)."""
    try:
        name = _TYPE_NAMES[type(message)]
    except KeyError:
        raise TypeError(f"{type(message).__name__} is not a protocol message") from None
    return msgpack.packb(
        {"v": PROTOCOL_VERSION, "t": name, **_CODECS[name][1](message)}, use_bin_type=True
    )


def decode(data: bytes) -> Message:
    """A message from wire bytes; `ProtocolError` for anything that is not a valid one."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ProtocolError(f"expected bytes, got {type(data).__name__}")
    if len(data) > MAX_MESSAGE_BYTES:
        raise ProtocolError(
            f"message of {len(data)} bytes exceeds the limit of {MAX_MESSAGE_BYTES}",
            ErrorCode.TOO_LARGE,
        )
    try:
        value = msgpack.unpackb(
            data,
            raw=False,
            strict_map_key=True,
            use_list=True,
            max_bin_len=MAX_MESSAGE_BYTES,
            max_str_len=MAX_TEXT_CHARS * 4,
            max_array_len=1024,
            max_map_len=MAX_MAP_ENTRIES,
            max_ext_len=0,
        )
    except Exception as error:  # msgpack raises many types for bad input; all mean the same here
        raise ProtocolError(f"not a msgpack message: {type(error).__name__}: {error}") from None
    fields = _Fields(value, "")
    version = fields.raw("v")
    if version != PROTOCOL_VERSION:
        raise ProtocolError(
            f"v: protocol version {version!r} not supported (this peer speaks {PROTOCOL_VERSION})",
            ErrorCode.UNSUPPORTED_VERSION,
        )
    name = fields.raw("t")
    if name not in _CODECS:
        raise ProtocolError(f"t: unknown message type {name!r}", ErrorCode.UNKNOWN_TYPE)
    try:
        return _CODECS[name][2](fields)
    except ProtocolError:
        raise
    except (TypeError, ValueError, OverflowError, KeyError, IndexError, AttributeError) as error:
        # A guard against a validation gap: still a clear refusal, never a crash.
        raise ProtocolError(
            f"{name}: malformed message ({type(error).__name__}: {error})"
        ) from None
