"""Configured audience models: an audience model made ready for a collaboration.

:func:`create_configured_audience_model` and :func:`update_configured_audience_model` check the
request against botocore's model, the audience model (it must exist and not have failed), the
output location (the bucket exists, in the same region: "This bucket must be located in the same
region as your other resources", user guide, "Configuring a lookalike model") and the output
role (:func:`cleanroom_nb.check_output_role`), then send ONE request through the seam
(:mod:`._send`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import boto3
import botocore.exceptions

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._errors import (
    AwsError,
    CleanroomNbError,
    ConfiguredAudienceModelExistsError,
    InvalidArgumentError,
    RequestInvalidError,
)
from cleanroom_nb._findings import Finding, Findings, format_findings
from cleanroom_nb.audience._describe import (
    get_audience_model,
    get_configured_audience_model,
    list_configured_audience_models,
    named,
)
from cleanroom_nb.audience._send import send
from cleanroom_nb.audience._tags import update_tags
from cleanroom_nb.audience._translate import call_error
from cleanroom_nb.audience._wait import training
from cleanroom_nb.aws import _client
from cleanroom_nb.aws._output_role_check import check_output_role, output_location_findings
from cleanroom_nb.request._model_checks import model_findings
from cleanroom_nb.request._rules import tag_rules
from cleanroom_nb.submit._create import TagsUpdatedWarning
from cleanroom_nb.submit._ml_client import error_code

CREATE = "CreateConfiguredAudienceModel"
UPDATE = "UpdateConfiguredAudienceModel"
DEFAULT_SHARED_METRICS = "NONE"
"""What ``shared_audience_metrics=None`` sends: no metrics shared (the request must say)."""
UPDATABLE = (
    "audienceModelArn",
    "outputConfig",
    "sharedAudienceMetrics",
    "minMatchingSeedSize",
    "audienceSizeConfig",
    "description",
)
"""The members UpdateConfiguredAudienceModel takes (botocore's model), besides the ARN."""
CREATE_ONLY = ("childResourceTagOnCreatePolicy",)


def output_config(output_s3_uri: str, role_arn: str) -> dict[str, Any]:
    """The request's ``outputConfig``: where lookalike segments go, and the role that writes.

    Examples
    --------
    >>> output_config("s3://bkt/segments/", "arn:aws:iam::1:role/r")["destination"]
    {'s3Destination': {'s3Uri': 's3://bkt/segments/'}}
    """
    return {"destination": {"s3Destination": {"s3Uri": output_s3_uri}}, "roleArn": role_arn}


def _metrics(value: str | Sequence[str] | None) -> Any:
    if value is None:
        return [DEFAULT_SHARED_METRICS]
    if isinstance(value, str):
        return [value]
    return list(value)


def _request(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _audience_model_findings(arn: str, session: boto3.Session) -> list[Finding]:
    """The audience model exists, and has not failed or gone."""
    path = "audienceModelArn"
    try:
        model = get_audience_model(arn, boto3_session=session)
    except CleanroomNbError as exc:
        if getattr(exc, "code", None) == "ResourceNotFoundException":
            listed_by = "cleanroom_nb.list_audience_models"
            return [_rulebook.not_found(str(exc), path=path, listed_by=listed_by)]
        return [_rulebook.aws_unchecked(f"could not check it: {exc}", path=path)]
    status = str(model.get("status"))
    if status == "ACTIVE":
        return []
    if training(status):
        return [_rulebook.audience_model_training(model.get("name"), status)]
    return [_rulebook.audience_model_status(model.get("name"), status)]


def _aws_findings(request: Mapping[str, Any], session: boto3.Session) -> list[Finding]:
    out: list[Finding] = []
    if "audienceModelArn" in request:
        out.extend(_audience_model_findings(str(request["audienceModelArn"]), session))
    config = request.get("outputConfig")
    if isinstance(config, Mapping):
        uri = str(config["destination"]["s3Destination"]["s3Uri"])
        out.extend(output_location_findings(uri, boto3_session=session))
        arn = str(request.get("configuredAudienceModelArn") or "") or None
        out.extend(
            check_output_role(
                str(config["roleArn"]),
                output_s3_uri=uri,
                configured_audience_model_arn=arn,
                boto3_session=session,
            )
        )
    return out


def _refuse(findings: Sequence[Finding], what: str) -> None:
    found = Findings(dict.fromkeys(findings))
    if found.errors:
        raise RequestInvalidError(
            f"{what} was not done: {len(found.errors)} error(s). Fix them and run again:\n"
            f"{format_findings(found.errors)}",
            found,
        )


def create_configured_audience_model(
    audience_model_arn: str,
    name: str,
    *,
    output_s3_uri: str,
    role_arn: str,
    shared_audience_metrics: str | Sequence[str] | None = None,
    min_matching_seed_size: int | None = None,
    audience_size_config: Mapping[str, Any] | None = None,
    child_resource_tag_on_create_policy: str | None = None,
    description: str | None = None,
    tags: Mapping[str, str] | None = None,
    if_exists: Literal["error", "reuse"] = "error",
    boto3_session: boto3.Session | None = None,
) -> str:
    """Configure an audience model for a collaboration; return the configured model's ARN.

    Parameters
    ----------
    audience_model_arn
        The trained audience model (ACTIVE; a model still training gives a warning).
    name
        The configured model's name (1-63 characters); a model of that name is looked for
        first.
    output_s3_uri
        Where lookalike segments are written (``s3://bucket/prefix/``, a bucket in the same
        region).
    role_arn
        The output role Clean Rooms ML assumes to write there
        (:func:`cleanroom_nb.create_output_role` makes one; it is checked through IAM).
    shared_audience_metrics
        ``"ALL"`` or ``"NONE"`` (the request requires one; None sends ``"NONE"``: the seed data
        provider receives no model metrics).
    min_matching_seed_size
        The fewest seed users that must match the training data (25-500,000; the service's
        default is 500).
    audience_size_config
        ``{"audienceSizeType": "ABSOLUTE" | "PERCENTAGE", "audienceSizeBins": [...]}``.
    child_resource_tag_on_create_policy
        ``"FROM_PARENT_RESOURCE"`` or ``"NONE"``: how audience generation jobs are tagged.
    description, tags
        Optional.
    if_exists
        ``"error"`` (default) raises :class:`~cleanroom_nb.ConfiguredAudienceModelExistsError`
        when the name is taken; ``"reuse"`` returns the existing one when its definition equals
        this one (tags are brought up to date), and raises listing the differences otherwise
        (:func:`update_configured_audience_model` changes most of them).

    Raises
    ------
    RequestInvalidError
        Something would fail (``.findings``): a field the model refuses, an audience model that
        failed, a bucket elsewhere, an output role that cannot write there. Nothing was sent.
    ConfiguredAudienceModelExistsError, AccessDeniedError, NotFoundError, AwsError
        As their messages say, with the fix.

    Examples
    --------
    >>> carn = create_configured_audience_model(
    ...     model_arn, "lookalike-shared", output_s3_uri="s3://bkt/segments/",
    ...     role_arn=output_role_arn)  # doctest: +SKIP
    """
    if if_exists not in ("error", "reuse"):
        raise InvalidArgumentError(f"if_exists must be 'error' or 'reuse', not {if_exists!r}")
    session = _client.session(boto3_session)
    request = _request(
        {
            "name": name,
            "audienceModelArn": audience_model_arn,
            "outputConfig": output_config(output_s3_uri, role_arn),
            "sharedAudienceMetrics": _metrics(shared_audience_metrics),
            "minMatchingSeedSize": min_matching_seed_size,
            "audienceSizeConfig": dict(audience_size_config) if audience_size_config else None,
            "childResourceTagOnCreatePolicy": child_resource_tag_on_create_policy,
            "description": description,
            "tags": dict(tags) if tags else None,
        }
    )
    what = f"configuring audience model {name!r}"
    findings = [*model_findings(request, CREATE), *tag_rules(request)]
    _refuse(findings, what)
    existing = named(list(list_configured_audience_models(boto3_session=session)), name)
    if existing and if_exists == "error":
        raise _exists(name, existing)
    _refuse([*findings, *_aws_findings(request, session)], what)
    if existing:
        return _reuse(str(existing[-1]["configuredAudienceModelArn"]), request, session)
    return _create(request, session, what)


def _exists(name: str, existing: list[dict[str, Any]]) -> ConfiguredAudienceModelExistsError:
    arn = str(existing[-1]["configuredAudienceModelArn"])
    more = f" ({len(existing)} have this name)" if len(existing) > 1 else ""
    return ConfiguredAudienceModelExistsError(
        f"a configured audience model named {name!r} already exists{more}: {arn}. Use it "
        "(cleanroom_nb.get_configured_audience_model), pass if_exists='reuse' to get it back "
        "when its definition is the same, change it (cleanroom_nb."
        "update_configured_audience_model), choose another name, or delete it "
        "(cleanroom_nb.delete_configured_audience_model).",
        existing_arn=arn,
    )


def differences(existing: Mapping[str, Any], request: Mapping[str, Any]) -> list[str]:
    """How a create request differs from an existing configured model ([]: the same).

    A member the request leaves out is compared with the service's default where one is
    documented (``minMatchingSeedSize``: 500), else not at all.

    Examples
    --------
    >>> differences({"minMatchingSeedSize": 500, "sharedAudienceMetrics": ["NONE"]},
    ...             {"sharedAudienceMetrics": ["ALL"]})
    ["sharedAudienceMetrics: the existing one has ['NONE'], this request has ['ALL']"]
    """
    out = []
    for key in (*UPDATABLE, *CREATE_ONLY):
        if key not in request:
            continue
        if existing.get(key) != request[key]:
            out.append(
                f"{key}: the existing one has {existing.get(key)!r}, this request has {request[key]!r}"
            )
    return out


def _reuse(arn: str, request: Mapping[str, Any], session: boto3.Session) -> str:
    existing = get_configured_audience_model(arn, boto3_session=session)
    if "minMatchingSeedSize" not in request:
        request = {**request, "minMatchingSeedSize": existing.get("minMatchingSeedSize")}
    found = differences(existing, request)
    if found:
        updatable = [d for d in found if not d.startswith(CREATE_ONLY)]
        fix = (
            "Change it with cleanroom_nb.update_configured_audience_model(arn, ...)"
            if len(updatable) == len(found)
            else "childResourceTagOnCreatePolicy cannot change: choose another name, or delete "
            "it and configure again"
        )
        raise ConfiguredAudienceModelExistsError(
            f"a configured audience model named {request['name']!r} already exists ({arn}) and "
            "its definition differs from this request:\n"
            + "\n".join(f"  - {d}" for d in found)
            + f"\n{fix}.",
            existing_arn=arn,
            same_definition=False,
        )
    changes = update_tags(arn, existing.get("tags"), request.get("tags"), boto3_session=session)
    if changes:
        warnings.warn(
            f"configured audience model {request['name']!r} already exists with this definition "
            f"({arn}); its tags were brought up to date: {changes}",
            TagsUpdatedWarning,
            stacklevel=3,
        )
    return arn


def _actions(operation: str, request: Mapping[str, Any]) -> list[str]:
    actions = [f"cleanrooms-ml:{operation}"]
    if request.get("tags"):
        actions.append("cleanrooms-ml:TagResource (the request has tags)")
    return actions


def _role(request: Mapping[str, Any]) -> str | None:
    config = request.get("outputConfig")
    return str(config["roleArn"]) if isinstance(config, Mapping) else None


def _create(request: Mapping[str, Any], session: boto3.Session, what: str) -> str:
    try:
        answer = send(CREATE, request, what=what, boto3_session=session)
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) == "ConflictException":
            name = str(request["name"])
            existing = named(list(list_configured_audience_models(boto3_session=session)), name)
            if existing:
                raise _exists(name, existing) from exc
        raise call_error(
            exc,
            what=what,
            actions=_actions(CREATE, request),
            role_arn=_role(request),
            not_found=f"The audience model {request['audienceModelArn']} does not exist "
            "(cleanroom_nb.list_audience_models).",
            quota="Delete configured audience models you no longer use. ",
        ) from exc
    except Exception as exc:
        raise call_error(exc, what=what, actions=_actions(CREATE, request)) from exc
    return str(answer["configuredAudienceModelArn"])


def update_configured_audience_model(
    configured_audience_model_arn: str,
    *,
    audience_model_arn: str | None = None,
    output_s3_uri: str | None = None,
    role_arn: str | None = None,
    shared_audience_metrics: str | Sequence[str] | None = None,
    min_matching_seed_size: int | None = None,
    audience_size_config: Mapping[str, Any] | None = None,
    description: str | None = None,
    boto3_session: boto3.Session | None = None,
) -> str:
    """Change a configured audience model (UpdateConfiguredAudienceModel); return its ARN.

    Only what is given changes. ``outputConfig`` travels whole, so giving only
    ``output_s3_uri`` or only ``role_arn`` keeps the other as it is. "Updates that impact
    audience generation jobs take effect when a new job starts, but do not impact currently
    running jobs" (API reference). The same checks as for creating run first.

    Raises
    ------
    RequestInvalidError
        Something would fail (``.findings``); nothing was sent.
    NotFoundError, AccessDeniedError, AwsError
        As their messages say, with the fix.

    Examples
    --------
    >>> update_configured_audience_model(carn, min_matching_seed_size=1000)  # doctest: +SKIP
    """
    session = _client.session(boto3_session)
    arn = configured_audience_model_arn
    what = f"updating configured audience model {arn}"
    config = None
    if output_s3_uri is not None or role_arn is not None:
        current = get_configured_audience_model(arn, boto3_session=session)
        now = current.get("outputConfig") or {}
        config = output_config(
            output_s3_uri or str(current.output_location or ""),
            role_arn or str(now.get("roleArn", "")),
        )
    request = _request(
        {
            "configuredAudienceModelArn": arn,
            "audienceModelArn": audience_model_arn,
            "outputConfig": config,
            "sharedAudienceMetrics": _metrics(shared_audience_metrics)
            if shared_audience_metrics is not None
            else None,
            "minMatchingSeedSize": min_matching_seed_size,
            "audienceSizeConfig": dict(audience_size_config) if audience_size_config else None,
            "description": description,
        }
    )
    if len(request) == 1:
        raise InvalidArgumentError(
            "nothing to update: give at least one of audience_model_arn, output_s3_uri, "
            "role_arn, shared_audience_metrics, min_matching_seed_size, audience_size_config, "
            "description"
        )
    findings = model_findings(request, UPDATE)
    _refuse(findings, what)
    _refuse([*findings, *_aws_findings(request, session)], what)
    try:
        answer = send(UPDATE, request, what=what, boto3_session=session)
    except Exception as exc:
        raise call_error(
            exc,
            what=what,
            actions=_actions(UPDATE, request),
            role_arn=_role(request),
            not_found="Check the configured audience model's and the audience model's ARNs.",
        ) from exc
    return str(answer.get("configuredAudienceModelArn", arn))


def delete_configured_audience_model(
    arn: str, *, boto3_session: boto3.Session | None = None
) -> None:
    """Delete a configured audience model (DeleteConfiguredAudienceModel).

    The first step of the deletion order (configured audience model → audience model →
    training dataset). The API reference: "You can't delete a configured audience model if
    there are any lookalike models that use the configured audience model. If you delete a
    configured audience model, it will be removed from any collaborations that it is associated
    to."

    Raises
    ------
    AwsError
        The service refused (ConflictException): the message names the audience generation
        jobs of this configured model, when they can be listed.
    NotFoundError
        No configured audience model has this ARN.

    Examples
    --------
    >>> delete_configured_audience_model(carn)  # doctest: +SKIP
    """
    session = _client.session(boto3_session)
    what = f"deleting configured audience model {arn}"
    actions = ["cleanrooms-ml:DeleteConfiguredAudienceModel"]
    params = {"configuredAudienceModelArn": arn}
    try:
        send("DeleteConfiguredAudienceModel", params, what=what, boto3_session=session)
    except botocore.exceptions.ClientError as exc:
        if error_code(exc) == "ConflictException":
            raise _in_use(exc, arn, session) from exc
        raise call_error(exc, what=what, actions=actions) from exc
    except Exception as exc:
        raise call_error(exc, what=what, actions=actions) from exc


def _in_use(exc: botocore.exceptions.ClientError, arn: str, session: boto3.Session) -> AwsError:
    head = f"configured audience model {arn} was not deleted: ConflictException: {exc.response['Error'].get('Message', '')}."
    try:
        pages = (
            _client.client("cleanroomsml", session)
            .get_paginator("list_audience_generation_jobs")
            .paginate(configuredAudienceModelArn=arn)
        )
        jobs = [j for page in pages for j in page.get("audienceGenerationJobs", [])]
    except Exception as listing:
        err = _client.translate(listing, what="listing its audience generation jobs")
        return AwsError(
            f"{head} The API reference: it cannot be deleted while lookalike models use it. Its "
            f"audience generation jobs could not be listed ({err}). Delete what uses it first, "
            "then delete it again.",
            code="ConflictException",
        )
    listed = "\n".join(
        f"  - {j.get('name')} ({j.get('audienceGenerationJobArn')}, {j.get('status')})"
        for j in jobs
    )
    return AwsError(
        f"{head} Its audience generation jobs (lookalike segments):\n{listed or '  (none listed)'}"
        "\nDelete them first (boto3.client('cleanroomsml').delete_audience_generation_job(...)),"
        " then delete it again.",
        code="ConflictException",
    )
