"""The two kinds of failure the local Athena reports, as Athena reports them."""

from __future__ import annotations


class QueryError(Exception):
    """A query that cannot run: ``reason`` becomes the execution's ``StateChangeReason``.

    Reasons follow Athena's shape, ``ERROR_CODE: line L:C: message`` (the position when
    known), e.g. ``TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.db.t' does not exist``.

    Examples
    --------
    >>> QueryError("SYNTAX_ERROR: line 1:8: Column 'x' cannot be resolved").reason[:12]
    'SYNTAX_ERROR'
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ApiError(Exception):
    """A request the service refuses: ``{"__type": code, "message": message}``, HTTP 400.

    Examples
    --------
    >>> ApiError("InvalidRequestException", "WorkGroup nope is not found.").status
    400
    """

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
