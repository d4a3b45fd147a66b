"""Server pipeline parts that need no sockets: ingest, filtering, crops, placement."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from model.hand import load_builtin_hand
from model.inference import Prediction
from protocol.messages import Frame, Image
from server.crop import CropBox, box_from_keypoints, crop, follow, search_boxes, uncrop_points
from server.ingest import LatestFrameSlots
from server.one_euro import OneEuroFilter, QuaternionFilter
from server.pipeline import HandPipeline
from server.placement import default_intrinsics, solve_translation


def test_ingest_keeps_only_the_newest_frame_per_stream_and_counts_drops():
    slots = LatestFrameSlots()
    for seq in range(5):
        slots.put("cam0", seq, now_s=seq)
    slots.put("cam1", 100, now_s=5)
    assert len(slots) == 2  # no queue, whatever the load
    batch = slots.take_batch(max_batch=8)
    assert batch == [("cam0", 4), ("cam1", 100)]  # both streams in one batch, newest frames
    assert slots.counters["cam0"].dropped == 4 and slots.counters["cam1"].dropped == 0


def test_ingest_batch_size_is_capped_and_silent_streams_are_forgotten():
    slots = LatestFrameSlots()
    for i in range(4):
        slots.put(f"cam{i}", i, now_s=0)
    assert len(slots.take_batch(max_batch=3)) == 3 and len(slots) == 1
    slots.put("cam0", 9, now_s=10)
    assert slots.forget_silent(now_s=12, silence_s=5) == ["cam1", "cam2", "cam3"]
    assert list(slots.counters) == ["cam0"]


def test_one_euro_smooths_jitter_but_follows_fast_motion():
    rng = np.random.default_rng(0)
    still = OneEuroFilter()
    outputs = [still(np.array([1.0]) + rng.normal(scale=0.01, size=1), t / 30) for t in range(120)]
    assert np.std(outputs[60:]) < 0.004  # jitter of 0.01 cut below 0.004
    moving = OneEuroFilter()
    positions = [moving(np.array([t / 30 * 2.0]), t / 30) for t in range(60)]  # 2 units/s
    lag = 59 / 30 * 2.0 - positions[-1][0]
    assert lag < 0.03  # under 15 ms behind at 2 m/s


def test_quaternion_filter_handles_sign_flips_and_stays_unit():
    quaternion_filter = QuaternionFilter()
    rotation = Rotation.from_euler("z", 30, degrees=True).as_quat()
    for t in range(20):
        sign = 1 if t % 2 == 0 else -1  # the same rotation, written alternately as q and −q
        output = quaternion_filter(sign * rotation, t / 30)
    assert np.isclose(np.linalg.norm(output), 1.0)
    assert abs(abs(output @ rotation) - 1.0) < 1e-9


def test_crop_and_uncrop_are_inverse_and_centre_the_hand():
    keypoints = np.random.default_rng(1).uniform([200, 150], [300, 260], size=(21, 2))
    box = box_from_keypoints(keypoints, margin=1.4)
    matrix = box.affine(224)
    in_crop = keypoints @ matrix[:, :2].T + matrix[:, 2]
    assert np.all((in_crop > 0) & (in_crop < 223))
    np.testing.assert_allclose(uncrop_points(in_crop, box, 224), keypoints, atol=1e-9)
    image = np.zeros((480, 640, 3), np.uint8)
    x, y = round(box.centre[0]), round(box.centre[1])
    image[y, x] = 255
    assert crop(image, box, 224)[111:113, 111:113].max() > 0  # the box centre lands mid-crop


def test_placement_recovers_the_true_translation():
    rng = np.random.default_rng(2)
    joints_rel = rng.normal(scale=0.04, size=(21, 3))
    joints_rel -= joints_rel[0]
    K = default_intrinsics(640, 480)
    truth = np.array([0.05, -0.03, 0.5])
    projected = (joints_rel + truth) @ K.T
    pixels = projected[:, :2] / projected[:, 2:]
    np.testing.assert_allclose(solve_translation(joints_rel, pixels, K), truth, atol=1e-9)
    noisy = pixels + rng.normal(scale=1.0, size=pixels.shape)
    assert np.linalg.norm(solve_translation(joints_rel, noisy, K) - truth) < 0.01


def test_placement_refuses_a_hand_behind_the_camera():
    joints_rel = np.random.default_rng(3).normal(scale=0.04, size=(21, 3))
    K = default_intrinsics(640, 480)
    projected = (joints_rel + [0, 0, 0.5]) @ K.T
    pixels = projected[:, :2] / projected[:, 2:]
    with pytest.raises(ValueError, match="behind the camera"):
        solve_translation(joints_rel * -30.0, pixels, K)


class BrightSpotPredictor:
    """Stands in for the network, with its weakness: it sees a 'hand' (a bright patch) only
    where the patch fills at least 2 % of the crop — keypoints in a ring around it, and a
    confidence growing with its share — and otherwise guesses the crop's centre."""

    input_size = 224

    def predict(self, crops: np.ndarray) -> Prediction:
        keypoints, confidence = [], []
        ring = 20 * np.stack([np.cos(np.arange(21)), np.sin(np.arange(21))], 1)
        for view in crops:
            ys, xs = np.nonzero(view[..., 0] > 128)
            share = len(xs) / view[..., 0].size
            seen = share >= 0.02
            centre = (xs.mean(), ys.mean()) if seen else (111.5, 111.5)
            keypoints.append(np.array(centre) + ring)
            confidence.append(share if seen else 0.0)
        count = len(crops)
        nothing = np.zeros((count, 21, 3))
        return Prediction(np.array(keypoints), nothing, nothing, np.array(confidence))


