"""The Unity client's C# codec against the protocol's golden vectors and the Python codec:
every valid vector decodes in C# to its JSON and re-encodes to its bytes, every invalid one
is refused with its code and field, and frames and acks encoded in C# decode in Python."""

from __future__ import annotations

import json

from unity_harness import VECTORS, csharp

from protocol.codec import decode
from protocol.messages import Ack, Frame
from protocol.vectors import EXTRA_VALID

VALID = sorted(VECTORS.glob("*.msgpack"))
INVALID = sorted((VECTORS / "invalid").glob("*.msgpack"))


def decoded_by_csharp(paths) -> dict[str, dict]:
    return {line["file"]: line for line in csharp().probe_lines("decode", *map(str, paths))}


def test_every_valid_vector_decodes_in_csharp_to_its_json_and_bytes():
    assert len(VALID) >= 20
    answers = decoded_by_csharp(VALID)
    for path in VALID:
        answer = answers[str(path)]
        assert "error" not in answer, f"{path.name}: refused: {answer.get('error')}"
        expected = json.loads(path.with_suffix(".json").read_text())
        assert answer["decoded"] == expected, f"{path.name}: decoded values differ"
        twin = EXTRA_VALID[path.stem][1] if path.stem in EXTRA_VALID else path.stem
        assert bytes.fromhex(answer["reencoded"]) == (VECTORS / f"{twin}.msgpack").read_bytes(), (
            f"{path.name}: re-encoded bytes differ from {twin}.msgpack"
        )


def test_every_invalid_vector_is_refused_in_csharp_with_its_code_and_field():
    assert len(INVALID) >= 15
    answers = decoded_by_csharp(INVALID)
    for path in INVALID:
        expected = json.loads(path.with_suffix(".json").read_text())
        error = answers[str(path)].get("error")
        assert error is not None, f"{path.name}: accepted by the C# decoder"
        assert (error["code"], error["name"], error["field"]) == (
            expected["code"],
            expected["name"],
            expected["field"],
        ), f"{path.name}: {error['message']}"


def test_frame_encoded_in_csharp_decodes_in_python(tmp_path):
    vector = json.loads((VECTORS / "frame_jpeg_full.json").read_text())
    jpeg = bytes.fromhex(vector["image"]["data"]["hex"])
    (tmp_path / "image.jpg").write_bytes(jpeg)
    out = tmp_path / "frame.msgpack"
    csharp().probe_lines(
        "encode", "frame", "--out", str(out), "--stream", "unity-webcam",
        "--seq", "18446744073709551615", "--tc", "1700000000123456789",
        "--jpeg", str(tmp_path / "image.jpg"), "--width", "16", "--height", "12",
        "--intrinsics", "14.5,14.5,7.5,5.25", "--hand", "left", "--vdt", "f4",
    )  # fmt: skip
    frame = decode(out.read_bytes())
    assert isinstance(frame, Frame)
    assert (frame.stream, frame.seq, frame.t_capture_ns) == (
        "unity-webcam",
        2**64 - 1,
        1700000000123456789,
    )
    assert (frame.image.format, frame.image.width, frame.image.height) == ("jpeg", 16, 12)
    assert frame.image.data == jpeg
    assert frame.intrinsics == (14.5, 14.5, 7.5, 5.25)
    assert (frame.handedness, frame.vertex_dtype) == ("left", "f4")


def test_ack_encoded_in_csharp_decodes_in_python_and_matches_the_vector(tmp_path):
    out = tmp_path / "ack.msgpack"
    csharp().probe_lines(
        "encode", "ack", "--out", str(out), "--stream", "cam0", "--seq", "4",
        "--tr", "2000000000000", "--ta", "2000000350000",
    )  # fmt: skip
    ack = decode(out.read_bytes())
    assert isinstance(ack, Ack)
    assert (ack.stream, ack.seq, ack.t_receive_ns, ack.t_apply_ns) == (
        "cam0",
        4,
        2000000000000,
        2000000350000,
    )
    assert out.read_bytes() == (VECTORS / "ack.msgpack").read_bytes()
