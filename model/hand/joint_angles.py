"""Anatomical joint angles: flexion, abduction and twist, and their limits.

Each joint gets a frame from the rest pose: x = its flexion axis, z = its bone direction,
y = z × x (abduction). A local rotation R (relative to the rest pose, parent's frame) reads
in that frame as ``Rx(flexion) · Ry(abduction) · Rz(twist)``. Both the IK's clamping and
the pose sampler go through these two conversions, so a sampled pose is by construction
inside the limits the IK enforces.
"""

from __future__ import annotations

import numpy as np

from model.hand.model import HandModel
from model.hand.rotations import normalize
from model.hand.skeleton import BONE_CHILD_KEYPOINTS, NUM_JOINTS

# (min, max) radians for (flexion, abduction, twist). Rows: finger base, middle, distal
# joint; thumb CMC, MCP, IP. Ranges are typical active ranges of motion of adult hands.
_FINGER_LIMITS = np.array(
    [
        [[-0.45, 1.60], [-0.40, 0.40], [-0.20, 0.20]],
        [[-0.10, 1.90], [-0.10, 0.10], [-0.12, 0.12]],
        [[-0.30, 1.45], [-0.10, 0.10], [-0.12, 0.12]],
    ]
)
_THUMB_LIMITS = np.array(
    [
        [[-0.60, 0.90], [-0.60, 0.80], [-0.60, 0.60]],
        [[-0.30, 1.10], [-0.25, 0.25], [-0.25, 0.25]],
        [[-0.40, 1.40], [-0.12, 0.12], [-0.12, 0.12]],
    ]
)
JOINT_LIMITS = np.concatenate(
    [np.full((1, 3, 2), [-np.pi, np.pi]), _THUMB_LIMITS, np.tile(_FINGER_LIMITS, (4, 1, 1))]
)
"""(16, 3, 2): per joint, (min, max) of flexion, abduction, twist; the wrist is free."""


def joint_frames(hand: HandModel, shape: np.ndarray | None = None) -> np.ndarray:
    """Rest-pose frames (16, 3, 3) with columns (flexion axis, abduction axis, bone direction)."""
    keypoints = hand.rest_keypoints(shape)
    joints = hand.rest_joints(shape)
    bone = normalize(keypoints[list(BONE_CHILD_KEYPOINTS)] - joints)
    flexion = normalize(
        hand.flexion_axes - np.sum(hand.flexion_axes * bone, -1, keepdims=True) * bone
    )
    return np.stack([flexion, np.cross(bone, flexion), bone], axis=-1)


def angles_to_rotations(angles: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """Joint angles (..., 16, 3) as (flexion, abduction, twist) → local rotations (..., 16, 3, 3)"""
    cos, sin = np.cos(angles), np.sin(angles)
    one, zero = np.ones_like(cos[..., 0]), np.zeros_like(cos[..., 0])
    rx = _matrix(one, zero, zero, zero, cos[..., 0], -sin[..., 0], zero, sin[..., 0], cos[..., 0])
    ry = _matrix(cos[..., 1], zero, sin[..., 1], zero, one, zero, -sin[..., 1], zero, cos[..., 1])
    rz = _matrix(cos[..., 2], -sin[..., 2], zero, sin[..., 2], cos[..., 2], zero, zero, zero, one)
    return frames @ rx @ ry @ rz @ np.swapaxes(frames, -1, -2)


def rotations_to_angles(rotations: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """Local rotations (..., 16, 3, 3) → (flexion, abduction, twist) angles (..., 16, 3)."""
    m = np.swapaxes(frames, -1, -2) @ rotations @ frames
    flexion = np.arctan2(-m[..., 1, 2], m[..., 2, 2])
    abduction = np.arcsin(np.clip(m[..., 0, 2], -1.0, 1.0))
    twist = np.arctan2(-m[..., 0, 1], m[..., 0, 0])
    return np.stack([flexion, abduction, twist], axis=-1)


def clamp_angles(angles: np.ndarray, joints: np.ndarray | slice = slice(None)) -> np.ndarray:
    """Angles (..., J, 3) clipped to `JOINT_LIMITS` of ``joints`` (default: all 16)."""
    limits = JOINT_LIMITS[joints]
    return np.clip(angles, limits[..., 0], limits[..., 1])


def _matrix(*entries: np.ndarray) -> np.ndarray:
    return np.stack(entries, axis=-1).reshape(*entries[0].shape, 3, 3)


assert JOINT_LIMITS.shape == (NUM_JOINTS, 3, 2)
