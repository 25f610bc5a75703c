"""Data and AWS set-up shared by the form tests (state, widgets, notebook, browser)."""

from __future__ import annotations

import hashlib
import json

import awswrangler as wr
import boto3
import numpy as np
import pandas as pd

from cleanroom_nb.aws import permissions_policy
from cleanroom_nb.form._state import FormState
from cleanroom_nb.infer._schema import ColumnProfile, ColumnSchema, TrainingSchema

ACCOUNT_ID = "123456789012"
BUCKET = "crn-form-tests"
DATABASE = "shop"
TABLE = "interactions"
ROLE_NAME = "cleanrooms-ml-form"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/{ROLE_NAME}"
OTHER_ROLE_NAME = "lambda-not-for-cleanrooms"

TRUST_CLEANROOMS_ML = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "cleanrooms-ml.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def interactions_frame(n_rows: int = 400, n_users: int = 60, seed: int = 0) -> pd.DataFrame:
    """A small interactions table with obvious roles and one raw-PII column."""
    rng = np.random.default_rng(seed)
    users = rng.integers(0, n_users, n_rows)
    return pd.DataFrame(
        {
            "user_id": [hashlib.sha256(f"user{u}".encode()).hexdigest() for u in users],
            "item_id": rng.integers(1000, 1200, n_rows).astype("int64"),
            "event_time": (1_700_000_000 + np.sort(rng.integers(0, 86_400 * 30, n_rows))).astype(
                "int64"
            ),
            "event_type": rng.choice(["view", "click", "purchase"], n_rows),
            "price": rng.uniform(1, 100, n_rows).round(2),
            "device": rng.choice(["ios", "android", "web"], n_rows),
            "email": [f"user{u}@example.com" for u in users],
        }
    )


def raw_frame() -> pd.DataFrame:
    """Interactions as they often arrive: text times and float ids (NaN made them float)."""
    df = interactions_frame()
    df["event_time"] = pd.to_datetime(df["event_time"], unit="s").dt.strftime("%m/%d/%Y %H:%M")
    df["item_id"] = df["item_id"].astype(float)
    df.loc[3, "item_id"] = np.nan
    return df.drop(columns=["email"])


def ready_frame(n_rows: int = 1_000_000, n_users: int = 200_000, seed: int = 1) -> pd.DataFrame:
    """Interactions large enough for the readiness rules (1M rows, 100k+ users with 2+ rows)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "user_id": rng.integers(0, n_users, n_rows).astype("int64"),
            "item_id": rng.integers(0, 5_000, n_rows).astype("int64"),
            "event_time": (1_700_000_000 + rng.integers(0, 10**7, n_rows)).astype("int64"),
            "device": pd.Categorical.from_codes(
                rng.integers(0, 3, n_rows), ["ios", "android", "web"]
            ).astype(str),
        }
    )


def make_glue_table(
    boto3_session: boto3.Session,
    df: pd.DataFrame | None = None,
    *,
    database: str = DATABASE,
    table: str = TABLE,
) -> pd.DataFrame:
    """Write ``df`` as Parquet to moto's S3 and catalog it in moto's Glue; returns the frame."""
    df = interactions_frame() if df is None else df
    s3 = boto3_session.client("s3")
    if BUCKET not in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]:
        s3.create_bucket(Bucket=BUCKET)
    if database not in wr.catalog.databases(boto3_session=boto3_session)["Database"].tolist():
        wr.catalog.create_database(database, boto3_session=boto3_session)
    wr.s3.to_parquet(
        df,
        f"s3://{BUCKET}/{database}/{table}/",
        dataset=True,
        database=database,
        table=table,
        boto3_session=boto3_session,
    )
    return df


ROLE_TABLES = (
    (DATABASE, TABLE, f"s3://{BUCKET}/{DATABASE}/{TABLE}/"),
    ("frames_db", "clicks", "s3://frames/"),
)
"""The tables the tests' service role may read (a policy each, as cleanroom_nb writes it)."""


def make_roles(boto3_session: boto3.Session) -> str:
    """Create a Clean Rooms ML service role and an unrelated role in moto's IAM.

    The service role can read the tables of :data:`ROLE_TABLES` (the permissions policy of
    ``cleanroom_nb.permissions_policy``), so checks of the role before sending pass.
    """
    iam = boto3_session.client("iam")
    iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=json.dumps(TRUST_CLEANROOMS_ML))
    for i, (database, table, location) in enumerate(ROLE_TABLES):
        policy = permissions_policy(
            database, table, location, region="us-east-1", account_id=ACCOUNT_ID
        )
        iam.put_role_policy(
            RoleName=ROLE_NAME, PolicyName=f"read-{i}", PolicyDocument=json.dumps(policy)
        )
    iam.create_role(RoleName=OTHER_ROLE_NAME, AssumeRolePolicyDocument=json.dumps(TRUST_LAMBDA))
    return ROLE_ARN


def ensure_roles(state: FormState) -> None:
    """Pin the roles the tests rely on (a no-op where the suggestion already agrees)."""
    assert state.schema is not None
    wanted = {
        "user_id": "USER_ID",
        "item_id": "ITEM_ID",
        "event_time": "TIMESTAMP",
        "email": None,
    }
    present = {c.name for c in state.schema.columns}
    for column, role in wanted.items():
        if column in present and state.schema.column(column).role != role:
            assert state.columns.set_role(column, role), state.error_message


def offline_schema(ts_unit: str | None = None) -> TrainingSchema:
    """A Glue-named schema built by hand (no inference), optionally with epoch-ms times."""
    ts_profile = ColumnProfile(
        "int64", 10, 0.0, 10, 1.0, 1.0, time_unit=ts_unit, examples=("1700000000000",)
    )
    return TrainingSchema.from_columns(
        [
            ColumnSchema("user_id", "string", "USER_ID", 0.9, "by hand"),
            ColumnSchema("item_id", "bigint", "ITEM_ID", 0.9, "by hand"),
            ColumnSchema("event_time", "bigint", "TIMESTAMP", 0.9, "by hand", profile=ts_profile),
            ColumnSchema("price", "double", "NUMERICAL_FEATURE", 0.8, "by hand"),
            ColumnSchema("note", "string", None, 0.5, "free text"),
        ],
        glue_names=True,
    )
