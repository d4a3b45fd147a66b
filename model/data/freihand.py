"""The FreiHAND data set (and our synthetic one, same layout) as a torch Dataset.

Item: ``image`` (3, S, S) float RGB in [0, 1] and targets — ``joints`` (21, 3) and
``vertices`` (V, 3) root-relative (wrist at the origin), camera axes, meters;
``keypoints_2d`` (21, 2) in crop pixels; ``K`` (3, 3) of the (augmented) crop; ``valid_3d``;
``scale`` (the 9→10 bone length, m); ``index`` of the annotation.

Augmentation (training only) keeps 3D, K and pixels consistent: an in-plane rotation θ of
the image about the principal point is the camera rolling about its optical axis, so the
3D annotation turns by Rz(θ); a zoom s scales the focal length; a shift moves the
principal point. Plus colour jitter. Mirrored left hands (synthetic sets) are flipped back,
so the network always sees right hands, as the design fixes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.utils.data import Dataset

from model.data.freihand_layout import count_variants, image_path, read_split


@dataclass(frozen=True)
class Augmentation:
    rotation_deg: float = 30.0
    scale: tuple[float, float] = (0.9, 1.1)
    shift_px: float = 10.0
    color: float = 0.25  # brightness / contrast / saturation jitter amplitude


class FreiHANDDataset(Dataset):
    def __init__(
        self,
        root: Path,
        split: str = "training",
        indices: np.ndarray | None = None,
        augmentation: Augmentation | None = None,
        input_size: int = 224,
        seed: int = 0,
    ) -> None:
        self.root = Path(root)
        self.split = split
        self.annotations = read_split(root, split)
        if self.annotations.verts is None:
            raise ValueError(f"{root} has no {split}_verts.json: mesh supervision needs it")
        count = len(self.annotations)
        self.variants = count_variants(root, split, count)
        annotation_ids = np.arange(count) if indices is None else np.asarray(indices)
        # Every appearance variant of each chosen annotation.
        self.image_ids = (annotation_ids[:, None] + count * np.arange(self.variants)).ravel()
        self.augmentation = augmentation
        self.input_size = input_size
        self.seed = seed
        self.epoch = 0

    def __len__(self) -> int:
        return len(self.image_ids)

    def set_epoch(self, epoch: int) -> None:
        """Different augmentations each epoch, reproducible for a given (seed, epoch)."""
        self.epoch = epoch

    def __getitem__(self, item: int) -> dict[str, torch.Tensor]:
        image_id = int(self.image_ids[item])
        index = image_id % len(self.annotations)
        image = cv2.imread(str(image_path(self.root, self.split, image_id)), cv2.IMREAD_COLOR)
        if image is None:
            raise FileNotFoundError(f"cannot read {image_path(self.root, self.split, image_id)}")
        K = self.annotations.K[index].copy()
        joints = self.annotations.xyz[index].copy()
        vertices = self.annotations.verts[index].copy()
        if self.annotations.side[index] == "left":
            image, K, joints, vertices = mirror(image, K, joints, vertices)
        image, K, joints, vertices = self._augment(image, K, joints, vertices, item)
        size = self.input_size
        if image.shape[:2] != (size, size):
            zoom = size / image.shape[1]
            image = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA)
            K = np.diag([zoom, zoom, 1.0]) @ K
            K[:2, 2] += 0.5 * (zoom - 1.0)  # pixel centres: u' = zoom·(u + ½) − ½
        projected = joints @ K.T
        keypoints_2d = projected[:, :2] / projected[:, 2:]
        root = joints[:1]
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        return {
            "image": torch.from_numpy(rgb).permute(2, 0, 1).float().div_(255.0),
            "joints": torch.from_numpy(joints - root).float(),
            "vertices": torch.from_numpy(vertices - root).float(),
            "keypoints_2d": torch.from_numpy(keypoints_2d).float(),
            "K": torch.from_numpy(K).float(),
            "scale": torch.tensor(float(self.annotations.scale[index])),
            "valid_3d": torch.tensor(True),
            "index": torch.tensor(index),
        }

    def _augment(self, image, K, joints, vertices, item: int):
        if self.augmentation is None:
            return image, K, joints, vertices
        rng = np.random.default_rng([self.seed, self.epoch, item])
        aug = self.augmentation
        angle = np.deg2rad(rng.uniform(-aug.rotation_deg, aug.rotation_deg))
        zoom = rng.uniform(*aug.scale)
        shift = rng.uniform(-aug.shift_px, aug.shift_px, size=2)
        centre = K[:2, 2].copy()
        cos, sin = np.cos(angle), np.sin(angle)
        rotation_2d = np.array([[cos, -sin], [sin, cos]])
        # Image: p' = centre + shift + zoom · R(θ) · (p − centre).
        linear = zoom * rotation_2d
        affine = np.concatenate([linear, (centre + shift - linear @ centre)[:, None]], 1)
        height, width = image.shape[:2]
        image = cv2.warpAffine(
            image, affine, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
        )
        roll = np.array([[cos, -sin, 0.0], [sin, cos, 0.0], [0.0, 0.0, 1.0]])
        joints, vertices = joints @ roll.T, vertices @ roll.T
        K = K.copy()
        K[0, 0] *= zoom
        K[1, 1] *= zoom
        K[:2, 2] = centre + shift
        image = jitter_colors(image, rng, aug.color)
        return image, K, joints, vertices


def mirror(image: np.ndarray, K: np.ndarray, joints: np.ndarray, vertices: np.ndarray):
    """A left hand as the right hand it mirrors: flip the image, x of the 3D, and cx."""
    K = K.copy()
    K[0, 2] = (image.shape[1] - 1) - K[0, 2]
    flip = np.array([-1.0, 1.0, 1.0])
    return image[:, ::-1].copy(), K, joints * flip, vertices * flip


def jitter_colors(image: np.ndarray, rng: np.random.Generator, amplitude: float) -> np.ndarray:
    """Random brightness, contrast and saturation (BGR uint8 in and out)."""
    if amplitude <= 0:
        return image
    pixels = image.astype(np.float32)
    brightness, contrast, saturation = 1.0 + rng.uniform(-amplitude, amplitude, size=3)
    grey = pixels.mean(axis=2, keepdims=True)
    pixels = grey + (pixels - grey) * saturation
    pixels = (pixels - pixels.mean()) * contrast + pixels.mean()
    return np.clip(pixels * brightness, 0, 255).astype(np.uint8)


def validation_split(count: int, fraction: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint (training, validation) annotation indices; every variant of an annotation
    stays on one side, so validation never sees a training hand pose."""
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"validation fraction must be in (0, 1), got {fraction}")
    order = np.random.default_rng(seed).permutation(count)
    cut = max(1, round(count * fraction))
    return np.sort(order[cut:]), np.sort(order[:cut])
