"""A coarse version of the hand mesh for the decoder's vertex tokens, and the matrix that
maps coarse vertices back to the full mesh.

Computed from whichever hand model is in use (built-in or MANO), deterministically, and
saved inside every checkpoint (as network buffers), so a trained model carries the exact
coarse mesh it was trained with:
- coarse vertices: farthest-point sampling over the template's surface graph (geodesic,
  not Euclidean, so fingers that touch in space do not share samples), starting at the
  wrist-most vertex;
- adjacency: two coarse vertices are neighbours when their geodesic Voronoi regions touch;
  the decoder masks vertex-to-vertex self-attention with it (plus self);
- upsampling: each full vertex is an affine blend (weights sum to 1) of its four
  geodesically nearest coarse vertices that reproduces the template, pulled toward
  inverse-distance weights so it does not extrapolate wildly once the hand bends. The
  network's upsampler starts from this matrix and keeps learning.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse
from scipy.sparse.csgraph import dijkstra

from model.hand.model import HandModel


@dataclass(frozen=True)
class CoarseMesh:
    """indices (N,) full-mesh vertex ids; adjacency (N, N) bool incl. self; upsample (V, N)."""

    indices: np.ndarray
    adjacency: np.ndarray
    upsample: np.ndarray


def _edge_graph(vertices: np.ndarray, faces: np.ndarray) -> scipy.sparse.csr_matrix:
    edges = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    lengths = np.linalg.norm(vertices[edges[:, 0]] - vertices[edges[:, 1]], axis=1)
    graph = scipy.sparse.coo_matrix(
        (lengths, (edges[:, 0], edges[:, 1])), shape=(len(vertices),) * 2
    )
    return graph.maximum(graph.T).tocsr()


def build_coarse_mesh(
    hand: HandModel, count: int = 192, neighbours: int = 4, ridge: float = 1e-5
) -> CoarseMesh:
    vertices, faces = hand.template, hand.faces
    if not 4 <= count < len(vertices):
        raise ValueError(f"coarse vertex count must be in [4, {len(vertices)}), got {count}")
    graph = _edge_graph(vertices, faces)
    selected = [int(np.argmin(vertices[:, 0]))]
    distance = dijkstra(graph, indices=selected[0])
    while len(selected) < count:
        selected.append(int(np.argmax(distance)))
        distance = np.minimum(distance, dijkstra(graph, indices=selected[-1]))
    indices = np.array(selected)
    geodesic = dijkstra(graph, indices=indices).T  # (V, N)
    if not np.all(np.isfinite(geodesic)):
        raise ValueError("the hand mesh is not connected; cannot build a coarse mesh")
    region = np.argmin(geodesic, axis=1)
    edges = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    adjacency = np.eye(count, dtype=bool)
    adjacency[region[edges[:, 0]], region[edges[:, 1]]] = True
    adjacency |= adjacency.T
    nearest = np.argsort(geodesic, axis=1, kind="stable")[:, :neighbours]
    inverse = 1.0 / (np.take_along_axis(geodesic, nearest, axis=1) + 1e-4)
    prior = inverse / inverse.sum(axis=1, keepdims=True)  # (V, k)
    # Per vertex: rows [x; y; z; 1] of its neighbours must reproduce [v; 1].
    system = np.concatenate(
        [np.swapaxes(vertices[indices[nearest]], 1, 2), np.ones((len(vertices), 1, neighbours))], 1
    )
    target = np.concatenate([vertices, np.ones((len(vertices), 1))], 1)
    normal = np.swapaxes(system, 1, 2) @ system + ridge * np.eye(neighbours)
    residual = target - np.einsum("vij,vj->vi", system, prior)
    weights = (
        prior
        + np.linalg.solve(normal, np.einsum("vji,vj->vi", system, residual)[..., None])[..., 0]
    )
    upsample = np.zeros((len(vertices), count))
    np.put_along_axis(upsample, nearest, weights / weights.sum(axis=1, keepdims=True), axis=1)
    return CoarseMesh(indices, adjacency, upsample)
