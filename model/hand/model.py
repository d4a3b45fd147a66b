"""`HandModel`: the one interface for every hand — the built-in one and a user's MANO file.

It holds MANO's ingredients (template, shape and pose blend shapes, joint regressor,
skinning weights, faces, fingertip vertices) already converted to OUR joint order (see
`skeleton`), so the kinematics, the IK and the renderer never ask which hand they have.
All positions are in the hand's model frame, meters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import BinaryIO

import numpy as np

from model.hand.skeleton import NUM_JOINTS, keypoints_from_joints_and_tips


@dataclass(frozen=True, eq=False)
class HandModel:
    """A linear-blend-skinned hand. Shapes: V vertices, F faces, S shape parameters.

    template: (V, 3) rest vertices at shape 0. shape_dirs: (V, 3, S) per-unit vertex
    offsets. pose_dirs: (V, 3, 9·15) MANO's pose correctives over (R_j − I) of joints
    1..15 in our order, or None. joint_regressor: (16, V), joints = regressor @ vertices.
    skin_weights: (V, 16), rows sum to 1. faces: (F, 3) counter-clockwise seen from
    outside. tip_vertices: (5,) fingertip vertex per finger, thumb to little.
    flexion_axes: (16, 3) unit axis of each joint's flexion in the rest pose (positive
    rotation curls toward the palm); the IK resolves twist and limits with it.
    """

    name: str
    template: np.ndarray
    shape_dirs: np.ndarray
    shape_names: tuple[str, ...]
    pose_dirs: np.ndarray | None
    joint_regressor: np.ndarray
    skin_weights: np.ndarray
    faces: np.ndarray
    tip_vertices: np.ndarray
    flexion_axes: np.ndarray

    def __post_init__(self) -> None:
        num_vertices = len(self.template)
        expected = {
            "template": (num_vertices, 3),
            "shape_dirs": (num_vertices, 3, len(self.shape_names)),
            "joint_regressor": (NUM_JOINTS, num_vertices),
            "skin_weights": (num_vertices, NUM_JOINTS),
            "tip_vertices": (5,),
            "flexion_axes": (NUM_JOINTS, 3),
        }
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ValueError(
                    f"HandModel.{name}: shape {getattr(self, name).shape}, expected {shape}"
                )
        if self.pose_dirs is not None and self.pose_dirs.shape != (
            num_vertices,
            3,
            9 * (NUM_JOINTS - 1),
        ):
            raise ValueError(f"HandModel.pose_dirs: shape {self.pose_dirs.shape}")
        if self.faces.ndim != 2 or self.faces.shape[1] != 3 or self.faces.max() >= num_vertices:
            raise ValueError("HandModel.faces must be (F, 3) indices of existing vertices")

    @property
    def num_vertices(self) -> int:
        return len(self.template)

    def shaped_vertices(self, shape: np.ndarray | None = None) -> np.ndarray:
        """Rest-pose vertices (V, 3) for shape parameters (S,), default the template."""
        if shape is None:
            return self.template
        return self.template + self.shape_dirs @ np.asarray(shape, dtype=self.template.dtype)

    def rest_joints(self, shape: np.ndarray | None = None) -> np.ndarray:
        """Rest-pose joint centres (16, 3) in our joint order."""
        return self.joint_regressor @ self.shaped_vertices(shape)

    def rest_keypoints(self, shape: np.ndarray | None = None) -> np.ndarray:
        """Rest-pose keypoints (21, 3): regressed joints plus fingertip vertices."""
        vertices = self.shaped_vertices(shape)
        return keypoints_from_joints_and_tips(
            self.joint_regressor @ vertices, vertices[self.tip_vertices]
        )

    def top4_skinning(self) -> tuple[np.ndarray, np.ndarray]:
        """Skinning for engines that take 4 bones per vertex: indices (V, 4), weights (V, 4)
        renormalised to sum to 1, strongest first."""
        order = np.argsort(-self.skin_weights, axis=1, kind="stable")[:, :4]
        weights = np.take_along_axis(self.skin_weights, order, axis=1)
        return order, weights / weights.sum(axis=1, keepdims=True)

    def differences(self, other: HandModel) -> list[str]:
        """Names of the fields in which ``other`` differs from this hand (exact comparison)."""
        changed = []
        for field in fields(self):
            mine, theirs = getattr(self, field.name), getattr(other, field.name)
            if isinstance(mine, np.ndarray) or isinstance(theirs, np.ndarray):
                same = mine is not None and theirs is not None and np.array_equal(mine, theirs)
                same = same or (mine is None and theirs is None)
            else:
                same = mine == theirs
            if not same:
                changed.append(field.name)
        return changed

    def save(self, path: Path | BinaryIO) -> None:
        """Writes an ``.npz`` (arrays as float32/int32) that `load` reads back exactly."""
        arrays = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, np.ndarray):
                arrays[field.name] = value.astype(
                    np.float32 if value.dtype.kind == "f" else np.int32
                )
        meta = {"name": self.name, "shape_names": list(self.shape_names)}
        arrays["meta"] = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), dtype=np.uint8)
        if isinstance(path, str | Path):
            with open(path, "wb") as file:
                np.savez_compressed(file, **arrays)
        else:
            np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path | BinaryIO) -> HandModel:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(data["meta"].tobytes().decode())
            arrays = {name: data[name] for name in data.files if name != "meta"}
        return cls(
            name=meta["name"],
            shape_names=tuple(meta["shape_names"]),
            pose_dirs=arrays.pop("pose_dirs", None),
            **arrays,
        )
