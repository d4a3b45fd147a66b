"""The recorded-stream file format (``.hmstream``): append-only, crash-safe, seekable by time.

Layout (all integers little-endian):

    header   magic b"HMSTREAM" | u16 format version | u16 reserved (0) | u64 creation time ns
             | u32 metadata length | metadata (UTF-8 JSON: source, camera K, model, rig id...)
             | u32 CRC32 of everything before it in the header
    record   u32 payload length | u32 CRC32 of (receive time + payload) | u64 receive time ns
             | payload: one protocol message, verbatim (frames and results interleaved in
             arrival order; the message's own ``t`` says which)

Every record is written with one ``write`` and flushed, so a killed recorder leaves every
complete record readable and at most one partial record at the end. The reader streams
records and, instead of failing the whole file, reports a truncated tail and a record whose
checksum does not match by their byte offsets — skipping the bad record and reading on.
"""

from __future__ import annotations

import json
import struct
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

MAGIC = b"HMSTREAM"
FORMAT_VERSION = 1
_HEADER_FIXED = struct.Struct("<8sHHQI")
_RECORD_HEAD = struct.Struct("<IIQ")  # length, crc, t_receive_ns
_CRC = struct.Struct("<I")
MAX_RECORD_BYTES = 64 * 1024 * 1024  # longer lengths mean a corrupt length field
MAX_METADATA_BYTES = 1024 * 1024


class StreamFileError(ValueError):
    """The file is not a stream file (bad magic, version or header checksum)."""


@dataclass(frozen=True)
class Record:
    offset: int  # byte offset of the record in the file
    t_receive_ns: int
    payload: bytes


@dataclass
class ReadProblems:
    """What the reader skipped: offsets of records with a bad checksum, and where a
    truncated tail starts (None when the file ends cleanly)."""

    corrupt_offsets: list[int] = field(default_factory=list)
    truncated_at: int | None = None


class StreamWriter:
    """Appends records to a new stream file; every record is flushed as it is written."""

    def __init__(self, path: Path, metadata: dict | None = None) -> None:
        self.path = Path(path)
        # Held open across writes (closed by close()/__exit__); "x": never overwrite a recording.
        self.file: BinaryIO = open(self.path, "xb")  # noqa: SIM115
        meta = json.dumps(metadata or {}, sort_keys=True).encode()
        if len(meta) > MAX_METADATA_BYTES:
            raise ValueError(f"metadata of {len(meta)} bytes exceeds {MAX_METADATA_BYTES}")
        header = _HEADER_FIXED.pack(MAGIC, FORMAT_VERSION, 0, time.time_ns(), len(meta)) + meta
        self.file.write(header + _CRC.pack(zlib.crc32(header)))
        self.file.flush()

    def write(self, payload: bytes, t_receive_ns: int | None = None) -> None:
        if len(payload) > MAX_RECORD_BYTES:
            raise ValueError(f"a record of {len(payload)} bytes exceeds {MAX_RECORD_BYTES}")
        t_receive_ns = time.time_ns() if t_receive_ns is None else t_receive_ns
        stamped = struct.pack("<Q", t_receive_ns) + payload
        self.file.write(struct.pack("<II", len(payload), zlib.crc32(stamped)) + stamped)
        self.file.flush()

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> StreamWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class StreamReader:
    """Reads a stream file's header, then its records in order (see `records`)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with open(self.path, "rb") as file:
            fixed = file.read(_HEADER_FIXED.size)
            if len(fixed) < _HEADER_FIXED.size or not fixed.startswith(MAGIC):
                raise StreamFileError(
                    f"{self.path} is not a HandMesh stream file (no {MAGIC!r} header)"
                )
            _, version, _, created_ns, meta_length = _HEADER_FIXED.unpack(fixed)
            if version != FORMAT_VERSION:
                raise StreamFileError(
                    f"{self.path}: stream format {version}, this reader knows {FORMAT_VERSION}"
                )
            if meta_length > MAX_METADATA_BYTES:
                raise StreamFileError(f"{self.path}: header claims {meta_length} bytes of metadata")
            meta = file.read(meta_length)
            stored = file.read(_CRC.size)
            if (
                len(meta) < meta_length
                or len(stored) < _CRC.size
                or _CRC.unpack(stored)[0] != zlib.crc32(fixed + meta)
            ):
                raise StreamFileError(f"{self.path}: the header is damaged (checksum mismatch)")
        self.created_ns = created_ns
        self.metadata = json.loads(meta)
        self.first_record_offset = _HEADER_FIXED.size + meta_length + _CRC.size
        self.problems = ReadProblems()

    def records(self, start_ns: int | None = None) -> Iterator[Record]:
        """Every readable record (from the first received at or after ``start_ns``);
        problems found on the way are collected in ``self.problems``."""
        self.problems = ReadProblems()
        with open(self.path, "rb") as file:
            file.seek(self.first_record_offset)
            while True:
                offset = file.tell()
                head = file.read(_RECORD_HEAD.size)
                if not head:
                    return
                if len(head) < _RECORD_HEAD.size:
                    self.problems.truncated_at = offset
                    return
                length, crc, t_receive_ns = _RECORD_HEAD.unpack(head)
                if length > MAX_RECORD_BYTES:  # the length itself is damaged: nothing to skip by
                    self.problems.corrupt_offsets.append(offset)
                    self.problems.truncated_at = offset
                    return
                payload = file.read(length)
                if len(payload) < length:
                    self.problems.truncated_at = offset
                    return
                if zlib.crc32(head[8:] + payload) != crc:
                    self.problems.corrupt_offsets.append(offset)
                    continue
                if start_ns is None or t_receive_ns >= start_ns:
                    yield Record(offset, t_receive_ns, payload)
