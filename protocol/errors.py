"""`ProtocolError`, the one exception the codec raises, and the error codes on the wire."""

from __future__ import annotations

from enum import IntEnum


class ErrorCode(IntEnum):
    """Codes of ``error`` messages (stable: clients switch on them)."""

    BAD_MESSAGE = 1  # not msgpack, not a map, a field missing, malformed or out of range
    UNSUPPORTED_VERSION = 2  # ``v`` is not a version this peer speaks
    UNKNOWN_TYPE = 3  # ``t`` names no message type
    TOO_LARGE = 4  # over a size limit (message, image, array)
    BAD_IMAGE = 5  # an image that does not decode or does not match its declared size
    UNEXPECTED_TYPE = (
        6  # a valid message this peer does not accept (e.g. ``hands`` sent to the server)
    )
    INTERNAL = 7  # the server failed on a valid message; it carries on


class ProtocolError(Exception):
    """Invalid bytes or an invalid message; ``message`` names the field, ``code`` the kind."""

    def __init__(self, message: str, code: ErrorCode = ErrorCode.BAD_MESSAGE) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
