"""PROTOCOL.md and the code say the same thing: every map's keys, field names, required-ness,
dtypes, shapes and choices; the limits; the error codes; the dtypes; the skeleton; the
defaults. A format change that forgets the spec fails here."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from protocol import limits
from protocol.arrays import WIRE_DTYPES, shape_text
from protocol.errors import ErrorCode
from protocol.schema import Array, Schema, Text
from protocol.schemas import MESSAGES, NESTED
from protocol.skeleton import (
    ARTICULATED_KEYPOINTS,
    JOINT_NAMES,
    JOINT_PARENTS,
    KEYPOINT_NAMES,
    NUM_JOINTS,
    NUM_KEYPOINTS,
)

SPEC = (Path(limits.__file__).parent / "PROTOCOL.md").read_text()


def section(title: str) -> str:
    """The text under a heading (up to the next heading of any level)."""
    match = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^#)", SPEC + "\n#", re.M | re.S)
    assert match, f"PROTOCOL.md has no section {title!r}"
    return match.group(1)


def table_rows(text: str) -> list[list[str]]:
    """The body rows of the markdown tables in ``text`` (indented ones too), as cells."""
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("|")]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    separator = [all(set(cell) <= set("-: ") for cell in row) for row in rows]
    # A table's header is the row right before its separator row.
    return [
        row
        for index, row in enumerate(rows)
        if not separator[index] and not (index + 1 < len(rows) and separator[index + 1])
    ]


def unquote(cell: str) -> str:
    return cell.strip("`")


@pytest.mark.parametrize("schema", MESSAGES + NESTED, ids=lambda schema: schema.name)
def test_spec_lists_every_field_of_every_map_as_the_code_does(schema: Schema):
    rows = [row for row in table_rows(section(f"`{schema.name}`")) if row[0].startswith("`")]
    in_spec = {(unquote(row[0]), unquote(row[1]), row[3]) for row in rows}
    in_code = {(f.key, f.name, "R" if f.required else "O") for f in schema.fields}
    assert in_spec == in_code
    types = {unquote(row[0]): row[2] for row in rows}
    for field in schema.fields:
        if isinstance(field.kind, Array):
            dtypes = re.findall(r"`(\w\d)`", types[field.key])
            assert tuple(dtypes) == field.kind.dtypes, field.key
            shape = re.sub(r"\((?:V|N)\b", "(N", types[field.key])
            assert shape_text(field.kind.shape) in shape, field.key
        if isinstance(field.kind, Text) and field.kind.choices:
            assert re.findall(r"`(\w+)`", types[field.key]) == list(field.kind.choices)


def test_spec_lists_the_error_codes_of_the_code():
    rows = table_rows(section("7. Error codes"))
    assert [(int(row[0]), unquote(row[1])) for row in rows] == [
        (int(code), code.name) for code in ErrorCode
    ]


def test_spec_lists_every_limit_with_its_value():
    rows = {unquote(row[0]): row[1] for row in table_rows(section("8. Limits"))}
    constants = {
        name: value
        for name, value in vars(limits).items()
        if name.startswith(("MAX_", "SMALL_")) and isinstance(value, int)
    }
    assert set(rows) == set(constants)
    for name, value in constants.items():
        assert int(rows[name].split()[0]) == value, name


def test_spec_lists_the_allowed_dtypes_with_their_sizes():
    rows = [row for row in table_rows(section("3. Encoding")) if row[0].startswith("`")]
    assert [unquote(row[0]) for row in rows] == list(limits.ALLOWED_DTYPES)
    for row in rows:
        assert int(row[2]) == WIRE_DTYPES[unquote(row[0])].itemsize
        assert WIRE_DTYPES[unquote(row[0])].byteorder in "<|="


def test_spec_states_the_version_the_defaults_and_the_skeleton_of_the_code():
    assert f"the protocol version, `{limits.PROTOCOL_VERSION}`" in SPEC
    for port in (limits.DEFAULT_ROUTER_PORT, limits.DEFAULT_PUB_PORT):
        assert f"`tcp://{limits.DEFAULT_HOST}:{port}`" in SPEC
    assert str(list(ARTICULATED_KEYPOINTS)) in SPEC
    assert str(list(JOINT_PARENTS)) in SPEC


def test_skeleton_constants_agree_with_each_other():
    assert len(KEYPOINT_NAMES) == NUM_KEYPOINTS and len(set(KEYPOINT_NAMES)) == NUM_KEYPOINTS
    assert len(JOINT_NAMES) == NUM_JOINTS == len(ARTICULATED_KEYPOINTS) == len(JOINT_PARENTS)
    assert list(ARTICULATED_KEYPOINTS) == [0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15, 17, 18, 19]
    assert JOINT_PARENTS[0] == -1
    assert all(0 <= JOINT_PARENTS[j] < j for j in range(1, NUM_JOINTS))
    # A joint's parent sits one keypoint closer to the wrist on the same finger (or is it).
    for joint, parent in enumerate(JOINT_PARENTS[1:], start=1):
        keypoint = ARTICULATED_KEYPOINTS[joint]
        expected = 0 if (keypoint - 1) % 4 == 0 else keypoint - 1
        assert ARTICULATED_KEYPOINTS[parent] == expected
    assert np.array_equal(np.sort(ARTICULATED_KEYPOINTS), ARTICULATED_KEYPOINTS)
