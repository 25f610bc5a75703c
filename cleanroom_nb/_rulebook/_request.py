"""Rules of a request (CreateTrainingDataset, TagResource): its shape, tags, region, role and
the Glue table it names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cleanroom_nb._findings import Finding, FindingCode, Level
from cleanroom_nb._rulebook._registry import rule

MAX_TAGS = 50
"""Tags per resource (AWS tagging limit; the model's ``TagMap`` allows 200: 50 wins). Keys with
the ``aws:`` prefix do not count."""

SERVICE_MODEL_CODES = (
    FindingCode.REQUIRED,
    FindingCode.TYPE,
    FindingCode.UNKNOWN_MEMBER,
    FindingCode.MIN_LENGTH,
    FindingCode.MAX_LENGTH,
    FindingCode.PATTERN,
    FindingCode.ENUM,
    FindingCode.MIN_COUNT,
    FindingCode.MAX_COUNT,
    FindingCode.MIN_VALUE,
    FindingCode.MAX_VALUE,
    FindingCode.KEY_MIN_LENGTH,
    FindingCode.KEY_MAX_LENGTH,
    FindingCode.KEY_PATTERN,
)
"""The codes of the service model's constraints (botocore), ``key_`` for a map key's own."""


@rule(*SERVICE_MODEL_CODES)
def model_violation(
    path: str, code: str, message: str, details: Mapping[str, Any] | None = None
) -> Finding:
    """A breach of a service-model constraint; ``message`` is worded from the model itself
    (:func:`cleanroom_nb.aws._service_model.check_input`), with a hint."""
    return Finding("error", path, FindingCode(code), message, dict(details or {}))


def request_type(request: object) -> Finding:
    """The request is not a mapping of keyword arguments (a :data:`FindingCode.TYPE` finding)."""
    return model_violation(
        "request",
        FindingCode.TYPE,
        f"the request must be a dict of keyword arguments, not {type(request).__name__}; "
        "build it with cleanroom_nb.build_request",
    )


@rule(FindingCode.UNSUPPORTED_REGION)
def unsupported_region(note: str) -> Finding:
    """The session's region is not one where Clean Rooms ML is offered (``note`` says which)."""
    return Finding("warning", "region", FindingCode.UNSUPPORTED_REGION, note)


@rule(FindingCode.TOO_MANY_TAGS)
def too_many_tags(count: int, *, subject: str = "tags has", remedy: str | None = None) -> Finding:
    """More than 50 tags of the user's own on one resource."""
    remedy = remedy if remedy is not None else f"Remove {count - MAX_TAGS}"
    return Finding(
        "error",
        "tags",
        FindingCode.TOO_MANY_TAGS,
        f"{subject} {count} tags of its own; AWS allows at most {MAX_TAGS} tags per resource "
        f"('aws:' tags do not count). {remedy}",
    )


@rule(FindingCode.RESERVED_TAG_PREFIX)
def reserved_tag_prefix(key: str, *, verb: str = "add") -> Finding:
    """A tag key with the ``aws:`` prefix (in any case), which belongs to AWS."""
    return Finding(
        "error",
        f"tags.{key}",
        FindingCode.RESERVED_TAG_PREFIX,
        f"tag key {key!r} starts with {key[:4]!r}; the prefix 'aws:' (in any case) is reserved "
        f"for AWS: you cannot {verb} it (API reference, TagResource). Rename the key: use "
        "another one for your own tags",
    )


@rule(FindingCode.ROLE_NAME)
def role_name(note: str, *, path: str = "roleArn", level: Level = "warning") -> Finding:
    """The managed policy cannot pass the role (its path and name are matched); ``note`` is
    :func:`cleanroom_nb.aws._service_role.pass_role_note`."""
    return Finding(level, path, FindingCode.ROLE_NAME, note)


@rule(FindingCode.OTHER_TABLE)
def other_table(read_from: str, named: str, *, path: str) -> Finding:
    """The schema was read from another Glue table than the one the request names."""
    return Finding(
        "warning",
        path,
        FindingCode.OTHER_TABLE,
        f"the schema was read from Glue table {read_from}, but the request names {named}; "
        "use the same table",
    )


@rule(FindingCode.AWS_UNCHECKED)
def aws_unchecked(message: str, *, path: str, blocking: bool = False, note: str = "") -> Finding:
    """An AWS call a check needs failed: an error when the request cannot be sent either
    (no credentials, no endpoint), else a warning that the rule was not checked."""
    return Finding(
        "error" if blocking else "warning", path, FindingCode.AWS_UNCHECKED, message + note
    )


# -------------------------------------------------------------------------------- Glue table
@rule(FindingCode.COLUMN_CASE, FindingCode.COLUMN_NAME)
def column_misnamed(name: str, right: str, table: str, *, path: str) -> Finding:
    """The request names a column that the Glue table spells otherwise (``column_case`` when
    only the case differs)."""
    code = FindingCode.COLUMN_CASE if right.lower() == name.lower() else FindingCode.COLUMN_NAME
    return Finding(
        "error",
        path,
        code,
        f"column {name!r} is called {right!r} in Glue table {table}; use {right!r} (names must "
        "match Glue's exactly)",
    )


@rule(FindingCode.UNKNOWN_COLUMN)
def unknown_column(
    name: str, table: str, close: Sequence[str], columns: Sequence[str], *, path: str
) -> Finding:
    """The Glue table has no such column."""
    return Finding(
        "error",
        path,
        FindingCode.UNKNOWN_COLUMN,
        f"Glue table {table} has no column {name!r}; "
        + (
            f"did you mean {', '.join(repr(x) for x in close)}?"
            if close
            else f"its columns are {', '.join(list(columns)[:20])}"
        ),
    )


@rule(FindingCode.GLUE_DATABASE_NOT_FOUND)
def glue_database_not_found(
    db: str, catalog_id: str | None, close: Sequence[str], *, path: str
) -> Finding:
    """The Glue database does not exist."""
    return Finding(
        "error",
        path,
        FindingCode.GLUE_DATABASE_NOT_FOUND,
        f"Glue database {db!r} does not exist"
        + (f" in catalog {catalog_id}" if catalog_id else "")
        + (
            f"; did you mean {', '.join(map(repr, close))}?"
            if close
            else "; create it (wr.catalog.create_database) or fix the name"
        ),
    )


@rule(FindingCode.GLUE_TABLE_NOT_FOUND)
def glue_table_not_found(db: str, table: str, close: Sequence[str], *, path: str) -> Finding:
    """The Glue database has no such table."""
    return Finding(
        "error",
        path,
        FindingCode.GLUE_TABLE_NOT_FOUND,
        f"Glue database {db!r} has no table {table!r}"
        + (
            f"; did you mean {', '.join(map(repr, close))}?"
            if close
            else "; register the data first (cleanroom_nb.register_dataframe) or fix the name"
        ),
    )


@rule(FindingCode.CATALOG_ACCOUNT)
def catalog_account(catalog_id: str, account: str, *, path: str) -> Finding:
    """The Glue catalog is another account's: the table must be shared."""
    return Finding(
        "warning",
        path,
        FindingCode.CATALOG_ACCOUNT,
        f"the Glue catalog {catalog_id} is not the caller's account {account}; the table must "
        "be shared with this account (Lake Formation) for the role to read it",
    )


# -------------------------------------------------------------------------------- role ARN
@rule(FindingCode.ROLE_ACCOUNT)
def role_account(
    role_account: str, account: str, *, path: str = "roleArn", how: str | None = None
) -> Finding:
    """The role is another account's; Clean Rooms ML only assumes the caller's roles."""
    how = (
        how
        if how is not None
        else f"Create the role in {account} (cleanroom_nb.create_role) and use its ARN"
    )
    return Finding(
        "error",
        path,
        FindingCode.ROLE_ACCOUNT,
        f"the role is in account {role_account}, but you are calling from account {account}; "
        f"Clean Rooms ML only assumes roles of the caller's account. {how}",
    )


@rule(FindingCode.ROLE_PARTITION)
def role_partition(
    role_partition: str, region: str | None, partition: str, account: str, name: str
) -> Finding:
    """The role ARN's partition is not the region's."""
    return Finding(
        "error",
        "roleArn",
        FindingCode.ROLE_PARTITION,
        f"the role ARN is in partition {role_partition!r}, but region {region} is in "
        f"partition {partition!r}; write the ARN as arn:{partition}:iam::{account}:role/{name}",
    )


@rule(FindingCode.CODEGEN)
def codegen(path: str, why: str) -> Finding:
    """A request value that generated Python code could not carry (not plain JSON data)."""
    return Finding(
        "error",
        path,
        FindingCode.CODEGEN,
        f"{path} {why}; the generated code would not be valid. Fix the request",
    )
