"""The rig message built from the hand model: valid on the wire and consistent with FK."""

from __future__ import annotations

import numpy as np
import torch

from model.hand.kinematics import HandKinematics
from model.hand.rig import rig_message
from protocol.codec import decode, encode


def test_rig_round_trips_and_matches_the_hand(builtin_hand):
    rig = decode(encode(rig_message(builtin_hand)))
    assert rig.rig_id == builtin_hand.name
    assert rig.vertices.shape == builtin_hand.template.shape
    np.testing.assert_allclose(rig.skin_weights.sum(axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(rig.rest_keypoints, builtin_hand.rest_keypoints(), atol=1e-6)


def test_bind_poses_skin_like_our_fk(builtin_hand):
    # An engine skins with  v' = Σ w · G_j · bind_j · v ; with the rig's bind poses and our
    # FK's joint transforms that must reproduce our own skinned mesh (top-4 weights).
    rig = rig_message(builtin_hand)
    rotations = torch.eye(3, dtype=torch.float64).expand(1, 16, 3, 3).clone()
    rotations[0, 7] = torch.tensor([[0.0, 0, 1], [0, 1, 0], [-1, 0, 0]], dtype=torch.float64)
    posed = HandKinematics(builtin_hand, torch.float64)(rotations)
    globals_ = np.tile(np.eye(4), (16, 1, 1))
    globals_[:, :3, :3] = posed.joint_rotations[0].numpy()
    globals_[:, :3, 3] = posed.joints[0].numpy()
    skinning = globals_ @ rig.bind_poses.astype(np.float64)
    homogeneous = np.c_[rig.vertices.astype(np.float64), np.ones(len(rig.vertices))]
    blended = np.einsum("vk,vkab->vab", rig.skin_weights, skinning[rig.skin_indices])
    vertices = np.einsum("vab,vb->va", blended, homogeneous)[:, :3]
    np.testing.assert_allclose(vertices, posed.vertices[0].numpy(), atol=2e-4)


def test_each_shape_is_its_own_rig_with_the_wrist_at_the_origin(builtin_hand):
    shape = np.zeros(len(builtin_hand.shape_names))
    shape[0] = 1.0
    default, shaped = rig_message(builtin_hand), decode(encode(rig_message(builtin_hand, shape)))
    assert default.rig_id != shaped.rig_id
    np.testing.assert_allclose(shaped.rest_keypoints[0], 0.0, atol=1e-6)
    np.testing.assert_allclose(shaped.rest_joints[0], 0.0, atol=1e-6)
