"""Where each step's hand pose comes from: a recorded stream, a live server or a policy.

Every source answers `next(observation)` with a `SourceStep`: the action (a hand pose,
`actions`) and, when the pose comes from a `hands` result, that result (the engine acks its
stream and seq and may draw its mesh). A result without a hand holds the last pose, as the
Unity client holds its last pose when the hand is lost.

- `ReplaySource`: a recorded stream's results, one per step, in recorded order (lock-step:
  the recording's timing is ignored, so the game plays the same way every time); loops.
- `ServerSource`: a running server's results (SUB socket, latest-result-wins): each step
  takes the newest result that arrived since the previous step.
- `PolicySource`: ``rest`` (the rest pose, a zero-skill baseline that still measures the
  engine) or ``MODULE:CALLABLE``, any function from the observation (`observations`) to
  an action.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import zmq

from protocol.codec import decode
from protocol.errors import ProtocolError
from protocol.messages import Hands
from server.game.actions import action_from_hand, best_hand, pose_from_action, rest_action
from server.replay import records_of

Policy = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class SourceStep:
    """One step's pose: ``action`` (67,) float32 and the result it came from, if any."""

    action: np.ndarray
    hands: Hands | None = None


class PoseSource(Protocol):
    description: str

    def next(self, observation: np.ndarray) -> SourceStep: ...

    def close(self) -> None: ...


class _HeldPose:
    """The pose of the newest hand seen; the rest pose before the first."""

    def __init__(self) -> None:
        self.action = rest_action()

    def follow(self, hands: Hands) -> SourceStep:
        hand = best_hand(hands)
        if hand is not None:
            self.action = action_from_hand(hand)
        return SourceStep(self.action, hands)


class ReplaySource:
    """The `hands` results of a recorded stream (``stream``, or the file's first), one per
    step, looping."""

    def __init__(self, path: Path, stream: str | None = None) -> None:
        results = [message for _, message in records_of(Path(path), Hands)]
        stream = stream or (results[0].stream if results else None)
        self.results = [hands for hands in results if hands.stream == stream]
        if not self.results:
            raise ValueError(f"{path} holds no hands results to replay (record with --results)")
        self.description = f"replay of {Path(path).name} ({len(self.results)} results, '{stream}')"
        self._index = 0
        self._held = _HeldPose()

    def next(self, observation: np.ndarray) -> SourceStep:
        hands = self.results[self._index % len(self.results)]
        self._index += 1
        return self._held.follow(hands)

    def close(self) -> None:
        """Nothing to release: the results were read up front."""


class ServerSource:
    """Results from a server's PUB at ``address`` (every stream, or only ``stream``)."""

    def __init__(
        self, address: str, stream: str | None = None, first_result_timeout_s: float = 10.0
    ) -> None:
        self.description = f"results from {address}" + (f" ('{stream}')" if stream else "")
        self.stream = stream
        self._context = zmq.Context()
        self.socket = self._context.socket(zmq.SUB)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.setsockopt(zmq.SUBSCRIBE, (stream or "").encode())
        self.socket.connect(address)
        self._held = _HeldPose()
        if not self.socket.poll(int(first_result_timeout_s * 1000)):
            self.close()
            raise ValueError(
                f"no result from {address} within {first_result_timeout_s:g} s: is a server "
                "publishing there (handmesh serve with a camera, or handmesh replay)?"
            )

    def next(self, observation: np.ndarray) -> SourceStep:
        newest = None
        while self.socket.poll(0):
            frames = self.socket.recv_multipart()
            try:
                message = decode(frames[-1])
            except ProtocolError:
                continue
            if isinstance(message, Hands) and self.stream in (None, message.stream):
                newest = message
        if newest is None:
            return SourceStep(self._held.action)
        return self._held.follow(newest)

    def close(self) -> None:
        self.socket.close()
        self._context.term()


class PolicySource:
    """Actions from a policy: ``rest`` or ``MODULE:CALLABLE`` (observation → action)."""

    def __init__(self, name: str) -> None:
        self.description = f"policy {name}"
        self.policy = load_policy(name)

    def next(self, observation: np.ndarray) -> SourceStep:
        action = np.asarray(self.policy(observation), np.float32)
        pose_from_action(action)
        return SourceStep(action)

    def close(self) -> None:
        """Nothing to release."""


def load_policy(name: str) -> Policy:
    """The built-in policy ``name`` or the callable that ``MODULE:CALLABLE`` names."""
    if name == "rest":
        action = rest_action()
        return lambda observation: action
    module_name, _, attribute = name.partition(":")
    if not attribute:
        raise ValueError(f"unknown policy {name!r}: use 'rest' or MODULE:CALLABLE")
    try:
        policy = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise ValueError(f"cannot load policy {name!r}: {error}") from None
    if not callable(policy):
        raise ValueError(f"policy {name!r} is not callable")
    return policy


def open_source(spec: str) -> PoseSource:
    """The source that ``replay:FILE``, ``server:ADDRESS`` or ``policy:NAME`` names."""
    kind, _, target = spec.partition(":")
    if not target or kind not in ("replay", "server", "policy"):
        raise ValueError(
            f"--source must be replay:FILE, server:ADDRESS or policy:NAME, got {spec!r}"
        )
    if kind == "replay":
        return ReplaySource(Path(target))
    if kind == "server":
        return ServerSource(target)
    return PolicySource(target)
