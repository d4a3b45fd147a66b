"""Playing episodes: a pose source drives `HandGameEnv` until each round's timer ends, and
the engine's own account of it becomes a report.

Per episode: the score (the sum of the rewards, which are the points scored), grabs, drops
and deliveries (game events), the steps, and the engine's apply time per step: an ack's
``t_apply_ns − t_receive_ns``, from the moment the engine took the step's pose to the
moment it was on the bones, on the engine's clock (no clock sync needed).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from server.game.env import HandGameEnv
from server.game.sources import PoseSource

_COUNTERS = {"grab": "grabs", "drop": "drops", "deliver": "deliveries"}
"""The `EpisodeReport` counter of each game event kind."""


@dataclass
class EpisodeReport:
    """One round. apply_us: the engine's apply time of each acked step, µs."""

    episode: int
    steps: int = 0
    score: float = 0.0
    grabs: int = 0
    drops: int = 0
    deliveries: int = 0
    refused: int = 0
    apply_us: list[float] = field(default_factory=list)

    def summary(self) -> dict:
        """The episode as JSON-ready numbers (apply times as p50, p95, max)."""
        numbers = {key: value for key, value in asdict(self).items() if key != "apply_us"}
        numbers["acks"] = len(self.apply_us)
        numbers.update(_percentiles(self.apply_us))
        return numbers


@dataclass
class PlayReport:
    env: str
    source: str
    episodes: list[EpisodeReport] = field(default_factory=list)

    def summary(self) -> dict:
        """Totals over the episodes, then each episode."""
        episodes = [episode.summary() for episode in self.episodes]
        apply_us = [value for episode in self.episodes for value in episode.apply_us]
        totals = {
            key: sum(episode[key] for episode in episodes)
            for key in ("steps", "score", "grabs", "drops", "deliveries", "refused", "acks")
        }
        return {
            "env": self.env,
            "source": self.source,
            "episodes": len(episodes),
            **totals,
            **_percentiles(apply_us),
            "per_episode": episodes,
        }


def play(env: HandGameEnv, source: PoseSource, episodes: int, label: str) -> PlayReport:
    """Plays ``episodes`` rounds of ``env`` with poses from ``source``."""
    if episodes < 1:
        raise ValueError(f"episodes must be at least 1, got {episodes}")
    report = PlayReport(label, source.description)
    for number in range(episodes):
        episode = EpisodeReport(number)
        observation, info = env.reset()
        _count(episode, info)
        done = False
        while not done:
            step = source.next(observation)
            observation, reward, terminated, truncated, info = env.step(step.action, step.hands)
            episode.steps += 1
            episode.score += reward
            _count(episode, info)
            done = terminated or truncated
        report.episodes.append(episode)
    return report


def _count(episode: EpisodeReport, info: dict) -> None:
    for event in info["events"]:
        counter = _COUNTERS[event.kind]
        setattr(episode, counter, getattr(episode, counter) + 1)
    episode.apply_us += [(ack.t_apply_ns - ack.t_receive_ns) / 1e3 for ack in info["acks"]]
    episode.refused += len(info["refused"])


def _percentiles(apply_us: list[float]) -> dict:
    if not apply_us:
        return {"apply_us_p50": None, "apply_us_p95": None, "apply_us_max": None}
    p50, p95 = np.percentile(apply_us, [50, 95])
    return {
        "apply_us_p50": float(p50),
        "apply_us_p95": float(p95),
        "apply_us_max": float(max(apply_us)),
    }
