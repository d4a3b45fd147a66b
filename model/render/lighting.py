"""Lights and material for the renderer's shading, checked and packed for the shader.

Shading model (evaluated per pixel, in linear RGB, camera frame):
``albedo · (ambient + Σ colorᵢ · max(0, n·lᵢ)) + specular · Σ colorᵢ · max(0, n·hᵢ)^shininess``
with ``lᵢ = -directionᵢ`` (toward the light), ``h`` the Blinn–Phong half vector between
``lᵢ`` and the direction toward the camera, and ``n`` the interpolated smooth normal. The
specular term is white (dielectric skin reflects the light's own colour).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

# Size of the shader's light arrays; more lights than this are refused.
MAX_LIGHTS = 8


class DirectionalLight(NamedTuple):
    """A light at infinity. ``direction`` (3,): the way its light travels (from the light
    onto the scene), camera frame, any non-zero length; ``color`` (3,) linear RGB intensity,
    or one number for white. A plain ``(direction, color)`` tuple works the same."""

    direction: ArrayLike
    color: ArrayLike = 1.0


@dataclass(frozen=True)
class Shading:
    """Everything the fragment shader needs besides the mesh, as float32 arrays.

    light_dirs (MAX_LIGHTS, 3): unit vectors toward each light (zero rows unused);
    light_colors (MAX_LIGHTS, 3); ambient (3,) linear RGB; specular strength ≥ 0;
    shininess > 0 (Blinn–Phong exponent).
    """

    light_count: int
    light_dirs: np.ndarray
    light_colors: np.ndarray
    ambient: np.ndarray
    specular: float
    shininess: float


def _rgb(value: ArrayLike, what: str) -> np.ndarray:
    """``value`` as a non-negative float (3,) RGB triple; a single number means grey."""
    rgb = np.broadcast_to(np.asarray(value, dtype=np.float64), (3,)).copy()
    if not np.all(np.isfinite(rgb)) or np.any(rgb < 0):
        raise ValueError(f"{what} must be finite and non-negative, got {value!r}")
    return rgb


def make_shading(
    lights: Sequence[DirectionalLight | tuple[ArrayLike, ArrayLike]],
    ambient: ArrayLike,
    specular: float,
    shininess: float,
) -> Shading:
    """Checks the lights and material (raises ValueError) and packs them into a Shading."""
    if len(lights) > MAX_LIGHTS:
        raise ValueError(f"at most {MAX_LIGHTS} directional lights, got {len(lights)}")
    light_dirs = np.zeros((MAX_LIGHTS, 3))
    light_colors = np.zeros((MAX_LIGHTS, 3))
    for index, (direction, color) in enumerate(lights):
        travel = np.asarray(direction, dtype=np.float64)
        if travel.shape != (3,) or not np.all(np.isfinite(travel)) or not travel.any():
            raise ValueError(f"light {index}: direction must be a finite non-zero 3-vector")
        light_dirs[index] = -travel / np.linalg.norm(travel)
        light_colors[index] = _rgb(color, f"light {index}'s color")
    if not (np.isfinite(specular) and specular >= 0):
        raise ValueError(f"specular strength must be finite and ≥ 0, got {specular}")
    if not (np.isfinite(shininess) and shininess > 0):
        raise ValueError(f"shininess must be finite and > 0, got {shininess}")
    return Shading(
        light_count=len(lights),
        light_dirs=light_dirs.astype(np.float32),
        light_colors=light_colors.astype(np.float32),
        ambient=_rgb(ambient, "ambient").astype(np.float32),
        specular=float(specular),
        shininess=float(shininess),
    )


def validate_albedo(albedo: ArrayLike, vertex_count: int) -> np.ndarray:
    """Per-vertex linear-RGB albedo as float32 (V, 3) in [0, 1]; one RGB triple (or one
    number) is spread over all vertices. Raises ValueError for other shapes or values."""
    values = np.asarray(albedo, dtype=np.float64)
    if values.shape in {(), (3,)}:
        values = np.broadcast_to(values, (vertex_count, 3))
    if values.shape != (vertex_count, 3):
        raise ValueError(
            f"albedo must be one RGB triple (3,) or per-vertex ({vertex_count}, 3), "
            f"got {values.shape}"
        )
    if not np.all(np.isfinite(values)) or values.min() < 0 or values.max() > 1:
        raise ValueError("albedo must be finite and within [0, 1] (linear RGB)")
    return np.ascontiguousarray(values, dtype=np.float32)
