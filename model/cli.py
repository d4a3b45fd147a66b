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
    render.add_argument("--size", type=int, default=320, help="tile size in pixels (default 320)")
    render.set_defaults(run=_hand_render)

    synth = commands.add_parser(
        "synth",
        help="render synthetic hand images with ground truth in FreiHAND's layout",
        description="Renders the built-in hand in random plausible poses, shapes, skin tones, "
        "lights, backgrounds and cameras, and writes FreiHAND's official layout "
        "(DIR/training/rgb/%%08d.jpg, DIR/training_K.json, ..._xyz.json, ..._verts.json, "
        "..._mano.json, ..._scale.json). Each sample depends only on (seed, split, index): "
        "deterministic for any worker count; an interrupted run resumes when started again "
        "with the same arguments.",
    )
    synth.add_argument("--out", type=Path, required=True, help="output folder (created)")
    synth.add_argument("--n", type=int, required=True, help="number of samples")
    synth.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    synth.add_argument("--split", choices=("training", "evaluation"), default="training")
    synth.add_argument(
        "--left-fraction",
        type=float,
        default=0.2,
        help="share of mirrored left hands (default 0.2)",
    )
    synth.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    synth.set_defaults(run=_synth)

    sequence = commands.add_parser(
        "synth-seq",
        help="render a smooth synthetic hand motion at camera resolution",
        description="Renders open hand → fist → point → pinch → wave at 30 fps, 640×480, with the "
        "wrist moving through the frame, and writes frames + ground truth (see docs/data.md).",
    )
    sequence.add_argument("--out", type=Path, required=True, help="output file (.zip)")
    sequence.add_argument("--seconds", type=float, default=6.0, help="length (default 6 s)")
    sequence.add_argument("--fps", type=int, default=30, help="frame rate (default 30)")
    sequence.add_argument("--width", type=int, default=640)
    sequence.add_argument("--height", type=int, default=480)
    sequence.add_argument(
        "--seed", type=int, default=0, help="skin, lights, background (default 0)"
    )
    sequence.set_defaults(run=_synth_sequence)

    sheet = commands.add_parser(
        "sheet",
        help="contact sheet of a FreiHAND-layout folder with keypoints drawn",
        description="Draws the projected ground-truth keypoints on the first images of a split "
        "(synthetic or the real FreiHAND) and tiles them into one image.",
    )
    sheet.add_argument("data", type=Path, help="FreiHAND-layout folder")
    sheet.add_argument("--out", type=Path, required=True, help="output image (.png or .jpg)")
    sheet.add_argument("--split", choices=("training", "evaluation"), default="training")
    sheet.add_argument("--count", type=int, default=24, help="number of images (default 24)")
    sheet.set_defaults(run=_sheet)

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


def _synth(args: argparse.Namespace) -> int:
    import time

    from model.data.synth import SynthSettings, generate

    if args.n <= 0:
        raise ValueError("--n must be positive")
    if not 0.0 <= args.left_fraction <= 1.0:
        raise ValueError("--left-fraction must be between 0 and 1")
    settings = SynthSettings(seed=args.seed, split=args.split, left_fraction=args.left_fraction)
    start = time.perf_counter()
    generate(args.out, args.n, settings, workers=args.workers)
    seconds = time.perf_counter() - start
    rate = args.n / seconds
    print(f"wrote {args.n} {args.split} samples to {args.out}: {seconds:.1f} s, {rate:.1f} img/s")
    return 0


def _sheet(args: argparse.Namespace) -> int:
    from model.data.sheet import write_contact_sheet

    print(f"wrote {write_contact_sheet(args.data, args.out, args.split, args.count)}")
    return 0


def _synth_sequence(args: argparse.Namespace) -> int:
    from model.data.sequence import SequenceSettings, render_sequence

    if args.seconds <= 0 or args.fps <= 0 or args.width < 32 or args.height < 32:
        raise ValueError("--seconds and --fps must be positive and the image at least 32×32")
    settings = SequenceSettings(args.seconds, args.fps, args.width, args.height, args.seed)
    path = render_sequence(args.out, settings)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0
