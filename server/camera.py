"""The camera client: frames from a webcam, a video, a folder of images or a synthetic
sequence → JPEG `frame` messages to the server; results back on SUB, with the latency
measured on this client's own clock (capture time at grab → result received).

Pacing is by absolute schedule (frame i is due at start + i / fps), so a slow iteration
does not shift every later frame. Sockets: DEALER to the server's ROUTER, SUB to its PUB
subscribed to this stream only.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import zmq

from protocol.codec import decode, encode
from protocol.errors import ProtocolError
from protocol.messages import Error, Frame, Image

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")
RECENT_IMAGES = 60


@dataclass
class CameraSource:
    """Yields (BGR image, intrinsics (fx, fy, cx, cy) or None)."""

    frames: Iterator[tuple[np.ndarray, tuple[float, float, float, float] | None]]
    description: str


def open_source(source: str, loop: bool = False) -> CameraSource:
    """A webcam index ("0"), a video file, a folder of images, or a recorded stream
    (.hmstream: its frames, e.g. the bundled synthetic sample)."""
    if source.isdigit():
        return CameraSource(
            _capture_frames(cv2.VideoCapture(int(source)), loop=False), f"camera {source}"
        )
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(
            f"camera source {source} is neither a camera index nor an existing path"
        )
    if path.is_dir():
        images = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not images:
            raise ValueError(f"{path} holds no images ({', '.join(IMAGE_SUFFIXES)})")
        return CameraSource(_image_frames(images, loop), f"{len(images)} images in {path}")
    if path.suffix == ".hmstream":
        return _recorded_frames(path, loop)
    return CameraSource(_capture_frames(cv2.VideoCapture(str(path)), loop), f"video {path}")


def _recorded_frames(path: Path, loop: bool) -> CameraSource:
    """The frames of a recorded stream, decoded once up front, with their own intrinsics."""
    from server.pipeline import decode_image
    from server.replay import recorded_frames

    images = [(decode_image(frame), frame.intrinsics) for frame in recorded_frames(path)]

    def frames():
        while True:
            yield from images
            if not loop:
                return

    return CameraSource(frames(), f"recorded stream {path} ({len(images)} frames)")


def _capture_frames(capture: cv2.VideoCapture, loop: bool):
    if not capture.isOpened():
        raise ValueError("OpenCV could not open the camera or video")
    try:
        while True:
            ok, image = capture.read()
            if not ok:
                if loop and capture.get(cv2.CAP_PROP_FRAME_COUNT) > 0:
                    capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
                    continue
                return
            yield image, None
    finally:
        capture.release()


def _image_frames(paths: list[Path], loop: bool):
    while True:
        for path in paths:
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None:
                raise ValueError(f"cannot read image {path}")
            yield image, None
        if not loop:
            return


@dataclass
class CameraReport:
    sent: int = 0
    received: int = 0
    errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        latencies = np.array(self.latencies_ms) if self.latencies_ms else np.array([np.nan])
        return {
            "sent": self.sent,
            "received": self.received,
            "errors": len(self.errors),
            "latency_ms_p50": float(np.nanpercentile(latencies, 50)),
            "latency_ms_p95": float(np.nanpercentile(latencies, 95)),
        }


class CameraClient:
    def __init__(
        self,
        router: str,
        pub: str,
        stream: str,
        jpeg_quality: int = 85,
        curve_keys: Path | None = None,
        client_name: str = "client",
    ) -> None:
        self.context = zmq.Context()
        self.dealer = self.context.socket(zmq.DEALER)
        self.sub = self.context.socket(zmq.SUB)
        for socket in (self.dealer, self.sub):
            socket.setsockopt(zmq.LINGER, 0)
        if curve_keys is not None:
            from server.security import secure_client

            secure_client([self.dealer, self.sub], curve_keys, client_name)
        self.dealer.connect(router)
        self.sub.connect(pub)
        self.sub.setsockopt(zmq.SUBSCRIBE, stream.encode())
        self.stream = stream
        self.jpeg_quality = jpeg_quality
        # The last sent images and their intrinsics, for drawing results on them.
        self.recent: dict[int, tuple[np.ndarray, tuple[float, float, float, float] | None]] = {}
        self.poller = zmq.Poller()
        self.poller.register(self.dealer, zmq.POLLIN)
        self.poller.register(self.sub, zmq.POLLIN)

    def close(self) -> None:
        self.dealer.close()
        self.sub.close()
        self.context.term()

    def send(
        self, image: np.ndarray, seq: int, intrinsics=None, t_capture_ns: int | None = None
    ) -> None:
        ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, self.jpeg_quality])
        if not ok:
            raise RuntimeError("OpenCV failed to encode a frame as JPEG")
        height, width = image.shape[:2]
        frame = Frame(
            self.stream,
            seq,
            t_capture_ns or time.time_ns(),
            Image("jpeg", jpeg.tobytes(), width, height),
            intrinsics=intrinsics,
        )
        self.dealer.send(encode(frame))
        self.recent[seq] = (image, intrinsics)
        self.recent.pop(seq - RECENT_IMAGES, None)

    def receive(self, report: CameraReport, timeout_ms: int, on_result=None) -> None:
        """Handles everything that arrives within ``timeout_ms`` (results and error replies)."""
        deadline = time.monotonic() + timeout_ms / 1000.0
        while True:
            remaining = max(0, int((deadline - time.monotonic()) * 1000))
            events = dict(self.poller.poll(remaining))
            if not events:
                return
            if self.sub in events:
                _, payload = self.sub.recv_multipart()
                hands = decode(payload)
                report.received += 1
                report.latencies_ms.append((time.time_ns() - hands.t_capture_ns) / 1e6)
                if on_result is not None:
                    on_result(hands)
            if self.dealer in events:
                try:
                    reply = decode(self.dealer.recv())
                except ProtocolError as error:
                    report.errors.append(str(error))
                    continue
                if isinstance(reply, Error):
                    report.errors.append(f"{reply.name}: {reply.message}")


def run_camera(
    source: CameraSource,
    client: CameraClient,
    fps: float,
    max_frames: int | None = None,
    on_result=None,
    drain_s: float = 1.0,
) -> CameraReport:
    """Streams ``source`` at ``fps`` (absolute schedule) and collects results and errors."""
    report = CameraReport()
    period = 1.0 / fps
    start = time.monotonic()
    for seq, (image, intrinsics) in enumerate(source.frames):
        if max_frames is not None and seq >= max_frames:
            break
        due = start + seq * period
        client.receive(report, max(0, int((due - time.monotonic()) * 1000)), on_result)
        client.send(image, seq, intrinsics)
        report.sent += 1
    client.receive(report, int(drain_s * 1000), on_result)
    return report
