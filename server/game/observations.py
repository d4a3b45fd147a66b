"""The HandPlayer agent's vector observation: the game as a policy sees it.

One float32 vector of 61 values; positions in the camera frame of PROTOCOL.md §3, meters,
the frame the action's hand pose is in, so a policy reaches with the same numbers it sees:

    [0]      round_left    fraction of the round still to play: 1 at the start, 0 at the end
    [1]      pinching      1 while thumb and index tips hold a pinch (the game's grab), else 0
    [2:5]    pinch_point   midway between the thumb and index tips
    [5:53]   8 object slots × (present, x, y, z, held, delivered)
    [53:61]  2 target slots × (present, x, y, z)

Unused slots are all zeros. The C# side (Runtime/Core/Bridge/ObservationLayout.cs) writes
this layout; Documentation~/MLAgents.md describes it for people.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OBJECT_SLOTS = 8
TARGET_SLOTS = 2
HEADER_SIZE = 5  # round_left, pinching, pinch_point
OBJECT_SIZE = 6  # present, x, y, z, held, delivered
TARGET_SIZE = 4  # present, x, y, z
OBJECTS_START = HEADER_SIZE
TARGETS_START = OBJECTS_START + OBJECT_SLOTS * OBJECT_SIZE
OBSERVATION_SIZE = TARGETS_START + TARGET_SLOTS * TARGET_SIZE


@dataclass(frozen=True)
class GameObject:
    """A grabbable object: its slot, position (3,) in m, whether the hand holds it and
    whether it already scored in a target."""

    slot: int
    position: np.ndarray
    held: bool
    delivered: bool


@dataclass(frozen=True)
class GameState:
    """One observation, named: what a scripted policy reads."""

    round_left: float
    pinching: bool
    pinch_point: np.ndarray
    objects: tuple[GameObject, ...]
    targets: tuple[np.ndarray, ...]

    @classmethod
    def from_observation(cls, observation: np.ndarray) -> GameState:
        values = np.asarray(observation, np.float32)
        if values.shape != (OBSERVATION_SIZE,):
            raise ValueError(
                f"a game observation has shape ({OBSERVATION_SIZE},), got {values.shape}"
            )
        objects = []
        for slot in range(OBJECT_SLOTS):
            entry = values[OBJECTS_START + slot * OBJECT_SIZE :][:OBJECT_SIZE]
            if entry[0] > 0.5:
                objects.append(GameObject(slot, entry[1:4].copy(), entry[4] > 0.5, entry[5] > 0.5))
        targets = tuple(
            values[TARGETS_START + slot * TARGET_SIZE :][1:TARGET_SIZE].copy()
            for slot in range(TARGET_SLOTS)
            if values[TARGETS_START + slot * TARGET_SIZE] > 0.5
        )
        return cls(float(values[0]), values[1] > 0.5, values[2:5].copy(), tuple(objects), targets)
