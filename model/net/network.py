"""HandMeshNet: backbone → multi-scale heatmaps → mesh decoder, and its factory.

Input: (B, 3, S, S) RGB in [0, 1] (S = config.input_size), a crop around the hand.
Output dict (see `MeshDecoder` for the 3D parts):
    heatmaps: [(B, 21, S/4, S/4), (B, 21, S/8, S/8), (B, 21, S/16, S/16)] logits
    keypoints_2d: (B, 21, 2) input pixels, from the fused finest heatmap (soft-argmax)
    keypoint_confidence: (B, 21) in [0, 1]
    joints, coarse_vertices, vertices: root-relative, camera axes, m; camera: (B, 3)
"""

from __future__ import annotations

import torch
from torch import nn

from model.hand.model import HandModel
from model.net.backbone import PoolAttentionBackbone
from model.net.coarse_mesh import CoarseMesh, build_coarse_mesh
from model.net.config import NetConfig
from model.net.decoder import MeshDecoder
from model.net.heatmaps import HeatmapHeads, soft_argmax

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


class HandMeshNet(nn.Module):
    def __init__(self, config: NetConfig, coarse: CoarseMesh, faces: torch.Tensor) -> None:
        super().__init__()
        self.config = config
        self.backbone = PoolAttentionBackbone(config)
        self.heatmap_heads = HeatmapHeads(config.stage_dims, config.stage_dims[1])
        self.decoder = MeshDecoder(config, coarse)
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))
        # Saved in checkpoints: the mesh the network was trained for.
        self.register_buffer("coarse_indices", torch.as_tensor(coarse.indices, dtype=torch.long))
        self.register_buffer("faces", torch.as_tensor(faces, dtype=torch.long))

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor | list[torch.Tensor]]:
        features = self.backbone((images - self.mean) / self.std)
        heatmaps = self.heatmap_heads(features)
        keypoints_2d, confidence = soft_argmax(heatmaps[0], self.config.input_size)
        outputs = self.decoder(features[2], features[3], heatmaps[2], keypoints_2d)
        return {
            "heatmaps": heatmaps,
            "keypoints_2d": keypoints_2d,
            "keypoint_confidence": confidence,
            **outputs,
        }


def build_network(config: NetConfig, hand: HandModel) -> HandMeshNet:
    """The network for ``hand`` (its coarse mesh and upsampler are derived from it)."""
    coarse = build_coarse_mesh(hand, count=config.coarse_vertices)
    return HandMeshNet(config, coarse, torch.as_tensor(hand.faces))
