"""Data of the audience tests, with figures known by construction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
import numpy as np
import pandas as pd
from athena_tables import parquet_table

import cleanroom_nb as crn

OUT = "s3://athena-results/audience/"
JAN_1 = 1_704_067_200
"""2024-01-01T00:00:00Z."""
FEB_1 = 1_706_745_600
"""2024-02-01T00:00:00Z."""
DAY = 86_400
USERS = 300


def shop_frame() -> pd.DataFrame:
    """300 users; each has two events in January 2024 and one on a February day.

    User ``u`` acts on January day ``u % 30 + 1`` at 10:00 and 20:00 and on February day
    ``u % 28 + 1`` at 12:00. The first event is 2024-01-01T10:00:00Z, the last January one
    2024-01-30T20:00:00Z, the last of all 2024-02-28T12:00:00Z. So:

    * all the data: 900 rows, 300 users with 2+ interactions;
    * January (2024-01-01 .. 2024-02-01): 600 rows, 300 users with 2+;
    * February (2024-02-01 .. 2024-03-01): 300 rows, 0 users with 2+.
    """
    u = np.arange(USERS)
    jan = JAN_1 + (u % 30) * DAY
    feb = FEB_1 + (u % 28) * DAY
    users = np.concatenate([u, u, u])
    times = np.concatenate([jan + 10 * 3600, jan + 20 * 3600, feb + 12 * 3600])
    order = np.argsort(times, kind="stable")
    return pd.DataFrame(
        {
            "user_id": [f"user-{x:04d}" for x in users[order]],
            "item_id": (1000 + (users[order] * 7) % 50).astype("int64"),
            "event_time": times[order].astype("int64"),
        }
    )


@dataclass
class Shop:
    """What the ``shop`` fixture made: the session, the data and its training dataset."""

    session: boto3.Session
    df: pd.DataFrame
    dataset_arn: str
    role_arn: str
    emulator: Any


def make_shop(session: boto3.Session, emulator: Any, df: pd.DataFrame, name: str = "shop") -> Shop:
    s3 = session.client("s3")
    for bucket in ("shop-data", "athena-results", "segments"):
        s3.create_bucket(Bucket=bucket)
    parquet_table(session, df, "shop", "events", "s3://shop-data/events/")
    role = crn.create_role(
        "reader",
        database="shop",
        table="events",
        s3_location="s3://shop-data/events/",
        if_exists="update",
        boto3_session=session,
    )
    schema = [
        {"columnName": "user_id", "columnTypes": ["USER_ID"]},
        {"columnName": "item_id", "columnTypes": ["ITEM_ID"]},
        {"columnName": "event_time", "columnTypes": ["TIMESTAMP"]},
    ]
    request = crn.build_request(
        name=name, role_arn=role, database="shop", table="events", schema=schema
    )
    arn = crn.create_training_dataset(request, boto3_session=session)
    return Shop(session, df, arn, role, emulator)
