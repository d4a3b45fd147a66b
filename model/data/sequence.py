"""`handmesh synth-seq`: a smooth rendered hand motion at camera resolution, with ground truth.

The motion: open hand → fist → point → pinch → wave, each pose eased into the next
(smoothstep on the joint angles), while the wrist drifts around the frame on a slow
Lissajous path and the hand turns a little; the wave rolls the hand about the camera axis.
The hand faces the camera palm first, fingers up — as a user holds it up to a webcam.

The file is a recorded stream (``.hmstream``, docs/stream_format.md), as if a camera had
streamed the motion to a perfect server: for every frame, the protocol `Frame` (JPEG,
intrinsics, handedness) followed by its ground truth as the `Hands` result the server
would publish (joints, 2D keypoints, wrist pose, local rotations, float16 vertices). So
`handmesh replay --mode frames` feeds it to a server, `--mode results` shows the true hand
in an engine with no server at all, and the demo and the benchmarks compare predictions
with the truth. The header metadata says what it is: source "synth-seq", fps, image size,
K, the rig id and which stream holds the truth.
"""

from __future__ import annotations

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
from model.hand.rotations import matrix_to_quaternion
from model.render import Renderer, project_points
from protocol.codec import decode, encode
from protocol.messages import Frame, Hand, Hands, Image
from protocol.stream_file import StreamReader, StreamWriter

STREAM_ID = "synth"
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
    """Renders the motion and writes it as a recorded stream (frames + truth); returns its path."""
    hand = load_builtin_hand()
    angles, wrist_rotations, wrist_positions = motion(settings)
    rotations = angles_to_rotations(angles, joint_frames(hand))
    rotations[:, 0] = wrist_rotations
    with torch.inference_mode():
        posed = HandKinematics(hand, torch.float64)(
            torch.from_numpy(rotations), wrist_position=torch.from_numpy(wrist_positions)
        )
    quaternions = matrix_to_quaternion(rotations).astype(np.float32)
    rng = np.random.default_rng(settings.seed)
    K = camera_matrix(settings)
    albedo = skin_albedo(rng, hand.template)
    lights, ambient = random_lights(rng)
    background = photo_patch(rng, settings.width, settings.height).astype(np.float32)
    renderer = Renderer(settings.width, settings.height)
    metadata = {
        "source": "synth-seq",
        "fps": settings.fps,
        "width": settings.width,
        "height": settings.height,
        "K": K.tolist(),
        "rig": hand.name,
        "model": "ground truth",
        "truth_stream": STREAM_ID,
        "seed": settings.seed,
    }
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    with StreamWriter(out, metadata) as writer:
        for index in tqdm(range(len(angles)), unit="frame", disable=not progress, desc="synth-seq"):
            vertices = posed.vertices[index].numpy()
            joints = posed.keypoints[index].numpy()
            result = renderer.render(
                vertices,
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
            t_ns = round(index * 1e9 / settings.fps)
            frame = Frame(
                STREAM_ID,
                index,
                t_ns,
                Image("jpeg", jpeg.tobytes(), settings.width, settings.height),
                intrinsics=(K[0, 0], K[1, 1], K[0, 2], K[1, 2]),
                handedness="right",
            )
            truth = Hand(
                side="right",
                score=1.0,
                joints=joints.astype(np.float32),
                keypoints_2d=project_points(K, joints).astype(np.float32),
                wrist_position=joints[0].astype(np.float32),
                wrist_rotation=quaternions[index, 0],
                local_rotations=quaternions[index, 1:],
                vertices=(vertices - joints[0]).astype(np.float16),
            )
            writer.write(encode(frame), t_ns)
            writer.write(encode(Hands(STREAM_ID, index, t_ns, hands=(truth,))), t_ns)
    return out


@dataclass(frozen=True)
class Sequence:
    """A read-back sequence: its frames and, frame by frame, the true hand."""

    fps: int
    K: np.ndarray
    frames: list[Frame]
    truth: list[Hand]

    @property
    def jpeg_frames(self) -> list[bytes]:
        return [frame.image.data for frame in self.frames]

    @property
    def keypoints(self) -> np.ndarray:
        """(T, 21, 3) true 3D keypoints, camera frame, m."""
        return np.stack([hand.joints for hand in self.truth]).astype(np.float64)

    def image(self, index: int) -> np.ndarray:
        return cv2.imdecode(
            np.frombuffer(self.frames[index].image.data, np.uint8), cv2.IMREAD_COLOR
        )


def read_sequence(path: Path) -> Sequence:
    """Reads a synth-seq stream; ValueError for a recorded stream without ground truth."""
    reader = StreamReader(path)
    truth_stream = reader.metadata.get("truth_stream")
    if truth_stream is None:
        raise ValueError(f"{path} is a recorded stream without ground truth (not from synth-seq)")
    frames: list[Frame] = []
    truth: list[Hand] = []
    for record in reader.records():
        message = decode(record.payload)
        if isinstance(message, Frame):
            frames.append(message)
        elif isinstance(message, Hands) and message.stream == truth_stream and message.hands:
            truth.append(message.hands[0])
    if len(frames) != len(truth):
        raise ValueError(f"{path}: {len(frames)} frames but {len(truth)} ground-truth hands")
    return Sequence(reader.metadata["fps"], np.array(reader.metadata["K"]), frames, truth)
