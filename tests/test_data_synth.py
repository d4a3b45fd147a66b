"""Synthetic data: FreiHAND layout, ground truth that lands on the rendered hand, determinism."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from model.data.freihand_layout import count_variants, image_path, read_split
from model.data.synth import SynthSettings, generate, sample_rng, sample_scenes
from model.hand import load_builtin_hand
from model.render import project_points


def read_mask(root, index: int) -> np.ndarray:
    path = image_path(root, "training", index, "mask")
    return cv2.imread(str(path), cv2.IMREAD_GRAYSCALE) > 127


@pytest.fixture(scope="module")
def tiny_set(tmp_path_factory):
    root = tmp_path_factory.mktemp("synth")
    generate(root, 12, SynthSettings(seed=3, left_fraction=0.5), workers=1, progress=False)
    return root


def test_writes_freihand_official_layout(tiny_set):
    for name in ("K", "xyz", "verts", "mano", "scale", "side", "meta"):
        assert (tiny_set / f"training_{name}.json").exists(), name
    annotations = read_split(tiny_set, "training")
    assert len(annotations) == 12
    assert annotations.xyz.shape == (12, 21, 3)
    assert annotations.verts.shape == (12, load_builtin_hand().num_vertices, 3)
    assert annotations.mano.shape == (12, 16 * 3 + 6 + 3)
    assert count_variants(tiny_set, "training", 12) == 1
    image = cv2.imread(str(image_path(tiny_set, "training", 0)))
    assert image.shape == (224, 224, 3)
    assert set(annotations.side) == {"left", "right"}
    np.testing.assert_allclose(
        annotations.scale,
        np.linalg.norm(annotations.xyz[:, 10] - annotations.xyz[:, 9], axis=1),
        atol=1e-5,
    )
    assert not list(tiny_set.glob(".*progress*")), "the progress journal is removed when done"


def test_projected_keypoints_land_on_the_rendered_hand(tiny_set):
    annotations = read_split(tiny_set, "training")
    inside = []
    for index in range(len(annotations)):
        mask = (
            cv2.imread(str(image_path(tiny_set, "training", index, "mask")), cv2.IMREAD_GRAYSCALE)
            > 127
        )
        # Joints lie inside the hand; a tip vertex lies on its surface: allow one pixel.
        mask = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        pixels = np.round(project_points(annotations.K[index], annotations.xyz[index])).astype(int)
        in_frame = (pixels >= 0).all(axis=1) & (pixels < 224).all(axis=1)
        inside.append(in_frame & mask[np.clip(pixels[:, 1], 0, 223), np.clip(pixels[:, 0], 0, 223)])
    inside = np.array(inside)
    # Occluded joints are still inside the silhouette: all of them must land on the hand.
    assert inside.mean() > 0.99, f"{(~inside).sum()} keypoints off the hand"


def test_mesh_vertices_project_onto_the_mask(tiny_set):
    # The vertex annotation and the image agree: the mask's area is covered by the projected
    # mesh and nothing of the mesh falls outside it (left hands included: mirrored).
    annotations = read_split(tiny_set, "training")
    for index in range(len(annotations)):
        mask = (
            cv2.imread(str(image_path(tiny_set, "training", index, "mask")), cv2.IMREAD_GRAYSCALE)
            > 127
        )
        pixels = np.round(project_points(annotations.K[index], annotations.verts[index])).astype(
            int
        )
        pixels = pixels[(pixels >= 0).all(axis=1) & (pixels < 224).all(axis=1)]
        dilated = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        assert dilated[pixels[:, 1], pixels[:, 0]].mean() > 0.99


def test_keypoint_projection_agrees_with_the_rendered_tip_pixels(tiny_set):
    # Fingertip keypoints are mesh vertices at the very end of each finger: through K they
    # must land on the rendered silhouette's edge, i.e. within half a pixel of a pixel the
    # renderer covered (the renderer and the annotations share one projection).
    annotations = read_split(tiny_set, "training")
    distances = []
    for index in range(len(annotations)):
        mask = read_mask(tiny_set, index)
        outside = cv2.distanceTransform((~mask).astype(np.uint8), cv2.DIST_L2, 5)
        tips = project_points(annotations.K[index], annotations.xyz[index, [4, 8, 12, 16, 20]])
        pixels = np.round(tips).astype(int)
        visible = (pixels >= 0).all(axis=1) & (pixels < 224).all(axis=1)
        distances.extend(outside[pixels[visible, 1], pixels[visible, 0]])
    assert np.mean(distances) < 0.5


def test_annotated_mesh_and_camera_reproduce_the_stored_mask(tiny_set):
    # Rendering the annotation (vertices + K) again must give the silhouette in the image:
    # this ties the 3D ground truth to the pixels, mirrored left hands included.
    from model.render import Renderer

    annotations = read_split(tiny_set, "training")
    faces = load_builtin_hand().faces
    with Renderer(224, 224) as renderer:
        for index in range(len(annotations)):
            left = annotations.side[index] == "left"
            # A mirrored mesh winds the other way round; the silhouette does not care.
            rendered = renderer.render(
                annotations.verts[index], faces[:, ::-1] if left else faces, annotations.K[index]
            ).mask
            stored = read_mask(tiny_set, index)
            iou = (rendered & stored).sum() / (rendered | stored).sum()
            assert iou > 0.97, (index, iou)


def test_samples_are_deterministic_and_independent_of_chunking():
    settings = SynthSettings(seed=11)
    together = sample_scenes(settings, [0, 1, 2, 3])
    alone = sample_scenes(settings, [2])
    np.testing.assert_array_equal(together[2].keypoints, alone[0].keypoints)
    assert not np.allclose(together[0].keypoints, together[1].keypoints)
    assert sample_rng(settings, 5).random() == sample_rng(settings, 5).random()


def test_an_interrupted_run_resumes_without_redoing_finished_samples(tmp_path, monkeypatch):
    from model.data import synth

    settings = SynthSettings(seed=5)
    generate(tmp_path / "reference", 4, settings, workers=1, progress=False)
    monkeypatch.setattr(synth, "CHUNK", 2)
    real_chunk = synth.generate_chunk
    calls = []

    def crash_on_second_chunk(args):
        calls.append(args[2])
        if len(calls) == 2:
            raise KeyboardInterrupt("simulated crash")
        return real_chunk(args)

    monkeypatch.setattr(synth, "generate_chunk", crash_on_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        generate(tmp_path / "resumed", 4, settings, workers=1, progress=False)
    assert (tmp_path / "resumed" / ".training_progress.jsonl").exists()
    calls.clear()
    generate(tmp_path / "resumed", 4, settings, workers=1, progress=False)
    assert calls == [[2, 3]], "only the unfinished chunk is rendered again"
    for name in ("xyz", "verts", "K", "side"):
        resumed = json.loads((tmp_path / "resumed" / f"training_{name}.json").read_text())
        assert resumed == json.loads((tmp_path / "reference" / f"training_{name}.json").read_text())


def test_evaluation_split_differs_from_training(tmp_path):
    training = sample_scenes(SynthSettings(seed=1, split="training"), [0])[0]
    evaluation = sample_scenes(SynthSettings(seed=1, split="evaluation"), [0])[0]
    assert not np.allclose(training.keypoints, evaluation.keypoints)
