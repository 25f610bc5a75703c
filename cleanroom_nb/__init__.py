"""cleanroom_nb: prepare, check and submit AWS Clean Rooms ML training datasets from Jupyter.

Examples
--------
>>> import cleanroom_nb as crn
>>> issubclass(crn.RequestInvalidError, crn.CleanroomNbError)
True
"""

from __future__ import annotations

from cleanroom_nb._errors import (
    AccessDeniedError,
    AwsError,
    CleanroomNbError,
    CredentialsError,
    EndpointUnreachableError,
    FindingsError,
    InvalidFrameError,
    NotFoundError,
    RequestInvalidError,
    SchemaError,
    ServiceValidationError,
    ThrottledError,
    TrainingDatasetExistsError,
    WaitTimeoutError,
)
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb._roles import (
    ACCEPTED_GLUE_TYPES,
    CATEGORICAL_FEATURE,
    ITEM_ID,
    NUMERICAL_FEATURE,
    ROLES,
    TIMESTAMP,
    USER_ID,
)
from cleanroom_nb._schema import ColumnProfile, ColumnSchema, TrainingSchema

__version__ = "0.1.0"

__all__ = [
    "ACCEPTED_GLUE_TYPES",
    "CATEGORICAL_FEATURE",
    "ITEM_ID",
    "NUMERICAL_FEATURE",
    "ROLES",
    "TIMESTAMP",
    "USER_ID",
    "AccessDeniedError",
    "AwsError",
    "CleanroomNbError",
    "ColumnProfile",
    "ColumnSchema",
    "CredentialsError",
    "EndpointUnreachableError",
    "Finding",
    "Findings",
    "FindingsError",
    "InvalidFrameError",
    "NotFoundError",
    "RequestInvalidError",
    "SchemaError",
    "ServiceValidationError",
    "ThrottledError",
    "TrainingDatasetExistsError",
    "TrainingSchema",
    "WaitTimeoutError",
    "__version__",
]
# Each feature module adds its import above and its names to __all__ (keep both sorted).
