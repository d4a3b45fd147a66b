"""IK: FK(IK(keypoints)) reproduces them; twist is anatomical; limits; bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from model.hand.bench import random_posed_keypoints, round_trip_errors_mm
from model.hand.ik import HandIK
from model.hand.joint_angles import (
    JOINT_LIMITS,
    angles_to_rotations,
    joint_frames,
    rotations_to_angles,
)
from model.hand.kinematics import HandKinematics
from model.hand.poses import NAMED_POSES


def test_round_trip_on_1000_random_poses_is_submillimetre():
    keypoints = random_posed_keypoints(None, 1000, seed=7)
    errors = round_trip_errors_mm(None, keypoints)
    assert errors.mean() < 1.0
    assert errors.max() < 3.0


@pytest.mark.parametrize("name", ["fist", "point", "pinch", "spread"])
def test_named_poses_are_recovered_with_their_twist(builtin_hand, name):
    # Poses with no twist or sideways tilt at the hinge joints: the IK must choose the same
    # roll about each bone, so the whole mesh (not just the keypoints) comes back.
    frames = joint_frames(builtin_hand)
    rotations = angles_to_rotations(NAMED_POSES[name][None], frames)
    fk = HandKinematics(builtin_hand, torch.float64)
    posed = fk(torch.from_numpy(rotations))
    solution = HandIK(builtin_hand).solve(posed.keypoints.numpy())
    again = fk(
        torch.from_numpy(solution.rotations),
        wrist_position=torch.from_numpy(solution.wrist_position),
    )
    vertex_error_mm = (
        np.linalg.norm(again.vertices.numpy() - posed.vertices.numpy(), axis=-1) * 1000
    )
    assert vertex_error_mm.max() < 2.0


def test_quaternions_are_unit_with_nonnegative_w(builtin_hand):
    solution = HandIK(builtin_hand).solve(random_posed_keypoints(None, 20, seed=3))
    quaternions = solution.quaternions
    assert quaternions.shape == (20, 16, 4)
    np.testing.assert_allclose(np.linalg.norm(quaternions, axis=-1), 1.0, atol=1e-9)
    assert np.all(quaternions[..., 3] >= 0)


def test_clamping_keeps_every_joint_inside_its_limits(builtin_hand):
    keypoints = random_posed_keypoints(None, 50, seed=4)
    # Bend every finger backwards far beyond its limit.
    keypoints[:, [8, 12, 16, 20]] += np.array([0.0, 0.0, 0.06])
    solution = HandIK(builtin_hand).solve(keypoints, clamp_to_limits=True)
    angles = rotations_to_angles(solution.rotations, joint_frames(builtin_hand))[:, 1:]
    limits = JOINT_LIMITS[1:]
    assert np.all(angles >= limits[..., 0] - 1e-6) and np.all(angles <= limits[..., 1] + 1e-6)


def test_straight_finger_does_not_flip_its_twist(builtin_hand):
    # A nearly straight finger has no bend plane: tiny noise must not spin the finger.
    ik = HandIK(builtin_hand)
    rest = builtin_hand.rest_keypoints()
    rng = np.random.default_rng(5)
    noisy = rest[None] + rng.normal(scale=2e-4, size=(200, 21, 3))
    angles = rotations_to_angles(ik.solve(noisy).rotations, joint_frames(builtin_hand))
    assert np.abs(angles[:, 1:, 2]).max() < 0.1  # twist stays near zero (radians)


@pytest.mark.parametrize(
    ("keypoints", "message"),
    [
        (np.zeros((20, 3)), "must be"),
        (np.zeros((2, 21, 2)), "must be"),
        (np.full((21, 3), np.nan), "NaN"),
        (np.zeros((21, 3)), "degenerate"),
        (np.c_[np.linspace(0, 0.2, 21), np.zeros(21), np.zeros(21)], "degenerate"),
    ],
)
def test_invalid_keypoints_raise_a_clear_error(builtin_hand, keypoints, message):
    with pytest.raises(ValueError, match=message):
        HandIK(builtin_hand).solve(keypoints)
