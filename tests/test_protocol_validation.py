"""Every validation rule of PROTOCOL.md, one test each: the decoder refuses with the right
code and names the field; what the rules allow still decodes."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import cv2
import msgpack
import numpy as np
import pytest

from protocol.codec import decode, encode
from protocol.errors import ErrorCode, ProtocolError
from protocol.images import MAX_JPEG_SEGMENTS, jpeg_size
from protocol.limits import (
    MAX_HANDS,
    MAX_ID_CHARS,
    MAX_IMAGE_BYTES,
    MAX_LIST_ITEMS,
    MAX_TEXT_CHARS,
    MAX_VERTICES,
)
from protocol.messages import Error, error_reply
from protocol.vectors import SAMPLE_JPEG, golden_messages, plain, wire_map


def wire(name: str) -> dict:
    return wire_map(golden_messages()[name])


def refuse(value: object, field: str, match: str, code: ErrorCode = ErrorCode.BAD_MESSAGE):
    """Decodes ``value`` packed; asserts the refusal's field, code and text."""
    data = value if isinstance(value, bytes) else msgpack.packb(value, use_bin_type=True)
    with pytest.raises(ProtocolError, match=match) as raised:
        decode(data)
    assert (raised.value.field, raised.value.code) == (field, code)
    return raised.value


def edited(name: str, edit: Callable[[dict], object]) -> dict:
    value = wire(name)
    edit(value)
    return value


def array(values: np.ndarray, dtype: str) -> dict:
    data = np.ascontiguousarray(values, dtype=np.dtype(dtype).newbyteorder("<"))
    return {"dt": dtype, "sh": list(data.shape), "b": data.tobytes()}


# Message-level rules --------------------------------------------------------------------
def test_decode_rejects_bytes_that_are_not_msgpack():
    refuse(b"\xc1", "", "not a valid msgpack message")
    refuse(encode(golden_messages()["ack"])[:-2], "", "not a valid msgpack message")


def test_decode_rejects_trailing_bytes_after_the_message():
    refuse(encode(golden_messages()["ack"]) + b"\xc0", "", "extra data")


def test_decode_rejects_a_message_that_is_not_a_map():
    refuse([1, 2, 3], "", "expected a map, got array")
    refuse(b"\x01", "", "expected a map, got int")


def test_decode_rejects_a_missing_or_non_integer_version():
    refuse(edited("ack", lambda v: v.pop("v")), "v", r"v \(version\): required field missing")
    refuse(edited("ack", lambda v: v.update(v="1")), "v", "expected an integer, got str")
    refuse(edited("ack", lambda v: v.update(v=True)), "v", "expected an integer, got bool")
    refuse(edited("ack", lambda v: v.update(v=1.0)), "v", "expected an integer, got float")


def test_decode_rejects_an_unsupported_version():
    refuse(
        edited("ack", lambda v: v.update(v=2)),
        "v",
        r"protocol version 2 not supported \(this peer speaks 1\)",
        ErrorCode.UNSUPPORTED_VERSION,
    )


def test_decode_rejects_a_missing_or_unknown_type():
    refuse(edited("ack", lambda v: v.pop("t")), "t", "required field missing")
    refuse(edited("ack", lambda v: v.update(t=["ack"])), "t", "expected a string, got array")
    refuse(
        edited("ack", lambda v: v.update(t="teleport")),
        "t",
        "unknown message type 'teleport'",
        ErrorCode.UNKNOWN_TYPE,
    )


def test_decode_ignores_unknown_fields_at_every_level():
    value = wire("hands_one_f16")
    value["zz"] = {"future": [1, 2]}
    value["h"][0]["zz"] = "later"
    value["h"][0]["j"]["zz"] = 0
    assert plain(decode(msgpack.packb(value))) == plain(golden_messages()["hands_one_f16"])


def test_decode_treats_nil_optional_fields_as_absent_and_nil_required_ones_as_missing():
    value = edited("error_with_seq", lambda v: v.update(n=None, s=None))
    decoded = decode(msgpack.packb(value))
    assert (decoded.seq, decoded.stream) == (None, None)
    refuse(edited("ack", lambda v: v.update(s=None)), "s", "required field missing")


def test_decode_names_a_missing_required_field_by_path_and_name():
    error = refuse(
        edited("hands_two", lambda v: v["h"][1].pop("lr")), "h[1].lr", "required field missing"
    )
    assert error.message == "h[1].lr (hands[1].local_rotations): required field missing"


