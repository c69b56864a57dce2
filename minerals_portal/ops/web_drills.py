"""Drills of the web tier behind its proxy: slow clients, proxy-made errors, access logs."""

from __future__ import annotations

import socket
import threading
import time

from .stack import Stack, log

SLOW_SOCKETS = 50
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options")


def _trickle(port: int, stop: threading.Event, opened: list) -> None:
    """A client that sends one header line every 2 s and never ends its request."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        opened.append(sock)
        while not stop.wait(2):
            sock.sendall(b"X-Slow: 1\r\n")
    except OSError:
        pass  # the proxy may time a slow client out: that is its job


def slow_clients(stack: Stack) -> list[float]:
    """/healthz answer times (s) while ``SLOW_SOCKETS`` slow-header clients hold connections."""
    stop, opened = threading.Event(), []
    threads = [
        threading.Thread(target=_trickle, args=(stack.port, stop, opened), daemon=True)
        for _ in range(SLOW_SOCKETS)
    ]
    for thread in threads:
        thread.start()
    try:
        stack.wait_for(lambda: len(opened) == SLOW_SOCKETS, 60, "the slow clients are connected")
        log(f"{SLOW_SOCKETS} slow-header clients connected; timing /healthz")
        times = []
        for _ in range(8):
            started = time.monotonic()
            status = stack.get("/healthz", timeout=5)[0]
            times.append(time.monotonic() - started)
            assert status == 200, f"/healthz answered {status} with slow clients connected"
            time.sleep(0.5)
        return times
    finally:
        stop.set()
        for sock in opened:
            sock.close()
        for thread in threads:
            thread.join(timeout=10)


def proxy_errors_and_logs(stack: Stack) -> None:
    """Errors the proxy answers carry the security headers; no log records a query string."""
    status, _, headers = stack.get("/?" + "q=" + "x" * 20000)
    assert status in (400, 414), f"an oversized request line answered {status}"
    missing = [h for h in SECURITY_HEADERS if h.lower() not in {k.lower() for k in headers}]
    assert not missing, f"the proxy's {status} page lacks {missing}"
    marker = "querysecret7391"
    assert stack.get(f"/search/?q={marker}")[0] == 200
    access_logs = stack.logs("web") + (stack.tmp / "proxy" / "proxy-access.log").read_text()
    assert "/search/" in access_logs, "the request is missing from the access logs"
    assert marker not in access_logs, "an access log recorded a query string"
