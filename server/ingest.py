"""Latest-frame-wins ingest: per stream, only the newest frame waits; older ones are dropped.

The server never builds a queue — latency beats completeness. When a frame arrives while
an older one of the same stream is still waiting, the older one is dropped and counted.
Frames of different streams that wait together are taken together, as one batch.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

Item = TypeVar("Item")


@dataclass
class StreamCounters:
    received: int = 0
    dropped: int = 0
    taken: int = 0
    last_seen_s: float = 0.0


class LatestFrameSlots(Generic[Item]):
    """One slot per stream holding its newest unprocessed item."""

    def __init__(self) -> None:
        self._waiting: OrderedDict[str, Item] = OrderedDict()
        self.counters: dict[str, StreamCounters] = {}

    def put(self, stream: str, item: Item, now_s: float) -> bool:
        """Stores ``item`` as the stream's newest; returns True when it replaced (dropped) one."""
        counters = self.counters.setdefault(stream, StreamCounters())
        counters.received += 1
        counters.last_seen_s = now_s
        dropped = stream in self._waiting
        if dropped:
            counters.dropped += 1
        self._waiting[stream] = item
        self._waiting.move_to_end(stream)
        return dropped

    def take_batch(self, max_batch: int) -> list[tuple[str, Item]]:
        """Up to ``max_batch`` waiting items, one per stream, oldest-waiting stream first."""
        batch = []
        while self._waiting and len(batch) < max_batch:
            stream, item = self._waiting.popitem(last=False)
            self.counters[stream].taken += 1
            batch.append((stream, item))
        return batch

    def __len__(self) -> int:
        return len(self._waiting)

    def forget_silent(self, now_s: float, silence_s: float) -> list[str]:
        """Forgets streams not heard from for ``silence_s``; returns their ids."""
        silent = [s for s, c in self.counters.items() if now_s - c.last_seen_s > silence_s]
        for stream in silent:
            self.counters.pop(stream)
            self._waiting.pop(stream, None)
        return silent
