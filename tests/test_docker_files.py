"""No Docker engine runs here, so this checks what can be checked: the Dockerfiles and the
compose file parse, every file they copy exists, and every command they run is a real
`handmesh` command with real flags (parsed by our own argument parser)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import yaml

from server.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILES = sorted((ROOT / "docker").glob("Dockerfile.*"))
KNOWN_INSTRUCTIONS = {
    "FROM",
    "RUN",
    "ENV",
    "WORKDIR",
    "COPY",
    "USER",
    "EXPOSE",
    "HEALTHCHECK",
    "CMD",
    "ARG",
    "LABEL",
}


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with line continuations joined and comments dropped."""
    joined, current = [], ""
    for line in path.read_text().splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        current += line.rstrip("\\").strip() + " "
        if not line.rstrip().endswith("\\"):
            joined.append(current.strip())
            current = ""
    assert not current, f"{path.name}: a line continuation runs off the end"
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in joined]


def assert_handmesh_command(argv: list[str], where: str) -> None:
    assert argv[0] == "handmesh", f"{where}: runs {argv[0]!r}, not handmesh"
    try:
        build_parser().parse_args(argv[1:])
    except SystemExit as exit_:
        pytest.fail(
            f"{where}: `{' '.join(argv)}` is not a valid handmesh command (exit {exit_.code})"
        )


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_dockerfile_parses_copies_existing_files_and_runs_real_commands(dockerfile):
    parsed = instructions(dockerfile)
    assert parsed[0][0] == "FROM" and ":" in parsed[0][1], "base image pinned by tag"
    assert {name for name, _ in parsed} <= KNOWN_INSTRUCTIONS
    assert ("USER", "handmesh") in parsed, "runs as a non-root user"
    for name, arguments in parsed:
        if name == "COPY":
            *sources, _ = shlex.split(arguments)
            for source in sources:
                assert (ROOT / source).exists(), (
                    f"{dockerfile.name} copies {source}, which does not exist"
                )
        if name == "CMD" or (name == "HEALTHCHECK" and " CMD " in f" {arguments} "):
            exec_form = arguments.split("CMD", 1)[1].strip() if name == "HEALTHCHECK" else arguments
            assert_handmesh_command(json.loads(exec_form), f"{dockerfile.name} {name}")
        if name == "RUN" and "pip install" in arguments and "torch" in arguments:
            assert "torch==2.13.0" in arguments, "torch is pinned"


def test_compose_parses_and_every_service_runs_a_real_command():
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    services = compose["services"]
    assert {"server", "server-gpu", "camera", "recorder"} <= set(services)
    for name, service in services.items():
        build = service.get("build")
        if build:
            assert (ROOT / "docker" / build["context"] / build["dockerfile"]).exists(), name
        if "command" in service:
            assert_handmesh_command(service["command"], f"compose service {name}")
        if "healthcheck" in service:
            test = service["healthcheck"]["test"]
            assert test[0] == "CMD"
            assert_handmesh_command(test[1:], f"compose service {name} healthcheck")
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), f"{name} publishes {port} beyond loopback"


def test_the_pinned_constraints_cover_the_runtime_dependencies():
    pins = {
        line.split("==")[0].lower()
        for line in (ROOT / "docker" / "constraints.txt").read_text().splitlines()
        if "==" in line
    }
    assert {
        "torch",
        "numpy",
        "pyzmq",
        "msgpack",
        "opencv-python-headless",
        "scipy",
        "moderngl",
    } <= pins
