"""cleanroom_nb: prepare, check and submit AWS Clean Rooms ML training datasets from Jupyter.

Examples
--------
>>> import cleanroom_nb as crn
>>> issubclass(crn.RequestInvalidError, crn.CleanroomNbError)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cleanroom_nb._errors import (
    AccessDeniedError,
    AudienceModelExistsError,
    AudienceModelInUseError,
    AudienceModelInvalidError,
    AwsError,
    CleanroomNbError,
    ConfiguredAudienceModelExistsError,
    CredentialsError,
    DataFileError,
    EndpointUnreachableError,
    FindingsError,
    InvalidArgumentError,
    InvalidFrameError,
    NotFoundError,
    OutcomeUnknownError,
    RequestInvalidError,
    ResourceExistsError,
    SchemaError,
    ServiceValidationError,
    TableExistsError,
    ThrottledError,
    TrainingDatasetExistsError,
    TrainingDatasetInUseError,
    TrainingFailedError,
    UnsupportedPatternError,
    WaitTimeoutError,
)
from cleanroom_nb._findings import Finding, FindingCode, Findings
from cleanroom_nb._roles import (
    ACCEPTED_GLUE_TYPES,
    CATEGORICAL_FEATURE,
    ITEM_ID,
    NUMERICAL_FEATURE,
    ROLES,
    TIMESTAMP,
    USER_ID,
)
from cleanroom_nb.audience import (
    check_training_window,
    create_audience_model,
    create_configured_audience_model,
    delete_audience_model,
    delete_configured_audience_model,
    get_audience_model,
    get_configured_audience_model,
    list_audience_models,
    list_configured_audience_models,
    update_configured_audience_model,
    wait_for_audience_model,
)
from cleanroom_nb.aws import (
    check_output_role,
    check_role,
    create_output_role,
    create_role,
    output_permissions_policy,
    output_trust_policy,
    permissions_policy,
    trust_policy,
)
from cleanroom_nb.form import FormState
from cleanroom_nb.glue import (
    GlueTableInfo,
    ScanEstimate,
    estimate_athena_scan,
    fix_glue_table,
    fix_glue_table_sql,
    infer_schema_from_glue,
    register_dataframe,
)
from cleanroom_nb.infer import (
    ColumnProfile,
    ColumnSchema,
    ConversionError,
    Fix,
    TrainingSchema,
    apply_fix,
    apply_fixes,
    hash_identifier,
    infer_schema,
    preview_fix,
    to_epoch_seconds,
)
from cleanroom_nb.readiness import (
    ReadinessReport,
    TimeWindow,
    check_data,
    readiness,
    readiness_from_athena,
)
from cleanroom_nb.request import (
    TrainingDatasetRequest,
    build_request,
    to_boto3_code,
    validate_request,
)
from cleanroom_nb.submit import (
    TagsUpdatedWarning,
    create_training_dataset,
    delete_training_dataset,
    find_training_dataset,
    get_training_dataset,
    list_training_dataset_tags,
    list_training_datasets,
    tag_training_dataset,
    untag_training_dataset,
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
    "AudienceModelExistsError",
    "AudienceModelInUseError",
    "AudienceModelInvalidError",
    "AwsError",
    "CleanRoomsMLEmulator",
    "CleanroomNbError",
    "ColumnProfile",
    "ColumnSchema",
    "ConfiguredAudienceModelExistsError",
    "ConversionError",
    "CredentialsError",
    "DataFileError",
    "EndpointUnreachableError",
    "Finding",
    "FindingCode",
    "Findings",
    "FindingsError",
    "Fix",
    "FormState",
    "GlueTableInfo",
    "InvalidArgumentError",
    "InvalidFrameError",
    "LocalAws",
    "NotFoundError",
    "OutcomeUnknownError",
    "ReadinessReport",
    "RequestInvalidError",
    "ResourceExistsError",
    "ScanEstimate",
    "SchemaError",
    "ServiceValidationError",
    "TableExistsError",
    "TagsUpdatedWarning",
    "ThrottledError",
    "TimeWindow",
    "TrainingDatasetExistsError",
    "TrainingDatasetForm",
    "TrainingDatasetInUseError",
    "TrainingDatasetRequest",
    "TrainingFailedError",
    "TrainingSchema",
    "UnsupportedPatternError",
    "WaitTimeoutError",
    "__version__",
    "apply_fix",
    "apply_fixes",
    "build_request",
    "check_data",
    "check_output_role",
    "check_role",
    "check_training_window",
    "create_audience_model",
    "create_configured_audience_model",
    "create_output_role",
    "create_role",
    "create_training_dataset",
    "delete_audience_model",
    "delete_configured_audience_model",
    "delete_training_dataset",
    "estimate_athena_scan",
    "find_training_dataset",
    "fix_glue_table",
    "fix_glue_table_sql",
    "get_audience_model",
    "get_configured_audience_model",
    "get_training_dataset",
    "hash_identifier",
    "infer_schema",
    "infer_schema_from_glue",
    "list_audience_models",
    "list_configured_audience_models",
    "list_training_dataset_tags",
    "list_training_datasets",
    "local_aws",
    "output_permissions_policy",
    "output_trust_policy",
    "permissions_policy",
    "preview_fix",
    "readiness",
    "readiness_from_athena",
    "register_dataframe",
    "tag_training_dataset",
    "to_boto3_code",
    "to_epoch_seconds",
    "trust_policy",
    "untag_training_dataset",
    "update_configured_audience_model",
    "validate_request",
    "wait_for_audience_model",
]
# Each stage's package lists its public names in its own __all__; add them here too (sorted).

if TYPE_CHECKING:
    from cleanroom_nb.form import TrainingDatasetForm
    from cleanroom_nb.local import CleanRoomsMLEmulator, LocalAws, local_aws

# Loaded on first use, not at `import cleanroom_nb`: the form (and ipywidgets with it), and the
# local emulation, which the library itself never imports.
_LAZY = {
    "TrainingDatasetForm": "cleanroom_nb.form",
    "CleanRoomsMLEmulator": "cleanroom_nb.local",
    "LocalAws": "cleanroom_nb.local",
    "local_aws": "cleanroom_nb.local",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cleanroom_nb' has no attribute {name!r}")