def test_decode_rejects_a_value_of_the_wrong_type_naming_the_field():
    refuse(edited("ack", lambda v: v.update(n="seven")), "n", "expected an integer, got str")
    refuse(edited("ack", lambda v: v.update(n=True)), "n", "expected an integer, got bool")
    refuse(edited("ack", lambda v: v.update(s=7)), "s", "expected a string, got int")
    refuse(edited("hands_none", lambda v: v.update(h={})), "h", "expected an array, got map")
    refuse(edited("hello_client", lambda v: v.update(cap=[1])), "cap[0]", "expected a string")
    refuse(edited("stats", lambda v: v["ss"]["cam0"].update(fi="x")), "ss['cam0'].fi", "number")


def test_decode_rejects_integers_and_numbers_out_of_range():
    refuse(edited("ack", lambda v: v.update(n=-1)), "n", r"-1 outside \[0, 18446744073709551615\]")
    refuse(edited("ack", lambda v: v.update(ta=2**63)), "ta", "outside")
    refuse(edited("hands_one_f16", lambda v: v["h"][0].update(sc=1.5)), "h[0].sc", "got 1.5")
    refuse(edited("stats", lambda v: v.update(up=-0.5)), "up", "got -0.5")


def test_decode_rejects_nan_and_infinite_numbers():
    for bad in (math.nan, math.inf, -math.inf):
        refuse(
            edited("hands_one_f16", lambda v, x=bad: v["h"][0].update(sc=x)), "h[0].sc", "finite"
        )
        refuse(
            edited("frame_jpeg_full", lambda v, x=bad: v["K"].__setitem__(2, x)), "K[2]", "finite"
        )


def test_decode_rejects_strings_over_their_limit_and_empty_ids():
    long_id, long_text = "x" * (MAX_ID_CHARS + 1), "é" * (MAX_TEXT_CHARS + 1)
    refuse(edited("ack", lambda v: v.update(s=long_id)), "s", "129 characters", ErrorCode.TOO_LARGE)
    refuse(
        edited("error_with_seq", lambda v: v.update(m=long_text)),
        "m",
        "2049 characters",
        ErrorCode.TOO_LARGE,
    )
    refuse(edited("ack", lambda v: v.update(s="")), "s", "at least 1 character")
    assert decode(msgpack.packb(edited("ack", lambda v: v.update(s="x" * MAX_ID_CHARS))))


def test_decode_rejects_a_value_not_among_the_choices():
    refuse(
        edited("hands_one_f16", lambda v: v["h"][0].update(sd="middle")), "h[0].sd", "left, right"
    )
    refuse(edited("frame_jpeg_full", lambda v: v.update(vdt="f8")), "vdt", "f2, f4, none")
    refuse(edited("hello_client", lambda v: v.update(ro="proxy")), "ro", "client, server")


def test_decode_rejects_lists_and_maps_over_their_limits():
    refuse(
        edited("hands_two", lambda v: v.update(h=v["h"] * 3)),
        "h",
        f"6 items exceed the limit of {MAX_HANDS}",
        ErrorCode.TOO_LARGE,
    )
    stages = {f"stage{i}": i for i in range(MAX_LIST_ITEMS + 1)}
    refuse(
        edited("hands_none", lambda v: v.update(st=stages)), "st", "65 entries", ErrorCode.TOO_LARGE
    )
    refuse(
        edited("hello_client", lambda v: v.update(cap=["a"] * (MAX_LIST_ITEMS + 1))),
        "",
        "not a valid msgpack message",  # the unpacker itself refuses lists over the limit
    )


def test_decode_names_a_bad_entry_of_an_id_keyed_map():
    refuse(edited("hands_none", lambda v: v["st"].update(ik=-5)), "st['ik']", "outside")
    refuse(edited("hands_none", lambda v: v["st"].update({"": 5})), "st['']", "at least 1")


# Arrays ---------------------------------------------------------------------------------
def hand_array(key: str, value: object) -> dict:
    return edited("hands_one_f16", lambda v: v["h"][0].update({key: value}))


def test_decode_rejects_a_dtype_outside_the_allowed_set():
    joints = np.zeros((21, 3))
    refuse(
        hand_array("j", array(joints, "f8")),
        "h[0].j",
        r"dtype 'f8' not allowed here \(allowed: f4\)",
    )
    refuse(
        hand_array("j", {"dt": "c8", "sh": [21, 3], "b": bytes(21 * 3 * 8)}),
        "h[0].j",
        "dtype 'c8' not allowed",
    )
    refuse(hand_array("j", {"dt": [1], "sh": [21, 3], "b": b""}), "h[0].j", r"dtype \[1\]")


