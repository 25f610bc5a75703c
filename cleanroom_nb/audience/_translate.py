"""What an audience-model call's failure means, and how to fix it, in one library error."""

from __future__ import annotations

from collections.abc import Sequence

import botocore.exceptions

from cleanroom_nb._errors import (
    AccessDeniedError,
    AwsError,
    CleanroomNbError,
    NotFoundError,
    ServiceValidationError,
    ThrottledError,
)
from cleanroom_nb.aws import _client
from cleanroom_nb.aws._service_role import SERVICE_PRINCIPAL, pass_role_note
from cleanroom_nb.submit._ml_client import error_code, error_message
from cleanroom_nb.submit._once import THROTTLING_CODES


def call_error(
    exc: BaseException,
    *,
    what: str,
    actions: Sequence[str],
    not_found: str = "Check the ARN, and the session's account and region.",
    quota: str = "",
    role_arn: str | None = None,
) -> CleanroomNbError:
    """The library error for a failed call: the service's words, the cause and the fix.

    ``actions`` are the IAM actions the Service Authorization Reference asks of the caller for
    the operation; ``role_arn`` a role the call passes (``iam:PassRole``).

    Examples
    --------
    >>> import botocore.exceptions as be
    >>> exc = be.ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "Op")
    >>> err = call_error(exc, what="creating x", actions=["cleanrooms-ml:CreateAudienceModel"])
    >>> type(err).__name__, "cleanrooms-ml:CreateAudienceModel" in str(err)
    ('AccessDeniedError', True)
    """
    if not isinstance(exc, botocore.exceptions.ClientError):
        return _client.translate(exc, what=what)
    code, msg = error_code(exc), error_message(exc)
    if code == "ValidationException":
        return ServiceValidationError(
            f"{what}: Clean Rooms ML rejected the request: {msg}. Fix the field the service "
            "names and try again.",
            code=code,
        )
    if code == "AccessDeniedException":
        needs = list(actions)
        if role_arn:
            needs.append(f"iam:PassRole on {role_arn} (iam:PassedToService {SERVICE_PRINCIPAL})")
        note = pass_role_note(role_arn) if role_arn else ""
        return AccessDeniedError(
            f"{what}: access denied ({msg}). Your identity needs {'; '.join(needs)}"
            + (f". Note: {note}" if note else "")
            + ". Ask for them, or use a role or profile that has them.",
            code=code,
        )
    if code == "ResourceNotFoundException":
        return NotFoundError(f"{what}: not found ({msg}). {not_found}", code=code)
    if code == "ServiceQuotaExceededException":
        return AwsError(
            f"{what}: a Clean Rooms ML quota of this account is reached ({msg}). {quota}"
            "Or ask for a higher quota in Service Quotas.",
            code=code,
        )
    if code in THROTTLING_CODES:
        return ThrottledError(
            f"{what}: Clean Rooms ML kept throttling the request ({msg}); it was not done. Wait "
            "a minute and run again.",
            code=code,
        )
    return _client.translate(exc, what=what)
