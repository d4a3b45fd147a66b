"""The hand skeleton as the wire sees it: counts, names and the joint tree.

Keypoint order is FreiHAND's: 0 wrist; thumb 1-4, index 5-8, middle 9-12, ring 13-16,
little 17-20, each base to tip. The 16 articulated joints are the wrist and the first three
keypoints of each finger; a ``hands`` message carries the wrist's rotation and the 15 local
rotations of joints 1..15, in this order. Defined here, in the package that depends on
nothing, so the model, the server and every client agree by construction.
"""

from __future__ import annotations

NUM_KEYPOINTS = 21
NUM_JOINTS = 16
NUM_LOCAL_ROTATIONS = NUM_JOINTS - 1
FINGERS = ("thumb", "index", "middle", "ring", "little")

KEYPOINT_NAMES: tuple[str, ...] = ("wrist",) + tuple(
    f"{finger}_{part}" for finger in FINGERS for part in ("1", "2", "3", "tip")
)
ARTICULATED_KEYPOINTS: tuple[int, ...] = (0,) + tuple(
    1 + 4 * finger + part for finger in range(5) for part in range(3)
)
JOINT_NAMES: tuple[str, ...] = tuple(KEYPOINT_NAMES[k] for k in ARTICULATED_KEYPOINTS)
# Joint tree over the 16 joints: the wrist is the root, each finger a chain of three.
JOINT_PARENTS: tuple[int, ...] = (-1,) + tuple(
    0 if part == 0 else 1 + 3 * finger + part - 1 for finger in range(5) for part in range(3)
)
