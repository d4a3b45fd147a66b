"""The network: pooling-attention backbone, multi-scale heatmaps, mesh decoder, losses."""
