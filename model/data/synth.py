"""`handmesh synth`: rendered hands with exact ground truth, in FreiHAND's layout.

Every sample is a pure function of (seed, split, index): its own random generator decides
pose, shape, global rotation, camera, skin, lights, background and image degradations.
That makes the output identical whatever the number of worker processes, lets an
interrupted run resume where it stopped, and makes any single sample reproducible.

Per sample: sample a plausible pose → FK with the built-in hand → place it in front of a
camera so it fills the 224×224 crop as FreiHAND's do → render (shaded, skin albedo, random
lights) → composite over a background → blur, noise, JPEG. A share of samples is mirrored
into left hands (flagged in ``{split}_side.json``).
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
import torch
from scipy.spatial.transform import Rotation
from tqdm import tqdm

from model.data.appearance import random_lights, skin_albedo
from model.data.backgrounds import random_background
from model.data.freihand_layout import IMAGE_SIZE, annotation_path, image_path, write_json
from model.hand import load_builtin_hand
from model.hand.joint_angles import angles_to_rotations, joint_frames
from model.hand.kinematics import HandKinematics
from model.hand.poses import sample_poses

CHUNK = 32
_SPLIT_SALT = {"training": 0, "evaluation": 1}


@dataclass(frozen=True)
class SynthSettings:
    """Everything that decides the output besides (seed, split, index)."""

    seed: int = 0
    split: str = "training"
    image_size: int = IMAGE_SIZE
    left_fraction: float = 0.2
    focal_px: tuple[float, float] = (420.0, 760.0)
    hand_radius_px: tuple[float, float] = (62.0, 100.0)
    shape_std: float = 0.7


@dataclass(frozen=True)
class Scene:
    """One sample's ground truth before rendering, camera frame, meters.

    vertices (V, 3); keypoints (21, 3); K (3, 3); rotations (16, 3, 3) local; shape (S,)."""

    vertices: np.ndarray
    keypoints: np.ndarray
    K: np.ndarray
    rotations: np.ndarray
    shape: np.ndarray


def sample_rng(settings: SynthSettings, index: int) -> np.random.Generator:
    return np.random.default_rng([settings.seed, _SPLIT_SALT[settings.split], index])


def sample_scenes(settings: SynthSettings, indices: list[int]) -> list[Scene]:
    """Poses, shapes and cameras for ``indices``.

    FK runs one sample at a time: a batched product sums in another order, and the last bit
    of a vertex must not depend on which chunk a sample was rendered in.
    """
    hand = load_builtin_hand()
    frames = joint_frames(hand)
    scenes = []
    for index in indices:
        rng = sample_rng(settings, index)
        rotations = angles_to_rotations(sample_poses(rng, 1), frames)
        rotations[0, 0] = Rotation.random(random_state=rng.integers(2**31)).as_matrix()
        shape = np.clip(rng.normal(size=(1, len(hand.shape_names))) * settings.shape_std, -2, 2)
        with torch.inference_mode():
            posed = _kinematics()(torch.from_numpy(rotations), torch.from_numpy(shape))
        vertices, keypoints = posed.vertices[0].numpy(), posed.keypoints[0].numpy()
        K, offset = _place_camera(rng, settings, vertices)
        scenes.append(Scene(vertices + offset, keypoints + offset, K, rotations[0], shape[0]))
    return scenes


def _place_camera(rng: np.random.Generator, settings: SynthSettings, vertices: np.ndarray):
    """Intrinsics and the translation that puts the hand in view, filling the crop."""
    size = settings.image_size
    focal = rng.uniform(*settings.focal_px)
    centre = (vertices.max(axis=0) + vertices.min(axis=0)) / 2.0
    radius = np.linalg.norm(vertices - centre, axis=1).max()
    depth = focal * radius / rng.uniform(*settings.hand_radius_px)
    principal = (size - 1) / 2.0 + rng.normal(scale=2.0, size=2)
    K = np.array([[focal, 0.0, principal[0]], [0.0, focal, principal[1]], [0.0, 0.0, 1.0]])
    shift_px = rng.normal(scale=size * 0.03, size=2)
    target = np.array([shift_px[0] * depth / focal, shift_px[1] * depth / focal, depth])
    return K, target - centre


_CACHE: dict[str, object] = {}


def _kinematics() -> HandKinematics:
    if "fk" not in _CACHE:
        _CACHE["fk"] = HandKinematics(load_builtin_hand(), torch.float64)
    return _CACHE["fk"]


def _renderer(size: int):
    key = f"renderer{size}"
    if key not in _CACHE:
        from model.render import Renderer

        _CACHE[key] = Renderer(size, size)
    return _CACHE[key]


def render_scene(
    rng: np.random.Generator, scene: Scene, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Shaded hand over a random background with camera degradations: BGR uint8 image, mask."""
    hand = load_builtin_hand()
    albedo = skin_albedo(rng, hand.template)
    lights, ambient = random_lights(rng)
    result = _renderer(size).render(
        scene.vertices,
        hand.faces,
        scene.K,
        albedo=albedo,
        lights=lights,
        ambient=ambient,
        specular=rng.uniform(0.0, 0.25),
        shininess=rng.uniform(8.0, 40.0),
    )
    coverage = result.coverage[..., None]
    hand_bgr = result.rgb[..., ::-1].astype(np.float32)
    background = random_background(rng, size, size).astype(np.float32)
    image = coverage * hand_bgr + (1.0 - coverage) * background
    if rng.random() < 0.5:
        image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.3, 1.2))
    image += rng.normal(scale=rng.uniform(0.0, 6.0), size=image.shape)
    return np.clip(image, 0, 255).astype(np.uint8), result.mask


