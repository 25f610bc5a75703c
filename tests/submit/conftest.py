"""Fixtures of the submit tests: a Glue table and its service role in moto."""

from __future__ import annotations

import pytest

import cleanroom_nb as crn
from cleanroom_nb.local.cleanroomsml import CleanRoomsMLEmulator
from cleanroom_nb.submit import _once
from cleanroom_nb.testing import GlueTable, GlueTableFactory


@pytest.fixture(autouse=True)
def backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """call_once's retry policy with its waits recorded instead of slept (the list of waits)."""
    waits: list[float] = []
    monkeypatch.setattr(_once, "POLICY", _once.RetryPolicy(sleep=waits.append))
    return waits


@pytest.fixture
def events_table(cleanrooms: CleanRoomsMLEmulator, glue_table: GlueTableFactory) -> GlueTable:
    """sales.events (catalogued through awswrangler by the ``glue_table`` factory) and its
    service role."""
    table = glue_table(
        database="sales",
        table="events",
        path="s3://bucket/events/",
        columns_types={"user_id": "string", "item_id": "bigint", "ts": "bigint", "price": "double"},
    )
    boto3_session = table.session
    # the service role, as the user guide makes it (validate_request reads it through IAM)
    crn.create_role(
        "reader",
        database="sales",
        table="events",
        s3_location="s3://bucket/events/",
        boto3_session=boto3_session,
    )
    return table
