"""A stand-in for the HandGame Unity player, written in Python, for the ML-Agents bridge tests.

It plays the player's part as com.unity.ml-agents 2.2.1-exp.1 (ML-Agents Release 19,
communicator 1.5.0) and the package's Documentation~/MLAgents.md define it, over real gRPC
with mlagents-envs' own protobuf messages (`communicator_objects`):

- It is the gRPC client: it connects to ``localhost:PORT`` and calls ``Exchange`` for every
  message, as the player does.
- Handshake: ``Exchange`` with the initialization output (name, package and communication
  versions, capabilities) → Python's initialization input (seed, versions); it checks the
  communication version's major number; then ``Exchange`` with an empty message → the first
  input (Python's reset).
- Each input: side-channel messages first (HandGame channel: `rig` builds the hand, `hands`
  is the context of this step's pose; other channels are skipped), then the command (reset:
  a new round; quit: stop). A step applies the agent's action as the hand pose (forward
  kinematics of PROTOCOL.md §3 on the received rig), updates the pinch (closes under 2.5 cm,
  opens over 4.5 cm), grabs the nearest object within 4 cm when the pinch closes, carries it
  at the pinch point, and on release delivers it (its points, once per object and round) when
  it is within a target's radius, else drops it; then ticks the round.
- Each output: the agent's info (a terminal one, done, when the round ran out, then the next
  episode's decision request with a new episode id), the behavior's brain parameters with the
  first info, and the side channel: one ack per applied pose and the game events.
- A reply whose header status is not 200 ends it (that is how Python closes a player).

It uses nothing of `server.game`: it writes the layouts, channel framing and messages from
the documentation, so the bridge tests pass only when both sides follow the same document.
"""

from __future__ import annotations

import struct
import threading
import time
import uuid
import warnings
from dataclasses import dataclass, field

import grpc
import msgpack
import numpy as np

from protocol.codec import decode, encode
from protocol.messages import Ack, Hands, Rig
from protocol.skeleton import ARTICULATED_KEYPOINTS, JOINT_PARENTS

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # old generated protobuf modules
    from mlagents_envs.communicator_objects.agent_info_pb2 import AgentInfoProto
    from mlagents_envs.communicator_objects.brain_parameters_pb2 import (
        ActionSpecProto,
        BrainParametersProto,
    )
    from mlagents_envs.communicator_objects.capabilities_pb2 import UnityRLCapabilitiesProto
    from mlagents_envs.communicator_objects.command_pb2 import QUIT, RESET, STEP
    from mlagents_envs.communicator_objects.observation_pb2 import NONE, ObservationProto
    from mlagents_envs.communicator_objects.unity_message_pb2 import UnityMessageProto
    from mlagents_envs.communicator_objects.unity_output_pb2 import UnityOutputProto
    from mlagents_envs.communicator_objects.unity_rl_initialization_output_pb2 import (
        UnityRLInitializationOutputProto,
    )
    from mlagents_envs.communicator_objects.unity_to_external_pb2_grpc import (
        UnityToExternalProtoStub,
    )

PACKAGE_VERSION = "2.2.1-exp.1"
COMMUNICATION_VERSION = "1.5.0"
BEHAVIOR = "HandPlayer?team=0"
CHANNEL_ID = uuid.UUID("5e56f1b6-2c5e-5328-9698-93f9a841ed27")  # Documentation~/MLAgents.md
ACTION_SIZE = 67
OBSERVATION_SIZE = 61
PINCH_CLOSE_M, PINCH_OPEN_M, GRAB_RADIUS_M = 0.025, 0.045, 0.04
THUMB_TIP, INDEX_TIP = 4, 8


@dataclass
class Scene:
    """The game's layout: object and target positions (camera frame, m), each target's
    radius and points, and the round's length in steps (RoundSeconds / fixedDeltaTime)."""

    objects: list[tuple[float, float, float]]
    targets: list[tuple[float, float, float]]
    round_steps: int
    target_radius_m: float = 0.05
    target_points: int = 10


@dataclass
class PlayerLog:
    """What the stand-in saw, for the tests: every decoded side-channel message from Python,
    each applied action, the commands, each episode's fingertips, and how it ended."""

    received: list[object] = field(default_factory=list)
    actions: list[np.ndarray] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    keypoints: list[np.ndarray] = field(default_factory=list)
    skipped_channels: list[uuid.UUID] = field(default_factory=list)
    python_versions: tuple[str, str] | None = None
    ended_by: str = ""
    error: BaseException | None = None