def test_search_boxes_cover_the_frame_with_closer_views():
    boxes = search_boxes(640, 480)
    assert boxes[0].side == 640 and len(boxes) == 5
    assert all(box.side == 384 for box in boxes[1:])
    lefts = [box.centre[0] - box.side / 2 for box in boxes[1:]]
    rights = [box.centre[0] + box.side / 2 for box in boxes[1:]]
    assert min(lefts) == pytest.approx(-0.5) and max(rights) == pytest.approx(639.5)


class CountingPredictor(BrightSpotPredictor):
    """Counts forward passes and the crops in each."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def predict(self, crops: np.ndarray) -> Prediction:
        self.batches.append(len(crops))
        return super().predict(crops)


def spot_frame(stream: str, seq: int) -> Frame:
    # A small bright "hand" in the bottom-right corner: 1.2 % of the whole-frame view (too
    # small to see), 3.3 % of the closer bottom-right view.
    image = np.zeros((480, 640, 3), np.uint8)
    image[380:440, 520:600] = 255
    return Frame(stream, seq, seq, Image("raw", image.tobytes(), 640, 480, "bgr8"))


def test_a_search_takes_the_box_of_the_most_confident_view():
    pipeline = HandPipeline(BrightSpotPredictor(), load_builtin_hand())
    work = pipeline._prepare(spot_frame("cam0", 0))
    pipeline._search([work])
    box = work.track.box
    assert abs(box.centre[0] - 559.5) < 10 and abs(box.centre[1] - 409.5) < 10


def test_a_batch_searches_one_lost_stream_and_the_streams_take_turns():
    predictor = CountingPredictor()
    pipeline = HandPipeline(predictor, load_builtin_hand(), confidence_threshold=1.0)
    searched = []
    for seq in range(3):
        results = pipeline.process([spot_frame(name, seq) for name in ("a", "b", "c")])
        assert all(result.hands == () for result in results)
        searched.append({s for s, t in pipeline.tracks.items() if t.last_search == seq + 1})
    assert searched == [{"a"}, {"b"}, {"c"}]  # the longest-waiting stream first
    # One search (5 views) and its close look per batch; the other lost streams wait.
    assert predictor.batches == [5, 1, 5, 1, 5, 1]


def test_the_tracking_box_changes_size_by_at_most_a_quarter_per_frame():
    previous = CropBox((100.0, 100.0), 200.0)
    assert follow(previous, CropBox((120.0, 90.0), 40.0)) == CropBox((120.0, 90.0), 160.0)
    assert follow(previous, CropBox((100.0, 100.0), 900.0)).side == 250.0
    assert follow(previous, CropBox((0.0, 0.0), 210.0)) == CropBox((0.0, 0.0), 210.0)
