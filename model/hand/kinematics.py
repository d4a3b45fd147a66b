"""Forward kinematics and linear blend skinning in PyTorch (batched, any device, any float).

Pose: 16 local rotations in our joint order (index 0 is the wrist's rotation relative to the
rest pose, the others are relative to the rest pose in the parent's frame) + shape
parameters + where the wrist lands. The joint tree is walked level by level — wrist, then
the five finger bases together, then the middle joints, then the distal ones — so a batch
costs four small matrix products, not sixteen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from model.hand.model import HandModel
from model.hand.skeleton import (
    FINGER_JOINTS,
    JOINT_PARENTS,
    NUM_JOINTS,
    keypoints_from_joints_and_tips,
)

JOINT_LEVELS: tuple[tuple[int, ...], ...] = tuple(
    tuple(int(j) for j in FINGER_JOINTS[:, level]) for level in range(3)
)


@dataclass(frozen=True)
class PosedHand:
    """vertices: (B, V, 3); keypoints: (B, 21, 3); joints: (B, 16, 3); joint_rotations:
    (B, 16, 3, 3) global rotation of each joint. Same frame and units as the inputs (m)."""

    vertices: torch.Tensor
    keypoints: torch.Tensor
    joints: torch.Tensor
    joint_rotations: torch.Tensor


class HandKinematics(torch.nn.Module):
    """A `HandModel` as a differentiable layer; move it with ``.to(device, dtype)``."""

    def __init__(self, hand: HandModel, dtype: torch.dtype = torch.float32) -> None:
        super().__init__()
        self.hand = hand

        def buffer(name: str, array: np.ndarray, kind: torch.dtype = dtype) -> None:
            self.register_buffer(name, torch.as_tensor(np.ascontiguousarray(array), dtype=kind))

        buffer("template", hand.template)
        buffer("shape_dirs", hand.shape_dirs)
        buffer("joint_regressor", hand.joint_regressor)
        buffer("skin_weights", hand.skin_weights)
        buffer("tip_vertices", hand.tip_vertices, torch.long)
        self.has_pose_dirs = hand.pose_dirs is not None
        if self.has_pose_dirs:
            buffer("pose_dirs", hand.pose_dirs.reshape(hand.num_vertices * 3, -1))

    @property
    def num_shapes(self) -> int:
        return self.shape_dirs.shape[-1]

    def forward(
        self,
        rotations: torch.Tensor,
        shape: torch.Tensor | None = None,
        wrist_position: torch.Tensor | None = None,
    ) -> PosedHand:
        """rotations: (B, 16, 3, 3); shape: (B, S) or None for the template; wrist_position:
        (B, 3) where the wrist keypoint lands, or None to keep it at the model origin."""
        batch = self._validate(rotations, shape, wrist_position)
        template = self.template.expand(batch, -1, -1)
        shaped = (
            template
            if shape is None
            else template + torch.einsum("vks,bs->bvk", self.shape_dirs, shape)
        )
        rest_joints = torch.einsum("jv,bvk->bjk", self.joint_regressor, shaped)
        if self.has_pose_dirs:
            eye = torch.eye(3, dtype=rotations.dtype, device=rotations.device)
            pose_feature = (rotations[:, 1:] - eye).reshape(batch, -1)
            shaped = shaped + (pose_feature @ self.pose_dirs.T).reshape(batch, -1, 3)

        global_rot = [rotations[:, 0]] + [None] * (NUM_JOINTS - 1)
        global_pos = [rest_joints[:, 0]] + [None] * (NUM_JOINTS - 1)
        for level in JOINT_LEVELS:
            joints = list(level)
            parents = [JOINT_PARENTS[j] for j in joints]
            parent_rot = torch.stack([global_rot[p] for p in parents], 1)
            parent_pos = torch.stack([global_pos[p] for p in parents], 1)
            offsets = rest_joints[:, joints] - rest_joints[:, parents]
            rot = parent_rot @ rotations[:, joints]
            pos = parent_pos + (parent_rot @ offsets[..., None])[..., 0]
            for i, j in enumerate(joints):
                global_rot[j], global_pos[j] = rot[:, i], pos[:, i]
        joint_rot = torch.stack(global_rot, 1)
        joint_pos = torch.stack(global_pos, 1)
        # Skinning transform of joint j: v ↦ R_j (v − J_j) + p_j.
        translation = joint_pos - (joint_rot @ rest_joints[..., None])[..., 0]
        blended_rot = torch.einsum("vj,bjkl->bvkl", self.skin_weights, joint_rot)
        blended_trans = torch.einsum("vj,bjk->bvk", self.skin_weights, translation)
        vertices = (blended_rot @ shaped[..., None])[..., 0] + blended_trans
        if wrist_position is not None:
            shift = (wrist_position - rest_joints[:, 0])[:, None]
            vertices, joint_pos = vertices + shift, joint_pos + shift
        keypoints = keypoints_from_joints_and_tips(joint_pos, vertices[:, self.tip_vertices])
        return PosedHand(vertices, keypoints, joint_pos, joint_rot)

    def _validate(
        self,
        rotations: torch.Tensor,
        shape: torch.Tensor | None,
        wrist_position: torch.Tensor | None,
    ) -> int:
        if rotations.ndim != 4 or rotations.shape[1:] != (NUM_JOINTS, 3, 3):
            raise ValueError(f"rotations must be (B, 16, 3, 3), got {tuple(rotations.shape)}")
        batch = rotations.shape[0]
        if shape is not None and tuple(shape.shape) != (batch, self.num_shapes):
            raise ValueError(
                f"shape must be ({batch}, {self.num_shapes}), got {tuple(shape.shape)}"
            )
        if wrist_position is not None and tuple(wrist_position.shape) != (batch, 3):
            raise ValueError(
                f"wrist_position must be ({batch}, 3), got {tuple(wrist_position.shape)}"
            )
        for name, tensor in (
            ("rotations", rotations),
            ("shape", shape),
            ("wrist_position", wrist_position),
        ):
            if tensor is not None and not bool(torch.isfinite(tensor).all()):
                raise ValueError(f"{name} contains NaN or infinite values")
        return batch
