"""Rules of the roles, buckets and KMS keys around a training dataset (IAM, S3, KMS)."""

from __future__ import annotations

from cleanroom_nb._findings import Finding, FindingCode, Level
from cleanroom_nb._rulebook._registry import rule


@rule(FindingCode.ROLE_NOT_FOUND)
def role_not_found(role_name: str, account: str, *, path: str, create: str) -> Finding:
    """No IAM role of this name in the account; ``create`` names the call that makes one."""
    return Finding(
        "error",
        path,
        FindingCode.ROLE_NOT_FOUND,
        f"there is no IAM role {role_name!r} in account {account}; create it with "
        f"{create} or fix the ARN",
    )


@rule(FindingCode.MISSING_PERMISSION)
def missing_permission(
    action: str, resources: str, fix: str, *, path: str, whose: str = "role", level: Level = "error"
) -> Finding:
    """The role's policies do not allow ``action`` on ``resources``; ``fix`` says how to add it."""
    return Finding(
        level,
        path,
        FindingCode.MISSING_PERMISSION,
        f"the {whose}'s policies do not allow {action} on {resources}; add it ({fix})",
    )


@rule(FindingCode.BUCKET_REGION)
def bucket_region(what: str, bucket_region: str, region: str, how: str, *, path: str) -> Finding:
    """A bucket (the data's, the output's) in another region than the Clean Rooms ML resources."""
    return Finding(
        "error",
        path,
        FindingCode.BUCKET_REGION,
        f"{what} is in {bucket_region}, but the Clean Rooms ML resources are in {region}; {how}",
    )


@rule(FindingCode.KMS_KEY_UNRESOLVED)
def kms_key_unresolved(note: str, *, path: str) -> Finding:
    """Data is KMS-encrypted with a key whose ARN could not be resolved (``note`` says why)."""
    return Finding("warning", path, FindingCode.KMS_KEY_UNRESOLVED, note)


@rule(FindingCode.ROLE_ARN_MISMATCH)
def role_arn_mismatch(role_name: str, arn: str) -> Finding:
    """The role exists under another ARN than the one given (its path differs)."""
    return Finding(
        "error",
        "roleArn",
        FindingCode.ROLE_ARN_MISMATCH,
        f"the role {role_name!r} has the ARN {arn}; use that ARN (the path differs)",
    )


@rule(FindingCode.CONDITION_MISMATCH)
def condition_mismatch(
    action: str,
    resource: str,
    *,
    sid: str | None,
    failed: str,
    context: str,
    why: str | None,
    fix: str,
    level: Level = "error",
) -> Finding:
    """A statement names ``action`` on ``resource``, but its condition (``failed``) cannot match
    the request's ``context`` (``why`` says where that comes from), so it is denied."""
    named = f" {sid!r}" if sid else ""
    return Finding(
        level,
        f"permissions.{action}",
        FindingCode.CONDITION_MISMATCH,
        f"the role's statement{named} allows {action} on {resource} only when {failed}, "
        f"but the request will have {context}"
        + (f" ({why})" if why else "")
        + f", so it is denied; {fix}",
    )


@rule(FindingCode.S3_LOCATION)
def s3_location(problem: str) -> Finding:
    """The training data's ``s3_location`` is no S3 location (``problem`` says how to write it)."""
    return Finding("error", "s3_location", FindingCode.S3_LOCATION, problem)


@rule(FindingCode.S3_URI)
def s3_uri(problem: str, *, path: str) -> Finding:
    """An output location that is no S3 URI (``problem`` says how to write it)."""
    return Finding("error", path, FindingCode.S3_URI, problem)


@rule(FindingCode.BUCKET_NOT_FOUND)
def bucket_not_found(bucket: str, region: str | None, *, path: str) -> Finding:
    """The output bucket does not exist."""
    return Finding(
        "error",
        path,
        FindingCode.BUCKET_NOT_FOUND,
        f"there is no S3 bucket {bucket!r}: create it in {region} (the region of "
        "your Clean Rooms ML resources) or choose another output location",
    )


@rule(FindingCode.KMS_KEY_ARN)
def kms_key_arn(key: str) -> Finding:
    """A KMS key given by alias or id where a policy needs its ARN."""
    return Finding(
        "error",
        "kms_key_arn",
        FindingCode.KMS_KEY_ARN,
        f"{key!r} is not a KMS key ARN; a policy names keys by ARN: resolve it "
        f"with boto3.client('kms').describe_key(KeyId={key!r})",
    )


@rule(FindingCode.KMS_ENCRYPTED)
def kms_encrypted(where: str, key: str, context: str, bucket_key: str, *, path: str) -> Finding:
    """The training data is SSE-KMS encrypted: the role needs ``kms:Decrypt`` on ``key`` for
    the encryption ``context`` KMS receives (``bucket_key``: whether an S3 Bucket Key is on)."""
    return Finding(
        "warning",
        path,
        FindingCode.KMS_ENCRYPTED,
        f"the training data is encrypted with a KMS key ({where}). The service role needs "
        f"kms:Decrypt on {key}, for the encryption context KMS will receive "
        f"(kms:EncryptionContext:aws:s3:arn = {context}), which the user guide's example "
        "policy leaves out; add it with cleanroom_nb.permissions_policy(..., "
        f"kms_key_arn={key!r}, bucket_key={bucket_key})",
    )


@rule(FindingCode.KMS_REGION)
def kms_region(key_region: str, region: str, *, path: str) -> Finding:
    """A KMS key of another region than the resource that is to use it."""
    return Finding(
        "warning",
        path,
        FindingCode.KMS_REGION,
        f"the KMS key's ARN names {key_region}, but the audience model will be in "
        f"{region}; a KMS key belongs to one region (a multi-Region key has "
        f"a replica with its own ARN in each). Use a key (or replica) of {region}",
    )


@rule(FindingCode.KMS_NOT_FOUND)
def kms_not_found(key: str, *, path: str) -> Finding:
    """No KMS key of this ARN."""
    return Finding(
        "error",
        path,
        FindingCode.KMS_NOT_FOUND,
        f"there is no KMS key {key}: fix the ARN or create the key",
    )


@rule(FindingCode.KMS_STATE)
def kms_state(state: str, *, path: str) -> Finding:
    """A KMS key that is not ``Enabled`` (disabled, pending deletion, ...) cannot encrypt."""
    return Finding(
        "error",
        path,
        FindingCode.KMS_STATE,
        f"the KMS key is {state}, so it cannot encrypt the model; enable it (or cancel "
        "its deletion), or choose another key",
    )
