"""CURVE encryption and client allow-listing (ZeroMQ's CurveZMQ, zmq.auth).

Key folder layout, as `handmesh keys` writes it:
    DIR/server/server.key, server.key_secret     the server's key pair
    DIR/clients/NAME.key, NAME.key_secret        one pair per client; the server admits
                                                 exactly the public keys in DIR/clients/
A client needs its own pair and the server's public key; copy DIR/server/server.key and
its own DIR/clients/NAME.key* to the client machine. Loopback use needs none of this.
"""

from __future__ import annotations

from pathlib import Path

import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator


def make_keys(folder: Path, clients: list[str]) -> list[Path]:
    """Creates the server's key pair and one per client; returns the files written."""
    folder = Path(folder)
    written = []
    for subfolder, names in (("server", ["server"]), ("clients", clients)):
        (folder / subfolder).mkdir(parents=True, exist_ok=True)
        for name in names:
            written.extend(
                Path(p) for p in zmq.auth.create_certificates(str(folder / subfolder), name)
            )
    return written


def secure_server(
    context: zmq.Context, sockets: list[zmq.Socket], folder: Path
) -> ThreadAuthenticator:
    """Makes ``sockets`` CURVE servers and starts an authenticator admitting DIR/clients/*.key."""
    folder = Path(folder)
    public, secret = zmq.auth.load_certificate(
        str(_require(folder / "server" / "server.key_secret"))
    )
    clients = folder / "clients"
    if not clients.is_dir() or not list(clients.glob("*.key")):
        raise FileNotFoundError(
            f"{clients} holds no client public keys (*.key): nobody could connect"
        )
    authenticator = ThreadAuthenticator(context)
    authenticator.start()
    authenticator.configure_curve(domain="*", location=str(clients))
    for socket in sockets:
        socket.curve_secretkey = secret
        socket.curve_publickey = public
        socket.curve_server = True
    return authenticator


def secure_client(sockets: list[zmq.Socket], folder: Path, client: str) -> None:
    """Makes ``sockets`` CURVE clients of the server whose public key is in ``folder``."""
    folder = Path(folder)
    server_public, _ = zmq.auth.load_certificate(str(_require(folder / "server" / "server.key")))
    public, secret = zmq.auth.load_certificate(
        str(_require(folder / "clients" / f"{client}.key_secret"))
    )
    for socket in sockets:
        socket.curve_secretkey = secret
        socket.curve_publickey = public
        socket.curve_serverkey = server_public


def _require(path: Path) -> Path:
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing (make keys with 'handmesh keys --out DIR')")
    return path
