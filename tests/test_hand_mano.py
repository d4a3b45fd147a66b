"""The MANO loader on a MANO-format file made here (the real one is not redistributable).

The file is built from the built-in hand converted to MANO's conventions — MANO's joint
order, 778 vertices with FreiHAND's fingertip vertex ids, chumpy arrays, a scipy sparse
joint regressor, a Python-2-style latin-1 pickle — so loading it back and posing it must
give exactly the built-in hand's result: that checks every reordering in the loader.
"""

from __future__ import annotations

import importlib.util
import os
import pickle
import sys
import types

import numpy as np
import pytest
import scipy.sparse
import torch

from model.hand.joint_angles import angles_to_rotations, joint_frames
from model.hand.kinematics import HandKinematics
from model.hand.mano import load_mano, read_mano_pickle
from model.hand.poses import sample_poses
from model.hand.skeleton import MANO_JOINT_PARENTS, MANO_TIP_VERTICES, OURS_TO_MANO

MANO_VERTICES = 778


class _FakeChumpyModule:
    """Installs a module named chumpy.ch with a class Ch while pickling, so the file names
    ``chumpy.ch.Ch`` exactly as the official files do; removed afterwards."""

    def __enter__(self):
        package, module = types.ModuleType("chumpy"), types.ModuleType("chumpy.ch")

        class Ch:
            def __init__(self, value):
                self.x = np.asarray(value)
                self._dirty_vars = set()

        Ch.__module__, Ch.__qualname__ = "chumpy.ch", "Ch"
        module.Ch = Ch
        package.ch = module
        sys.modules.update({"chumpy": package, "chumpy.ch": module})
        return Ch

    def __exit__(self, *exc):
        sys.modules.pop("chumpy", None)
        sys.modules.pop("chumpy.ch", None)


def vertex_permutation(hand) -> np.ndarray:
    """Where each of the hand's vertices goes in a 778-vertex MANO layout: the fingertips
    land on FreiHAND's tip ids, the rest fill the other slots in order."""
    free = [i for i in range(MANO_VERTICES) if i not in MANO_TIP_VERTICES]
    target = np.empty(hand.num_vertices, dtype=int)
    others = [v for v in range(hand.num_vertices) if v not in set(hand.tip_vertices.tolist())]
    target[hand.tip_vertices] = MANO_TIP_VERTICES
    target[others] = free[: len(others)]
    return target


def write_mano_format(hand, path, pose_dirs: np.ndarray) -> np.ndarray:
    """Writes ``hand`` as a MANO_RIGHT.pkl-format file; returns the vertex permutation."""
    place = vertex_permutation(hand)
    mano_order = np.argsort(OURS_TO_MANO)  # our joint index at each MANO joint index

    def to_mano_vertices(array):
        out = np.zeros((MANO_VERTICES, *array.shape[1:]))
        out[place] = array
        return out

    template = to_mano_vertices(hand.template)
    # Padding vertices sit at the wrist, skinned to it, on no face.
    weights = to_mano_vertices(hand.skin_weights[:, mano_order])
    unused = np.setdiff1d(np.arange(MANO_VERTICES), place)
    weights[unused, 0] = 1.0
    regressor = np.zeros((16, MANO_VERTICES))
    regressor[:, place] = hand.joint_regressor[mano_order]
    kintree = np.array([[2**32 - 1, *MANO_JOINT_PARENTS[1:]], list(range(16))], dtype=np.int64)
    shape_dirs = to_mano_vertices(
        np.concatenate([hand.shape_dirs, np.zeros((hand.num_vertices, 3, 4))], 2)
    )
    with _FakeChumpyModule() as Ch:
        contents = {
            "v_template": template,
            "shapedirs": Ch(shape_dirs),
            "posedirs": pose_dirs,
            "J_regressor": scipy.sparse.csc_matrix(regressor),
            "weights": weights,
            "f": place[hand.faces].astype(np.uint32),
            "kintree_table": kintree,
            "J": regressor @ template,
            "hands_components": np.eye(45),
            "hands_mean": np.zeros(45),
            "hands_coeffs": np.zeros((1554, 45)),
            "bs_style": "lbs",
            "bs_type": "lrotmin",
        }
        with open(path, "wb") as file:
            pickle.dump(contents, file, protocol=2)
    return place


def test_loaded_mano_file_poses_exactly_like_the_hand_it_was_made_from(builtin_hand, tmp_path):
    path = tmp_path / "MANO_RIGHT.pkl"
    place = write_mano_format(builtin_hand, path, np.zeros((MANO_VERTICES, 3, 135)))
    mano = load_mano(path)
    assert mano.name == "mano-right" and mano.num_vertices == MANO_VERTICES
    assert mano.shape_dirs.shape == (MANO_VERTICES, 3, 10)
    np.testing.assert_array_equal(mano.tip_vertices, MANO_TIP_VERTICES)
    np.testing.assert_allclose(mano.rest_keypoints(), builtin_hand.rest_keypoints(), atol=1e-6)
    np.testing.assert_allclose(mano.flexion_axes, builtin_hand.flexion_axes, atol=1e-3)

    rotations = torch.from_numpy(
        angles_to_rotations(sample_poses(np.random.default_rng(0), 8), joint_frames(builtin_hand))
    )
    shape = torch.randn(8, 6, dtype=torch.float64) * 0.5
    ours = HandKinematics(builtin_hand, torch.float64)(rotations, shape)
    loaded = HandKinematics(mano, torch.float64)(
        rotations, torch.cat([shape, torch.zeros(8, 4, dtype=torch.float64)], 1)
    )
    np.testing.assert_allclose(loaded.keypoints.numpy(), ours.keypoints.numpy(), atol=1e-6)
    np.testing.assert_allclose(loaded.vertices[:, place].numpy(), ours.vertices.numpy(), atol=1e-6)


