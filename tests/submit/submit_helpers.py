"""The request the submit tests send (its Glue table and role come from conftest.events_table)."""

from __future__ import annotations

from typing import Any

import cleanroom_nb as crn

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/cleanrooms-ml-reader"
CREATE = "CreateTrainingDataset"


def _request(name: str = "shoppers", **kw: Any) -> dict[str, Any]:
    schema = [
        {"columnName": "user_id", "columnTypes": ["USER_ID"]},
        {"columnName": "item_id", "columnTypes": ["ITEM_ID"]},
        {"columnName": "ts", "columnTypes": ["TIMESTAMP"]},
        {"columnName": "price", "columnTypes": ["NUMERICAL_FEATURE"]},
    ]
    req = crn.build_request(
        name=name,
        role_arn=kw.pop("role_arn", ROLE),
        database="sales",
        table="events",
        schema=kw.pop("schema", schema),
        description=kw.pop("description", "test data"),
        tags=kw.pop("tags", {"team": "ads"}),
    )
    return dict(req)
