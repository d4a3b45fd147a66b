"""FreiHAND's official file layout, shared by the real data set and our synthetic one.

    DIR/training/rgb/%08d.jpg        224×224 images; K annotations × V appearance variants,
                                     image id = index + K·variant, variants share one annotation
    DIR/training/mask/%08d.jpg       hand masks (one per annotation)
    DIR/training_K.json              per annotation: 3×3 intrinsics (px)
    DIR/training_xyz.json            per annotation: 21×3 keypoints, camera frame, meters
    DIR/training_verts.json          per annotation: V×3 mesh vertices, camera frame, meters
    DIR/training_mano.json           per annotation: [[pose and shape parameters]]
    DIR/training_scale.json          per annotation: length of the bone keypoint 9 → 10 (m)
    DIR/evaluation/...               the same for the evaluation split

Synthetic sets add ``{split}_side.json`` ("right" or "left" per annotation: left hands are
mirrored right hands) and ``{split}_meta.json`` (generator settings); FreiHAND's loader
ignores both. Our ``*_mano.json`` rows hold our own parameters in MANO's role:
16×3 axis-angle rotations in our joint order (wrist first), then the shape parameters,
then the wrist position (m).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SPLITS = ("training", "evaluation")
IMAGE_SIZE = 224
ANNOTATIONS = ("K", "xyz", "verts", "mano", "scale")


def image_path(root: Path, split: str, image_id: int, kind: str = "rgb") -> Path:
    return Path(root) / split / kind / f"{image_id:08d}.jpg"


def annotation_path(root: Path, split: str, name: str) -> Path:
    return Path(root) / f"{split}_{name}.json"


@dataclass(frozen=True)
class SplitAnnotations:
    """One split's annotations as arrays: K (N, 3, 3), xyz (N, 21, 3) m, verts (N, V, 3) m
    or None, mano (N, P) or None, scale (N,) m, side (N,) of "right"/"left"."""

    K: np.ndarray
    xyz: np.ndarray
    verts: np.ndarray | None
    mano: np.ndarray | None
    scale: np.ndarray
    side: np.ndarray

    def __len__(self) -> int:
        return len(self.K)


def read_split(root: Path, split: str) -> SplitAnnotations:
    """Reads a split's JSON annotations; a clear error if the layout is not FreiHAND's."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    root = Path(root)
    loaded = {}
    for name in (*ANNOTATIONS, "side"):
        path = annotation_path(root, split, name)
        if not path.exists():
            if name in ("K", "xyz", "scale"):
                raise FileNotFoundError(f"{path} is missing: is {root} a FreiHAND-layout folder?")
            loaded[name] = None
            continue
        with open(path) as file:
            loaded[name] = np.asarray(json.load(file), dtype=np.float64 if name != "side" else str)
    count = len(loaded["K"])
    side = loaded["side"] if loaded["side"] is not None else np.full(count, "right")
    mano = loaded["mano"].reshape(count, -1) if loaded["mano"] is not None else None
    annotations = SplitAnnotations(
        loaded["K"], loaded["xyz"], loaded["verts"], mano, loaded["scale"].reshape(count), side
    )
    for name in ("xyz", "scale"):
        if len(getattr(annotations, name)) != count:
            raise ValueError(
                f"{annotation_path(root, split, name)} has {len(getattr(annotations, name))} "
                f"entries, {annotation_path(root, split, 'K')} has {count}"
            )
    return annotations


def count_variants(root: Path, split: str, annotations: int) -> int:
    """How many appearance variants of each annotation the rgb folder holds (FreiHAND's
    training split has 4: green screen and three backgrounds)."""
    images = len(list((Path(root) / split / "rgb").glob("*.jpg")))
    if annotations == 0 or images % annotations:
        raise ValueError(
            f"{root}/{split}/rgb holds {images} images, not a multiple of {annotations}"
        )
    return images // annotations


def write_json(path: Path, rows: list, decimals: int = 6) -> None:
    """Writes annotation rows compactly (µm precision is plenty for meters)."""

    def rounded(value):
        if isinstance(value, np.ndarray):
            return np.round(value, decimals).tolist()
        return value

    with open(path, "w") as file:
        json.dump([rounded(row) for row in rows], file, separators=(",", ":"))
