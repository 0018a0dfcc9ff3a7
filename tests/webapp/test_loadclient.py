"""The load client (``bench/loadclient.py``) treats every way a connection can end without a
whole answer as "unknown: send the same submission id again", never as a crash or a give-up.

A scripted server on a real socket answers the survey page normally and each POST with the next
way of failing: closed before the status line, a 303 cut in the middle of its body (what a
killed gunicorn worker did on an Intel Xeon: ``IncompleteRead`` escaped the client), reset,
garbage instead of a status line, no answer at all (the client's timeout), a 503; then a 303.
"""

from __future__ import annotations

import http.client
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs

from bench.loadclient import CONNECTION_ENDED, run_load

PAGE = (b'<form method="post"><input type="hidden" name="csrf_token" value="tok">'
        b'<button>Gui</button></form>')


def _read_request(conn: socket.socket) -> tuple[str, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return "", b""
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head.split(b" ", 1)[0].decode(), body


@contextmanager
def scripted_server(actions: list[str]) -> Iterator[tuple[str, list[str]]]:
    """Serve the page on GET and the next of ``actions`` on each POST; yield the base URL and
    the submission ids the POSTs carried."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    posted: list[str] = []
    script = iter(actions)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            method, body = _read_request(conn)
            if method == "GET":
                conn.sendall(b"HTTP/1.1 200 OK\r\nSet-Cookie: session=s1; Path=/\r\n"
                             b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(PAGE) + PAGE)
                conn.close()
                continue
            if method != "POST":
                conn.close()
                continue
            posted.append(parse_qs(body.decode())["submission_id"][0])
            action = next(script, "303")
            if action == "close":  # RemoteDisconnected: closed before any status line
                conn.close()
            elif action == "cut":  # IncompleteRead: the acknowledgement cut mid-body
                conn.sendall(b"HTTP/1.1 303 See Other\r\nLocation: /thanks\r\n"
                             b"Content-Length: 255\r\n\r\n<p>Redirect")
                conn.close()
            elif action == "reset":  # ConnectionResetError: RST instead of FIN
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()
            elif action == "garbage":  # BadStatusLine
                conn.sendall(b"this is not HTTP\r\n\r\n")
                conn.close()
            elif action == "hang":  # no answer: the client's own timeout ends it
                held.append(conn)
            elif action == "503":
                conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                             b"Connection: close\r\n\r\n")
                conn.close()
            else:
                conn.sendall(b"HTTP/1.1 303 See Other\r\nLocation: /thanks\r\n"
                             b"Content-Length: 0\r\nConnection: close\r\n\r\n")
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", posted
    finally:
        stop.set()
        listener.close()
        for conn in held:
            conn.close()
        thread.join(timeout=10)


def test_every_way_a_connection_ends__same_submission_resent_until_acknowledged() -> None:
    actions = ["close", "cut", "reset", "garbage", "hang", "503"]
    with scripted_server(actions) as (base, posted):
        # The timeout only ends the "hang" request, which the server never answers.
        report = run_load(base, ["t"], [("q1", "1")], total=1, clients=1, timeout=1.0)
    assert not report.crashed, report.crashed
    assert report.acknowledged == 1 and report.gave_up == 0
    # One id throughout: each failure, the acknowledged POST, then the deliberate double tap.
    assert len(posted) == len(actions) + 2 and len(set(posted)) == 1, posted
    assert report.resent == report.resent_acknowledged == 1
    assert report.errors == {
        "connection: RemoteDisconnected": 1, "connection: IncompleteRead": 1,
        "connection: ConnectionResetError": 1, "connection: BadStatusLine": 1,
        "connection: TimeoutError": 1, "HTTP 503": 1}, report.errors


def test_refused_and_every_http_client_failure__counted_as_connection_ended() -> None:
    # A refused connection cannot be scripted on a listening socket; it is an OSError.
    for kind in (ConnectionRefusedError, ConnectionResetError, TimeoutError,
                 http.client.RemoteDisconnected, http.client.IncompleteRead,
                 http.client.BadStatusLine):
        assert issubclass(kind, CONNECTION_ENDED), kind


def test_refused__retried_with_backoff__given_up_only_after_the_limit() -> None:
    # A bound socket that does not listen refuses every connection (ECONNREFUSED).
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    try:
        base = f"http://127.0.0.1:{closed.getsockname()[1]}"
        report = run_load(base, ["t"], [("q1", "1")], total=1, clients=1, give_up_after=0.3)
    finally:
        closed.close()
    assert not report.crashed, report.crashed
    assert report.gave_up == 1 and report.acknowledged == 0
    assert set(report.errors) == {"connection: ConnectionRefusedError"}
