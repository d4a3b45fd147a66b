"""Golden vectors: deterministic messages of every type and edge case, as the exact bytes
(``NAME.msgpack``) and the values a decoder must produce (``NAME.json``, see
vectors/README.md). Python's and C#'s tests both decode them; `handmesh vectors --check`
and a test verify that regenerating reproduces the committed bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

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
    as_plain,
)
from protocol.skeleton import JOINT_NAMES, JOINT_PARENTS, NUM_JOINTS

VECTORS_DIR = Path(__file__).parent / "vectors"
# Image payloads are opaque to the codec beyond the JPEG start-of-image marker.
JPEG_STUB = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")


def _hand(
    rng: np.random.Generator, side: str, vertices: int | None, dtype: type = np.float16
) -> Hand:
    rotations = rng.normal(size=(16, 4))
    rotations /= np.linalg.norm(rotations, axis=1, keepdims=True)
    rotations *= np.where(rotations[:, 3:] < 0, -1.0, 1.0)
    wrist = np.array([0.05, -0.02, 0.45])
    return Hand(
        side=side,
        score=0.875,
        joints=(wrist + rng.normal(scale=0.04, size=(21, 3))).astype(np.float32),
        keypoints_2d=rng.uniform(0, 640, size=(21, 2)).astype(np.float32),
        wrist_position=wrist.astype(np.float32),
        wrist_rotation=rotations[0].astype(np.float32),
        local_rotations=rotations[1:].astype(np.float32),
        vertices=None
        if vertices is None
        else rng.normal(scale=0.05, size=(vertices, 3)).astype(dtype),
    )


def _rig(rng: np.random.Generator) -> Rig:
    vertices = rng.normal(scale=0.05, size=(12, 3)).astype(np.float32)
    faces = np.array(
        [[0, 1, 2], [2, 3, 0], [4, 5, 6], [6, 7, 4], [8, 9, 10], [10, 11, 8]], dtype=np.uint16
    )
    skin_indices = np.stack(
        [
            np.arange(12) % NUM_JOINTS,
            (np.arange(12) + 1) % NUM_JOINTS,
            np.zeros(12, int),
            np.zeros(12, int),
        ],
        1,
    ).astype(np.uint8)
    skin_weights = np.tile(np.array([0.75, 0.25, 0.0, 0.0], dtype=np.float32), (12, 1))
    joints = rng.normal(scale=0.05, size=(NUM_JOINTS, 3)).astype(np.float32)
    bind = np.tile(np.eye(4, dtype=np.float32), (NUM_JOINTS, 1, 1))
    bind[:, :3, 3] = -joints
    return Rig(
        "golden-rig-1",
        vertices,
        faces,
        skin_indices,
        skin_weights,
        np.array(JOINT_PARENTS, dtype=np.int8),
        JOINT_NAMES,
        joints,
        bind,
        rng.normal(scale=0.05, size=(21, 3)).astype(np.float32),
        np.array([1, 3, 5, 7, 9], dtype=np.uint16),
    )


def golden_messages() -> dict[str, Message]:
    """Every vector by name; the same on every run (a fixed seed per vector)."""

    def rng(seed: int) -> np.random.Generator:
        return np.random.default_rng(seed)

    raw_pixels = bytes(range(4 * 2 * 3))
    return {
        "hello_client": Hello(
            "client", "handmesh-unity 0.1.0", ("vertices-f16", "acks"), name="editor"
        ),
        "hello_server": Hello(
            "server",
            "handmesh-rt 0.1.0",
            ("vertices-f16", "vertices-f32", "rig"),
            model="tiny-synthetic-v1",
            rig="handmesh-builtin-right-v1",
        ),
        "rig_request": RigRequest(),
        "rig": _rig(rng(1)),
        "frame_jpeg_minimal": Frame("cam0", 0, 1_000_000_000, Image("jpeg", JPEG_STUB, 640, 480)),
        "frame_jpeg_full": Frame(
            "cam0",
            41,
            1_700_000_000_123_456_789,
            Image("jpeg", JPEG_STUB, 640, 480),
            intrinsics=(554.25, 554.25, 319.5, 239.5),
            handedness="right",
            vertex_dtype="f4",
        ),
        "frame_raw": Frame(
            "unity-webcam", 7, 5_000, Image("raw", raw_pixels, 4, 2, "bgr8"), vertex_dtype="none"
        ),
        "hands_none": Hands(
            "cam0", 3, 123_456_789, {"decode": 812, "locate": 40, "forward": 15_210}
        ),
        "hands_one_f16": Hands(
            "cam0",
            4,
            133_456_789,
            {"decode": 790, "forward": 14_900, "ik": 270},
            (_hand(rng(2), "right", 32),),
        ),
        "hands_two": Hands(
            "cam0",
            5,
            143_456_789,
            {"forward": 16_000},
            (_hand(rng(3), "right", 32), _hand(rng(4), "left", 32)),
        ),
        "hands_f32": Hands("cam1", 6, 153_456_789, {}, (_hand(rng(5), "right", 16, np.float32),)),
        "hands_no_vertices": Hands(
            "cam1", 7, 163_456_789, {"encode": 35}, (_hand(rng(6), "left", None),)
        ),
        "ack": Ack("cam0", 4, 2_000_000_000_000, 2_000_000_350_000),
        "stats_request": StatsRequest(),
        "stats": Stats(
            12.5,
            375,
            12,
            1,
            2,
            {"cam0": StreamStats(30.0, 29.5, 12, 1, {"forward": 15_000}, {"forward": 18_500})},
        ),
        "error_with_seq": Error(
            int(ErrorCode.BAD_IMAGE),
            ErrorCode.BAD_IMAGE.name,
            "img.d: not JPEG data (no start-of-image marker)",
            seq=9,
            stream="cam0",
        ),
        "error_without_seq": Error(
            int(ErrorCode.UNSUPPORTED_VERSION),
            ErrorCode.UNSUPPORTED_VERSION.name,
            "v: protocol version 2 not supported (this peer speaks 1)",
        ),
    }


def write_vectors(out: Path) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, message in golden_messages().items():
        (out / f"{name}.msgpack").write_bytes(encode(message))
        (out / f"{name}.json").write_text(
            json.dumps(as_plain(message), indent=1, sort_keys=True) + "\n"
        )
        written += [out / f"{name}.msgpack", out / f"{name}.json"]
    return written


def differing_vectors(committed: Path = VECTORS_DIR) -> list[str]:
    """Names whose committed bytes or JSON differ from a fresh generation (or are missing)."""
    different = []
    for name, message in golden_messages().items():
        expected = {
            f"{name}.msgpack": encode(message),
            f"{name}.json": (
                json.dumps(as_plain(message), indent=1, sort_keys=True) + "\n"
            ).encode(),
        }
        for filename, content in expected.items():
            path = Path(committed) / filename
            if not path.exists() or path.read_bytes() != content:
                different.append(filename)
    return different
