"""Protocol version, default sockets, and the hard limits every decoder enforces.

The limits bound the memory and time one message can cost a receiver, whatever its bytes:
the decoder refuses input over ``MAX_MESSAGE_BYTES`` before unpacking, the unpacker refuses
any string, binary, list or map longer than these whatever a length prefix claims, and the
fields are checked against the per-field limits below. PROTOCOL.md §5 lists the same values
(a test compares them).
"""

from __future__ import annotations

PROTOCOL_VERSION = 1

DEFAULT_HOST = "127.0.0.1"  # loopback: nothing on the network can reach an unencrypted server
DEFAULT_ROUTER_PORT = 5555  # everything a client sends (client DEALER → server ROUTER)
DEFAULT_PUB_PORT = 5556  # results, topic = stream id (server PUB → client SUB)

MAX_MESSAGE_BYTES = 16 * 1024 * 1024
MAX_IMAGE_BYTES = 15 * 1024 * 1024  # the image, leaving room for the frame's other fields
MAX_IMAGE_SIDE = 4096  # pixels, width and height alike
MAX_ID_CHARS = 128  # stream, rig, model, stage and joint names
MAX_TEXT_CHARS = 2048  # error messages, software versions
MAX_LIST_ITEMS = 64  # capabilities, stages, streams in stats: every list and small map
MAX_MAP_KEYS = 256  # keys in any one map, unknown (future) ones included
MAX_HANDS = 4  # hands in one result
MAX_VERTICES = 65535  # vertices of a rig or a hand
MAX_FACES = 262144  # triangles of a rig

# Above this size an input is unpacked with a budget on the number of maps and lists it may
# create: a small message cannot amplify into much memory, a large one could (16 MiB of
# empty lists would become about a gigabyte of Python objects).
SMALL_MESSAGE_BYTES = 64 * 1024
MAX_CONTAINERS = 1024

ALLOWED_DTYPES = ("u1", "u2", "i1", "i4", "f2", "f4", "f8")
"""Array element types on the wire, as numpy's type codes; the bytes are always little-endian."""
