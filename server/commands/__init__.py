"""Subcommands of the `server` package: serve, ping, camera, record, replay, keys, demo;
benchmarks replay, server and e2e.

Each module holds one group (`serve`: running and checking a server; `streams`: moving frames
and results around; `demo`: measuring the whole product). `register` adds their commands in
one explicit order because argparse lists subcommands in the order they were added, and that
order is what `handmesh --help` shows.
"""

from __future__ import annotations

import argparse

from server.commands import demo, serve, streams


def register(commands: argparse._SubParsersAction, benches: argparse._SubParsersAction) -> None:
    """Adds the server package's subcommands to the `handmesh` parser."""
    serve.add_serve(commands)
    demo.add_demo(commands)
    demo.add_calibrate(commands)
    streams.add_record(commands)
    streams.add_camera(commands)
    streams.add_replay(commands)
    streams.add_replay_bench(benches)
    demo.add_latency_benches(benches)
    serve.add_ping(commands)
    serve.add_keys(commands)
