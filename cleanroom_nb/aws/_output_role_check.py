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

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._errors import AccessDeniedError, CleanroomNbError, NotFoundError
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.aws import _client
from cleanroom_nb.aws import _policy_eval as ev
from cleanroom_nb.aws._encryption import KmsUse, kms_encryption, kms_use
from cleanroom_nb.aws._output_role import OUTPUT_KMS_ACTIONS
from cleanroom_nb.aws._role_check import (
    CHECK_ROLE_PERMISSIONS,
    Need,
    Unchecked,
    role_statements,
    unknown_condition_finding,
    unmet_condition_finding,
)
from cleanroom_nb.aws._service_role import (
    ENCRYPTION_CONTEXT_KEY,
    KMS_KEY_ARN,
    ROLE_ARN,
    key_prefix,
    kms_contexts,
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
    return _rulebook.aws_unchecked(message, path=path)


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
        return [_rulebook.s3_uri(str(exc), path=S3_PATH)]
    session = _client.session(boto3_session)
    region = session.region_name
    try:
        answer = _client.client("s3", session).get_bucket_location(Bucket=bucket)
    except Exception as exc:
        err = _client.translate(exc, what=f"reading the region of bucket {bucket}")
        if isinstance(err, NotFoundError):
            return [_rulebook.bucket_not_found(bucket, region, path=S3_PATH)]
        return [_could_not(f"the output bucket {bucket}", err, S3_PATH)]
    # GetBucketLocation answers None (or "") for us-east-1 and "EU" for the old eu-west-1 name.
    where = answer.get("LocationConstraint") or "us-east-1"
    where = "eu-west-1" if where == "EU" else where
    if region and where != region:
        how = (
            'the user guide says the output bucket "must be located in the same region as your '
            f'other resources". Use a bucket in {region}'
        )
        return [_rulebook.bucket_region(f"bucket {bucket}", where, region, how, path=S3_PATH)]
    return []


def output_kms_key(
    output_s3_uri: str, *, boto3_session: boto3.Session | None = None
) -> tuple[KmsUse | None, list[Finding]]:
    """How new objects at the destination are encrypted with KMS (None: not), and what blocked.

    New objects follow the bucket's default encryption (GetBucketEncryption): its key,
    resolved to a key ARN (an alias or key id through ``kms:DescribeKey``; a policy needs the
    ARN), and whether it uses an S3 Bucket Key (then KMS sees the bucket ARN as encryption
    context). Objects already there say nothing about how Clean Rooms ML's will be written.
    """
    try:
        found = [
            f
            for f in kms_encryption(output_s3_uri, boto3_session=boto3_session)
            if f.object_arn is None
        ]
        use = kms_use(output_s3_uri, found, boto3_session=boto3_session)
    except CleanroomNbError as err:
        if isinstance(err, NotFoundError):
            return None, []
        return None, [_could_not("whether the output location uses a KMS key", err, S3_PATH)]
    if use is not None and use.key_arn is None:
        return use, [_rulebook.kms_key_unresolved(use.note, path=S3_PATH)]
    return use, []


def check_output_role(
    role_arn: str,
    *,
    output_s3_uri: str | None = None,
    kms_key_arn: str | None = None,
    bucket_key: bool | None = None,
    configured_audience_model_arn: str | None = None,
    boto3_session: boto3.Session | None = None,
) -> Findings:
    """Read an output role through IAM and report what would stop Clean Rooms ML using it.

    Checks, like :func:`cleanroom_nb.check_role`: the role's account against the caller's; that
    AWSCleanRoomsMLFullAccess can pass it; the trust policy (principal
    ``cleanrooms-ml.amazonaws.com``, each condition by its operator, for a new configured
    audience model or for ``configured_audience_model_arn``); and, with ``output_s3_uri``,
    that its policies allow ``s3:PutObject`` on the destination and ``s3:ListBucket`` /
    ``s3:GetBucketLocation`` on the bucket (for the bucket's account, ``s3:ResourceAccount``),
    plus ``kms:GenerateDataKey`` and ``kms:Encrypt`` on ``kms_key_arn`` (or the bucket's default
    KMS key, read from S3 and resolved to its ARN when it is not given) for each encryption
    context KMS will receive: the bucket ARN with an S3 Bucket Key, the object's without
    (``bucket_key``: True, False, or None for both; read from the bucket when no key is given).
    Each statement's conditions are evaluated against that context; one that cannot match is
    an error that names the fix.

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
            _rulebook.model_violation(
                ROLE_PATH,
                "pattern",
                (
                    f"{role_arn!r} is not an IAM role ARN; write it as "
                    "arn:aws:iam::<12-digit account>:role/<name>"
                ),
            )
        )
        return findings
    _, role_account, _, role_name = match.groups()
    session = _client.session(boto3_session)
    try:
        account = _client.caller_account(what="asking STS who the caller is", boto3_session=session)
    except CleanroomNbError as exc:
        return Findings([_rulebook.aws_unchecked(str(exc), path=ROLE_PATH, blocking=True)])
    if role_account != account:
        how = (
            "iam:PassRole passes only roles of your account: create one there with "
            "cleanroom_nb.create_output_role(...)"
        )
        return Findings([_rulebook.role_account(role_account, account, path=ROLE_PATH, how=how)])
    note = pass_role_note(role_arn)
    if note:
        findings.append(_rulebook.role_name(note, path=ROLE_PATH))
    iam = _client.client("iam", session)
    try:
        role = iam.get_role(RoleName=role_name)["Role"]
    except Exception as exc:
        err = _client.translate(exc, what=f"reading IAM role {role_name}")
        if getattr(err, "code", None) == "NoSuchEntity":
            create = "cleanroom_nb.create_output_role(...)"
            findings.append(
                _rulebook.role_not_found(role_name, account, path=ROLE_PATH, create=create)
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
    if kms_key_arn is not None and KMS_KEY_ARN.fullmatch(kms_key_arn) is None:
        findings.append(_rulebook.kms_key_arn(kms_key_arn))
        return findings
    if output_s3_uri is not None:
        try:
            findings.extend(
                _permission_findings(
                    iam, role_arn, account, output_s3_uri, (kms_key_arn, bucket_key), session
                )
            )
        except Unchecked as unchecked:
            findings.append(unchecked.finding)
    return findings


def needed_output_permissions(
    output_s3_uri: str,
    kms_key_arn: str | None,
    part: str,
    *,
    account: str | None = None,
    bucket_key: bool | None = None,
) -> list[Need]:
    """What the output role needs to write under ``output_s3_uri``, each in its request context.

    ``account`` is the bucket's account (the guide's ``s3:ResourceAccount``); ``bucket_key``
    which encryption context KMS receives (None: both must be allowed).

    Examples
    --------
    >>> [(n.action, n.resource) for n in needed_output_permissions("s3://bkt/out", None, "aws")]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('s3:PutObject', 'arn:aws:s3:::bkt/out/segment-00000.json'),
     ('s3:ListBucket', 'arn:aws:s3:::bkt'), ('s3:GetBucketLocation', 'arn:aws:s3:::bkt')]
    """
    bucket, prefix = parse_s3_location(output_s3_uri)
    folder = key_prefix(prefix)
    bucket_arn = f"arn:{part}:s3:::{bucket}"
    owner = {"s3:ResourceAccount": account}
    needed = [
        Need("s3:PutObject", f"{bucket_arn}/{folder}segment-00000.json", owner, "error"),
        Need("s3:ListBucket", bucket_arn, owner, "error"),
        Need("s3:GetBucketLocation", bucket_arn, owner, "error"),
    ]
    if kms_key_arn:
        # S3 asks KMS for a data key to encrypt each object (SSE-KMS); kms:Encrypt is the
        # other action of the guide's statement that names one operation.
        for pattern in kms_contexts(bucket, folder, partition=part, bucket_key=bucket_key):
            bucket_level = not pattern.endswith("*")
            context = {ENCRYPTION_CONTEXT_KEY: pattern if bucket_level else pattern[:-1] + "x"}
            why = (
                "with an S3 Bucket Key KMS receives the bucket ARN"
                if bucket_level
                else "without an S3 Bucket Key KMS receives each object's ARN"
            )
            needed += [
                Need(action, kms_key_arn, context, "error", why)
                for action in ("kms:GenerateDataKey", "kms:Encrypt")
            ]
    return needed


def _permission_findings(
    iam: Any,
    role_arn: str,
    account: str,
    output_s3_uri: str,
    key: tuple[str | None, bool | None],
    session: boto3.Session,
) -> list[Finding]:
    out: list[Finding] = []
    try:
        parse_s3_location(output_s3_uri)
    except ValueError as exc:
        return [_rulebook.s3_uri(str(exc), path=S3_PATH)]
    kms_key_arn, bucket_key = key
    if kms_key_arn is None:
        use, unchecked = output_kms_key(output_s3_uri, boto3_session=session)
        out.extend(unchecked)
        if use is not None:
            kms_key_arn, bucket_key = use.key_arn, use.bucket_key
    statements = role_statements(iam, role_arn.rsplit("/", 1)[-1], role_arn)
    part = partition(session.region_name)
    fix_kms = (
        f"cleanroom_nb.output_permissions_policy(output_s3_uri, account_id=..., kms_key_arn="
        f"{kms_key_arn!r}, bucket_key={bucket_key}) adds the user guide's "
        f"{', '.join(OUTPUT_KMS_ACTIONS)} for the context KMS receives "
        "(create_output_role(..., if_exists='update') takes the same arguments)"
    )
    fix_s3 = "cleanroom_nb.output_permissions_policy(output_s3_uri, account_id=...) has it"
    needs = needed_output_permissions(
        output_s3_uri, kms_key_arn, part, account=account, bucket_key=bucket_key
    )
    missing: dict[str, list[Need]] = {}
    for need in needs:
        decision = ev.decide(statements, need.action, need.resource, need.context)
        fix = fix_kms if need.action.startswith("kms:") else fix_s3
        if decision.allowed is True:
            continue
        if decision.allowed is None:
            out.append(unknown_condition_finding(need, decision))
        elif decision.unmet:
            out.append(unmet_condition_finding(need, decision, fix))
        else:
            missing.setdefault(need.action, []).append(need)
    for action, group in missing.items():
        resources = ", ".join(dict.fromkeys(n.resource for n in group))
        fix = fix_kms if action.startswith("kms:") else fix_s3
        path = f"permissions.{action}"
        out.append(
            _rulebook.missing_permission(action, resources, fix, path=path, whose="output role")
        )
    return out
