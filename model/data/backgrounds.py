"""Random backgrounds: crops of natural photographs and procedural textures.

The photographs are the sample images that ship inside scikit-image (no download, no
licence question); grey ones are tinted with a random colour. Procedural textures add
gradients, stripes, checkerboards, blobs and noise, so the network cannot learn that a
hand is "the thing in front of a photo".
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np

PHOTOS = (
    "astronaut",
    "chelsea",
    "coffee",
    "rocket",
    "hubble_deep_field",
    "immunohistochemistry",
    "retina",
    "cat",
    "colorwheel",
    "brick",
    "camera",
    "grass",
    "gravel",
    "moon",
    "clock",
    "coins",
    "cell",
    "page",
    "text",
)


@cache
def _photo(name: str) -> np.ndarray:
    """A sample photograph as BGR uint8."""
    import skimage.data

    image = getattr(skimage.data, name)()
    if image.ndim == 2:
        return cv2.cvtColor(image.astype(np.uint8), cv2.COLOR_GRAY2BGR)
    return cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2BGR)


def photo_patch(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """A random crop (scaled, flipped, tinted) of a random sample photograph, BGR uint8."""
    photo = _photo(PHOTOS[rng.integers(len(PHOTOS))])
    scale = rng.uniform(0.6, 2.0) * max(width / photo.shape[1], height / photo.shape[0])
    resized = cv2.resize(
        photo,
        None,
        fx=max(scale, width / photo.shape[1] + 1e-3),
        fy=max(scale, height / photo.shape[0] + 1e-3),
        interpolation=cv2.INTER_AREA,
    )
    top = rng.integers(resized.shape[0] - height + 1)
    left = rng.integers(resized.shape[1] - width + 1)
    patch = resized[top : top + height, left : left + width].astype(np.float32)
    if rng.random() < 0.5:
        patch = patch[:, ::-1]
    tint = rng.uniform(0.6, 1.3, size=3)
    return np.clip(patch * tint, 0, 255).astype(np.uint8)


def procedural_texture(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """A random gradient, stripe, checker, blob or noise texture, BGR uint8."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    colors = rng.uniform(0, 255, size=(2, 3)).astype(np.float32)
    kind = rng.integers(5)
    if kind == 0:  # linear gradient
        angle = rng.uniform(0, 2 * np.pi)
        t = (np.cos(angle) * x + np.sin(angle) * y) / max(width, height)
        t = (t - t.min()) / max(np.ptp(t), 1e-6)
    elif kind == 1:  # stripes
        angle, period = rng.uniform(0, np.pi), rng.uniform(6, 40)
        t = 0.5 + 0.5 * np.sin(2 * np.pi * (np.cos(angle) * x + np.sin(angle) * y) / period)
    elif kind == 2:  # checkerboard
        cell = rng.uniform(8, 48)
        t = ((np.floor(x / cell) + np.floor(y / cell)) % 2).astype(np.float32)
    elif kind == 3:  # smooth blobs
        coarse = rng.random((rng.integers(3, 10), rng.integers(3, 10))).astype(np.float32)
        t = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
        t = np.clip(t, 0, 1)
    else:  # coloured noise
        t = cv2.GaussianBlur(
            rng.random((height, width)).astype(np.float32), (0, 0), rng.uniform(0.5, 3)
        )
        t = (t - t.min()) / max(np.ptp(t), 1e-6)
    image = colors[0] + t[..., None] * (colors[1] - colors[0])
    return np.clip(image, 0, 255).astype(np.uint8)


def random_background(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """A photograph crop (60 %) or a procedural texture (40 %), BGR uint8 (height, width, 3)."""
    if rng.random() < 0.6:
        return photo_patch(rng, width, height)
    return procedural_texture(rng, width, height)
