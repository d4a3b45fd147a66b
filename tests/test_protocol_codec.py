"""Protocol v1 codec as a whole: encode → decode is the identity for any valid message,
and no input whatever — random, mutated, structurally wrong, or built to exhaust memory —
gets anything from decode but a message or a ProtocolError."""

from __future__ import annotations

import time
import tracemalloc
from dataclasses import replace

import msgpack
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from protocol.codec import MESSAGE_TYPES, decode, encode, type_name
from protocol.errors import ErrorCode, ProtocolError
from protocol.images import PIXEL_CHANNELS
from protocol.limits import MAX_CONTAINERS, MAX_MESSAGE_BYTES
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
from protocol.schemas import VERTEX_DTYPES
from protocol.skeleton import ARTICULATED_KEYPOINTS, JOINT_PARENTS, NUM_JOINTS
from protocol.vectors import VECTORS_DIR, golden_messages, plain, wire_map

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ids = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=20)
texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)
u64 = st.integers(0, 2**64 - 1)
i64 = st.integers(0, 2**63 - 1)
stage_times = st.dictionaries(ids, i64, max_size=6)


def float_arrays(shape, dtype=np.float32, bound: float = 1e4):
    width = np.dtype(dtype).itemsize * 8
    return hnp.arrays(dtype, shape, elements=st.floats(-bound, bound, width=width))


def jpeg_header(width: int, height: int) -> bytes:
    """The smallest bytes a decoder reads a JPEG's size from: start of image, a baseline
    frame header (one component), end of image."""
    frame = b"\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big") + b"\x01\x01\x11\x00"
    return b"\xff\xd8\xff\xc0" + (len(frame) + 2).to_bytes(2, "big") + frame + b"\xff\xd9"


@st.composite
def images(draw) -> Image:
    if draw(st.booleans()):
        width, height = draw(st.integers(1, 4096)), draw(st.integers(1, 4096))
        return Image("jpeg", jpeg_header(width, height), width, height)
    width, height = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    pixel_format = draw(st.sampled_from(sorted(PIXEL_CHANNELS)))
    size = width * height * PIXEL_CHANNELS[pixel_format]
    return Image("raw", draw(st.binary(min_size=size, max_size=size)), width, height, pixel_format)


@st.composite
def hands(draw) -> Hand:
    vertices = draw(
        st.none()
        | st.integers(0, 40).flatmap(
            lambda count: float_arrays(
                (count, 3), draw(st.sampled_from([np.float16, np.float32])), 1
            )
        )
    )
    return Hand(
        side=draw(st.sampled_from(["left", "right"])),
        score=draw(st.floats(0, 1)),
        joints=draw(float_arrays((21, 3))),
        keypoints_2d=draw(float_arrays((21, 2))),
        wrist_position=draw(float_arrays((3,))),
        wrist_rotation=draw(float_arrays((4,), bound=1)),
        local_rotations=draw(float_arrays((15, 4), bound=1)),
        vertices=vertices,
    )


@st.composite
def rigs(draw) -> Rig:
    count = draw(st.integers(1, 16))
    keypoints = draw(float_arrays((21, 3), bound=0.25))
    joints = keypoints[list(ARTICULATED_KEYPOINTS)]
    bind_poses = np.tile(np.eye(4, dtype=np.float32), (NUM_JOINTS, 1, 1))
    bind_poses[:, :3, 3] = -joints
    raw_weights = draw(hnp.arrays(np.float32, (count, 4), elements=st.integers(1, 9)))
    return Rig(
        rig_id=draw(ids),
        vertices=draw(float_arrays((count, 3), bound=0.25)),
        faces=draw(
            hnp.arrays(np.uint16, (draw(st.integers(0, 12)), 3), elements=st.integers(0, count - 1))
        ),
        skin_indices=draw(
            hnp.arrays(np.uint8, (count, 4), elements=st.integers(0, NUM_JOINTS - 1))
        ),
        skin_weights=raw_weights / raw_weights.sum(axis=1, keepdims=True),
        parents=np.array(JOINT_PARENTS, np.int8),
        joint_names=tuple(draw(st.lists(ids, min_size=NUM_JOINTS, max_size=NUM_JOINTS))),
        rest_joints=joints,
        bind_poses=bind_poses,
        rest_keypoints=keypoints,
        tip_vertices=draw(hnp.arrays(np.uint16, (5,), elements=st.integers(0, count - 1))),
    )