def test_decode_rejects_shape_that_disagrees_with_byte_length():
    value = hand_array("j", {"dt": "f4", "sh": [20, 3], "b": bytes(21 * 3 * 4)})
    refuse(value, "h[0].j", r"shape \(20, 3\) of f4 needs 240 bytes, got 252")


def test_decode_rejects_a_wrong_shape_with_the_right_byte_count():
    value = hand_array("j", {"dt": "f4", "sh": [3, 21], "b": bytes(21 * 3 * 4)})
    refuse(value, "h[0].j", r"expected shape \(21, 3\), got \(3, 21\)")
    value = hand_array("j", {"dt": "f4", "sh": [63], "b": bytes(21 * 3 * 4)})
    refuse(value, "h[0].j", r"expected shape \(21, 3\), got \[63\]")
    value = hand_array("vt", {"dt": "f2", "sh": [3, 4], "b": bytes(24)})
    refuse(value, "h[0].vt", r"expected shape \(N, 3\), got \(3, 4\)")


def test_decode_rejects_a_malformed_array_map():
    refuse(hand_array("j", [1, 2]), "h[0].j", "expected an array map")
    refuse(hand_array("j", {"dt": "f4", "sh": [21, 3]}), "h[0].j", "array map without b")
    refuse(
        hand_array("j", {"dt": "f4", "sh": [21, True], "b": b""}), "h[0].j", "non-negative integers"
    )
    refuse(
        hand_array("j", {"dt": "f4", "sh": [-21, -3], "b": b""}), "h[0].j", "non-negative integers"
    )
    refuse(hand_array("j", {"dt": "f4", "sh": [21, 3], "b": "text"}), "h[0].j", "must be binary")


@pytest.mark.parametrize(
    ("key", "dtype", "bad"),
    [("j", "f4", math.nan), ("j", "f4", math.inf), ("vt", "f2", math.nan), ("vt", "f2", -math.inf)],
)
def test_decode_rejects_nan_and_infinity_in_float_arrays(key, dtype, bad):
    values = np.zeros((21, 3))
    values[7, 2] = bad
    refuse(hand_array(key, array(values, dtype)), f"h[0].{key}", "contains NaN or infinite values")


def test_decode_accepts_the_largest_finite_floats():
    # The fast finiteness test overflows on these; the exact test must then accept them.
    joints = np.full((21, 3), np.finfo(np.float32).max)
    vertices = np.full((5, 3), np.finfo(np.float16).min)
    hand = decode(msgpack.packb(hand_array("j", array(joints, "f4")))).hands[0]
    assert hand.joints.max() == np.finfo(np.float32).max
    hand = decode(msgpack.packb(hand_array("vt", array(vertices, "f2")))).hands[0]
    assert hand.vertices.min() == np.finfo(np.float16).min


def test_decode_rejects_more_vertices_than_the_limit():
    value = hand_array("vt", array(np.zeros((MAX_VERTICES + 1, 3)), "f2"))
    refuse(value, "h[0].vt", "65536 rows exceed the limit of 65535", ErrorCode.TOO_LARGE)


def test_decode_accepts_a_hand_without_vertices_and_one_with_zero():
    assert (
        decode(msgpack.packb(edited("hands_one_f16", lambda v: v["h"][0].pop("vt"))))
        .hands[0]
        .vertices
        is None
    )
    hand = decode(msgpack.packb(hand_array("vt", array(np.zeros((0, 3)), "f2")))).hands[0]
    assert hand.vertices.shape == (0, 3)


# Frames and images ----------------------------------------------------------------------
def image_edit(name: str, **changes: object) -> dict:
    return edited(name, lambda v: v["img"].update(changes))


def test_decode_rejects_an_image_over_the_size_limits():
    refuse(
        image_edit("frame_jpeg_minimal", w=5000),
        "img.w",
        "5000 exceeds the limit of 4096",
        ErrorCode.TOO_LARGE,
    )
    refuse(image_edit("frame_jpeg_minimal", h=0), "img.h", r"0 outside \[1, 4096\]")
    data = SAMPLE_JPEG + bytes(MAX_IMAGE_BYTES)
    refuse(
        image_edit("frame_jpeg_minimal", d=data), "img.d", "exceed the limit", ErrorCode.TOO_LARGE
    )


def test_decode_rejects_raw_image_data_of_the_wrong_size():
    short = wire("frame_raw_bgr")["img"]["d"][:-1]
    refuse(
        image_edit("frame_raw_bgr", d=short),
        "img.d",
        r"23 bytes for a 4×2 bgr8 image \(expected 24\)",
        ErrorCode.BAD_IMAGE,
    )
    refuse(image_edit("frame_raw_bgr", pix="gray8"), "img.d", "expected 8", ErrorCode.BAD_IMAGE)


