"""Fixtures of the submit tests: a Glue table and its service role in moto."""

from __future__ import annotations

import boto3
import pytest

import cleanroom_nb as crn
from cleanroom_nb.local.cleanroomsml import CleanRoomsMLEmulator
from cleanroom_nb.submit import _once


@pytest.fixture(autouse=True)
def backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """call_once's retry policy with its waits recorded instead of slept (the list of waits)."""
    waits: list[float] = []
    monkeypatch.setattr(_once, "POLICY", _once.RetryPolicy(sleep=waits.append))
    return waits


@pytest.fixture
def glue_table(cleanrooms: CleanRoomsMLEmulator, boto3_session: boto3.Session) -> None:
    glue = boto3_session.client("glue")
    glue.create_database(DatabaseInput={"Name": "sales"})
    glue.create_table(
        DatabaseName="sales",
        TableInput={
            "Name": "events",
            "StorageDescriptor": {
                "Columns": [
                    {"Name": "user_id", "Type": "string"},
                    {"Name": "item_id", "Type": "bigint"},
                    {"Name": "ts", "Type": "bigint"},
                    {"Name": "price", "Type": "double"},
                ],
                "Location": "s3://bucket/events/",
                "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "SerdeInfo": {
                    "SerializationLibrary": (
                        "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
                    )
                },
            },
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"classification": "parquet"},
        },
    )
    # the service role, as the user guide makes it (validate_request reads it through IAM)
    crn.create_role(
        "reader",
        database="sales",
        table="events",
        s3_location="s3://bucket/events/",
        boto3_session=boto3_session,
    )
