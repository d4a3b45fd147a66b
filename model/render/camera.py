"""Pinhole camera: OpenCV intrinsics to the GL clip transform, and the matching projection.

Convention (OpenCV's, which FreiHAND's ``K`` follows): a camera-frame point (x, y, z) in
meters (+x right, +y down, +z forward) lands at pixel ``u = fx·x/z + s·y/z + cx``,
``v = fy·y/z + cy``, where integer (u, v) is the *centre* of the pixel in column u, row v
(row 0 at the top of the image). GL samples pixel (i, j) at window position (i + ½, j + ½),
so the clip transform below adds that half pixel: the renderer's pixel (column u, row v) is
sampled exactly on the ray that :func:`project_points` maps to (u, v). GL's window rows are
not flipped: GL row j is image row j, so read-back arrays come out top row first.
"""

from __future__ import annotations

import numpy as np

# Nearest allowed near plane (m): keeps the depth range finite when a vertex sits at the camera.
MIN_NEAR_M = 1e-3


def validate_intrinsics(K: np.ndarray) -> np.ndarray:
    """``K`` as float64 (3, 3) after checking it is an OpenCV pinhole matrix; raises ValueError."""
    K = np.asarray(K, dtype=np.float64)
    if K.shape != (3, 3):
        raise ValueError(f"K must be a 3×3 intrinsics matrix, got shape {K.shape}")
    if not np.all(np.isfinite(K)):
        raise ValueError("K contains NaN or inf")
    if K[0, 0] <= 0 or K[1, 1] <= 0:
        raise ValueError(f"K's focal lengths must be positive, got fx={K[0, 0]}, fy={K[1, 1]}")
    if K[1, 0] != 0 or not np.array_equal(K[2], [0.0, 0.0, 1.0]):
        raise ValueError(f"K must be upper triangular with last row [0, 0, 1], got\n{K}")
    return K


def project_points(K: np.ndarray, points_cam_m: np.ndarray) -> np.ndarray:
    """Pixel coordinates (N, 2) [u, v] of camera-frame points (N, 3) in meters, through ``K``.

    Integer coordinates are pixel centres (see the module docstring); this is the projection
    the renderer's images obey. Points must lie in front of the camera (z > 0).
    """
    K = validate_intrinsics(K)
    points = np.asarray(points_cam_m, dtype=np.float64)
    homogeneous = points @ K.T
    return homogeneous[:, :2] / homogeneous[:, 2:3]


def depth_range(depths_m: np.ndarray) -> tuple[float, float] | None:
    """Near and far planes (m) that enclose the vertex depths ``depths_m`` (V,) with a margin.

    Returns None when no vertex is in front of the near limit: nothing can be visible. The
    margins (half the nearest depth, twice the farthest) keep every vertex inside the depth
    range and still leave 24-bit depth far finer than a millimetre at hand distances. A
    face is as near as its nearest vertex, unless it reaches behind the camera: then the
    near plane is the closest allowed, MIN_NEAR_M.
    """
    ahead = depths_m[depths_m > MIN_NEAR_M]
    if ahead.size == 0:
        return None
    far = float(ahead.max()) * 2.0
    if ahead.size < depths_m.size:
        return MIN_NEAR_M, far  # faces reaching behind the camera come arbitrarily close
    return max(float(ahead.min()) * 0.5, MIN_NEAR_M), far


def clip_from_camera(K: np.ndarray, width: int, height: int, near: float, far: float) -> np.ndarray:
    """GL clip transform (4, 4), row-major, for camera-frame points in meters.

    x and y map through ``K`` to window coordinates (u + ½, v + ½); clip w is the camera
    depth z, so triangles behind the camera are clipped by the near plane, not mirrored;
    z maps [near, far] to normalized depth [-1, 1].
    """
    fx, skew, cx = K[0]
    fy, cy = K[1, 1], K[1, 2]
    return np.array(
        [
            [2 * fx / width, 2 * skew / width, 2 * (cx + 0.5) / width - 1, 0],
            [0, 2 * fy / height, 2 * (cy + 0.5) / height - 1, 0],
            [0, 0, (far + near) / (far - near), -2 * far * near / (far - near)],
            [0, 0, 1, 0],
        ]
    )


def pixel_bounds(
    K: np.ndarray, vertices_cam_m: np.ndarray, near: float, width: int, height: int, margin: int
) -> tuple[int, int, int, int]:
    """Pixel rectangle (x, y, w, h) — column, row, width, height, clipped to the image —
    that holds every pixel the mesh can touch, widened by ``margin`` pixels. When part of
    the mesh is nearer than ``near`` its clipped triangles can reach anywhere: the whole
    image. vertices_cam_m (V, 3), camera frame, m."""
    if vertices_cam_m[:, 2].min() <= near:
        return 0, 0, width, height
    pixels = project_points(K, vertices_cam_m)
    left, top = np.floor(pixels.min(axis=0)).astype(int) - margin
    right, bottom = np.ceil(pixels.max(axis=0)).astype(int) + margin + 1
    left, right = np.clip([left, right], 0, width)
    top, bottom = np.clip([top, bottom], 0, height)
    return int(left), int(top), int(max(right - left, 0)), int(max(bottom - top, 0))
