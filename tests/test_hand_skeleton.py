"""The keypoint order and joint tree are the contract with FreiHAND, MANO and the wire."""

from __future__ import annotations

import numpy as np

from model.hand import skeleton


def test_keypoint_order_is_freihand_order():
    assert skeleton.KEYPOINT_NAMES[:5] == ("wrist", "thumb_1", "thumb_2", "thumb_3", "thumb_tip")
    assert skeleton.KEYPOINT_NAMES[5:9] == ("index_1", "index_2", "index_3", "index_tip")
    assert skeleton.KEYPOINT_NAMES[17:] == ("little_1", "little_2", "little_3", "little_tip")
    assert skeleton.TIP_KEYPOINTS == (4, 8, 12, 16, 20)
    assert skeleton.KEYPOINT_PARENTS == (
        -1,
        0,
        1,
        2,
        3,
        0,
        5,
        6,
        7,
        0,
        9,
        10,
        11,
        0,
        13,
        14,
        15,
        0,
        17,
        18,
        19,
    )


def test_articulated_joints_are_wrist_and_three_per_finger():
    assert skeleton.ARTICULATED_KEYPOINTS == (
        0,
        1,
        2,
        3,
        5,
        6,
        7,
        9,
        10,
        11,
        13,
        14,
        15,
        17,
        18,
        19,
    )
    assert skeleton.JOINT_PARENTS == (-1, 0, 1, 2, 0, 4, 5, 0, 7, 8, 0, 10, 11, 0, 13, 14)
    assert skeleton.BONE_CHILD_KEYPOINTS[1:] == tuple(
        k + 1 for k in skeleton.ARTICULATED_KEYPOINTS[1:]
    )


def test_mano_joints_and_tips_reorder_like_freihand():
    # FreiHAND's reorder of MANO's 16 joints + 5 tips (indices 16..20) into keypoint order.
    freihand_order = [0, 13, 14, 15, 16, 1, 2, 3, 17, 4, 5, 6, 18, 10, 11, 12, 19, 7, 8, 9, 20]
    mano_points = np.arange(21 * 3, dtype=float).reshape(21, 3)
    ours = skeleton.mano_keypoints_to_ours(mano_points[:16], mano_points[16:])
    np.testing.assert_array_equal(ours, mano_points[freihand_order])


def test_mano_conversion_round_trips():
    keypoints = np.random.default_rng(0).normal(size=(4, 21, 3))
    joints, tips = skeleton.ours_to_mano_joints(keypoints)
    np.testing.assert_array_equal(skeleton.mano_keypoints_to_ours(joints, tips), keypoints)


def test_mano_parents_map_to_our_parents():
    for ours, mano in enumerate(skeleton.OURS_TO_MANO):
        mano_parent = skeleton.MANO_JOINT_PARENTS[mano]
        ours_parent = skeleton.JOINT_PARENTS[ours]
        assert (mano_parent == -1 and ours_parent == -1) or skeleton.OURS_TO_MANO[
            ours_parent
        ] == mano_parent
