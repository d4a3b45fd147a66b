"""All training losses in one module, one method per term, weights in one dict.

Targets (root-relative 3D in meters, camera axes; 2D in input pixels):
    joints (B, 21, 3), vertices (B, V, 3), keypoints_2d (B, 21, 2), and ``valid_3d`` (B,)
    marking samples whose 3D annotation exists (every FreiHAND and synthetic sample has one).
Terms: 3D joints and vertices (L1), coarse vertices (L1 against the full mesh sampled at the
coarse indices), multi-scale heatmaps (cross-entropy against normalised Gaussians), the
heatmaps' soft-argmax keypoints (L1, normalised crop coordinates: cross-entropy alone lets
a map spread over the whole hand, whose centroid sits on the palm), 2D
reprojection of the 3D joints through the predicted weak-perspective camera (L1, in
normalised crop coordinates), mesh edge lengths and face normals against the ground truth.
"""

from __future__ import annotations

import torch
from torch import nn

from model.net.heatmaps import crop_coordinates, gaussian_targets

DEFAULT_WEIGHTS: dict[str, float] = {
    "joints": 1.0,
    "vertices": 1.0,
    "coarse_vertices": 0.5,
    "heatmaps": 1.0,
    "keypoints": 1.0,
    "reprojection": 0.1,
    "edges": 1.0,
    "normals": 0.05,
}
# 3D errors are in meters: a few millimetres. Scale them to the other terms' magnitude.
_METERS_TO_CENTIMETERS = 100.0


class HandMeshLoss(nn.Module):
    def __init__(
        self,
        faces: torch.Tensor,
        coarse_indices: torch.Tensor,
        input_size: int,
        weights: dict[str, float] | None = None,
    ) -> None:
        super().__init__()
        self.weights = {**DEFAULT_WEIGHTS, **(weights or {})}
        unknown = set(self.weights) - set(DEFAULT_WEIGHTS)
        if unknown:
            raise ValueError(
                f"unknown loss terms {sorted(unknown)}; known: {sorted(DEFAULT_WEIGHTS)}"
            )
        self.input_size = input_size
        faces = torch.as_tensor(faces, dtype=torch.long)
        self.register_buffer("faces", faces, persistent=False)
        edges = (
            torch.cat([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
            .sort(dim=1)
            .values.unique(dim=0)
        )
        self.register_buffer("edges", edges, persistent=False)
        self.register_buffer(
            "coarse_indices", torch.as_tensor(coarse_indices, dtype=torch.long), persistent=False
        )

    def forward(self, outputs: dict, targets: dict) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        """Returns the weighted total and each unweighted term (for logging)."""
        terms = {
            "joints": self.joints(outputs, targets),
            "vertices": self.vertices(outputs, targets),
            "coarse_vertices": self.coarse_vertices(outputs, targets),
            "heatmaps": self.heatmaps(outputs, targets),
            "keypoints": self.keypoints(outputs, targets),
            "reprojection": self.reprojection(outputs, targets),
            "edges": self.edges_term(outputs, targets),
            "normals": self.normals(outputs, targets),
        }
        total = sum(self.weights[name] * value for name, value in terms.items())
        return total, terms

    @staticmethod
    def _masked_mean(per_sample: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        valid = valid.to(per_sample.dtype)
        return (per_sample * valid).sum() / valid.sum().clamp_min(1.0)

    def joints(self, outputs: dict, targets: dict) -> torch.Tensor:
        error = (outputs["joints"] - targets["joints"]).abs().mean((1, 2)) * _METERS_TO_CENTIMETERS
        return self._masked_mean(error, targets["valid_3d"])

    def vertices(self, outputs: dict, targets: dict) -> torch.Tensor:
        error = (outputs["vertices"] - targets["vertices"]).abs().mean(
            (1, 2)
        ) * _METERS_TO_CENTIMETERS
        return self._masked_mean(error, targets["valid_3d"])

    def coarse_vertices(self, outputs: dict, targets: dict) -> torch.Tensor:
        target = targets["vertices"][:, self.coarse_indices]
        error = (outputs["coarse_vertices"] - target).abs().mean((1, 2)) * _METERS_TO_CENTIMETERS
        return self._masked_mean(error, targets["valid_3d"])

    def heatmaps(self, outputs: dict, targets: dict) -> torch.Tensor:
        total = 0.0
        for logits in outputs["heatmaps"]:
            target = gaussian_targets(targets["keypoints_2d"], logits.shape[-2:], self.input_size)
            log_probabilities = logits.flatten(2).log_softmax(-1)
            total = total + -(target.flatten(2) * log_probabilities).sum(-1).mean()
        return total / len(outputs["heatmaps"])

    def keypoints(self, outputs: dict, targets: dict) -> torch.Tensor:
        predicted = crop_coordinates(outputs["keypoints_2d"], self.input_size)
        return (predicted - crop_coordinates(targets["keypoints_2d"], self.input_size)).abs().mean()

    def reprojection(self, outputs: dict, targets: dict) -> torch.Tensor:
        camera = outputs["camera"]
        projected = camera[:, None, :1] * outputs["joints"][..., :2] + camera[:, None, 1:]
        target = crop_coordinates(targets["keypoints_2d"], self.input_size)
        return (projected - target).abs().mean()

    def edges_term(self, outputs: dict, targets: dict) -> torch.Tensor:
        def lengths(vertices: torch.Tensor) -> torch.Tensor:
            return (vertices[:, self.edges[:, 0]] - vertices[:, self.edges[:, 1]]).norm(dim=-1)

        error = (lengths(outputs["vertices"]) - lengths(targets["vertices"])).abs().mean(
            1
        ) * _METERS_TO_CENTIMETERS
        return self._masked_mean(error, targets["valid_3d"])

    def normals(self, outputs: dict, targets: dict) -> torch.Tensor:
        """1 − cos between predicted and true face normals (orientation of the surface)."""

        def face_normals(vertices: torch.Tensor) -> torch.Tensor:
            a, b, c = (vertices[:, self.faces[:, i]] for i in range(3))
            return torch.nn.functional.normalize(torch.cross(b - a, c - a, dim=-1), dim=-1)

        cosine = (face_normals(outputs["vertices"]) * face_normals(targets["vertices"])).sum(-1)
        return self._masked_mean((1.0 - cosine).mean(1), targets["valid_3d"])