def test_decode_requires_a_pixel_format_for_raw_images_and_refuses_one_for_jpeg():
    refuse(
        edited("frame_raw_bgr", lambda v: v["img"].pop("pix")),
        "img.pix",
        "required field missing for a raw image",
    )
    refuse(
        image_edit("frame_jpeg_minimal", pix="bgr8"),
        "img.pix",
        "only a raw image has a pixel format",
    )
    refuse(image_edit("frame_raw_bgr", pix="rgba8"), "img.pix", "bgr8, rgb8, gray8")


def test_decode_rejects_jpeg_data_whose_size_disagrees_with_the_declared_one():
    refuse(
        image_edit("frame_jpeg_minimal", w=640, h=480),
        "img.d",
        "the JPEG is 16×12, declared 640×480",
        ErrorCode.BAD_IMAGE,
    )


def test_decode_rejects_jpeg_data_without_a_readable_frame_header():
    cases = {
        b"GIF89a": "no start-of-image marker",
        b"\xff\xd8" + bytes(300): "no marker at byte 2",
        b"\xff\xd8\xff\xda\x00\x08" + bytes(8): "no frame header before the image data",
        b"\xff\xd8\xff\xc0\x00\x11\x08\x00": "truncated frame header",
        b"\xff\xd8\xff\xe0\x00\x01" + bytes(8): "bad segment length",
    }
    for data, match in cases.items():
        refuse(image_edit("frame_jpeg_minimal", d=data), "img.d", match, ErrorCode.BAD_IMAGE)


def test_decode_rejects_nonpositive_focal_lengths_and_intrinsics_of_the_wrong_length():
    refuse(
        edited("frame_jpeg_full", lambda v: v["K"].__setitem__(1, 0.0)),
        "K",
        "fx and fy must be positive",
    )
    refuse(
        edited("frame_jpeg_full", lambda v: v["K"].pop()), "K", "expected at least 4 items, got 3"
    )
    refuse(
        edited("frame_jpeg_full", lambda v: v["K"].append(1.0)),
        "K",
        "5 items exceed",
        ErrorCode.TOO_LARGE,
    )


def test_decode_attaches_the_stream_and_seq_of_a_refused_frame():
    error = refuse(
        image_edit("frame_jpeg_full", w=640), "img.d", "declared 640×12", ErrorCode.BAD_IMAGE
    )
    assert (error.stream, error.seq) == ("cam0", 41)
    error = refuse(edited("frame_jpeg_full", lambda v: v.update(n=-1)), "n", "outside")
    assert (error.stream, error.seq) == ("cam0", None)


def test_jpeg_size_reads_real_files_of_every_kind():
    image = np.random.default_rng(0).integers(0, 255, (37, 53, 3), dtype=np.uint8)
    flags = {
        "baseline": [],
        "progressive": [cv2.IMWRITE_JPEG_PROGRESSIVE, 1],
        "optimized": [cv2.IMWRITE_JPEG_OPTIMIZE, 1],
    }
    for name, options in flags.items():
        ok, data = cv2.imencode(".jpg", image, options)
        assert ok and jpeg_size(data.tobytes()) == (53, 37), name
    ok, gray = cv2.imencode(".jpg", image[..., 0])
    assert jpeg_size(gray.tobytes()) == (53, 37)


def test_jpeg_size_skips_metadata_segments_and_fill_bytes():
    exif = b"\xff\xe1" + (2 + 60000).to_bytes(2, "big") + bytes(60000)
    data = SAMPLE_JPEG[:2] + exif + b"\xff\xff\xff" + SAMPLE_JPEG[2:]
    assert jpeg_size(data) == (16, 12)


def test_jpeg_size_gives_up_after_too_many_segments():
    comments = b"\xff\xfe\x00\x02" * MAX_JPEG_SEGMENTS
    with pytest.raises(ProtocolError, match="no frame header") as raised:
        jpeg_size(SAMPLE_JPEG[:2] + comments + SAMPLE_JPEG[2:])
    assert raised.value.code == ErrorCode.BAD_IMAGE


# Rig ------------------------------------------------------------------------------------
def rig_with(key: str, values: np.ndarray, dtype: str) -> dict:
    return edited("rig", lambda v: v.update({key: array(values, dtype)}))


def rig_array(key: str) -> np.ndarray:
    return getattr(
        golden_messages()["rig"],
        {
            "si": "skin_indices",
            "sw": "skin_weights",
            "f": "faces",
            "bp": "bind_poses",
            "rj": "rest_joints",
            "tip": "tip_vertices",
            "par": "parents",
        }[key],
    ).copy()


