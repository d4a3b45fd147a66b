"""The per-frame pipeline: JPEG → hand crop → network → camera-space 3D → IK → filter.

Hand localisation tracks by prediction: a stream's next crop is the square around its
last keypoints. A stream with no track (its first frame, or after losing the hand) is
searched: candidate views — the whole frame and a grid of closer, overlapping squares — go
through the network in one batch, and the most confident view's keypoints give the crop
for the frame's close look, which answers (a loose view's 3D, placed in the camera, can be
far off). A batch searches at most `max_searches` streams (the longest-waiting first; the
others answer "no hand" this frame): a search costs several forward passes, and bounding
the work per batch is what bounds latency when several streams lose their hands at once.
A result's stages say whether a search ran (`detect`). A confidence below the threshold
publishes "no hand" and drops the track, rather than publishing garbage.

Left hands (hinted by the frame) are mirrored into right hands for the network, which is
trained on right hands only, and mirrored back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from model.hand.ik import HandIK
from model.hand.model import HandModel
from model.inference import DEFAULT_CONFIDENCE_THRESHOLD, HandMeshPredictor, Prediction
from protocol.messages import Frame, Hand, Hands
from server.crop import CropBox, box_from_keypoints, crop, follow, search_boxes, uncrop_points
from server.one_euro import OneEuroFilter, QuaternionFilter
from server.placement import frame_intrinsics, solve_translation


@dataclass
class StreamTrack:
    """What the pipeline remembers of one stream between frames."""

    box: CropBox | None = None
    last_search: int = -1  # the batch that last searched this stream
    joints_filter: OneEuroFilter = field(default_factory=OneEuroFilter)
    rotations_filter: QuaternionFilter = field(default_factory=QuaternionFilter)

    def lose(self) -> None:
        self.box = None
        self.joints_filter.reset()
        self.rotations_filter.reset()


class _Timer:
    """Accumulates stage durations (µs) for one batch."""

    def __init__(self) -> None:
        self.stages: dict[str, int] = {}
        self._last = time.perf_counter_ns()

    def mark(self, stage: str) -> None:
        now = time.perf_counter_ns()
        self.stages[stage] = self.stages.get(stage, 0) + (now - self._last) // 1000
        self._last = now


@dataclass(frozen=True)
class FrameFailure:
    """A frame the pipeline could not use, and why (for the error reply)."""

    frame: Frame
    message: str


@dataclass
class _Work:
    frame: Frame
    image: np.ndarray
    K: np.ndarray
    mirrored: bool
    track: StreamTrack


class HandPipeline:
    def __init__(
        self,
        predictor: HandMeshPredictor,
        hand: HandModel,
        confidence_threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
        margin: float = 1.4,
        max_searches: int = 1,
    ) -> None:
        self.predictor = predictor
        self.ik = HandIK(hand)
        self.confidence_threshold = confidence_threshold
        self.margin = margin
        self.max_searches = max_searches
        self.tracks: dict[str, StreamTrack] = {}
        self.size = predictor.input_size
        self.batches = 0

    def forget(self, stream: str) -> None:
        self.tracks.pop(stream, None)

    def process(self, frames: list[Frame]) -> list[Hands | FrameFailure]:
        """One batch of frames (at most one per stream) → one result per frame, in order.

        A frame whose image does not decode gives a `FrameFailure` (the server answers its
        sender with an error); the others are processed as usual.
        """
        timer = _Timer()
        results: list[Hands | FrameFailure | None] = [None] * len(frames)
        work: list[tuple[int, _Work]] = []
        for position, frame in enumerate(frames):
            try:
                work.append((position, self._prepare(frame)))
            except ValueError as error:
                results[position] = FrameFailure(frame, str(error))
        timer.mark("decode")
        self.batches += 1
        tracked = [(position, w) for position, w in work if w.track.box is not None]
        lost = sorted(
            ((position, w) for position, w in work if w.track.box is None),
            key=lambda item: item[1].track.last_search,
        )
        searched, deferred = lost[: self.max_searches], lost[self.max_searches :]
        if searched:
            self._search([w for _, w in searched])
            timer.mark("detect")
        for position, w in deferred:
            results[position] = Hands(w.frame.stream, w.frame.seq, w.frame.t_capture_ns)
        looked = tracked + searched
        if looked:
            crops = np.stack([crop(w.image, w.track.box, self.size) for _, w in looked])
            timer.mark("crop")
            prediction = self.predictor.predict(crops)
            timer.mark("forward")
            for index, (position, w) in enumerate(looked):
                results[position] = self._finish(w, prediction, index)
            timer.mark("ik_filter")
        return [
            r
            if isinstance(r, FrameFailure)
            else Hands(r.stream, r.seq, r.t_capture_ns, dict(timer.stages), r.hands)
            for r in results
        ]

    def _prepare(self, frame: Frame) -> _Work:
        image = decode_image(frame)
        height, width = image.shape[:2]
        K = frame_intrinsics(frame.intrinsics, width, height)
        mirrored = frame.handedness == "left"
        if mirrored:
            image = image[:, ::-1]
            K = K.copy()
            K[0, 2] = (width - 1) - K[0, 2]
        track = self.tracks.setdefault(frame.stream, StreamTrack())
        return _Work(frame, np.ascontiguousarray(image), K, mirrored, track)

    def _search(self, work: list[_Work]) -> None:
        """Candidate views of each frame (`search_boxes`) in one forward pass; the most
        confident view's keypoints give the frame's crop."""
        candidates = [search_boxes(w.image.shape[1], w.image.shape[0]) for w in work]
        views = np.stack(
            [
                crop(w.image, box, self.size)
                for w, boxes in zip(work, candidates, strict=True)
                for box in boxes
            ]
        )
        prediction = self.predictor.predict(views)
        first = 0
        for w, boxes in zip(work, candidates, strict=True):
            best = first + int(np.argmax(prediction.confidence[first : first + len(boxes)]))
            keypoints = uncrop_points(prediction.keypoints_2d[best], boxes[best - first], self.size)
            w.track.box = box_from_keypoints(keypoints, self.margin, w.image.shape[1::-1])
            w.track.last_search = self.batches
            first += len(boxes)

    def _finish(self, w: _Work, prediction: Prediction, index: int) -> Hands:
        frame = w.frame
        confidence = float(prediction.confidence[index])
        no_hand = Hands(frame.stream, frame.seq, frame.t_capture_ns)
        if confidence < self.confidence_threshold:
            w.track.lose()
            return no_hand
        keypoints = uncrop_points(prediction.keypoints_2d[index], w.track.box, self.size)
        joints_rel = prediction.joints[index].astype(np.float64)
        try:
            joints = joints_rel + solve_translation(joints_rel, keypoints, w.K)
        except ValueError:
            w.track.lose()
            return no_hand
        now = frame.t_capture_ns / 1e9
        joints = w.track.joints_filter(joints, now)
        proposed = box_from_keypoints(keypoints, self.margin, w.image.shape[1::-1])
        w.track.box = follow(w.track.box, proposed)
        try:
            quaternions = self.ik.solve(joints).quaternions[0]
        except ValueError:
            w.track.lose()
            return no_hand
        quaternions = w.track.rotations_filter(quaternions, now)
        vertices = prediction.vertices[index]
        side = "right"
        if w.mirrored:
            side = "left"
            joints, vertices, keypoints, quaternions = mirror_outputs(
                joints, vertices, keypoints, quaternions, w.image.shape[1]
            )
        vertex_dtype = {"f4": np.float32, "none": None}.get(frame.vertex_dtype, np.float16)
        hand = Hand(
            side=side,
            score=min(max(confidence, 0.0), 1.0),
            joints=joints.astype(np.float32),
            keypoints_2d=keypoints.astype(np.float32),
            wrist_position=joints[0].astype(np.float32),
            wrist_rotation=quaternions[0].astype(np.float32),
            local_rotations=quaternions[1:].astype(np.float32),
            vertices=None if vertex_dtype is None else vertices.astype(vertex_dtype),
        )
        return Hands(frame.stream, frame.seq, frame.t_capture_ns, hands=(hand,))


def mirror_outputs(
    joints: np.ndarray,
    vertices: np.ndarray,
    keypoints: np.ndarray,
    quaternions: np.ndarray,
    width: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A right hand's outputs as the left hand it mirrors (across the camera's x = 0 plane):
    positions negate x, pixels flip, and a rotation's quaternion (x, y, z, w) becomes
    (x, −y, −z, w) — the reflection conjugates it."""
    flip = np.array([-1.0, 1.0, 1.0])
    keypoints = keypoints.copy()
    keypoints[:, 0] = (width - 1) - keypoints[:, 0]
    return joints * flip, vertices * flip, keypoints, quaternions * np.array([1.0, -1.0, -1.0, 1.0])


def decode_image(frame: Frame) -> np.ndarray:
    """The frame's image as BGR uint8 (H, W, 3); ValueError when it does not decode."""
    image = frame.image
    if image.format == "jpeg":
        decoded = cv2.imdecode(np.frombuffer(image.data, np.uint8), cv2.IMREAD_COLOR)
        if decoded is None:
            raise ValueError("img.d: the JPEG data does not decode")
        if decoded.shape[:2] != (image.height, image.width):
            raise ValueError(
                f"img: declared {image.width}×{image.height}, JPEG is "
                f"{decoded.shape[1]}×{decoded.shape[0]}"
            )
        return decoded
    pixels = np.frombuffer(image.data, np.uint8)
    if image.pixel_format == "gray8":
        return cv2.cvtColor(pixels.reshape(image.height, image.width), cv2.COLOR_GRAY2BGR)
    pixels = pixels.reshape(image.height, image.width, 3)
    return pixels[..., ::-1].copy() if image.pixel_format == "rgb8" else pixels
