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

    rig = commands.add_parser(
        "export-rig",
        help="write the hand's rig (mesh, skinning, bones) as a protocol rig message",
        description="Writes the protocol's `rig` message for a hand model to a file, e.g. for a "
        "Unity project's StreamingAssets, so the engine can build the hand with no server running.",
    )
    rig.add_argument("--out", type=Path, default=Path("handmesh_rig.msgpack"), help="output file")
    rig.add_argument(
        "--hand", default=None, help="hand model: builtin (default), a .npz, or a MANO .pkl"
    )
    rig.set_defaults(run=_export_rig)

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
        "wrist moving through the frame, and writes it as a recorded stream: every frame followed "
        "by its ground truth as the result a perfect server would publish (see docs/data.md).",
    )
    sequence.add_argument("--out", type=Path, required=True, help="output file (.hmstream)")
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

    _register_network_commands(commands)

    from model.hand import bench
    from model.net import bench as net_bench

    model_bench = benches.add_parser(
        "model",
        help="network size, FLOPs, batch-1 latency and batch-16 throughput",
        description="Builds a network config with random weights (speed does not depend on them), "
        "warms it up, then times batch 1 (median, p95) and batch 16 (images/s).",
    )
    net_bench.add_arguments(model_bench)
    model_bench.set_defaults(run_bench=net_bench.run)

    ik = benches.add_parser(
        "ik",
        help="IK round-trip accuracy and speed on the CPU",
        description="Samples random plausible poses, runs FK → keypoints → IK → FK and reports the "
        "keypoint error, then times the IK at batch 1 and batch 64 (median per call).",
    )
    bench.add_arguments(ik)
    ik.set_defaults(run_bench=bench.run)


def _hand_build(args: argparse.Namespace) -> int:
    import io

    from model.hand import BUILTIN_ASSET
    from model.hand.builtin import build_builtin_hand
    from model.hand.model import HandModel

    hand = build_builtin_hand()
    target = args.out or BUILTIN_ASSET
    if args.check:
        buffer = io.BytesIO()
        hand.save(buffer)  # compare at the shipped precision: save and read back
        buffer.seek(0)
        changed = HandModel.load(BUILTIN_ASSET).differences(HandModel.load(buffer))
        if changed:
            print(f"the shipped built-in hand differs from its generator in: {', '.join(changed)}")
            return 1
        print("the shipped built-in hand matches its generator")
        return 0
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


def _register_network_commands(commands: argparse._SubParsersAction) -> None:
    train = commands.add_parser(
        "train",
        help="train the network on a FreiHAND-layout folder (real or synthetic)",
        description="AdamW + cosine schedule, mixed precision on GPU, gradient clipping. Writes "
        "RUN_DIR/last.pt (every --checkpoint-every steps and each epoch), RUN_DIR/epoch_XXX.pt, "
        "RUN_DIR/log.jsonl (and TensorBoard logs when tensorboard is installed). Resuming from "
        "a checkpoint continues exactly as if training had not stopped.",
    )
    train.add_argument("--data", type=Path, required=True, help="FreiHAND-layout folder")
    train.add_argument("--config", default="tiny", help="tiny, small or base (default tiny)")
    train.add_argument(
        "--out", type=Path, required=True, help="run folder for checkpoints and logs"
    )
    train.add_argument(
        "--resume_checkpoint", "--resume", type=Path, default=None, help="checkpoint to continue"
    )
    train.add_argument(
        "--run_evaluation", action="store_true", help="evaluate the validation split each epoch"
    )
    train.add_argument("--epochs", type=int, default=30)
    train.add_argument("--batch-size", type=int, default=32)
    train.add_argument("--lr", type=float, default=5e-4, help="peak learning rate (default 5e-4)")
    train.add_argument(
        "--max-steps", type=int, default=None, help="stop after this many steps (chunked runs)"
    )
    train.add_argument(
        "--checkpoint-every", type=int, default=500, help="steps between checkpoints"
    )
    train.add_argument("--workers", type=int, default=2, help="data loading processes (default 2)")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--device", default="auto", help="auto, cpu or cuda (default auto)")
    train.add_argument(
        "--hand", default=None, help="hand model: builtin (default), a .npz, or a MANO .pkl"
    )
    train.set_defaults(run=_train)

    evaluate = commands.add_parser(
        "eval",
        help="FreiHAND metrics of a checkpoint (PA-MPJPE, PA-MPVPE, F@5/15 mm, AUC)",
        description="Runs the checkpoint on a split and reports the official FreiHAND metrics; "
        "writes metrics.json, a PCK plot (pck.png) and pred.json in the format FreiHAND's "
        "evaluation server accepts.",
    )
    evaluate.add_argument("--data", type=Path, required=True, help="FreiHAND-layout folder")
    evaluate.add_argument("--checkpoint", type=Path, required=True)
    evaluate.add_argument("--split", choices=("evaluation", "training"), default="evaluation")
    evaluate.add_argument(
        "--out", type=Path, default=Path("eval_out"), help="output folder (default eval_out)"
    )
    evaluate.add_argument("--device", default="cpu")
    evaluate.add_argument("--hand", default=None, help="hand model the checkpoint was trained for")
    evaluate.add_argument(
        "--json", action="store_true", help="end the output with one line of JSON"
    )
    evaluate.set_defaults(run=_evaluate)

    export = commands.add_parser(
        "export",
        help="export a checkpoint to ONNX or TorchScript (with a parity check)",
        description="Writes the network (images → keypoints_2d, keypoint_confidence, joints, "
        "vertices) and checks the exported outputs against PyTorch's.",
    )
    export.add_argument("--checkpoint", type=Path, required=True)
    export.add_argument(
        "--format",
        choices=("onnx", "torchscript", "weights"),
        required=True,
        help="onnx, torchscript, or weights (float16, for serving)",
    )
    export.add_argument(
        "--out", type=Path, default=None, help="output file (default next to the checkpoint)"
    )
    export.add_argument("--hand", default=None)
    export.add_argument(
        "--confidence-threshold",
        type=float,
        default=None,
        help="weights: below this confidence the server reports no hand (default 0.25); "
        "calibrate it per model on held-out data",
    )
    export.add_argument("--about", default=None, help="weights: one line on how it was trained")
    export.set_defaults(run=_export)