def test_decode_rejects_a_rig_whose_skinning_rows_disagree_with_its_vertices():
    refuse(rig_with("si", rig_array("si")[:-1], "u1"), "si", "11 rows for 12 vertices")
    refuse(rig_with("sw", rig_array("sw")[:-1], "f4"), "sw", "11 rows for 12 vertices")


def test_decode_rejects_a_rig_whose_indices_point_past_its_vertices():
    faces = rig_array("f").astype(np.int32)
    faces[2, 1] = 12
    refuse(rig_with("f", faces, "u2"), "f", r"vertex index outside \[0, 11\]")
    faces[2, 1] = -1
    refuse(rig_with("f", faces, "i4"), "f", r"vertex index outside \[0, 11\]")
    tips = rig_array("tip")
    tips[4] = 99
    refuse(rig_with("tip", tips, "u2"), "tip", r"vertex index outside \[0, 11\]")


def test_decode_rejects_a_rig_whose_skinning_is_not_a_convex_blend_of_its_joints():
    indices = rig_array("si")
    indices[0, 0] = 16
    refuse(rig_with("si", indices, "u1"), "si", r"joint index outside \[0, 15\]")
    weights = rig_array("sw")
    weights[3] = [0.5, 0.25, 0.0, 0.0]
    refuse(rig_with("sw", weights, "f4"), "sw", "sum to 1 per vertex")
    weights[3] = [1.25, -0.25, 0.0, 0.0]
    refuse(rig_with("sw", weights, "f4"), "sw", "≥ 0")


def test_decode_rejects_a_rig_whose_joint_tree_is_not_the_protocols():
    parents = rig_array("par")
    parents[4] = 3
    refuse(rig_with("par", parents, "i1"), "par", "not the protocol's joint tree")
    refuse(edited("rig", lambda v: v["jn"].pop()), "jn", "expected at least 16 items, got 15")


def test_decode_rejects_a_rig_whose_rest_joints_or_bind_poses_are_inconsistent():
    joints = rig_array("rj")
    joints[5] += 0.01
    refuse(rig_with("rj", joints, "f4"), "rj", "must equal the articulated rest keypoints")
    bind = rig_array("bp")
    bind[3, 0, 3] += 0.01
    refuse(rig_with("bp", bind, "f4"), "bp", "map each rest joint to the origin")
    bind = rig_array("bp")
    bind[3, 3, 0] = 1.0
    refuse(rig_with("bp", bind, "f4"), "bp", "must be affine")


def test_decode_accepts_a_rig_with_the_alternative_integer_dtypes():
    rig = golden_messages()["rig"]
    value = edited(
        "rig",
        lambda v: v.update(
            f=array(rig.faces, "i4"),
            par=array(rig.parents, "i4"),
            tip=array(rig.tip_vertices, "i4"),
        ),
    )
    assert plain(decode(msgpack.packb(value))) == plain(rig) | {
        "faces": plain(rig.faces.astype(np.int32)),
        "parents": plain(rig.parents.astype(np.int32)),
        "tip_vertices": plain(rig.tip_vertices.astype(np.int32)),
    }


# Error replies --------------------------------------------------------------------------
def test_error_reply_names_the_refused_frame_and_fits_the_text_limit():
    with pytest.raises(ProtocolError) as raised:
        decode(msgpack.packb(image_edit("frame_jpeg_full", d=b"GIF89a")))
    reply = error_reply(raised.value)
    assert (reply.code, reply.name, reply.seq, reply.stream) == (5, "BAD_IMAGE", 41, "cam0")
    assert reply.message == "img.d (image.data): not JPEG data (no start-of-image marker)"
    long = error_reply(ProtocolError("x" * 5000))
    assert len(long.message) == MAX_TEXT_CHARS
    assert isinstance(decode(encode(long)), Error)


def test_decode_errors_never_echo_long_values():
    error = refuse(
        edited("hands_one_f16", lambda v: v["h"][0].update(sd="y" * 100)), "h[0].sd", "not one of"
    )
    assert len(error.message) < 120


def test_decode_refuses_a_rig_of_extreme_floats_without_numpy_warnings():
    huge = np.full((12, 3), np.finfo(np.float32).max)
    weights = np.full((12, 4), np.finfo(np.float32).max)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        refuse(rig_with("sw", weights, "f4"), "sw", "sum to 1")
        keypoints = np.full((21, 3), np.finfo(np.float32).max)
        refuse(rig_with("rk", keypoints, "f4"), "rj", "articulated rest keypoints")
        value = rig_with("vt", huge, "f4")
        assert decode(msgpack.packb(value)).vertices.max() == np.finfo(np.float32).max
