"""A contact sheet of a FreiHAND-layout split with its 2D keypoints drawn (real or synthetic)."""

from __future__ import annotations

from pathlib import Path

import cv2

from model.data.freihand_layout import image_path, read_split
from model.render import project_points
from model.viz import contact_sheet, draw_skeleton


def write_contact_sheet(
    root: Path, out: Path, split: str = "training", count: int = 24, columns: int = 6
) -> Path:
    """Draws the projected ground-truth keypoints on the first ``count`` images."""
    annotations = read_split(root, split)
    count = min(count, len(annotations))
    if count == 0:
        raise ValueError(f"{root} has no {split} samples")
    tiles = []
    for index in range(count):
        image = cv2.imread(str(image_path(root, split, index)))
        if image is None:
            raise FileNotFoundError(f"cannot read {image_path(root, split, index)}")
        keypoints_px = project_points(annotations.K[index], annotations.xyz[index])
        tile = draw_skeleton(image, keypoints_px, thickness=1)
        if annotations.side[index] == "left":
            cv2.putText(
                tile, "L", (4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1, cv2.LINE_AA
            )
        tiles.append(tile)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(out), contact_sheet(tiles, columns))
    return out
