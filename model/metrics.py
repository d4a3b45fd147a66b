"""FreiHAND's evaluation metrics, as its official evaluation code defines them.

- PA-MPJPE / PA-MPVPE (mm): per sample, the prediction is aligned to the ground truth by a
  similarity transform (translation, scale, orthogonal matrix) — joints and mesh aligned
  separately — then the mean Euclidean error is taken; the mean over samples is reported.
  Like the official code (scipy's orthogonal_procrustes), the orthogonal matrix may be a
  reflection: a mirrored prediction aligns perfectly.
- F-score at 5 mm and 15 mm on aligned vertices: precision = share of predicted vertices
  within the threshold of the nearest true vertex, recall the other way round,
  F = 2PR / (P + R), per sample, then averaged.
- AUC of the PCK curve over 0–50 mm (100 thresholds), normalised to [0, 1], for aligned
  joints and aligned vertices.
Beside them (not an official metric): the PA-MPJPE of answering every sample with the
split's mean pose — what a model scores that learned where the hand points but nothing
of how its fingers bend, since the alignment takes orientation and scale away.
Inputs are in meters, shape (N, P, 3).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import orthogonal_procrustes
from scipy.spatial import cKDTree

PCK_THRESHOLDS_M = np.linspace(0.0, 0.05, 100)


def align_with_scale(reference: np.ndarray, points: np.ndarray) -> np.ndarray:
    """``points`` (P, 3) moved onto ``reference`` (P, 3) by the best similarity transform."""
    ref_centre, pts_centre = reference.mean(0), points.mean(0)
    ref, pts = reference - ref_centre, points - pts_centre
    ref_norm, pts_norm = np.linalg.norm(ref) + 1e-8, np.linalg.norm(pts) + 1e-8
    ref, pts = ref / ref_norm, pts / pts_norm
    rotation, scale = orthogonal_procrustes(ref, pts)
    return (pts @ rotation.T) * scale * ref_norm + ref_centre


def aligned_errors(truth: np.ndarray, prediction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-point errors (N, P) in m after per-sample alignment, and the aligned points."""
    _check(truth, prediction)
    aligned = np.stack([align_with_scale(t, p) for t, p in zip(truth, prediction, strict=True)])
    return np.linalg.norm(aligned - truth, axis=-1), aligned


def f_score(truth: np.ndarray, prediction: np.ndarray, threshold_m: float) -> float:
    """F-score of one aligned sample's point sets (P, 3) at ``threshold_m``."""
    to_truth = cKDTree(truth).query(prediction)[0]
    to_prediction = cKDTree(prediction).query(truth)[0]
    precision = float(np.mean(to_truth < threshold_m))
    recall = float(np.mean(to_prediction < threshold_m))
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def pck_auc(errors_m: np.ndarray) -> tuple[np.ndarray, float]:
    """PCK curve over `PCK_THRESHOLDS_M` for errors (N, P), and its normalised area."""
    curve = np.array([np.mean(errors_m <= t) for t in PCK_THRESHOLDS_M])
    return curve, float(np.trapezoid(curve, PCK_THRESHOLDS_M) / PCK_THRESHOLDS_M[-1])


def mean_pose_pa_mpjpe_mm(joints_true: np.ndarray) -> float:
    """PA-MPJPE (mm) of predicting the mean root-relative pose of ``joints_true`` (N, 21, 3)
    for every one of its samples."""
    root_relative = joints_true - joints_true[:, :1]
    mean_pose = np.broadcast_to(root_relative.mean(0), root_relative.shape)
    return float(aligned_errors(root_relative, mean_pose)[0].mean() * 1000)


def evaluate_predictions(
    joints_true: np.ndarray,
    joints_pred: np.ndarray,
    vertices_true: np.ndarray,
    vertices_pred: np.ndarray,
) -> dict[str, float | list]:
    """The official metrics for N samples; also the PCK curves for plotting."""
    joint_errors, _ = aligned_errors(joints_true, joints_pred)
    vertex_errors, vertices_aligned = aligned_errors(vertices_true, vertices_pred)
    f5 = np.mean(
        [f_score(t, p, 0.005) for t, p in zip(vertices_true, vertices_aligned, strict=True)]
    )
    f15 = np.mean(
        [f_score(t, p, 0.015) for t, p in zip(vertices_true, vertices_aligned, strict=True)]
    )
    joint_curve, joint_auc = pck_auc(joint_errors)
    vertex_curve, vertex_auc = pck_auc(vertex_errors)
    return {
        "samples": len(joints_true),
        "pa_mpjpe_mm": float(joint_errors.mean() * 1000),
        "pa_mpvpe_mm": float(vertex_errors.mean() * 1000),
        "pa_mpjpe_mean_pose_mm": mean_pose_pa_mpjpe_mm(joints_true),
        "f_score_5mm": float(f5),
        "f_score_15mm": float(f15),
        "auc_joints": joint_auc,
        "auc_vertices": vertex_auc,
        "pck_thresholds_mm": (PCK_THRESHOLDS_M * 1000).tolist(),
        "pck_joints": joint_curve.tolist(),
        "pck_vertices": vertex_curve.tolist(),
    }


def _check(truth: np.ndarray, prediction: np.ndarray) -> None:
    if truth.shape != prediction.shape or truth.ndim != 3 or truth.shape[-1] != 3:
        raise ValueError(
            f"expected two (N, P, 3) arrays of one shape, got {truth.shape} and {prediction.shape}"
        )
    if not (np.all(np.isfinite(truth)) and np.all(np.isfinite(prediction))):
        raise ValueError("metrics got NaN or infinite coordinates")
