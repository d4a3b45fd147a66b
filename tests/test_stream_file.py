"""The recorded-stream format: round trip, seeking by time, and surviving crashes and damage."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from protocol.stream_file import StreamFileError, StreamReader, StreamWriter


def payloads(count: int) -> list[bytes]:
    return [bytes([i % 251]) * (10 + i) for i in range(count)]


def test_records_round_trip_in_order_with_metadata(tmp_path):
    path = tmp_path / "a.hmstream"
    with StreamWriter(
        path, {"source": "test", "K": [[600, 0, 320], [0, 600, 240], [0, 0, 1]]}
    ) as writer:
        for i, payload in enumerate(payloads(50)):
            writer.write(payload, t_receive_ns=1_000 + i)
    reader = StreamReader(path)
    assert reader.metadata["source"] == "test"
    records = list(reader.records())
    assert [r.payload for r in records] == payloads(50)
    assert [r.t_receive_ns for r in records] == list(range(1_000, 1_050))
    assert reader.problems.corrupt_offsets == [] and reader.problems.truncated_at is None


def test_seeking_by_time_starts_at_the_first_record_not_before_it(tmp_path):
    path = tmp_path / "a.hmstream"
    with StreamWriter(path) as writer:
        for i, payload in enumerate(payloads(20)):
            writer.write(payload, t_receive_ns=i * 100)
    records = list(StreamReader(path).records(start_ns=1_050))
    assert records[0].t_receive_ns == 1_100 and len(records) == 9


def test_a_flipped_byte_is_reported_by_offset_and_the_rest_reads(tmp_path):
    path = tmp_path / "a.hmstream"
    with StreamWriter(path) as writer:
        for payload in payloads(10):
            writer.write(payload, t_receive_ns=5)
    offsets = [r.offset for r in StreamReader(path).records()]
    data = bytearray(path.read_bytes())
    data[offsets[4] + 16 + 3] ^= 0x20  # a byte inside the fifth record's payload
    path.write_bytes(bytes(data))
    reader = StreamReader(path)
    records = list(reader.records())
    assert reader.problems.corrupt_offsets == [offsets[4]]
    assert [r.payload for r in records] == payloads(10)[:4] + payloads(10)[5:]


def test_a_recorder_killed_mid_record_leaves_every_complete_record_intact(tmp_path):
    path = tmp_path / "killed.hmstream"
    ready = tmp_path / "ready"
    child = f"""
import struct, sys, time, zlib
sys.path.insert(0, {str(os.getcwd())!r})
from protocol.stream_file import StreamWriter
writer = StreamWriter({str(path)!r})
for i in range(200):
    writer.write(bytes([i % 251]) * (10 + i), t_receive_ns=i)
# Half of one more record, as a recorder killed inside a write would leave.
payload = b"x" * 1000
stamped = struct.pack("<Q", 999) + payload
record = struct.pack("<II", len(payload), zlib.crc32(stamped)) + stamped
writer.file.write(record[: len(record) // 2])
writer.file.flush()
open({str(ready)!r}, "w").close()
time.sleep(60)
"""
    process = subprocess.Popen([sys.executable, "-c", child])
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert time.monotonic() < deadline, "the recorder did not start"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        process.kill()
    reader = StreamReader(path)
    records = list(reader.records())
    assert [r.payload for r in records] == payloads(200)
    assert (
        reader.problems.truncated_at is not None
        and reader.problems.truncated_at > records[-1].offset
    )
    assert reader.problems.corrupt_offsets == []


def test_not_a_stream_file_or_a_damaged_header_is_refused(tmp_path):
    other = tmp_path / "other.bin"
    other.write_bytes(b"PK\\x03\\x04 definitely a zip")
    with pytest.raises(StreamFileError, match="not a HandMesh stream file"):
        StreamReader(other)
    path = tmp_path / "a.hmstream"
    StreamWriter(path, {"k": 1}).close()
    data = bytearray(path.read_bytes())
    data[-6] ^= 1  # inside the metadata
    path.write_bytes(bytes(data))
    with pytest.raises(StreamFileError, match="header is damaged"):
        StreamReader(path)


def test_the_writer_never_overwrites_a_recording(tmp_path):
    path = tmp_path / "a.hmstream"
    StreamWriter(path).close()
    with pytest.raises(FileExistsError):
        StreamWriter(path)
