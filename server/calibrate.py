"""`handmesh calibrate`: the confidence threshold below which a model's output is not a hand.

Confidences are only comparable within one model (a sharper-trained network is more
confident everywhere), so the threshold is measured per model, on a recorded stream with
ground truth (the bundled sample by default): positives are the crops the tracker would
take around the true keypoints, negatives crops of that size and half of it that do not
touch the hand's box. When the two are separated, the threshold is the midpoint between the
positives' 5th and the negatives' 95th percentile; when they overlap (an undertrained
model), it is the positives' 5th percentile — the model then keeps finding the hand, and
cannot tell an empty frame. The result is stored with the exported weights
(`model.export`), where `handmesh serve` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.data.sequence import read_sequence
from model.inference import HandMeshPredictor
from server.crop import CropBox, box_from_keypoints, crop


@dataclass(frozen=True)
class Calibration:
    threshold: float
    separated: bool
    positives_p5: float
    negatives_p95: float
    positives: int
    negatives: int


def empty_boxes(box: CropBox, width: int, height: int, most: int = 3) -> list[CropBox]:
    """Up to ``most`` boxes inside the frame that do not touch the hand's box: its size and
    half its size, on a grid of half-box steps (the first from each corner's side)."""
    boxes = []
    for side in (box.side, box.side / 2):
        half = side / 2
        for x in np.arange(half, width - half + 1, half):
            for y in np.arange(half, height - half + 1, half):
                apart_x = abs(x - box.centre[0]) >= (side + box.side) / 2
                apart_y = abs(y - box.centre[1]) >= (side + box.side) / 2
                if apart_x or apart_y:
                    boxes.append(CropBox((float(x), float(y)), float(side)))
    step = max(len(boxes) // most, 1)
    return boxes[::step][:most]


def calibrate(predictor: HandMeshPredictor, stream: Path, every: int = 3) -> Calibration:
    sequence = read_sequence(stream)
    size = predictor.input_size
    positives, negatives = [], []
    for index in range(0, len(sequence.frames), every):
        image = sequence.image(index)
        height, width = image.shape[:2]
        box = box_from_keypoints(sequence.truth[index].keypoints_2d, 1.4, (width, height))
        positives.append(crop(image, box, size))
        negatives += [crop(image, empty, size) for empty in empty_boxes(box, width, height)]
    if not negatives:
        raise ValueError(f"{stream}: the hand leaves no room beside it for negative crops")
    hand = predictor.predict(np.stack(positives)).confidence
    no_hand = predictor.predict(np.stack(negatives)).confidence
    low, high = float(np.percentile(hand, 5)), float(np.percentile(no_hand, 95))
    separated = low > high
    threshold = (low + high) / 2 if separated else low
    return Calibration(round(threshold, 4), separated, low, high, len(hand), len(no_hand))
