"""Colour for the antialiased fringe: pixels the mesh partly covers but whose centre it misses.

The surface pass shades pixel centres only, so such a pixel has no colour of its own,
yet compositing gives it weight ``coverage``; left black it would draw a dark outline.
The colour the surface has there is, to within a pixel, that of the covered pixels next
to it, so the fringe takes the mean of its covered 3×3 neighbours. Only fringe pixels
are touched (a few hundred on a hand), so this costs far less than a full-image filter.
"""

from __future__ import annotations

import numpy as np

_OFFSETS = np.arange(-1, 2)


def fill_fringe(rgb: np.ndarray, mask: np.ndarray, coverage: np.ndarray) -> None:
    """Writes the fringe's colour into ``rgb`` (H, W, 3) uint8, in place.

    mask (H, W) bool: pixel centres on the mesh (their colour is valid); coverage (H, W)
    float in [0, 1]. A fringe pixel with no covered neighbour (a sliver thinner than a
    pixel between sample points) stays as it is; its coverage is a sample or two.
    """
    rows, cols = np.nonzero(coverage > mask)  # covered somewhere, but not at the centre
    if rows.size == 0:
        return
    height, width = mask.shape
    # (9, N): the 3×3 neighbourhood of each fringe pixel, clamped to the image.
    neighbour_rows = rows + np.repeat(_OFFSETS, 3)[:, None]
    neighbour_cols = cols + np.tile(_OFFSETS, 3)[:, None]
    inside = (neighbour_rows >= 0) & (neighbour_rows < height)
    inside &= (neighbour_cols >= 0) & (neighbour_cols < width)
    neighbour_rows = neighbour_rows.clip(0, height - 1)
    neighbour_cols = neighbour_cols.clip(0, width - 1)
    on_mesh = inside & mask[neighbour_rows, neighbour_cols]
    count = on_mesh.sum(axis=0)
    total = (rgb[neighbour_rows, neighbour_cols] * on_mesh[..., None]).sum(axis=0)
    has_neighbour = count > 0
    mean = total[has_neighbour] / count[has_neighbour, None]
    rgb[rows[has_neighbour], cols[has_neighbour]] = np.rint(mean).astype(np.uint8)
