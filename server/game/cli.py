"""``handmesh play``: play the Unity demo game in lock-step and report how it went."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(commands: argparse._SubParsersAction, benches: argparse._SubParsersAction) -> None:
    """Adds ``play`` to the `handmesh` parser (no benchmarks: play reports its own numbers)."""
    play = commands.add_parser(
        "play",
        help="play the Unity demo game in lock-step (ML-Agents): score, grabs, engine timing",
        description="Drives a HandGame player build (or the Editor, after pressing Play) one "
        "engine step at a time through ML-Agents, with hand poses from a recorded stream, a "
        "running server's results or a policy; prints each episode's score, grabs, drops, "
        "deliveries and the engine's apply time per step, and writes a JSON report. Needs the "
        "mlagents extra (pip install -e '.[mlagents]'); see docs/mlagents.md.",
    )
    play.add_argument(
        "--env", required=True, help="path of a player build, or 'editor' (the Unity Editor)"
    )
    play.add_argument(
        "--source",
        required=True,
        help="replay:FILE.hmstream | server:ADDRESS (a server's PUB, e.g. "
        "tcp://127.0.0.1:5556) | policy:NAME ('rest' or MODULE:CALLABLE)",
    )
    play.add_argument("--episodes", type=int, default=1, help="rounds to play (default 1)")
    play.add_argument(
        "--report", type=Path, default=Path("play_report.json"), help="default play_report.json"
    )
    play.add_argument(
        "--port", type=int, default=None, help="communicator port (default 5005, Editor 5004)"
    )
    play.add_argument("--seed", type=int, default=0, help="seed passed to the scene (default 0)")
    play.add_argument(
        "--timeout", type=int, default=60, help="seconds to wait for the player (default 60)"
    )
    play.add_argument("--graphics", action="store_true", help="render (default: -nographics)")
    play.add_argument("--json", action="store_true", help="end the output with one line of JSON")
    play.set_defaults(run=_play)


def _play(args: argparse.Namespace) -> int:
    from model.hand import load_builtin_hand
    from model.hand.rig import rig_message
    from server.game.env import HandGameEnv
    from server.game.play import play
    from server.game.sources import open_source

    build = None if args.env == "editor" else args.env
    if build is not None and not Path(build).exists():
        raise FileNotFoundError(f"no player build at {build} (or pass --env editor)")
    source = open_source(args.source)
    if build is None:
        print("handmesh play: waiting for the Unity Editor: press Play", flush=True)
    try:
        with HandGameEnv(
            build,
            rig=rig_message(load_builtin_hand()),
            port=args.port,
            seed=args.seed,
            timeout_s=args.timeout,
            graphics=args.graphics,
        ) as env:
            report = play(env, source, args.episodes, args.env)
    finally:
        source.close()
    summary = report.summary()
    for episode in summary["per_episode"]:
        print(_episode_line(episode))
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(summary, indent=2) + "\n")
    print(f"handmesh play: {source.description}: {_episode_line(summary)}; report {args.report}")
    if args.json:
        print(json.dumps(summary))
    return 0


def _episode_line(numbers: dict) -> str:
    apply = numbers["apply_us_p50"]
    timing = "no acks" if apply is None else f"apply p50 {apply:.0f} µs"
    if apply is not None:
        timing += f", p95 {numbers['apply_us_p95']:.0f} µs"
    label = f"episode {numbers['episode']}" if "episode" in numbers else "total"
    counts = ", ".join(f"{key} {numbers[key]}" for key in ("grabs", "drops", "deliveries"))
    return f"{label}: score {numbers['score']:g}, {counts}, {numbers['steps']} steps, {timing}"
