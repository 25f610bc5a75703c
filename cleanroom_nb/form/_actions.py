"""What the form asks of the library and of AWS, as one replaceable object: :class:`Actions`.

The form's state never calls ``cleanroom_nb.*`` or a boto3 client directly: it calls
``state.actions.<name>``. The defaults are the library's own functions (imported, not looked
up at run time); a test, or another front end, passes its own (``dataclasses.replace``).

Examples
--------
>>> import dataclasses
>>> fake = dataclasses.replace(Actions(), create_training_dataset=lambda request, **kw: "arn:x")
>>> fake.create_training_dataset({}, wait=False)
'arn:x'
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import boto3

from cleanroom_nb.aws import _client, create_role, permissions_policy, trust_policy
from cleanroom_nb.aws._service_role import SERVICE_PRINCIPAL
from cleanroom_nb.glue import (
    estimate_athena_scan,
    fix_glue_table,
    infer_schema_from_glue,
    register_dataframe,
)
from cleanroom_nb.infer import apply_fix, infer_schema, preview_fix
from cleanroom_nb.readiness import readiness, readiness_from_athena
from cleanroom_nb.request import build_request, to_boto3_code, validate_request
from cleanroom_nb.submit import create_training_dataset, get_training_dataset


def trusts_cleanrooms_ml(policy: Any) -> bool:
    """Whether a trust policy lets ``cleanrooms-ml.amazonaws.com`` assume the role.

    Parameters
    ----------
    policy
        The policy document as IAM returns it: a dict, or JSON text (possibly URL-encoded).

    Examples
    --------
    >>> trusts_cleanrooms_ml({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
    ...     "Principal": {"Service": "cleanrooms-ml.amazonaws.com"}}]})
    True
    >>> trusts_cleanrooms_ml({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
    ...     "Principal": {"Service": "cleanrooms.amazonaws.com"}}]})
    False
    """
    if isinstance(policy, str):
        try:
            policy = json.loads(urllib.parse.unquote(policy))
        except ValueError:
            return False
    if not isinstance(policy, Mapping):
        return False
    statements = policy.get("Statement", [])
    if isinstance(statements, Mapping):
        statements = [statements]
    for st in statements:
        if not isinstance(st, Mapping) or st.get("Effect", "Allow") != "Allow":
            continue
        actions = st.get("Action", [])
        actions = [actions] if isinstance(actions, str) else list(actions)
        if not any(a in ("sts:AssumeRole", "sts:*", "*") for a in actions):
            continue
        principal = st.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, Mapping) else []
        services = [services] if isinstance(services, str) else list(services)
        if SERVICE_PRINCIPAL in services:
            return True
    return False


def caller_identity(boto3_session: boto3.Session | None = None) -> dict[str, str]:
    """``sts:GetCallerIdentity``: the caller's ``Account`` and ``Arn``."""
    ident = _client.client("sts", boto3_session).get_caller_identity()
    return {"Account": str(ident["Account"]), "Arn": str(ident.get("Arn", ""))}


def service_roles(boto3_session: boto3.Session | None = None) -> list[str]:
    """The ARNs of the IAM roles Clean Rooms ML may assume (``iam:ListRoles``), sorted."""
    iam = _client.client("iam", boto3_session)
    return sorted(
        str(role["Arn"])
        for page in iam.get_paginator("list_roles").paginate()
        for role in page.get("Roles", [])
        if trusts_cleanrooms_ml(role.get("AssumeRolePolicyDocument"))
    )


def glue_databases(
    catalog_id: str | None = None, *, boto3_session: boto3.Session | None = None
) -> list[str]:
    """The Glue databases of the catalog (awswrangler), sorted."""
    import awswrangler as wr

    dbs = wr.catalog.get_databases(catalog_id=catalog_id, boto3_session=boto3_session)
    return sorted(str(d["Name"]) for d in dbs)


def glue_tables(
    database: str, catalog_id: str | None = None, *, boto3_session: boto3.Session | None = None
) -> list[str]:
    """The tables of a Glue database, sorted; a missing database is an error."""
    import awswrangler as wr

    glue = _client.client("glue", boto3_session)
    ids = {"CatalogId": catalog_id} if catalog_id else {}
    glue.get_database(Name=database, **ids)  # wrangler lists nothing for a missing database
    tables = wr.catalog.get_tables(
        database=database, catalog_id=catalog_id, boto3_session=boto3_session
    )
    return sorted(str(t["Name"]) for t in tables)


def _today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


@dataclass(frozen=True)
class Actions:
    """The library functions and AWS look-ups the form calls; replace any of them in tests.

    Every field takes the same arguments as the library function of the same name.
    """

    infer_schema: Callable[..., Any] = infer_schema
    infer_schema_from_glue: Callable[..., Any] = infer_schema_from_glue
    register_dataframe: Callable[..., Any] = register_dataframe
    build_request: Callable[..., Any] = build_request
    validate_request: Callable[..., Any] = validate_request
    to_boto3_code: Callable[..., Any] = to_boto3_code
    readiness: Callable[..., Any] = readiness
    readiness_from_athena: Callable[..., Any] = readiness_from_athena
    create_training_dataset: Callable[..., Any] = create_training_dataset
    get_training_dataset: Callable[..., Any] = get_training_dataset
    create_role: Callable[..., Any] = create_role
    trust_policy: Callable[..., Any] = trust_policy
    permissions_policy: Callable[..., Any] = permissions_policy
    apply_fix: Callable[..., Any] = apply_fix
    preview_fix: Callable[..., Any] = preview_fix
    fix_glue_table: Callable[..., Any] = fix_glue_table
    estimate_athena_scan: Callable[..., Any] = estimate_athena_scan
    caller_identity: Callable[..., dict[str, str]] = caller_identity
    service_roles: Callable[..., list[str]] = service_roles
    glue_databases: Callable[..., list[str]] = glue_databases
    glue_tables: Callable[..., list[str]] = glue_tables
    today: Callable[[], datetime.date] = _today

    def replace(self, **changes: Callable[..., Any]) -> Actions:
        """A copy with some actions replaced (``dataclasses.replace``)."""
        return dataclasses.replace(self, **changes)
