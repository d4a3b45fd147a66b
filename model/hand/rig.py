"""The hand model as the protocol's `Rig` message: what an engine needs to build the hand.

In the rest pose every joint's global rotation is the identity, so its rest global
transform is a pure translation to the joint and the bind pose (its inverse) a translation
by minus the joint. Skinning is cut to the four strongest joints per vertex, as engines take.
"""

from __future__ import annotations

import numpy as np

from model.hand.model import HandModel
from protocol.messages import Rig
from protocol.skeleton import JOINT_NAMES, JOINT_PARENTS


def rig_message(hand: HandModel, shape: np.ndarray | None = None) -> Rig:
    vertices = hand.shaped_vertices(shape)
    joints = hand.rest_joints(shape)
    bind_poses = np.tile(np.eye(4), (len(joints), 1, 1))
    bind_poses[:, :3, 3] = -joints
    indices, weights = hand.top4_skinning()
    return Rig(
        rig_id=hand.name,
        vertices=vertices.astype(np.float32),
        faces=hand.faces,
        skin_indices=indices.astype(np.uint8),
        skin_weights=weights.astype(np.float32),
        parents=np.array(JOINT_PARENTS, dtype=np.int8),
        joint_names=JOINT_NAMES,
        rest_joints=joints.astype(np.float32),
        bind_poses=bind_poses.astype(np.float32),
        rest_keypoints=hand.rest_keypoints(shape).astype(np.float32),
        tip_vertices=hand.tip_vertices.astype(np.uint16),
    )
