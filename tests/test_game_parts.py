"""The bridge's parts on their own: the action layout against the protocol's `hand`, the
engine-message gate, the side channel's framing through mlagents-envs' own manager, pose
sources and the play report's arithmetic."""

from __future__ import annotations

import threading
import time
import warnings

import numpy as np
import pytest
import zmq

from protocol.codec import encode
from protocol.errors import ErrorCode, ProtocolError
from protocol.messages import Ack, Frame, Hand, Hands, Image
from protocol.stream_file import StreamWriter
from server.game.actions import (
    ACTION_SIZE,
    LOCAL_ROTATIONS,
    WRIST_POSITION,
    WRIST_ROTATION,
    action_from_hand,
    pose_from_action,
    rest_action,
)
from server.game.events import GameEvent, decode_from_engine, encode_event
from server.game.observations import OBSERVATION_SIZE, GameState
from server.game.play import play
from server.game.side_channel import CHANNEL_ID, HandGameChannel
from server.game.sources import PolicySource, ReplaySource, ServerSource, open_source

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # old generated protobuf modules
    from mlagents_envs.side_channel.side_channel_manager import SideChannelManager


def a_hand(offset: float = 0.0) -> Hand:
    rng = np.random.default_rng(int(offset * 1000))
    rotations = rng.normal(size=(16, 4)).astype(np.float32)
    rotations /= np.linalg.norm(rotations, axis=1, keepdims=True)
    return Hand(
        "right",
        0.9,
        np.zeros((21, 3), np.float32),
        np.zeros((21, 2), np.float32),
        np.array([offset, 0.02, 0.4], np.float32),
        rotations[0],
        rotations[1:],
    )


def test_action_layout_is_the_protocol_hand_pose_in_wire_order():
    hand = a_hand()
    action = action_from_hand(hand)
    assert ACTION_SIZE == 3 + 4 + 15 * 4 == action.size
    layout = (WRIST_POSITION, WRIST_ROTATION, LOCAL_ROTATIONS)
    assert [(part.start, part.stop) for part in layout] == [(0, 3), (3, 7), (7, 67)]
    expected = np.concatenate(
        [hand.wrist_position, hand.wrist_rotation, hand.local_rotations.reshape(-1)]
    )
    np.testing.assert_array_equal(action, expected)
    pose = pose_from_action(action)
    np.testing.assert_array_equal(pose.local_rotations, hand.local_rotations)
    np.testing.assert_array_equal(pose.wrist_rotation, hand.wrist_rotation)


def test_an_action_of_the_wrong_size_or_not_finite_is_refused():
    with pytest.raises(ValueError, match="shape"):
        pose_from_action(np.zeros(ACTION_SIZE - 1))
    action = rest_action()
    action[10] = np.nan
    with pytest.raises(ValueError, match="finite"):
        pose_from_action(action)


def test_the_rest_action_has_identity_rotations_at_the_waiting_spot():
    pose = pose_from_action(rest_action((0.1, 0.0, 0.5)))
    np.testing.assert_allclose(pose.wrist_position, [0.1, 0.0, 0.5])
    np.testing.assert_array_equal(pose.local_rotations, np.tile([0, 0, 0, 1], (15, 1)))


