"""Inverse kinematics: 21 keypoints in camera space → wrist pose + 15 local joint rotations.

Why analytic, not an optimiser: it runs on every frame of every stream, and a hand's
skeleton is a tree of short chains where each bone's direction fixes its joint's rotation
up to a twist about the bone. So:

1. The wrist rotation is the best rigid fit (Kabsch) of the rest palm — the wrist and the
   five finger bases — onto the observed one; the wrist position is the wrist keypoint.
2. Down each finger, level by level with all five fingers at once: the swing that turns the
   rest bone direction onto the observed one, in the parent's frame; then the twist about
   the bone that makes the next joint's flexion axis (from the rest pose) lie along the
   observed bend — the normal of the plane of this bone and the next. A nearly straight
   finger has no bend plane; the twist then fades out smoothly instead of flickering.
3. Optionally, each joint's angles are clamped to anatomical limits before its children
   are solved, so children stay consistent with their clamped parent.

Keypoint positions depend only on bone directions, so FK(IK(k)) reproduces k exactly when
the bone lengths are the model's, whatever twist is chosen; the twist only decides how the
mesh (and the engine's rig) rolls about each bone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.hand.joint_angles import (
    angles_to_rotations,
    clamp_angles,
    joint_frames,
    rotations_to_angles,
)
from model.hand.model import HandModel
from model.hand.rotations import (
    axis_angle_matrix,
    cross,
    dot,
    matrix_to_quaternion,
    norm,
    normalize,
    rotation_between,
)
from model.hand.skeleton import (
    ARTICULATED_KEYPOINTS,
    BONE_CHILD_KEYPOINTS,
    FINGER_JOINTS,
    NUM_JOINTS,
)

PALM_KEYPOINTS = (0, 1, 5, 9, 13, 17)
MIN_BONE_M = 1e-4
# Index arrays built once: converting tuples on every call costs more than the maths at batch 1.
_FINGER_BASES = np.array(PALM_KEYPOINTS[1:])
_BONE_STARTS = np.array(ARTICULATED_KEYPOINTS[1:])
_BONE_ENDS = np.array(BONE_CHILD_KEYPOINTS[1:])
# The bend plane is trusted fully from this sine of the bend angle (≈ 11°), not below 3°.
_TWIST_FADE = (0.05, 0.2)


@dataclass(frozen=True)
class IKSolution:
    """wrist_position: (B, 3) m; rotations: (B, 16, 3, 3) local, index 0 = wrist (global).

    ``quaternions`` gives the same as (B, 16, 4) (x, y, z, w): [:, 0] is the protocol's
    wrist rotation, [:, 1:] its 15 local joint rotations."""

    wrist_position: np.ndarray
    rotations: np.ndarray

    @property
    def quaternions(self) -> np.ndarray:
        return matrix_to_quaternion(self.rotations)


class HandIK:
    """IK for one hand model and shape; reusable across frames (rest data precomputed)."""

    def __init__(self, hand: HandModel, shape: np.ndarray | None = None) -> None:
        rest = hand.rest_keypoints(shape).astype(np.float64)
        self.frames = joint_frames(hand, shape)
        self.rest_palm = rest[_FINGER_BASES] - rest[0]
        joints = np.array(ARTICULATED_KEYPOINTS)
        children = np.array(BONE_CHILD_KEYPOINTS)
        self.levels = []
        for level in range(3):
            joint_ids = FINGER_JOINTS[:, level]
            child_ids = FINGER_JOINTS[:, level + 1] if level < 2 else None
            self.levels.append(
                (
                    joint_ids,
                    joints[joint_ids],
                    children[joint_ids],
                    children[child_ids] if child_ids is not None else None,
                    self.frames[joint_ids, :, 2],  # rest bone directions
                    self.frames[
                        joint_ids, :, 0
                    ],  # this joint's flexion axis (fallback for half turns)
                    self.frames[child_ids, :, 0] if child_ids is not None else None,
                )
            )

    def solve(self, keypoints: np.ndarray, clamp_to_limits: bool = False) -> IKSolution:
        """keypoints: (B, 21, 3) or (21, 3), meters, any right-handed frame (camera)."""
        keypoints = validate_keypoints(keypoints)
        batch = len(keypoints)
        rotations = np.empty((batch, NUM_JOINTS, 3, 3))
        rotations[:, 0] = self._wrist_rotation(keypoints)
        parent_global = np.broadcast_to(rotations[:, :1], (batch, 5, 3, 3))
        for (
            joint_ids,
            joint_kp,
            child_kp,
            grandchild_kp,
            rest_dir,
            own_axis,
            child_axis,
        ) in self.levels:
            bone_world = normalize(keypoints[:, child_kp] - keypoints[:, joint_kp])
            parent_inv = np.swapaxes(parent_global, -1, -2)
            bone = np.einsum("bfij,bfj->bfi", parent_inv, bone_world)
            local = rotation_between(rest_dir, bone, own_axis)
            if grandchild_kp is not None:
                next_world = normalize(keypoints[:, grandchild_kp] - keypoints[:, child_kp])
                local = self._untwist(local, bone, parent_inv, bone_world, next_world, child_axis)
            if clamp_to_limits:
                frames = self.frames[joint_ids]
                local = angles_to_rotations(
                    clamp_angles(rotations_to_angles(local, frames), joint_ids), frames
                )
            rotations[:, joint_ids] = local
            parent_global = parent_global @ local
        return IKSolution(keypoints[:, 0].copy(), rotations)

    def _wrist_rotation(self, keypoints: np.ndarray) -> np.ndarray:
        observed = keypoints[:, _FINGER_BASES] - keypoints[:, :1]
        covariance = np.einsum("ki,bkj->bij", self.rest_palm, observed)
        u, _, vt = np.linalg.svd(covariance)
        v = np.swapaxes(vt, -1, -2)
        reflection = np.sign(np.linalg.det(v @ np.swapaxes(u, -1, -2)))
        v[..., 2] *= reflection[:, None]
        return v @ np.swapaxes(u, -1, -2)

    @staticmethod
    def _untwist(
        local: np.ndarray,
        bone: np.ndarray,
        parent_inv: np.ndarray,
        bone_world: np.ndarray,
        next_world: np.ndarray,
        child_axis: np.ndarray,
    ) -> np.ndarray:
        """Adds the twist about ``bone`` that aligns the child's flexion axis with the bend."""
        bend_world = cross(bone_world, next_world)
        bend_strength = norm(bend_world)
        bend = normalize(np.einsum("bfij,bfj->bfi", parent_inv, bend_world))
        axis_now = np.einsum("bfij,fj->bfi", local, child_axis)
        sign = np.where(dot(axis_now, bend) < 0, -1.0, 1.0)[..., None]
        target = sign * bend
        angle = np.arctan2(dot(bone, cross(axis_now, target)), dot(axis_now, target))
        low, high = _TWIST_FADE
        fade = np.clip((bend_strength - low) / (high - low), 0.0, 1.0)
        angle *= fade * fade * (3.0 - 2.0 * fade)
        return axis_angle_matrix(bone, angle) @ local


