"""Golden vectors: committed bytes regenerate exactly and decode to the committed values."""

from __future__ import annotations

import json

import pytest

from protocol.codec import decode
from protocol.messages import as_plain
from protocol.vectors import VECTORS_DIR, differing_vectors, golden_messages, write_vectors


def test_regenerating_reproduces_the_committed_vectors_exactly():
    assert differing_vectors(VECTORS_DIR) == []


@pytest.mark.parametrize("name", sorted(golden_messages()))
def test_committed_bytes_decode_to_the_committed_values(name):
    decoded = decode((VECTORS_DIR / f"{name}.msgpack").read_bytes())
    expected = json.loads((VECTORS_DIR / f"{name}.json").read_text())
    assert json.loads(json.dumps(as_plain(decoded))) == expected


def test_check_notices_a_changed_vector(tmp_path):
    write_vectors(tmp_path)
    path = tmp_path / "ack.msgpack"
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")
    assert differing_vectors(tmp_path) == ["ack.msgpack"]
