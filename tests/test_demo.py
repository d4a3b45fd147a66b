"""`handmesh demo`, headless, as README's first command runs it: the real server with the
bundled checkpoint, the bundled sample streamed through it, and what it writes."""

from __future__ import annotations

import json
import subprocess
import sys

import cv2
import numpy as np
import pytest
from server_helpers import SAMPLE

from model.data.sequence import read_sequence
from server.spawn import free_port


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo_out")
    router, pub = f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}"
    command = [sys.executable, "-m", "server.cli", "demo", "--out", str(out), "--no-window"]
    completed = subprocess.run(
        [*command, "--router", router, "--pub", pub, "--device", "cpu"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Unity" in completed.stdout
    return out


def video_frames(path) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, image = capture.read()
        if not ok:
            return frames
        frames.append(image)


def test_demo_writes_video_sheet_latency_and_plot(demo_out):
    frames = video_frames(demo_out / "demo.mp4")
    assert len(frames) == 180 and frames[0].shape == (480, 640, 3)
    sheet = cv2.imread(str(demo_out / "contact_sheet.png"))
    assert sheet.shape[0] > 300 and sheet.std() > 20
    summary = json.loads((demo_out / "latency.json").read_text())
    assert summary["frames_sent"] == 180 and summary["results"] > 60
    assert summary["e2e_ms_p50"] > summary["server_ms_p50"] > 0
    assert summary["model"] == "demo_checkpoint"
    assert cv2.imread(str(demo_out / "latency.png")).shape[0] > 200


def test_the_overlay_changes_the_frames_where_the_hand_is_and_nowhere_else(demo_out):
    """The drawn results land on the hand: pixels change inside the true hand's box in many
    frames and outside it (and the caption) in none beyond video compression."""
    summary = json.loads((demo_out / "latency.json").read_text())
    assert summary["with_hand"] > 10 and 0 < summary["hand_found_rate"] <= 1
    sequence = read_sequence(SAMPLE)
    overlaid = video_frames(demo_out / "demo.mp4")
    marked_frames = 0
    for index in range(180):
        raw = sequence.image(index).astype(np.int16)
        changed = np.abs(overlaid[index].astype(np.int16) - raw).sum(axis=2) > 60
        pixels = sequence.truth[index].keypoints_2d
        left, top = np.floor(pixels.min(0)).astype(int)
        right, bottom = np.ceil(pixels.max(0)).astype(int)
        marked_frames += changed[top:bottom, left:right].mean() > 0.01
        changed[:40, :] = False  # the caption
        changed[max(top - 40, 0) : bottom + 40, max(left - 40, 0) : right + 40] = False
        assert changed.mean() < 0.002, index
    assert marked_frames >= 20
