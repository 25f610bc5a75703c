"""Findings: what a check reports, each with a level, a path, a code and a message."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

Level = Literal["error", "warning"]


class FindingCode(StrEnum):
    """Every code a finding of cleanroom_nb can have (pandera's ``SchemaErrorReason`` is the model).

    A code is a ``str`` (a ``StrEnum``, i.e. ``class FindingCode(str, Enum)``): ``finding.code == "missing_role"`` keeps working, and it prints as its
    value. Each code has exactly one builder in :mod:`cleanroom_nb._rulebook`, which writes its
    message and its fix advice; ``tests/test_rulebook.py`` lists them.

    Examples
    --------
    >>> FindingCode.MISSING_ROLE == "missing_role", f"{FindingCode.MISSING_ROLE}"
    (True, 'missing_role')
    >>> [FindingCode.MISSING_ROLE]  # shown as its value, as the codes were before the enum
    ['missing_role']
    """

    def __repr__(self) -> str:
        return repr(self.value)

    # -- the request against the service model (botocore), per constraint ------------------
    REQUIRED = "required"
    TYPE = "type"
    UNKNOWN_MEMBER = "unknown_member"
    MIN_LENGTH = "min_length"
    MAX_LENGTH = "max_length"
    PATTERN = "pattern"
    ENUM = "enum"
    MIN_COUNT = "min_count"
    MAX_COUNT = "max_count"
    MIN_VALUE = "min_value"
    MAX_VALUE = "max_value"
    KEY_MIN_LENGTH = "key_min_length"
    KEY_MAX_LENGTH = "key_max_length"
    KEY_PATTERN = "key_pattern"
    # -- the schema: roles, types, names ----------------------------------------------------
    MISSING_ROLE = "missing_role"
    DUPLICATE_ROLE = "duplicate_role"
    TOO_MANY_FEATURES = "too_many_features"
    DUPLICATE_COLUMN = "duplicate_column"
    GLUE_TYPE = "glue_type"
    GLUE_TYPE_SYNONYM = "glue_type_synonym"
    COLUMN_NAME_LENGTH = "column_name_length"
    COLUMN_NAME_PATTERN = "column_name_pattern"
    GLUE_RENAME = "glue_rename"
    GLUE_NAME_CLASH = "glue_name_clash"
    SMALL_INT = "small_int"
    FLOAT_ID = "float_id"
    RAW_PII = "raw_pii"
    INFERENCE_FAILED = "inference_failed"
    # -- the TIMESTAMP column ---------------------------------------------------------------
    TIMESTAMP_TEXT = "timestamp_text"
    TIMESTAMP_UNIT = "timestamp_unit"
    TIMESTAMP_RELATIVE = "timestamp_relative"
    TIMESTAMP_DATETIME = "timestamp_datetime"
    TIMESTAMP_NOT_EPOCH = "timestamp_not_epoch"
    MIXED_TIMESTAMP_UNITS = "mixed_timestamp_units"
    TIMESTAMP_RANGE = "timestamp_range"
    # -- the data (readiness) ---------------------------------------------------------------
    MIN_ROWS = "min_rows"
    MIN_USERS_WITH_2_INTERACTIONS = "min_users_with_2_interactions"
    NULL_USER_ID = "null_user_id"
    NULL_ITEM_ID = "null_item_id"
    NULL_TIMESTAMP = "null_timestamp"
    DROPPED_ROWS = "dropped_rows"
    # -- the Glue table ---------------------------------------------------------------------
    EMPTY_LOCATION = "empty_location"
    NOT_S3 = "not_s3"
    UNSUPPORTED_FORMAT = "unsupported_format"
    ZSTD_PARQUET = "zstd_parquet"
    BUCKET_REGION = "bucket_region"
    UNUSABLE_GLUE_TYPE = "unusable_glue_type"
    INVALID_COLUMN_NAME = "invalid_column_name"
    CSV_HEADER_NOT_SKIPPED = "csv_header_not_skipped"
    NO_DATA = "no_data"
    SAMPLE_UNREADABLE = "sample_unreadable"
    GLUE_DATABASE_NOT_FOUND = "glue_database_not_found"
    GLUE_TABLE_NOT_FOUND = "glue_table_not_found"
    COLUMN_CASE = "column_case"
    COLUMN_NAME = "column_name"
    UNKNOWN_COLUMN = "unknown_column"
    CATALOG_ACCOUNT = "catalog_account"
    OTHER_TABLE = "other_table"
    # -- the request as a whole, tags, region -----------------------------------------------
    UNSUPPORTED_REGION = "unsupported_region"
    TOO_MANY_TAGS = "too_many_tags"
    RESERVED_TAG_PREFIX = "reserved_tag_prefix"
    TAG_KEY_EMPTY = "tag_key_empty"
    TAG_KEY_DUPLICATE = "tag_key_duplicate"
    CODEGEN = "codegen"
    # -- the service role and its trust policy ----------------------------------------------
    AWS_UNCHECKED = "aws_unchecked"
    ROLE_NAME = "role_name"
    ROLE_ACCOUNT = "role_account"
    ROLE_PARTITION = "role_partition"
    ROLE_NOT_FOUND = "role_not_found"
    ROLE_ARN_MISMATCH = "role_arn_mismatch"
    MISSING_PERMISSION = "missing_permission"
    CONDITION_MISMATCH = "condition_mismatch"
    S3_LOCATION = "s3_location"
    S3_URI = "s3_uri"
    BUCKET_NOT_FOUND = "bucket_not_found"
    MISSING_TRUST = "missing_trust"
    WRONG_TRUST_PRINCIPAL = "wrong_trust_principal"
    TRUST_UNCONDITIONED = "trust_unconditioned"
    TRUST_SOURCE_ACCOUNT = "trust_source_account"
    TRUST_SOURCE_ARN = "trust_source_arn"
    TRUST_CONDITION = "trust_condition"
    TRUST_SOURCE_ARN_ONE_DATASET = "trust_source_arn_one_dataset"
    TRUST_CONDITION_UNCHECKED = "trust_condition_unchecked"
    TRUST_DENIED = "trust_denied"
    # -- KMS keys -----------------------------------------------------------------------------
    KMS_ENCRYPTED = "kms_encrypted"
    KMS_KEY_ARN = "kms_key_arn"
    KMS_KEY_UNRESOLVED = "kms_key_unresolved"
    KMS_NOT_FOUND = "kms_not_found"
    KMS_REGION = "kms_region"
    KMS_STATE = "kms_state"
    # -- audience models and their training window --------------------------------------------
    NOT_FOUND = "not_found"
    AUDIENCE_MODEL_TRAINING = "audience_model_training"
    AUDIENCE_MODEL_STATUS = "audience_model_status"
    TIME = "time"
    WINDOW_ORDER = "window_order"
    WINDOW_NO_DATA = "window_no_data"
    WINDOW_OUTSIDE_DATA = "window_outside_data"
    WINDOW_BEFORE_DATA = "window_before_data"
    WINDOW_AFTER_DATA = "window_after_data"
    # -- the form -----------------------------------------------------------------------------
    NO_SOURCE = "no_source"
    BUILD_REQUEST = "build_request"
    NOT_REGISTERED = "not_registered"


@dataclass(frozen=True)
class Finding:
    """One problem found by a check.

    Parameters
    ----------
    level
        ``"error"`` blocks the request; ``"warning"`` should be read and acknowledged.
    path
        Where the problem is, e.g. ``"trainingData[0].inputConfig.schema[3].columnName"``,
        ``"tags"``, ``"roleArn"`` or ``"columns.user_id"``.
    code
        A stable, machine-readable :class:`FindingCode` such as ``"pattern"`` or
        ``"timestamp_unit"`` (a known code given as text becomes its member).
    message
        What is wrong and how to fix it, in words (never a raw regular expression).
    details
        Machine-readable facts for code users (e.g. the service model's ``pattern``); not shown
        on screen and not part of equality.

    Examples
    --------
    >>> f = Finding("error", "name", "max_length", "name has 70 characters; use at most 63")
    >>> print(f)
    [error] name: name has 70 characters; use at most 63 (max_length)
    """

    level: Level
    path: str
    code: FindingCode | str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.code, FindingCode) and self.code in _CODES:
            object.__setattr__(self, "code", FindingCode(self.code))

    def __str__(self) -> str:
        return f"[{self.level}] {self.path}: {self.message} ({self.code})"


_CODES = frozenset(c.value for c in FindingCode)


class Findings(list[Finding]):
    """A list of :class:`Finding` with helpers and a notebook view.

    Examples
    --------
    >>> fs = Findings([Finding("warning", "tags", "x", "m")])
    >>> fs.ok, len(fs.warnings)
    (True, 1)
    """

    def __init__(self, items: Iterable[Finding] = ()) -> None:
        super().__init__(items)

    @property
    def errors(self) -> list[Finding]:
        """The findings with level ``"error"``."""
        return [f for f in self if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        """The findings with level ``"warning"``."""
        return [f for f in self if f.level == "warning"]

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not self.errors

    def at(self, prefix: str) -> list[Finding]:
        """The findings whose path is ``prefix`` or lies under it."""
        return [
            f for f in self if f.path == prefix or f.path.startswith((prefix + ".", prefix + "["))
        ]

    def __str__(self) -> str:
        if not self:
            return "no findings"
        return "\n".join(str(f) for f in self)

    def _repr_html_(self) -> str:
        if not self:
            return "<p style='color:#1a7f37'>&#10003; no findings</p>"
        rows = "".join(
            "<tr><td style='color:{c}'>{lvl}</td><td><code>{p}</code></td><td>{code}</td>"
            "<td style='text-align:left'>{m}</td></tr>".format(
                c="#cf222e" if f.level == "error" else "#9a6700",
                lvl=f.level,
                p=html.escape(f.path),
                code=html.escape(f.code),
                m=html.escape(f.message),
            )
            for f in self
        )
        return (
            f"<p>{len(self.errors)} error(s), {len(self.warnings)} warning(s)</p>"
            "<table><thead><tr><th>level</th><th>path</th><th>code</th><th>message</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>"
        )


def format_findings(findings: Iterable[Finding]) -> str:
    """Render findings as an indented multi-line text for exception messages."""
    return "\n".join(f"  - {f}" for f in findings)
