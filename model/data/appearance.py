"""Skin tones and lighting for rendered hands.

Skin albedos span light to dark tones (a path through the typical range of skin
reflectance, in linear RGB), with low-frequency variation over the hand and slightly
redder palms and fingertips, so texture alone does not identify "the synthetic hand".
"""

from __future__ import annotations

import numpy as np

from model.render import DirectionalLight

# Linear-RGB albedos from light to dark skin; a tone is a random point along this path.
_SKIN_PATH = np.array(
    [
        [0.85, 0.64, 0.52],
        [0.73, 0.50, 0.38],
        [0.56, 0.36, 0.24],
        [0.36, 0.22, 0.14],
        [0.20, 0.12, 0.08],
    ]
)


# Rest-pose depth below the palm plane (m) over which skin counts fully as palm side.
PALM_SIDE_DEPTH_M = 0.015


def skin_albedo(rng: np.random.Generator, vertices: np.ndarray) -> np.ndarray:
    """Per-vertex linear RGB albedo (V, 3) for rest-pose ``vertices`` (V, 3), model frame.

    Vertices on the palm side (−z in the model frame) get a little redder.
    """
    volar_weight = np.clip(-vertices[:, 2] / PALM_SIDE_DEPTH_M, 0.0, 1.0)
    position = rng.uniform(0, len(_SKIN_PATH) - 1)
    low = int(np.floor(position))
    high = min(low + 1, len(_SKIN_PATH) - 1)
    base = _SKIN_PATH[low] + (position - low) * (_SKIN_PATH[high] - _SKIN_PATH[low])
    base = base * rng.uniform(0.9, 1.1, size=3)
    # Smooth blotches: a few random plane waves over the hand.
    waves = rng.normal(size=(3, 3)) * 40.0
    variation = 1.0 + 0.06 * np.sin(vertices @ waves.T + rng.uniform(0, 2 * np.pi, 3)).mean(axis=1)
    redder = 1.0 + 0.08 * volar_weight[:, None] * np.array([1.0, -0.3, -0.4])
    return np.clip(base * variation[:, None] * redder, 0.0, 1.0)


def random_lights(rng: np.random.Generator) -> tuple[list[DirectionalLight], np.ndarray]:
    """One to three directional lights from the camera's side of the scene, and ambient RGB."""
    lights = []
    for _ in range(rng.integers(1, 4)):
        direction = rng.normal(size=3)
        direction[2] = abs(direction[2]) + 0.3  # light travels away from the camera, onto the hand
        direction /= np.linalg.norm(direction)
        color = rng.uniform(0.5, 1.0) * rng.uniform(0.85, 1.0, size=3)
        lights.append(DirectionalLight(direction, color))
    ambient = rng.uniform(0.15, 0.45) * rng.uniform(0.9, 1.0, size=3)
    return lights, ambient
