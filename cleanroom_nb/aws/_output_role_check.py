"""check_output_role: can Clean Rooms ML write lookalike segments with this role, to this place?

It reads the role through IAM as :func:`cleanroom_nb.check_role` does (same permissions; what
the caller may not read is a "could not check" warning) and judges it against the user guide's
output role ("Create a service role to write a lookalike segment"): the trust policy for
configured audience models, ``s3:PutObject`` on the destination, ``s3:ListBucket`` and
``s3:GetBucketLocation`` on its bucket, and the KMS actions when the destination is SSE-KMS
encrypted. :func:`output_location_findings` checks the place itself: the bucket exists and is
in the region of the Clean Rooms ML resources ("This bucket must be located in the same region
as your other resources", user guide, "Configuring a lookalike model").
"""

from __future__ import annotations

from typing import Any

import boto3

from cleanroom_nb._errors import AccessDeniedError, CleanroomNbError, NotFoundError
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.aws import _client
from cleanroom_nb.aws import _policy_eval as ev
from cleanroom_nb.aws._encryption import kms_encryption, kms_key_of
from cleanroom_nb.aws._output_role import OUTPUT_KMS_ACTIONS
from cleanroom_nb.aws._role_check import CHECK_ROLE_PERMISSIONS, Unchecked, role_statements
from cleanroom_nb.aws._service_role import (
    ROLE_ARN,
    key_prefix,
    parse_s3_location,
    partition,
    pass_role_note,
)
from cleanroom_nb.aws._trust import CONFIGURED_AUDIENCE_MODEL, trust_findings

OUTPUT_PATH = "outputConfig"
ROLE_PATH = "outputConfig.roleArn"
S3_PATH = "outputConfig.destination.s3Destination.s3Uri"


def _could_not(what: str, err: CleanroomNbError, path: str) -> Finding:
    message = f"could not check {what}: {err}"
    if isinstance(err, AccessDeniedError):
        message += f" (the check needs {', '.join(CHECK_ROLE_PERMISSIONS)})"
    return Finding("warning", path, "aws_unchecked", message)


def output_location_findings(
    output_s3_uri: str, *, boto3_session: boto3.Session | None = None
) -> list[Finding]:
    """The output location's bucket: it exists, and in the session's region.

    Examples
    --------
    >>> output_location_findings("s3://no-such-bucket/x/")  # doctest: +SKIP
    [Finding(level='error', path='outputConfig.destination.s3Destination.s3Uri', ...)]
    """
    try:
        bucket, _ = parse_s3_location(output_s3_uri)
    except ValueError as exc:
        return [Finding("error", S3_PATH, "s3_uri", str(exc))]
    session = _client.session(boto3_session)
    region = session.region_name
    try:
        answer = _client.client("s3", session).get_bucket_location(Bucket=bucket)
    except Exception as exc:
        err = _client.translate(exc, what=f"reading the region of bucket {bucket}")
        if isinstance(err, NotFoundError):
            return [
                Finding(
                    "error",
                    S3_PATH,
                    "bucket_not_found",
                    f"there is no S3 bucket {bucket!r}: create it in {region} (the region of "
                    "your Clean Rooms ML resources) or choose another output location",
                )
            ]
        return [_could_not(f"the output bucket {bucket}", err, S3_PATH)]
    # GetBucketLocation answers None (or "") for us-east-1 and "EU" for the old eu-west-1 name.
    where = answer.get("LocationConstraint") or "us-east-1"
    where = "eu-west-1" if where == "EU" else where
    if region and where != region:
        return [
            Finding(
                "error",
                S3_PATH,
                "bucket_region",
                f"bucket {bucket} is in {where}, but the Clean Rooms ML resources are in "
                f'{region}; the user guide says the output bucket "must be located in the same '
                'region as your other resources". Use a bucket in ' + region,
            )
        ]
    return []


def output_kms_key(
    output_s3_uri: str, *, boto3_session: boto3.Session | None = None
) -> tuple[str | None, list[Finding]]:
    """The KMS key the destination encrypts with by default (None: none), and what blocked it."""
    try:
        found = kms_encryption(output_s3_uri, boto3_session=boto3_session)
    except CleanroomNbError as err:
        if isinstance(err, NotFoundError):
            return None, []
        return None, [_could_not("whether the output location uses a KMS key", err, S3_PATH)]
    return kms_key_of(found), []


