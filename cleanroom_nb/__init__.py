"""cleanroom_nb: prepare, check and submit AWS Clean Rooms ML training datasets from Jupyter.

Examples
--------
>>> import cleanroom_nb as crn
>>> issubclass(crn.RequestInvalidError, crn.CleanroomNbError)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cleanroom_nb._check_data import check_data
from cleanroom_nb._codegen import to_boto3_code
from cleanroom_nb._emulator import CleanRoomsMLEmulator
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
    TableExistsError,
    ThrottledError,
    TrainingDatasetExistsError,
    WaitTimeoutError,
)
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb._fix import hash_identifier, to_epoch_seconds
from cleanroom_nb._form_state import FormState
from cleanroom_nb._glue import GlueTableInfo, infer_schema_from_glue
from cleanroom_nb._infer import infer_schema
from cleanroom_nb._local import LocalAws, local_aws
from cleanroom_nb._readiness import ReadinessReport, readiness, readiness_from_athena
from cleanroom_nb._register import register_dataframe
from cleanroom_nb._request import TrainingDatasetRequest, build_request, validate_request
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
from cleanroom_nb._service_role import (
    check_role,
    create_role,
    permissions_policy,
    trust_policy,
)
from cleanroom_nb._submit import (
    create_training_dataset,
    delete_training_dataset,
    find_training_dataset,
    get_training_dataset,
    list_training_datasets,
)

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
    "CleanRoomsMLEmulator",
    "CleanroomNbError",
    "ColumnProfile",
    "ColumnSchema",
    "CredentialsError",
    "EndpointUnreachableError",
    "Finding",
    "Findings",
    "FindingsError",
    "FormState",
    "GlueTableInfo",
    "InvalidFrameError",
    "LocalAws",
    "NotFoundError",
    "ReadinessReport",
    "RequestInvalidError",
    "SchemaError",
    "ServiceValidationError",
    "TableExistsError",
    "ThrottledError",
    "TrainingDatasetExistsError",
    "TrainingDatasetForm",
    "TrainingDatasetRequest",
    "TrainingSchema",
    "WaitTimeoutError",
    "__version__",
    "build_request",
    "check_data",
    "check_role",
    "create_role",
    "create_training_dataset",
    "delete_training_dataset",
    "find_training_dataset",
    "get_training_dataset",
    "hash_identifier",
    "infer_schema",
    "infer_schema_from_glue",
    "list_training_datasets",
    "local_aws",
    "permissions_policy",
    "readiness",
    "readiness_from_athena",
    "register_dataframe",
    "to_boto3_code",
    "to_epoch_seconds",
    "trust_policy",
    "validate_request",
]
# Each feature module adds its import above and its names to __all__ (keep both sorted).

if TYPE_CHECKING:
    from cleanroom_nb._form import TrainingDatasetForm


def __getattr__(name: str) -> Any:
    # The form (and ipywidgets with it) loads on first use, not at `import cleanroom_nb`.
    if name == "TrainingDatasetForm":
        from cleanroom_nb._form import TrainingDatasetForm

        return TrainingDatasetForm
    raise AttributeError(f"module 'cleanroom_nb' has no attribute {name!r}")
