"""Golden vectors: fixed messages of every type and edge case, as the exact bytes
(``NAME.msgpack``) and the values a decoder must produce (``NAME.json``), plus invalid
messages (``invalid/NAME.msgpack``) with the error a decoder must give (``invalid/NAME.json``).
The Python and the C# tests both decode them; vectors/README.md describes the JSON.

Everything here is deterministic (fixed seeds, fixed bytes), so `handmesh vectors --check`
and a test can demand that regenerating reproduces the committed files exactly.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import msgpack
import numpy as np

from protocol.codec import encode
from protocol.errors import ErrorCode
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
from protocol.schemas import MESSAGES, NESTED
from protocol.skeleton import (
    ARTICULATED_KEYPOINTS,
    JOINT_NAMES,
    JOINT_PARENTS,
    NUM_JOINTS,
    NUM_KEYPOINTS,
)

VECTORS_DIR = Path(__file__).parent / "vectors"
INVALID = "invalid"

# A real 16×12 colour JPEG (baseline, optimised Huffman tables), so frames pass the same
# header check as a camera's: decoders read its size from the frame header.
SAMPLE_JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb00430003020203020203030303040303040508050504"
    "04050a070706080c0a0c0c0b0a0b0b0d0e12100d0e110e0b0b1016101113141515150c0f1718161418121415"
    "14ffdb00430103040405040509050509140d0b0d141414141414141414141414141414141414141414141414"
    "1414141414141414141414141414141414141414141414141414ffc0001108000c0010030122000211010311"
    "01ffc4001500010100000000000000000000000000000708ffc4001b10000201050000000000000000000000"
    "0000062405082232a2ffc4001501010100000000000000000000000000000405ffc4001b1100010403000000"
    "0000000000000000000003040506212231ffda000c03010002110311003f0095566dfb48dc8b4b36fda46e4a"
    "91612e95847169652e958470942bcbad3a46869f5b07ffd9"
)
SAMPLE_JPEG_SIZE = (16, 12)


def sample_hand(
    rng: np.random.Generator, side: str, vertices: int | None, dtype: type = np.float16
) -> Hand:
    """A plausible hand half a meter in front of the camera: keypoints a few cm around the
    wrist, unit quaternions with w ≥ 0, ``vertices`` vertices around the wrist (or None)."""
    quaternions = rng.normal(size=(NUM_JOINTS, 4))
    quaternions /= np.linalg.norm(quaternions, axis=1, keepdims=True)
    quaternions *= np.where(quaternions[:, 3:] < 0, -1.0, 1.0)
    wrist = np.array([0.05, -0.02, 0.45])
    joints = wrist + rng.normal(scale=0.04, size=(NUM_KEYPOINTS, 3))
    joints[0] = wrist
    return Hand(
        side=side,
        score=0.875,
        joints=joints.astype(np.float32),
        keypoints_2d=rng.uniform(0, 640, size=(NUM_KEYPOINTS, 2)).astype(np.float32),
        wrist_position=wrist.astype(np.float32),
        wrist_rotation=quaternions[0].astype(np.float32),
        local_rotations=quaternions[1:].astype(np.float32),
        vertices=None
        if vertices is None
        else rng.normal(scale=0.05, size=(vertices, 3)).astype(dtype),
    )


def sample_rig(rng: np.random.Generator, vertices: int = 12) -> Rig:
    """A small rig that satisfies every rig rule: quads of vertices skinned to two joints,
    rest joints at the articulated keypoints, bind poses that undo them."""
    keypoints = rng.normal(scale=0.05, size=(NUM_KEYPOINTS, 3)).astype(np.float32)
    keypoints[0] = 0.0  # the hand model frame has its origin at the rest wrist
    joints = keypoints[list(ARTICULATED_KEYPOINTS)]
    bind_poses = np.tile(np.eye(4, dtype=np.float32), (NUM_JOINTS, 1, 1))
    bind_poses[:, :3, 3] = -joints
    quads = np.arange(0, vertices, 4)[:, None]
    faces = np.concatenate([quads + [0, 1, 2], quads + [2, 3, 0]]).astype(np.uint16)
    ids = np.arange(vertices)
    skin_indices = np.stack([ids % NUM_JOINTS, (ids + 1) % NUM_JOINTS, ids * 0, ids * 0], 1)
    return Rig(
        rig_id="golden-rig-1",
        vertices=rng.normal(scale=0.05, size=(vertices, 3)).astype(np.float32),
        faces=faces,
        skin_indices=skin_indices.astype(np.uint8),
        skin_weights=np.tile(np.array([0.75, 0.25, 0.0, 0.0], np.float32), (vertices, 1)),
        parents=np.array(JOINT_PARENTS, dtype=np.int8),
        joint_names=JOINT_NAMES,
        rest_joints=joints,
        bind_poses=bind_poses,
        rest_keypoints=keypoints,
        tip_vertices=np.array([1, 3, 5, 7, 9], dtype=np.uint16),
    )


def golden_messages() -> dict[str, Message]:
    """Every valid vector's message by name (each built from its own seed)."""

    def rng(seed: int) -> np.random.Generator:
        return np.random.default_rng(seed)

    jpeg = Image("jpeg", SAMPLE_JPEG, *SAMPLE_JPEG_SIZE)
    return {
        "hello_client": Hello(
            "client", "handmesh-unity 0.1.0", ("vertices-f16", "acks"), name="editor"
        ),
        "hello_server": Hello(
            "server",
            "handmesh-rt 0.1.0",
            ("vertices-f16", "vertices-f32", "rig", "stats"),
            model="tiny-synthetic-v1",
            rig="handmesh-builtin-right-v1",
        ),
        "rig_request": RigRequest(),
        "rig": sample_rig(rng(1)),
        "frame_jpeg_minimal": Frame("cam0", 0, 1_000_000_000, jpeg),
        "frame_jpeg_full": Frame(
            "cam0",
            41,
            1_700_000_000_123_456_789,
            jpeg,
            intrinsics=(14.5, 14.5, 7.5, 5.5),
            handedness="right",
            vertex_dtype="f4",
        ),
        "frame_raw_bgr": Frame(
            "unity-webcam",
            7,
            5_000,
            Image("raw", bytes(range(4 * 2 * 3)), 4, 2, "bgr8"),
            vertex_dtype="none",
        ),
        "frame_raw_gray": Frame(
            "ir", 2**64 - 1, 2**63 - 1, Image("raw", b"\x00\x80\xff", 3, 1, "gray8")
        ),
        "hands_none": Hands(
            "cam0", 3, 123_456_789, {"decode": 812, "locate": 40, "forward": 15_210}
        ),
        "hands_one_f16": Hands(
            "cam0",
            4,
            133_456_789,
            {"decode": 790, "forward": 14_900, "ik": 270},
            (sample_hand(rng(2), "right", 32),),
        ),
        "hands_two": Hands(
            "cam0",
            5,
            143_456_789,
            {"forward": 16_000},
            (sample_hand(rng(3), "right", 32), sample_hand(rng(4), "left", 32)),
        ),
        "hands_f32": Hands(
            "cam1", 6, 153_456_789, {}, (sample_hand(rng(5), "right", 16, np.float32),)
        ),
        "hands_no_vertices": Hands(
            "cam1", 7, 163_456_789, {"encode": 35}, (sample_hand(rng(6), "left", None),)
        ),
        "ack": Ack("cam0", 4, 2_000_000_000_000, 2_000_000_350_000),
        "stats_request": StatsRequest(),
        "stats": Stats(
            12.5,
            375,
            12,
            1,
            2,
            {
                "cam0": StreamStats(30.0, 29.5, 12, 1, {"forward": 15_000}, {"forward": 18_500}),
                "cam1": StreamStats(15.0, 15.0, 0, 0),
            },
        ),
        "stats_no_streams": Stats(0.25, 0, 0, 0, 0),
        "error_with_seq": Error(
            int(ErrorCode.BAD_IMAGE),
            ErrorCode.BAD_IMAGE.name,
            "img.d (image.data): JPEG: no marker at byte 2",
            seq=9,
            stream="cam0",
        ),
        "error_without_seq": Error(
            int(ErrorCode.UNSUPPORTED_VERSION),
            ErrorCode.UNSUPPORTED_VERSION.name,
            "v (version): protocol version 2 not supported (this peer speaks 1)",
        ),
    }


