"""What the protocol checks in an image without decoding it: a raw image's byte count, and
a JPEG's own width and height, read from its frame header.

Why read the JPEG header: the declared width and height are what the size limits are
checked against, and a JPEG that is really 30000 × 30000 pixels behind a declared 640 × 480
would make the server's decoder allocate gigabytes. Reading the header costs a few marker
hops and bounds that before any pixel is decoded.
"""

from __future__ import annotations

from protocol.errors import ErrorCode, ProtocolError

PIXEL_CHANNELS = {"bgr8": 3, "rgb8": 3, "gray8": 1}
"""Raw pixel formats and their bytes per pixel (8 bits per channel)."""

# Start-of-frame markers (baseline, extended, progressive, lossless; Huffman or arithmetic):
# 0xC0..0xCF except DHT (C4), JPG (C8) and DAC (CC).
_START_OF_FRAME = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers without a length field: TEM and the restart markers.
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_START_OF_SCAN, _END_OF_IMAGE = 0xDA, 0xD9
# Real files carry a handful of segments before the frame header (JFIF/EXIF/ICC, tables);
# a bound keeps a file made of millions of tiny segments from costing seconds.
MAX_JPEG_SEGMENTS = 256


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a JPEG's frame header; `ProtocolError` with code
    ``BAD_IMAGE`` if ``data`` is not a JPEG file or has no readable frame header."""
    if not data.startswith(b"\xff\xd8"):
        raise ProtocolError("not JPEG data (no start-of-image marker)", ErrorCode.BAD_IMAGE)
    position = 2
    for _ in range(MAX_JPEG_SEGMENTS):
        if position + 4 > len(data):
            break
        if data[position] != 0xFF:
            raise ProtocolError(f"JPEG: no marker at byte {position}", ErrorCode.BAD_IMAGE)
        marker = data[position + 1]
        if marker == 0xFF:  # a fill byte before the marker
            position += 1
            continue
        if marker in _STANDALONE:
            position += 2
            continue
        if marker in (_START_OF_SCAN, _END_OF_IMAGE):
            break
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if marker in _START_OF_FRAME:
            header = data[position + 4 : position + 2 + length]
            if length < 8 or len(header) < 6:
                raise ProtocolError("JPEG: truncated frame header", ErrorCode.BAD_IMAGE)
            height, width = int.from_bytes(header[1:3], "big"), int.from_bytes(header[3:5], "big")
            if not width or not height:
                raise ProtocolError("JPEG: frame header without a size", ErrorCode.BAD_IMAGE)
            return width, height
        if length < 2:
            raise ProtocolError(f"JPEG: bad segment length at byte {position}", ErrorCode.BAD_IMAGE)
        position += 2 + length
    raise ProtocolError("JPEG: no frame header before the image data", ErrorCode.BAD_IMAGE)
