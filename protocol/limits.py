"""Protocol version, default sockets and the hard limits a decoder enforces.

Limits bound memory and time for any input: the decoder refuses a message over
``MAX_MESSAGE_BYTES`` before unpacking, and the unpacker itself refuses longer strings,
binaries, arrays and maps than these, whatever a length prefix claims.
"""

from __future__ import annotations

PROTOCOL_VERSION = 1
DEFAULT_HOST = "127.0.0.1"
DEFAULT_ROUTER_PORT = 5555  # everything a client sends (DEALER → ROUTER)
DEFAULT_PUB_PORT = 5556  # results, topic = stream id (PUB → SUB)

MAX_MESSAGE_BYTES = 16 * 1024 * 1024
MAX_IMAGE_SIDE = 4096  # pixels, either dimension
MAX_ID_CHARS = 128  # stream ids, rig and model ids, names
MAX_TEXT_CHARS = 2048  # error messages, software versions
MAX_LIST_ITEMS = 64  # capabilities, hands per message, streams in stats
MAX_HANDS = 4
MAX_VERTICES = 65535
MAX_FACES = 262144
MAX_ARRAY_DIMENSIONS = 4
MAX_MAP_ENTRIES = 256

ALLOWED_DTYPES = ("u1", "u2", "i1", "i4", "f2", "f4", "f8")
"""Array element types on the wire (numpy's codes; always little-endian)."""
