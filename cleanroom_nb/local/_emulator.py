"""A local, in-memory emulator of the Clean Rooms ML training-dataset API.

moto has no ``cleanroomsml``. :class:`CleanRoomsMLEmulator` fills the gap: a small HTTP server on
127.0.0.1 that speaks the service's real ``rest-json`` wire protocol, so botocore's own serializer,
signer, retry handler and error parser run end to end, from a test, a notebook kernel or another
process. It implements CreateTrainingDataset, GetTrainingDataset, ListTrainingDatasets (with
``maxResults``/``nextToken`` pages), DeleteTrainingDataset, TagResource, UntagResource and
ListTagsForResource; it checks every constraint of botocore's service model (lengths, counts,
patterns, enums, required members), the documented tag rules and name uniqueness, and it answers
errors as AWS does: a 4xx status, ``Content-Type: application/json``, a ``{"message": ...}`` body
and the error code in the ``x-amzn-errortype`` header.

Knobs for tests: :meth:`~CleanRoomsMLEmulator.throttle` (ThrottlingException, 429),
:meth:`~CleanRoomsMLEmulator.inject_error`, :meth:`~CleanRoomsMLEmulator.deny_pass_role`
(AccessDeniedException as when the caller lacks ``iam:PassRole``), ``activation_delay`` (the
dataset reports ``CREATE_PENDING`` for that many seconds), and the session token
:data:`EXPIRED_SESSION_TOKEN`, which the emulator answers with ``ExpiredTokenException``.
:attr:`~CleanRoomsMLEmulator.calls` records every request it answered.

Examples
--------
>>> import boto3
>>> with CleanRoomsMLEmulator() as emu:
...     client = boto3.client("cleanroomsml", endpoint_url=emu.url, region_name="us-east-1",
...                           aws_access_key_id="testing", aws_secret_access_key="testing")
...     client.list_training_datasets()["trainingDatasets"]
[]
"""

from __future__ import annotations

import base64
import contextlib
import copy
import datetime as dt
import json
import re
import socket
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cleanroom_nb.aws import _service_model

DEFAULT_ACCOUNT_ID = "123456789012"
"""The account the emulator treats as the caller's (moto's default account too)."""

DEFAULT_REGION = "us-east-1"
"""The region used when a request's signature names none."""

EXPIRED_SESSION_TOKEN = "expired"
"""A session token the emulator answers with ``ExpiredTokenException`` (403), as AWS does for
expired temporary credentials: ``boto3.Session(..., aws_session_token=EXPIRED_SESSION_TOKEN)``."""

MAX_TAGS = 50
"""The documented tag limit per resource (the service model's map allows 200)."""

ENDPOINT_ENV = "AWS_ENDPOINT_URL_CLEANROOMSML"
"""The environment variable botocore reads for the Clean Rooms ML endpoint."""

RoleChecker = Callable[[str], "str | None"]
"""A role check: the role ARN in, None when the service could assume it, else why not."""

_CREDENTIAL_SCOPE = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request")


@dataclass(frozen=True)
class Call:
    """One request the emulator answered: operation name, HTTP status and error code (if any)."""

    operation: str
    status: int
    error: str | None = None


@dataclass
class _Dataset:
    arn: str
    name: str
    role_arn: str
    training_data: list[Any]
    description: str | None
    tags: dict[str, str]
    created: float
    account: str
    region: str
    seq: int

    def status(self, activation_delay: float) -> str:
        if time.time() - self.created < activation_delay:
            return "CREATE_PENDING"
        return "ACTIVE"

    def updated(self, activation_delay: float) -> float:
        return max(self.created, min(time.time(), self.created + activation_delay))


@dataclass
class _Injected:
    code: str
    message: str
    status: int
    remaining: int
    operation: str | None


