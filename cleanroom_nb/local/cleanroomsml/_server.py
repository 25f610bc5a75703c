"""The HTTP side: a threaded server on 127.0.0.1 that writes AWS-shaped JSON answers."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import uuid
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, "dict[str, Any] | None", str | None]
"""(HTTP status, JSON body, error code for ``x-amzn-ErrorType``)."""
DROPPED: Answer = (0, None, None)
"""The answer that is none: the server closes the connection without writing anything."""
Respond = Callable[[str, str, Mapping[str, str], bytes], Answer]
"""(method, raw path, lower-cased headers, body) -> the answer."""


class Server:
    """A ThreadingHTTPServer in a daemon thread that closes its keep-alive connections on stop."""

    def __init__(self, host: str, port: int, respond: Respond) -> None:
        connections: set[socket.socket] = set()
        lock = threading.Lock()

        class Handler(_Handler):
            answer = staticmethod(respond)

            def setup(self) -> None:
                super().setup()
                with lock:
                    connections.add(self.connection)

            def finish(self) -> None:
                with lock:
                    connections.discard(self.connection)
                with contextlib.suppress(OSError):
                    super().finish()

        self._lock = lock
        self._connections = connections
        self._http = ThreadingHTTPServer((host, port), Handler)
        self._http.daemon_threads = True
        self.port = int(self._http.server_address[1])
        self._thread = threading.Thread(
            target=self._http.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"cleanroomsml-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def close(self) -> None:
        """Stop serving, close the socket and every open (keep-alive) connection."""
        self._http.shutdown()
        self._http.server_close()
        with self._lock:
            open_now, self._connections = list(self._connections), set()
        for conn in open_now:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    """Reads a request, asks ``answer``, writes the JSON answer with AWS's headers."""

    answer: Respond
    protocol_version = "HTTP/1.1"
    server_version = "CleanRoomsMLEmulator"
    sys_version = ""
    timeout = 120  # idle keep-alive connections end after this many seconds

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload, error = self.answer(self.command, self.path, headers, body)
        if (status, payload, error) == DROPPED:  # a fault: the request arrived, no answer leaves
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        data = json.dumps(payload if payload is not None else {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if error is not None:
            self.send_header("x-amzn-ErrorType", error)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Keep quiet: test output and notebooks should not show access logs."""
