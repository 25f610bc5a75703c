"""The local Athena on 127.0.0.1: Athena's JSON 1.1 wire protocol in front of DuckDB.

Requests are ``POST /`` with ``X-Amz-Target: AmazonAthena.<Operation>`` and a JSON body
(``Content-Type: application/x-amz-json-1.1``); answers are JSON, errors a 400 with
``{"__type": "InvalidRequestException", "message": ...}``, which botocore turns into
``client.exceptions.InvalidRequestException``. So boto3 and awswrangler run unchanged when
``AWS_ENDPOINT_URL_ATHENA`` points here, and SQL runs on DuckDB over moto's Glue and S3.

Examples
--------
>>> import boto3
>>> with LocalAthena(moto_url="http://127.0.0.1:1") as athena:
...     client = boto3.client("athena", endpoint_url=athena.url, region_name="us-east-1",
...                           aws_access_key_id="testing", aws_secret_access_key="testing")
...     client.get_work_group(WorkGroup="primary")["WorkGroup"]["State"]
'ENABLED'
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import socket
import tempfile
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3

from cleanroom_nb.local.athena._errors import ApiError
from cleanroom_nb.local.athena._queries import AthenaService
from cleanroom_nb.local.athena._run import Runner
from cleanroom_nb.local.athena._tables import ObjectCache

ENDPOINT_ENV = "AWS_ENDPOINT_URL_ATHENA"
"""The environment variable botocore reads for the Athena endpoint."""

_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/")
_TARGET = "AmazonAthena."


class LocalAthena(AthenaService):
    """A local Athena service (see module docs); use it as a context manager.

    Parameters
    ----------
    moto_url
        moto's server, where the Glue catalog and the S3 data are (None: boto3's default
        endpoint resolution, e.g. ``AWS_ENDPOINT_URL``).
    host, port
        Where to listen (``port=0`` picks a free one).
    region
        The region used when a request's signature names none.
    cache_dir
        Where local copies of S3 objects are kept (None: a temporary directory removed at
        :meth:`stop`).
    max_concurrent, poll_wait, min_run_seconds
        See :class:`~cleanroom_nb.local.athena._queries.AthenaService`.
    """

    def __init__(
        self,
        *,
        moto_url: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        region: str = "us-east-1",
        cache_dir: str | Path | None = None,
        max_concurrent: int = 2,
        poll_wait: float = 5.0,
        min_run_seconds: float = 0.0,
    ) -> None:
        self.moto_url = moto_url
        self.host, self.port = host, port
        self._own_cache = cache_dir is None
        self.cache_dir = Path(cache_dir or tempfile.mkdtemp(prefix="cleanroom_nb-athena-"))
        self._clients: dict[str, tuple[Any, Any]] = {}
        self._clients_lock = threading.Lock()
        super().__init__(
            Runner(self._region_clients, ObjectCache(self.cache_dir)),
            region=region,
            max_concurrent=max_concurrent,
            poll_wait=poll_wait,
            min_run_seconds=min_run_seconds,
        )
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()

    def _region_clients(self, region: str) -> tuple[Any, Any]:
        """Glue and S3 clients of moto for a region (made once)."""
        with self._clients_lock:
            if region not in self._clients:
                session = boto3.Session(
                    aws_access_key_id="testing",
                    aws_secret_access_key="testing",
                    region_name=region,
                )
                self._clients[region] = (
                    session.client("glue", endpoint_url=self.moto_url),
                    session.client("s3", endpoint_url=self.moto_url),
                )
            return self._clients[region]

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> LocalAthena:
        """Start serving in a background thread; returns ``self``. Idempotent."""
        if self._server is not None:
            return self
        service = self

        class Handler(_Handler):
            athena = service

        server = ThreadingHTTPServer((self.host, self.port), Handler)
        server.daemon_threads = True
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"local-athena-{self.port}",
            daemon=True,
        )
        self._thread.start()
        threading.Thread(target=self._warm_up, name="local-athena-warm-up", daemon=True).start()
        return self

    def _warm_up(self) -> None:
        """Make the first query as fast as the next: clients made, sqlglot's optimizer loaded."""
        from cleanroom_nb.local.athena._engine import plan

        self._region_clients(self.region)
        with contextlib.suppress(Exception):
            plan("SELECT 1 / 2 AS x", None, lambda db, t: None, lambda db: False)

    def stop(self) -> None:
        """Stop serving, close open connections, cancel running queries and drop the local
        object cache. Idempotent."""
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            with self._clients_lock:
                connections, self._connections = list(self._connections), set()
            for conn in connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            self.shutdown()
            if self._thread is not None:
                self._thread.join(timeout=5)
                self._thread = None
        if self._own_cache:
            shutil.rmtree(self.cache_dir, ignore_errors=True)

    def __enter__(self) -> LocalAthena:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321`` (start the service first)."""
        if self._server is None:
            raise RuntimeError("the local Athena is not running; call start() or use `with`")
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        """The environment setting that points botocore's Athena clients here."""
        return {ENDPOINT_ENV: self.url}

    def __repr__(self) -> str:
        where = self.url if self._server is not None else "stopped"
        return f"LocalAthena({where}, moto={self.moto_url!r})"


class _Handler(BaseHTTPRequestHandler):
    athena: LocalAthena
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        with self.athena._clients_lock:
            self.athena._connections.add(self.connection)

    def finish(self) -> None:
        with self.athena._clients_lock:
            self.athena._connections.discard(self.connection)
        super().finish()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        target = self.headers.get("X-Amz-Target", "")
        m = _SCOPE.search(self.headers.get("Authorization", ""))
        region = m.group(1) if m else self.athena.region
        try:
            if not target.startswith(_TARGET):
                raise ApiError("UnknownOperationException", f"Unknown target {target!r}")
            try:
                payload = json.loads(body or b"{}")
            except ValueError as exc:
                raise ApiError("SerializationException", "The request body is not JSON") from exc
            status, answer = 200, self.athena.call(target[len(_TARGET) :], payload, region)
        except ApiError as exc:
            status, answer = exc.status, {"__type": exc.code, "message": exc.message}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass
