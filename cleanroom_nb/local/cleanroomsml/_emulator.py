"""CleanRoomsMLEmulator: a local Clean Rooms ML service on 127.0.0.1, and its test knobs.

moto has no ``cleanroomsml``. The emulator speaks the service's real ``rest-json`` wire
protocol (routes from botocore's model, :mod:`._wire`), so botocore's own serializer, signer,
retry handler and error parser run end to end, from a test, a notebook kernel or another
process. It implements CreateTrainingDataset, GetTrainingDataset, ListTrainingDatasets (pages),
DeleteTrainingDataset, TagResource, UntagResource, ListTagsForResource, the audience-model and
configured-audience-model operations (Create, Get, List, Delete, UpdateConfiguredAudienceModel:
:mod:`._audience`), and rejects only what AWS documents (:mod:`._backend`). Errors are answered
as AWS does: the model's HTTP status (429 for ThrottlingException also where an older model lacks
the shape), ``Content-Type: application/json``, a ``{"message": ...}`` body and the code in
``x-amzn-ErrorType``.

Knobs for tests: the faults :meth:`~CleanRoomsMLEmulator.throttle`,
:meth:`~CleanRoomsMLEmulator.inject_error` and :meth:`~CleanRoomsMLEmulator.drop_connection`
(each before or after the request is applied: :mod:`._faults`),
:meth:`~CleanRoomsMLEmulator.add_aws_tags` (tags AWS itself puts on a resource),
:meth:`~CleanRoomsMLEmulator.deny_pass_role` (AccessDeniedException as when the caller lacks
``iam:PassRole``), :meth:`~CleanRoomsMLEmulator.add_audience_model` (so that deleting the dataset
gives the documented ConflictException), :meth:`~CleanRoomsMLEmulator.set_status` (a status the
model may not list), :attr:`~CleanRoomsMLEmulator.training_seconds` and
:meth:`~CleanRoomsMLEmulator.fail_next_training` (how audience models train), and the session
token :data:`EXPIRED_SESSION_TOKEN`.
:attr:`~CleanRoomsMLEmulator.calls` records every request it answered.

On an identical repeat of CreateTrainingDataset the emulator answers ConflictException, as for
any repeat of a name: the model marks the operation idempotent but gives it no idempotency token,
and the API reference says the name "must be unique in your account and region".

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

import re
import threading
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cleanroom_nb.local.cleanroomsml import _exceptions as errors
from cleanroom_nb.local.cleanroomsml import _wire
from cleanroom_nb.local.cleanroomsml._audience_knobs import AudienceKnobs
from cleanroom_nb.local.cleanroomsml._backend import Backend
from cleanroom_nb.local.cleanroomsml._faults import Fault, Faults
from cleanroom_nb.local.cleanroomsml._server import Answer, Server

DEFAULT_ACCOUNT_ID = "123456789012"
"""The account the emulator treats as the caller's (moto's default account too)."""
DEFAULT_REGION = "us-east-1"
"""The region used when a request's signature names none."""
EXPIRED_SESSION_TOKEN = "expired"
"""A session token the emulator answers with ``ExpiredTokenException`` (403), as AWS does for
expired temporary credentials: ``boto3.Session(..., aws_session_token=EXPIRED_SESSION_TOKEN)``."""
ENDPOINT_ENV = "AWS_ENDPOINT_URL_CLEANROOMSML"
"""The environment variable botocore reads for the Clean Rooms ML endpoint."""

_CREDENTIAL_SCOPE = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/,\s]+)/([^/,\s]+)/aws4_request")


@dataclass(frozen=True)
class Call:
    """One request the emulator received: operation, HTTP status (0: no answer, the connection
    was dropped), error code (if any) and the injected fault that hit it (if any)."""

    operation: str
    status: int
    error: str | None = None
    fault: str | None = None


