"""Triangle-mesh checks and smooth vertex normals for the renderer.

Winding convention (the built-in hand's and MANO's): faces are counter-clockwise seen from
outside, so in a right-handed frame ``(v1 - v0) × (v2 - v0)`` points out of the surface. The
OpenCV camera frame is right-handed too (the y-down axis is paired with a forward z), so the
same cross product gives outward normals in camera space; no sign flip for "y down" is
needed. In the *image* a front face then also runs counter-clockwise (as seen on screen,
rows downward). :func:`signed_volume` tells the winding of a closed mesh; the renderer
checks it (:func:`winding_is_inverted`) before culling back faces.
"""

from __future__ import annotations

import numpy as np


def validate_mesh(vertices_cam_m: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertices as float32 (V, 3) and faces as int32 (F, 3), after checking shapes, values
    and index ranges; raises ValueError with what was wrong."""
    vertices = np.asarray(vertices_cam_m)
    faces = np.asarray(faces)
    if vertices.ndim != 2 or vertices.shape[1] != 3:
        raise ValueError(f"vertices must have shape (V, 3), got {vertices.shape}")
    if len(vertices) < 3:
        raise ValueError(f"a mesh needs at least 3 vertices, got {len(vertices)}")
    if not np.issubdtype(vertices.dtype, np.number) or not np.all(np.isfinite(vertices)):
        raise ValueError("vertices must be finite numbers (found NaN, inf or a non-number)")
    if faces.ndim != 2 or faces.shape[1] != 3:
        raise ValueError(f"faces must have shape (F, 3) (triangles), got {faces.shape}")
    if len(faces) == 0:
        raise ValueError("faces is empty: nothing to render")
    if not np.issubdtype(faces.dtype, np.integer):
        raise ValueError(f"faces must hold integer vertex indices, got dtype {faces.dtype}")
    if faces.min() < 0 or faces.max() >= len(vertices):
        raise ValueError(
            f"face indices must lie in [0, {len(vertices) - 1}], got [{faces.min()}, {faces.max()}]"
        )
    return vertices.astype(np.float32), faces.astype(np.int32)


def face_normals_area_weighted(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Per-face ``(v1 - v0) × (v2 - v0)`` (F, 3), float64: outward for counter-clockwise
    faces, with length twice the face's area, which is the weight smooth normals want. The
    functions below take it precomputed, so a render computes it once."""
    corners = np.asarray(vertices, dtype=np.float64)[np.asarray(faces)]
    return np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])


def vertex_normals(
    vertices: np.ndarray, faces: np.ndarray, face_normals: np.ndarray | None = None
) -> np.ndarray:
    """Unit smooth-shading normals (V, 3), float32: the area-weighted mean of the normals of
    the faces around each vertex (larger faces count more, so thin slivers do not tilt the
    shading). A vertex used by no face, or only by degenerate ones, gets a zero normal."""
    if face_normals is None:
        face_normals = face_normals_area_weighted(vertices, faces)
    corner_vertex = np.asarray(faces).ravel()
    per_corner = np.repeat(face_normals, 3, axis=0)
    summed = np.stack(
        [np.bincount(corner_vertex, per_corner[:, k], minlength=len(vertices)) for k in range(3)],
        axis=1,
    )
    length = np.linalg.norm(summed, axis=1, keepdims=True)
    return np.divide(summed, length, out=np.zeros_like(summed), where=length > 0).astype(np.float32)


def signed_volume(
    vertices: np.ndarray, faces: np.ndarray, face_normals: np.ndarray | None = None
) -> float:
    """Signed volume (m³) enclosed by a closed mesh (V, 3), (F, 3): positive when its faces
    wind counter-clockwise seen from outside (outward normals), negative the other way.

    Summed over tetrahedra from the vertices' mean rather than the origin, so that for a
    mesh with a hole (an open wrist) only a small cone is missing, however far the camera.
    """
    if face_normals is None:
        face_normals = face_normals_area_weighted(vertices, faces)
    points = np.asarray(vertices, dtype=np.float64)
    first_corners = points[np.asarray(faces)[:, 0]] - points.mean(axis=0)
    return float(np.einsum("ij,ij->", first_corners, face_normals) / 6.0)


def winding_is_inverted(
    vertices: np.ndarray, faces: np.ndarray, face_normals: np.ndarray | None = None
) -> bool:
    """True when a closed (or nearly closed) mesh winds clockwise seen from outside.

    A closed surface's area-weighted normals sum to zero; when they nearly do (within a
    tenth of the total area, which a hand with an open wrist meets), the sign of the
    enclosed volume tells the winding. Open patches (a quad, a floor) give False: their
    winding says which side is the front, and nothing here can know which was meant.
    """
    if face_normals is None:
        face_normals = face_normals_area_weighted(vertices, faces)
    total_area = np.linalg.norm(face_normals, axis=1).sum()
    if total_area == 0 or np.linalg.norm(face_normals.sum(axis=0)) > 0.1 * total_area:
        return False
    return signed_volume(vertices, faces, face_normals) < 0
