"""Mesh decoder: learned joint and coarse-vertex tokens attending to image features.

Tokens: 21 joint tokens + N coarse-vertex tokens (N = 192 by default), width d.
- Heatmap guidance, twice: each joint token starts as its learned embedding plus the
  stage-3 image features pooled with that joint's own heatmap (softmax over the 14×14
  map), so a token begins where the 2D evidence for its joint is; and every token gets the
  2D skeleton itself — the heatmaps' soft-argmax keypoints, normalised, each joint's own
  position and its offset from the wrist for joint tokens, the whole 21-keypoint layout for
  all tokens. Pooled features say what a joint looks like, not where it is; the layout is
  most of the 3D answer (a joint's x, y offset from the wrist correlates 0.97 with its 2D
  offset on our data), and without it a first epoch left the 3D outputs at the dataset
  mean. Heatmaps and keypoints enter detached: the heatmap losses alone shape them.
- Self-attention among tokens, with vertex→vertex attention masked to coarse-mesh
  neighbours (and self): the mesh's topology, not a free-for-all, decides which vertices
  inform each other; joints see everything and everything sees the joints.
- Cross-attention to the image: stage-3 (14×14) and stage-4 (7×7) features, projected to d,
  with fixed 2D sine position encodings and a learned level embedding.
Outputs (root-relative: the wrist keypoint at the origin; camera-frame axes; meters):
joints (B, 21, 3), coarse vertices (B, N, 3), vertices (B, V, 3) through a learned linear
upsampler initialised from the coarse mesh's matrix, and weak-perspective camera
parameters (B, 3) = (scale, tx, ty) mapping x, y to normalised crop coordinates in [-1, 1].
"""

from __future__ import annotations

import math

import torch
from torch import nn

from model.net.coarse_mesh import CoarseMesh
from model.net.config import NetConfig
from model.net.heatmaps import crop_coordinates

NUM_JOINTS = 21
OUTPUT_SCALE_M = 0.1  # heads predict decimetres: values near 1 train better than 0.05


def sine_positions(height: int, width: int, dim: int, device: torch.device) -> torch.Tensor:
    """Fixed 2D sine/cosine position encodings (h·w, dim), half for y and half for x."""
    quarter = dim // 4
    frequencies = torch.exp(
        torch.arange(quarter, device=device) * (-math.log(1000.0) / max(quarter - 1, 1))
    )
    ys = torch.arange(height, device=device, dtype=torch.float32)[:, None] / max(height - 1, 1)
    xs = torch.arange(width, device=device, dtype=torch.float32)[:, None] / max(width - 1, 1)
    y_code = torch.cat(
        [torch.sin(ys * frequencies * 2 * math.pi), torch.cos(ys * frequencies * 2 * math.pi)], 1
    )
    x_code = torch.cat(
        [torch.sin(xs * frequencies * 2 * math.pi), torch.cos(xs * frequencies * 2 * math.pi)], 1
    )
    grid = torch.cat(
        [y_code[:, None].expand(-1, width, -1), x_code[None].expand(height, -1, -1)], -1
    )
    return nn.functional.pad(grid.reshape(height * width, -1), (0, dim - 4 * quarter))


