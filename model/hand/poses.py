"""Named hand poses and a sampler of random, anatomically plausible ones.

Poses are joint angles (16, 3): (flexion, abduction, twist) per joint in radians (see
`joint_angles`); the wrist row is ignored here (global rotation is the caller's choice).
The sampler mixes the named poses with random curls and noise and clamps to the joint
limits, so it covers fists, points, pinches and spread hands as well as everything between.
"""

from __future__ import annotations

import numpy as np

from model.hand.joint_angles import clamp_angles
from model.hand.skeleton import NUM_JOINTS


def _pose(thumb: list[list[float]], fingers: list[list[list[float]]]) -> np.ndarray:
    """Angles (16, 3) from the thumb's 3 joints and the 4 fingers' 3 joints each."""
    angles = np.zeros((NUM_JOINTS, 3))
    angles[1:4] = thumb
    angles[4:] = np.asarray(fingers, dtype=float).reshape(12, 3)
    return angles


_CURLED = [[1.45, 0.0, 0.0], [1.75, 0.0, 0.0], [1.0, 0.0, 0.0]]
_STRAIGHT = [[0.0, 0.0, 0.0]] * 3
# Thumb angles found by a grid search within the joint limits: the fist's thumb tip rests on
# the middle finger's middle phalanx; the pinch's meets the index fingertip.
_THUMB_OVER_FINGERS = [[0.4, 0.0, -0.3], [0.55, 0.0, 0.0], [1.05, 0.0, 0.0]]
NAMED_POSES: dict[str, np.ndarray] = {
    "rest": np.zeros((NUM_JOINTS, 3)),
    "fist": _pose(_THUMB_OVER_FINGERS, [_CURLED] * 4),
    "point": _pose(_THUMB_OVER_FINGERS, [_STRAIGHT, _CURLED, _CURLED, _CURLED]),
    "pinch": _pose(
        [[0.4, -0.2, 0.3], [0.3, 0.0, 0.0], [0.3, 0.0, 0.0]],
        [[[0.75, 0.0, 0.0], [0.8, 0.0, 0.0], [0.35, 0.0, 0.0]]]
        + [[[0.35, 0.0, 0.0], [0.45, 0.0, 0.0], [0.25, 0.0, 0.0]]] * 3,
    ),
    "spread": _pose(
        [[-0.3, -0.45, 0.0], [0.0, 0.0, 0.0], [-0.1, 0.0, 0.0]],
        [[[-0.1, a, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]] for a in (0.3, 0.05, -0.2, -0.38)],
    ),
}


def sample_poses(rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` plausible poses (count, 16, 3): a named pose or the rest pose, blended with a
    random overall curl, per-joint noise, and clamped to the joint limits."""
    names = list(NAMED_POSES)
    base = np.stack([NAMED_POSES[names[i]] for i in rng.integers(len(names), size=count)])
    weight = rng.uniform(0.3, 1.0, size=(count, 1, 1))
    curl = rng.uniform(0.0, 1.0, size=(count, 1, 1)) * np.array([1.2, 0.0, 0.0])
    angles = weight * base + (1.0 - weight) * curl
    noise_scale = np.array([0.25, 0.08, 0.05])
    angles = angles + rng.normal(size=angles.shape) * noise_scale
    angles[:, 0] = 0.0
    return clamp_angles(angles)
