"""The one place where boto3 sessions and clients are made, and botocore errors translated.

Every client honours the session's region and credentials and the endpoint settings of the
environment (``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_<SERVICE>``), which botocore applies.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any

import boto3
import botocore.config
import botocore.exceptions
import botocore.session

from cleanroom_nb import _errors
from cleanroom_nb._errors import InvalidArgumentError

_RETRY_CONFIG = botocore.config.Config(retries={"mode": "standard", "max_attempts": 5})


def session(boto3_session: boto3.Session | None = None) -> boto3.Session:
    """The session to use: the given one, else a default one.

    Our default is made once per thread and per set of ``AWS_*`` environment variables: a
    botocore session caches the service models it has read, so reusing it makes every later
    client several times cheaper, and a change of region, profile, credentials or endpoint in
    the environment gives a new one. Sessions are not shared between threads (boto3 sessions
    are not thread-safe).

    Examples
    --------
    >>> isinstance(session(), boto3.Session)
    True
    >>> session() is session()
    True
    """
    if boto3_session is not None:
        return boto3_session
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("AWS_")))
    cached: tuple[tuple[tuple[str, str], ...], boto3.Session] | None = getattr(
        _DEFAULTS, "session", None
    )
    if cached is None or cached[0] != env:
        cached = (env, boto3.Session(botocore_session=botocore_session()))
        _DEFAULTS.session = cached
    return cached[1]


_DEFAULTS = threading.local()
_LOADER: list[Any] = []


def botocore_session() -> botocore.session.Session:
    """A new botocore session sharing one data loader with every other session made here.

    The loader caches the parsed service models (JSON files of several MB): a new thread or a
    changed environment then costs a session, not a second parse of every model.
    """
    s = botocore.session.get_session()
    if _LOADER:
        s.register_component("data_loader", _LOADER[0])
    else:
        _LOADER.append(s.get_component("data_loader"))
    return s


def client(service: str, boto3_session: boto3.Session | None = None, **kwargs: Any) -> Any:
    """A botocore client for ``service`` with standard retries (throttling included).

    Raises
    ------
    CredentialsError
        When the session has no region (the message says how to set one).
    """
    s = session(boto3_session)
    if s.region_name is None and "region_name" not in kwargs:
        raise _errors.CredentialsError(
            f"no AWS region is set for the {service} client; set AWS_DEFAULT_REGION, "
            "configure a profile with a region, or pass boto3.Session(region_name=...)"
        )
    kwargs.setdefault("config", _RETRY_CONFIG)
    return s.client(service, **kwargs)  # type: ignore[call-overload]


def region(boto3_session: boto3.Session | None = None) -> str | None:
    """The region of the session (None when none is configured)."""
    return session(boto3_session).region_name


@functools.cache
def partition_for_region(region: str) -> str | None:
    """The ARN partition of a region, from botocore's endpoint data (None when it is unknown).

    Examples
    --------
    >>> partition_for_region("us-east-1"), partition_for_region("cn-north-1")
    ('aws', 'aws-cn')
    >>> partition_for_region("local") is None
    True
    """
    try:
        return str(botocore.session.get_session().get_partition_for_region(region))
    except Exception:  # UnknownRegionError and the like: botocore does not know the region
        return None


def caller_account(*, what: str, boto3_session: boto3.Session | None = None) -> str:
    """The caller's account id (``sts:GetCallerIdentity``).

    Raises
    ------
    CleanroomNbError
        Every failure, translated by :func:`translate` (``what`` says what was being done):
        missing, expired or refused credentials, no region, an unreachable endpoint.

    Examples
    --------
    >>> caller_account(what="checking the credentials")  # doctest: +SKIP
    '123456789012'
    """
    try:
        return str(client("sts", boto3_session).get_caller_identity()["Account"])
    except _errors.CleanroomNbError:
        raise  # no region: client() says how to set one
    except Exception as exc:
        raise translate(exc, what=what) from exc


def endpoint_url(service: str, boto3_session: boto3.Session | None = None) -> str | None:
    """The endpoint URL botocore resolves for ``service`` (None means the AWS default).

    Read from the environment the same way botocore does (service-specific first).
    """
    env_name = "AWS_ENDPOINT_URL_" + service.upper().replace("-", "_").replace(" ", "_")
    return os.environ.get(env_name) or os.environ.get("AWS_ENDPOINT_URL") or None


def translate(exc: BaseException, *, what: str) -> _errors.CleanroomNbError:
    """Turn a botocore error into a :class:`CleanroomNbError` that names the cause and the fix.

    Parameters
    ----------
    exc
        The botocore (or awswrangler) exception.
    what
        What was being done, e.g. ``"reading Glue table db.t"``.
    """
    if isinstance(exc, _errors.CleanroomNbError):
        return exc
    if isinstance(
        exc,
        botocore.exceptions.NoCredentialsError
        | botocore.exceptions.PartialCredentialsError
        | botocore.exceptions.NoAuthTokenError,
    ):
        return _errors.CredentialsError(
            f"{what}: no AWS credentials were found ({exc}). Set AWS_PROFILE, run "
            "`aws sso login`, or pass boto3_session=boto3.Session(profile_name=...)."
        )
    if isinstance(exc, botocore.exceptions.NoRegionError):
        return _errors.CredentialsError(
            f"{what}: no AWS region is set. Set AWS_DEFAULT_REGION or pass "
            "boto3_session=boto3.Session(region_name=...)."
        )
    if isinstance(
        exc,
        botocore.exceptions.EndpointConnectionError
        | botocore.exceptions.ConnectTimeoutError
        | botocore.exceptions.ReadTimeoutError
        | botocore.exceptions.ConnectionClosedError,
    ):
        return _errors.EndpointUnreachableError(
            f"{what}: the endpoint could not be reached ({exc}). Check the network, the region "
            "and AWS_ENDPOINT_URL (for the local emulation, is it still running?)."
        )
    if isinstance(exc, botocore.exceptions.ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", ""))
        msg = str(err.get("Message", "")) or str(exc)
        if code in (
            "ExpiredToken",
            "ExpiredTokenException",
            "InvalidClientTokenId",
            "UnrecognizedClientException",
            "InvalidAccessKeyId",
            "SignatureDoesNotMatch",
            "RequestExpired",
        ):
            return _errors.CredentialsError(
                f"{what}: the AWS credentials were refused ({code}: {msg}). Refresh them "
                "(e.g. `aws sso login`) or choose another profile.",
                code=code,
            )
        if code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "403"):
            return _errors.AccessDeniedError(
                f"{what}: access denied ({msg}). Ask for the permission the message names, "
                "or use a role or profile that has it.",
                code=code,
            )
        if code in (
            "EntityNotFoundException",
            "NoSuchEntity",
            "NoSuchBucket",
            "NoSuchKey",
            "ResourceNotFoundException",
            "404",
            "NotFound",
        ):
            return _errors.NotFoundError(f"{what}: not found ({msg}).", code=code)
        if code in ("ThrottlingException", "Throttling", "TooManyRequestsException", "SlowDown"):
            return _errors.ThrottledError(
                f"{what}: AWS kept throttling after retries ({msg}). Wait and try again, or "
                "ask for a higher quota.",
                code=code,
            )
        return _errors.AwsError(f"{what}: {code}: {msg}", code=code or None)
    if isinstance(exc, botocore.exceptions.BotoCoreError):
        return _errors.AwsError(f"{what}: {exc}")
    return _errors.AwsError(f"{what}: {type(exc).__name__}: {exc}")


def wrangler_errors() -> tuple[type[Exception], ...]:
    """Every exception class awswrangler defines (they share no base class), for ``except``.

    Examples
    --------
    >>> import awswrangler as wr
    >>> wr.exceptions.QueryFailed in wrangler_errors()
    True
    """
    import awswrangler as wr

    return tuple(
        v for v in vars(wr.exceptions).values() if isinstance(v, type) and issubclass(v, Exception)
    )


def call_errors() -> tuple[type[Exception], ...]:
    """What a call through boto3 or awswrangler may raise: botocore's and awswrangler's errors.

    Examples
    --------
    >>> botocore.exceptions.ClientError in call_errors()
    True
    """
    return (
        botocore.exceptions.BotoCoreError,
        botocore.exceptions.ClientError,
        *wrangler_errors(),
    )


def split_s3_uri(uri: str) -> tuple[str, str]:
    """Bucket and key prefix of an ``s3://`` (or ``s3a://``/``s3n://``) URI.

    Examples
    --------
    >>> split_s3_uri("s3://bucket/a/b/")
    ('bucket', 'a/b/')
    >>> split_s3_uri("s3a://bucket")
    ('bucket', '')
    """
    for scheme in ("s3://", "s3a://", "s3n://"):
        if uri.startswith(scheme):
            rest = uri[len(scheme) :]
            bucket, _, prefix = rest.partition("/")
            return bucket, prefix
    raise InvalidArgumentError(f"not an S3 URI: {uri!r}; expected s3://bucket/prefix/")