def validate_keypoints(keypoints: np.ndarray) -> np.ndarray:
    """(B, 21, 3) float64 copy of ``keypoints``, or a ValueError saying what is wrong."""
    array = np.asarray(keypoints, dtype=np.float64)
    if array.ndim == 2:
        array = array[None]
    if array.ndim != 3 or array.shape[1:] != (21, 3):
        raise ValueError(f"keypoints must be (21, 3) or (B, 21, 3), got {np.shape(keypoints)}")
    if not np.all(np.isfinite(array)):
        raise ValueError("keypoints contain NaN or infinite values")
    bones = norm(array[:, _BONE_ENDS] - array[:, _BONE_STARTS])
    # Twice the area of the wrist–index base–little base triangle, per metre of its base.
    across = array[:, 17] - array[:, 5]
    palm_extent = norm(cross(array[:, 5] - array[:, 0], across)) / np.maximum(
        norm(across), MIN_BONE_M
    )
    bad = np.flatnonzero((bones.min(axis=1) < MIN_BONE_M) | (palm_extent < MIN_BONE_M))
    if len(bad):
        raise ValueError(
            f"degenerate keypoints in hand {bad.tolist()}: a bone shorter than "
            f"{MIN_BONE_M * 1000:.1f} mm "
            "or a palm collapsed onto a line; expected 21 distinct keypoints in meters"
        )
    return array
