"""Loads a user's own MANO file (``MANO_RIGHT.pkl`` / ``MANO_LEFT.pkl``) as a `HandModel`.

The official files are Python 2 pickles holding chumpy objects (``chumpy.ch.Ch``) and
scipy sparse matrices. chumpy does not install on modern numpy, and unpickling a file
executes whatever classes it names, so this loader uses a restricted unpickler: it maps
chumpy's ``Ch`` to a stand-in that keeps only its array (chumpy pickles a Ch as its
``__dict__``, the value under ``x``), maps legacy numpy/scipy module paths to current
ones, and refuses every other class.

MANO's joint order and our order differ (see `skeleton`); everything is converted here,
once, so the rest of the code never sees MANO's order. The five fingertips are FreiHAND's
vertices, because we evaluate on FreiHAND.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse

from model.hand.anatomy import Anatomy
from model.hand.model import HandModel
from model.hand.rotations import axis_angle_matrix, cross, normalize
from model.hand.skeleton import (
    ARTICULATED_KEYPOINTS,
    BONE_CHILD_KEYPOINTS,
    MANO_JOINT_PARENTS,
    MANO_TIP_VERTICES,
    NUM_JOINTS,
    OURS_TO_MANO,
    keypoints_from_joints_and_tips,
)

REQUIRED_KEYS = (
    "v_template",
    "shapedirs",
    "posedirs",
    "J_regressor",
    "weights",
    "f",
    "kintree_table",
)


class ChumpyArray:
    """Stand-in for ``chumpy.ch.Ch`` while unpickling: keeps the array, nothing else."""

    def __setstate__(self, state: dict[str, Any]) -> None:
        if "x" not in state:
            raise ValueError("this MANO file holds a derived chumpy expression, not a plain array")
        self.value = np.asarray(state["x"])


_SPARSE_CLASSES = {"csc_matrix", "csr_matrix", "coo_matrix"}
_SAFE_BUILTINS = {"object", "set", "frozenset", "list", "dict", "tuple"}  # chumpy state has sets
_NUMPY_FUNCTIONS = {"_reconstruct", "scalar", "ndarray", "dtype", "_frombuffer"}


class _MANOUnpickler(pickle.Unpickler):
    """Resolves only the classes a MANO file legitimately contains."""

    def find_class(self, module: str, name: str) -> Any:
        if module.split(".")[0] == "chumpy" and name == "Ch":
            return ChumpyArray
        if module.startswith("scipy.sparse") and name in _SPARSE_CLASSES:
            return getattr(scipy.sparse, name)
        if (
            module in ("numpy.core.multiarray", "numpy._core.multiarray")
            and name in _NUMPY_FUNCTIONS
        ):
            return getattr(np._core.multiarray, name)
        if module in ("numpy", "numpy.core.numeric", "numpy._core.numeric") and name in {
            "ndarray",
            "dtype",
        }:
            return getattr(np, name)
        if module in ("copy_reg", "copyreg") and name == "_reconstructor":
            import copyreg

            return copyreg._reconstructor
        if module in ("__builtin__", "builtins") and name in _SAFE_BUILTINS:
            import builtins

            return getattr(builtins, name)
        if module == "_codecs" and name == "encode":  # how Python 3 writes bytes in protocol 2
            import codecs

            return codecs.encode
        raise pickle.UnpicklingError(
            f"MANO file names {module}.{name}, which a MANO file never needs"
        )


def read_mano_pickle(path: Path) -> dict[str, Any]:
    """The raw arrays of a MANO pickle, chumpy/sparse values converted to numpy."""
    try:
        with open(path, "rb") as file:
            raw = _MANOUnpickler(file, encoding="latin1").load()
    except FileNotFoundError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, AttributeError, TypeError) as error:
        raise ValueError(f"{path} is not a readable MANO file: {error}") from error
    if not isinstance(raw, dict):
        raise ValueError(f"{path} is not a MANO file: it holds a {type(raw).__name__}, not a dict")
    missing = [key for key in REQUIRED_KEYS if key not in raw]
    if missing:
        raise ValueError(f"{path} is not a MANO file: missing {', '.join(missing)}")
    data = {}
    for key, value in raw.items():
        if isinstance(value, ChumpyArray):
            value = value.value
        elif scipy.sparse.issparse(value):
            value = value.toarray()
        data[key] = value
    return data


def load_mano(path: Path, side: str | None = None) -> HandModel:
    """A MANO file as a `HandModel` in our joint order.

    side: "right" or "left"; by default read from the file name (MANO_LEFT.pkl → left).
    """
    path = Path(path)
    side = side or ("left" if "left" in path.name.lower() else "right")
    if side not in ("right", "left"):
        raise ValueError(f"side must be 'right' or 'left', got {side!r}")
    data = read_mano_pickle(path)
    template = np.asarray(data["v_template"], dtype=np.float64)
    num_vertices = len(template)
    parents = np.asarray(data["kintree_table"])[0].astype(np.int64)
    parents[0] = -1
    if tuple(parents.tolist()) != MANO_JOINT_PARENTS:
        raise ValueError(f"{path}: kinematic tree {parents.tolist()} is not MANO's")
    shape_dirs = np.asarray(data["shapedirs"], dtype=np.float64)
    pose_dirs = np.asarray(data["posedirs"], dtype=np.float64)
    checks = {
        "v_template": (template.shape, (num_vertices, 3)),
        "shapedirs": (shape_dirs.shape[:2], (num_vertices, 3)),
        "posedirs": (pose_dirs.shape, (num_vertices, 3, 9 * (NUM_JOINTS - 1))),
        "J_regressor": (np.shape(data["J_regressor"]), (NUM_JOINTS, num_vertices)),
        "weights": (np.shape(data["weights"]), (num_vertices, NUM_JOINTS)),
    }
    for key, (actual, expected) in checks.items():
        if tuple(actual) != expected:
            raise ValueError(f"{path}: {key} has shape {tuple(actual)}, expected {expected}")
    order = list(OURS_TO_MANO)
    # Pose correctives are 9 columns per MANO joint 1..15; regroup them in our order.
    blocks = pose_dirs.reshape(num_vertices, 3, NUM_JOINTS - 1, 9)
    pose_dirs = blocks[:, :, [m - 1 for m in order[1:]]].reshape(num_vertices, 3, -1)
    regressor = np.asarray(data["J_regressor"], dtype=np.float64)[order]
    faces = np.asarray(data["f"]).astype(np.int32)
    tips = np.array(MANO_TIP_VERTICES)
    keypoints = keypoints_from_joints_and_tips(regressor @ template, template[tips])
    return HandModel(
        name=f"mano-{side}",
        template=template,
        shape_dirs=shape_dirs,
        shape_names=tuple(f"beta{i}" for i in range(shape_dirs.shape[2])),
        pose_dirs=pose_dirs,
        joint_regressor=regressor,
        skin_weights=np.asarray(data["weights"], dtype=np.float64)[:, order],
        faces=faces,
        tip_vertices=tips,
        flexion_axes=estimate_flexion_axes(keypoints, side),
    )


def estimate_flexion_axes(keypoints: np.ndarray, side: str) -> np.ndarray:
    """Flexion axes (16, 3) for a hand whose rest keypoints (21, 3) are known but whose
    joint axes are not (MANO ships none): fingers flex toward the palm normal; the thumb's
    pad is rolled about its axis as in the built-in anatomy. Mirrored for a left hand."""
    mirror = 1.0 if side == "right" else -1.0
    volar = mirror * normalize(cross(keypoints[5] - keypoints[0], keypoints[17] - keypoints[0]))
    joints = keypoints[list(ARTICULATED_KEYPOINTS)]
    bones = normalize(keypoints[list(BONE_CHILD_KEYPOINTS)] - joints)
    pads = np.repeat(volar[None], NUM_JOINTS, axis=0)
    thumb_bones = bones[1:4]
    thumb_volar = normalize(volar - (thumb_bones @ volar)[:, None] * thumb_bones)
    thumb_roll = mirror * -Anatomy().thumb.roll
    pads[1:4] = np.einsum(
        "jab,jb->ja", axis_angle_matrix(thumb_bones, np.full(3, thumb_roll)), thumb_volar
    )
    # A mirror flips both the bone and the pad, and d × pad is again the axis about which a
    # positive rotation curls the bone toward the pad: no extra sign for the left hand.
    return normalize(cross(bones, pads))