def wire_map(message: Message) -> dict:
    """A message's wire map (what msgpack unpacks from its bytes), for vectors and tests
    that need bytes `encode` would never produce."""
    return msgpack.unpackb(encode(message), raw=False)


def _pack(value: object) -> bytes:
    return msgpack.packb(value, use_bin_type=True)


def _edited(name: str, edit: Callable[[dict], object]) -> Callable[[], bytes]:
    """The bytes of golden message ``name`` after ``edit`` changed its wire map in place."""

    def build() -> bytes:
        value = wire_map(golden_messages()[name])
        edit(value)
        return _pack(value)

    return build


def _hand_array(key: str, dtype: str, shape: list[int], data: bytes) -> Callable[[dict], None]:
    def edit(value: dict) -> None:
        value["h"][0][key] = {"dt": dtype, "sh": shape, "b": data}

    return edit


def _nan_joints() -> bytes:
    joints = np.zeros((NUM_KEYPOINTS, 3), "<f4")
    joints[4, 1] = np.nan
    return joints.tobytes()


def _forward_compatible() -> bytes:
    """A hands message with keys from a future minor revision at every level: top, hand,
    array map. A v1 decoder ignores them and decodes the rest."""
    value = wire_map(golden_messages()["hands_one_f16"])
    value["future"] = {"anything": [1, 2.5, "three"]}
    value["h"][0]["trk"] = 17
    value["h"][0]["j"]["unit"] = "m"
    return _pack(value)


