"""The C# core's side-channel code (Runtime/Core/Bridge), run under Mono, against the Python
bridge: what C# writes decodes through mlagents-envs' `IncomingMessage` and our codec, what
Python queues through `OutgoingMessage` decodes in C#, and both sides share one layout."""

from __future__ import annotations

import json
import subprocess
import uuid
import warnings
from pathlib import Path

import numpy as np
import pytest
from unity_harness import PACKAGE, csharp

from model.hand import load_builtin_hand
from model.hand.rig import rig_message
from protocol.codec import encode
from protocol.messages import Ack, Hands
from server.game import actions, observations
from server.game.env import BEHAVIOR_NAME
from server.game.events import GameEvent, encode_event
from server.game.side_channel import CHANNEL_ID, HandGameChannel
from server.paths import SAMPLE_STREAM
from server.replay import records_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # old generated protobuf modules
    from mlagents_envs.side_channel.side_channel_manager import SideChannelManager

PROBE_SOURCE = PACKAGE / "Tests" / "Bridge~" / "BridgeProbe.cs"


@pytest.fixture(scope="module")
def probe() -> Path:
    build = csharp()
    exe = build.folder / "BridgeProbe.exe"
    if not exe.exists():
        result = subprocess.run(
            ["mcs", "-langversion:7", "-warnaserror+", "-nologo", "-target:exe"]
            + [f"-out:{exe}", f"-r:{build.core}", str(PROBE_SOURCE)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    return exe


def run_probe(exe: Path, *args: str) -> list[dict]:
    result = subprocess.run(
        ["mono", str(exe), *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_csharp_and_python_share_the_action_observation_and_channel_layout(probe):
    (layout,) = run_probe(probe, "layout")
    assert layout == {
        "action_size": actions.ACTION_SIZE,
        "wrist_position": actions.WRIST_POSITION.start,
        "wrist_rotation": actions.WRIST_ROTATION.start,
        "local_rotations": actions.LOCAL_ROTATIONS.start,
        "observation_size": observations.OBSERVATION_SIZE,
        "objects_start": observations.OBJECTS_START,
        "targets_start": observations.TARGETS_START,
        "object_slots": observations.OBJECT_SLOTS,
        "target_slots": observations.TARGET_SLOTS,
        "channel_id": str(CHANNEL_ID),
        "behavior": BEHAVIOR_NAME,
    }


def test_acks_and_events_written_in_csharp_decode_through_incoming_message(probe, tmp_path):
    _, hands = next(iter(records_of(SAMPLE_STREAM, Hands)))
    hands_file = tmp_path / "hands.msgpack"
    hands_file.write_bytes(encode(hands))
    (written,) = run_probe(probe, "write", str(hands_file))
    channel = HandGameChannel()
    SideChannelManager([channel]).process_side_channel_message(bytes.fromhex(written["framed"]))
    received, refused = channel.take()
    assert refused == []
    step_ack, grab, deliver, policy_ack = received
    assert isinstance(step_ack, Ack)
    assert (step_ack.stream, step_ack.seq) == (hands.stream, hands.seq)
    assert (step_ack.t_receive_ns, step_ack.t_apply_ns) == (1000, 1750)
    assert grab == GameEvent("grab", 2, 1, 1700, 0)
    assert deliver == GameEvent("deliver", 2, 2, 2600, 10, 1)
    assert (policy_ack.stream, policy_ack.seq, policy_ack.t_receive_ns) == ("action", 2, 2000)
    # Byte for byte what Python's encoder writes for the same event.
    assert bytes.fromhex(written["event"]) == encode_event(deliver)


def test_rig_and_hands_queued_through_outgoing_message_decode_in_csharp(probe, tmp_path):
    results = [message for _, message in records_of(SAMPLE_STREAM, Hands)][:3]
    channel = HandGameChannel()
    channel.send(rig_message(load_builtin_hand()))
    for hands in results:
        channel.send(hands)
    framed = SideChannelManager([channel]).generate_side_channel_messages()
    framed_file = tmp_path / "framed.bin"
    # Then a message of another side channel, which C# skips, and an ack, which it refuses.
    extra = _frame(uuid.uuid4(), b"not ours") + _frame(CHANNEL_ID, encode(Ack("s", 1, 2, 3)))
    framed_file.write_bytes(bytes(framed) + extra)
    lines = run_probe(probe, "read", str(framed_file))
    refusal = lines.pop()
    assert refusal["refused"].endswith("not ack")
    assert lines[0] == {"type": "rig", "rig": rig_message(load_builtin_hand()).rig_id}
    assert [(line["stream"], line["seq"]) for line in lines[1:]] == [
        (hands.stream, hands.seq) for hands in results
    ]
    # C#'s action layout and forward kinematics put the keypoints where the recorded ones are.
    for line, hands in zip(lines[1:], results, strict=True):
        np.testing.assert_allclose(line["keypoints"], hands.hands[0].joints, atol=2e-5)


def _frame(channel_id: uuid.UUID, payload: bytes) -> bytes:
    return channel_id.bytes_le + len(payload).to_bytes(4, "little") + payload
