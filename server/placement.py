"""Placing root-relative 3D joints in the camera from their 2D keypoints and intrinsics.

The network predicts the hand's shape relative to its wrist (meters) and, separately, where
its keypoints are in the image. The translation t that puts the shape where the image sees
it solves, for every keypoint i with relative position (X, Y, Z) and pixel (u, v):
    fx (X + tx) = (u − cx)(Z + tz),   fy (Y + ty) = (v − cy)(Z + tz)
— linear in t, so a least-squares solve over the 21 keypoints gives it, no iteration. Scale
ambiguity is resolved by the predicted metric size of the hand.
"""

from __future__ import annotations

import numpy as np

DEFAULT_HORIZONTAL_FOV_DEG = 60.0


def default_intrinsics(
    width: int, height: int, fov_deg: float = DEFAULT_HORIZONTAL_FOV_DEG
) -> np.ndarray:
    """K for a camera whose intrinsics were not sent: a webcam-like horizontal field of view."""
    focal = width / 2.0 / np.tan(np.deg2rad(fov_deg) / 2.0)
    return np.array(
        [[focal, 0.0, (width - 1) / 2.0], [0.0, focal, (height - 1) / 2.0], [0.0, 0.0, 1.0]]
    )


def frame_intrinsics(
    intrinsics: tuple[float, float, float, float] | None, width: int, height: int
) -> np.ndarray:
    """The 3×3 K for a frame: its own (fx, fy, cx, cy), or the default field of view."""
    if intrinsics is None:
        return default_intrinsics(width, height)
    fx, fy, cx, cy = intrinsics
    return np.array([[fx, 0.0, cx], [0.0, fy, cy], [0.0, 0.0, 1.0]])


def solve_translation(
    joints_rel_m: np.ndarray,
    keypoints_px: np.ndarray,
    K: np.ndarray,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Translation (3,) such that joints_rel + t projects onto keypoints_px (21, 2) through K.

    weights (21,): per-keypoint confidence (default equal). Raises ValueError when the
    solution would put the hand behind the camera (inconsistent 2D and 3D).
    """
    fx, fy, cx, cy = K[0, 0], K[1, 1], K[0, 2], K[1, 2]
    du, dv = keypoints_px[:, 0] - cx, keypoints_px[:, 1] - cy
    x, y, z = joints_rel_m.T
    zeros = np.zeros_like(du)
    rows = np.concatenate(
        [
            np.stack([np.full_like(du, fx), zeros, -du], 1),
            np.stack([zeros, np.full_like(dv, fy), -dv], 1),
        ]
    )
    rhs = np.concatenate([du * z - fx * x, dv * z - fy * y])
    if weights is not None:
        w = np.sqrt(np.concatenate([weights, weights]))
        rows, rhs = rows * w[:, None], rhs * w
    translation = np.linalg.lstsq(rows, rhs, rcond=None)[0]
    if np.min(z + translation[2]) <= 0:
        raise ValueError("the 2D keypoints and the 3D shape put the hand behind the camera")
    return translation