MESSAGES = {
    "hello": st.builds(
        Hello,
        st.sampled_from(["client", "server"]),
        ids,
        st.lists(ids, max_size=6).map(tuple),
        st.none() | ids,
        st.none() | ids,
        st.none() | ids,
    ),
    "rig_req": st.just(RigRequest()),
    "rig": rigs(),
    "frame": st.builds(
        Frame,
        ids,
        u64,
        i64,
        images(),
        st.none()
        | st.tuples(
            st.floats(0.5, 1e4), st.floats(0.5, 1e4), st.floats(-1e4, 1e4), st.floats(-1e4, 1e4)
        ),
        st.none() | st.sampled_from(["left", "right"]),
        st.none() | st.sampled_from(VERTEX_DTYPES),
    ),
    "hands": st.builds(Hands, ids, u64, i64, stage_times, st.lists(hands(), max_size=4).map(tuple)),
    "ack": st.builds(Ack, ids, u64, i64, i64),
    "stats_req": st.just(StatsRequest()),
    "stats": st.builds(
        Stats,
        st.floats(0, 1e9),
        i64,
        i64,
        i64,
        i64,
        st.dictionaries(
            ids,
            st.builds(
                StreamStats,
                st.floats(0, 1e3),
                st.floats(0, 1e3),
                i64,
                i64,
                stage_times,
                stage_times,
            ),
            max_size=4,
        ),
    ),
    "error": st.builds(Error, st.integers(0, 65535), ids, texts, st.none() | u64, st.none() | ids),
}


def test_every_message_type_has_a_strategy():
    assert set(MESSAGES) == set(MESSAGE_TYPES)


@pytest.mark.parametrize("name", sorted(MESSAGES))
@PROPERTY
@given(data=st.data())
def test_encode_then_decode_is_identity_for_any_valid_message(name, data):
    message = data.draw(MESSAGES[name])
    decoded = decode(encode(message))
    assert type_name(decoded) == name
    assert plain(decoded) == plain(message)


def assert_decodes_or_refuses(data: bytes) -> None:
    """decode gives a message or a ProtocolError of its own making: one raised through the
    catch-all guard (it chains the original exception) would mean a validation gap."""
    try:
        decode(data)
    except ProtocolError as error:
        assert error.__cause__ is None, f"validation gap: {error.message}"
        assert isinstance(error.code, ErrorCode)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=4096))
def test_random_bytes_only_ever_raise_protocol_error(data):
    assert_decodes_or_refuses(data)


SEED_VECTORS = sorted(VECTORS_DIR.rglob("*.msgpack"))


@settings(max_examples=800, deadline=None)
@given(st.sampled_from(SEED_VECTORS), st.data())
def test_mutated_vectors_only_ever_raise_protocol_error(path, data):
    mutated = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, max(len(mutated) - 1, 0)))
        mutation = data.draw(st.sampled_from(["flip", "set", "truncate", "insert", "delete"]))
        if mutation == "flip" and mutated:
            mutated[position] ^= 1 << data.draw(st.integers(0, 7))
        elif mutation == "set" and mutated:
            mutated[position] = data.draw(st.integers(0, 255))
        elif mutation == "truncate":
            del mutated[position:]
        elif mutation == "insert":
            mutated[position:position] = data.draw(st.binary(min_size=1, max_size=9))
        else:
            del mutated[position : position + data.draw(st.integers(1, 9))]
    assert_decodes_or_refuses(bytes(mutated))


msgpack_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats()
    | st.text(max_size=12)
    | st.binary(max_size=24),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=12,
)


