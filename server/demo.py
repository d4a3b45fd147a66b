"""`handmesh demo`: the whole product on a fresh machine with nothing else running.

It starts the real server (`handmesh serve`, the bundled checkpoint, GPU when present),
streams the bundled sample through it as a 30 fps camera would, and shows what came back:
every frame with the predicted mesh and skeleton drawn over it and that frame's latency —
an MP4, a contact sheet, the latency numbers (JSON) and their plot in ``demo_out/``, plus a
window playing the overlay when a display exists. The sample carries its ground truth, so
the summary also says how far the predictions are from it. With ``--loop`` the server and
the sample keep running afterwards, for a Unity scene to connect to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import zmq

from model.metrics import aligned_errors
from model.viz import contact_sheet
from protocol.limits import DEFAULT_HOST, DEFAULT_PUB_PORT, DEFAULT_ROUTER_PORT
from protocol.messages import Frame, Hand, Hello, Rig, RigRequest
from server.app import SOFTWARE
from server.latency_report import plot, summarize
from server.load import CameraLoad, FrameTiming
from server.overlay import HandOverlay, display_available
from server.paths import SAMPLE_STREAM
from server.pipeline import decode_image
from server.placement import frame_intrinsics
from server.replay import recorded_frames, records_of, replay_schedule, send_frames
from server.requests import ask
from server.spawn import SpawnedServer

SHEET_FRAMES = 12


@dataclass(frozen=True)
class DemoSettings:
    out: Path = Path("demo_out")
    stream_file: Path = SAMPLE_STREAM
    serve_args: tuple[str, ...] = ()
    router: str = f"tcp://{DEFAULT_HOST}:{DEFAULT_ROUTER_PORT}"
    pub: str = f"tcp://{DEFAULT_HOST}:{DEFAULT_PUB_PORT}"
    fps: float = 30.0
    show: bool = False
    loop: bool = False


def accuracy(timings: list[FrameTiming], truth: list[Hand]) -> dict[str, float]:
    """Predictions against the sample's ground truth, over the frames with a hand found:
    root-relative and Procrustes-aligned joint errors (mm), keypoint error (px), wrist
    placement error (mm), and the share of answered frames with a hand."""
    found = [t for t in timings if t.result is not None and t.result.hands]
    answered = [t for t in timings if t.result is not None]
    if not found:
        return {"hand_found_rate": 0.0}
    predicted = np.stack([t.result.hands[0].joints for t in found]).astype(np.float64)
    true = np.stack([truth[t.seq].joints for t in found]).astype(np.float64)
    pixels = np.stack([t.result.hands[0].keypoints_2d for t in found])
    true_pixels = np.stack([truth[t.seq].keypoints_2d for t in found])
    relative = (predicted - predicted[:, :1]) - (true - true[:, :1])
    aligned, _ = aligned_errors(true, predicted)
    return {
        "hand_found_rate": round(len(found) / max(len(answered), 1), 3),
        "mpjpe_root_relative_mm": round(float(np.linalg.norm(relative, axis=-1).mean()) * 1e3, 1),
        "pa_mpjpe_mm": round(float(aligned.mean()) * 1e3, 1),
        "keypoints_2d_px": round(float(np.linalg.norm(pixels - true_pixels, axis=-1).mean()), 1),
        "wrist_position_mm": round(
            float(np.linalg.norm(predicted[:, 0] - true[:, 0], axis=-1).mean()) * 1e3, 1
        ),
    }


def draw_overlays(
    frames: list[Frame], timings: list[FrameTiming], faces: np.ndarray
) -> list[np.ndarray]:
    """Every sent frame with its result drawn and its latency as the caption."""
    overlay = HandOverlay(frames[0].image.width, frames[0].image.height, faces)
    images = []
    for timing in timings:
        frame = frames[timing.seq % len(frames)]
        image = decode_image(frame)
        K = frame_intrinsics(frame.intrinsics, image.shape[1], image.shape[0])
        if timing.result is None:
            caption = f"frame {timing.seq}: dropped"
        else:
            e2e_ms = (timing.t_result_ns - timing.t_capture_ns) / 1e6
            state = "hand" if timing.result.hands else "no hand"
            caption = f"frame {timing.seq}: {state}, capture->result {e2e_ms:.1f} ms"
        images.append(overlay.draw(image, timing.result, K, caption))
    return images


def write_video(images: list[np.ndarray], path: Path, fps: float) -> Path:
    height, width = images[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write MP4 video to {path}")
    for image in images:
        writer.write(image)
    writer.release()
    return path


def play_in_window(images: list[np.ndarray], fps: float) -> None:
    for image in images:
        cv2.imshow("handmesh demo", image)
        if cv2.waitKey(max(1, round(1000 / fps))) in (27, ord("q")):
            break
    cv2.destroyAllWindows()


def run_demo(settings: DemoSettings) -> dict:
    """Runs the demo; returns the summary it also writes to OUT/latency.json."""
    from model.data.sequence import read_sequence

    out = settings.out
    out.mkdir(parents=True, exist_ok=True)
    frames = recorded_frames(settings.stream_file)
    try:
        truth = read_sequence(settings.stream_file).truth
    except ValueError:
        truth = None  # a recording without ground truth: latency only
    server = SpawnedServer(
        list(settings.serve_args), log=out / "server.log", router=settings.router, pub=settings.pub
    )
    print(f"demo: starting handmesh serve (log: {out / 'server.log'})...", flush=True)
    with server:
        print(server.ready_line, flush=True)
        dealer = zmq.Context.instance().socket(zmq.DEALER)
        dealer.setsockopt(zmq.LINGER, 0)
        dealer.connect(server.router)
        try:
            hello = ask(dealer, Hello("client", SOFTWARE, name="demo"), Hello)
            rig = ask(dealer, RigRequest(), Rig)
        finally:
            dealer.close()
        load = CameraLoad(
            server.router,
            server.pub,
            frames,
            settings.fps,
            streams=1,
            seconds=len(frames) / settings.fps,
            name="demo",
            keep_results=True,
        )
        print(f"demo: streaming {len(frames)} frames of {settings.stream_file.name}", flush=True)
        run = load.run()
        summary = {
            "model": hello.model,
            **summarize(run, load.stream_ids),
            **(accuracy(run.timings, truth) if truth is not None else {}),
        }
        images = draw_overlays(frames, run.timings, rig.faces)
        video = write_video(images, out / "demo.mp4", settings.fps)
        picks = np.linspace(0, len(images) - 1, SHEET_FRAMES).round().astype(int)
        small = [cv2.resize(images[i], None, fx=0.5, fy=0.5) for i in picks]
        cv2.imwrite(str(out / "contact_sheet.png"), contact_sheet(small, columns=4))
        (out / "latency.json").write_text(json.dumps(summary, indent=2) + "\n")
        plot(run, load.stream_ids, out / "latency.png", f"demo: {settings.stream_file.name}")
        print(
            f"demo: wrote {video}, {out / 'contact_sheet.png'}, {out / 'latency.json'}, "
            f"{out / 'latency.png'}"
        )
        if settings.show and display_available():
            play_in_window(images, settings.fps)
        if settings.loop:
            _serve_for_unity(server, settings)
    return summary


def _serve_for_unity(server: SpawnedServer, settings: DemoSettings) -> None:
    """Keeps the server up and the sample flowing through it until Ctrl-C."""
    print(
        f"demo: serving on {server.router} (client messages) and {server.pub} (results), the "
        "sample looping as stream 'synth'. In Unity: open unity_client/, press Play. Ctrl-C stops.",
        flush=True,
    )
    records = records_of(settings.stream_file, Frame)
    dealer = zmq.Context.instance().socket(zmq.DEALER)
    dealer.setsockopt(zmq.LINGER, 0)
    dealer.connect(server.router)
    try:
        while True:
            replay_schedule(records, 1.0, send_frames(dealer))
    except KeyboardInterrupt:
        print("demo: stopped")
    finally:
        dealer.close()
