"""The exception hierarchy of cleanroom_nb: every error derives from :class:`CleanroomNbError`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cleanroom_nb._findings import Finding


class CleanroomNbError(Exception):
    """Base class of every error raised by cleanroom_nb.

    The message always names the cause and says how to fix it.

    Examples
    --------
    >>> try:
    ...     raise InvalidFrameError("columns must be unique; rename 'a'")
    ... except CleanroomNbError as exc:
    ...     print(type(exc).__name__)
    InvalidFrameError
    """


class InvalidFrameError(CleanroomNbError, ValueError):
    """The DataFrame cannot become a table (no columns, duplicate or non-string names, ...)."""


class SchemaError(CleanroomNbError, ValueError):
    """A schema edit is not possible (unknown column, unknown role, ...)."""


class InvalidArgumentError(CleanroomNbError, ValueError):
    """An argument has a value the function does not take (``mode=``, ``if_exists=``, a time
    or a window, an S3 URI, a price); the message names the argument and what it takes."""


class DataFileError(CleanroomNbError, ValueError):
    """A data file in S3 cannot be read as the format it claims (not Parquet, bad compression)."""


class UnsupportedPatternError(CleanroomNbError, ValueError):
    """A service-model pattern uses Java regex syntax that Python's ``re`` cannot express."""


class FindingsError(CleanroomNbError):
    """A check found errors; ``.findings`` holds every finding, errors and warnings alike."""

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        from cleanroom_nb._findings import Findings

        super().__init__(message)
        self.findings = Findings(findings)


class RequestInvalidError(FindingsError, ValueError):
    """``validate_request`` found errors, so the request was not sent."""


class AwsError(CleanroomNbError):
    """An AWS call failed; the message names the cause and the fix.

    ``.code`` holds the AWS error code when there is one, and ``__cause__`` the botocore error.
    """

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class CredentialsError(AwsError):
    """No AWS credentials were found, or they have expired."""


class EndpointUnreachableError(AwsError):
    """The AWS endpoint (or a local emulator) could not be reached."""


class AccessDeniedError(AwsError):
    """AWS refused the call for lack of permission."""


class NotFoundError(AwsError):
    """A Glue database or table, an S3 object or a training dataset does not exist."""


class TrainingDatasetExistsError(AwsError):
    """A training dataset with this name already exists (ConflictException).

    ``.existing_arn`` is the ARN of the existing dataset when it could be found and
    ``.same_definition`` tells whether its definition equals the one that was submitted.
    """

    def __init__(
        self,
        message: str,
        *,
        existing_arn: str | None = None,
        same_definition: bool | None = None,
        code: str | None = "ConflictException",
    ) -> None:
        super().__init__(message, code=code)
        self.existing_arn = existing_arn
        self.same_definition = same_definition


class ServiceValidationError(AwsError, ValueError):
    """The service rejected the request (ValidationException); the message is the service's."""


class ThrottledError(AwsError):
    """The service kept throttling the request through every attempt; it changed nothing."""


class OutcomeUnknownError(AwsError):
    """A change may or may not have been applied, and checking could not tell.

    The request reached the service (or may have: a read timeout, a dropped connection, a 5xx)
    and the look-up that would tell whether it was applied failed or found nothing each time.
    It was not sent again; the message says how to check before running again.
    """


class WaitTimeoutError(AwsError):
    """Waiting for a training dataset to become ACTIVE took longer than allowed."""


class TableExistsError(CleanroomNbError, FileExistsError):
    """A Glue table (or data at its S3 path) already exists and overwriting was not asked for.

    ``.database`` and ``.table`` name the table; pass ``mode="overwrite"`` to replace it.
    """

    def __init__(self, message: str, *, database: str = "", table: str = "") -> None:
        super().__init__(message)
        self.database = database
        self.table = table


class TrainingDatasetInUseError(AwsError):
    """A training dataset cannot be deleted while audience models depend on it (ConflictException).

    ``.audience_models`` lists them (ListAudienceModels summaries), or is None when they could
    not be listed.
    """

    def __init__(
        self,
        message: str,
        *,
        audience_models: list[dict[str, object]] | None,
        code: str | None = "ConflictException",
    ) -> None:
        super().__init__(message, code=code)
        self.audience_models = audience_models


class ResourceExistsError(AwsError):
    """An audience model or configured audience model of this name already exists.

    ``.existing_arn`` is the ARN of the existing resource when it could be found and
    ``.same_definition`` tells whether its definition equals the one that was asked for.
    """

    def __init__(
        self,
        message: str,
        *,
        existing_arn: str | None = None,
        same_definition: bool | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.existing_arn = existing_arn
        self.same_definition = same_definition


class AudienceModelExistsError(ResourceExistsError):
    """An audience model with this name already exists in the account and region."""


class ConfiguredAudienceModelExistsError(ResourceExistsError):
    """A configured audience model with this name already exists in the account and region."""


class AudienceModelInUseError(AwsError):
    """An audience model cannot be deleted while configured audience models use it.

    ``.configured_audience_models`` lists them (ListConfiguredAudienceModels summaries), or is
    None when they could not be listed.
    """

    def __init__(
        self,
        message: str,
        *,
        configured_audience_models: list[dict[str, object]] | None,
        code: str | None = "ConflictException",
    ) -> None:
        super().__init__(message, code=code)
        self.configured_audience_models = configured_audience_models


class TrainingFailedError(AwsError):
    """An audience model ended in a failed status (CREATE_FAILED).

    ``.arn`` is the audience model, ``.status`` its status and ``.status_details`` the service's
    ``statusDetails`` (``statusCode`` and ``message``), when it gave them.
    """

    def __init__(
        self,
        message: str,
        *,
        arn: str,
        status: str,
        status_details: dict[str, object] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.arn = arn
        self.status = status
        self.status_details = status_details or {}


class AudienceModelInvalidError(RequestInvalidError):
    """An audience model was not created because of ``.findings`` (nothing was sent).

    ``.report`` holds the figures inside the training window when the data was checked
    (a :class:`~cleanroom_nb.ReadinessReport`), else None.
    """

    def __init__(
        self, message: str, findings: Sequence[Finding] = (), report: object = None
    ) -> None:
        super().__init__(message, findings)
        self.report = report