class StandInPlayer(threading.Thread):
    """Connects to the env's communicator on ``port`` and plays until told to stop."""

    def __init__(self, port: int, scene: Scene) -> None:
        super().__init__(daemon=True)
        self.port, self.scene = port, scene
        self.log = PlayerLog()
        self.rig: Rig | None = None
        self.episode_id = 1
        self.brain_sent = False
        self.outbox: list[bytes] = []
        self._restart_round()

    def run(self) -> None:
        try:
            with grpc.insecure_channel(f"localhost:{self.port}") as channel:
                self._play(UnityToExternalProtoStub(channel))
        except BaseException as error:  # reported to the test, which fails on it
            self.log.error = error

    def _play(self, stub: UnityToExternalProtoStub) -> None:
        reply = stub.Exchange(_wrap(_initialization_output()), wait_for_ready=True, timeout=30)
        python = reply.unity_input.rl_initialization_input
        self.log.python_versions = (python.communication_version, python.package_version)
        if python.communication_version.split(".")[0] != COMMUNICATION_VERSION.split(".")[0]:
            self.log.ended_by = "incompatible communication version"
            return
        reply = stub.Exchange(UnityMessageProto(header={"status": 200}), timeout=30)
        while True:
            if reply.header.status != 200:
                self.log.ended_by = f"status {reply.header.status}"
                return
            rl_input = reply.unity_input.rl_input
            t_receive_ns = time.perf_counter_ns()
            context = self._read_side_channel(rl_input.side_channel)
            if rl_input.command == QUIT:
                self.log.ended_by = "quit"
                return
            infos = self._academy_step(rl_input, context, t_receive_ns)
            reply = stub.Exchange(_wrap(self._output(infos)), timeout=30)

    def _read_side_channel(self, data: bytes) -> Hands | None:
        """Every message of the aggregated side-channel bytes: 16-byte channel GUID (.NET
        byte order), int32 little-endian length, payload. Returns this step's `hands`."""
        context, offset = None, 0
        while offset < len(data):
            channel_id = uuid.UUID(bytes_le=bytes(data[offset : offset + 16]))
            (length,) = struct.unpack_from("<i", data, offset + 16)
            payload = bytes(data[offset + 20 : offset + 20 + length])
            offset += 20 + length
            if channel_id != CHANNEL_ID:
                self.log.skipped_channels.append(channel_id)
                continue
            message = decode(payload)
            self.log.received.append(message)
            if isinstance(message, Rig):
                self.rig = message
            elif isinstance(message, Hands):
                context = message
        return context

    def _academy_step(self, rl_input, context: Hands | None, t_receive_ns: int) -> list:
        if rl_input.command == RESET:
            self.log.commands.append("reset")
            self._restart_round()
            return [self._info(0.0, done=False)]
        self.log.commands.append("step")
        actions = rl_input.agent_actions[BEHAVIOR].value
        if rl_input.command != STEP or len(actions) != 1:
            raise AssertionError(f"expected one action for {BEHAVIOR}, got {len(actions)}")
        action = np.array(actions[0].continuous_actions, np.float32)
        self.log.actions.append(action)
        points = self._apply(action)
        stream, seq = (context.stream, context.seq) if context else ("action", self.steps)
        self._send(Ack(stream, seq, t_receive_ns, time.perf_counter_ns()))
        if self.steps < self.scene.round_steps:
            return [self._info(points, done=False)]
        terminal = self._info(points, done=True)
        self.episode_id += 1  # EndEpisode: the next episode begins at once, with a new id
        self._restart_round()
        return [terminal, self._info(0.0, done=False)]

    def _apply(self, action: np.ndarray) -> float:
        """Poses the hand, plays the pinch, advances the round; returns the points scored."""
        keypoints = _forward_kinematics(self.rig, action)
        self.log.keypoints.append(keypoints)
        self.steps += 1
        self.pinch_point = (keypoints[THUMB_TIP] + keypoints[INDEX_TIP]) / 2
        gap = float(np.linalg.norm(keypoints[THUMB_TIP] - keypoints[INDEX_TIP]))
        was_pinching = self.pinching
        self.pinching = gap < PINCH_CLOSE_M or (was_pinching and gap <= PINCH_OPEN_M)
        points = 0
        if self.pinching and not was_pinching:
            self._grab()
        elif was_pinching and not self.pinching and self.held is not None:
            points = self._release()
        if self.held is not None:
            self.positions[self.held] = self.pinch_point
        return float(points)

    def _grab(self) -> None:
        free = [i for i in range(len(self.positions)) if i not in self.delivered]
        distances = {i: np.linalg.norm(self.positions[i] - self.pinch_point) for i in free}
        if distances and min(distances.values()) <= GRAB_RADIUS_M:
            self.held = min(distances, key=distances.get)
            self._event("grab", self.held)

    def _release(self) -> int:
        obj, self.held = self.held, None
        for target, position in enumerate(self.scene.targets):
            if np.linalg.norm(self.positions[obj] - position) <= self.scene.target_radius_m:
                self.delivered.add(obj)
                self.score += self.scene.target_points
                self._event("deliver", obj, target)
                return self.scene.target_points
        self._event("drop", obj)
        return 0

    def _event(self, kind: str, obj: int, target: int | None = None) -> None:
        event = {"v": 1, "t": "game_event", "k": kind, "o": obj, "st": self.steps}
        event.update({"te": time.perf_counter_ns(), "sc": self.score})
        if target is not None:
            event["tg"] = target
        self.outbox.append(msgpack.packb(event, use_bin_type=True))

    def _send(self, message: Ack) -> None:
        self.outbox.append(encode(message))

    def _restart_round(self) -> None:
        self.steps, self.score = 0, 0
        self.positions = [np.array(p, np.float64) for p in self.scene.objects]
        self.delivered: set[int] = set()
        self.held: int | None = None
        self.pinching = False
        self.pinch_point = np.zeros(3)

    def _observation(self) -> list[float]:
        values = [1 - self.steps / self.scene.round_steps, float(self.pinching), *self.pinch_point]
        for slot in range(8):
            if slot < len(self.positions):
                held, delivered = slot == self.held, slot in self.delivered
                values += [1.0, *self.positions[slot], float(held), float(delivered)]
            else:
                values += [0.0] * 6
        for slot in range(2):
            values += (
                [1.0, *self.scene.targets[slot]] if slot < len(self.scene.targets) else [0.0] * 4
            )
        assert len(values) == OBSERVATION_SIZE
        return values

    def _info(self, reward: float, done: bool) -> AgentInfoProto:
        observation = ObservationProto(
            shape=[OBSERVATION_SIZE], compression_type=NONE, name="VectorSensor_size61"
        )
        observation.float_data.data.extend(self._observation())
        return AgentInfoProto(
            reward=reward, done=done, max_step_reached=False, id=self.episode_id,
            observations=[observation],
        )  # fmt: skip

    def _output(self, infos: list) -> UnityOutputProto:
        output = UnityOutputProto()
        output.rl_output.agentInfos[BEHAVIOR].value.extend(infos)
        output.rl_output.side_channel = b"".join(
            CHANNEL_ID.bytes_le + struct.pack("<i", len(payload)) + payload
            for payload in self.outbox
        )
        self.outbox = []
        if not self.brain_sent:
            spec = ActionSpecProto(num_continuous_actions=ACTION_SIZE, num_discrete_actions=0)
            brain = BrainParametersProto(brain_name=BEHAVIOR, is_training=True, action_spec=spec)
            output.rl_initialization_output.brain_parameters.extend([brain])
            self.brain_sent = True
        return output