def _nil_optionals() -> bytes:
    """A frame whose optional fields are present as nil: the same as absent."""
    value = wire_map(golden_messages()["frame_jpeg_minimal"])
    value.update({"K": None, "hand": None, "vdt": None})
    return _pack(value)


# Valid inputs `encode` never produces, with the message they must decode to.
EXTRA_VALID: dict[str, tuple[Callable[[], bytes], str]] = {
    "hands_unknown_fields": (_forward_compatible, "hands_one_f16"),
    "frame_nil_optionals": (_nil_optionals, "frame_jpeg_minimal"),
}

# Invalid inputs: bytes, then the error code and the wire path of the field at fault.
INVALID_VECTORS: dict[str, tuple[Callable[[], bytes], ErrorCode, str]] = {
    "not_msgpack": (lambda: b"\xc1", ErrorCode.BAD_MESSAGE, ""),
    "trailing_bytes": (
        lambda: encode(golden_messages()["ack"]) + b"\x00",
        ErrorCode.BAD_MESSAGE,
        "",
    ),
    "not_a_map": (lambda: _pack([1, "ack"]), ErrorCode.BAD_MESSAGE, ""),
    "version_missing": (_edited("ack", lambda v: v.pop("v")), ErrorCode.BAD_MESSAGE, "v"),
    "version_2": (
        _edited("ack", lambda v: v.update(v=2)),
        ErrorCode.UNSUPPORTED_VERSION,
        "v",
    ),
    "unknown_type": (_edited("ack", lambda v: v.update(t="teleport")), ErrorCode.UNKNOWN_TYPE, "t"),
    "bool_for_integer": (_edited("ack", lambda v: v.update(n=True)), ErrorCode.BAD_MESSAGE, "n"),
    "missing_field": (
        _edited("hands_one_f16", lambda v: v["h"][0].pop("lr")),
        ErrorCode.BAD_MESSAGE,
        "h[0].lr",
    ),
    "shape_disagrees_with_bytes": (
        _edited("hands_one_f16", _hand_array("j", "f4", [20, 3], bytes(21 * 3 * 4))),
        ErrorCode.BAD_MESSAGE,
        "h[0].j",
    ),
    "wrong_shape": (
        _edited("hands_one_f16", _hand_array("j", "f4", [3, 21], bytes(21 * 3 * 4))),
        ErrorCode.BAD_MESSAGE,
        "h[0].j",
    ),
    "dtype_not_allowed": (
        _edited("hands_one_f16", _hand_array("j", "f8", [21, 3], bytes(21 * 3 * 8))),
        ErrorCode.BAD_MESSAGE,
        "h[0].j",
    ),
    "nan_in_joints": (
        _edited("hands_one_f16", _hand_array("j", "f4", [21, 3], _nan_joints())),
        ErrorCode.BAD_MESSAGE,
        "h[0].j",
    ),
    "score_out_of_range": (
        _edited("hands_one_f16", lambda v: v["h"][0].update(sc=1.5)),
        ErrorCode.BAD_MESSAGE,
        "h[0].sc",
    ),
    "too_many_hands": (
        _edited("hands_two", lambda v: v.update(h=v["h"] * 3)),
        ErrorCode.TOO_LARGE,
        "h",
    ),
    "image_too_wide": (
        _edited("frame_jpeg_minimal", lambda v: v["img"].update(w=5000)),
        ErrorCode.TOO_LARGE,
        "img.w",
    ),
    "jpeg_size_disagrees": (
        _edited("frame_jpeg_minimal", lambda v: v["img"].update(w=640, h=480)),
        ErrorCode.BAD_IMAGE,
        "img.d",
    ),
    "not_a_jpeg": (
        _edited("frame_jpeg_minimal", lambda v: v["img"].update(d=b"GIF89a")),
        ErrorCode.BAD_IMAGE,
        "img.d",
    ),
    "raw_image_short": (
        _edited("frame_raw_bgr", lambda v: v["img"].update(d=v["img"]["d"][:-1])),
        ErrorCode.BAD_IMAGE,
        "img.d",
    ),
    "face_index_out_of_range": (
        _edited("rig", lambda v: v["f"].update(b=b"\xe7\x03" + v["f"]["b"][2:])),
        ErrorCode.BAD_MESSAGE,
        "f",
    ),
}


