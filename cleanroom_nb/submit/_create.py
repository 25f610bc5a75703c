"""create_training_dataset: validate the request, send it once, and deal with a name taken.

:func:`create_training_dataset` validates the request first (and refuses one with errors),
then sends ``CreateTrainingDataset`` through :func:`~cleanroom_nb.submit._once.call_once`:
one request, sent again only when it provably did not reach the service, or when a look-up by
name shows that a request which may have reached it did not create the dataset. Every failure becomes a :class:`~cleanroom_nb.CleanroomNbError` subclass whose message
names the cause and the fix. On a name already taken, ``if_exists="reuse"`` returns the existing
dataset when its create-only definition equals the request, bringing its tags up to date (tags
are the only updatable property: CloudFormation ``AWS::CleanRoomsML::TrainingDataset``).

Examples
--------
>>> import cleanroom_nb as crn
>>> request = crn.build_request(  # doctest: +SKIP
...     name="shoppers", role_arn="arn:aws:iam::123456789012:role/cleanrooms-ml-reader",
...     database="sales", table="events", schema=schema)
>>> arn = crn.create_training_dataset(request, wait=True, if_exists="reuse")  # doctest: +SKIP
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, Literal

import boto3
import botocore.exceptions

from cleanroom_nb._errors import (
    AccessDeniedError,
    CleanroomNbError,
    InvalidArgumentError,
    RequestInvalidError,
    ServiceValidationError,
    TrainingDatasetExistsError,
)
from cleanroom_nb._findings import Findings, format_findings
from cleanroom_nb.aws import _client
from cleanroom_nb.aws._service_role import CREATE_TIME_CHECKS, pass_role_note
from cleanroom_nb.request._validate import validate_request
from cleanroom_nb.submit._compare import TagChanges, create_only_differences, tag_changes
from cleanroom_nb.submit._describe import find_training_dataset
from cleanroom_nb.submit._ml_client import error_code, error_message
from cleanroom_nb.submit._once import call_once
from cleanroom_nb.submit._tags import apply_tag_changes
from cleanroom_nb.submit._wait import wait_until_active


class TagsUpdatedWarning(UserWarning):
    """``if_exists="reuse"`` found the dataset and changed its tags to the request's."""


def create_training_dataset(
    request: Mapping[str, Any],
    *,
    wait: bool = False,
    if_exists: Literal["error", "reuse"] = "error",
    timeout: float = 600.0,
    poll_interval: float = 2.0,
    progress: bool = True,
    boto3_session: boto3.Session | None = None,
) -> str:
    """Validate ``request``, create the training dataset, and return its ARN.

    The request's own checks run first, with no network call (the service model's constraints,
    the Clean Rooms ML rules, the region); then :func:`cleanroom_nb.validate_request` with the
    session (the Glue table, the caller's account, the role, the data's KMS key). If any finding
    is an error nothing is sent. Then one ``CreateTrainingDataset`` request goes out. It is sent
    again only when it provably did not reach the service (no connection, or throttled, after a
    backoff), or when it may have (a read timeout, a dropped connection, a 5xx) and a look-up by
    name shows no such dataset; it is never sent twice blindly, on any botocore this package
    accepts.

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
    progress
        While waiting, show the dataset's status (after a second); False: show nothing.
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
        Still throttled after every attempt; nothing was created.
    CredentialsError, EndpointUnreachableError
        No, expired or refused credentials; the endpoint cannot be reached.
    OutcomeUnknownError
        The request may have reached the service and the look-up by name failed; it was not
        sent again (the message says how to check).
    WaitTimeoutError
        ``wait=True`` and the dataset did not become ACTIVE within ``timeout``.

    Examples
    --------
    >>> with local_aws():  # doctest: +SKIP
    ...     arn = create_training_dataset(request, wait=True)
    """
    if if_exists not in ("error", "reuse"):
        raise InvalidArgumentError(f"if_exists must be 'error' or 'reuse', not {if_exists!r}")
    # Local checks first: a malformed request is refused before any network call.
    _refuse_errors(validate_request(request), local=True)
    session = _client.session(boto3_session)
    account = _caller_account(session)
    _refuse_errors(validate_request(request, boto3_session=session))
    name = str(request.get("name"))
    what = f"creating training dataset {name!r}"
    try:
        created = call_once(
            "create_training_dataset",
            request,
            happened=lambda: _created_by_this_request(request, session),
            what=what,
            advice=(
                f"Check with cleanroom_nb.find_training_dataset({name!r}) before running again, "
                "or run again with if_exists='reuse'."
            ),
            boto3_session=session,
        )
        arn = str(created["trainingDatasetArn"])
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) == "ConflictException":
            arn = _on_conflict(exc, request, if_exists, session)
        else:
            raise _create_error(exc, request, account) from exc
    except CleanroomNbError:
        raise
    except Exception as exc:
        raise _client.translate(exc, what=what) from exc
    if wait:
        wait_until_active(
            arn,
            timeout=timeout,
            poll_interval=poll_interval,
            progress=progress,
            boto3_session=session,
        )
    return arn


