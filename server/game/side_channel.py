"""The HandGame side channel: protocol messages as raw bytes, both ways, beside the
agent's actions and observations.

ML-Agents multiplexes side channels over each step's exchange: every message travels as
(channel id, length, bytes), and the bytes are ours. One message is one protocol message,
verbatim, so both ends reuse their protocol codecs: Python → engine `rig` (build the hand)
and `hands` (the full result behind this step's action: stream and seq for the ack, the
network's vertices for direct vertex mode); engine → Python `ack` (receive and apply times
of each step's pose) and `game_event` (`server.game.events`). The channel id is
uuid5(NAMESPACE_URL, "com.handmesh.client/HandGameSideChannel"); the C# channel
(Runtime/MLAgents/HandGameSideChannel.cs) registers the same one.
"""

from __future__ import annotations

import uuid
import warnings

from protocol.codec import encode
from protocol.errors import ProtocolError
from protocol.messages import Ack, Hands, Rig
from server.game.events import GameEvent, decode_from_engine

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # old generated protobuf: communicator.py
    from mlagents_envs.side_channel import IncomingMessage, OutgoingMessage, SideChannel

CHANNEL_ID = uuid.uuid5(uuid.NAMESPACE_URL, "com.handmesh.client/HandGameSideChannel")


class HandGameChannel(SideChannel):
    """Queues rig and hands messages for the next step; collects what the engine sent.

    A message from the engine that does not decode is kept as its error text in
    ``refused`` (and never raised: one bad message must not end an episode).
    """

    def __init__(self) -> None:
        super().__init__(CHANNEL_ID)
        self.received: list[Ack | GameEvent] = []
        self.refused: list[str] = []

    def send(self, message: Rig | Hands) -> None:
        """Queues ``message``; it goes with the next reset or step."""
        if not isinstance(message, Rig | Hands):
            raise TypeError(
                f"the engine takes rig and hands messages, not {type(message).__name__}"
            )
        outgoing = OutgoingMessage()
        outgoing.set_raw_bytes(bytearray(encode(message)))
        self.queue_message_to_send(outgoing)

    def on_message_received(self, msg: IncomingMessage) -> None:
        try:
            self.received.append(decode_from_engine(bytes(msg.get_raw_bytes())))
        except ProtocolError as error:
            self.refused.append(str(error))

    def take(self) -> tuple[list[Ack | GameEvent], list[str]]:
        """What arrived since the last call: the decoded messages and the refusals."""
        received, refused = self.received, self.refused
        self.received, self.refused = [], []
        return received, refused
