"""The inference API the server uses: crops in, 2D keypoints + 3D joints + mesh out.

Batch of crops (B, S, S, 3) uint8 BGR (OpenCV's order, S = the network's input size) →
`Prediction`: keypoints_2d (B, 21, 2) in crop pixels; joints (B, 21, 3) and vertices
(B, V, 3) root-relative (wrist at the origin), camera axes, meters; confidence (B,) in
[0, 1] (mean heatmap peak mass over the joints). Runs under ``torch.inference_mode`` on the
device and in the dtype the caller chooses (float16 is for CUDA).

The hot path allocates little: on CUDA the crops go through a page-locked staging buffer
(allocated once, grown when a bigger batch comes) with a non-blocking copy, the BGR → RGB
swap and the uint8 → float conversion happen on the device, and the four outputs come
back in one transfer (one synchronisation instead of four). ``compile=True`` runs the
network through ``torch.compile`` (on CUDA with CUDA graphs, "reduce-overhead"), which
pays a compilation at warm-up for less launch overhead per forward.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from model.hand.skeleton import NUM_KEYPOINTS
from model.net.network import HandMeshNet

# Below this confidence an output is not taken for a hand, unless the model's exported
# weights carry their own calibrated threshold (model.export.serving_settings).
DEFAULT_CONFIDENCE_THRESHOLD = 0.25


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
        compile: bool = False,
    ) -> None:
        self.device = torch.device(device)
        if dtype == torch.float16 and self.device.type != "cuda":
            raise ValueError("float16 inference needs a CUDA device; use float32 on the CPU")
        self.dtype = dtype
        self.network = network.to(self.device, dtype).eval()
        self.input_size = network.config.input_size
        self.forward = self.network
        if compile:
            mode = "reduce-overhead" if self.device.type == "cuda" else "default"
            self.forward = torch.compile(self.network, mode=mode, dynamic=False)
        self.staging: torch.Tensor | None = None  # pinned host buffer (CUDA only)

    @classmethod
    def from_checkpoint(
        cls,
        checkpoint: Path,
        device: str = "cpu",
        dtype: torch.dtype = torch.float32,
        hand_source: str | None = None,
        compile: bool = False,
    ) -> HandMeshPredictor:
        from model.train import load_network

        return cls(load_network(checkpoint, hand_source, "cpu"), device, dtype, compile)

    @torch.inference_mode()
    def predict(self, crops_bgr: np.ndarray) -> Prediction:
        crops = np.asarray(crops_bgr)
        size = self.input_size
        if crops.ndim != 4 or crops.shape[1:] != (size, size, 3) or crops.dtype != np.uint8:
            raise ValueError(
                f"crops must be uint8 (B, {size}, {size}, 3) BGR, got {crops.dtype} {crops.shape}"
            )
        images = self._to_device(crops)
        # BGR → RGB by reversing the channel axis while converting: no host-side copy.
        images = images.permute(0, 3, 1, 2).flip(1).to(self.dtype).div_(255.0)
        outputs = self.forward(images)
        batch = len(crops)
        packed = torch.cat(
            [
                outputs["keypoints_2d"].reshape(batch, -1),
                outputs["joints"].reshape(batch, -1),
                outputs["vertices"].reshape(batch, -1),
                outputs["keypoint_confidence"].mean(1, keepdim=True),
            ],
            1,
        )
        values = packed.float().cpu().numpy()
        joints_start = NUM_KEYPOINTS * 2
        vertices_start = joints_start + NUM_KEYPOINTS * 3
        return Prediction(
            keypoints_2d=values[:, :joints_start].reshape(batch, NUM_KEYPOINTS, 2),
            joints=values[:, joints_start:vertices_start].reshape(batch, NUM_KEYPOINTS, 3),
            vertices=values[:, vertices_start:-1].reshape(batch, -1, 3),
            confidence=values[:, -1],
        )

    def _to_device(self, crops: np.ndarray) -> torch.Tensor:
        """The crops as a uint8 tensor on the device; through pinned memory on CUDA."""
        host = torch.from_numpy(crops)
        if self.device.type != "cuda":
            return host
        if self.staging is None or len(self.staging) < len(crops):
            self.staging = torch.empty(host.shape, dtype=torch.uint8, pin_memory=True)
        staged = self.staging[: len(crops)]
        staged.copy_(host)
        return staged.to(self.device, non_blocking=True)
