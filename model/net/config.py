"""Network sizes as small config records feeding one model class (`tiny`, `small`, `base`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class NetConfig:
    """Backbone: channels and blocks per stage; decoder: width, layers, heads; input size (px)."""

    name: str
    stage_dims: tuple[int, int, int, int]
    stage_depths: tuple[int, int, int, int]
    decoder_dim: int
    decoder_layers: int
    decoder_heads: int
    coarse_vertices: int = 192
    input_size: int = 224
    pool_size: int = 7  # rows/columns the pooling attention keeps: divides S/4 … S/32
    mlp_ratio: float = 4.0
    drop_path: float = 0.1

    def to_dict(self) -> dict:
        return asdict(self)


CONFIGS: dict[str, NetConfig] = {
    # Real time on a laptop CPU: narrow stages and a 3× MLP were measured against the
    # wider (32, 64, 160, 256) × (2, 2, 4, 2) × 4 variant at ~0.8× its latency; a 128 px
    # crop costs a third of 224's, for training on a CPU as much as for serving on one.
    "tiny": NetConfig(
        "tiny",
        (32, 64, 128, 256),
        (2, 2, 3, 2),
        128,
        2,
        4,
        input_size=128,
        pool_size=4,
        mlp_ratio=3.0,
    ),
    # A GPU's default: PoolFormer-S12-sized backbone.
    "small": NetConfig("small", (64, 128, 320, 512), (2, 2, 6, 2), 256, 3, 8),
    "base": NetConfig("base", (64, 128, 320, 512), (4, 4, 12, 4), 384, 4, 8, drop_path=0.2),
    # The smallest network the classes allow: tests and smoke runs that need seconds, not quality.
    "micro": NetConfig(
        "micro", (32, 32, 64, 64), (1, 1, 1, 1), 64, 1, 2, coarse_vertices=64, mlp_ratio=3.0
    ),
}


def get_config(name: str) -> NetConfig:
    if name not in CONFIGS:
        raise ValueError(f"unknown config {name!r}; choose one of {', '.join(CONFIGS)}")
    return CONFIGS[name]
