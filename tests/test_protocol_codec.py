"""Protocol v1 codec: identity round trips, every validation rule, and fuzzing that only
ever yields ProtocolError."""

from __future__ import annotations

import contextlib

import msgpack
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocol.codec import MESSAGE_TYPES, decode, encode
from protocol.errors import ErrorCode, ProtocolError
from protocol.limits import MAX_MESSAGE_BYTES
from protocol.messages import (
    Ack,
    Error,
    Frame,
    Hand,
    Hands,
    Hello,
    Image,
    Stats,
    StreamStats,
    as_plain,
)
from protocol.vectors import JPEG_STUB, golden_messages

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ids = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=24)
u64 = st.integers(0, 2**64 - 1)
i64 = st.integers(0, 2**63 - 1)
finite32 = st.floats(-1e6, 1e6, allow_nan=False, width=32)


def arrays(shape, dtype=np.float32, elements=finite32):
    return st.lists(elements, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))).map(
        lambda values: np.array(values, dtype=dtype).reshape(shape)
    )


@st.composite
def hands(draw):
    vertex_count = draw(st.integers(0, 40))
    vertex_dtype = draw(st.sampled_from([np.float16, np.float32]))
    vertices = draw(st.none() | arrays((vertex_count, 3), vertex_dtype, st.floats(-1, 1, width=16)))
    return Hand(
        side=draw(st.sampled_from(["left", "right"])),
        score=draw(st.floats(0, 1)),
        joints=draw(arrays((21, 3))),
        keypoints_2d=draw(arrays((21, 2))),
        wrist_position=draw(arrays((3,))),
        wrist_rotation=draw(arrays((4,))),
        local_rotations=draw(arrays((15, 4))),
        vertices=vertices,
    )


stage_times = st.dictionaries(
    st.sampled_from(["decode", "locate", "forward", "ik", "encode"]), i64, max_size=5
)
messages = st.one_of(
    st.builds(
        Hello,
        st.sampled_from(["client", "server"]),
        ids,
        st.lists(ids, max_size=5).map(tuple),
        st.none() | ids,
        st.none() | ids,
        st.none() | ids,
    ),
    st.builds(
        Frame,
        ids,
        u64,
        i64,
        st.builds(
            Image,
            st.just("jpeg"),
            st.binary(max_size=64).map(lambda b: JPEG_STUB + b),
            st.integers(1, 4096),
            st.integers(1, 4096),
        ),
        st.none() | st.tuples(st.floats(1, 5000), st.floats(1, 5000), finite32, finite32),
        st.none() | st.sampled_from(["left", "right"]),
        st.none() | st.sampled_from(["f2", "f4", "none"]),
    ),
    st.builds(Hands, ids, u64, i64, stage_times, st.lists(hands(), max_size=3).map(tuple)),
    st.builds(Ack, ids, u64, i64, i64),
    st.builds(
        Stats,
        st.floats(0, 1e6),
        i64,
        i64,
        i64,
        i64,
        st.dictionaries(
            ids,
            st.builds(
                StreamStats,
                st.floats(0, 1000),
                st.floats(0, 1000),
                i64,
                i64,
                stage_times,
                stage_times,
            ),
            max_size=3,
        ),
    ),
    st.builds(
        Error, st.integers(0, 65535), ids, st.text(max_size=200), st.none() | u64, st.none() | ids
    ),
)


@FAST
@given(messages)
def test_encode_then_decode_is_identity_for_any_valid_message(message):
    assert as_plain(decode(encode(message))) == as_plain(message)


@FAST
@given(st.binary(max_size=2048))
def test_random_bytes_only_ever_raise_protocol_error(data):
    with contextlib.suppress(ProtocolError):
        decode(data)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(golden_messages())), st.data())
def test_mutated_vectors_only_ever_raise_protocol_error(name, data):
    original = bytearray(encode(golden_messages()[name]))
    mutation = data.draw(st.sampled_from(["flip", "truncate", "insert"]))
    position = data.draw(st.integers(0, len(original) - 1))
    if mutation == "flip":
        original[position] ^= 1 << data.draw(st.integers(0, 7))
    elif mutation == "truncate":
        del original[position:]
    else:
        original[position:position] = data.draw(st.binary(min_size=1, max_size=8))
    with contextlib.suppress(ProtocolError):
        decode(bytes(original))


def wire(name: str) -> dict:
    return msgpack.unpackb(encode(golden_messages()[name]), raw=False)


def expect_error(value: dict, match: str, code: ErrorCode = ErrorCode.BAD_MESSAGE) -> None:
    with pytest.raises(ProtocolError, match=match) as raised:
        decode(msgpack.packb(value, use_bin_type=True))
    assert raised.value.code == code


def test_every_message_type_has_a_golden_vector():
    assert {type(message).__name__ for message in golden_messages().values()} >= {
        "Hello",
        "RigRequest",
        "Rig",
        "Frame",
        "Hands",
        "Ack",
        "StatsRequest",
        "Stats",
        "Error",
    }
    assert len(MESSAGE_TYPES) == 9


