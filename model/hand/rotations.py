"""Rotation conversions, each written once.

numpy versions serve the IK (it runs per frame on the CPU, where numpy beats torch's
per-op overhead at batch 1); torch versions serve FK/skinning (batched, any device,
differentiable). Quaternions are (x, y, z, w), as on the wire; matrices rotate column
vectors (``p' = R @ p``).
"""

from __future__ import annotations

import numpy as np
import torch

_EPS = 1e-12


def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dot product along the last axis, broadcasting (einsum: no temporary array)."""
    return np.einsum("...i,...i->...", a, b)


def norm(vectors: np.ndarray) -> np.ndarray:
    """Euclidean length along the last axis."""
    return np.sqrt(dot(vectors, vectors))


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Unit vectors along the last axis; zero vectors stay zero instead of turning NaN."""
    return vectors / np.maximum(norm(vectors), _EPS)[..., None]


# skew(a) = a @ _SKEW_BASIS reshaped to 3×3: one matmul instead of nine assignments.
_SKEW_BASIS = np.array(
    [
        [0, 0, 0, 0, 0, -1, 0, 1, 0],
        [0, 0, 1, 0, 0, 0, -1, 0, 0],
        [0, -1, 0, 1, 0, 0, 0, 0, 0],
    ],
    dtype=np.float64,
)
_EYE = np.eye(3)
_LEVI_CIVITA = np.zeros((3, 3, 3))
_LEVI_CIVITA[0, 1, 2] = _LEVI_CIVITA[1, 2, 0] = _LEVI_CIVITA[2, 0, 1] = 1.0
_LEVI_CIVITA[0, 2, 1] = _LEVI_CIVITA[2, 1, 0] = _LEVI_CIVITA[1, 0, 2] = -1.0


def cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cross product along the last axis, broadcasting; ~7× faster than np.cross on the
    small arrays of per-frame IK."""
    return np.einsum("ijk,...j,...k->...i", _LEVI_CIVITA, a, b)


def axis_angle_matrix(axes: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Rodrigues: unit axes (..., 3) and angles (...) in radians → matrices (..., 3, 3)."""
    skew = (axes @ _SKEW_BASIS).reshape(*axes.shape[:-1], 3, 3)
    angles = np.asarray(angles)[..., None, None]
    return _EYE + np.sin(angles) * skew + (1.0 - np.cos(angles)) * (skew @ skew)


def rotation_between(
    source: np.ndarray, target: np.ndarray, fallback_axes: np.ndarray
) -> np.ndarray:
    """The smallest rotation taking unit vectors ``source`` onto ``target`` (..., 3) → (..., 3, 3).

    Opposite vectors have no unique smallest rotation; they turn by π about
    ``fallback_axes`` (unit, perpendicular to ``source``), which callers choose
    anatomically so the result stays meaningful.
    """
    axis = cross(source, target)
    sin = norm(axis)
    cos = dot(source, target)
    axis = np.where(sin[..., None] > 1e-9, axis / np.maximum(sin, _EPS)[..., None], fallback_axes)
    return axis_angle_matrix(axis, np.arctan2(sin, cos))


def _shepperd_rows() -> tuple[np.ndarray, np.ndarray]:
    """Linear map from a flattened matrix (9,) to Shepperd's four candidate rows (4×4):
    row k is 4·q_k·q, for q = (x, y, z, w), so any row with a large q_k gives q by scaling."""
    rows = {  # row: {(entry index 3i+j): coefficient}, constant term
        0: [({0: 1, 4: -1, 8: -1}, 1), ({1: 1, 3: 1}, 0), ({2: 1, 6: 1}, 0), ({7: 1, 5: -1}, 0)],
        1: [({1: 1, 3: 1}, 0), ({0: -1, 4: 1, 8: -1}, 1), ({5: 1, 7: 1}, 0), ({2: 1, 6: -1}, 0)],
        2: [({2: 1, 6: 1}, 0), ({5: 1, 7: 1}, 0), ({0: -1, 4: -1, 8: 1}, 1), ({3: 1, 1: -1}, 0)],
        3: [({7: 1, 5: -1}, 0), ({2: 1, 6: -1}, 0), ({3: 1, 1: -1}, 0), ({0: 1, 4: 1, 8: 1}, 1)],
    }
    linear, constant = np.zeros((9, 16)), np.zeros(16)
    for row, terms in rows.items():
        for column, (coefficients, offset) in enumerate(terms):
            for entry, value in coefficients.items():
                linear[entry, 4 * row + column] = value
            constant[4 * row + column] = offset
    return linear, constant


