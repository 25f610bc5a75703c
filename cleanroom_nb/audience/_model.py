"""create_audience_model and delete_audience_model: train a lookalike model on a training dataset.

:func:`create_audience_model` checks the request against botocore's model (CreateAudienceModel)
and the tag rules, looks for a model of that name, checks the training window against the data
(:func:`cleanroom_nb.check_training_window`), then sends ONE CreateAudienceModel through the
seam (:mod:`._send`) and, with ``wait=True``, shows each status until ACTIVE.

Deleting goes from the top down: configured audience model → audience model → training dataset.
DeleteAudienceModel documents "You can't delete an audience model if there are any configured
audience models that depend on the audience model"; the refusal (ConflictException) becomes
:class:`~cleanroom_nb.AudienceModelInUseError`, naming them.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping
from typing import Any, Literal

import boto3
import botocore.exceptions
import pandas as pd

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._errors import (
    AudienceModelExistsError,
    AudienceModelInUseError,
    AudienceModelInvalidError,
    CleanroomNbError,
    InvalidArgumentError,
)
from cleanroom_nb._findings import Finding, Findings, format_findings
from cleanroom_nb.audience._describe import (
    get_audience_model,
    list_audience_models,
    list_configured_audience_models,
    named,
)
from cleanroom_nb.audience._kms import kms_key_findings
from cleanroom_nb.audience._send import send
from cleanroom_nb.audience._tags import update_tags
from cleanroom_nb.audience._translate import call_error
from cleanroom_nb.audience._wait import wait_for_audience_model
from cleanroom_nb.audience._window import END_PATH, START_PATH, check_training_window
from cleanroom_nb.aws import _client
from cleanroom_nb.readiness._report import ReadinessReport
from cleanroom_nb.readiness._window import epoch_seconds
from cleanroom_nb.request._model_checks import model_findings
from cleanroom_nb.request._rules import tag_rules
from cleanroom_nb.submit._create import TagsUpdatedWarning
from cleanroom_nb.submit._ml_client import error_code

OPERATION = "CreateAudienceModel"
CREATE_ONLY = ("trainingDatasetArn", START_PATH, END_PATH, "kmsKeyArn", "description")
"""What cannot change on an audience model (there is no UpdateAudienceModel); tags can."""


def create_audience_model(
    training_dataset_arn: str,
    name: str,
    *,
    training_data_start_time: Any = None,
    training_data_end_time: Any = None,
    kms_key_arn: str | None = None,
    description: str | None = None,
    tags: Mapping[str, str] | None = None,
    wait: bool = False,
    timeout: float = 3600.0,
    if_exists: Literal["error", "reuse"] = "error",
    df: pd.DataFrame | None = None,
    check_data: bool = True,
    workgroup: str = "primary",
    s3_output: str | None = None,
    poll_interval: float | None = None,
    progress: bool = True,
    boto3_session: boto3.Session | None = None,
) -> str:
    """Train an audience model (lookalike model) on a training dataset; return its ARN.

    Parameters
    ----------
    training_dataset_arn
        The training dataset to train on.
    name
        The model's name (1-63 characters). A model of that name is looked for first (the
        documents do not make names unique, so re-running a cell would otherwise train twice).
    training_data_start_time, training_data_end_time
        The training window: ``datetime``, ``date``, ISO 8601 string or epoch seconds (naive
        times are UTC). Missing ends default to the data's span (first event; one second after
        the last), so the model records the window it trained on.
    kms_key_arn
        A KMS key to encrypt the model and its data with (checked: region, state).
    description, tags
        Optional; tags are the one thing that changes on an existing model.
    wait, timeout, poll_interval, progress
        Wait until ACTIVE, showing each status change (:func:`wait_for_audience_model`).
    if_exists
        ``"error"`` (default) raises :class:`~cleanroom_nb.AudienceModelExistsError` when a model
        of that name exists; ``"reuse"`` returns it when its definition (dataset, window, key,
        description) equals this one, bringing its tags up to date, and raises listing the
        differences when it does not.
    df
        Check the window on this DataFrame (the training dataset's rows) in-process, instead
        of ONE Athena query on the training dataset's Glue table.
    check_data
        False skips the window check (and its defaults): nothing reads the data.
    workgroup, s3_output
        For the Athena query.
    boto3_session
        The session (default: boto3's).

    Returns
    -------
    str
        The audience model's ARN.

    Raises
    ------
    RequestInvalidError
        Something would fail (``.findings``; ``.report`` has the window's figures): a field
        the model refuses, a window outside the data or holding too few interactions, a key
        that cannot be used. Nothing was sent.
    AudienceModelExistsError
        The name is taken (``.existing_arn``, ``.same_definition``).
    TrainingFailedError
        ``wait=True`` and the training failed (``.status_details``).
    AccessDeniedError, NotFoundError, ServiceValidationError, WaitTimeoutError, AwsError
        As their messages say, with the fix.

    Examples
    --------
    >>> arn = create_audience_model(dataset_arn, "lookalike-2024-q1",
    ...                             training_data_start_time="2024-01-01", wait=True)  # doctest: +SKIP
    """
    if if_exists not in ("error", "reuse"):
        raise InvalidArgumentError(f"if_exists must be 'error' or 'reuse', not {if_exists!r}")
    session = _client.session(boto3_session)
    request: dict[str, Any] = {"name": name, "trainingDatasetArn": training_dataset_arn}
    for key, value in (("kmsKeyArn", kms_key_arn), ("description", description)):
        if value is not None:
            request[key] = value
    if tags:
        request["tags"] = dict(tags)
    findings = Findings([*model_findings(request, OPERATION), *tag_rules(request)])
    findings.extend(_time_findings(training_data_start_time, training_data_end_time))
    _refuse(findings, name)
    existing = named(list(list_audience_models(boto3_session=session)), name)
    if existing and if_exists == "error":
        raise _exists(name, existing, same=None)
    report = None
    if check_data:
        report = check_training_window(
            training_dataset_arn,
            training_data_start_time,
            training_data_end_time,
            df=df,
            workgroup=workgroup,
            s3_output=s3_output,
            progress=progress,
            boto3_session=session,
        )
        findings.extend(report.findings)
        if report.window is not None:
            request[START_PATH] = report.window.start_time
            request[END_PATH] = report.window.end_time
    else:
        for key, value in (
            (START_PATH, training_data_start_time),
            (END_PATH, training_data_end_time),
        ):
            if value is not None:
                request[key] = dt.datetime.fromtimestamp(epoch_seconds(value), dt.UTC)
    if kms_key_arn:
        findings.extend(kms_key_findings(kms_key_arn, boto3_session=session))
    _refuse(findings, name, report)
    arn = _reuse(existing[-1], request, session) if existing else _create(request, session)
    if wait:
        wait_for_audience_model(
            arn, timeout=timeout, poll_interval=poll_interval, progress=progress,
            boto3_session=session,
        )  # fmt: skip
    return arn


def _time_findings(start: Any, end: Any) -> list[Finding]:
    out = []
    for path, value in ((START_PATH, start), (END_PATH, end)):
        if value is None:
            continue
        try:
            epoch_seconds(value, what=path)
        except ValueError as exc:
            out.append(_rulebook.bad_time(str(exc), path=path))
    return out


def _refuse(findings: Findings, name: str, report: ReadinessReport | None = None) -> None:
    if findings.errors:
        raise AudienceModelInvalidError(
            f"audience model {name!r} was not created: {len(findings.errors)} error(s). Fix them "
            f"and run again:\n{format_findings(findings.errors)}",
            Findings(dict.fromkeys(findings)),
            report,
        )


def _exists(name: str, existing: list[dict[str, Any]], *, same: bool | None) -> CleanroomNbError:
    arn = str(existing[-1]["audienceModelArn"])
    more = f" ({len(existing)} models have this name)" if len(existing) > 1 else ""
    return AudienceModelExistsError(
        f"an audience model named {name!r} already exists{more}: {arn} "
        f"({existing[-1].get('status')}). Use it (cleanroom_nb.get_audience_model), pass "
        "if_exists='reuse' to get it back when its definition is the same (a notebook cell that "
        "runs again then trains nothing), choose another name, or delete it "
        "(cleanroom_nb.delete_audience_model) and create it again.",
        existing_arn=arn,
        same_definition=same,
    )


def differences(existing: Mapping[str, Any], request: Mapping[str, Any]) -> list[str]:
    """How the create-only part of ``request`` differs from an existing model ([]: the same).

    Times are compared as instants; a window the request leaves out is not compared.

    Examples
    --------
    >>> differences({"trainingDatasetArn": "a", "description": "x"},
    ...             {"trainingDatasetArn": "a", "description": "y"})
    ["description: the existing model has 'x', this request has 'y'"]
    """
    out = []
    for key in CREATE_ONLY:
        if key in (START_PATH, END_PATH):
            if key not in request:
                continue
            a, b = _instant(existing.get(key)), _instant(request.get(key))
        else:
            a, b = existing.get(key) or None, request.get(key) or None
        if a != b:
            shown_a = existing.get(key) if a is not None else None
            out.append(
                f"{key}: the existing model has {shown_a!r}, this request has {request.get(key)!r}"
            )
    return out


def _instant(value: Any) -> float | None:
    return None if value is None else round(epoch_seconds(value), 3)


def _reuse(summary: Mapping[str, Any], request: Mapping[str, Any], session: boto3.Session) -> str:
    arn = str(summary["audienceModelArn"])
    existing = get_audience_model(arn, boto3_session=session)
    found = differences(existing, request)
    if found:
        raise AudienceModelExistsError(
            f"an audience model named {request['name']!r} already exists ({arn}) and its "
            "definition differs from this request:\n"
            + "\n".join(f"  - {d}" for d in found)
            + "\nAn audience model cannot change (only its tags): choose another name, or delete "
            "it (cleanroom_nb.delete_audience_model, after its configured audience models) and "
            "create it again.",
            existing_arn=arn,
            same_definition=False,
        )
    changes = update_tags(arn, existing.get("tags"), request.get("tags"), boto3_session=session)
    if changes:
        warnings.warn(
            f"audience model {request['name']!r} already exists with this definition ({arn}); "
            f"its tags were brought up to date: {changes}",
            TagsUpdatedWarning,
            stacklevel=3,
        )
    return arn


def _create(request: Mapping[str, Any], session: boto3.Session) -> str:
    name = request["name"]
    what = f"creating audience model {name!r}"
    actions = ["cleanrooms-ml:CreateAudienceModel"]
    if request.get("tags"):
        actions.append("cleanrooms-ml:TagResource (the request has tags)")
    try:
        answer = send(OPERATION, request, what=what, boto3_session=session)
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) == "ConflictException":
            existing = named(list(list_audience_models(boto3_session=session)), str(name))
            if existing:
                raise _exists(str(name), existing, same=None) from exc
        raise call_error(
            exc,
            what=what,
            actions=actions,
            not_found=(
                f"The training dataset {request['trainingDatasetArn']} does not exist in this "
                "account and region (cleanroom_nb.list_training_datasets)."
            ),
            quota="Delete audience models you no longer use (cleanroom_nb.delete_audience_model). ",
        ) from exc
    except Exception as exc:
        raise call_error(exc, what=what, actions=actions) from exc
    return str(answer["audienceModelArn"])


def configured_models_of(
    audience_model_arn: str, *, boto3_session: boto3.Session | None = None
) -> list[dict[str, Any]]:
    """The configured audience models (list summaries) that use an audience model.

    Examples
    --------
    >>> [m["name"] for m in configured_models_of(arn)]  # doctest: +SKIP
    ['shared-with-partner']
    """
    return [
        m
        for m in list_configured_audience_models(boto3_session=boto3_session)
        if m.get("audienceModelArn") == audience_model_arn
    ]


def delete_audience_model(arn: str, *, boto3_session: boto3.Session | None = None) -> None:
    """Delete an audience model (DeleteAudienceModel).

    Delete in this order: configured audience models → audience model → training dataset; each
    is refused while the one above it still uses it.

    Raises
    ------
    AudienceModelInUseError
        Configured audience models use it (``.configured_audience_models``): delete them first
        (:func:`delete_configured_audience_model`).
    NotFoundError
        No audience model has this ARN.

    Examples
    --------
    >>> delete_audience_model(arn)  # doctest: +SKIP
    """
    session = _client.session(boto3_session)
    what = f"deleting audience model {arn}"
    try:
        send("DeleteAudienceModel", {"audienceModelArn": arn}, what=what, boto3_session=session)
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) == "ConflictException":
            raise _in_use(exc, arn, session) from exc
        raise call_error(exc, what=what, actions=["cleanrooms-ml:DeleteAudienceModel"]) from exc
    except Exception as exc:
        raise call_error(exc, what=what, actions=["cleanrooms-ml:DeleteAudienceModel"]) from exc


def _in_use(
    exc: botocore.exceptions.ClientError, arn: str, session: boto3.Session
) -> AudienceModelInUseError:
    head = f"audience model {arn} was not deleted: {error_code(exc)}: {exc.response['Error'].get('Message', '')}."
    try:
        users = configured_models_of(arn, boto3_session=session)
    except CleanroomNbError as listing:
        return AudienceModelInUseError(
            f"{head} Configured audience models that use it keep it; they could not be listed "
            f"({listing}; needs cleanrooms-ml:ListConfiguredAudienceModels). Delete them first "
            "(cleanroom_nb.delete_configured_audience_model), then this model.",
            configured_audience_models=None,
        )
    if not users:
        return AudienceModelInUseError(
            f"{head} No configured audience model of this account and region uses it now (one "
            "may be being deleted); wait a little and delete it again.",
            configured_audience_models=[],
        )
    listed = "\n".join(
        f"  - {m.get('name')} ({m.get('configuredAudienceModelArn')})" for m in users
    )
    return AudienceModelInUseError(
        f"{head} {len(users)} configured audience model(s) use it:\n{listed}\nDelete them first "
        "(cleanroom_nb.delete_configured_audience_model(arn)), then this audience model, then "
        "(if you want) its training dataset.",
        configured_audience_models=users,
    )
