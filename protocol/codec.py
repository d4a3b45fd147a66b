"""Protocol v1 messages to bytes and back: ``encode(message) -> bytes``,
``decode(data) -> message``.

`decode` is the gate every received byte passes. It refuses input over the message limit
before unpacking; unpacks with a limit on every string, binary, list and map length (and,
for large inputs, on the number of maps and lists, so no input amplifies into unbounded
memory); checks ``v`` and ``t``; then validates every field through the message's schema.
Whatever the bytes, the only exception is `ProtocolError`, naming the field at fault.
"""

from __future__ import annotations

import contextlib
import threading

import msgpack

from protocol.errors import ErrorCode, ProtocolError, kind_of, show
from protocol.limits import (
    MAX_CONTAINERS,
    MAX_LIST_ITEMS,
    MAX_MAP_KEYS,
    MAX_MESSAGE_BYTES,
    MAX_TEXT_CHARS,
    PROTOCOL_VERSION,
    SMALL_MESSAGE_BYTES,
)
from protocol.messages import Message
from protocol.schemas import ID, MESSAGES, SEQ, Schema

_BY_NAME: dict[str, Schema] = {schema.name: schema for schema in MESSAGES}
_BY_CLASS: dict[type, Schema] = {schema.cls: schema for schema in MESSAGES}
MESSAGE_TYPES: tuple[str, ...] = tuple(_BY_NAME)
"""The ``t`` of every message type, in PROTOCOL.md's order."""

_UNPACK_LIMITS = {
    "raw": False,  # strings arrive as str (invalid UTF-8 is an error), binaries as bytes
    "strict_map_key": True,  # map keys are strings (or binaries), never lists or numbers
    "max_str_len": MAX_TEXT_CHARS * 4,  # bytes: four per character at most in UTF-8
    "max_bin_len": MAX_MESSAGE_BYTES,
    "max_array_len": MAX_LIST_ITEMS,
    "max_map_len": MAX_MAP_KEYS,
    "max_ext_len": 0,  # the protocol uses no extension types
}

# A Packer keeps its buffer between calls; one per thread, since a Packer is not thread-safe.
_packers = threading.local()


def type_name(message: Message) -> str:
    """A message's ``t``."""
    return _BY_CLASS[type(message)].name


def encode(message: Message) -> bytes:
    """The wire bytes of ``message``; the same message always gives the same bytes.

    Raises TypeError for a value that is no protocol message and ValueError for one that
    cannot be encoded (a required field None, an array of the wrong shape). Values are not
    range-checked here: ``decode(encode(message))`` does that, and the tests run it.
    """
    schema = _BY_CLASS.get(type(message))
    if schema is None:
        raise TypeError(f"{type(message).__name__} is not a protocol message")
    packer = getattr(_packers, "packer", None)
    if packer is None:
        packer = _packers.packer = msgpack.Packer(use_bin_type=True)
    return packer.pack({"v": PROTOCOL_VERSION, "t": schema.name, **schema.encode(message)})


def decode(data: bytes | bytearray | memoryview) -> Message:
    """The message in ``data``; `ProtocolError` for anything that is not a valid one."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ProtocolError(f"expected bytes, got {type(data).__name__}")
    size = memoryview(data).nbytes
    if size > MAX_MESSAGE_BYTES:
        raise ProtocolError(
            f"message of {size} bytes exceeds the limit of {MAX_MESSAGE_BYTES}",
            ErrorCode.TOO_LARGE,
        )
    value = _unpack(data, size)
    if type(value) is not dict:
        raise ProtocolError(f"expected a map, got {kind_of(value)}")
    schema = _schema_of(value)
    try:
        return schema.decode(value)
    except ProtocolError as error:
        _name_the_message(error, value)
        raise
    except Exception as error:  # a validation gap must still be a refusal, never a crash
        raise ProtocolError(f"{schema.name}: malformed ({type(error).__name__})") from error


def _unpack(data: bytes | bytearray | memoryview, size: int) -> object:
    hooks = {}
    if size > SMALL_MESSAGE_BYTES:
        budget = _ContainerBudget()
        hooks = {"list_hook": budget, "object_hook": budget}
    try:
        return msgpack.unpackb(data, **_UNPACK_LIMITS, **hooks)
    except Exception as error:  # msgpack reports bad input with many types; all mean one thing
        reason = show(str(error) or type(error).__name__, 120)
        raise ProtocolError(f"not a valid msgpack message: {reason}") from None


class _ContainerBudget:
    """An unpacker hook that counts the maps and lists built and refuses past the budget."""

    def __init__(self) -> None:
        self.left = MAX_CONTAINERS

    def __call__(self, container: object) -> object:
        self.left -= 1
        if self.left < 0:
            raise ValueError(f"more than {MAX_CONTAINERS} maps and lists")
        return container


def _schema_of(value: dict) -> Schema:
    version, name = value.get("v"), value.get("t")
    if version is None:
        raise ProtocolError("required field missing", field="v", names="version")
    if type(version) is not int:
        raise ProtocolError(
            f"expected an integer, got {kind_of(version)}", field="v", names="version"
        )
    if version != PROTOCOL_VERSION:
        raise ProtocolError(
            f"protocol version {version} not supported (this peer speaks {PROTOCOL_VERSION})",
            ErrorCode.UNSUPPORTED_VERSION,
            field="v",
            names="version",
        )
    if name is None:
        raise ProtocolError("required field missing", field="t", names="type")
    if type(name) is not str:
        raise ProtocolError(f"expected a string, got {kind_of(name)}", field="t", names="type")
    schema = _BY_NAME.get(name)
    if schema is None:
        raise ProtocolError(
            f"unknown message type {show(name)}", ErrorCode.UNKNOWN_TYPE, field="t", names="type"
        )
    return schema


def _name_the_message(error: ProtocolError, value: dict) -> None:
    """Adds the stream id and sequence number of a refused message to its error, when they
    are valid themselves, so the error reply can say which frame it refuses."""
    for attribute, key, kind in (("stream", "s", ID), ("seq", "n", SEQ)):
        with contextlib.suppress(ProtocolError):
            setattr(error, attribute, kind.decode(value.get(key)))
