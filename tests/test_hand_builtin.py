"""The built-in hand: a closed, plausible, smoothly skinned right hand, reproducible."""

from __future__ import annotations

import numpy as np

from model.hand import BUILTIN_ASSET
from model.hand.anatomy import SHAPE_NAMES, Anatomy
from model.hand.builtin import build_builtin_hand, rest_skeleton
from model.hand.mesh import check_closed_mesh
from model.hand.model import HandModel
from model.render import vertex_normals


def test_mesh_is_closed_with_outward_normals_at_mano_resolution(builtin_hand):
    report = check_closed_mesh(builtin_hand.template, builtin_hand.faces)
    assert report.problems == ()
    assert report.euler_characteristic == 2  # one sphere-like surface, no handles
    assert 650 <= builtin_hand.num_vertices <= 778
    assert 1300 <= len(builtin_hand.faces) <= 1600


def test_normals_point_away_from_the_bones(builtin_hand):
    # Fingertip vertices' normals point outward along the finger.
    normals = vertex_normals(builtin_hand.template, builtin_hand.faces)
    keypoints = builtin_hand.rest_keypoints()
    for finger, tip in enumerate(builtin_hand.tip_vertices):
        along = keypoints[4 + 4 * finger] - keypoints[3 + 4 * finger]
        assert normals[tip] @ along > 0


def test_proportions_are_those_of_an_adult_hand(builtin_hand):
    keypoints = builtin_hand.rest_keypoints()
    hand_length = np.linalg.norm(keypoints[12] - keypoints[0])
    breadth = np.linalg.norm(keypoints[5] - keypoints[17])
    assert 0.17 < hand_length < 0.21
    assert 0.05 < breadth < 0.07
    # Middle finger longest, little finger shortest.
    lengths = [np.linalg.norm(keypoints[4 * f + 4] - keypoints[4 * f + 1]) for f in range(1, 5)]
    assert np.argmax(lengths) == 1 and np.argmin(lengths) == 3


def test_skinning_weights_are_top4_and_sum_to_one(builtin_hand):
    weights = builtin_hand.skin_weights
    assert np.all(weights >= 0)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-6)
    assert np.all((weights > 0).sum(axis=1) <= 4)
    indices, top4 = builtin_hand.top4_skinning()
    np.testing.assert_array_equal(indices[:, 0], np.argmax(weights, axis=1))
    np.testing.assert_allclose(top4.sum(axis=1), 1.0, atol=1e-6)
    assert np.all(np.diff(top4, axis=1) <= 0)


def test_fingertips_follow_only_their_distal_bone(builtin_hand):
    distal_joints = [3, 6, 9, 12, 15]
    for tip, joint in zip(builtin_hand.tip_vertices, distal_joints, strict=True):
        assert builtin_hand.skin_weights[tip, joint] > 0.999


def test_finger_vertices_are_not_weighted_to_other_fingers(builtin_hand):
    # Palm vertices on the knuckle row may blend neighbouring finger bases (the web moves
    # with both); a vertex that belongs to a finger must not move with another finger.
    finger_of_joint = np.array([-1, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4])
    finger_vertices = 0
    for weights in builtin_hand.skin_weights:
        if np.argmax(weights) == 0:
            continue
        finger_vertices += 1
        fingers = set(finger_of_joint[(weights > 0.01)].tolist()) - {-1}
        assert len(fingers) == 1
    assert finger_vertices > builtin_hand.num_vertices // 2


def test_joint_regressor_reproduces_the_skeleton_for_every_shape(builtin_hand):
    for direction in np.eye(len(SHAPE_NAMES)) * 1.5:
        expected = rest_skeleton(Anatomy().with_shape(direction)).joints
        np.testing.assert_allclose(builtin_hand.rest_joints(direction), expected, atol=1.5e-3)
    np.testing.assert_allclose(
        builtin_hand.rest_joints(), rest_skeleton(Anatomy()).joints, atol=1e-6
    )


def test_size_parameter_scales_the_hand(builtin_hand):
    shape = np.zeros(len(SHAPE_NAMES))
    shape[SHAPE_NAMES.index("size")] = 1.0
    rest, bigger = builtin_hand.rest_keypoints(), builtin_hand.rest_keypoints(shape)
    ratio = np.linalg.norm(bigger[12] - bigger[0]) / np.linalg.norm(rest[12] - rest[0])
    assert abs(ratio - 1.1) < 0.01


def test_regenerating_reproduces_the_shipped_asset(tmp_path):
    path = tmp_path / "hand.npz"
    build_builtin_hand().save(path)
    assert HandModel.load(path).differences(HandModel.load(BUILTIN_ASSET)) == []


def test_differences_name_the_changed_fields(builtin_hand, tmp_path):
    import dataclasses

    moved = dataclasses.replace(builtin_hand, template=builtin_hand.template + 1e-3, name="other")
    assert moved.differences(builtin_hand) == ["name", "template"]