def test_pose_correctives_are_regrouped_into_our_joint_order(builtin_hand, tmp_path):
    # A corrective on MANO joint m (its 9 columns) must fire when OUR joint with
    # OURS_TO_MANO[j] == m rotates, and only then.
    pose_dirs = np.zeros((MANO_VERTICES, 3, 135))
    thumb_base_mano = OURS_TO_MANO[1]
    pose_dirs[:, 0, 9 * (thumb_base_mano - 1)] = 0.01  # +1 cm in x per unit of (R - I)[0, 0]
    path = tmp_path / "MANO_RIGHT.pkl"
    place = write_mano_format(builtin_hand, path, pose_dirs)
    # A padding vertex is skinned to the wrist alone: it moves by the corrective only.
    padding = int(np.setdiff1d(np.arange(MANO_VERTICES), place)[0])
    fk = HandKinematics(load_mano(path), torch.float64)
    quarter_turn_about_z = torch.tensor(
        [[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], dtype=torch.float64
    )
    rest = fk(torch.eye(3, dtype=torch.float64).expand(1, 16, 3, 3).clone()).vertices[0, padding]
    for joint, expected_shift in ((1, -0.01), (4, 0.0)):  # (R - I)[0, 0] = cos 90° - 1 = -1
        rotations = torch.eye(3, dtype=torch.float64).expand(1, 16, 3, 3).clone()
        rotations[0, joint] = quarter_turn_about_z
        moved = fk(rotations).vertices[0, padding]
        assert (moved - rest)[0].item() == pytest.approx(expected_shift, abs=1e-12)
        assert (moved - rest)[1:].abs().max().item() < 1e-12


def test_loader_refuses_pickles_that_name_other_classes(tmp_path):
    path = tmp_path / "MANO_RIGHT.pkl"
    # A pickle that would call os.system if loaded naively.
    path.write_bytes(b"cos\nsystem\n(S'echo pwned'\ntR.")
    with pytest.raises(ValueError, match="never needs"):
        load_mano(path)


def test_loader_reports_missing_keys(tmp_path):
    path = tmp_path / "MANO_RIGHT.pkl"
    with open(path, "wb") as file:
        pickle.dump({"v_template": np.zeros((778, 3))}, file, protocol=2)
    with pytest.raises(ValueError, match="missing shapedirs"):
        read_mano_pickle(path)


def test_loader_maps_legacy_module_paths(tmp_path):
    # Official files were written by Python 2 with numpy 1 and scipy of 2017; their class
    # paths differ from today's. Rewrite a modern pickle's paths to the legacy ones.
    path = tmp_path / "MANO_RIGHT.pkl"
    data = pickle.dumps(scipy.sparse.csc_matrix(np.eye(3)), protocol=2)
    legacy = data.replace(b"scipy.sparse._csc", b"scipy.sparse.csc").replace(
        b"numpy._core.multiarray", b"numpy.core.multiarray"
    )
    path.write_bytes(legacy)
    from model.hand.mano import _MANOUnpickler

    with open(path, "rb") as file:
        matrix = _MANOUnpickler(file, encoding="latin1").load()
    np.testing.assert_array_equal(matrix.toarray(), np.eye(3))


MANO_DIR = os.environ.get("HANDMESH_MANO_DIR")


@pytest.mark.skipif(
    importlib.util.find_spec("manopth") is None or not MANO_DIR,
    reason="needs manopth (not on PyPI) and the user's MANO files in $HANDMESH_MANO_DIR",
)
def test_skinning_matches_manopth():
    from manopth.manolayer import ManoLayer

    from model.hand.rotations import axis_angle_to_matrix_torch

    layer = ManoLayer(mano_root=MANO_DIR, use_pca=False, flat_hand_mean=True, ncomps=45)
    axis_angle = torch.randn(4, 16, 3, dtype=torch.float64) * 0.4  # MANO joint order
    betas = torch.randn(4, 10, dtype=torch.float64)
    their_vertices, _ = layer(axis_angle.reshape(4, 48).float(), betas.float())
    ours = HandKinematics(load_mano(os.path.join(MANO_DIR, "MANO_RIGHT.pkl")), torch.float64)
    rotations = axis_angle_to_matrix_torch(axis_angle[:, list(OURS_TO_MANO)])
    np.testing.assert_allclose(
        ours(rotations, betas).vertices.numpy() * 1000.0, their_vertices.double().numpy(), atol=1e-2
    )