def _refuse_errors(findings: Findings, *, local: bool = False) -> None:
    if not findings.errors:
        return
    then = (
        "These are the request's own checks; nothing was sent and AWS was not called, so the "
        "checks against AWS (Glue table, role, KMS key) have not run yet: "
        "cleanroom_nb.validate_request(request, boto3_session=...) runs them too."
        if local
        else "cleanroom_nb.validate_request shows every finding."
    )
    raise RequestInvalidError(
        f"the request was not sent: it has {len(findings.errors)} error(s). Fix them and run "
        f"again. {then}\n{format_findings(findings.errors)}",
        findings,
    )


def _created_by_this_request(
    request: Mapping[str, Any], session: boto3.Session
) -> dict[str, Any] | None:
    """The ``happened`` check of :func:`call_once`: a dataset with this name and definition."""
    existing = find_training_dataset(str(request.get("name")), boto3_session=session)
    if existing is None:
        return None
    if create_only_differences(existing, request) or tag_changes(
        existing.get("tags"), request.get("tags")
    ):
        return None  # someone else's dataset of that name: the resend's conflict will say so
    return {"trainingDatasetArn": existing["trainingDatasetArn"]}


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
            f"a training dataset named {name!r} already exists ({error_message(exc)}), and it could "
            f"not be looked up to compare it ({lookup}). Choose another name, or delete the "
            "existing one.",
        ) from exc
    if existing is None:
        raise TrainingDatasetExistsError(
            f"a training dataset named {name!r} already exists ({error_message(exc)}), but it is not "
            "listed in this account and region (it may be in the middle of being deleted). Wait "
            "and try again, or choose another name.",
        ) from exc
    arn = str(existing["trainingDatasetArn"])
    differences = create_only_differences(existing, request)
    tags = tag_changes(existing.get("tags"), request.get("tags"))
    if not differences and if_exists == "reuse":
        if tags:
            _update_tags(arn, tags, session)
            warnings.warn(
                f"training dataset {name!r} already exists with this definition ({arn}); its "
                f"tags were brought up to date: {tags}",
                TagsUpdatedWarning,
                stacklevel=3,
            )
        return arn
    if differences:
        detail = "its definition differs from this request:\n" + "\n".join(
            f"  - {d}" for d in differences
        )
        if tags:
            detail += f"\n  - tags: {tags}"
        fix = (
            "Only tags can change on an existing dataset (name, description, role and data are "
            "create-only). Choose another name, or delete the existing one with "
            f"cleanroom_nb.delete_training_dataset({arn!r}) and create it again."
        )
    elif tags:
        detail = f"its definition equals this request except for its tags ({tags})."
        fix = (
            "Tags can be updated in place: pass if_exists='reuse' to keep the dataset and bring "
            "its tags up to date, or use cleanroom_nb.tag_training_dataset / "
            "untag_training_dataset."
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
        same_definition=not differences and not tags,
    ) from exc


def _update_tags(arn: str, changes: TagChanges, session: boto3.Session) -> None:
    apply_tag_changes(arn, changes, boto3_session=session)


def _create_error(
    exc: botocore.exceptions.ClientError, request: Mapping[str, Any], account: str
) -> CleanroomNbError:
    code, msg = error_code(exc), error_message(exc)
    name = request.get("name")
    if code == "ValidationException":
        return ServiceValidationError(
            f"Clean Rooms ML rejected training dataset {name!r}: {msg}. Fix the field the "
            "service names and submit again.",
            code=code,
        )
    if code == "AccessDeniedException":
        return AccessDeniedError(
            f"access denied creating training dataset {name!r}: {msg}\nWhen it creates a "
            "training dataset, AWS checks only these (the trust policy and the data are read "
            "later, when an audience model trains):\n"
            + "\n".join(f"  - {r}" for r in _access_denied_reasons(request, account)),
            code=code,
        )
    return _client.translate(exc, what=f"creating training dataset {name!r}")


def _access_denied_reasons(request: Mapping[str, Any], account: str) -> list[str]:
    """What AWS checks when it creates a training dataset, and only that (CREATE_TIME_CHECKS).

    The trust policy and the data are used only when an audience model trains; they cannot
    cause an AccessDeniedException here (validate_request checked them before sending).
    """
    role = str(request.get("roleArn", ""))
    parts = role.split(":")
    role_account = parts[4] if len(parts) > 5 else "?"
    caller, pass_role, same_account = CREATE_TIME_CHECKS
    if request.get("tags"):
        caller += " (this request has tags)"
    note = pass_role_note(role)
    return [
        f"{caller}.",
        f"{pass_role}: here {role}" + (f"; {note}" if note else "") + ".",
        f"{same_account}: you call from account {account}"
        + (f", the role is in account {role_account}" if role_account != account else "")
        + ". Create one there with cleanroom_nb.create_role(...).",
    ]