class DecoderLayer(nn.Module):
    """Pre-norm: masked self-attention, cross-attention to the image, MLP."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.norm_self = nn.LayerNorm(dim)
        self.self_attention = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm_cross = nn.LayerNorm(dim)
        self.cross_attention = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm_mlp = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(
        self,
        tokens: torch.Tensor,
        memory: torch.Tensor,
        memory_keys: torch.Tensor,
        self_mask: torch.Tensor,
    ) -> torch.Tensor:
        x = self.norm_self(tokens)
        tokens = tokens + self.self_attention(x, x, x, attn_mask=self_mask, need_weights=False)[0]
        x = self.norm_cross(tokens)
        tokens = tokens + self.cross_attention(x, memory_keys, memory, need_weights=False)[0]
        return tokens + self.mlp(self.norm_mlp(tokens))


class MeshDecoder(nn.Module):
    def __init__(self, config: NetConfig, coarse: CoarseMesh) -> None:
        super().__init__()
        dim = config.decoder_dim
        stage3, stage4 = config.stage_dims[2], config.stage_dims[3]
        coarse_count = len(coarse.indices)
        self.project3 = nn.Linear(stage3, dim)
        self.project4 = nn.Linear(stage4, dim)
        self.level_embedding = nn.Parameter(torch.zeros(2, dim))
        # Unit-variance queries (as DETR's), as large as the image features added to them:
        # until the heatmaps are sharp, the embedding is all that tells one joint (vertex)
        # token from another.
        self.joint_embedding = nn.Parameter(torch.randn(NUM_JOINTS, dim))
        self.vertex_embedding = nn.Parameter(torch.randn(coarse_count, dim))
        self.joint_from_heatmap = nn.Linear(stage3, dim)
        self.input_size = config.input_size
        self.joint_from_keypoint = nn.Sequential(nn.Linear(4, dim), nn.GELU(), nn.Linear(dim, dim))
        self.pose_from_keypoints = nn.Sequential(
            nn.Linear(2 * NUM_JOINTS, dim), nn.GELU(), nn.Linear(dim, dim)
        )
        self.global_to_vertices = nn.Linear(stage4, dim)
        self.layers = nn.ModuleList(
            DecoderLayer(dim, config.decoder_heads) for _ in range(config.decoder_layers)
        )
        self.norm = nn.LayerNorm(dim)
        self.joint_head = nn.Linear(dim, 3)
        self.vertex_head = nn.Linear(dim, 3)
        self.camera_head = nn.Linear(dim, 3)
        self.upsample = nn.Linear(coarse_count, coarse.upsample.shape[0], bias=False)
        with torch.no_grad():
            self.upsample.weight.copy_(torch.as_tensor(coarse.upsample, dtype=torch.float32))
        blocked = torch.zeros(
            NUM_JOINTS + coarse_count, NUM_JOINTS + coarse_count, dtype=torch.bool
        )
        blocked[NUM_JOINTS:, NUM_JOINTS:] = ~torch.as_tensor(coarse.adjacency)
        # Additive (−inf) rather than boolean: PyTorch then uses its fused attention kernel
        # instead of a separate masked softmax (about 1 ms of a tiny CPU forward).
        additive = torch.zeros(blocked.shape).masked_fill(blocked, float("-inf"))
        self.register_buffer("self_mask", additive, persistent=False)

    def forward(
        self,
        stage3: torch.Tensor,
        stage4: torch.Tensor,
        heatmap3: torch.Tensor,
        keypoints_2d: torch.Tensor,
    ) -> dict[str, torch.Tensor]:
        """stage3 (B, C3, h, w), stage4 (B, C4, h/2, w/2), heatmap3 logits (B, 21, h, w),
        keypoints_2d (B, 21, 2) in input pixels (the heatmaps' soft-argmax)."""
        batch = stage3.shape[0]
        flat3 = stage3.flatten(2).transpose(1, 2)  # (B, h·w, C3)
        flat4 = stage4.flatten(2).transpose(1, 2)
        memory = torch.cat(
            [
                self.project3(flat3) + self.level_embedding[0],
                self.project4(flat4) + self.level_embedding[1],
            ],
            1,
        )
        positions = torch.cat(
            [
                sine_positions(*stage3.shape[-2:], memory.shape[-1], memory.device),
                sine_positions(*stage4.shape[-2:], memory.shape[-1], memory.device),
            ]
        ).to(memory.dtype)
        memory_keys = memory + positions

        # Detached, like the keypoints: left attached, the 3D losses sent 13× more gradient
        # into these logits than the heatmap losses did and flattened them into broad
        # pooling windows (measured on a checkpoint at step 1400), and the pyramid shares
        # that damage with the finer maps.
        attention = heatmap3.detach().flatten(2).softmax(-1)  # (B, 21, h·w)
        uv = crop_coordinates(keypoints_2d.detach(), self.input_size)  # (B, 21, 2)
        layout = self.pose_from_keypoints((uv - uv[:, :1]).flatten(1))[:, None]  # (B, 1, d)
        joints = (
            self.joint_embedding
            + self.joint_from_heatmap(attention @ flat3)
            + self.joint_from_keypoint(torch.cat([uv, uv - uv[:, :1]], -1))
        )
        vertices = self.vertex_embedding + self.global_to_vertices(flat4.mean(1))[:, None]
        tokens = torch.cat([joints, vertices.expand(batch, -1, -1)], 1) + layout
        for layer in self.layers:
            tokens = layer(tokens, memory, memory_keys, self.self_mask)
        tokens = self.norm(tokens)
        joint_tokens, vertex_tokens = tokens[:, :NUM_JOINTS], tokens[:, NUM_JOINTS:]
        joints_m = self.joint_head(joint_tokens) * OUTPUT_SCALE_M
        coarse_m = self.vertex_head(vertex_tokens) * OUTPUT_SCALE_M
        # Root-relative: the wrist keypoint is the origin by construction.
        root = joints_m[:, :1]
        joints_m, coarse_m = joints_m - root, coarse_m - root
        vertices_m = self.upsample(coarse_m.transpose(1, 2)).transpose(1, 2)
        camera = self.camera_head(joint_tokens.mean(1))
        camera = torch.cat([nn.functional.softplus(camera[:, :1] + 2.0), camera[:, 1:]], 1)
        return {
            "joints": joints_m,
            "coarse_vertices": coarse_m,
            "vertices": vertices_m,
            "camera": camera,
        }
