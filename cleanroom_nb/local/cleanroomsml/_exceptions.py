"""Errors the emulator answers, shaped as AWS's rest-json errors, with the model's HTTP status."""

from __future__ import annotations

from cleanroom_nb.aws import _service_model

DOCUMENTED_STATUS = {"ThrottlingException": 429, "InternalServiceException": 500}
"""HTTP statuses for errors an older botocore model lacks.

ThrottlingException is in botocore's ``cleanroomsml`` model only from 1.39.1; the API reference
(CreateTrainingDataset, "Errors") gives it "HTTP Status Code: 429". InternalServiceException is
not in the 1.34.0 model; newer models give it ``"httpStatusCode": 500``."""

_PROTOCOL_STATUS = {
    "ExpiredTokenException": 403,
    "MissingAuthenticationTokenException": 403,
    "SerializationException": 400,
    "UnknownOperationException": 404,
}


def error_status(code: str) -> int:
    """The HTTP status of an error: the service model's, else the documented one, else 400.

    Examples
    --------
    >>> error_status("ConflictException"), error_status("ThrottlingException")
    (409, 429)
    """
    status = _service_model.error_http_status(code)
    if status is not None:
        return status
    return DOCUMENTED_STATUS.get(code) or _PROTOCOL_STATUS.get(code, 400)


class ApiError(Exception):
    """An error answer: HTTP status, the code (``x-amzn-ErrorType``) and the message."""

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status if status is not None else error_status(code)


def validation(message: str) -> ApiError:
    """A ValidationException."""
    return ApiError("ValidationException", message)


def not_found(what: str, arn: str) -> ApiError:
    """A ResourceNotFoundException for ``what`` (e.g. ``"Training dataset"``)."""
    return ApiError("ResourceNotFoundException", f"{what} {arn} not found")


def access_denied(message: str) -> ApiError:
    """An AccessDeniedException."""
    return ApiError("AccessDeniedException", message)


def conflict(message: str) -> ApiError:
    """A ConflictException."""
    return ApiError("ConflictException", message)
