"""What the engine sends back on the side channel: protocol `ack`s and game events.

A game event is a bridge message in the protocol's encoding (PROTOCOL.md §3: one msgpack
map, ``v`` and ``t`` first, short keys, unknown keys ignored), validated by the protocol's
own field kinds. It is not (yet) a protocol v1 message, since it only travels between the
game and the Python that drives it:

    t = "game_event"
    k   kind        str: grab / drop / deliver        R
    o   object_id   int 0..2^31-1: the object's slot  R
    st  step        int ≥ 0: the agent's step in its episode when it happened   R
    te  t_event_ns  int64 ≥ 0, engine clock           R
    sc  score       int: the round's score after it   R
    tg  target_id   int 0..2^31-1: the target, for deliver   O

``grab``: a pinch closed on the object; ``drop``: it was let go outside every target;
``deliver``: it was let go in target ``tg`` and scored (once per object and round).
"""

from __future__ import annotations

from dataclasses import dataclass

import msgpack

from protocol.codec import decode
from protocol.errors import ErrorCode, ProtocolError, kind_of
from protocol.limits import PROTOCOL_VERSION
from protocol.messages import Ack
from protocol.schema import Field, Integer, Schema, Text
from protocol.schemas import COUNT, TIME_NS

GAME_EVENT_TYPE = "game_event"
EVENT_KINDS = ("grab", "drop", "deliver")
MAX_ENGINE_MESSAGE_BYTES = 4096
"""The engine sends only small messages (an ack or an event is under 100 bytes); anything
larger is refused before it is unpacked."""

_INT32 = Integer(-(2**31), 2**31 - 1)
_SLOT = Integer(0, 2**31 - 1)


@dataclass(frozen=True, slots=True)
class GameEvent:
    """Something that happened to an object; see the module docstring for the fields."""

    kind: str
    object_id: int
    step: int
    t_event_ns: int
    score: int
    target_id: int | None = None


GAME_EVENT = Schema(
    GAME_EVENT_TYPE,
    GameEvent,
    (
        Field("k", "kind", Text(choices=EVENT_KINDS)),
        Field("o", "object_id", _SLOT),
        Field("st", "step", COUNT),
        Field("te", "t_event_ns", TIME_NS),
        Field("sc", "score", _INT32),
        Field("tg", "target_id", _SLOT, required=False),
    ),
)


def encode_event(event: GameEvent) -> bytes:
    """The wire bytes of ``event`` (what the C# side writes for the same event)."""
    wire = {"v": PROTOCOL_VERSION, "t": GAME_EVENT_TYPE, **GAME_EVENT.encode(event)}
    return msgpack.packb(wire, use_bin_type=True)


def decode_from_engine(payload: bytes) -> Ack | GameEvent:
    """The `Ack` or `GameEvent` in one side-channel message from the engine; `ProtocolError`
    for anything else, so a bad message is reported rather than acted on."""
    if len(payload) > MAX_ENGINE_MESSAGE_BYTES:
        raise ProtocolError(
            f"{len(payload)} bytes from the engine exceed {MAX_ENGINE_MESSAGE_BYTES}",
            ErrorCode.TOO_LARGE,
        )
    try:
        value = msgpack.unpackb(payload, raw=False, strict_map_key=True, max_ext_len=0)
    except Exception as error:  # msgpack reports bad input with many types; all mean one thing
        raise ProtocolError(f"not a valid msgpack message: {type(error).__name__}") from None
    if type(value) is dict and value.get("t") == GAME_EVENT_TYPE:
        return _decode_event(value)
    message = decode(payload)
    if not isinstance(message, Ack):
        raise ProtocolError(
            f"the engine sends ack and {GAME_EVENT_TYPE}, not {type(message).__name__}",
            ErrorCode.UNEXPECTED_TYPE,
        )
    return message


def _decode_event(value: dict) -> GameEvent:
    version = value.get("v")
    if type(version) is not int or version != PROTOCOL_VERSION:
        raise ProtocolError(
            f"protocol version {version!r} ({kind_of(version)}) not supported",
            ErrorCode.UNSUPPORTED_VERSION,
            field="v",
            names="version",
        )
    event = GAME_EVENT.decode(value)
    if (event.kind == "deliver") != (event.target_id is not None):
        raise GAME_EVENT.error("target_id", "a deliver event names its target; no other does")
    return event
