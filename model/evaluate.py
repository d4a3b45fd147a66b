"""`handmesh eval`: the official FreiHAND metrics for a checkpoint, a PCK plot, and the
prediction file FreiHAND's evaluation server accepts."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset
from tqdm import tqdm

from model.metrics import evaluate_predictions


@torch.inference_mode()
def predict_dataset(
    network: torch.nn.Module,
    dataset: Dataset,
    device: torch.device | str,
    batch_size: int = 32,
    progress: bool = False,
) -> dict[str, np.ndarray]:
    """Root-relative predictions and ground truth (m) for every item, in data set order."""
    network.eval()
    collected: dict[str, list] = {
        "joints": [],
        "vertices": [],
        "joints_true": [],
        "vertices_true": [],
    }
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=False, num_workers=0)
    for batch in tqdm(loader, disable=not progress, desc="evaluate", unit="batch"):
        outputs = network(batch["image"].to(device))
        collected["joints"].append(outputs["joints"].float().cpu().numpy())
        collected["vertices"].append(outputs["vertices"].float().cpu().numpy())
        collected["joints_true"].append(batch["joints"].numpy())
        collected["vertices_true"].append(batch["vertices"].numpy())
    return {name: np.concatenate(parts).astype(np.float64) for name, parts in collected.items()}


def evaluate_dataset(
    network: torch.nn.Module,
    dataset: Dataset,
    device: torch.device | str,
    batch_size: int = 32,
    progress: bool = False,
) -> dict:
    predictions = predict_dataset(network, dataset, device, batch_size, progress)
    return evaluate_predictions(
        predictions["joints_true"],
        predictions["joints"],
        predictions["vertices_true"],
        predictions["vertices"],
    )


def write_pck_plot(metrics: dict, path: Path) -> Path:
    """PCK curves of aligned joints and vertices over 0–50 mm, with their AUC in the legend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(5, 4), dpi=120)
    thresholds = metrics["pck_thresholds_mm"]
    axes.plot(thresholds, metrics["pck_joints"], label=f"joints (AUC {metrics['auc_joints']:.3f})")
    axes.plot(
        thresholds, metrics["pck_vertices"], label=f"vertices (AUC {metrics['auc_vertices']:.3f})"
    )
    axes.set_xlabel("error threshold after Procrustes alignment (mm)")
    axes.set_ylabel("fraction within threshold (PCK)")
    axes.set_xlim(0, 50)
    axes.set_ylim(0, 1)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right")
    axes.set_title(
        f"PA-MPJPE {metrics['pa_mpjpe_mm']:.1f} mm, PA-MPVPE {metrics['pa_mpvpe_mm']:.1f} mm"
    )
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
    return path


def write_submission(predictions: dict[str, np.ndarray], path: Path) -> Path:
    """FreiHAND's submission format: ``[xyz_list, verts_list]`` (the server aligns each sample)."""
    with open(path, "w") as file:
        json.dump(
            [
                np.round(predictions["joints"], 6).tolist(),
                np.round(predictions["vertices"], 6).tolist(),
            ],
            file,
        )
    return path
