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

# Grouped as a notebook user meets them (as pandera groups its own). The local emulation is
# cleanroom_nb.local (crn.local_aws stays as a shortcut); the form's models are cleanroom_nb.form.
__all__ = [  # noqa: RUF022 (grouped, not sorted)
    # infer a schema and its suggested roles
    "infer_schema",
    "infer_schema_from_glue",
    "TrainingSchema",
    "ColumnSchema",
    "ColumnProfile",
    "GlueTableInfo",
    # fix what the data needs
    "Fix",
    "apply_fixes",
    "apply_fix",
    "preview_fix",
    "to_epoch_seconds",
    "hash_identifier",
    "register_dataframe",
    "fix_glue_table",
    "fix_glue_table_sql",
    "estimate_athena_scan",
    "ScanEstimate",
    # check the data
    "readiness",
    "readiness_from_athena",
    "ReadinessReport",
    "TimeWindow",
    "check_data",
    "check_training_window",
    # build and check the request
    "build_request",
    "validate_request",
    "to_boto3_code",
    "TrainingDatasetRequest",
    # submit and manage training datasets
    "create_training_dataset",
    "get_training_dataset",
    "list_training_datasets",
    "find_training_dataset",
    "delete_training_dataset",
    "tag_training_dataset",
    "untag_training_dataset",
    "list_training_dataset_tags",
    "TagsUpdatedWarning",
    # audience models
    "create_audience_model",
    "wait_for_audience_model",
    "get_audience_model",
    "list_audience_models",
    "delete_audience_model",
    "create_configured_audience_model",
    "get_configured_audience_model",
    "list_configured_audience_models",
    "update_configured_audience_model",
    "delete_configured_audience_model",
    # service roles
    "trust_policy",
    "permissions_policy",
    "check_role",
    "create_role",
    "output_trust_policy",
    "output_permissions_policy",
    "check_output_role",
    "create_output_role",
    # the form (loaded on first use)
    "TrainingDatasetForm",
    # roles and findings
    "ROLES",
    "USER_ID",
    "ITEM_ID",
    "TIMESTAMP",
    "CATEGORICAL_FEATURE",
    "NUMERICAL_FEATURE",
    "ACCEPTED_GLUE_TYPES",
    "Finding",
    "Findings",
    "FindingCode",
    # errors: every one is a CleanroomNbError
    "CleanroomNbError",
    "FindingsError",
    "SchemaError",
    "RequestInvalidError",
    "InvalidArgumentError",
    "InvalidFrameError",
    "ConversionError",
    "DataFileError",
    "UnsupportedPatternError",
    "TableExistsError",
    "AwsError",
    "AccessDeniedError",
    "CredentialsError",
    "EndpointUnreachableError",
    "NotFoundError",
    "ThrottledError",
    "ServiceValidationError",
    "OutcomeUnknownError",
    "WaitTimeoutError",
    "ResourceExistsError",
    "TrainingDatasetExistsError",
    "TrainingDatasetInUseError",
    "AudienceModelExistsError",
    "AudienceModelInUseError",
    "AudienceModelInvalidError",
    "ConfiguredAudienceModelExistsError",
    "TrainingFailedError",
    "__version__",
]

if TYPE_CHECKING:
    from cleanroom_nb.form import TrainingDatasetForm
    from cleanroom_nb.local import local_aws as local_aws

# Loaded on first use, not at `import cleanroom_nb`: the form (and ipywidgets with it), and the
# local emulation's `local_aws` shortcut (the library itself never imports the emulation; its
# other names, CleanRoomsMLEmulator and LocalAws, are in cleanroom_nb.local).
_LAZY = {
    "TrainingDatasetForm": "cleanroom_nb.form",
    "local_aws": "cleanroom_nb.local",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'cleanroom_nb' has no attribute {name!r}")
