"""The C# core's own NUnit suite (unity_client/.../Tests/Core), run under Mono's
nunit-console: msgpack, malformed input, coordinate conversion, the frame buffer and
interpolation, latency statistics, and ZMTP against scripted peers."""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ElementTree

from unity_harness import VECTORS, csharp


def test_csharp_core_nunit_suite_passes():
    build = csharp()
    report = build.folder / "nunit.xml"
    result = subprocess.run(
        ["nunit-console", "-nologo", "-noshadow", str(build.tests), f"-xml={report}"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=build.folder,
        env={**os.environ, "HANDMESH_VECTORS": str(VECTORS)},
    )
    root = ElementTree.parse(report).getroot()
    cases = root.iter("test-case")
    problems = [
        f"{case.get('name')}: {case.get('result')} {case.findtext('.//message', '').strip()}"
        for case in cases
        if case.get("result") != "Success"
    ]
    assert not problems, "\n".join(problems) + "\n" + result.stdout[-3000:]
    assert result.returncode == 0, result.stdout[-3000:]
    assert int(root.get("total")) >= 30
