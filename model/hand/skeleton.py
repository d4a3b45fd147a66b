"""The hand skeleton: 21 keypoints, 16 articulated joints, and MANO's own joint order.

Keypoint order is FreiHAND's (and MANO's after its usual reordering): 0 wrist, then
thumb, index, middle, ring, little, each base to tip (1-4, 5-8, 9-12, 13-16, 17-20).

Articulated joints are the 16 keypoints that rotate something: the wrist and the first
three keypoints of each finger. Joint ``j`` of our 16 sits at keypoint
``ARTICULATED_KEYPOINTS[j]``; rotating it moves the bone to keypoint
``BONE_CHILD_KEYPOINTS[j]``. Fingertips carry no rotation.

MANO orders its 16 joints differently (index, middle, little, ring, thumb) and has no
fingertips; `MANO_TO_OURS` and friends convert, and `MANO_TIP_VERTICES` are the five
surface vertices FreiHAND's toolbox uses as fingertips (we evaluate on FreiHAND).
"""

from __future__ import annotations

import numpy as np

# The wire-level facts (counts, names, joint order and tree) live in the protocol package.
from protocol.skeleton import (
    ARTICULATED_KEYPOINTS,
    FINGERS,
    JOINT_NAMES,
    JOINT_PARENTS,
    KEYPOINT_NAMES,
    NUM_JOINTS,
    NUM_KEYPOINTS,
)

# Each keypoint's parent keypoint (-1 for the wrist): fingers hang off the wrist.
KEYPOINT_PARENTS: tuple[int, ...] = (-1,) + tuple(
    0 if part == 0 else 1 + 4 * finger + part - 1 for finger in range(5) for part in range(4)
)
TIP_KEYPOINTS: tuple[int, ...] = tuple(4 + 4 * finger for finger in range(5))
# The keypoint that a joint's bone points at: the next keypoint along the finger. The
# wrist has five bones; the middle finger's base defines its main direction.
BONE_CHILD_KEYPOINTS: tuple[int, ...] = (9,) + tuple(k + 1 for k in ARTICULATED_KEYPOINTS[1:])
# Finger chains as joint indices, shape (5, 3): the IK walks these level by level.
FINGER_JOINTS = np.arange(1, NUM_JOINTS).reshape(5, 3)

# MANO's joint order: 0 wrist, index 1-3, middle 4-6, little 7-9, ring 10-12, thumb 13-15.
_MANO_FINGER_ORDER = ("index", "middle", "little", "ring", "thumb")
OURS_TO_MANO: tuple[int, ...] = (0,) + tuple(
    1 + 3 * _MANO_FINGER_ORDER.index(finger) + part for finger in FINGERS for part in range(3)
)
"""``OURS_TO_MANO[j]`` is the MANO joint index of our joint ``j``."""
MANO_TO_OURS: tuple[int, ...] = tuple(int(i) for i in np.argsort(OURS_TO_MANO))
MANO_JOINT_PARENTS: tuple[int, ...] = (-1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 0, 10, 11, 0, 13, 14)
# FreiHAND's fingertip vertices on MANO's mesh, thumb to little (our finger order).
MANO_TIP_VERTICES: tuple[int, ...] = (744, 320, 443, 555, 672)


def keypoints_from_joints_and_tips(joints: np.ndarray, tips: np.ndarray) -> np.ndarray:
    """Assembles keypoints from joint positions in OUR joint order and fingertip positions.

    joints: (..., 16, 3); tips: (..., 5, 3) thumb to little. Returns (..., 21, 3).
    Works for numpy arrays and torch tensors alike (only indexing is used).
    """
    order = np.empty(NUM_KEYPOINTS, dtype=np.int64)
    order[list(ARTICULATED_KEYPOINTS)] = np.arange(NUM_JOINTS)
    order[list(TIP_KEYPOINTS)] = NUM_JOINTS + np.arange(5)
    if isinstance(joints, np.ndarray):
        return np.concatenate([joints, tips], axis=-2)[..., order, :]
    import torch

    return torch.cat([joints, tips], dim=-2)[..., torch.as_tensor(order), :]


def mano_keypoints_to_ours(mano_joints: np.ndarray, mano_tips: np.ndarray) -> np.ndarray:
    """MANO joints (..., 16, 3) in MANO order + tips (..., 5, 3) → (..., 21, 3) keypoints."""
    return keypoints_from_joints_and_tips(mano_joints[..., list(OURS_TO_MANO), :], mano_tips)


def ours_to_mano_joints(keypoints: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Splits (..., 21, 3) keypoints into MANO-ordered joints (..., 16, 3) and tips (..., 5, 3)."""
    joints_ours = keypoints[..., list(ARTICULATED_KEYPOINTS), :]
    return joints_ours[..., list(MANO_TO_OURS), :], keypoints[..., list(TIP_KEYPOINTS), :]


__all__ = [
    "ARTICULATED_KEYPOINTS",
    "BONE_CHILD_KEYPOINTS",
    "FINGERS",
    "FINGER_JOINTS",
    "JOINT_NAMES",
    "JOINT_PARENTS",
    "KEYPOINT_NAMES",
    "KEYPOINT_PARENTS",
    "MANO_JOINT_PARENTS",
    "MANO_TIP_VERTICES",
    "MANO_TO_OURS",
    "NUM_JOINTS",
    "NUM_KEYPOINTS",
    "OURS_TO_MANO",
    "TIP_KEYPOINTS",
    "keypoints_from_joints_and_tips",
    "mano_keypoints_to_ours",
    "ours_to_mano_joints",
]
