"""Drawing keypoints and skeletons over images (contact sheets, demo overlays)."""

from __future__ import annotations

import cv2
import numpy as np

from model.hand.skeleton import KEYPOINT_PARENTS

# One colour per finger (BGR), thumb to little; the wrist and palm lines are white.
FINGER_COLORS = ((0, 90, 255), (0, 215, 255), (60, 200, 60), (255, 160, 0), (220, 60, 200))


def draw_skeleton(image: np.ndarray, keypoints_px: np.ndarray, thickness: int = 2) -> np.ndarray:
    """Draws the 21-keypoint skeleton (21, 2 px) on a copy of a BGR image."""
    canvas = image.copy()
    scale = 16  # sub-pixel accurate lines: OpenCV's fixed-point 'shift'
    points = np.round(np.asarray(keypoints_px) * scale).astype(np.int32)
    for child, parent in enumerate(KEYPOINT_PARENTS):
        if parent < 0:
            continue
        color = FINGER_COLORS[(child - 1) // 4]
        cv2.line(
            canvas,
            tuple(points[parent]),
            tuple(points[child]),
            color,
            thickness,
            cv2.LINE_AA,
            shift=4,
        )
    for index, point in enumerate(points):
        color = (255, 255, 255) if index == 0 else FINGER_COLORS[(index - 1) // 4]
        cv2.circle(canvas, tuple(point), (thickness + 1) * scale, color, -1, cv2.LINE_AA, shift=4)
    return canvas


def contact_sheet(images: list[np.ndarray], columns: int, gap: int = 2) -> np.ndarray:
    """Tiles equally sized BGR images into one image, row by row."""
    height, width = images[0].shape[:2]
    rows = -(-len(images) // columns)
    sheet = np.full((rows * (height + gap) - gap, columns * (width + gap) - gap, 3), 255, np.uint8)
    for i, image in enumerate(images):
        top, left = (i // columns) * (height + gap), (i % columns) * (width + gap)
        sheet[top : top + height, left : left + width] = image
    return sheet