def test_engine_messages_decode_to_acks_and_game_events():
    ack = decode_from_engine(encode(Ack("cam0", 7, 100, 250)))
    assert (ack.stream, ack.seq, ack.t_apply_ns - ack.t_receive_ns) == ("cam0", 7, 150)
    event = decode_from_engine(encode_event(GameEvent("deliver", 2, 31, 5_000, 20, 1)))
    assert event == GameEvent("deliver", 2, 31, 5_000, 20, 1)


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (encode(Hands("cam0", 1, 2)), ErrorCode.UNEXPECTED_TYPE),
        (b"\xc1", ErrorCode.BAD_MESSAGE),
        (b"\x80" + bytes(5000), ErrorCode.TOO_LARGE),
        (encode_event(GameEvent("grab", 1, 1, 1, 0)).replace(b"\xa1v\x01", b"\xa1v\x02"),
         ErrorCode.UNSUPPORTED_VERSION),
        (encode_event(GameEvent("grab", 1, 1, 1, 0, target_id=3)), ErrorCode.BAD_MESSAGE),
        (encode_event(GameEvent("deliver", 1, 1, 1, 0)), ErrorCode.BAD_MESSAGE),
        (encode_event(GameEvent("grab", 1, 1, 1, 0)).replace(b"grab", b"lick"),
         ErrorCode.BAD_MESSAGE),
    ],
    ids=["hands", "not-msgpack", "too-large", "version", "grab-target", "deliver-no-target",
         "unknown-kind"],
)  # fmt: skip
def test_the_engine_gate_refuses_anything_but_valid_acks_and_events(payload, code):
    with pytest.raises(ProtocolError) as refused:
        decode_from_engine(payload)
    assert refused.value.code == code


def test_side_channel_messages_survive_mlagents_framing_both_ways():
    channel = HandGameChannel()
    hands = Hands("cam0", 3, 4, {}, (a_hand(),))
    channel.send(hands)
    framed = SideChannelManager([channel]).generate_side_channel_messages()
    assert framed[:16] == CHANNEL_ID.bytes_le
    assert int.from_bytes(framed[16:20], "little") == len(encode(hands)) == len(framed) - 20
    assert bytes(framed[20:]) == encode(hands)

    replies = [encode(Ack("cam0", 3, 10, 20)), b"not msgpack at all"]
    aggregated = b"".join(
        CHANNEL_ID.bytes_le + len(reply).to_bytes(4, "little") + reply for reply in replies
    )
    SideChannelManager([channel]).process_side_channel_message(aggregated)
    received, refused = channel.take()
    assert [(ack.stream, ack.seq) for ack in received] == [("cam0", 3)]
    assert len(refused) == 1 and "msgpack" in refused[0]
    assert channel.take() == ([], [])
    with pytest.raises(TypeError):
        channel.send(Frame("cam0", 1, 1, Image("raw", b"\0" * 3, 1, 1, "bgr8")))


def test_replay_source_holds_the_pose_when_the_hand_is_lost_and_loops(tmp_path):
    path = tmp_path / "results.hmstream"
    recorded = [Hands("cam0", 0, 0, {}, (a_hand(0.1),)), Hands("cam0", 1, 1), Hands("other", 0, 2)]
    with StreamWriter(path) as writer:
        for hands in recorded:
            writer.write(encode(hands))
    source = ReplaySource(path)
    steps = [source.next(np.zeros(OBSERVATION_SIZE)) for _ in range(3)]
    assert [step.hands.seq for step in steps] == [0, 1, 0]
    assert steps[0].action[0] == np.float32(0.1)
    np.testing.assert_array_equal(steps[1].action, steps[0].action)
    empty = tmp_path / "empty.hmstream"
    StreamWriter(empty).close()
    with pytest.raises(ValueError, match="no hands results"):
        ReplaySource(empty)


def test_server_source_takes_the_newest_result_of_each_step():
    context = zmq.Context()
    pub = context.socket(zmq.PUB)
    pub.setsockopt(zmq.LINGER, 0)
    port = pub.bind_to_random_port("tcp://127.0.0.1")
    stop = threading.Event()
    first = encode(Hands("cam0", 1, 0, {}, (a_hand(0.1),)))

    def publish_until_subscribed() -> None:
        # A SUB misses what was published before it joined: keep publishing until it has.
        while not stop.wait(0.01):
            pub.send_multipart([b"cam0", first])

    publisher = threading.Thread(target=publish_until_subscribed)
    publisher.start()
    try:
        source = ServerSource(f"tcp://127.0.0.1:{port}", first_result_timeout_s=5)
    finally:
        stop.set()
        publisher.join()
    try:
        for seq, offset in ((2, 0.2), (3, 0.3)):
            pub.send_multipart([b"cam0", encode(Hands("cam0", seq, 0, {}, (a_hand(offset),)))])
        time.sleep(0.2)  # both arrive (loopback) before the step reads them
        step = source.next(np.zeros(OBSERVATION_SIZE))
        assert step.hands.seq == 3 and step.action[0] == np.float32(0.3)
        assert source.next(np.zeros(OBSERVATION_SIZE)).hands is None
    finally:
        source.close()
        pub.close()
        context.term()