def _initialization_output() -> UnityOutputProto:
    capabilities = UnityRLCapabilitiesProto(
        baseRLCapabilities=True, concatenatedPngObservations=True, compressedChannelMapping=True,
        hybridActions=True, trainingAnalytics=True, variableLengthObservation=True,
        multiAgentGroups=True,
    )  # fmt: skip
    init = UnityRLInitializationOutputProto(
        name="AcademySingleton", package_version=PACKAGE_VERSION,
        communication_version=COMMUNICATION_VERSION, capabilities=capabilities,
    )  # fmt: skip
    return UnityOutputProto(rl_initialization_output=init)


def _wrap(output: UnityOutputProto) -> UnityMessageProto:
    message = UnityMessageProto(header={"status": 200})
    message.unity_output.CopyFrom(output)
    return message


def _rotation(q: np.ndarray) -> np.ndarray:
    x, y, z, w = np.asarray(q, np.float64) / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def _forward_kinematics(rig: Rig, action: np.ndarray) -> np.ndarray:
    """The 21 keypoints (camera frame, m) of the hand posed by ``action`` — layout per
    MLAgents.md: wrist position, wrist rotation, 15 local rotations — per PROTOCOL.md §3."""
    if rig is None:
        raise AssertionError("a step came before any rig on the side channel")
    rest_joints = rig.rest_joints.astype(np.float64)
    rotations = [_rotation(action[3:7])]
    positions = [action[0:3].astype(np.float64)]
    for joint in range(1, 16):
        parent = JOINT_PARENTS[joint]
        local = _rotation(action[7 + 4 * (joint - 1) : 11 + 4 * (joint - 1)])
        offset = rest_joints[joint] - rest_joints[parent]
        positions.append(positions[parent] + rotations[parent] @ offset)
        rotations.append(rotations[parent] @ local)
    keypoints = np.zeros((21, 3))
    keypoints[list(ARTICULATED_KEYPOINTS)] = positions
    for finger in range(5):
        last, tip = 3 * finger + 3, 4 * finger + 4
        tip_offset = rig.rest_keypoints[tip].astype(np.float64) - rest_joints[last]
        keypoints[tip] = positions[last] + rotations[last] @ tip_offset
    return keypoints
