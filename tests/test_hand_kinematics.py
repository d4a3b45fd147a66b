"""FK / linear blend skinning: rest pose, rigidity, dtypes, batching, gradients, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.spatial.transform import Rotation

from model.hand.joint_angles import angles_to_rotations, joint_frames
from model.hand.kinematics import HandKinematics
from model.hand.poses import NAMED_POSES, sample_poses


def identity(batch: int, dtype=torch.float64) -> torch.Tensor:
    return torch.eye(3, dtype=dtype).expand(batch, 16, 3, 3).clone()


def test_identity_pose_gives_the_rest_hand(builtin_hand):
    posed = HandKinematics(builtin_hand, torch.float64)(identity(2))
    np.testing.assert_allclose(posed.vertices[0].numpy(), builtin_hand.template, atol=1e-6)
    np.testing.assert_allclose(posed.keypoints[1].numpy(), builtin_hand.rest_keypoints(), atol=1e-6)


def test_wrist_rotation_and_position_move_the_hand_rigidly(builtin_hand):
    rotation = Rotation.from_euler("xyz", [0.3, -1.2, 2.0]).as_matrix()
    rotations = identity(1)
    rotations[0, 0] = torch.from_numpy(rotation)
    wrist = torch.tensor([[0.05, -0.02, 0.6]], dtype=torch.float64)
    posed = HandKinematics(builtin_hand, torch.float64)(rotations, wrist_position=wrist)
    expected = builtin_hand.template @ rotation.T + wrist.numpy()
    np.testing.assert_allclose(posed.vertices[0].numpy(), expected, atol=1e-6)
    np.testing.assert_allclose(posed.keypoints[0, 0].numpy(), wrist[0].numpy(), atol=1e-9)


def test_bones_keep_their_lengths_in_any_pose(builtin_hand):
    rotations = angles_to_rotations(
        sample_poses(np.random.default_rng(1), 32), joint_frames(builtin_hand)
    )
    keypoints = HandKinematics(builtin_hand, torch.float64)(
        torch.from_numpy(rotations)
    ).keypoints.numpy()
    rest = builtin_hand.rest_keypoints()
    for child, parent in enumerate(
        (-1, 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11, 0, 13, 14, 15, 0, 17, 18, 19)
    ):
        if parent >= 0:
            lengths = np.linalg.norm(keypoints[:, child] - keypoints[:, parent], axis=-1)
            np.testing.assert_allclose(
                lengths, np.linalg.norm(rest[child] - rest[parent]), atol=1e-6
            )


def test_fist_brings_fingertips_to_the_palm(builtin_hand):
    rotations = angles_to_rotations(NAMED_POSES["fist"][None], joint_frames(builtin_hand))
    keypoints = (
        HandKinematics(builtin_hand, torch.float64)(torch.from_numpy(rotations))
        .keypoints[0]
        .numpy()
    )
    for tip, base in ((8, 5), (12, 9), (16, 13), (20, 17)):
        assert np.linalg.norm(keypoints[tip] - keypoints[base]) < 0.05
        assert keypoints[tip, 2] < 0  # curled toward the palm side (-z)


def test_float32_and_float64_agree_and_batches_match_singles(builtin_hand):
    rotations = torch.from_numpy(
        angles_to_rotations(sample_poses(np.random.default_rng(2), 5), joint_frames(builtin_hand))
    )
    shape = torch.randn(5, 6, dtype=torch.float64) * 0.5
    fk64 = HandKinematics(builtin_hand, torch.float64)
    fk32 = HandKinematics(builtin_hand, torch.float32)
    batch = fk64(rotations, shape).vertices
    np.testing.assert_allclose(
        fk32(rotations.float(), shape.float()).vertices.numpy(), batch.numpy(), atol=2e-6
    )
    for i in range(5):
        single = fk64(rotations[i : i + 1], shape[i : i + 1]).vertices[0]
        np.testing.assert_allclose(single.numpy(), batch[i].numpy(), atol=1e-12)


def test_gradients_flow_to_rotations_and_shape(builtin_hand):
    rotations = identity(1).requires_grad_(True)
    shape = torch.zeros(1, 6, dtype=torch.float64, requires_grad=True)
    HandKinematics(builtin_hand, torch.float64)(rotations, shape).vertices.square().sum().backward()
    assert rotations.grad.abs().sum() > 0 and shape.grad.abs().sum() > 0


@pytest.mark.parametrize(
    ("rotations", "message"),
    [
        (torch.zeros(2, 15, 3, 3), "rotations must be"),
        (torch.full((1, 16, 3, 3), float("nan")), "NaN"),
    ],
)
def test_invalid_pose_input_raises_a_clear_error(builtin_hand, rotations, message):
    with pytest.raises(ValueError, match=message):
        HandKinematics(builtin_hand)(rotations)


def test_wrong_shape_parameters_raise(builtin_hand):
    with pytest.raises(ValueError, match="shape must be"):
        HandKinematics(builtin_hand)(identity(1, torch.float32), torch.zeros(1, 3))