def test_unknown_fields_are_ignored_for_forward_compatibility():
    value = wire("ack")
    value["future_field"] = {"anything": [1, 2, 3]}
    assert as_plain(decode(msgpack.packb(value))) == as_plain(golden_messages()["ack"])


def test_decode_rejects_an_unknown_version():
    value = wire("ack")
    value["v"] = 2
    expect_error(value, "v: protocol version 2 not supported", ErrorCode.UNSUPPORTED_VERSION)


def test_decode_rejects_an_unknown_type():
    value = wire("ack")
    value["t"] = "teleport"
    expect_error(value, "unknown message type 'teleport'", ErrorCode.UNKNOWN_TYPE)


def test_decode_names_a_missing_field():
    value = wire("hands_one_f16")
    del value["h"][0]["lr"]
    expect_error(value, r"h\[0\]\.lr: required field missing")


def test_decode_rejects_shape_that_disagrees_with_byte_length():
    value = wire("hands_one_f16")
    value["h"][0]["j"]["sh"] = [20, 3]
    expect_error(value, r"h\[0\]\.j: shape \(20, 3\) needs 240 bytes, got 252")


def test_decode_rejects_a_wrong_shape_with_the_right_byte_count():
    value = wire("hands_one_f16")
    value["h"][0]["j"]["sh"] = [3, 21]
    expect_error(value, r"h\[0\]\.j: expected shape \(21, 3\), got \(3, 21\)")


def test_decode_rejects_a_dtype_outside_the_allowed_set():
    value = wire("hands_one_f16")
    value["h"][0]["j"]["dt"] = "f8"
    value["h"][0]["j"]["b"] = bytes(21 * 3 * 8)
    expect_error(value, r"h\[0\]\.j: dtype 'f8' not allowed here")


def test_decode_rejects_nan_in_joints():
    value = wire("hands_one_f16")
    joints = np.zeros((21, 3), "<f4")
    joints[4, 1] = np.nan
    value["h"][0]["j"]["b"] = joints.tobytes()
    expect_error(value, r"h\[0\]\.j: contains NaN")


def test_decode_rejects_an_image_over_the_size_limits():
    value = wire("frame_jpeg_minimal")
    value["img"]["w"] = 100_000
    expect_error(value, r"img\.w: 100000 px exceeds the limit", ErrorCode.TOO_LARGE)


def test_decode_rejects_a_raw_image_of_the_wrong_size():
    value = wire("frame_raw")
    value["img"]["d"] = value["img"]["d"][:-1]
    expect_error(value, r"img\.d: 23 bytes for a 4×2 bgr8 image", ErrorCode.BAD_IMAGE)


def test_decode_rejects_jpeg_without_its_start_marker():
    value = wire("frame_jpeg_minimal")
    value["img"]["d"] = b"GIF89a..."
    expect_error(value, r"img\.d: not JPEG data", ErrorCode.BAD_IMAGE)


def test_decode_rejects_a_score_out_of_range_and_a_wrong_type():
    value = wire("hands_one_f16")
    value["h"][0]["sc"] = 1.5
    expect_error(value, r"h\[0\]\.sc: 1.5 outside \[0.0, 1.0\]")
    value = wire("ack")
    value["n"] = "seven"
    expect_error(value, "n: expected an integer, got str")


def test_decode_rejects_a_rig_whose_faces_point_past_its_vertices():
    value = wire("rig")
    faces = np.frombuffer(value["f"]["b"], "<u2").copy()
    faces[0] = 999
    value["f"]["b"] = faces.tobytes()
    expect_error(value, r"f: vertex index outside \[0, 11\]")


def test_decode_rejects_input_over_the_message_limit_before_unpacking():
    with pytest.raises(ProtocolError) as raised:
        decode(bytes(MAX_MESSAGE_BYTES + 1))
    assert raised.value.code == ErrorCode.TOO_LARGE


def test_decode_refuses_length_prefixes_beyond_the_limits_without_allocating():
    # A bin32 header claiming 4 GiB followed by nothing: refused, not allocated.
    with pytest.raises(ProtocolError):
        decode(b"\x81\xa1v\xc6\xff\xff\xff\xff")
    # A map claiming 2^32 - 1 entries.
    with pytest.raises(ProtocolError):
        decode(b"\xdf\xff\xff\xff\xff")


def test_decode_rejects_non_map_and_non_bytes_input():
    with pytest.raises(ProtocolError, match="expected a map"):
        decode(msgpack.packb([1, 2, 3]))
    with pytest.raises(ProtocolError, match="expected bytes"):
        decode("not bytes")  # type: ignore[arg-type]


def test_one_hand_with_float16_vertices_fits_in_5_5_kb():
    from protocol.bench import sample_hands

    empty = len(encode(Hands("cam0", 1, 0, {"decode": 800, "forward": 15000, "ik": 270})))
    assert len(encode(sample_hands())) - empty <= 5500
