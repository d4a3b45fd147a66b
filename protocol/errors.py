"""`ProtocolError`, the one exception `decode` raises, and the error codes on the wire.

An error names the field it is about twice: by its wire path (``h[1].j``, the keys a
client developer sees in a packet dump) and by the field names of the decoded message
(``hands[1].joints``, the names in PROTOCOL.md and in the golden vectors' JSON).
"""

from __future__ import annotations

from enum import IntEnum


class ErrorCode(IntEnum):
    """Codes of ``error`` messages. Stable: clients switch on them, PROTOCOL.md §6 lists them."""

    BAD_MESSAGE = 1  # not msgpack, not a map, a field missing, malformed or out of range
    UNSUPPORTED_VERSION = 2  # ``v`` is not a version this peer speaks
    UNKNOWN_TYPE = 3  # ``t`` names no message type
    TOO_LARGE = 4  # over a size limit (message, image, string, list, array)
    BAD_IMAGE = 5  # image data that is not what its header fields declare
    UNEXPECTED_TYPE = 6  # a valid message this peer does not accept (``hands`` sent to a server)
    INTERNAL = 7  # the server failed on a valid message; it carries on


class ProtocolError(Exception):
    """Invalid bytes or an invalid message.

    ``detail`` says what is wrong; ``field`` is the wire path of the field concerned
    ("" for the message as a whole) and ``names`` the same path in field names; ``message``
    is the full text. ``stream`` and ``seq`` are the stream id and sequence number of the
    message concerned when they could be read, so an error reply can name the frame.
    """

    def __init__(
        self, detail: str, code: ErrorCode = ErrorCode.BAD_MESSAGE, field: str = "", names: str = ""
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code
        self.field = field
        self.names = names or field
        self.stream: str | None = None
        self.seq: int | None = None

    @property
    def message(self) -> str:
        if not self.field:
            return self.detail
        where = self.field if self.names == self.field else f"{self.field} ({self.names})"
        return f"{where}: {self.detail}"

    def __str__(self) -> str:
        return self.message

    def within(self, key: str, name: str) -> ProtocolError:
        """This error, as seen from the map that holds it under ``key`` (field ``name``).

        ``key``/``name`` may also be an item label such as ``[2]``; decoders call this while
        the error travels up, so a path is only ever built for a message that failed.
        """
        self.field = _join(key, self.field)
        self.names = _join(name, self.names)
        return self


def _join(outer: str, inner: str) -> str:
    if not inner:
        return outer
    return f"{outer}{inner}" if inner.startswith("[") else f"{outer}.{inner}"


def kind_of(value: object) -> str:
    """A received value's msgpack kind, for error messages."""
    return _KINDS.get(type(value), type(value).__name__)


def show(value: object, limit: int = 40) -> str:
    """A received value for an error message, cut short: error texts have a length limit, and
    a peer's 8 KiB string has no place in a log line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


_KINDS = {
    type(None): "nil",
    bool: "bool",
    int: "int",
    float: "float",
    str: "str",
    bytes: "bin",
    list: "array",
    dict: "map",
}
