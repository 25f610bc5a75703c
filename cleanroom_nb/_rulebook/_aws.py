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
