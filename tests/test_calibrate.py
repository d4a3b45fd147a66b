"""Per-model confidence calibration: negatives never touch the hand, and the threshold sits
between hand and no-hand confidences (or at the hands' 5th percentile when they overlap)."""

from __future__ import annotations

import numpy as np
from server_helpers import SAMPLE

from model.export import export, serving_settings, store_serving_settings
from model.hand import load_builtin_hand
from model.inference import Prediction
from model.net.config import get_config
from model.net.network import build_network
from server.calibrate import calibrate, empty_boxes
from server.crop import CropBox


class CallOrderPredictor:
    """Confidence 0.8 ± 0.01 for the first batch (the hand crops), ``empty`` ± 0.01 after."""

    input_size = 224

    def __init__(self, empty: float) -> None:
        self.empty, self.calls = empty, 0

    def predict(self, crops: np.ndarray) -> Prediction:
        centre = 0.8 if self.calls == 0 else self.empty
        self.calls += 1
        count = len(crops)
        confidence = centre + np.linspace(-0.01, 0.01, count)
        zeros = np.zeros((count, 21, 3))
        return Prediction(zeros[..., :2], zeros, zeros, confidence)


def test_empty_boxes_stay_in_the_frame_and_off_the_hand():
    hand = CropBox((300.0, 250.0), 200.0)
    boxes = empty_boxes(hand, 640, 480, most=10)
    assert boxes
    for box in boxes:
        half = box.side / 2
        assert half <= box.centre[0] <= 640 - half and half <= box.centre[1] <= 480 - half
        gap = (box.side + hand.side) / 2
        apart = [abs(box.centre[i] - hand.centre[i]) >= gap for i in range(2)]
        assert any(apart)


def test_threshold_between_separated_confidences_else_at_the_hands_low_end():
    separated = calibrate(CallOrderPredictor(empty=0.1), SAMPLE, every=10)
    assert separated.separated and 0.1 < separated.threshold < 0.8
    assert separated.positives == 18 and separated.negatives > separated.positives
    overlapping = calibrate(CallOrderPredictor(empty=0.8), SAMPLE, every=10)
    assert not overlapping.separated
    assert overlapping.threshold == round(overlapping.positives_p5, 4) < 0.8


def test_the_threshold_is_stored_with_the_weights(tmp_path):
    network = build_network(get_config("micro"), load_builtin_hand())
    path = export(network, tmp_path / "w.weights.pt", "weights", {"about": "test"})
    store_serving_settings(path, {"confidence_threshold": 0.3})
    assert serving_settings(path) == {"about": "test", "confidence_threshold": 0.3}
