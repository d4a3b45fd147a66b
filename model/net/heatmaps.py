"""Multi-scale 2D joint heatmaps: heads, soft-argmax, Gaussian targets.

Three backbone stages (strides 4, 8, 16) each predict 21 heatmap logits; the finest scale
also receives the coarser ones upsampled (top-down), so the fused map has both context and
resolution. Soft-argmax of a softmax over each map gives differentiable 2D keypoints, in
pixels of the network input (pixel centres at integer coordinates).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional

NUM_KEYPOINTS = 21


class HeatmapHeads(nn.Module):
    """Stage features [(B, C_i, H_i, W_i)] for i = 0, 1, 2 → logits per scale (B, 21, H_i, W_i),
    finest first; each coarser scale's logits are added, upsampled, into the finer one."""

    def __init__(self, stage_dims: tuple[int, ...]) -> None:
        super().__init__()
        self.heads = nn.ModuleList(
            nn.Sequential(
                nn.Conv2d(dim, dim, 3, padding=1, groups=dim),
                nn.GELU(),
                nn.Conv2d(dim, NUM_KEYPOINTS, 1),
            )
            for dim in stage_dims
        )

    def forward(self, features: list[torch.Tensor]) -> list[torch.Tensor]:
        logits = [head(feature) for head, feature in zip(self.heads, features, strict=True)]
        for index in range(len(logits) - 2, -1, -1):
            coarser = functional.interpolate(
                logits[index + 1],
                size=logits[index].shape[-2:],
                mode="bilinear",
                align_corners=False,
            )
            logits[index] = logits[index] + coarser
        return logits


def soft_argmax(logits: torch.Tensor, input_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits (B, J, h, w) → keypoints (B, J, 2) in input pixels and confidence (B, J).

    Confidence is the probability mass within one heatmap cell of the expected position:
    high for a sharp, single peak, low for a spread or multi-modal map.
    """
    batch, joints, height, width = logits.shape
    probabilities = logits.flatten(2).softmax(-1).view(batch, joints, height, width)
    stride_y, stride_x = input_size / height, input_size / width
    # Cell centres in input pixels (pixel centres at integers).
    ys = (torch.arange(height, device=logits.device, dtype=logits.dtype) + 0.5) * stride_y - 0.5
    xs = (torch.arange(width, device=logits.device, dtype=logits.dtype) + 0.5) * stride_x - 0.5
    x = (probabilities.sum(2) * xs).sum(-1)
    y = (probabilities.sum(3) * ys).sum(-1)
    keypoints = torch.stack([x, y], -1)
    near = ((xs.view(1, 1, 1, -1) - x[..., None, None]).abs() <= stride_x) & (
        (ys.view(1, 1, -1, 1) - y[..., None, None]).abs() <= stride_y
    )
    confidence = (probabilities * near).flatten(2).sum(-1)
    return keypoints, confidence


def gaussian_targets(
    keypoints_px: torch.Tensor, size: tuple[int, int], input_size: int, sigma_px: float = 4.0
) -> torch.Tensor:
    """Target heatmaps (B, J, h, w), a normalised Gaussian (sums to 1) around each keypoint.

    keypoints_px (B, J, 2) in input pixels; ``sigma_px`` is in input pixels so all scales
    describe the same blob. Keypoints outside the image still get their (truncated) blob.
    """
    height, width = size
    stride_y, stride_x = input_size / height, input_size / width
    ys = (
        torch.arange(height, device=keypoints_px.device, dtype=keypoints_px.dtype) + 0.5
    ) * stride_y - 0.5
    xs = (
        torch.arange(width, device=keypoints_px.device, dtype=keypoints_px.dtype) + 0.5
    ) * stride_x - 0.5
    dx = xs.view(1, 1, 1, -1) - keypoints_px[..., 0, None, None]
    dy = ys.view(1, 1, -1, 1) - keypoints_px[..., 1, None, None]
    sigma = max(sigma_px, 0.5 * max(stride_x, stride_y))
    blob = torch.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma))
    return blob / blob.flatten(2).sum(-1).clamp_min(1e-12)[..., None, None]
