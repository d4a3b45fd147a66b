"""Evaluation metrics against cases computed by hand."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from model.metrics import (
    align_with_scale,
    aligned_errors,
    evaluate_predictions,
    f_score,
    mean_pose_pa_mpjpe_mm,
    pck_auc,
)


def points(count: int = 21, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(scale=0.05, size=(count, 3))


def test_alignment_undoes_any_similarity_transform():
    truth = points()
    moved = 1.7 * truth @ Rotation.from_euler("xyz", [0.4, -1.0, 2.2]).as_matrix().T + [
        0.3,
        -0.1,
        0.8,
    ]
    np.testing.assert_allclose(align_with_scale(truth, moved), truth, atol=1e-9)


def test_alignment_allows_a_reflection_like_the_official_code():
    truth = points()
    mirrored = truth * np.array([-1.0, 1.0, 1.0])
    errors, _ = aligned_errors(truth[None], mirrored[None])
    assert errors.max() < 1e-7  # the official +1e-8 in the norms leaves ~1e-8 m


def test_pa_error_of_a_known_offset():
    # Two points at ±1 cm on x; prediction has them at ±2 cm and ±0 in y: after
    # alignment (scale absorbs the size) the error is zero; one displaced point is not.
    truth = np.array([[[-0.01, 0, 0], [0.01, 0, 0], [0, 0.01, 0], [0, -0.01, 0]]])
    prediction = truth * 2 + 0.5
    assert aligned_errors(truth, prediction)[0].max() < 1e-7
    bent = truth.copy()
    bent[0, 2] = [0, 0.02, 0]
    errors = aligned_errors(truth, bent)[0]
    assert errors.mean() > 0.001


def test_f_score_thresholds():
    truth = np.zeros((4, 3))
    truth[:, 0] = [0.0, 0.1, 0.2, 0.3]
    # Two of four predicted points 4 mm away, two 10 mm away.
    prediction = truth + np.array([[0.004, 0, 0], [0.004, 0, 0], [0, 0.010, 0], [0, 0.010, 0]])
    assert f_score(truth, prediction, 0.005) == pytest.approx(0.5)
    assert f_score(truth, prediction, 0.015) == pytest.approx(1.0)
    assert f_score(truth, prediction + 1.0, 0.015) == 0.0


def test_pck_auc_of_constant_errors():
    curve, auc = pck_auc(np.full((10, 21), 0.025))  # everything exactly at 25 mm
    assert curve[0] == 0 and curve[-1] == 1
    assert auc == pytest.approx(0.5, abs=0.011)


def test_evaluate_reports_zero_for_a_perfect_prediction():
    joints, vertices = points(21, 1)[None].repeat(3, 0), points(100, 2)[None].repeat(3, 0)
    metrics = evaluate_predictions(joints, joints * 1.1, vertices, vertices + 0.2)
    assert metrics["pa_mpjpe_mm"] < 1e-3 and metrics["pa_mpvpe_mm"] < 1e-3
    assert metrics["f_score_5mm"] == 1.0 and metrics["auc_joints"] > 0.99


def test_mean_pose_baseline_is_zero_for_a_single_pose_and_positive_for_two():
    pose, other = points(21, 1), points(21, 7)
    assert mean_pose_pa_mpjpe_mm(np.stack([pose, pose + 0.3, pose])) < 1e-3  # wrist moves
    two = np.stack([pose, other, pose, other])
    baseline = mean_pose_pa_mpjpe_mm(two)
    assert baseline > 5.0  # the poses differ by centimetres, the mean fits neither
    assert evaluate_predictions(two, two, two, two)["pa_mpjpe_mean_pose_mm"] == baseline


def test_metrics_reject_mismatched_shapes():
    with pytest.raises(ValueError, match="one shape"):
        aligned_errors(np.zeros((2, 21, 3)), np.zeros((2, 20, 3)))