class _ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def _iso(t: float) -> str:
    """An ISO 8601 UTC time, as the service model asks (``timestampFormat: iso8601``)."""
    return (
        dt.datetime.fromtimestamp(t, dt.UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def _error_status(code: str) -> int:
    """The HTTP status the service model gives an error shape (400 when it has none)."""
    try:
        shape = _service_model.service_model().shape_for(code)
    except Exception:
        return 400
    return int(shape.metadata.get("error", {}).get("httpStatusCode", 400))


def _validation_message(violations: list[_service_model.Violation]) -> str:
    n = len(violations)
    detail = "; ".join(
        f"Value at '{v.path}' failed to satisfy constraint: {v.message}" for v in violations
    )
    return f"{n} validation error{'s' if n != 1 else ''} detected: {detail}"


class CleanRoomsMLEmulator:
    """An in-memory Clean Rooms ML training-dataset service on 127.0.0.1 (real wire protocol).

    Use it as a context manager (or call :meth:`start` and :meth:`stop`). It sets nothing
    globally: point clients at :attr:`url` with ``endpoint_url=`` or the environment variable
    ``AWS_ENDPOINT_URL_CLEANROOMSML`` (see :meth:`env`). It is thread-safe.

    Parameters
    ----------
    host, port
        Where to listen; ``port=0`` picks a free port.
    account_id
        The caller's account: ARNs are made in it, and a role of another account is refused
        with AccessDeniedException, as AWS does.
    region
        The region used for ARNs when a request's signature names none (normally the
        region of the signing client is used).
    activation_delay
        Seconds a new dataset reports ``CREATE_PENDING`` before ``ACTIVE`` (default 0: at
        once, like the real service). Lets tests exercise ``wait=True``.
    default_page_size
        Page size of ListTrainingDatasets when the request gives no ``maxResults``.
    require_signature
        Refuse unsigned requests with ``MissingAuthenticationTokenException`` (403), as AWS
        does. Switch off for hand-made HTTP requests.
    role_checker
        Called with the role ARN of each create; a returned message refuses the request with
        AccessDeniedException, as when the service cannot assume the role. See
        :func:`iam_role_checker` (used by :func:`cleanroom_nb.local_aws` with moto's IAM).

    Examples
    --------
    >>> import boto3
    >>> with CleanRoomsMLEmulator(account_id="111122223333") as emu:
    ...     c = boto3.client("cleanroomsml", endpoint_url=emu.url, region_name="eu-west-1",
    ...                      aws_access_key_id="k", aws_secret_access_key="s")
    ...     arn = c.create_training_dataset(
    ...         name="ds", roleArn="arn:aws:iam::111122223333:role/cleanrooms-ml-r",
    ...         trainingData=[{"type": "INTERACTIONS", "inputConfig": {
    ...             "schema": [{"columnName": "u", "columnTypes": ["USER_ID"]}],
    ...             "dataSource": {"glueDataSource": {"databaseName": "db", "tableName": "t"}}}}],
    ...     )["trainingDatasetArn"]
    ...     c.get_training_dataset(trainingDatasetArn=arn)["status"], arn.split(":")[3:5]
    ('ACTIVE', ['eu-west-1', '111122223333'])
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        account_id: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
        activation_delay: float = 0.0,
        default_page_size: int = 100,
        require_signature: bool = True,
        role_checker: RoleChecker | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.account_id = account_id
        self.region = region
        self.activation_delay = activation_delay
        self.default_page_size = default_page_size
        self.require_signature = require_signature
        self.role_checker = role_checker
        self._lock = threading.RLock()
        self._datasets: dict[str, _Dataset] = {}
        self._seq = 0
        self._injected: list[_Injected] = []
        self._denied_roles: set[str] = set()
        self._calls: list[Call] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> CleanRoomsMLEmulator:
        """Start serving in a background thread; returns ``self``. Idempotent."""
        if self._server is not None:
            return self
        emulator = self

        class Handler(_Handler):
            emu = emulator

        server = ThreadingHTTPServer((self.host, self.port), Handler)
        server.daemon_threads = True
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"cleanroomsml-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and every open (keep-alive) connection. Idempotent."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._lock:
            connections, self._connections = list(self._connections), set()
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> CleanRoomsMLEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._server is not None

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:54321`` (start the emulator first)."""
        if self._server is None:
            raise RuntimeError("the emulator is not running; call start() or use `with`")
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        """The environment setting that points botocore's Clean Rooms ML clients here.

        Examples
        --------
        >>> with CleanRoomsMLEmulator() as emu:
        ...     list(emu.env())
        ['AWS_ENDPOINT_URL_CLEANROOMSML']
        """
        return {ENDPOINT_ENV: self.url}

    def __repr__(self) -> str:
        where = self.url if self.running else "stopped"
        return f"CleanRoomsMLEmulator({where}, account_id={self.account_id!r})"

    # ----------------------------------------------------------------- test knobs

    def reset(self) -> None:
        """Forget every dataset, injected error, denied role and recorded call."""
        with self._lock:
            self._datasets.clear()
            self._injected.clear()
            self._denied_roles.clear()
            self._calls.clear()

    def throttle(self, count: int = 1, *, operation: str | None = None) -> None:
        """Answer the next ``count`` requests (of ``operation``, or any) with ThrottlingException.

        Examples
        --------
        >>> emu = CleanRoomsMLEmulator()
        >>> emu.throttle(2, operation="CreateTrainingDataset")
        """
        self.inject_error("ThrottlingException", "Rate exceeded", count=count, operation=operation)

    def inject_error(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        count: int = 1,
        operation: str | None = None,
    ) -> None:
        """Answer the next ``count`` requests (of ``operation``, or any) with the error ``code``.

        ``status`` defaults to the HTTP status the service model gives the error (400 if none).
        """
        with self._lock:
            self._injected.append(
                _Injected(code, message, status or _error_status(code), count, operation)
            )

    def deny_pass_role(self, role_arn: str) -> None:
        """Refuse ``role_arn`` with AccessDeniedException, as when the caller lacks iam:PassRole."""
        with self._lock:
            self._denied_roles.add(role_arn)

    @property
    def calls(self) -> list[Call]:
        """Every request answered so far (a copy), oldest first."""
        with self._lock:
            return list(self._calls)

    def call_count(self, operation: str) -> int:
        """How many requests of ``operation`` were answered, whatever their outcome."""
        with self._lock:
            return sum(1 for c in self._calls if c.operation == operation)

    @property
    def datasets(self) -> dict[str, dict[str, Any]]:
        """A snapshot of the stored datasets, by ARN, as GetTrainingDataset would describe them."""
        with self._lock:
            return {arn: self._describe(d) for arn, d in self._datasets.items()}

    # ----------------------------------------------------------------- dispatch

    def _handle(
        self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, Any] | None, str, str | None]:
        """Route and answer one request: (status, JSON body, operation, error code)."""
        split = urllib.parse.urlsplit(raw_path)
        parts = [p for p in split.path.split("/") if p]
        query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        operation = self._operation(method, parts)
        try:
            if operation is None:
                raise _ApiError(
                    404, "UnknownOperationException", f"No operation matches {method} {split.path}"
                )
            account, region = self._authenticate(headers)
            self._maybe_inject(operation)
            label = urllib.parse.unquote("/".join(parts[1:])) if len(parts) > 1 else ""
            payload = self._json(body) if method in ("POST", "PUT") else {}
            result = self._dispatch(operation, label, query, payload, account, region)
            return 200, result, operation, None
        except _ApiError as err:
            return err.status, {"message": err.message}, operation or "Unknown", err.code

    @staticmethod
    def _operation(method: str, parts: list[str]) -> str | None:
        if not parts:
            return None
        head = parts[0]
        if head == "training-dataset":
            if len(parts) == 1:
                return {"POST": "CreateTrainingDataset", "GET": "ListTrainingDatasets"}.get(method)
            return {"GET": "GetTrainingDataset", "DELETE": "DeleteTrainingDataset"}.get(method)
        if head == "tags" and len(parts) > 1:
            return {
                "POST": "TagResource",
                "DELETE": "UntagResource",
                "GET": "ListTagsForResource",
            }.get(method)
        return None

    def _authenticate(self, headers: Mapping[str, str]) -> tuple[str, str]:
        token = headers.get("x-amz-security-token")
        if token == EXPIRED_SESSION_TOKEN:
            raise _ApiError(
                403,
                "ExpiredTokenException",
                "The security token included in the request is expired",
            )
        auth = headers.get("authorization") or ""
        scope = _CREDENTIAL_SCOPE.search(auth)
        if scope is None:
            if self.require_signature:
                raise _ApiError(
                    403, "MissingAuthenticationTokenException", "Missing Authentication Token"
                )
            return self.account_id, self.region
        return self.account_id, scope.group(3)

    def _maybe_inject(self, operation: str) -> None:
        with self._lock:
            for inj in self._injected:
                if inj.remaining > 0 and inj.operation in (None, operation):
                    inj.remaining -= 1
                    raise _ApiError(inj.status, inj.code, inj.message)
            self._injected = [i for i in self._injected if i.remaining > 0]

    @staticmethod
    def _json(body: bytes) -> Any:
        if not body.strip():
            return {}
        try:
            return json.loads(body)
        except ValueError as exc:
            raise _ApiError(400, "SerializationException", f"Malformed JSON body: {exc}") from exc

    def _dispatch(
        self,
        operation: str,
        label: str,
        query: dict[str, list[str]],
        payload: Any,
        account: str,
        region: str,
    ) -> dict[str, Any]:
        if operation == "CreateTrainingDataset":
            return self._create(payload, account, region)
        if operation == "ListTrainingDatasets":
            return self._list(query, account, region)
        if operation in ("GetTrainingDataset", "DeleteTrainingDataset"):
            self._check({"trainingDatasetArn": label}, operation)
            with self._lock:
                ds = self._find(label)
                if operation == "GetTrainingDataset":
                    return self._describe(ds)
                del self._datasets[ds.arn]
                return {}
        # the tag operations
        if operation == "TagResource":
            self._check(
                {"resourceArn": label, **(payload if isinstance(payload, dict) else {})}, operation
            )
            with self._lock:
                ds = self._find(label)
                merged = {**ds.tags, **payload["tags"]}
                self._check_tags(merged)
                ds.tags = merged
            return {}
        if operation == "UntagResource":
            keys = query.get("tagKeys", [])
            self._check({"resourceArn": label, "tagKeys": keys}, operation)
            with self._lock:
                ds = self._find(label)
                for key in keys:
                    ds.tags.pop(key, None)
            return {}
        self._check({"resourceArn": label}, operation)
        with self._lock:
            return {"tags": dict(self._find(label).tags)}

    # ----------------------------------------------------------------- operations

    @staticmethod
    def _check(params: Any, operation: str) -> None:
        violations = _service_model.check_input(params, operation)
        if violations:
            raise _ApiError(400, "ValidationException", _validation_message(violations))

    @staticmethod
    def _check_tags(tags: Mapping[str, str]) -> None:
        if len(tags) > MAX_TAGS:
            raise _ApiError(
                400,
                "ValidationException",
                f"A resource can have at most {MAX_TAGS} tags; this request gives {len(tags)}",
            )
        reserved = sorted(k for k in tags if k.lower().startswith("aws:"))
        if reserved:
            raise _ApiError(
                400,
                "ValidationException",
                f"Tag keys starting with 'aws:' are reserved for AWS use: {', '.join(reserved)}",
            )

    def _find(self, arn: str) -> _Dataset:
        ds = self._datasets.get(arn)
        if ds is None:
            raise _ApiError(404, "ResourceNotFoundException", f"Training dataset {arn} not found")
        return ds

    def _create(self, payload: Any, account: str, region: str) -> dict[str, Any]:
        self._check(payload, "CreateTrainingDataset")
        tags = dict(payload.get("tags") or {})
        self._check_tags(tags)
        role_arn = payload["roleArn"]
        role_account = role_arn.split(":")[4]
        if role_account != account:
            raise _ApiError(
                403,
                "AccessDeniedException",
                f"Cross-account role passing is not allowed: the role {role_arn} is in account "
                f"{role_account}, the caller is in account {account}",
            )
        with self._lock:
            if role_arn in self._denied_roles:
                raise _ApiError(
                    403,
                    "AccessDeniedException",
                    f"User: arn:aws:sts::{account}:assumed-role/caller is not authorized to "
                    f"perform: iam:PassRole on resource: {role_arn}",
                )
        problem = self.role_checker(role_arn) if self.role_checker is not None else None
        if problem:
            raise _ApiError(
                403,
                "AccessDeniedException",
                f"Clean Rooms ML could not assume the role {role_arn}: {problem}",
            )
        with self._lock:
            name = payload["name"]
            for other in self._datasets.values():
                if other.name == name and other.account == account and other.region == region:
                    raise _ApiError(
                        409,
                        "ConflictException",
                        f"A training dataset named {name!r} already exists",
                    )
            self._seq += 1
            arn = f"arn:aws:cleanrooms-ml:{region}:{account}:training-dataset/{uuid.uuid4()}"
            self._datasets[arn] = _Dataset(
                arn=arn,
                name=name,
                role_arn=role_arn,
                training_data=copy.deepcopy(payload["trainingData"]),
                description=payload.get("description"),
                tags=tags,
                created=time.time(),
                account=account,
                region=region,
                seq=self._seq,
            )
        return {"trainingDatasetArn": arn}

    def _describe(self, ds: _Dataset) -> dict[str, Any]:
        out: dict[str, Any] = {
            "createTime": _iso(ds.created),
            "updateTime": _iso(ds.updated(self.activation_delay)),
            "trainingDatasetArn": ds.arn,
            "name": ds.name,
            "trainingData": copy.deepcopy(ds.training_data),
            "status": ds.status(self.activation_delay),
            "roleArn": ds.role_arn,
            "tags": dict(ds.tags),
        }
        if ds.description is not None:
            out["description"] = ds.description
        return out

    def _list(self, query: dict[str, list[str]], account: str, region: str) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if "maxResults" in query:
            try:
                params["maxResults"] = int(query["maxResults"][0])
            except ValueError as exc:
                raise _ApiError(
                    400, "ValidationException", "maxResults must be an integer"
                ) from exc
        if "nextToken" in query:
            params["nextToken"] = query["nextToken"][0]
        self._check(params, "ListTrainingDatasets")
        size = params.get("maxResults", self.default_page_size)
        after = 0
        if "nextToken" in params:
            try:
                after = int(base64.urlsafe_b64decode(params["nextToken"].encode()).decode())
            except ValueError as exc:
                raise _ApiError(400, "ValidationException", "Invalid nextToken") from exc
        with self._lock:
            mine = sorted(
                (
                    d
                    for d in self._datasets.values()
                    if d.account == account and d.region == region and d.seq > after
                ),
                key=lambda d: d.seq,
            )
            page = mine[:size]
            items = []
            for d in page:
                item = {
                    k: v
                    for k, v in self._describe(d).items()
                    if k
                    in (
                        "createTime",
                        "updateTime",
                        "trainingDatasetArn",
                        "name",
                        "status",
                        "description",
                    )
                }
                items.append(item)
        out: dict[str, Any] = {"trainingDatasets": items}
        if len(mine) > size:
            out["nextToken"] = base64.urlsafe_b64encode(str(page[-1].seq).encode()).decode()
        return out

    def _record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)


