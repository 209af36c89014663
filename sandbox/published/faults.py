"""Publish-side fault kinds, registered with sandbox.faults (see its docstring for the API).

- latency: sleep `seconds`, then answer normally.
- accepted_timeout: run the real endpoint (the post IS accepted and recorded), then hold the
  answer for `seconds` so the client's read timeout fires: "the post may exist".
  (Holding ends early when the client hangs up: sandbox.client_socket.hold.)
- connection_reset: drop the TCP connection without answering. By default the endpoint never
  runs (nothing happened on the "platform"); with `after_accept: true` the real endpoint runs
  first, so the post exists but the client only sees the connection die; with
  `mid_answer: true` the client also gets the answer's status line, headers and half its body
  before the connection dies.
"""

from __future__ import annotations

import socket
import struct
import sys

from django.http import HttpRequest, HttpResponse

from sandbox.client_socket import hold, request_socket
from sandbox.faults import fault_kind
from sandbox.models import SandboxFault
from sandbox.platforms import renderer
from sandbox.tokens import TokenError

# What the request log records for a request that got no answer (nginx's "client closed
# request" code is the nearest convention; no HTTP status was sent).
NO_ANSWER = 499


def _run_endpoint(request: HttpRequest, fault: SandboxFault) -> HttpResponse:
    """Run the view the endpoint wrapper (sandbox.common.endpoint) was about to run, as that
    wrapper would. Not the view the URL resolves to: that may be a dispatcher that calls a
    decorated endpoint again (X's /2/tweets), which would log the request and take a fault a
    second time."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "wrapper" and frame.f_globals.get("__name__") == (
            "sandbox.common"
        ):
            scope = frame.f_locals
            try:
                return scope["view"](request, *scope["args"], **scope["kwargs"])
            except TokenError as exc:
                return renderer(fault.platform).token_error(exc)
        frame = frame.f_back
    raise RuntimeError("a publish fault runs only inside a sandbox endpoint")


@fault_kind("latency")
def _latency(request: HttpRequest, fault: SandboxFault) -> None:
    hold(float(fault.options.get("seconds", 1)))
    return None


@fault_kind("accepted_timeout")
def _accepted_timeout(request: HttpRequest, fault: SandboxFault) -> HttpResponse:
    response = _run_endpoint(request, fault)
    hold(float(fault.options.get("seconds", 30)))
    return response


def _head_and_half_body(response: HttpResponse) -> bytes:
    """The response's status line, headers (with its real Content-Length) and half its body:
    what a client has read when the connection dies mid-answer."""
    body = response.content
    lines = [f"HTTP/1.1 {response.status_code} {response.reason_phrase}"]
    lines += [f"{name}: {value}" for name, value in response.items() if name != "Content-Length"]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body[: len(body) // 2]


@fault_kind("connection_reset")
def _connection_reset(request: HttpRequest, fault: SandboxFault) -> HttpResponse:
    sock = request_socket()  # first, so an unsupported server fails before any post exists
    if fault.options.get("after_accept") or fault.options.get("mid_answer"):
        accepted = _run_endpoint(request, fault)
        if fault.options.get("mid_answer"):
            sock.sendall(_head_and_half_body(accepted))
    # Linger 0: the kernel aborts the connection with a RST when the server closes it, and
    # shutting both directions now means the client reads end-of-stream where it expected
    # (the rest of) an answer. Either way it sees a broken connection, never a whole answer.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.shutdown(socket.SHUT_RDWR)
    # Whatever the server then tries to write fails on the dead socket and is dropped
    # (wsgiref ignores broken pipes); this response only gives the request log a status.
    response = HttpResponse(b"", status=NO_ANSWER, content_type="text/plain")
    response["Connection"] = "close"
    return response
