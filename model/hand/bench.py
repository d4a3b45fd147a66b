"""`handmesh bench ik`: IK accuracy (FK → keypoints → IK → FK) and speed on the CPU."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import torch
from scipy.spatial.transform import Rotation

from model.hand import load_hand
from model.hand.ik import HandIK
from model.hand.joint_angles import angles_to_rotations, joint_frames
from model.hand.kinematics import HandKinematics
from model.hand.poses import sample_poses


def random_posed_keypoints(hand_source: str | None, count: int, seed: int) -> np.ndarray:
    """Keypoints (count, 21, 3) of random plausible poses, random global rotations, in front
    of a camera (wrist 0.3-0.7 m away)."""
    hand = load_hand(hand_source)
    rng = np.random.default_rng(seed)
    rotations = angles_to_rotations(sample_poses(rng, count), joint_frames(hand))
    rotations[:, 0] = Rotation.random(count, random_state=seed).as_matrix()
    wrist = np.c_[rng.uniform(-0.1, 0.1, (count, 2)), rng.uniform(0.3, 0.7, count)]
    kinematics = HandKinematics(hand, torch.float64)
    with torch.inference_mode():
        return kinematics(
            torch.from_numpy(rotations), wrist_position=torch.from_numpy(wrist)
        ).keypoints.numpy()


def round_trip_errors_mm(hand_source: str | None, keypoints: np.ndarray) -> np.ndarray:
    """Per-keypoint distance (N, 21) between keypoints and FK(IK(keypoints)), in mm."""
    hand = load_hand(hand_source)
    solution = HandIK(hand).solve(keypoints)
    with torch.inference_mode():
        again = HandKinematics(hand, torch.float64)(
            torch.from_numpy(solution.rotations),
            wrist_position=torch.from_numpy(solution.wrist_position),
        ).keypoints.numpy()
    return np.linalg.norm(again - keypoints, axis=-1) * 1000.0


def _median_us_per_hand(
    solve: Callable[[np.ndarray], object], keypoints: np.ndarray, batch: int, calls: int
) -> float:
    """Median over ``calls`` timed calls (robust to a noisy machine), per hand, in µs."""
    batches = [keypoints[(i * batch) % len(keypoints) :][:batch] for i in range(calls)]
    batches = [b if len(b) == batch else keypoints[:batch] for b in batches]
    for warm in batches[:20]:
        solve(warm)
    durations = []
    for sample in batches:
        start = time.perf_counter_ns()
        solve(sample)
        durations.append(time.perf_counter_ns() - start)
    return float(np.median(durations)) / 1000.0 / batch


def run(args: argparse.Namespace) -> dict[str, float]:
    keypoints = random_posed_keypoints(args.hand, args.poses, args.seed)
    errors = round_trip_errors_mm(args.hand, keypoints)
    ik = HandIK(load_hand(args.hand))

    def with_quaternions(sample: np.ndarray) -> np.ndarray:
        return ik.solve(sample).quaternions

    return {
        "poses": int(args.poses),
        "round_trip_mean_mm": float(errors.mean()),
        "round_trip_max_mm": float(errors.max()),
        "us_per_hand_batch1": _median_us_per_hand(ik.solve, keypoints, 1, 3000),
        "us_per_hand_batch64": _median_us_per_hand(ik.solve, keypoints, 64, 300),
        "us_per_hand_batch1_with_quaternions": _median_us_per_hand(
            with_quaternions, keypoints, 1, 3000
        ),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--poses", type=int, default=1000, help="random poses for the round trip (default 1000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--hand", default=None, help="hand model: builtin (default), a .npz, or a MANO .pkl"
    )