def plain(value: object) -> object:
    """A message as JSON values (the layout of vectors/README.md); the tests compare
    messages through it too."""
    if isinstance(value, np.ndarray):
        data = value.astype(np.float64) if value.dtype.kind == "f" else value
        return {
            "dtype": value.dtype.str[1:],
            "shape": list(value.shape),
            "data": data.ravel().tolist(),
        }
    if isinstance(value, bytes):
        return {"hex": value.hex()}
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if type(value) in _SCHEMA_NAMES:
        return {
            "type": _SCHEMA_NAMES[type(value)],
            **{field.name: plain(getattr(value, field.name)) for field in fields(value)},
        }
    return value


_SCHEMA_NAMES = {schema.cls: schema.name for schema in MESSAGES + NESTED}


def _json(value: object) -> bytes:
    return (json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


def vector_files() -> dict[str, bytes]:
    """Every vector file's relative path and content."""
    files = {}
    for name, message in golden_messages().items():
        files[f"{name}.msgpack"] = encode(message)
        files[f"{name}.json"] = _json(plain(message))
    for name, (build, like) in EXTRA_VALID.items():
        files[f"{name}.msgpack"] = build()
        files[f"{name}.json"] = _json(plain(golden_messages()[like]))
    for name, (build, code, field) in INVALID_VECTORS.items():
        files[f"{INVALID}/{name}.msgpack"] = build()
        files[f"{INVALID}/{name}.json"] = _json(
            {"code": int(code), "name": code.name, "field": field}
        )
    return files


def write_vectors(folder: Path = VECTORS_DIR) -> list[Path]:
    """Writes every vector file under ``folder`` and deletes vector files left over from
    vectors that no longer exist; returns the paths written."""
    expected = vector_files()
    for relative in _present(folder) - set(expected):
        (folder / relative).unlink()
    written = []
    for relative, content in expected.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written


def differing_vectors(folder: Path = VECTORS_DIR) -> list[str]:
    """Vector files under ``folder`` that differ from a fresh generation, are missing, or
    are left over from a vector that no longer exists."""
    expected, present = vector_files(), _present(folder)
    changed = {
        relative
        for relative, content in expected.items()
        if relative not in present or (folder / relative).read_bytes() != content
    }
    return sorted(changed | (present - set(expected)))


def _present(folder: Path) -> set[str]:
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.suffix in (".msgpack", ".json")
    }
