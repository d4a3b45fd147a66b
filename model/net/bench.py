"""`handmesh bench model`: size, FLOPs and speed of one network config on CPU or CUDA."""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from model.hand import load_hand
from model.net.config import get_config
from model.net.network import build_network


def _latencies_ms(network: torch.nn.Module, images: torch.Tensor, runs: int) -> np.ndarray:
    cuda = images.device.type == "cuda"
    times = []
    for _ in range(runs):
        if cuda:
            torch.cuda.synchronize()
        start = time.perf_counter()
        network(images)
        if cuda:
            torch.cuda.synchronize()
        times.append((time.perf_counter() - start) * 1000.0)
    return np.array(times)


@torch.inference_mode()
def run(args: argparse.Namespace) -> dict[str, float | str]:
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda asked for, but no CUDA device is available")
    if args.threads:
        torch.set_num_threads(args.threads)
    config = get_config(args.config)
    dtype = torch.float16 if args.fp16 else torch.float32
    if dtype == torch.float16 and device.type != "cuda":
        raise ValueError("--fp16 needs --device cuda")
    network = build_network(config, load_hand(None)).eval()
    size = config.input_size
    with FlopCounterMode(display=False) as counter:
        network(torch.rand(1, 3, size, size))
    network = network.to(device, dtype)
    if device.type == "cpu":
        network = network.to(memory_format=torch.channels_last)
    if args.compile:
        mode = "reduce-overhead" if device.type == "cuda" else "default"
        network = torch.compile(network, mode=mode, dynamic=False)
    one = torch.rand(1, 3, size, size, device=device, dtype=dtype)
    batch = torch.rand(16, 3, size, size, device=device, dtype=dtype)
    _latencies_ms(network, one, args.warmup)
    single = _latencies_ms(network, one, args.runs)
    _latencies_ms(network, batch, max(2, args.warmup // 5))
    batched = _latencies_ms(network, batch, max(3, args.runs // 5))
    return {
        "config": config.name,
        "device": str(device) if device.type == "cpu" else torch.cuda.get_device_name(device),
        "dtype": str(dtype).removeprefix("torch."),
        "compiled": bool(args.compile),
        "threads": torch.get_num_threads(),
        "params_m": sum(p.numel() for p in network.parameters()) / 1e6,
        "gflops": counter.get_total_flops() / 2 / 1e9,  # multiply-adds, the usual "FLOPs" of papers
        "ms_p50": float(np.median(single)),
        "ms_p95": float(np.percentile(single, 95)),
        "images_per_s": 16_000.0 / float(np.median(batched)),
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default="tiny", help="tiny, small or base (default tiny)")
    parser.add_argument("--device", default="cpu", help="cpu or cuda (default cpu)")
    parser.add_argument("--fp16", action="store_true", help="half precision (CUDA only)")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: torch's)")
    parser.add_argument(
        "--compile", action="store_true", help="torch.compile first (as serve --compile)"
    )
    parser.add_argument("--runs", type=int, default=100, help="timed batch-1 runs (default 100)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed warm-up runs (default 20)")
