"""`handmesh synth-seq`: a smooth rendered hand motion at camera resolution, with ground truth.

The motion: open hand → fist → point → pinch → wave, each pose eased into the next
(smoothstep on the joint angles), while the wrist drifts around the frame on a slow
Lissajous path and the hand turns a little; the wave rolls the hand about the camera axis.
The hand faces the camera palm first, fingers up — as a user holds it up to a webcam.

Interim file format (until the stream file format of the record/replay issue lands): a zip
archive holding ``frames/%06d.jpg`` and ``sequence.json`` = {fps, width, height, K (3×3),
frames: [{index, t_ns, keypoints (21×3, camera frame, m), side}]}. The vertices are not
stored: the keypoints and the built-in hand determine them.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
from scipy.spatial.transform import Rotation
from tqdm import tqdm

from model.data.appearance import random_lights, skin_albedo
from model.data.backgrounds import photo_patch
from model.hand import load_builtin_hand
from model.hand.joint_angles import angles_to_rotations, joint_frames
from model.hand.kinematics import HandKinematics
from model.hand.poses import NAMED_POSES

KEY_POSES = ("rest", "fist", "point", "pinch", "spread")
# Palm to the camera, fingers up (image -y), thumb to the image's right (+x).
FACING_CAMERA = np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])


@dataclass(frozen=True)
class SequenceSettings:
    seconds: float = 6.0
    fps: int = 30
    width: int = 640
    height: int = 480
    seed: int = 0
    jpeg_quality: int = 85


def motion(settings: SequenceSettings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Joint angles (T, 16, 3), wrist rotations (T, 3, 3) and wrist positions (T, 3) in m."""
    count = round(settings.seconds * settings.fps)
    t = np.arange(count) / settings.fps
    phase = t / settings.seconds * len(KEY_POSES)  # one segment per key pose
    segment = np.minimum(phase.astype(int), len(KEY_POSES) - 1)
    local = np.clip((phase - segment) * 1.6, 0.0, 1.0)  # move for 60 % of a segment, then hold
    ease = local * local * (3.0 - 2.0 * local)
    poses = np.stack([NAMED_POSES[name] for name in KEY_POSES])
    previous = poses[np.maximum(segment - 1, 0)]
    angles = previous + ease[:, None, None] * (poses[segment] - previous)
    waving = (segment == len(KEY_POSES) - 1) * np.sin(2 * np.pi * 1.5 * t) * np.deg2rad(25)
    wobble = np.stack(
        [0.25 * np.sin(2 * np.pi * t / 4.1), 0.3 * np.sin(2 * np.pi * t / 5.3), waving], 1
    )
    rotations = Rotation.from_rotvec(wobble).as_matrix() @ FACING_CAMERA
    positions = np.stack(
        [
            0.05 * np.sin(2 * np.pi * t / 5.0),
            0.07 + 0.025 * np.sin(2 * np.pi * t / 3.3),
            0.45 + 0.04 * np.sin(2 * np.pi * t / 7.0),
        ],
        1,
    )
    return angles, rotations, positions


def camera_matrix(settings: SequenceSettings) -> np.ndarray:
    """A webcam-like 60° horizontal field of view."""
    focal = settings.width / 2.0 / np.tan(np.deg2rad(30.0))
    return np.array(
        [
            [focal, 0.0, (settings.width - 1) / 2.0],
            [0.0, focal, (settings.height - 1) / 2.0],
            [0.0, 0.0, 1.0],
        ]
    )


def render_sequence(out: Path, settings: SequenceSettings, progress: bool = True) -> Path:
    """Renders the motion and writes the interim zip file; returns its path."""
    from model.render import Renderer

    hand = load_builtin_hand()
    angles, wrist_rotations, wrist_positions = motion(settings)
    rotations = angles_to_rotations(angles, joint_frames(hand))
    rotations[:, 0] = wrist_rotations
    with torch.inference_mode():
        posed = HandKinematics(hand, torch.float64)(
            torch.from_numpy(rotations), wrist_position=torch.from_numpy(wrist_positions)
        )
    rng = np.random.default_rng(settings.seed)
    K = camera_matrix(settings)
    albedo = skin_albedo(rng, hand.template)
    lights, ambient = random_lights(rng)
    background = photo_patch(rng, settings.width, settings.height).astype(np.float32)
    renderer = Renderer(settings.width, settings.height)
    frames = []
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for index in tqdm(range(len(angles)), unit="frame", disable=not progress, desc="synth-seq"):
            result = renderer.render(
                posed.vertices[index].numpy(),
                hand.faces,
                K,
                albedo=albedo,
                lights=lights,
                ambient=ambient,
                specular=0.1,
                shininess=20.0,
            )
            coverage = result.coverage[..., None]
            image = coverage * result.rgb[..., ::-1] + (1.0 - coverage) * background
            image += rng.normal(scale=2.0, size=image.shape)
            ok, jpeg = cv2.imencode(
                ".jpg",
                np.clip(image, 0, 255).astype(np.uint8),
                [cv2.IMWRITE_JPEG_QUALITY, settings.jpeg_quality],
            )
            if not ok:
                raise RuntimeError("OpenCV failed to encode a frame as JPEG")
            archive.writestr(f"frames/{index:06d}.jpg", jpeg.tobytes())
            frames.append(
                {
                    "index": index,
                    "t_ns": round(index * 1e9 / settings.fps),
                    "keypoints": np.round(posed.keypoints[index].numpy(), 6).tolist(),
                    "side": "right",
                }
            )
        archive.writestr(
            "sequence.json",
            json.dumps(
                {
                    "fps": settings.fps,
                    "width": settings.width,
                    "height": settings.height,
                    "K": K.tolist(),
                    "hand": hand.name,
                    "frames": frames,
                }
            ),
        )
    return out


@dataclass(frozen=True)
class Sequence:
    """A read-back sequence: JPEG bytes per frame and the ground truth from sequence.json."""

    fps: int
    K: np.ndarray
    jpeg_frames: list[bytes]
    keypoints: np.ndarray  # (T, 21, 3) camera frame, m

    def image(self, index: int) -> np.ndarray:
        return cv2.imdecode(np.frombuffer(self.jpeg_frames[index], np.uint8), cv2.IMREAD_COLOR)


def read_sequence(path: Path) -> Sequence:
    with zipfile.ZipFile(path) as archive:
        meta = json.load(io.BytesIO(archive.read("sequence.json")))
        jpegs = [archive.read(f"frames/{frame['index']:06d}.jpg") for frame in meta["frames"]]
    keypoints = np.array([frame["keypoints"] for frame in meta["frames"]])
    return Sequence(meta["fps"], np.array(meta["K"]), jpegs, keypoints)
