"""Golden vectors: the committed files regenerate exactly, valid ones decode to their JSON,
invalid ones fail with their code and field, and `handmesh vectors` keeps them honest."""

from __future__ import annotations

import argparse
import json

import pytest

from protocol import cli
from protocol.codec import MESSAGE_TYPES, decode, encode, type_name
from protocol.errors import ErrorCode, ProtocolError
from protocol.vectors import (
    INVALID,
    INVALID_VECTORS,
    VECTORS_DIR,
    differing_vectors,
    golden_messages,
    plain,
    write_vectors,
)

VALID = sorted(path.stem for path in VECTORS_DIR.glob("*.msgpack"))
REFUSED = sorted(path.stem for path in (VECTORS_DIR / INVALID).glob("*.msgpack"))


def test_regenerating_reproduces_the_committed_vectors_exactly():
    assert differing_vectors(VECTORS_DIR) == []


def test_there_is_a_vector_for_every_message_type_and_every_kind_of_refusal():
    assert {type_name(message) for message in golden_messages().values()} == set(MESSAGE_TYPES)
    assert {code for _, code, _ in INVALID_VECTORS.values()} >= {
        ErrorCode.BAD_MESSAGE,
        ErrorCode.UNSUPPORTED_VERSION,
        ErrorCode.UNKNOWN_TYPE,
        ErrorCode.TOO_LARGE,
        ErrorCode.BAD_IMAGE,
    }


@pytest.mark.parametrize("name", VALID)
def test_committed_bytes_decode_to_the_committed_values(name):
    decoded = decode((VECTORS_DIR / f"{name}.msgpack").read_bytes())
    expected = json.loads((VECTORS_DIR / f"{name}.json").read_text())
    assert json.loads(json.dumps(plain(decoded))) == expected


@pytest.mark.parametrize("name", REFUSED)
def test_committed_invalid_bytes_fail_with_the_committed_error(name):
    expected = json.loads((VECTORS_DIR / INVALID / f"{name}.json").read_text())
    with pytest.raises(ProtocolError) as raised:
        decode((VECTORS_DIR / INVALID / f"{name}.msgpack").read_bytes())
    error = raised.value
    assert (int(error.code), error.code.name, error.field) == (
        expected["code"],
        expected["name"],
        expected["field"],
    )


def test_check_notices_a_changed_a_missing_and_a_left_over_vector(tmp_path):
    write_vectors(tmp_path)
    assert differing_vectors(tmp_path) == []
    changed = tmp_path / "ack.msgpack"
    changed.write_bytes(changed.read_bytes()[:-1] + b"\x00")
    (tmp_path / "hands_two.json").unlink()
    (tmp_path / INVALID / "retired.msgpack").write_bytes(b"\xc0")
    assert differing_vectors(tmp_path) == [
        "ack.msgpack",
        "hands_two.json",
        "invalid/retired.msgpack",
    ]
    write_vectors(tmp_path)
    assert differing_vectors(tmp_path) == []


def run_command(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command")
    bench = commands.add_parser("bench").add_subparsers(dest="bench")
    cli.register(commands, bench)
    args = parser.parse_args(argv)
    return args.run(args)


def test_vectors_command_writes_and_checks(tmp_path, capsys):
    assert run_command("vectors", "--check") == 0
    assert run_command("vectors", "--out", str(tmp_path)) == 0
    assert run_command("vectors", "--out", str(tmp_path), "--check") == 0
    (tmp_path / "ack.json").write_text("{}")
    assert run_command("vectors", "--out", str(tmp_path), "--check") == 1
    assert "ack.json" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(golden_messages()))
def test_re_encoding_a_decoded_vector_gives_its_bytes_again(name):
    data = (VECTORS_DIR / f"{name}.msgpack").read_bytes()
    assert encode(decode(data)) == data
