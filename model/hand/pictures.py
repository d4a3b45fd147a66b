"""Pictures of the hand model for the docs: rest pose and named poses, rendered by our renderer."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import torch
from scipy.spatial.transform import Rotation

from model.hand import load_hand
from model.hand.joint_angles import angles_to_rotations, joint_frames
from model.hand.kinematics import HandKinematics
from model.hand.poses import NAMED_POSES
from model.render import project_points
from model.viz import contact_sheet, draw_skeleton

GALLERY_POSES = ("rest", "fist", "point", "pinch", "spread")
# Seen from the palm side, fingers up, turned a little so depth reads.
VIEW = Rotation.from_euler("yx", [-25, 15], degrees=True).as_matrix() @ np.array(
    [[0.0, 1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
)
SKIN = np.array([0.80, 0.58, 0.46])


def render_pose_gallery(out: Path, hand_source: str | None = None, size: int = 320) -> list[Path]:
    """Writes one strip of all named poses: the mesh above, the mesh with its skeleton below."""
    from model.render import Renderer

    hand = load_hand(hand_source)
    renderer = Renderer(size, size)
    frames = joint_frames(hand)
    kinematics = HandKinematics(hand, torch.float64)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tiles = []
    focal = size * 1.9
    K = np.array([[focal, 0.0, (size - 1) / 2], [0.0, focal, (size - 1) / 2], [0.0, 0.0, 1.0]])
    for name in GALLERY_POSES:
        rotations = angles_to_rotations(NAMED_POSES[name][None], frames)
        rotations[0, 0] = VIEW
        with torch.inference_mode():
            posed = kinematics(torch.from_numpy(rotations))
        vertices = posed.vertices[0].numpy()
        centre = (vertices.max(axis=0) + vertices.min(axis=0)) / 2.0
        offset = np.array([0.0, 0.0, 0.55]) - centre
        result = renderer.render(
            vertices + offset,
            hand.faces,
            K,
            albedo=SKIN,
            lights=[
                (np.array([0.3, 0.4, 1.0]), np.array([0.85, 0.85, 0.85])),
                (np.array([-0.6, -0.2, 0.5]), np.array([0.3, 0.3, 0.35])),
            ],
            ambient=np.array([0.25, 0.25, 0.25]),
            specular=0.15,
            shininess=24.0,
        )
        coverage = result.coverage[..., None]
        image = (coverage * result.rgb[..., ::-1] + (1.0 - coverage) * 245.0).astype(np.uint8)
        skeleton = draw_skeleton(image, project_points(K, posed.keypoints[0].numpy() + offset))
        tiles.append(np.concatenate([image, skeleton], axis=0))
    strip = out / "hand_poses.png"
    cv2.imwrite(str(strip), contact_sheet(tiles, columns=len(tiles)))
    return [strip]
