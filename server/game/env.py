"""`HandGameEnv`: the Unity demo game as a Gym-style environment, one engine step per call.

Wraps `mlagents_envs`' `UnityEnvironment` (through `LoopbackUnityEnvironment`, which
listens on 127.0.0.1 only) with the HandGame side channel registered. The scene has one
agent of behavior ``HandPlayer``: its continuous action is a hand pose (`actions`), its
observation the game state (`observations`), its reward the points scored in the step, and
its episode ends when the round's timer runs out.

    env = HandGameEnv("builds/HandGame.x86_64", rig=rig)   # or HandGameEnv(None): the Editor
    observation, info = env.reset()
    observation, reward, terminated, truncated, info = env.step(action, hands)

``info`` holds what the engine sent during the step: ``acks`` (one per applied pose, with
the engine's receive and apply times), ``events`` (grabs, drops, deliveries) and
``refused`` (side-channel messages that did not decode, as error texts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from mlagents_envs.base_env import ActionTuple, BehaviorSpec

from protocol.messages import Ack, Hands, Rig
from server.game.actions import ACTION_SIZE, pose_from_action
from server.game.communicator import LoopbackUnityEnvironment
from server.game.events import GameEvent
from server.game.observations import OBSERVATION_SIZE
from server.game.side_channel import HandGameChannel

BEHAVIOR_NAME = "HandPlayer"


class HandGameEnv:
    """Drives one HandGame player (a build at ``build``, or the Editor when None) in
    lock-step. ``rig`` goes to the engine with the first reset, so it builds the hand
    without a server; ``port`` defaults to ML-Agents' (5005 for a build, 5004 for the
    Editor)."""

    def __init__(
        self,
        build: str | None,
        *,
        rig: Rig | None = None,
        port: int | None = None,
        seed: int = 0,
        timeout_s: int = 60,
        graphics: bool = False,
        player_args: Sequence[str] = (),
    ) -> None:
        self.channel = HandGameChannel()
        self.unity = LoopbackUnityEnvironment(
            file_name=build,
            base_port=port,
            seed=seed,
            timeout_wait=timeout_s,
            no_graphics=not graphics,
            side_channels=[self.channel],
            additional_args=list(player_args),
        )
        self._rig = rig
        self.behavior: str | None = None
        self.episode_steps = 0

    def reset(self) -> tuple[np.ndarray, dict[str, Any]]:
        """Restarts the scene (objects back in place, a new round); returns the first
        observation and what the engine sent."""
        if self._rig is not None:
            self.channel.send(self._rig)
            self._rig = None
        self.unity.reset()
        if self.behavior is None:
            self.behavior = self._find_behavior()
        decision, _ = self.unity.get_steps(self.behavior)
        self._check_one_agent(len(decision))
        self.episode_steps = 0
        return decision.obs[0][0], self._info()

    def step(
        self, action: np.ndarray, hands: Hands | None = None
    ) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        """Poses the hand as ``action`` (67 values, see `actions`) for one engine step;
        ``hands``, the result the action comes from, travels with it on the side channel
        (the engine acks its stream and seq). Returns (observation, reward, terminated,
        truncated, info); after the round ends (terminated), call `reset`."""
        if self.behavior is None:
            raise RuntimeError("call reset() before step()")
        pose_from_action(action)
        if hands is not None:
            self.channel.send(hands)
        continuous = np.asarray(action, np.float32).reshape(1, ACTION_SIZE)
        self.unity.set_actions(self.behavior, ActionTuple(continuous=continuous))
        self.unity.step()
        self.episode_steps += 1
        decision, terminal = self.unity.get_steps(self.behavior)
        if len(terminal):
            interrupted = bool(terminal.interrupted[0])
            reward = float(terminal.reward[0])
            return terminal.obs[0][0], reward, not interrupted, interrupted, self._info()
        self._check_one_agent(len(decision))
        return decision.obs[0][0], float(decision.reward[0]), False, False, self._info()

    def close(self) -> None:
        """Tells the player to quit and stops the communicator."""
        self.unity.close()

    def __enter__(self) -> HandGameEnv:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _find_behavior(self) -> str:
        names = [name for name in self.unity.behavior_specs if name.split("?")[0] == BEHAVIOR_NAME]
        if len(names) != 1:
            found = ", ".join(self.unity.behavior_specs) or "none"
            raise ValueError(
                f"the scene must have one {BEHAVIOR_NAME} agent behavior, found: {found} "
                "(is the HandPlayerAgent on the hand, and com.unity.ml-agents installed?)"
            )
        _check_spec(names[0], self.unity.behavior_specs[names[0]])
        return names[0]

    def _check_one_agent(self, count: int) -> None:
        if count != 1:
            raise RuntimeError(
                f"{self.behavior} has {count} agents asking for a decision; HandGameEnv drives "
                "exactly one (set its DecisionRequester's period to 1)"
            )

    def _info(self) -> dict[str, Any]:
        received, refused = self.channel.take()
        acks = [message for message in received if isinstance(message, Ack)]
        events = [message for message in received if isinstance(message, GameEvent)]
        return {"acks": acks, "events": events, "refused": refused}


def _check_spec(name: str, spec: BehaviorSpec) -> None:
    """Refuses a scene whose agent does not speak this module's layouts (a player built
    from another version of the package)."""
    actions = spec.action_spec
    if actions.continuous_size != ACTION_SIZE or actions.discrete_size != 0:
        raise ValueError(
            f"{name} takes {actions.continuous_size} continuous and {actions.discrete_size} "
            f"discrete actions; this version of handmesh sends {ACTION_SIZE} continuous"
        )
    shapes = [tuple(observation.shape) for observation in spec.observation_specs]
    if shapes != [(OBSERVATION_SIZE,)]:
        raise ValueError(
            f"{name} observes {shapes}; this version of handmesh expects one vector of "
            f"{OBSERVATION_SIZE}"
        )