def _slots(value: object, path: tuple = ()) -> list[tuple]:
    """Every place in a wire map a value can be replaced: map keys' values, list items."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    places = []
    for key, item in items:
        places.append((*path, key))
        places.extend(_slots(item, (*path, key)))
    return places


@settings(max_examples=1000, deadline=None)
@given(st.sampled_from(sorted(golden_messages())), st.data())
def test_any_field_replaced_by_any_value_only_ever_raises_protocol_error(name, data):
    value = wire_map(golden_messages()[name])
    path = data.draw(st.sampled_from(_slots(value)))
    holder = value
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = data.draw(msgpack_values)
    assert_decodes_or_refuses(msgpack.packb(value, use_bin_type=True))


def test_decode_refuses_input_over_the_message_limit_before_unpacking():
    start = time.perf_counter()
    with pytest.raises(ProtocolError) as raised:
        decode(bytes(MAX_MESSAGE_BYTES + 1))
    assert raised.value.code == ErrorCode.TOO_LARGE
    assert time.perf_counter() - start < 0.1


def test_decode_refuses_length_prefixes_beyond_the_limits_without_allocating():
    claims = [
        b"\x81\xa1v\xc6\xff\xff\xff\xff",  # a bin32 claiming 4 GiB, then nothing
        b"\xdf\xff\xff\xff\xff",  # a map claiming 2^32 - 1 entries
        b"\xdd\xff\xff\xff\xff",  # a list claiming 2^32 - 1 items
        b"\xdb\xff\xff\xff\xff",  # a string claiming 4 GiB
    ]
    for data in claims:
        with pytest.raises(ProtocolError):
            decode(data)


def nested_lists(fanout: int, depth: int) -> bytes:
    """A message whose unknown field holds fanout**depth empty lists in a tree."""
    tree = b"\x90"
    for _ in range(depth):
        tree = bytes([0xDC]) + fanout.to_bytes(2, "big") + tree * fanout
    header = msgpack.packb({"v": 1, "t": "ack"})
    return bytes([header[0] + 1]) + header[1:] + msgpack.packb("x") + tree


def test_decode_bounds_the_objects_a_large_input_can_create():
    data = nested_lists(64, 3)  # 266,305 lists in 266 KB: about 15 MB as Python objects
    tracemalloc.start()
    try:
        with pytest.raises(ProtocolError, match=f"more than {MAX_CONTAINERS} maps and lists"):
            decode(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000


def test_decode_refuses_deep_nesting():
    with pytest.raises(ProtocolError):
        decode(b"\x91" * 200_000)
    with pytest.raises(ProtocolError):
        decode(b"\x91" * 5_000)


def test_decode_accepts_bytearray_and_memoryview():
    data = encode(golden_messages()["ack"])
    for view in (bytearray(data), memoryview(data)):
        assert plain(decode(view)) == plain(golden_messages()["ack"])


def test_decode_refuses_what_is_not_bytes():
    with pytest.raises(ProtocolError, match="expected bytes, got str"):
        decode("not bytes")  # type: ignore[arg-type]


def test_decoded_arrays_are_read_only_views_of_the_message():
    hand = decode(encode(golden_messages()["hands_one_f16"])).hands[0]
    for array in (hand.joints, hand.vertices):
        assert not array.flags.writeable
        assert array.base is not None


def test_encode_is_deterministic_and_puts_version_and_type_first():
    message = golden_messages()["hands_two"]
    data = encode(message)
    assert data == encode(message)
    assert list(msgpack.unpackb(data))[:2] == ["v", "t"]


def test_encode_keeps_float16_vertices_and_converts_other_arrays_to_the_canonical_dtype():
    hand = golden_messages()["hands_one_f16"].hands[0]
    as_float64 = replace(
        hand, joints=hand.joints.astype(np.float64), vertices=hand.vertices.astype(np.float64)
    )
    wire = wire_map(Hands("cam0", 1, 2, hands=(as_float64,)))["h"][0]
    assert wire["j"]["dt"] == "f4"
    assert wire["vt"]["dt"] == "f2"  # float16 is the default for vertices
    wire = wire_map(golden_messages()["hands_f32"])["h"][0]
    assert wire["vt"]["dt"] == "f4"


def test_encode_refuses_what_it_cannot_encode():
    with pytest.raises(TypeError, match="not a protocol message"):
        encode({"v": 1})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"ack\.stream is required"):
        encode(Ack(None, 1, 2, 3))  # type: ignore[arg-type]
    hand = golden_messages()["hands_one_f16"].hands[0]
    short = replace(hand, joints=hand.joints[:20])
    with pytest.raises(ValueError, match=r"hand.joints: expected shape \(21, 3\), got \(20, 3\)"):
        encode(Hands("cam0", 1, 2, hands=(short,)))


def test_encode_refuses_integers_that_do_not_fit_their_wire_dtype():
    rig = golden_messages()["rig"]
    faces = rig.faces.astype(np.int64)
    faces[0, 0] = -1
    with pytest.raises(ValueError, match="do not fit the wire dtype u2"):
        encode(replace(rig, faces=faces))
