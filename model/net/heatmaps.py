"""Multi-scale 2D joint heatmaps: heads, soft-argmax, Gaussian targets.

A top-down feature pyramid feeds the heads: every stage's features are projected to one
width and each coarser level is upsampled and added into the next finer one, so the finest
map (stride 4) sees the deep stages' context — which finger is which — at the shallow
stage's resolution. Heads on the three finest levels (strides 4, 8, 16) predict 21 heatmap
logits each. (Fusing only the heads' logits left the fine map with the shallow stage's
features alone; its soft-argmax keypoints collapsed onto the palm.) Soft-argmax of a
softmax over each map gives differentiable 2D keypoints, in pixels of the network input
(pixel centres at integer coordinates).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional

NUM_KEYPOINTS = 21
HEATMAP_LEVELS = 3


class HeatmapHeads(nn.Module):
    """Stage features [(B, C_i, H_i, W_i)], i = 0..3 → logits per scale (B, 21, H_i, W_i)
    for the three finest, finest first."""

    def __init__(self, stage_dims: tuple[int, ...], width: int) -> None:
        super().__init__()
        self.laterals = nn.ModuleList(nn.Conv2d(dim, width, 1) for dim in stage_dims)
        self.heads = nn.ModuleList(
            nn.Sequential(
                nn.Conv2d(width, width, 3, padding=1, groups=width),
                nn.Conv2d(width, width, 1),
                nn.GELU(),
                nn.Conv2d(width, NUM_KEYPOINTS, 1),
            )
            for _ in range(HEATMAP_LEVELS)
        )

    def forward(self, features: list[torch.Tensor]) -> list[torch.Tensor]:
        pyramid = [
            lateral(feature) for lateral, feature in zip(self.laterals, features, strict=True)
        ]
        for index in range(len(pyramid) - 2, -1, -1):
            pyramid[index] = pyramid[index] + functional.interpolate(
                pyramid[index + 1], size=pyramid[index].shape[-2:], mode="nearest"
            )
        return [
            head(level) for head, level in zip(self.heads, pyramid[:HEATMAP_LEVELS], strict=True)
        ]


def crop_coordinates(pixels: torch.Tensor, input_size: int) -> torch.Tensor:
    """Input pixels → crop coordinates in [-1, 1] (pixel centres 0 and S − 1 at the ends):
    the scale-free 2D the decoder reads and the 2D losses compare in."""
    return pixels / (input_size - 1) * 2.0 - 1.0


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
