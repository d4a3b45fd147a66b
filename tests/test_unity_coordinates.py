"""The Unity client's one conversion from the wire's camera frame (right-handed, y down) to
Unity's (left-handed, y up), checked against a reference computed here: positions,
quaternions (as matrices: R' = S R S with S = diag(1, -1, 1)), bind poses, triangle winding,
and a full hand posed by forward kinematics — a right hand and a mirrored left one."""

from __future__ import annotations

import numpy as np
from scipy.spatial.transform import Rotation
from unity_harness import csharp

from model.hand.rig import rig_message
from protocol.codec import encode
from protocol.messages import Hand, Hands
from protocol.skeleton import JOINT_PARENTS

S = np.diag([1.0, -1.0, 1.0])  # camera frame → Unity frame
MIRROR_X = np.diag([-1.0, 1.0, 1.0])  # a right hand → the left hand it mirrors
S4, MIRROR_X4 = np.diag([1.0, -1.0, 1.0, 1.0]), np.diag([-1.0, 1.0, 1.0, 1.0])


def random_hand(rng: np.random.Generator, side: str) -> Hand:
    rotations = Rotation.random(16, random_state=rng).as_quat().astype(np.float32)
    wrist = np.array([0.05, -0.03, 0.45], np.float32) + rng.normal(0, 0.02, 3).astype(np.float32)
    return Hand(
        side=side,
        score=0.9,
        joints=(wrist + rng.normal(0, 0.05, (21, 3))).astype(np.float32),
        keypoints_2d=rng.uniform(0, 640, (21, 2)).astype(np.float32),
        wrist_position=wrist,
        wrist_rotation=rotations[0],
        local_rotations=rotations[1:],
        vertices=rng.normal(0, 0.04, (778, 3)).astype(np.float16),
    )


def unity_rotation(xyzw: np.ndarray) -> np.ndarray:
    return Rotation.from_matrix(S @ Rotation.from_quat(xyzw).as_matrix() @ S).as_quat()


def same_rotation(a: np.ndarray, b: np.ndarray) -> bool:
    return min(np.abs(a - b).max(), np.abs(a + b).max()) < 1e-5  # q and -q are one rotation


def posed_joints_camera(rest_joints: np.ndarray, hand: Hand) -> np.ndarray:
    """PROTOCOL.md §3: T_0 = [R(wr) | wp], T_j = T_parent · [R(lr_j) | rj_j − rj_parent]."""
    rotations = [Rotation.from_quat(hand.wrist_rotation).as_matrix()]
    positions = [hand.wrist_position.astype(np.float64)]
    for joint in range(1, 16):
        parent = JOINT_PARENTS[joint]
        offset = rest_joints[joint] - rest_joints[parent]
        positions.append(positions[parent] + rotations[parent] @ offset)
        local = Rotation.from_quat(hand.local_rotations[joint - 1]).as_matrix()
        rotations.append(rotations[parent] @ local)
    return np.array(positions)


def test_hands_and_rig_convert_to_unity_as_the_reference_does(tmp_path, builtin_hand):
    rng = np.random.default_rng(11)
    rig = rig_message(builtin_hand)
    hands = Hands("cam0", 1, 2, hands=(random_hand(rng, "right"), random_hand(rng, "left")))
    rig_file, hands_file = tmp_path / "rig.msgpack", tmp_path / "hands.msgpack"
    rig_file.write_bytes(encode(rig))
    hands_file.write_bytes(encode(hands))
    lines = csharp().probe_lines("convert", "--rig", str(rig_file), "--hands", str(hands_file))
    rigs, posed = lines[:2], lines[2:]

    for converted in rigs:
        mirrored = converted["rig_mirrored"]
        mirror, mirror4 = (MIRROR_X, MIRROR_X4) if mirrored else (np.eye(3), np.eye(4))
        vertices = rig.vertices.astype(np.float64) @ (mirror @ S).T
        np.testing.assert_allclose(converted["vertices"], vertices, atol=1e-7)
        bind = mirror4 @ S4 @ rig.bind_poses.astype(np.float64) @ S4 @ mirror4
        np.testing.assert_allclose(np.reshape(converted["bind_poses"], (16, 4, 4)), bind, atol=1e-7)
        # Unity shows the side (b − a) × (c − a) points to: outward on a closed mesh means a
        # positive signed volume, for the right hand and the mirrored left hand alike.
        triangles = np.reshape(converted["triangles"], (-1, 3))
        points = np.reshape(converted["vertices"], (-1, 3))
        a, b, c = (points[triangles[:, i]] for i in range(3))
        assert np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6 > 1e-4

    for hand, converted in zip(hands.hands, posed, strict=True):
        assert converted["side"] == hand.side
        np.testing.assert_allclose(converted["keypoints"], hand.joints @ S.T, atol=1e-7)
        np.testing.assert_allclose(converted["wrist_position"], S @ hand.wrist_position, atol=1e-7)
        absolute = hand.wrist_position + hand.vertices.astype(np.float64)
        np.testing.assert_allclose(converted["vertices"], absolute @ S.T, atol=1e-6)
        wrist_rotation = np.array(converted["wrist_rotation"])
        assert same_rotation(wrist_rotation, unity_rotation(hand.wrist_rotation))
        for local, expected in zip(converted["local_rotations"], hand.local_rotations, strict=True):
            assert same_rotation(np.array(local), unity_rotation(expected))
        mirror = MIRROR_X if hand.side == "left" else np.eye(3)
        rest = rig.rest_joints.astype(np.float64) @ mirror.T
        expected_joints = posed_joints_camera(rest, hand) @ S.T
        np.testing.assert_allclose(converted["joint_positions"], expected_joints, atol=1e-5)
