"""`handmesh export`: a checkpoint as TorchScript, ONNX or compact serving weights, with a
parity check.

``weights`` keeps what serving needs — the config and float16 weights, no optimizer state —
in about a sixth of a training checkpoint's size; `model.train.load_network` reads both.
It also carries serving settings that belong to the model rather than to the server: the
confidence below which this model's output is not a hand (confidences are only comparable
within one model, so the threshold is calibrated per model) and a line about its training.

The exported graph takes (B, 3, S, S) RGB in [0, 1] and returns four tensors in this
order: keypoints_2d (B, 21, 2) px, keypoint_confidence (B, 21), joints (B, 21, 3) m,
vertices (B, V, 3) m (root-relative) — the parts a runtime needs, without the training-only
heatmap pyramid.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from model.net.network import HandMeshNet

OUTPUT_NAMES = ("keypoints_2d", "keypoint_confidence", "joints", "vertices")


class ExportWrapper(nn.Module):
    def __init__(self, network: HandMeshNet) -> None:
        super().__init__()
        self.network = network.eval()

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, ...]:
        outputs = self.network(images)
        return tuple(outputs[name] for name in OUTPUT_NAMES)


def export(network: HandMeshNet, out: Path, file_format: str, serving: dict | None = None) -> Path:
    """Writes ``network`` as ``file_format``; ``serving`` (weights only): settings such as
    ``confidence_threshold`` and ``about`` that `serving_settings` reads back."""
    wrapper = ExportWrapper(network)
    size = network.config.input_size
    example = torch.rand(1, 3, size, size)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if file_format == "weights":
        state = {
            k: v.half() if v.is_floating_point() else v for k, v in network.state_dict().items()
        }
        torch.save(
            {"network": state, "config": network.config.to_dict(), "serving": serving or {}}, out
        )
    elif file_format == "torchscript":
        with torch.no_grad():
            traced = torch.jit.trace(wrapper, example, check_trace=False)
        traced.save(str(out))
    elif file_format == "onnx":
        torch.onnx.export(
            wrapper,
            (example,),
            str(out),
            input_names=["images"],
            output_names=list(OUTPUT_NAMES),
            dynamic_axes={"images": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )
    else:
        raise ValueError(f"format must be 'onnx', 'torchscript' or 'weights', got {file_format!r}")
    return out


# What "the same outputs" means per output. Graph exports compute in float32 like PyTorch;
# float16 weights round every parameter, so their outputs move by the rounding, which is
# judged in each output's own unit: pixels, probability, meters.
GRAPH_TOLERANCE = 1e-4
FLOAT16_TOLERANCES = {
    "keypoints_2d": 0.5,  # px
    "keypoint_confidence": 2e-3,
    "joints": 5e-4,  # m
    "vertices": 5e-4,  # m
}


def output_differences(
    network: HandMeshNet, exported: Path, file_format: str, batch: int = 2
) -> dict[str, float]:
    """Largest absolute difference per output between the exported model and the network."""
    size = network.config.input_size
    images = torch.rand(batch, 3, size, size, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        reference = ExportWrapper(network)(images)
    if file_format == "weights":
        from model.train import load_network

        with torch.no_grad():
            outputs = ExportWrapper(load_network(exported))(images)
    elif file_format == "torchscript":
        with torch.no_grad():
            outputs = torch.jit.load(str(exported))(images)
    else:
        import onnxruntime

        session = onnxruntime.InferenceSession(str(exported), providers=["CPUExecutionProvider"])
        outputs = [torch.from_numpy(o) for o in session.run(None, {"images": images.numpy()})]
    return {
        name: float((a - b).abs().max())
        for name, a, b in zip(OUTPUT_NAMES, reference, outputs, strict=True)
    }


def parity_failures(differences: dict[str, float], file_format: str) -> list[str]:
    """The outputs whose difference exceeds what ``file_format`` allows (empty: parity)."""
    return [
        f"{name} differs by {difference:.2e} (allowed {tolerance:g})"
        for name, difference in differences.items()
        if difference
        > (tolerance := FLOAT16_TOLERANCES[name] if file_format == "weights" else GRAPH_TOLERANCE)
    ]


def serving_settings(checkpoint: Path) -> dict:
    """The serving settings stored with exported weights (empty for training checkpoints)."""
    state = torch.load(checkpoint, map_location="cpu", weights_only=True)
    return dict(state.get("serving", {}))


def store_serving_settings(weights: Path, settings: dict) -> None:
    """Merges ``settings`` into the serving settings of an exported weights file."""
    state = torch.load(weights, map_location="cpu", weights_only=True)
    if "optimizer" in state:
        raise ValueError(f"{weights} is a training checkpoint; export --format weights first")
    state["serving"] = {**state.get("serving", {}), **settings}
    torch.save(state, weights)
