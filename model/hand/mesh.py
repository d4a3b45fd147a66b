"""Polygon-mesh operations the built-in hand is made with, and the checks that pin it.

Catmull–Clark subdivision turns a coarse, hand-designed control cage (a few hundred
vertices) into a smooth surface; one level lands at MANO's resolution. Working on a closed
cage keeps the result closed and consistently oriented by construction, which is what the
renderer, skinning and the Unity rig all rely on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# One implementation of the surface maths, shared with the renderer.
from model.render.mesh import signed_volume


@dataclass(frozen=True)
class Corners:
    """Polygons flattened into corners: corner c is vertex ``vertex[c]`` of face ``face[c]``;
    ``next[c]``/``prev[c]`` are the neighbouring corners' vertices in that face's winding."""

    face: np.ndarray
    vertex: np.ndarray
    next: np.ndarray
    prev: np.ndarray

    @classmethod
    def of(cls, polygons: Sequence[Sequence[int]]) -> Corners:
        sizes = np.array([len(p) for p in polygons])
        vertex = np.concatenate([np.asarray(p, dtype=np.int64) for p in polygons])
        face = np.repeat(np.arange(len(polygons)), sizes)
        starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
        local = np.arange(len(vertex)) - starts
        sizes_per_corner = sizes[face]
        next_vertex = vertex[starts + (local + 1) % sizes_per_corner]
        prev_vertex = vertex[starts + (local - 1) % sizes_per_corner]
        return cls(face, vertex, next_vertex, prev_vertex)


def catmull_clark(
    vertices: np.ndarray, polygons: Sequence[Sequence[int]]
) -> tuple[np.ndarray, np.ndarray]:
    """One Catmull–Clark step on a closed manifold polygon mesh.

    vertices: (V, 3); polygons: faces of any size with consistent winding.
    Returns (V + E + F, 3) vertices — the original vertices keep their indices, so a vertex
    chosen on the cage (a fingertip) is found at the same index afterwards — and (ΣN, 4)
    quads with the input's winding.
    """
    corners = Corners.of(polygons)
    num_vertices, num_faces = len(vertices), len(polygons)
    face_counts = np.bincount(corners.face, minlength=num_faces)[:, None]
    face_points = np.zeros((num_faces, 3))
    np.add.at(face_points, corners.face, vertices[corners.vertex])
    face_points /= face_counts

    undirected = np.sort(np.stack([corners.vertex, corners.next], 1), axis=1)
    edges, corner_edge = np.unique(undirected, axis=0, return_inverse=True)
    corner_edge = corner_edge.ravel()
    edge_face_sum = np.zeros((len(edges), 3))
    np.add.at(edge_face_sum, corner_edge, face_points[corners.face])
    if np.any(np.bincount(corner_edge, minlength=len(edges)) != 2):
        raise ValueError("catmull_clark needs a closed manifold: every edge in exactly two faces")
    edge_midpoints = vertices[edges].mean(axis=1)
    edge_points = (2.0 * edge_midpoints + edge_face_sum) / 4.0

    valence = np.bincount(corners.vertex, minlength=num_vertices)[:, None].astype(float)
    face_avg = np.zeros((num_vertices, 3))
    np.add.at(face_avg, corners.vertex, face_points[corners.face])
    face_avg /= valence
    # Each corner's outgoing edge visits every edge around a vertex exactly once on a
    # closed manifold, so summing over corners averages the incident edge midpoints.
    edge_avg = np.zeros((num_vertices, 3))
    np.add.at(edge_avg, corners.vertex, edge_midpoints[corner_edge])
    edge_avg /= valence
    moved = (face_avg + 2.0 * edge_avg + (valence - 3.0) * vertices) / valence

    prev_edge_key = np.sort(np.stack([corners.prev, corners.vertex], 1), axis=1)
    prev_edge = _lookup_rows(edges, prev_edge_key)
    quads = np.stack(
        [
            corners.vertex,
            num_vertices + corner_edge,
            num_vertices + len(edges) + corners.face,
            num_vertices + prev_edge,
        ],
        axis=1,
    )
    return np.concatenate([moved, edge_points, face_points]), quads


def _lookup_rows(table: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Row index in sorted unique ``table`` (N, 2) of each row of ``keys`` (M, 2)."""
    width = int(table.max()) + 1
    table_codes = table[:, 0] * width + table[:, 1]
    return np.searchsorted(table_codes, keys[:, 0] * width + keys[:, 1])


def triangulate_quads(vertices: np.ndarray, quads: np.ndarray) -> np.ndarray:
    """Splits each quad (a, b, c, d) along its shorter diagonal → (2Q, 3) triangles, same winding"""
    a, b, c, d = quads.T
    ac = np.linalg.norm(vertices[a] - vertices[c], axis=1)
    bd = np.linalg.norm(vertices[b] - vertices[d], axis=1)
    split_ac = (ac <= bd)[:, None]
    first = np.where(split_ac, np.stack([a, b, c], 1), np.stack([a, b, d], 1))
    second = np.where(split_ac, np.stack([a, c, d], 1), np.stack([b, c, d], 1))
    return np.concatenate([first, second]).astype(np.int32)


@dataclass(frozen=True)
class ClosedMeshReport:
    """What `check_closed_mesh` found; ``problems`` is empty for a valid closed surface."""

    euler_characteristic: int
    volume: float
    problems: tuple[str, ...]


def check_closed_mesh(vertices: np.ndarray, faces: np.ndarray) -> ClosedMeshReport:
    """Checks a triangle mesh is a closed, consistently oriented, outward-facing surface.

    Closed and oriented: every directed edge appears exactly once and its reverse exactly
    once. Outward: positive signed volume. Also reports unused vertices and degenerate faces.
    """
    problems = []
    directed = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    unique_directed, counts = np.unique(directed, axis=0, return_counts=True)
    if np.any(counts > 1):
        problems.append(f"{int(np.sum(counts > 1))} directed edges used twice (flipped faces)")
    reverse = {tuple(edge) for edge in unique_directed.tolist()}
    missing = sum((b, a) not in reverse for a, b in unique_directed.tolist())
    if missing:
        problems.append(f"{missing} edges without a matching opposite edge (holes)")
    unused = len(vertices) - len(np.unique(faces))
    if unused:
        problems.append(f"{unused} vertices used by no face")
    if np.any(
        (faces[:, 0] == faces[:, 1]) | (faces[:, 1] == faces[:, 2]) | (faces[:, 0] == faces[:, 2])
    ):
        problems.append("faces with repeated vertices")
    volume = signed_volume(vertices, faces)
    if volume <= 0:
        problems.append(f"signed volume {volume:.3g} m³ is not positive (inward normals)")
    edges = len(unique_directed) // 2
    euler = len(np.unique(faces)) - edges + len(faces)
    return ClosedMeshReport(euler, volume, tuple(problems))