def check_output_role(
    role_arn: str,
    *,
    output_s3_uri: str | None = None,
    kms_key_arn: str | None = None,
    configured_audience_model_arn: str | None = None,
    boto3_session: boto3.Session | None = None,
) -> Findings:
    """Read an output role through IAM and report what would stop Clean Rooms ML using it.

    Checks, like :func:`cleanroom_nb.check_role`: the role's account against the caller's; that
    AWSCleanRoomsMLFullAccess can pass it; the trust policy (principal
    ``cleanrooms-ml.amazonaws.com``, each condition by its operator, for a new configured
    audience model or for ``configured_audience_model_arn``); and, with ``output_s3_uri``,
    that its policies allow ``s3:PutObject`` on the destination and ``s3:ListBucket`` /
    ``s3:GetBucketLocation`` on the bucket, plus ``kms:GenerateDataKey`` and ``kms:Encrypt`` on
    ``kms_key_arn`` (or the bucket's default KMS key, read from S3 when it is not given).

    Returns
    -------
    Findings
        Paths ``outputConfig.roleArn``, ``trust`` and ``permissions.<action>``.

    Examples
    --------
    >>> check_output_role("arn:aws:iam::123456789012:role/cleanrooms-ml-segments",
    ...                   output_s3_uri="s3://bkt/segments/")  # doctest: +SKIP
    []
    """
    findings = Findings()
    match = ROLE_ARN.fullmatch(role_arn or "")
    if match is None:
        findings.append(
            Finding(
                "error",
                ROLE_PATH,
                "pattern",
                f"{role_arn!r} is not an IAM role ARN; write it as "
                "arn:aws:iam::<12-digit account>:role/<name>",
            )
        )
        return findings
    _, role_account, _, role_name = match.groups()
    session = _client.session(boto3_session)
    try:
        account = _client.caller_account(what="asking STS who the caller is", boto3_session=session)
    except CleanroomNbError as exc:
        return Findings([Finding("error", ROLE_PATH, "aws_unchecked", str(exc))])
    if role_account != account:
        return Findings(
            [
                Finding(
                    "error",
                    ROLE_PATH,
                    "role_account",
                    f"the role is in account {role_account}, but you call from account "
                    f"{account}; iam:PassRole passes only roles of your account. Create one "
                    "there with cleanroom_nb.create_output_role(...)",
                )
            ]
        )
    note = pass_role_note(role_arn)
    if note:
        findings.append(Finding("warning", ROLE_PATH, "role_name", note))
    iam = _client.client("iam", session)
    try:
        role = iam.get_role(RoleName=role_name)["Role"]
    except Exception as exc:
        err = _client.translate(exc, what=f"reading IAM role {role_name}")
        if getattr(err, "code", None) == "NoSuchEntity":
            findings.append(
                Finding(
                    "error",
                    ROLE_PATH,
                    "role_not_found",
                    f"there is no IAM role {role_name!r} in account {account}; create it with "
                    "cleanroom_nb.create_output_role(...) or fix the ARN",
                )
            )
        else:
            findings.append(_could_not("the output role", err, ROLE_PATH))
        return findings
    trust = ev.document(role.get("AssumeRolePolicyDocument"))
    findings.extend(
        trust_findings(
            trust,
            account,
            session.region_name,
            configured_audience_model_arn,
            resource_type=CONFIGURED_AUDIENCE_MODEL,
        )
    )
    if output_s3_uri is not None:
        try:
            findings.extend(
                _permission_findings(iam, role_name, role_arn, output_s3_uri, kms_key_arn, session)
            )
        except Unchecked as unchecked:
            findings.append(unchecked.finding)
    return findings


def needed_output_permissions(
    output_s3_uri: str, kms_key_arn: str | None, part: str
) -> list[tuple[str, str]]:
    """(action, resource) that the output role needs to write under ``output_s3_uri``.

    Examples
    --------
    >>> needed_output_permissions("s3://bkt/out", None, "aws")  # doctest: +NORMALIZE_WHITESPACE
    [('s3:PutObject', 'arn:aws:s3:::bkt/out/segment-00000.json'),
     ('s3:ListBucket', 'arn:aws:s3:::bkt'), ('s3:GetBucketLocation', 'arn:aws:s3:::bkt')]
    """
    bucket, prefix = parse_s3_location(output_s3_uri)
    bucket_arn = f"arn:{part}:s3:::{bucket}"
    needed = [
        ("s3:PutObject", f"{bucket_arn}/{key_prefix(prefix)}segment-00000.json"),
        ("s3:ListBucket", bucket_arn),
        ("s3:GetBucketLocation", bucket_arn),
    ]
    if kms_key_arn:
        # S3 asks KMS for a data key to encrypt each object (SSE-KMS); kms:Encrypt is the
        # other action of the guide's statement that names one operation.
        needed += [("kms:GenerateDataKey", kms_key_arn), ("kms:Encrypt", kms_key_arn)]
    return needed


def _permission_findings(
    iam: Any,
    role_name: str,
    role_arn: str,
    output_s3_uri: str,
    kms_key_arn: str | None,
    session: boto3.Session,
) -> list[Finding]:
    out: list[Finding] = []
    try:
        parse_s3_location(output_s3_uri)
    except ValueError as exc:
        return [Finding("error", S3_PATH, "s3_uri", str(exc))]
    if kms_key_arn is None:
        kms_key_arn, unchecked = output_kms_key(output_s3_uri, boto3_session=session)
        out.extend(unchecked)
    statements = role_statements(iam, role_name, role_arn)
    part = partition(session.region_name)
    for action, resource in needed_output_permissions(output_s3_uri, kms_key_arn, part):
        if ev.is_allowed(statements, action, resource):
            continue
        if action.startswith("kms:"):
            fix = (
                "cleanroom_nb.output_permissions_policy(output_s3_uri, account_id=..., "
                f"kms_key_arn=...) adds the user guide's {', '.join(OUTPUT_KMS_ACTIONS)}"
            )
        else:
            fix = "cleanroom_nb.output_permissions_policy(output_s3_uri, account_id=...) has it"
        out.append(
            Finding(
                "error",
                f"permissions.{action}",
                "missing_permission",
                f"the output role's policies do not allow {action} on {resource}; add it ({fix})",
            )
        )
    return out
