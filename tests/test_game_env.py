"""The real `UnityEnvironment` and its gRPC communicator drive a stand-in for the HandGame
player (tests/unity_player_standin.py) over 127.0.0.1: handshake, behavior spec, 300
lock-step steps from the bundled recorded stream with side-channel messages both ways,
reset, clean close; and `handmesh play` does the same from the command line."""

from __future__ import annotations

import json
import socket

import numpy as np
import pytest
from unity_player_standin import Scene, StandInPlayer

from model.hand import load_builtin_hand
from model.hand.rig import rig_message
from protocol.messages import Ack, Hands, Rig
from server.cli import main
from server.game.actions import ACTION_SIZE
from server.game.communicator import LoopbackCommunicator
from server.game.env import HandGameEnv
from server.game.observations import OBSERVATION_SIZE, GameState
from server.game.play import play
from server.game.sources import ReplaySource
from server.paths import SAMPLE_STREAM
from server.replay import records_of

# mlagents-envs checks the player's version with distutils' StrictVersion, which warns.
pytestmark = pytest.mark.filterwarnings("ignore:distutils Version classes:DeprecationWarning")

ROUND_STEPS = 150
PINCH_CLOSE_M, PINCH_OPEN_M = 0.025, 0.045


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def recorded_results() -> list[Hands]:
    return [message for _, message in records_of(SAMPLE_STREAM, Hands)]


def first_pinch(results: list[Hands]) -> tuple[int, int]:
    """Frame indices where the recorded hand's pinch first closes, and then opens again."""
    joints = np.array([hands.hands[0].joints for hands in results], np.float64)
    gaps = np.linalg.norm(joints[:, 4] - joints[:, 8], axis=1)
    closes = int(np.argmax(gaps < PINCH_CLOSE_M))
    opens = closes + int(np.argmax(gaps[closes:] > PINCH_OPEN_M))
    return closes, opens


def pinch_point(hands: Hands) -> tuple[float, float, float]:
    joints = hands.hands[0].joints.astype(np.float64)
    return tuple((joints[4] + joints[8]) / 2)


@pytest.fixture(scope="module")
def scene() -> Scene:
    """An object where the recorded hand first pinches, a target where it lets go, and a
    second object the hand never reaches."""
    results = recorded_results()
    closes, opens = first_pinch(results)
    return Scene(
        objects=[pinch_point(results[closes]), (0.2, 0.2, 0.6)],
        targets=[pinch_point(results[opens])],
        round_steps=ROUND_STEPS,
    )


