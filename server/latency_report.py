"""Numbers and a picture from a camera-load run (`server.load`).

Per frame: e2e = result received − capture (this machine's clock); server = the sum of the
result's stage durations (receipt → ready to publish, waiting included); apply = the
engine's apply time − capture, when an engine acked (same-machine clocks only). A frame with
neither result nor error was dropped (latest-frame-wins) or lost.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from server.load import FrameTiming, LoadRun

PERCENTILES = (50, 95, 99)


def _percentiles(name: str, values_ms: list[float], with_max: bool = False) -> dict[str, float]:
    if not values_ms:
        return {}
    numbers = {f"{name}_ms_p{p}": round(float(np.percentile(values_ms, p)), 2) for p in PERCENTILES}
    if with_max:
        numbers[f"{name}_ms_max"] = round(max(values_ms), 2)
    return numbers


def _answered(timings: list[FrameTiming]) -> list[FrameTiming]:
    return [t for t in timings if t.t_result_ns is not None]


def e2e_ms(timings: list[FrameTiming]) -> list[float]:
    return [(t.t_result_ns - t.t_capture_ns) / 1e6 for t in _answered(timings)]


def server_ms(timings: list[FrameTiming]) -> list[float]:
    return [sum(t.stage_us.values()) / 1e3 for t in _answered(timings)]


def stage_medians_ms(timings: list[FrameTiming]) -> dict[str, float]:
    """Median per stage; a stage a frame skipped (e.g. detect while tracking) counts as 0."""
    answered = _answered(timings)
    stages = sorted({name for t in answered for name in t.stage_us})
    return {
        name: round(float(np.median([t.stage_us.get(name, 0) for t in answered])) / 1e3, 2)
        for name in stages
    }


def summarize(run: LoadRun, streams: list[str]) -> dict[str, float | int]:
    """The run's numbers: overall, then per stream when there are several."""
    timings = run.timings
    answered = _answered(timings)
    numbers: dict[str, float | int] = {
        **_percentiles("e2e", e2e_ms(timings), with_max=True),
        **_percentiles("server", server_ms(timings)),
        **{f"stage_{name}_ms_p50": value for name, value in stage_medians_ms(timings).items()},
        "fps_in": round(len(timings) / run.seconds / len(streams), 2),
        "fps_out": round(len(answered) / run.seconds / len(streams), 2),
        "frames_sent": len(timings),
        "results": len(answered),
        "with_hand": sum(t.hands > 0 for t in answered),
        "dropped": len(timings) - len(answered) - run.errors,
        "errors": run.errors,
    }
    applied = [(t.t_apply_ns - t.t_capture_ns) / 1e6 for t in timings if t.t_apply_ns is not None]
    numbers.update(_percentiles("apply", applied))
    if len(streams) > 1:
        for stream in streams:
            own = [t for t in timings if t.stream == stream]
            own_answered = _answered(own)
            numbers.update(_percentiles(f"{stream}_server", server_ms(own)))
            numbers.update(_percentiles(f"{stream}_e2e", e2e_ms(own)))
            numbers[f"{stream}_fps_out"] = round(len(own_answered) / run.seconds, 2)
            numbers[f"{stream}_dropped"] = len(own) - len(own_answered)
    return numbers


def plot(run: LoadRun, streams: list[str], path: Path, title: str) -> Path:
    """Latency CDFs (e2e and server, per stream) beside the median stage breakdown."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, (cdf, stages) = plt.subplots(1, 2, figsize=(11, 4.2), width_ratios=(3, 2))
    for stream in streams:
        own = [t for t in run.timings if t.stream == stream]
        for values, style in ((e2e_ms(own), "-"), (server_ms(own), "--")):
            if values:
                ordered = np.sort(values)
                label = f"{stream} {'e2e' if style == '-' else 'server'}"
                cdf.plot(ordered, np.linspace(0, 1, len(ordered)), style, label=label)
    cdf.set_xlabel("latency (ms)")
    cdf.set_ylabel("fraction of frames")
    cdf.grid(alpha=0.3)
    cdf.legend(fontsize=8)
    medians = stage_medians_ms(run.timings)
    stages.barh(list(medians), list(medians.values()), color="tab:orange")
    stages.invert_yaxis()
    stages.set_xlabel("median per frame (ms)")
    stages.set_title("server stages", fontsize=10)
    figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
