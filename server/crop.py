"""Crops around the hand: a square box from keypoints, the affine warp into the network's
input, and the way back for the predicted 2D keypoints.

Tracking by prediction: the next frame's crop is the square around the last keypoints,
enlarged by a margin (the hand moves between frames, and the network was trained on crops
with some context). Pixel convention: integer coordinates at pixel centres, so a box of
side ``s`` centred at ``c`` maps ``c`` to the crop's centre ``(size - 1) / 2``.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

MIN_BOX_PX = 32.0


@dataclass(frozen=True)
class CropBox:
    """A square region of the frame: centre (x, y) and side, in frame pixels."""

    centre: tuple[float, float]
    side: float

    def affine(self, size: int) -> np.ndarray:
        """2×3 matrix taking frame pixels to crop pixels of a ``size``-pixel crop."""
        scale = size / self.side
        cx, cy = self.centre
        offset = (size - 1) / 2.0
        return np.array([[scale, 0.0, offset - scale * cx], [0.0, scale, offset - scale * cy]])


def box_from_keypoints(
    keypoints_px: np.ndarray, margin: float = 1.4, frame_size: tuple[int, int] | None = None
) -> CropBox:
    """The square around keypoints (21, 2), its side ``margin`` × their larger extent."""
    low, high = keypoints_px.min(axis=0), keypoints_px.max(axis=0)
    side = max(float((high - low).max()) * margin, MIN_BOX_PX)
    if frame_size is not None:
        side = min(side, float(max(frame_size)) * 1.5)
    centre = (low + high) / 2.0
    return CropBox((float(centre[0]), float(centre[1])), side)


def follow(previous: CropBox, proposed: CropBox, most: float = 1.25) -> CropBox:
    """The next tracking box: where the keypoints say, but its side changed by at most
    ``most``× (either way) since the last frame. A hand does not halve in size in 33 ms, while
    a network's keypoints can contract toward the crop's centre when unsure — and a box cut
    to them would zoom further into the palm each frame until the hand is lost."""
    side = min(max(proposed.side, previous.side / most), previous.side * most)
    return CropBox(proposed.centre, side)


def search_boxes(width: int, height: int, grid: int = 2, coverage: float = 0.8) -> list[CropBox]:
    """Where to look for a hand without a track: the whole frame, then a ``grid``×``grid``
    of overlapping squares of side ``coverage`` × the shorter frame side. The network sees
    hands filling most of its crop in training; in a whole webcam frame a hand is a third of
    that size, so the grid's closer views are what find it."""
    boxes = [CropBox(((width - 1) / 2.0, (height - 1) / 2.0), float(max(width, height)))]
    side = coverage * min(width, height)
    xs = np.linspace(side / 2.0, width - side / 2.0, grid) - 0.5
    ys = np.linspace(side / 2.0, height - side / 2.0, grid) - 0.5
    boxes += [CropBox((float(x), float(y)), side) for y in ys for x in xs]
    return boxes


def crop(image: np.ndarray, box: CropBox, size: int) -> np.ndarray:
    """The box resampled to ``size``×``size`` (bilinear; outside the frame is black)."""
    return cv2.warpAffine(
        image,
        box.affine(size),
        (size, size),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0),
    )


def uncrop_points(points_crop_px: np.ndarray, box: CropBox, size: int) -> np.ndarray:
    """Crop pixels (..., 2) back to frame pixels."""
    matrix = box.affine(size)
    scale = matrix[0, 0]
    return (points_crop_px - matrix[:, 2]) / scale
