"""The HandPlayer agent's continuous action: one hand pose, the values of a protocol `hand`.

Layout, 67 float32 (camera frame of PROTOCOL.md §3, meters; quaternions x, y, z, w):

    [0:3]   wrist_position     (3,)
    [3:7]   wrist_rotation     (4,)   hand model frame → camera frame, rest-relative
    [7:67]  local_rotations    (15, 4) joints 1..15, rest-relative, in the parent's frame

The sizes come from the protocol's own `hand` table (`protocol.schemas.HAND`), so the action
and a `hands` message cannot disagree; the C# side (Runtime/Core/Bridge/ActionLayout.cs)
spells out the same offsets and a test compares the two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from protocol.messages import Hand, Hands
from protocol.schemas import HAND

POSE_FIELDS = ("wrist_position", "wrist_rotation", "local_rotations")
"""The `hand` fields an action carries, in action order."""


def _pose_layout() -> dict[str, tuple[slice, tuple[int, ...]]]:
    kinds = {field.name: field.kind for field in HAND.fields}
    layout, start = {}, 0
    for name in POSE_FIELDS:
        shape = kinds[name].shape
        size = math.prod(shape)
        layout[name] = (slice(start, start + size), shape)
        start += size
    return layout


LAYOUT = _pose_layout()
ACTION_SIZE = max(part.stop for part, _ in LAYOUT.values())
WRIST_POSITION, WRIST_ROTATION, LOCAL_ROTATIONS = (LAYOUT[name][0] for name in POSE_FIELDS)

IDENTITY = np.array([0.0, 0.0, 0.0, 1.0], np.float32)
REST_WRIST_POSITION_M = (0.0, 0.0, 0.45)
"""Where a hand with nothing to show waits: on the optical axis, 45 cm from the camera."""


@dataclass(frozen=True)
class HandPose:
    """The pose part of a protocol `hand`: wrist_position (3,) m, wrist_rotation (4,) and
    local_rotations (15, 4) as (x, y, z, w), all float32 in the camera frame."""

    wrist_position: np.ndarray
    wrist_rotation: np.ndarray
    local_rotations: np.ndarray


def action_from_hand(hand: Hand) -> np.ndarray:
    """The (67,) float32 action that poses the engine's hand as ``hand`` does."""
    action = np.empty(ACTION_SIZE, np.float32)
    for name in POSE_FIELDS:
        action[LAYOUT[name][0]] = np.asarray(getattr(hand, name), np.float32).reshape(-1)
    return action


def pose_from_action(action: np.ndarray) -> HandPose:
    """Splits a (67,) action into its pose fields; refuses a wrong size or a non-finite
    value (the engine would pose a hand at infinity)."""
    values = np.asarray(action, np.float32)
    if values.shape != (ACTION_SIZE,):
        raise ValueError(f"a hand action has shape ({ACTION_SIZE},), got {values.shape}")
    if not np.isfinite(values).all():
        raise ValueError("a hand action must be finite (no NaN or infinity)")
    parts = {name: values[part].reshape(shape) for name, (part, shape) in LAYOUT.items()}
    return HandPose(**parts)


def rest_action(wrist_position_m: tuple[float, float, float] = REST_WRIST_POSITION_M) -> np.ndarray:
    """The rest pose (identity rotations) with the wrist at ``wrist_position_m``."""
    action = np.empty(ACTION_SIZE, np.float32)
    action[WRIST_POSITION] = wrist_position_m
    action[WRIST_ROTATION] = IDENTITY
    action[LOCAL_ROTATIONS] = np.tile(IDENTITY, LAYOUT["local_rotations"][1][0])
    return action


def best_hand(hands: Hands) -> Hand | None:
    """The most confident hand of a result (the game has one hand), or None for no hand."""
    return max(hands.hands, key=lambda hand: hand.score, default=None)
