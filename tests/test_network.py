"""The network: shapes for every config, heatmap maths, coarse mesh, export parity, API."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch

from model.hand.kinematics import HandKinematics
from model.inference import HandMeshPredictor
from model.net.coarse_mesh import build_coarse_mesh
from model.net.config import CONFIGS, get_config
from model.net.heatmaps import gaussian_targets, soft_argmax
from model.net.network import build_network


@pytest.mark.parametrize("name", list(CONFIGS))
def test_output_shapes_for_every_config(builtin_hand, name):
    network = build_network(get_config(name), builtin_hand).eval()
    size = get_config(name).input_size
    with torch.no_grad():
        outputs = network(torch.rand(2, 3, size, size))
    assert [tuple(h.shape) for h in outputs["heatmaps"]] == [
        (2, 21, size // 4, size // 4),
        (2, 21, size // 8, size // 8),
        (2, 21, size // 16, size // 16),
    ]
    assert outputs["keypoints_2d"].shape == (2, 21, 2)
    assert outputs["keypoint_confidence"].shape == (2, 21)
    assert outputs["joints"].shape == (2, 21, 3)
    assert outputs["coarse_vertices"].shape == (2, get_config(name).coarse_vertices, 3)
    assert outputs["vertices"].shape == (2, builtin_hand.num_vertices, 3)
    assert outputs["camera"].shape == (2, 3)
    assert torch.all(outputs["joints"][:, 0] == 0), "root-relative: the wrist is the origin"


def test_soft_argmax_finds_the_peak_of_a_gaussian_target():
    keypoints = torch.tensor([[[37.0, 120.5], [200.25, 15.0]]])
    target = gaussian_targets(keypoints, (56, 56), 224, sigma_px=4.0)
    found, confidence = soft_argmax(torch.log(target.clamp_min(1e-30)), 224)
    torch.testing.assert_close(found, keypoints, atol=0.05, rtol=0)
    assert torch.all(confidence > 0.3)


def test_the_finest_heatmap_sees_the_deepest_stage(builtin_hand):
    # Which finger is which is known deep in the backbone; the stride-4 map must hear it.
    heads = build_network(get_config("tiny"), builtin_hand).heatmap_heads.eval()
    size = get_config("tiny").input_size
    features = [
        torch.rand(1, dim, size // stride, size // stride)
        for dim, stride in zip(get_config("tiny").stage_dims, (4, 8, 16, 32), strict=True)
    ]
    changed = [*features[:3], features[3] + 1.0]
    with torch.no_grad():
        assert not torch.allclose(heads(features)[0], heads(changed)[0])


def test_only_the_heatmap_losses_shape_the_heatmaps(builtin_hand):
    # The decoder reads the heatmaps (pooling weights, keypoints) but must not train them:
    # attached, the 3D losses flattened them into broad pooling windows.
    network = build_network(get_config("micro"), builtin_hand)
    outputs = network(torch.rand(2, 3, 224, 224))
    three_d = outputs["joints"].sum() + outputs["vertices"].sum() + outputs["camera"].sum()
    gradients = torch.autograd.grad(three_d, outputs["heatmaps"], allow_unused=True)
    assert all(gradient is None for gradient in gradients)


def test_keypoint_loss_is_the_soft_argmax_error_in_crop_units(builtin_hand):
    from model.net.losses import HandMeshLoss

    network = build_network(get_config("micro"), builtin_hand)
    criterion = HandMeshLoss(network.faces, network.coarse_indices, input_size=101)
    truth = torch.rand(2, 21, 2) * 100
    shifted = truth + torch.tensor([10.0, 0.0])  # a tenth of the crop, in x only
    outputs = {"keypoints_2d": shifted}
    assert criterion.keypoints({"keypoints_2d": truth}, {"keypoints_2d": truth}) == 0
    assert float(criterion.keypoints(outputs, {"keypoints_2d": truth})) == pytest.approx(0.1)


def test_upsampler_starts_from_a_matrix_that_reproduces_posed_hands(builtin_hand):
    coarse = build_coarse_mesh(builtin_hand)
    assert len(coarse.indices) == 192 and coarse.adjacency.dtype == bool
    np.testing.assert_allclose(coarse.upsample.sum(axis=1), 1.0, atol=1e-9)
    assert np.all(coarse.adjacency == coarse.adjacency.T) and np.all(np.diag(coarse.adjacency))
    rotations = torch.eye(3, dtype=torch.float64).expand(1, 16, 3, 3).clone()
    rotations[0, 7] = torch.tensor(
        [[0.0, 0, 1], [0, 1, 0], [-1, 0, 0]], dtype=torch.float64
    )  # bend the middle finger
    vertices = HandKinematics(builtin_hand, torch.float64)(rotations).vertices[0].numpy()
    error = np.linalg.norm(coarse.upsample @ vertices[coarse.indices] - vertices, axis=1)
    assert error.mean() < 0.002


@pytest.mark.parametrize(
    "file_format",
    [
        "torchscript",
        pytest.param(
            "onnx",
            marks=pytest.mark.skipif(
                importlib.util.find_spec("onnxruntime") is None
                or importlib.util.find_spec("onnx") is None,
                reason="onnx/onnxruntime not installed (pip install -e '.[export]')",
            ),
        ),
    ],
)
def test_exported_model_matches_pytorch(builtin_hand, tmp_path, file_format):
    from model.export import export, output_differences, parity_failures

    network = build_network(get_config("tiny"), builtin_hand).eval()
    path = export(network, tmp_path / f"model.{file_format}", file_format)
    assert parity_failures(output_differences(network, path, file_format), file_format) == []


def test_float16_serving_weights_load_stay_close_and_carry_serving_settings(builtin_hand, tmp_path):
    from model.export import export, output_differences, parity_failures, serving_settings

    network = build_network(get_config("tiny"), builtin_hand).eval()
    serving = {"confidence_threshold": 0.07, "about": "test"}
    path = export(network, tmp_path / "model.weights.pt", "weights", serving)
    assert path.stat().st_size < 0.6 * sum(p.numel() * 4 for p in network.parameters())
    differences = output_differences(network, path, "weights")
    assert parity_failures(differences, "weights") == [] and differences["joints"] > 0
    assert parity_failures({**differences, "joints": 1e-3}, "weights") == [
        "joints differs by 1.00e-03 (allowed 0.0005)"
    ]
    assert serving_settings(path) == serving
    plain = export(network, tmp_path / "plain.weights.pt", "weights")
    assert serving_settings(plain) == {}


def test_predictor_takes_bgr_crops_and_rejects_anything_else(builtin_hand):
    predictor = HandMeshPredictor(build_network(get_config("tiny"), builtin_hand))
    size = predictor.input_size
    crops = np.random.default_rng(0).integers(0, 255, size=(3, size, size, 3), dtype=np.uint8)
    prediction = predictor.predict(crops)
    assert prediction.keypoints_2d.shape == (3, 21, 2) and prediction.vertices.shape[0] == 3
    assert np.all((prediction.confidence >= 0) & (prediction.confidence <= 1))
    with pytest.raises(ValueError, match="uint8"):
        predictor.predict(crops.astype(np.float32))
    with pytest.raises(ValueError, match="float16"):
        HandMeshPredictor(build_network(get_config("tiny"), builtin_hand), "cpu", torch.float16)


def test_predictor_outputs_are_the_networks_on_the_rgb_image(builtin_hand):
    """The BGR → RGB swap, the scaling and the unpacking of the one-transfer output."""
    network = build_network(get_config("micro"), builtin_hand).eval()
    crops = np.random.default_rng(1).integers(0, 255, size=(2, 224, 224, 3), dtype=np.uint8)
    prediction = HandMeshPredictor(network).predict(crops)
    rgb = torch.from_numpy(crops[..., ::-1].copy()).permute(0, 3, 1, 2).float() / 255.0
    with torch.no_grad():
        outputs = network(rgb)
    for name in ("keypoints_2d", "joints", "vertices"):
        np.testing.assert_allclose(getattr(prediction, name), outputs[name].numpy(), atol=1e-6)
    confidence = outputs["keypoint_confidence"].mean(1).numpy()
    np.testing.assert_allclose(prediction.confidence, confidence, atol=1e-6)
