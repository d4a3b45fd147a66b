"""The hand model as the protocol's `Rig` message: what an engine needs to build the hand.

The rig frame puts the wrist keypoint at the origin (a MANO template's wrist is not), so
everything is shifted by minus the rest wrist. In the rest pose every joint's global
rotation is the identity, so its rest global transform is a pure translation to the joint
and the bind pose (its inverse) a translation by minus the joint. Skinning is cut to the
four strongest joints per vertex, as engines take. Different shapes are different rigs, so
the shape parameters are part of the rig id.
"""

from __future__ import annotations

import numpy as np

from model.hand.model import HandModel
from protocol.messages import Rig
from protocol.skeleton import JOINT_NAMES, JOINT_PARENTS


def rig_message(hand: HandModel, shape: np.ndarray | None = None) -> Rig:
    wrist = hand.rest_joints(shape)[0]
    vertices = hand.shaped_vertices(shape) - wrist
    joints = hand.rest_joints(shape) - wrist
    rig_id = hand.name
    if shape is not None and np.any(np.asarray(shape) != 0):
        rig_id += "-shape-" + "_".join(f"{value:+.3f}" for value in np.asarray(shape, dtype=float))
    bind_poses = np.tile(np.eye(4), (len(joints), 1, 1))
    bind_poses[:, :3, 3] = -joints
    indices, weights = hand.top4_skinning()
    return Rig(
        rig_id=rig_id,
        vertices=vertices.astype(np.float32),
        faces=hand.faces,
        skin_indices=indices.astype(np.uint8),
        skin_weights=weights.astype(np.float32),
        parents=np.array(JOINT_PARENTS, dtype=np.int8),
        joint_names=JOINT_NAMES,
        rest_joints=joints.astype(np.float32),
        bind_poses=bind_poses.astype(np.float32),
        rest_keypoints=(hand.rest_keypoints(shape) - wrist).astype(np.float32),
        tip_vertices=hand.tip_vertices.astype(np.uint16),
    )
