"""Builds and runs the Unity client's engine-free C# core outside Unity, for the
tests/test_unity_*.py suite.

The core (unity_client/Packages/com.handmesh.client/Runtime/Core) is compiled once per test
session with Mono's ``mcs`` into a temporary folder, together with the NUnit tests
(Tests/Core) and the probe (Tests/Probe~), a console program that runs the core on inputs
a test prepares and answers in JSON lines. Without Mono the C# tests are skipped with the
reason; ``HANDMESH_REQUIRE_MONO=1`` (set by CI) turns that skip into a failure.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "unity_client" / "Packages" / "com.handmesh.client"
CORE_SOURCES = PACKAGE / "Runtime" / "Core"
NUNIT_SOURCES = PACKAGE / "Tests" / "Core"
PROBE_SOURCES = PACKAGE / "Tests" / "Probe~"
VECTORS = REPO / "protocol" / "vectors"
NUNIT_FRAMEWORK = Path("/usr/lib/cli/nunit.framework-2.6.3/nunit.framework.dll")
MONO_PACKAGES = "mono-devel nunit-console libnunit-cil-dev"
REQUIRE_MONO = "HANDMESH_REQUIRE_MONO"
# C# 7.0 is what the core promises (DESIGN.md): mcs refuses anything newer with this flag.
MCS_FLAGS = ("-langversion:7", "-warnaserror+", "-nologo", "-debug-")


@dataclass(frozen=True)
class CSharpBuild:
    """The compiled core, its NUnit test assembly and the probe."""

    folder: Path
    core: Path
    tests: Path
    probe: Path

    def probe_lines(self, *args: str, timeout: float = 60) -> list[dict]:
        """Runs the probe and returns its JSON lines; a non-zero exit fails the test."""
        result = subprocess.run(
            ["mono", "--debug", str(self.probe), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.folder,
        )
        assert result.returncode == 0, f"probe {args[:1]} failed:\n{result.stdout}\n{result.stderr}"
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    def start_probe(self, *args: str) -> subprocess.Popen:
        """Starts the probe in the background; its JSON lines come on stdout."""
        return subprocess.Popen(
            ["mono", "--debug", str(self.probe), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=self.folder,
        )


def missing_tools() -> list[str]:
    tools = [tool for tool in ("mcs", "mono", "nunit-console") if shutil.which(tool) is None]
    if not NUNIT_FRAMEWORK.exists():
        tools.append(str(NUNIT_FRAMEWORK))
    return tools


def csharp() -> CSharpBuild:
    """The session's build of the C# core; skips (or fails, under HANDMESH_REQUIRE_MONO=1)
    when Mono or NUnit is missing."""
    missing = missing_tools()
    if missing:
        reason = (
            f"C# tests need Mono and NUnit ({', '.join(missing)} missing): "
            f"apt-get install {MONO_PACKAGES} (`make test` does it as root)"
        )
        if os.environ.get(REQUIRE_MONO) == "1":
            pytest.fail(f"{reason}; {REQUIRE_MONO}=1 forbids skipping")
        pytest.skip(reason)
    return _build()


@functools.cache
def _build() -> CSharpBuild:
    folder = Path(tempfile.mkdtemp(prefix="handmesh-csharp-"))
    atexit.register(shutil.rmtree, folder, True)
    core = folder / "HandMesh.Client.Core.dll"
    tests, probe = folder / "HandMesh.Client.Core.Tests.dll", folder / "Probe.exe"
    _compile(["-target:library", f"-out:{core}"], CORE_SOURCES)
    _compile(
        ["-target:library", f"-out:{tests}", f"-r:{core}", f"-r:{NUNIT_FRAMEWORK}"], NUNIT_SOURCES
    )
    _compile(["-target:exe", f"-out:{probe}", f"-r:{core}"], PROBE_SOURCES)
    return CSharpBuild(folder, core, tests, probe)


def _compile(options: list[str], sources: Path) -> None:
    files = sorted(str(path) for path in sources.rglob("*.cs"))
    result = subprocess.run(
        ["mcs", *MCS_FLAGS, *options, *files], capture_output=True, text=True, timeout=120
    )
    if result.returncode != 0:
        pytest.fail(f"mcs failed for {sources.relative_to(REPO)}:\n{result.stdout}{result.stderr}")
