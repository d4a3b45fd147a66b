"""The ML-Agents communicator that `HandGameEnv` uses listens on loopback only: a connection
to any other address of this machine is refused, where the stock one would accept it."""

from __future__ import annotations

import socket
import warnings

import pytest

from server.game.communicator import LoopbackCommunicator

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # old generated protobuf modules
    from mlagents_envs.exception import UnityWorkerInUseException
    from mlagents_envs.rpc_communicator import RpcCommunicator

# 127.0.0.2 is this machine too (all of 127/8 is loopback), but not the address the
# communicator bound: it stands for every address other than 127.0.0.1 without sending a
# packet off the machine.
OTHER_LOCAL_ADDRESS = "127.0.0.2"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def connects(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as client:
        client.settimeout(2)
        try:
            client.connect((host, port))
        except OSError:
            return False
        return True


def test_communicator_accepts_loopback_and_refuses_every_other_address():
    port = free_port()
    communicator = LoopbackCommunicator(0, port, timeout_wait=5)
    try:
        assert connects("127.0.0.1", port)
        assert not connects(OTHER_LOCAL_ADDRESS, port)
        if socket.has_ipv6:
            assert not connects("::1", port)
    finally:
        communicator.close()
    assert not connects("127.0.0.1", port)


def test_the_stock_communicator_would_accept_the_other_address():
    """The control for the test above: the same probe reaches mlagents-envs' own
    communicator, which listens on every interface."""
    port = free_port()
    stock = RpcCommunicator(0, port, timeout_wait=5)
    try:
        assert connects(OTHER_LOCAL_ADDRESS, port)
    finally:
        stock.close()


def test_a_port_already_in_use_is_refused_instead_of_shared():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(UnityWorkerInUseException):
            LoopbackCommunicator(0, port, timeout_wait=5)