def _train(args: argparse.Namespace) -> int:
    from model.net.config import get_config
    from model.train import Trainer, TrainSettings

    settings = TrainSettings(
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.lr,
        seed=args.seed,
        workers=args.workers,
        max_steps=args.max_steps,
        checkpoint_every=args.checkpoint_every,
    )
    trainer = Trainer(
        args.data, get_config(args.config), args.out, settings, args.hand, args.device
    )
    if args.resume_checkpoint:
        trainer.resume(args.resume_checkpoint)
        print(
            f"resumed from {args.resume_checkpoint} at epoch {trainer.epoch}, step {trainer.step}"
        )
    metrics = trainer.train(run_evaluation=args.run_evaluation)
    print(
        f"stopped at epoch {trainer.epoch}, step {trainer.step}; checkpoint {args.out / 'last.pt'}"
    )
    if metrics:
        joints, mesh = metrics["pa_mpjpe_mm"], metrics["pa_mpvpe_mm"]
        print(f"validation PA-MPJPE {joints:.2f} mm, PA-MPVPE {mesh:.2f} mm")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    import json

    from model.data.freihand import FreiHANDDataset
    from model.evaluate import (
        evaluate_predictions,
        predict_dataset,
        write_pck_plot,
        write_submission,
    )
    from model.train import load_network

    network = load_network(args.checkpoint, args.hand, args.device)
    dataset = FreiHANDDataset(args.data, args.split, input_size=network.config.input_size)
    predictions = predict_dataset(network, dataset, args.device, progress=True)
    metrics = evaluate_predictions(
        predictions["joints_true"],
        predictions["joints"],
        predictions["vertices_true"],
        predictions["vertices"],
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=1))
    write_pck_plot(metrics, args.out / "pck.png")
    write_submission(predictions, args.out / "pred.json")
    summary = {k: v for k, v in metrics.items() if not isinstance(v, list)}
    for name, value in summary.items():
        print(f"{name:<14} {value:.4g}" if isinstance(value, float) else f"{name:<14} {value}")
    print(f"wrote {args.out}/metrics.json, pck.png, pred.json")
    if args.json:
        print(json.dumps(summary))
    return 0


def _export(args: argparse.Namespace) -> int:
    from model.export import export, output_differences, parity_failures
    from model.train import load_network

    network = load_network(args.checkpoint, args.hand)
    suffix = {"onnx": ".onnx", "torchscript": ".ts", "weights": ".weights.pt"}[args.format]
    out = args.out or args.checkpoint.with_suffix(suffix)
    serving = {}
    if args.confidence_threshold is not None:
        serving["confidence_threshold"] = args.confidence_threshold
    if args.about is not None:
        serving["about"] = args.about
    if serving and args.format != "weights":
        raise ValueError("--confidence-threshold and --about go with --format weights")
    export(network, out, args.format, serving)
    differences = output_differences(network, out, args.format)
    shown = ", ".join(f"{name} {value:.1e}" for name, value in differences.items())
    print(f"wrote {out}; largest differences to PyTorch: {shown}")
    failures = parity_failures(differences, args.format)
    for failure in failures:
        print(f"export: {failure}")
    return 1 if failures else 0


def _export_rig(args: argparse.Namespace) -> int:
    from model.hand import load_hand
    from model.hand.rig import rig_message
    from protocol.codec import encode

    data = encode(rig_message(load_hand(args.hand)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data)} bytes)")
    return 0