class _Handler(BaseHTTPRequestHandler):
    """The HTTP side: reads a request, asks the emulator, writes AWS-shaped JSON answers."""

    emu: CleanRoomsMLEmulator
    protocol_version = "HTTP/1.1"
    server_version = "CleanRoomsMLEmulator"
    sys_version = ""
    timeout = 120  # idle keep-alive connections end after this many seconds

    def setup(self) -> None:
        super().setup()
        with self.emu._lock:
            self.emu._connections.add(self.connection)

    def finish(self) -> None:
        with self.emu._lock:
            self.emu._connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, payload, operation, error = self.emu._handle(self.command, self.path, headers, body)
        self.emu._record(Call(operation, status, error))
        data = json.dumps(payload if payload is not None else {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if error is not None:
            self.send_header("x-amzn-ErrorType", error)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = do_PUT = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Keep quiet: test output and notebooks should not show access logs."""


def iam_role_checker(
    endpoint_url: str, *, account_id: str = DEFAULT_ACCOUNT_ID, region: str = DEFAULT_REGION
) -> RoleChecker:
    """A role check against an IAM endpoint such as moto's server (never real AWS: it uses fake
    credentials): the role must exist and its trust policy must let
    ``cleanrooms-ml.amazonaws.com`` assume it for this account's training datasets.

    Roles that cannot be read (another account, IAM errors) pass unchecked.

    Examples
    --------
    >>> check = iam_role_checker("http://127.0.0.1:5000")
    >>> callable(check)
    True
    """
    import boto3
    import botocore.exceptions

    from cleanroom_nb.aws import _client, _service_role

    fake = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=region
    )
    iam = _client.client("iam", fake, endpoint_url=endpoint_url)  # clients are thread-safe

    def check(role_arn: str) -> str | None:
        try:
            role = iam.get_role(RoleName=role_arn.rsplit("/", 1)[-1])["Role"]
        except botocore.exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "NoSuchEntity":
                return "the role does not exist"
            return None
        except botocore.exceptions.BotoCoreError:
            return None
        trust = _service_role._document(role.get("AssumeRolePolicyDocument"))
        errors = [
            f.message
            for f in _service_role._trust_findings(trust, account_id, region)
            if f.level == "error"
        ]
        return "; ".join(errors) or None

    return check


def running(**kwargs: Any) -> Iterator[CleanRoomsMLEmulator]:
    """Yield a started emulator and stop it afterwards (a generator for pytest fixtures).

    Examples
    --------
    >>> gen = running()
    >>> emu = next(gen)
    >>> emu.running
    True
    >>> gen.close(); emu.running
    False
    """
    emu = CleanRoomsMLEmulator(**kwargs).start()
    try:
        yield emu
    finally:
        emu.stop()
