"""Proportions of the built-in hand and its named shape parameters.

An adult right hand in its rest pose: flat, fingers slightly fanned, thumb out at about
50° in the palm plane and tipped toward the palm. Model frame (meters): origin at the wrist
keypoint, +x toward the fingertips, +y toward the thumb (radial), +z out of the back of the
hand (dorsal), so the palm faces -z. Right-handed; with an identity wrist rotation the model
frame is the camera frame, i.e. the palm faces the camera.

Lengths follow published adult hand anthropometry (hand length ≈ 19 cm, breadth ≈ 8.5 cm).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

SHAPE_NAMES: tuple[str, ...] = (
    "size",
    "palm_width",
    "palm_length",
    "finger_length",
    "thumb_length",
    "thickness",
)
SHAPE_STEP = 0.1
"""One unit of a shape parameter changes its quantity by 10 %."""


@dataclass(frozen=True)
class FingerSpec:
    """One of the four long fingers; angles in radians, lengths and positions in meters."""

    knuckle: tuple[float, float]  # (x, y) of the MCP joint centre in the palm plane
    fan: float  # rest direction: rotation about +z away from +x
    lengths: tuple[float, float, float]  # MCP→PIP, PIP→DIP, DIP→fingertip
    radius: float  # half width at the base


@dataclass(frozen=True)
class ThumbSpec:
    cmc: tuple[float, float, float]  # carpometacarpal joint centre
    spread: float  # angle from +x toward +y in the palm plane
    tilt: float  # angle toward the palm (-z)
    roll: float  # rotation of the thumb pad about the thumb's axis, toward the fingers
    lengths: tuple[float, float, float]  # CMC→MCP, MCP→IP, IP→tip
    radius: float


@dataclass(frozen=True)
class Anatomy:
    index: FingerSpec = FingerSpec((0.088, 0.025), 0.09, (0.041, 0.025, 0.021), 0.0098)
    middle: FingerSpec = FingerSpec((0.092, 0.004), 0.0, (0.046, 0.029, 0.022), 0.0100)
    ring: FingerSpec = FingerSpec((0.087, -0.016), -0.08, (0.043, 0.027, 0.022), 0.0094)
    little: FingerSpec = FingerSpec((0.078, -0.034), -0.17, (0.034, 0.020, 0.020), 0.0084)
    thumb: ThumbSpec = ThumbSpec(
        (0.022, 0.020, -0.010),
        np.deg2rad(48.0),
        np.deg2rad(28.0),
        np.deg2rad(55.0),
        (0.044, 0.032, 0.026),
        0.0110,
    )
    palm_half_thickness: float = 0.0145
    wrist_end_x: float = -0.012  # the mesh ends a little proximal to the wrist keypoint
    wrist_narrowing: float = 0.78  # palm width at the wrist end relative to the knuckles

    @property
    def fingers(self) -> tuple[FingerSpec, ...]:
        return (self.index, self.middle, self.ring, self.little)

    def with_shape(self, shape: np.ndarray) -> Anatomy:
        """This hand changed by shape parameters (see `SHAPE_NAMES`; 0 = this hand)."""
        shape = np.asarray(shape, dtype=float)
        if shape.shape != (len(SHAPE_NAMES),) or not np.all(np.isfinite(shape)):
            raise ValueError(f"shape must be {len(SHAPE_NAMES)} finite numbers {SHAPE_NAMES}")
        size, width, length, fingers, thumb, thick = 1.0 + SHAPE_STEP * shape

        def finger(spec: FingerSpec) -> FingerSpec:
            return FingerSpec(
                (spec.knuckle[0] * length * size, spec.knuckle[1] * width * size),
                spec.fan,
                tuple(v * fingers * size for v in spec.lengths),
                spec.radius * thick * size,
            )

        t = self.thumb
        return replace(
            self,
            index=finger(self.index),
            middle=finger(self.middle),
            ring=finger(self.ring),
            little=finger(self.little),
            thumb=replace(
                t,
                cmc=(t.cmc[0] * length * size, t.cmc[1] * width * size, t.cmc[2] * thick * size),
                lengths=tuple(v * thumb * size for v in t.lengths),
                radius=t.radius * thick * size,
            ),
            palm_half_thickness=self.palm_half_thickness * thick * size,
            wrist_end_x=self.wrist_end_x * size,
        )
