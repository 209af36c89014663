"""The client's side of a sandbox request: its socket, and holding an answer back until the
client gives up (what a slow platform looks like to us).

A slow fault must not outlive the client that waited for it: a test whose client timed out
ends, and a sandbox thread still sleeping would write its request log into the next test's
database. So `hold` returns as soon as the client has closed the connection."""

from __future__ import annotations

import select
import socket
import socketserver
import sys
import time

_POLL_SECONDS = 0.05


def request_socket() -> socket.socket:
    """The client socket of the request being served. A WSGI app is never handed its socket,
    but every socketserver-based server (Django's runserver and the tests' live server) runs
    the app inside a request handler whose `request` is that socket: find the handler up the
    calling frames of this thread."""
    frame = sys._getframe(1)
    while frame is not None:
        handler = frame.f_locals.get("self")
        if isinstance(handler, socketserver.BaseRequestHandler) and isinstance(
            handler.request, socket.socket
        ):
            return handler.request
        frame = frame.f_back
    raise RuntimeError(
        "this fault needs a socketserver-based WSGI server (runserver, the live test "
        "server); under ASGI the app cannot reach the client's socket"
    )


def _client_gone(sock: socket.socket) -> bool:
    readable, _, _ = select.select([sock], [], [], 0)
    if not readable:
        return False
    try:
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def hold(seconds: float) -> None:
    """Sleep up to `seconds`, or until the client hangs up, whichever comes first. Under a
    server that hides the socket (ASGI), the whole time."""
    try:
        sock = request_socket()
    except RuntimeError:
        time.sleep(seconds)
        return
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if _client_gone(sock):
            return
        time.sleep(min(_POLL_SECONDS, left))
