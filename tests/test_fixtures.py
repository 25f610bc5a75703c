"""The shared fixtures of cleanroom_nb.testing (issue 17, item 10): one ``cleanrooms``, and a
``glue_table`` factory in awswrangler's conftest style (fresh names, written through the
library, cleaned up)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import awswrangler as wr
import boto3
import pandas as pd
import pytest

import cleanroom_nb as crn
from cleanroom_nb.local import CleanRoomsMLEmulator
from cleanroom_nb.testing import GlueTable, GlueTableFactory


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": [f"u{i % 5}" for i in range(20)],
            "item_id": [i % 3 for i in range(20)],
            "ts": [1_700_000_000 + i for i in range(20)],
        }
    )


@pytest.fixture
def made(boto3_session: boto3.Session) -> Iterator[list[GlueTable]]:
    """The tables a test made; after ``glue_table``'s teardown (it is set up first), checks that
    each table, its files and its database are gone."""
    tables: list[GlueTable] = []
    yield tables
    for t in tables:
        assert not wr.catalog.does_table_exist(t.database, t.table, boto3_session=boto3_session)
        assert wr.s3.list_objects(t.path, boto3_session=boto3_session) == []
        assert t.database not in [
            d["Name"] for d in wr.catalog.get_databases(boto3_session=boto3_session)
        ]


def test_glue_table_writes_through_the_library_with_fresh_names(
    made: list[GlueTable], glue_table: GlueTableFactory
) -> None:
    a, b = glue_table(_frame()), glue_table(_frame())
    made += [a, b]
    assert len({a.database, b.database}) == 2 and len({a.table, b.table}) == 2
    assert isinstance(a.schema, crn.TrainingSchema)  # what register_dataframe returned
    assert len(wr.s3.read_parquet(a.path, boto3_session=a.session)) == 20
    types = wr.catalog.get_table_types(a.database, a.table, boto3_session=a.session)
    assert types == {"user_id": "string", "item_id": "bigint", "ts": "bigint"}
    schema = crn.infer_schema_from_glue(a.database, a.table, boto3_session=a.session)
    assert [c.name for c in schema.columns] == ["user_id", "item_id", "ts"]


def test_glue_table_catalogues_a_table_without_data(
    made: list[GlueTable], glue_table: GlueTableFactory
) -> None:
    t = glue_table(columns_types={"user_id": "string"}, partitions_types={"day": "string"})
    made.append(t)
    assert t.schema is None and t.uri == f"{t.database}.{t.table}"
    assert wr.catalog.get_table_types(t.database, t.table, boto3_session=t.session) == {
        "user_id": "string",
        "day": "string",
    }
    with pytest.raises(crn.CleanroomNbError, match="not both"):
        glue_table(_frame(), columns_types={"user_id": "string"})


def test_cleanrooms_is_the_plugins_fixture_with_moto(cleanrooms: object, aws: str) -> None:
    from cleanroom_nb import testing

    assert isinstance(cleanrooms, CleanRoomsMLEmulator)
    assert os.environ["AWS_ENDPOINT_URL_CLEANROOMSML"] == cleanrooms.url
    assert os.environ["AWS_ENDPOINT_URL"] == aws
    assert cleanrooms.account_id == testing.ACCOUNT_ID and cleanrooms.datasets == {}
