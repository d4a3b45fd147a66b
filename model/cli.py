"""Subcommands of the `model` package: the hand model's assets, pictures and benchmarks."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction, benches: argparse._SubParsersAction) -> None:
    """Adds the model package's subcommands and benchmarks to the `handmesh` parser."""
    hand = commands.add_parser(
        "hand",
        help="the hand model: regenerate the built-in hand, render pictures",
        description="The kinematic hand model (skeleton, mesh, skinning, IK).",
    )
    actions = hand.add_subparsers(dest="hand_command", metavar="ACTION", required=True)

    build = actions.add_parser(
        "build",
        help="regenerate the built-in hand asset from its generator",
        description="Generates the license-free built-in hand (mesh, skinning weights, shape "
        "blend shapes, joint regressor) and writes it as an .npz asset. Deterministic.",
    )
    build.add_argument(
        "--out", type=Path, default=None, help="output .npz (default: the shipped asset)"
    )
    build.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the shipped asset differs"
    )
    build.set_defaults(run=_hand_build)

    render = actions.add_parser(
        "render",
        help="render the hand in its rest pose and named poses to PNG",
        description="Renders the hand (rest, fist, point, pinch, spread) with our renderer.",
    )
    render.add_argument(
        "--out", type=Path, default=Path("docs/images"), help="output folder (default docs/images)"
    )
    render.add_argument(
        "--hand", default=None, help="hand model: builtin (default), a .npz, or a MANO .pkl"
    )
    render.add_argument("--size", type=int, default=480, help="image size in pixels (default 480)")
    render.set_defaults(run=_hand_render)

    from model.hand import bench

    ik = benches.add_parser(
        "ik",
        help="IK round-trip accuracy and speed on the CPU",
        description="Samples random plausible poses, runs FK → keypoints → IK → FK and reports the "
        "keypoint error, then times the IK at batch 1 and batch 64 (median per call).",
    )
    bench.add_arguments(ik)
    ik.set_defaults(run_bench=bench.run)


def _hand_build(args: argparse.Namespace) -> int:
    import numpy as np

    from model.hand import BUILTIN_ASSET
    from model.hand.builtin import build_builtin_hand
    from model.hand.model import HandModel

    hand = build_builtin_hand()
    target = args.out or BUILTIN_ASSET
    if args.check:
        shipped = HandModel.load(BUILTIN_ASSET)
        fresh_path = Path(f"{target}.check.npz")
        hand.save(fresh_path)
        fresh = HandModel.load(fresh_path)
        fresh_path.unlink()
        same = all(
            np.array_equal(getattr(shipped, name), getattr(fresh, name))
            for name in (
                "template",
                "shape_dirs",
                "joint_regressor",
                "skin_weights",
                "faces",
                "tip_vertices",
                "flexion_axes",
            )
        )
        print(
            "the shipped built-in hand matches its generator"
            if same
            else "the shipped built-in hand differs"
        )
        return 0 if same else 1
    target.parent.mkdir(parents=True, exist_ok=True)
    hand.save(target)
    print(f"wrote {target}: {hand.num_vertices} vertices, {len(hand.faces)} faces")
    return 0


def _hand_render(args: argparse.Namespace) -> int:
    from model.hand.pictures import render_pose_gallery

    for path in render_pose_gallery(args.out, args.hand, args.size):
        print(f"wrote {path}")
    return 0
