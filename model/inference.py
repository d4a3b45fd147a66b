"""The inference API the server uses: crops in, 2D keypoints + 3D joints + mesh out.

Batch of crops (B, S, S, 3) uint8 BGR (OpenCV's order, S = the network's input size) →
`Prediction`: keypoints_2d (B, 21, 2) in crop pixels; joints (B, 21, 3) and vertices
(B, V, 3) root-relative (wrist at the origin), camera axes, meters; confidence (B,) in
[0, 1] (mean heatmap peak mass over the joints). Runs under ``torch.inference_mode`` on the
device and in the dtype the caller chooses (float16 is for CUDA).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from model.net.network import HandMeshNet


@dataclass(frozen=True)
class Prediction:
    keypoints_2d: np.ndarray
    joints: np.ndarray
    vertices: np.ndarray
    confidence: np.ndarray


class HandMeshPredictor:
    def __init__(
        self,
        network: HandMeshNet,
        device: str | torch.device = "cpu",
        dtype: torch.dtype = torch.float32,
    ) -> None:
        self.device = torch.device(device)
        if dtype == torch.float16 and self.device.type != "cuda":
            raise ValueError("float16 inference needs a CUDA device; use float32 on the CPU")
        self.dtype = dtype
        self.network = network.to(self.device, dtype).eval()
        self.input_size = network.config.input_size

    @classmethod
    def from_checkpoint(
        cls,
        checkpoint: Path,
        device: str = "cpu",
        dtype: torch.dtype = torch.float32,
        hand_source: str | None = None,
    ) -> HandMeshPredictor:
        from model.train import load_network

        return cls(load_network(checkpoint, hand_source, "cpu"), device, dtype)

    @torch.inference_mode()
    def predict(self, crops_bgr: np.ndarray) -> Prediction:
        crops = np.asarray(crops_bgr)
        size = self.input_size
        if crops.ndim != 4 or crops.shape[1:] != (size, size, 3) or crops.dtype != np.uint8:
            raise ValueError(
                f"crops must be uint8 (B, {size}, {size}, 3) BGR, got {crops.dtype} {crops.shape}"
            )
        images = torch.from_numpy(np.ascontiguousarray(crops[..., ::-1])).to(self.device)
        images = images.permute(0, 3, 1, 2).to(self.dtype).div_(255.0)
        outputs = self.network(images)

        def to_numpy(tensor: torch.Tensor) -> np.ndarray:
            return tensor.float().cpu().numpy()

        return Prediction(
            keypoints_2d=to_numpy(outputs["keypoints_2d"]),
            joints=to_numpy(outputs["joints"]),
            vertices=to_numpy(outputs["vertices"]),
            confidence=to_numpy(outputs["keypoint_confidence"].mean(1)),
        )
