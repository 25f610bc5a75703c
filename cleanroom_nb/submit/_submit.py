"""Submit a training dataset to Clean Rooms ML, and the small helpers around it.

:func:`create_training_dataset` validates the request first (and refuses one with errors),
then makes exactly one ``CreateTrainingDataset`` call. botocore's standard retry mode retries
only what is safe to retry: throttling (the service refused the call) and connections that were
never made; a call that may have reached the service is never sent again. Every failure becomes
a :class:`~cleanroom_nb.CleanroomNbError` subclass whose message names the cause and the fix.

Examples
--------
>>> import cleanroom_nb as crn
>>> request = crn.build_request(  # doctest: +SKIP
...     name="shoppers", role_arn="arn:aws:iam::123456789012:role/cleanrooms-ml-reader",
...     database="sales", table="events", schema=schema)
>>> arn = crn.create_training_dataset(request, wait=True, if_exists="reuse")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Mapping
from typing import Any, Literal

import boto3
import botocore.exceptions

from cleanroom_nb._errors import (
    AccessDeniedError,
    AwsError,
    CleanroomNbError,
    EndpointUnreachableError,
    RequestInvalidError,
    ServiceValidationError,
    ThrottledError,
    TrainingDatasetExistsError,
    WaitTimeoutError,
)
from cleanroom_nb._findings import format_findings
from cleanroom_nb.aws import _client
from cleanroom_nb.aws._service_role import SERVICE_PRINCIPAL

SERVICE = "cleanroomsml"
ACTIVE = "ACTIVE"

_THROTTLING_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
    }
)
# Exceptions raised before a single byte of the request was sent: retrying them is safe.
_NOT_SENT = (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectTimeoutError)


def _retry_only_when_not_created(
    response: Any = None, caught_exception: BaseException | None = None, **_: Any
) -> bool | None:
    """``needs-retry`` hook for CreateTrainingDataset: veto every retry that could create twice.

    It runs before botocore's standard handler (it is registered on the more specific event):
    returning False stops a retry; returning None lets the standard handler decide (attempt
    count, backoff, retry quota) for throttling and for connections that were never made.
    """
    if caught_exception is not None:
        return None if isinstance(caught_exception, _NOT_SENT) else False
    if response is not None:
        http, parsed = response
        code = (parsed or {}).get("Error", {}).get("Code")
        if code in _THROTTLING_CODES or getattr(http, "status_code", None) == 429:
            return None
    return False


def _ml_client(boto3_session: boto3.Session | None) -> Any:
    client = _client.client(SERVICE, boto3_session)
    client.meta.events.register_first(
        "needs-retry.cleanroomsml.CreateTrainingDataset",
        _retry_only_when_not_created,
        unique_id="cleanroom_nb-create-retries",
    )
    return client


def _strip(response: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _code(exc: botocore.exceptions.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _message(exc: botocore.exceptions.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Message", "")) or str(exc)


# ------------------------------------------------------------------- notebook views


def _cell(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.isoformat(timespec="seconds")
    return html.escape("" if value is None else str(value))


class TrainingDatasetInfo(dict[str, Any]):
    """The description of one training dataset (a plain ``dict``) with a notebook view.

    Examples
    --------
    >>> info = TrainingDatasetInfo({"name": "shoppers", "status": "ACTIVE"})
    >>> info["status"], "shoppers" in info._repr_html_()
    ('ACTIVE', True)
    """

    def _repr_html_(self) -> str:
        rows = [
            (k, self.get(k))
            for k in (
                "name",
                "status",
                "trainingDatasetArn",
                "roleArn",
                "description",
                "createTime",
                "updateTime",
            )
            if self.get(k) is not None
        ]
        data = (self.get("trainingData") or [{}])[0]
        config = data.get("inputConfig") or {}
        glue = (config.get("dataSource") or {}).get("glueDataSource") or {}
        if glue:
            rows.append(("Glue table", f"{glue.get('databaseName')}.{glue.get('tableName')}"))
        columns = ", ".join(
            f"{c.get('columnName')} ({'/'.join(c.get('columnTypes') or [])})"
            for c in config.get("schema") or []
        )
        if columns:
            rows.append(("columns", columns))
        if self.get("tags"):
            rows.append(("tags", ", ".join(f"{k}={v}" for k, v in self["tags"].items())))
        body = "".join(
            f"<tr><th style='text-align:left'>{_cell(k)}</th>"
            f"<td style='text-align:left'>{_cell(v)}</td></tr>"
            for k, v in rows
        )
        return f"<table>{body}</table>"


class TrainingDatasetList(list[dict[str, Any]]):
    """Training datasets as listed (a plain ``list`` of dicts) with a notebook view.

    Examples
    --------
    >>> TrainingDatasetList([])._repr_html_()
    '<p>no training datasets</p>'
    """

    def _repr_html_(self) -> str:
        if not self:
            return "<p>no training datasets</p>"
        keys = ("name", "status", "createTime", "trainingDatasetArn")
        head = "".join(f"<th>{k}</th>" for k in keys)
        body = "".join(
            "<tr>"
            + "".join(f"<td style='text-align:left'>{_cell(d.get(k))}</td>" for k in keys)
            + "</tr>"
            for d in self
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# ----------------------------------------------------------------------------- helpers


def get_training_dataset(arn: str, *, boto3_session: boto3.Session | None = None) -> dict[str, Any]:
    """Describe a training dataset (GetTrainingDataset), without the response metadata.

    Raises
    ------
    NotFoundError
        When no training dataset has this ARN.

    Examples
    --------
    >>> get_training_dataset(arn)["status"]  # doctest: +SKIP
    'ACTIVE'
    """
    try:
        response = _ml_client(boto3_session).get_training_dataset(trainingDatasetArn=arn)
        return TrainingDatasetInfo(_strip(response))
    except Exception as exc:
        raise _client.translate(exc, what=f"reading training dataset {arn}") from exc


def list_training_datasets(*, boto3_session: boto3.Session | None = None) -> list[dict[str, Any]]:
    """Every training dataset of the account and region (all pages), oldest first as listed.

    Each item has ``trainingDatasetArn``, ``name``, ``status``, ``createTime``, ``updateTime``
    and, when set, ``description``.

    Examples
    --------
    >>> [d["name"] for d in list_training_datasets()]  # doctest: +SKIP
    ['shoppers']
    """
    try:
        pages = _ml_client(boto3_session).get_paginator("list_training_datasets").paginate()
        return TrainingDatasetList(
            dict(d) for page in pages for d in page.get("trainingDatasets", [])
        )
    except Exception as exc:
        raise _client.translate(exc, what="listing Clean Rooms ML training datasets") from exc


def delete_training_dataset(arn: str, *, boto3_session: boto3.Session | None = None) -> None:
    """Delete a training dataset (DeleteTrainingDataset).

    Raises
    ------
    NotFoundError
        When no training dataset has this ARN.

    Examples
    --------
    >>> delete_training_dataset(arn)  # doctest: +SKIP
    """
    try:
        _ml_client(boto3_session).delete_training_dataset(trainingDatasetArn=arn)
    except Exception as exc:
        raise _client.translate(exc, what=f"deleting training dataset {arn}") from exc


def find_training_dataset(
    name: str, *, boto3_session: boto3.Session | None = None
) -> dict[str, Any] | None:
    """The full description of the training dataset called ``name``, or None when there is none.

    Examples
    --------
    >>> find_training_dataset("no such dataset") is None  # doctest: +SKIP
    True
    """
    for item in list_training_datasets(boto3_session=boto3_session):
        if item.get("name") == name:
            return get_training_dataset(item["trainingDatasetArn"], boto3_session=boto3_session)
    return None


# ------------------------------------------------------------------- definitions compared


def _normal_definition(d: Mapping[str, Any]) -> dict[str, Any]:
    """What makes two training datasets the same: role, data (columns in any order), text, tags."""
    data = []
    for item in d.get("trainingData") or []:
        item = dict(item)
        config = dict(item.get("inputConfig") or {})
        schema = config.get("schema") or []
        config["schema"] = sorted(
            (
                {"columnName": c.get("columnName"), "columnTypes": list(c.get("columnTypes") or [])}
                for c in schema
            ),
            key=lambda c: str(c["columnName"]),
        )
        item["inputConfig"] = config
        data.append(item)
    return {
        "roleArn": d.get("roleArn"),
        "trainingData": data,
        "description": d.get("description") or None,
        "tags": dict(d.get("tags") or {}),
    }


def definition_differences(existing: Mapping[str, Any], request: Mapping[str, Any]) -> list[str]:
    """How the definition of ``request`` differs from an existing dataset's (empty: the same).

    Compared: ``roleArn``, ``trainingData`` (type, Glue source, columns and their types, in
    any column order), ``description`` and ``tags``.

    Examples
    --------
    >>> definition_differences({"roleArn": "a", "tags": {"x": "1"}},
    ...                        {"roleArn": "b", "tags": {"x": "1"}})
    ["roleArn: the existing dataset has 'a', this request has 'b'"]
    """
    a, b = _normal_definition(existing), _normal_definition(request)
    out = []
    for key in ("roleArn", "description", "tags"):
        if a[key] != b[key]:
            out.append(
                f"{key}: the existing dataset has {_shown(a[key])}, "
                f"this request has {_shown(b[key])}"
            )
    if a["trainingData"] != b["trainingData"]:
        out.extend(_data_differences(a["trainingData"], b["trainingData"]))
    return out


def _shown(value: Any) -> str:
    return "none" if value in (None, {}) else repr(value)


def _data_differences(a: list[Any], b: list[Any]) -> list[str]:
    if len(a) != 1 or len(b) != 1:
        return [f"trainingData: the existing dataset has {a!r}, this request has {b!r}"]
    out = []
    ia, ib = a[0], b[0]
    if ia.get("type") != ib.get("type"):
        out.append(f"trainingData type: existing {ia.get('type')!r}, request {ib.get('type')!r}")
    sa = ia["inputConfig"].get("dataSource")
    sb = ib["inputConfig"].get("dataSource")
    if sa != sb:
        out.append(f"data source: existing {sa!r}, request {sb!r}")
    ca = {c["columnName"]: c["columnTypes"] for c in ia["inputConfig"]["schema"]}
    cb = {c["columnName"]: c["columnTypes"] for c in ib["inputConfig"]["schema"]}
    if ca != cb:
        only_a = sorted(set(ca) - set(cb))
        only_b = sorted(set(cb) - set(ca))
        changed = sorted(k for k in set(ca) & set(cb) if ca[k] != cb[k])
        parts = []
        if only_a:
            parts.append(f"columns only in the existing dataset: {', '.join(only_a)}")
        if only_b:
            parts.append(f"columns only in this request: {', '.join(only_b)}")
        parts.extend(f"column {k}: existing {ca[k]}, request {cb[k]}" for k in changed)
        out.append("schema: " + "; ".join(parts))
    return out


# ------------------------------------------------------------------------------- create


def create_training_dataset(
    request: Mapping[str, Any],
    *,
    wait: bool = False,
    if_exists: Literal["error", "reuse"] = "error",
    timeout: float = 600.0,
    poll_interval: float = 2.0,
    boto3_session: boto3.Session | None = None,
) -> str:
    """Validate ``request``, create the training dataset, and return its ARN.

    The request is checked with :func:`cleanroom_nb.validate_request` first (including the Glue
    table and the caller's account); if any finding is an error nothing is sent. Then exactly one
    ``CreateTrainingDataset`` call is made: botocore's standard retry mode retries it only when
    it was throttled or could not connect, never when it may have reached the service.

    Parameters
    ----------
    request
        The keyword arguments of ``create_training_dataset`` (from
        :func:`cleanroom_nb.build_request`).
    wait
        Poll ``GetTrainingDataset`` until the dataset is ``ACTIVE``.
    if_exists
        ``"error"`` (default) raises :class:`~cleanroom_nb.TrainingDatasetExistsError` when the
        name is taken; ``"reuse"`` returns the existing dataset's ARN when its definition (role,
        training data, description, tags) equals this one, and raises, listing the differences,
        when it does not. Handy when a notebook cell is run again.
    timeout, poll_interval
        Seconds to wait in all, and between polls, when ``wait=True``.
    boto3_session
        The session to use (default: boto3's default session).

    Returns
    -------
    str
        The training dataset's ARN.

    Raises
    ------
    RequestInvalidError
        The request has errors (``.findings`` holds them all); nothing was sent.
    TrainingDatasetExistsError
        The name is taken (``.existing_arn``, ``.same_definition``).
    ServiceValidationError
        The service rejected the request; the message is the service's.
    AccessDeniedError
        The caller may not create it or pass the role (iam:PassRole, trust, same account).
    ThrottledError
        Still throttled after botocore's retries.
    CredentialsError, EndpointUnreachableError
        No, expired or refused credentials; the endpoint cannot be reached.
    WaitTimeoutError
        ``wait=True`` and the dataset did not become ACTIVE within ``timeout``.

    Examples
    --------
    >>> with local_aws():  # doctest: +SKIP
    ...     arn = create_training_dataset(request, wait=True)
    """
    if if_exists not in ("error", "reuse"):
        raise ValueError(f"if_exists must be 'error' or 'reuse', not {if_exists!r}")
    from cleanroom_nb.request._request import validate_request

    session = _client.session(boto3_session)
    account = _caller_account(session)
    findings = validate_request(request, boto3_session=session)
    if findings.errors:
        raise RequestInvalidError(
            f"the request was not sent: it has {len(findings.errors)} error(s). Fix them and "
            f"run again (cleanroom_nb.validate_request shows every finding):\n"
            f"{format_findings(findings.errors)}",
            findings,
        )
    name = str(request.get("name"))
    client = _ml_client(session)
    try:
        arn = str(client.create_training_dataset(**dict(request))["trainingDatasetArn"])
    except botocore.exceptions.ClientError as exc:
        code = _code(exc)
        if code == "ConflictException":
            arn = _on_conflict(exc, request, if_exists, session)
        else:
            raise _create_error(exc, request, account) from exc
    except (botocore.exceptions.ReadTimeoutError, botocore.exceptions.ConnectionClosedError) as exc:
        raise EndpointUnreachableError(
            f"creating training dataset {name!r}: the connection failed after the request was "
            f"sent ({exc}), so it may or may not have been created. It was not sent again. "
            f"Check with cleanroom_nb.find_training_dataset({name!r}) before running again, "
            "or run again with if_exists='reuse'."
        ) from exc
    except Exception as exc:
        raise _client.translate(exc, what=f"creating training dataset {name!r}") from exc
    if wait:
        wait_until_active(arn, timeout=timeout, poll_interval=poll_interval, boto3_session=session)
    return arn


def _caller_account(session: boto3.Session) -> str:
    """Ask STS who calls: turns missing or expired credentials and a dead endpoint into errors."""
    return _client.caller_account(what="checking the AWS credentials (STS)", boto3_session=session)


def _on_conflict(
    exc: botocore.exceptions.ClientError,
    request: Mapping[str, Any],
    if_exists: str,
    session: boto3.Session,
) -> str:
    name = str(request.get("name"))
    try:
        existing = find_training_dataset(name, boto3_session=session)
    except CleanroomNbError as lookup:
        raise TrainingDatasetExistsError(
            f"a training dataset named {name!r} already exists ({_message(exc)}), and it could "
            f"not be looked up to compare it ({lookup}). Choose another name, or delete the "
            "existing one.",
        ) from exc
    if existing is None:
        raise TrainingDatasetExistsError(
            f"a training dataset named {name!r} already exists ({_message(exc)}), but it is not "
            "listed in this account and region (it may be in the middle of being deleted). Wait "
            "and try again, or choose another name.",
        ) from exc
    arn = str(existing["trainingDatasetArn"])
    differences = definition_differences(existing, request)
    if not differences and if_exists == "reuse":
        return arn
    if differences:
        detail = "its definition differs from this request:\n" + "\n".join(
            f"  - {d}" for d in differences
        )
        fix = (
            "Choose another name, or delete the existing one with "
            f"cleanroom_nb.delete_training_dataset({arn!r}) and create it again."
        )
    else:
        detail = "its definition equals this request."
        fix = (
            "Use the existing ARN, or pass if_exists='reuse' to get it back instead of this "
            "error (a notebook cell that runs again then does no harm)."
        )
    raise TrainingDatasetExistsError(
        f"a training dataset named {name!r} already exists: {arn}; {detail}\n{fix}",
        existing_arn=arn,
        same_definition=not differences,
    ) from exc


def _create_error(
    exc: botocore.exceptions.ClientError, request: Mapping[str, Any], account: str
) -> CleanroomNbError:
    code, msg = _code(exc), _message(exc)
    name = request.get("name")
    role = str(request.get("roleArn", ""))
    if code == "ValidationException":
        return ServiceValidationError(
            f"Clean Rooms ML rejected training dataset {name!r}: {msg}. Fix the field the "
            "service names and submit again.",
            code=code,
        )
    if code == "AccessDeniedException":
        parts = role.split(":")
        role_account = parts[4] if len(parts) > 5 else "?"
        role_name = role.split("role/", 1)[-1].rsplit("/", 1)[-1] if "role/" in role else role
        reasons = [
            f"your identity has iam:PassRole on {role} (and cleanrooms-ml:CreateTrainingDataset)."
            " The managed policy AWSCleanRoomsMLFullAccess only allows passing roles whose name "
            f"starts with 'cleanrooms-ml'"
            + (
                f"; this role is named {role_name!r}"
                if not role_name.startswith("cleanrooms-ml")
                else ""
            )
            + ".",
            f"the role's trust policy lets the service principal {SERVICE_PRINCIPAL} perform "
            "sts:AssumeRole (not cleanrooms.amazonaws.com, the AWS Clean Rooms principal); "
            "cleanroom_nb.trust_policy() gives "
            "it and cleanroom_nb.check_role(role_arn) checks it.",
            f"the role is in the caller's account {account}"
            + (f"; it is in account {role_account}" if role_account != account else "")
            + ". Create one there with cleanroom_nb.create_role(...).",
        ]
        return AccessDeniedError(
            f"access denied creating training dataset {name!r}: {msg}\nCheck that:\n"
            + "\n".join(f"  - {r}" for r in reasons),
            code=code,
        )
    if code in _THROTTLING_CODES:
        attempts = exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
        return ThrottledError(
            f"creating training dataset {name!r}: Clean Rooms ML kept throttling the request "
            f"({msg}) through {attempts} retries; it was not created. Wait a minute and run "
            "again, or ask for a higher request quota.",
            code=code,
        )
    return _client.translate(exc, what=f"creating training dataset {name!r}")


def wait_until_active(
    arn: str,
    *,
    timeout: float = 600.0,
    poll_interval: float = 2.0,
    boto3_session: boto3.Session | None = None,
) -> dict[str, Any]:
    """Poll ``GetTrainingDataset`` until the dataset is ACTIVE; return its description.

    Raises
    ------
    WaitTimeoutError
        When it is not ACTIVE within ``timeout`` seconds.
    AwsError
        When the dataset reports a failed status.

    Examples
    --------
    >>> wait_until_active(arn, timeout=60)["status"]  # doctest: +SKIP
    'ACTIVE'
    """
    deadline = time.monotonic() + timeout
    status = "unknown"
    while True:
        described = get_training_dataset(arn, boto3_session=boto3_session)
        status = str(described.get("status"))
        if status == ACTIVE:
            return described
        if "FAIL" in status.upper():
            raise AwsError(
                f"training dataset {arn} reports status {status}; look at it in the Clean Rooms "
                "console, fix its data or role, delete it and create it again."
            )
        left = deadline - time.monotonic()
        if left <= 0:
            raise WaitTimeoutError(
                f"training dataset {arn} was still {status} after {timeout:g} s. It was created; "
                "wait longer with cleanroom_nb.get_training_dataset(arn) (or a larger timeout), "
                "and do not create it again."
            )
        time.sleep(min(poll_interval, left))
