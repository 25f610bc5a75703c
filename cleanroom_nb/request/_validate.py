"""validate_request: every problem of a ``create_training_dataset`` request, before it is sent.

It checks the request against

1. every constraint of botocore's ``cleanroomsml`` service model, read at run time
   (:mod:`._model_checks`);
2. the Clean Rooms ML rules (:mod:`._rules`): one USER_ID, ITEM_ID and TIMESTAMP, at most 10
   features, Glue types accepted per role, at most 50 tags, no ``aws:`` tag keys, a role the
   managed policy can pass;
3. the region (no network call): a warning when Clean Rooms ML is not offered there, naming
   the regions where it is (:mod:`cleanroom_nb.aws._regions`);
4. with a ``boto3_session`` (:mod:`._aws_checks`): the Glue table, the caller's account and
   partition, the service role through IAM (:func:`cleanroom_nb.check_role`) and the data's
   KMS encryption.

Every problem is returned at once as :class:`~cleanroom_nb.Findings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.aws import _client
from cleanroom_nb.aws._regions import region_note
from cleanroom_nb.request import _aws_checks, _rules
from cleanroom_nb.request._model_checks import GLUE_PATH, model_findings


def validate_request(
    request: Mapping[str, Any], *, boto3_session: boto3.Session | None = None
) -> Findings:
    """Every problem of a ``create_training_dataset`` request, found before it is sent.

    Parameters
    ----------
    request
        The keyword arguments (from :func:`build_request`, or a hand-written ``dict``).
    boto3_session
        When given, also read the Glue table (columns and types), the caller's account (STS),
        the service role (:func:`cleanroom_nb.check_role`: trust policy and permissions, when
        IAM can be read; what cannot be read is a "could not check" warning) and the data's
        encryption (a KMS key the role must be able to use). Without it only the request itself
        (and the Glue types a :class:`TrainingSchema` gave :func:`build_request`) are checked.

    Returns
    -------
    Findings
        Each with a level (``"error"`` blocks the request), a path such as
        ``"trainingData[0].inputConfig.schema[3].columnName"``, ``"tags.<key>"`` or
        ``"roleArn"``, a code and a message that says how to fix it. No error: it may go.

    Examples
    --------
    >>> from cleanroom_nb.request import build_request
    >>> req = build_request(
    ...     name="shoppers", role_arn="arn:aws:iam::123456789012:role/cleanrooms-ml-reader",
    ...     database="sales", table="interactions",
    ...     schema=[{"columnName": "user_id", "columnTypes": ["USER_ID"]},
    ...             {"columnName": "item-", "columnTypes": ["ITEM_ID"]}])
    >>> for f in validate_request(req):
    ...     print(f.path, f.code)
    trainingData[0].inputConfig.schema[1].columnName pattern
    trainingData[0].inputConfig.schema missing_role
    """
    if not isinstance(request, Mapping):
        return Findings([_rulebook.request_type(request)])
    findings: list[Finding] = []
    findings.extend(model_findings(request))
    findings.extend(region_findings(boto3_session))
    columns = _rules.columns_of(request)
    table_types: dict[str, str] | None = None
    table_codes: set[str] = set()
    if boto3_session is not None:
        table_findings, table_types, location = _aws_checks.glue_findings(
            request, columns, boto3_session
        )
        findings.extend(table_findings)
        table_codes = {f.code for f in table_findings if f.path == GLUE_PATH}
        arn_findings = _aws_checks.role_arn_findings(request, boto3_session)
        findings.extend(arn_findings)
        blocked = any(f.level == "error" for f in arn_findings)
        findings.extend(
            _aws_checks.role_findings(request, location, boto3_session, blocked=blocked)
        )
    findings.extend(_rules.schema_rules(request, columns, table_types))
    findings.extend(_rules.tag_rules(request))
    findings.extend(_rules.role_name_rules(request))
    findings.extend(_rules.source_findings(request, skip_codes=table_codes))
    findings = _drop_superseded(findings)
    return Findings(dict.fromkeys(findings))  # each finding once, in order


def region_findings(boto3_session: boto3.Session | None) -> list[Finding]:
    """A warning when the session's region is not one where Clean Rooms ML is offered.

    The region is the session's (or the default session's: the environment and the AWS config
    file), read without a network call. Skipped when ``AWS_ENDPOINT_URL_CLEANROOMSML`` or
    ``AWS_ENDPOINT_URL`` points the client elsewhere than AWS (a local emulation).

    Examples
    --------
    >>> import boto3
    >>> [f.code for f in region_findings(boto3.Session(region_name="eu-west-3"))]
    ['unsupported_region']
    """
    if _client.endpoint_url("cleanroomsml") is not None:
        return []
    region = _client.region(boto3_session)  # None: create_training_dataset says how to set one
    note = region_note(region)
    return [_rulebook.unsupported_region(note)] if note else []


def _drop_superseded(findings: list[Finding]) -> list[Finding]:
    """Drop model findings that a more specific rule already tells.

    The model's tag-count finding when the stricter documented limit fired; and, with botocore
    1.34's model, whose TagKey pattern ``^(?!aws:).{1,128}$`` restates the ``aws:`` rule, its
    pattern finding on a key that ``reserved_tag_prefix`` names.
    """
    if any(f.code == "too_many_tags" for f in findings):
        findings = [f for f in findings if not (f.path == "tags" and f.code == "max_count")]
    reserved = {f.path for f in findings if f.code == "reserved_tag_prefix"}
    return [f for f in findings if not (f.code == "key_pattern" and f.path in reserved)]
