"""One request, one reply, on a client's DEALER: hello and rig requests, as any client makes."""

from __future__ import annotations

import time

import zmq

from protocol.codec import decode, encode
from protocol.errors import ProtocolError
from protocol.messages import Message


def ask(dealer: zmq.Socket, request: Message, answer_type: type, timeout_s: float = 5.0) -> Message:
    """Sends ``request`` and returns the first reply of ``answer_type``, skipping anything else
    that arrives meanwhile (tap copies, errors about earlier frames); TimeoutError when none
    comes within ``timeout_s``."""
    dealer.send(encode(request))
    deadline = time.monotonic() + timeout_s
    while (remaining := deadline - time.monotonic()) > 0 and dealer.poll(int(remaining * 1000)):
        try:
            answer = decode(dealer.recv())
        except ProtocolError:
            continue
        if isinstance(answer, answer_type):
            return answer
    raise TimeoutError(f"no {answer_type.__name__} from the server within {timeout_s} s")