def test_server_source_says_when_nothing_is_published():
    with pytest.raises(ValueError, match="no result from"):
        ServerSource("tcp://127.0.0.1:9", first_result_timeout_s=0.2)


def fixed_policy(observation: np.ndarray) -> np.ndarray:
    """A policy a test loads by name: the rest pose 10 cm right of the centre."""
    assert observation.shape == (OBSERVATION_SIZE,)
    return rest_action((0.1, 0.0, 0.45))


def test_policies_load_by_name_and_must_return_a_pose():
    observation = np.zeros(OBSERVATION_SIZE, np.float32)
    np.testing.assert_array_equal(PolicySource("rest").next(observation).action, rest_action())
    step = PolicySource(f"{__name__}:fixed_policy").next(observation)
    assert step.action[0] == np.float32(0.1) and step.hands is None
    with pytest.raises(ValueError, match="shape"):
        PolicySource("numpy:zeros_like").next(observation)
    for bad in ("nonsense", "no.such.module:policy", "numpy:pi"):
        with pytest.raises(ValueError):
            PolicySource(bad)
    with pytest.raises(ValueError, match="--source"):
        open_source("camera:0")


def test_game_state_reads_the_documented_layout():
    observation = np.zeros(OBSERVATION_SIZE, np.float32)
    observation[:5] = [0.25, 1, 0.1, 0.2, 0.3]
    observation[5 + 6 * 2 : 5 + 6 * 3] = [1, 0.4, 0.5, 0.6, 0, 1]
    observation[53 + 4 : 53 + 8] = [1, -0.1, 0.0, 0.5]
    state = GameState.from_observation(observation)
    assert state.round_left == 0.25 and state.pinching
    (obj,) = state.objects
    assert (obj.slot, obj.held, obj.delivered) == (2, False, True)
    np.testing.assert_allclose(obj.position, [0.4, 0.5, 0.6])
    np.testing.assert_allclose(state.targets[0], [-0.1, 0.0, 0.5])


class ScriptedEnv:
    """An env that plays back scripted step infos: two steps, the second ends the round."""

    def __init__(self) -> None:
        event = GameEvent
        self.infos = [
            {"acks": [Ack("a", 1, 0, 1_000)], "events": [event("grab", 0, 1, 5, 0)],
             "refused": []},
            {"acks": [Ack("a", 2, 0, 3_000)],
             "events": [event("drop", 0, 2, 6, 0), event("deliver", 1, 2, 7, 10, 0)],
             "refused": ["bad"]},
        ]  # fmt: skip

    def reset(self):
        self.step_index = 0
        return np.zeros(OBSERVATION_SIZE), {"acks": [], "events": [], "refused": []}

    def step(self, action, hands=None):
        info = self.infos[self.step_index]
        self.step_index += 1
        done = self.step_index == len(self.infos)
        return np.zeros(OBSERVATION_SIZE), 10.0 * done, done, False, info


def test_play_counts_events_and_apply_times_per_episode():
    report = play(ScriptedEnv(), PolicySource("rest"), episodes=2, label="scripted")
    summary = report.summary()
    assert (summary["episodes"], summary["steps"], summary["score"]) == (2, 4, 20.0)
    assert (summary["grabs"], summary["drops"], summary["deliveries"]) == (2, 2, 2)
    assert (summary["refused"], summary["acks"]) == (2, 4)
    assert (summary["apply_us_p50"], summary["apply_us_max"]) == (2.0, 3.0)
    assert summary["per_episode"][1]["episode"] == 1
    with pytest.raises(ValueError):
        play(ScriptedEnv(), PolicySource("rest"), episodes=0, label="none")