def mirror_to_left(image: np.ndarray, mask: np.ndarray, scene: Scene, size: int) -> tuple:
    """A left hand: the image flipped horizontally and the 3D ground truth mirrored in x
    (principal point mirrored so projections still land on the flipped pixels)."""
    flip = np.diag([-1.0, 1.0, 1.0])
    K = scene.K.copy()
    K[0, 2] = (size - 1) - K[0, 2]
    mirrored = Scene(scene.vertices @ flip, scene.keypoints @ flip, K, scene.rotations, scene.shape)
    return image[:, ::-1].copy(), mask[:, ::-1].copy(), mirrored


def mano_row(scene: Scene) -> list[float]:
    """Our pose and shape in MANO's role: 16×3 axis-angle (our joint order), shape, wrist (m)."""
    axis_angle = Rotation.from_matrix(scene.rotations).as_rotvec().ravel()
    return [*axis_angle.tolist(), *scene.shape.tolist(), *scene.keypoints[0].tolist()]


def generate_chunk(args: tuple[str, SynthSettings, list[int]]) -> list[dict]:
    """Renders and writes the images of ``indices``; returns their annotations (in order)."""
    root, settings, indices = args
    torch.set_num_threads(1)
    size = settings.image_size
    rows = []
    for index, scene in zip(indices, sample_scenes(settings, indices), strict=True):
        rng = sample_rng(settings, index)
        rng.random(64)  # decorrelate from the stream the scene sampling used
        image, mask, side = *render_scene(rng, scene, size), "right"
        if rng.random() < settings.left_fraction:
            image, mask, scene = mirror_to_left(image, mask, scene, size)
            side = "left"
        quality = int(rng.integers(60, 96))
        cv2.imwrite(
            str(image_path(root, settings.split, index)), image, [cv2.IMWRITE_JPEG_QUALITY, quality]
        )
        cv2.imwrite(
            str(image_path(root, settings.split, index, "mask")), mask.astype(np.uint8) * 255
        )
        rows.append(
            {
                "index": index,
                "K": scene.K.tolist(),
                "xyz": np.round(scene.keypoints, 6).tolist(),
                "verts": np.round(scene.vertices, 6).tolist(),
                "mano": [mano_row(scene)],
                "scale": float(np.linalg.norm(scene.keypoints[10] - scene.keypoints[9])),
                "side": side,
            }
        )
    return rows


def _chunks(count: int, done: set[int]) -> Iterator[list[int]]:
    for start in range(0, count, CHUNK):
        indices = [i for i in range(start, min(start + CHUNK, count)) if i not in done]
        if indices:
            yield indices


def generate(
    root: Path,
    count: int,
    settings: SynthSettings,
    workers: int | None = None,
    progress: bool = True,
) -> Path:
    """Writes ``count`` samples of ``settings.split`` under ``root``; resumes a stopped run.

    Finished samples' annotations are appended to a progress journal as they complete, so a
    crash loses at most the chunks in flight; the official JSON files are written at the end.
    """
    root = Path(root)
    for kind in ("rgb", "mask"):
        (root / settings.split / kind).mkdir(parents=True, exist_ok=True)
    journal = root / f".{settings.split}_progress.jsonl"
    done = _read_journal(journal, settings)
    workers = workers or min(os.cpu_count() or 1, 8)
    tasks = [(str(root), settings, chunk) for chunk in _chunks(count, set(done))]
    with (
        open(journal, "a") as log,
        tqdm(
            total=count,
            initial=len(done),
            unit="img",
            disable=not progress,
            desc=f"synth {settings.split}",
        ) as bar,
    ):
        if not done:
            log.write(json.dumps({"settings": asdict(settings)}) + "\n")
        if workers == 1:
            results = map(generate_chunk, tasks)
        else:
            # Spawned, not forked: a GL context must never be inherited across fork().
            context = multiprocessing.get_context("spawn")
            results = ProcessPoolExecutor(workers, mp_context=context).map(generate_chunk, tasks)
        for rows in results:
            for row in rows:
                done[row["index"]] = row
                log.write(json.dumps(row) + "\n")
            log.flush()
            bar.update(len(rows))
    _write_annotations(root, settings, [done[i] for i in range(count)])
    journal.unlink()
    return root


def _read_journal(journal: Path, settings: SynthSettings) -> dict[int, dict]:
    if not journal.exists():
        return {}
    done = {}
    with open(journal) as log:
        lines = log.read().splitlines()
    if not lines or json.loads(lines[0]).get("settings") != json.loads(
        json.dumps(asdict(settings))
    ):
        raise ValueError(
            f"{journal} belongs to a run with other settings: delete it or use the same ones"
        )
    for line in lines[1:]:
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            break  # a line cut by the crash; that chunk is redone
        done[row["index"]] = row
    return done


def _write_annotations(root: Path, settings: SynthSettings, rows: list[dict]) -> None:
    for name in ("K", "xyz", "verts", "mano", "scale", "side"):
        write_json(annotation_path(root, settings.split, name), [row[name] for row in rows])
    with open(annotation_path(root, settings.split, "meta"), "w") as file:
        json.dump(
            {
                "generator": "handmesh synth",
                "hand": load_builtin_hand().name,
                **asdict(settings),
                "count": len(rows),
            },
            file,
            indent=1,
        )
