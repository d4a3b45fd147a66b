"""The Unity project and its embedded package are installable as they are: every asset has
its .meta (Unity needs them for a package installed from git, which is read-only), GUIDs are
unique, the demo scene points at the bootstrap script, the core assembly stays engine-free,
the pinned editor version is the documented one, and the bundled rig is the current one."""

from __future__ import annotations

import json
import re

from unity_harness import PACKAGE, REPO, csharp

from model.hand.rig import rig_message
from protocol.codec import encode

PROJECT = REPO / "unity_client"
BUNDLED_RIG = PROJECT / "Assets" / "StreamingAssets" / "HandMesh" / "rig.msgpack"
ASSET_ROOTS = (PROJECT / "Assets", PACKAGE)


def assets() -> list:
    """Files and folders Unity imports: everything but .meta files, dot files and ~ folders."""
    found = []
    for root in ASSET_ROOTS:
        for path in root.rglob("*"):
            relative = path.relative_to(root)
            if path.suffix == ".meta" or any(
                part.endswith("~") or part.startswith(".") for part in relative.parts
            ):
                continue
            found.append(path)
    return found


def guid_of(meta) -> str:
    return re.search(r"^guid: ([0-9a-f]{32})$", meta.read_text(), re.M).group(1)


def test_every_asset_has_a_meta_file_with_a_unique_guid():
    missing = [str(path.relative_to(PROJECT)) for path in assets() if not meta_of(path).exists()]
    assert not missing, f"no .meta (open the project in Unity once to create them): {missing}"
    guids = [guid_of(meta_of(path)) for path in assets()]
    assert len(guids) == len(set(guids)), "two assets share a GUID"
    orphans = [
        str(meta.relative_to(PROJECT))
        for root in ASSET_ROOTS
        for meta in root.rglob("*.meta")
        if not meta.with_suffix("").exists()
    ]
    assert not orphans, f".meta files without their asset: {orphans}"


def meta_of(path):
    return path.with_name(path.name + ".meta")


def test_the_demo_scene_holds_the_bootstrap_component():
    bootstrap = guid_of(meta_of(PACKAGE / "Runtime" / "HandMeshBootstrap.cs"))
    scene = (PROJECT / "Assets" / "Scenes" / "Demo.unity").read_text()
    assert f"m_Script: {{fileID: 11500000, guid: {bootstrap}, type: 3}}" in scene


def test_the_core_assembly_has_no_engine_references():
    asmdef = json.loads((PACKAGE / "Runtime" / "Core" / "HandMesh.Client.Core.asmdef").read_text())
    assert asmdef["noEngineReferences"] is True and asmdef["references"] == []
    engine_uses = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / "Runtime" / "Core").rglob("*.cs")
        if re.search(r"^using Unity", path.read_text(), re.M)
    ]
    assert not engine_uses


def test_the_pinned_lts_editor_is_the_documented_one():
    version = re.search(
        r"^m_EditorVersion: (\S+)$",
        (PROJECT / "ProjectSettings" / "ProjectVersion.txt").read_text(),
        re.M,
    ).group(1)
    assert version.startswith("2022.3."), "pin a 2022.3 LTS editor"
    package = json.loads((PACKAGE / "package.json").read_text())
    assert package["name"] == "com.handmesh.client" and package["unity"] == "2022.3"
    assert version in (PACKAGE / "Documentation~" / "index.md").read_text()
    assert version in (REPO / "README.md").read_text()


def test_the_bundled_rig_is_the_built_in_hands_and_decodes_in_csharp(builtin_hand):
    assert BUNDLED_RIG.read_bytes() == encode(rig_message(builtin_hand)), (
        f"the bundled rig is out of date: handmesh export-rig --out {BUNDLED_RIG.relative_to(REPO)}"
    )
    (answer,) = csharp().probe_lines("decode", str(BUNDLED_RIG))
    assert answer["decoded"]["type"] == "rig", answer.get("error")