def test_env_plays_300_lockstep_steps_of_a_recorded_stream_with_a_stand_in_player(scene):
    results = recorded_results()
    closes, _ = first_pinch(results)
    port = free_port()
    player = StandInPlayer(port, scene)
    player.start()
    rig = rig_message(load_builtin_hand())
    env = HandGameEnv(None, rig=rig, port=port, timeout_s=20)
    try:
        report = play(env, ReplaySource(SAMPLE_STREAM), episodes=2, label="stand-in")
        spec = env.unity.behavior_specs[env.behavior]
        assert isinstance(env.unity._communicator, LoopbackCommunicator)
        first_state = GameState.from_observation(env.reset()[0])
    finally:
        env.close()
    player.join(10)
    log = player.log
    assert log.error is None, log.error
    assert not player.is_alive()

    # Handshake: Python's versions reached the player, whose version check passed.
    assert log.python_versions == ("1.5.0", "0.28.0")
    assert env.behavior == "HandPlayer?team=0"
    assert spec.action_spec.continuous_size == ACTION_SIZE == 67
    assert spec.action_spec.discrete_size == 0
    assert [tuple(o.shape) for o in spec.observation_specs] == [(OBSERVATION_SIZE,)]

    # Lock-step: one reset, 150 steps, one reset, 150 steps, a last reset; then close.
    assert log.commands == ["reset", *["step"] * 150, "reset", *["step"] * 150, "reset"]
    assert log.ended_by == "status 400"

    # Side channel in: the rig once, then each step's recorded result, in order.
    assert isinstance(log.received[0], Rig) and log.received[0].rig_id == rig.rig_id
    sent = [message for message in log.received if isinstance(message, Hands)]
    expected = [results[step % len(results)] for step in range(300)]
    assert [h.seq for h in sent] == [h.seq for h in expected]
    # The action is the recorded pose exactly: the player's forward kinematics of it lands
    # on the recorded keypoints.
    for keypoints, hands in zip(log.keypoints, expected, strict=True):
        np.testing.assert_allclose(keypoints, hands.hands[0].joints, atol=1e-5)
    assert len(log.actions) == 300

    # Side channel out: an ack per step naming the result it applied, and the game events.
    episodes = report.episodes
    assert [e.steps for e in episodes] == [150, 150]
    assert all(len(e.apply_us) == 150 and min(e.apply_us) >= 0 for e in episodes)
    assert all(e.refused == 0 for e in episodes)
    # Episode 1 replays frames 0-149; episode 2 frames 150-179 then 0-119: each reaches the
    # first pinch once, grabs the object there and delivers it in the target.
    assert [(e.grabs, e.drops, e.deliveries, e.score) for e in episodes] == [(1, 0, 1, 10.0)] * 2
    summary = report.summary()
    assert (summary["grabs"], summary["deliveries"], summary["score"]) == (2, 2, 20.0)
    assert summary["acks"] == 300 and summary["apply_us_p50"] is not None

    # The observation reads back the scene as the player laid it out.
    assert first_state.round_left == 1.0 and not first_state.pinching
    assert len(first_state.objects) == 2 and len(first_state.targets) == 1
    np.testing.assert_allclose(first_state.objects[0].position, scene.objects[0], atol=1e-6)
    np.testing.assert_allclose(first_state.targets[0], scene.targets[0], atol=1e-6)
    assert closes < ROUND_STEPS


def test_env_reports_acks_and_events_of_each_step_in_info(scene):
    results = recorded_results()
    closes, opens = first_pinch(results)
    port = free_port()
    player = StandInPlayer(port, scene)
    player.start()
    with HandGameEnv(None, rig=rig_message(load_builtin_hand()), port=port, timeout_s=20) as env:
        source = ReplaySource(SAMPLE_STREAM)
        observation, info = env.reset()
        assert info == {"acks": [], "events": [], "refused": []}
        events, rewards = [], []
        for step in range(1, opens + 2):
            pose = source.next(observation)
            observation, reward, terminated, truncated, info = env.step(pose.action, pose.hands)
            assert not (terminated or truncated)
            (ack,) = info["acks"]
            assert isinstance(ack, Ack) and (ack.stream, ack.seq) == ("synth", pose.hands.seq)
            assert ack.t_apply_ns >= ack.t_receive_ns
            events += [(step, e.kind, e.object_id, e.score) for e in info["events"]]
            rewards.append(reward)
            state = GameState.from_observation(observation)
            if step == closes + 1:
                assert state.pinching and state.objects[0].held
    player.join(10)
    assert player.log.error is None
    assert events == [(closes + 1, "grab", 0, 0), (opens + 1, "deliver", 0, 10)]
    assert rewards[opens] == 10 and sum(rewards) == 10


def test_handmesh_play_prints_the_score_and_writes_the_report(scene, tmp_path, capsys):
    port = free_port()
    player = StandInPlayer(port, scene)
    player.start()
    report_path = tmp_path / "play.json"
    code = main(
        ["play", "--env", "editor", "--port", str(port), "--timeout", "20"]
        + ["--source", f"replay:{SAMPLE_STREAM}", "--report", str(report_path), "--json"]
    )
    player.join(10)
    assert code == 0 and player.log.error is None
    output = capsys.readouterr().out.strip().splitlines()
    assert output[1].startswith("episode 0: score 10, grabs 1, drops 0, deliveries 1, 150 steps")
    printed = json.loads(output[-1])
    assert printed == json.loads(report_path.read_text())
    assert (printed["episodes"], printed["steps"], printed["acks"]) == (1, 150, 150)
    assert printed["source"].startswith("replay of sample_sequence.hmstream")
