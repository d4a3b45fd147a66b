"""Hierarchical pooling-attention transformer (in the spirit of POTTER's PoolAttnFormer).

Input (B, 3, H, W) normalised RGB → four feature maps at strides 4, 8, 16, 32 with
``stage_dims`` channels. Each block: norm → pooling-attention token mixer → layer scale →
drop path, then norm → MLP (1×1 convolutions) → layer scale → drop path.

The token mixer replaces all-pairs self-attention (quadratic in the number of patches)
by two pooled interactions, each linear in the number of patches:
- spatial: every channel's map is pooled to ``k`` columns (H × k) and to ``k`` rows
  (k × W); their product is a rank-k spatial interaction map (H × W): each patch mixes
  with the summaries of its row and its column;
- channels: each patch's channels are split into groups; pooling over groups and over
  channels within a group and multiplying gives a low-rank channel interaction per patch.
Their sum is refined by a depthwise 3×3 convolution, normalised and projected. This is
what lets the network look at the whole hand (occluding fingers included) at a small
fraction of attention's cost.
"""

from __future__ import annotations

import torch
from torch import nn

from model.net.config import NetConfig

LAYER_SCALE_INIT = 0.1


class ChannelNorm(nn.GroupNorm):
    """Normalises over channels and space of each sample (a GroupNorm with one group)."""

    def __init__(self, channels: int) -> None:
        super().__init__(1, channels)


class DropPath(nn.Module):
    """Stochastic depth: drops a residual branch for whole samples during training."""

    def __init__(self, probability: float) -> None:
        super().__init__()
        self.probability = probability

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.probability == 0.0:
            return x
        keep = 1.0 - self.probability
        mask = x.new_empty((x.shape[0],) + (1,) * (x.ndim - 1)).bernoulli_(keep)
        return x * mask / keep


class PoolingAttention(nn.Module):
    """The token mixer: (B, C, H, W) → (B, C, H, W), cost O(H·W·C·k).

    Pooling is plain reshape-and-mean (much cheaper than adaptive pooling on a CPU), so
    ``pool_size`` must divide H and W at every stage (4 divides a 128 input's 32, 16, 8
    and 4; 7 a 224 input's 56, 28, 14 and 7), and
    channels form groups of 8 pooled to 4 (C must be a multiple of 32).
    """

    GROUP_WIDTH = 8
    GROUP_SUMMARY = 4

    def __init__(self, channels: int, pool_size: int = 7) -> None:
        super().__init__()
        if channels % (self.GROUP_WIDTH * self.GROUP_SUMMARY):
            raise ValueError(f"channels must be a multiple of 32, got {channels}")
        self.pool_size = pool_size
        self.refine = nn.Conv2d(channels, channels, 3, padding=1, groups=channels)
        self.norm = ChannelNorm(channels)
        self.project = nn.Conv2d(channels, channels, 3, padding=1, groups=channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, channels, height, width = x.shape
        k = self.pool_size
        if height % k or width % k:
            raise ValueError(
                f"pooling attention needs H and W divisible by {k}, got {height}×{width}"
            )
        rows = x.view(batch, channels, height, k, width // k).mean(-1)  # (B, C, H, k)
        columns = x.view(batch, channels, k, height // k, width).mean(3)  # (B, C, k, W)
        spatial = rows @ columns / k

        groups, summary = channels // self.GROUP_WIDTH, self.GROUP_SUMMARY
        tokens = (
            x.flatten(2).transpose(1, 2).reshape(batch, height * width, groups, self.GROUP_WIDTH)
        )
        per_group = tokens.view(batch, height * width, groups, summary, -1).mean(
            -1
        )  # (B, HW, G, s)
        across_groups = tokens.view(batch, height * width, summary, -1, self.GROUP_WIDTH).mean(
            3
        )  # (B, HW, s, 8)
        mixed = (per_group @ across_groups / summary).reshape(batch, height * width, channels)
        channel = mixed.transpose(1, 2).reshape(batch, channels, height, width)
        return self.project(self.norm(self.refine(spatial + channel)))


class Block(nn.Module):
    def __init__(self, channels: int, config: NetConfig, drop_path: float) -> None:
        super().__init__()
        hidden = int(channels * config.mlp_ratio)
        self.norm1 = ChannelNorm(channels)
        self.mixer = PoolingAttention(channels, config.pool_size)
        self.norm2 = ChannelNorm(channels)
        self.mlp = nn.Sequential(
            nn.Conv2d(channels, hidden, 1), nn.GELU(), nn.Conv2d(hidden, channels, 1)
        )
        # Layer scale: each residual branch starts small, so the stack trains stably. 0.1 is
        # the start CaiT gives for stacks this shallow; PoolFormer's 1e-5 suits deep ones, and
        # here it left most blocks near-silent after thousands of steps from scratch.
        self.scale1 = nn.Parameter(torch.full((channels,), LAYER_SCALE_INIT))
        self.scale2 = nn.Parameter(torch.full((channels,), LAYER_SCALE_INIT))
        self.drop_path = DropPath(drop_path)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.drop_path(self.scale1[:, None, None] * self.mixer(self.norm1(x)))
        return x + self.drop_path(self.scale2[:, None, None] * self.mlp(self.norm2(x)))


class PoolAttentionBackbone(nn.Module):
    """Returns the four stage outputs [(B, C_i, H/s_i, W/s_i)] for s = 4, 8, 16, 32."""

    def __init__(self, config: NetConfig) -> None:
        super().__init__()
        dims, depths = config.stage_dims, config.stage_depths
        self.stem = nn.Conv2d(3, dims[0], kernel_size=7, stride=4, padding=2)
        rates = torch.linspace(0, config.drop_path, sum(depths)).tolist()
        self.stages = nn.ModuleList()
        self.downsamples = nn.ModuleList()
        first = 0
        for index, (dim, depth) in enumerate(zip(dims, depths, strict=True)):
            self.stages.append(
                nn.Sequential(*[Block(dim, config, rates[first + i]) for i in range(depth)])
            )
            first += depth
            if index < 3:
                self.downsamples.append(
                    nn.Conv2d(dim, dims[index + 1], kernel_size=3, stride=2, padding=1)
                )
        self.out_norms = nn.ModuleList(ChannelNorm(dim) for dim in dims)
        self.apply(_init_weights)

    def forward(self, images: torch.Tensor) -> list[torch.Tensor]:
        x = self.stem(images)
        features = []
        for index, stage in enumerate(self.stages):
            x = stage(x)
            features.append(self.out_norms[index](x))
            if index < 3:
                x = self.downsamples[index](x)
        return features


def _init_weights(module: nn.Module) -> None:
    if isinstance(module, nn.Conv2d | nn.Linear):
        nn.init.trunc_normal_(module.weight, std=0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