class CleanRoomsMLEmulator(AudienceKnobs):
    """An in-memory Clean Rooms ML service on 127.0.0.1 (real wire protocol).

    Use it as a context manager (or call :meth:`start` and :meth:`stop`). It sets nothing
    globally: point clients at :attr:`url` with ``endpoint_url=`` or the environment variable
    ``AWS_ENDPOINT_URL_CLEANROOMSML`` (see :meth:`env`). It is thread-safe.

    Parameters
    ----------
    host, port
        Where to listen; ``port=0`` picks a free port.
    account_id
        The caller's account: ARNs are made in it, and a role of another account is refused
        with AccessDeniedException, as AWS documents.
    region
        The region used for ARNs when a request's signature names none (normally the region of
        the signing client is used; the ARN's partition follows the region).
    default_page_size
        Page size of the List operations when the request gives no ``maxResults``.
    require_signature
        Refuse unsigned requests with ``MissingAuthenticationTokenException`` (403), as AWS
        does. Switch off for hand-made HTTP requests.

    Examples
    --------
    >>> import boto3
    >>> with CleanRoomsMLEmulator(account_id="111122223333") as emu:
    ...     c = boto3.client("cleanroomsml", endpoint_url=emu.url, region_name="cn-north-1",
    ...                      aws_access_key_id="k", aws_secret_access_key="s")
    ...     arn = c.create_training_dataset(
    ...         name="ds", roleArn="arn:aws-cn:iam::111122223333:role/cleanrooms-ml-r",
    ...         trainingData=[{"type": "INTERACTIONS", "inputConfig": {
    ...             "schema": [{"columnName": "u", "columnTypes": ["USER_ID"]}],
    ...             "dataSource": {"glueDataSource": {"databaseName": "db", "tableName": "t"}}}}],
    ...     )["trainingDatasetArn"]
    ...     c.get_training_dataset(trainingDatasetArn=arn)["status"], arn.split(":")[1:5]
    ('ACTIVE', ['aws-cn', 'cleanrooms-ml', 'cn-north-1', '111122223333'])
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        account_id: str = DEFAULT_ACCOUNT_ID,
        region: str = DEFAULT_REGION,
        default_page_size: int = 100,
        require_signature: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.account_id = account_id
        self.region = region
        self.require_signature = require_signature
        self.backend = Backend(default_page_size)
        self._lock = threading.RLock()
        self._faults = Faults()
        self._calls: list[Call] = []
        self._server: Server | None = None

    @property
    def default_page_size(self) -> int:
        """Page size of the List operations when a request gives no ``maxResults``."""
        return self.backend.default_page_size

    @default_page_size.setter
    def default_page_size(self, value: int) -> None:
        self.backend.default_page_size = value

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> CleanRoomsMLEmulator:
        """Start serving in a background thread; returns ``self``. Idempotent."""
        if self._server is None:
            self._server = Server(self.host, self.port, self._respond)
            self.port = self._server.port
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and every open (keep-alive) connection. Idempotent."""
        server, self._server = self._server, None
        if server is not None:
            server.close()

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
        """Forget every dataset, audience model, injected error, denied role and recorded call."""
        self.backend.reset()
        self._faults.clear()
        with self._lock:
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
        after_applying: bool = False,
    ) -> None:
        """Answer the next ``count`` requests (of ``operation``, or any) with the error ``code``.

        ``status`` defaults to the HTTP status the service model gives the error (429 for
        ThrottlingException and 500 for InternalServiceException when the model lacks them, as
        documented; else 400). With ``after_applying=True`` the request is applied first and
        the error answered afterwards: a server failure after the change was made.

        Examples
        --------
        >>> emu = CleanRoomsMLEmulator()
        >>> emu.inject_error("InternalServiceException", "oops", status=500,
        ...                  operation="CreateTrainingDataset", after_applying=True)
        """
        self._faults.add(
            Fault(
                "error",
                count,
                operation,
                after_applying,
                code=code,
                message=message,
                status=status or errors.error_status(code),
            )
        )

    def drop_connection(
        self, count: int = 1, *, operation: str | None = None, after_applying: bool = True
    ) -> None:
        """Close the connection of the next ``count`` requests without answering them.

        The request arrives; with ``after_applying=True`` (default) it is applied first, as when
        a connection drops after the server did its work; botocore then raises
        ``ConnectionClosedError`` and cannot know what happened.

        Examples
        --------
        >>> emu = CleanRoomsMLEmulator()
        >>> emu.drop_connection(operation="CreateTrainingDataset")
        """
        self._faults.add(Fault("drop", count, operation, after_applying))

    def add_aws_tags(self, arn: str, tags: Mapping[str, str]) -> None:
        """Put tags whose keys start with ``aws:`` on a resource, as AWS itself does.

        CloudFormation, for one, tags what it creates with ``aws:cloudformation:*`` keys. Users
        cannot add, change or remove such keys, and they do not count toward the 50 tags per
        resource (API reference, TagResource ``tags``).
        """
        self.backend.add_aws_tags(arn, tags)

    def deny_pass_role(self, role_arn: str) -> None:
        """Refuse ``role_arn`` with AccessDeniedException, as when the caller lacks iam:PassRole."""
        self.backend.deny_pass_role(role_arn)

    def set_status(self, training_dataset_arn: str, status: str) -> None:
        """Make GetTrainingDataset report ``status`` (e.g. one the service model does not list)."""
        self.backend.set_status(training_dataset_arn, status)

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
        with self.backend.lock:
            return {arn: d.describe() for arn, d in self.backend.datasets.items()}

    # ----------------------------------------------------------------- requests

    def _respond(
        self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes
    ) -> Answer:
        split = urllib.parse.urlsplit(raw_path)
        query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        found = _wire.match(method, split.path)
        operation = found[0] if found else "Unknown"
        fault: Fault | None = None
        applied = False
        try:
            if found is None:
                raise errors.ApiError(
                    "UnknownOperationException", f"No operation matches {method} {split.path}"
                )
            account, region = self._authenticate(headers)
            fault = self._faults.take(operation)
            if fault is not None and not fault.after_applying:
                answer = fault.answer()
            else:
                try:
                    result = _wire.dispatch(
                        self.backend, operation, found[1], query, body, account, region
                    )
                    answer = (200, result, None)
                    applied = True
                except errors.ApiError as err:
                    answer = (err.status, {"message": err.message}, err.code)
                if fault is not None:
                    answer = fault.answer()
        except errors.ApiError as err:
            answer = (err.status, {"message": err.message}, err.code)
        with self._lock:
            self._calls.append(
                Call(
                    operation,
                    answer[0],
                    answer[2],
                    fault.describe(applied) if fault is not None else None,
                )
            )
        return answer

    def _authenticate(self, headers: Mapping[str, str]) -> tuple[str, str]:
        if headers.get("x-amz-security-token") == EXPIRED_SESSION_TOKEN:
            raise errors.ApiError(
                "ExpiredTokenException", "The security token included in the request is expired"
            )
        scope = _CREDENTIAL_SCOPE.search(headers.get("authorization") or "")
        if scope is None:
            if self.require_signature:
                raise errors.ApiError(
                    "MissingAuthenticationTokenException", "Missing Authentication Token"
                )
            return self.account_id, self.region
        return self.account_id, scope.group(3)


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