_SHEPPERD_LINEAR, _SHEPPERD_CONSTANT = _shepperd_rows()


def matrix_to_quaternion(matrices: np.ndarray) -> np.ndarray:
    """Rotation matrices (..., 3, 3) → unit quaternions (..., 4) as (x, y, z, w), w ≥ 0.

    Shepperd's method: of four algebraically equal formulas, use the one dividing by the
    largest quaternion component, so the result is accurate for every rotation, half turns
    included. All four come from one matrix product, which keeps it cheap at batch 1.
    """
    flat = matrices.reshape(*matrices.shape[:-2], 9)
    rows = (flat @ _SHEPPERD_LINEAR + _SHEPPERD_CONSTANT).reshape(*flat.shape[:-1], 4, 4)
    diagonal = np.einsum("...ii->...i", rows)
    best = np.take_along_axis(rows, np.argmax(diagonal, axis=-1)[..., None, None], -2)[..., 0, :]
    quaternion = normalize(best)
    return quaternion * np.where(quaternion[..., 3:] < 0, -1.0, 1.0)


def quaternion_to_matrix(quaternions: np.ndarray) -> np.ndarray:
    """Quaternions (..., 4) as (x, y, z, w), normalised here → rotation matrices (..., 3, 3)."""
    x, y, z, w = np.moveaxis(normalize(quaternions), -1, 0)
    matrix = np.empty(
        (*quaternions.shape[:-1], 3, 3), dtype=np.result_type(quaternions, np.float32)
    )
    matrix[..., 0, 0] = 1 - 2 * (y * y + z * z)
    matrix[..., 0, 1] = 2 * (x * y - z * w)
    matrix[..., 0, 2] = 2 * (x * z + y * w)
    matrix[..., 1, 0] = 2 * (x * y + z * w)
    matrix[..., 1, 1] = 1 - 2 * (x * x + z * z)
    matrix[..., 1, 2] = 2 * (y * z - x * w)
    matrix[..., 2, 0] = 2 * (x * z - y * w)
    matrix[..., 2, 1] = 2 * (y * z + x * w)
    matrix[..., 2, 2] = 1 - 2 * (x * x + y * y)
    return matrix


def axis_angle_to_matrix_torch(axis_angle: torch.Tensor) -> torch.Tensor:
    """Axis-angle vectors (..., 3), angle = norm in radians → matrices (..., 3, 3).

    Differentiable at zero: uses the series of sin(θ)/θ and (1-cos θ)/θ² near θ = 0,
    which MANO-style pose parameters hit constantly (the rest pose).
    """
    theta_sq = (axis_angle * axis_angle).sum(-1, keepdim=True)
    small = theta_sq < 1e-8
    theta = torch.sqrt(torch.where(small, torch.ones_like(theta_sq), theta_sq))
    sin_over = torch.where(small, 1.0 - theta_sq / 6.0, torch.sin(theta) / theta)
    cos_over = torch.where(
        small, 0.5 - theta_sq / 24.0, (1.0 - torch.cos(theta)) / theta_sq.clamp_min(1e-8)
    )
    x, y, z = axis_angle.unbind(-1)
    zeros = torch.zeros_like(x)
    skew = torch.stack([zeros, -z, y, z, zeros, -x, -y, x, zeros], -1).reshape(*x.shape, 3, 3)
    eye = torch.eye(3, dtype=axis_angle.dtype, device=axis_angle.device).expand_as(skew)
    return eye + sin_over[..., None] * skew + cos_over[..., None] * (skew @ skew)
