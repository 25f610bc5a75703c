"""Fixtures of the audience tests: a Glue table of interactions, its training dataset and role.

The table is small and its figures are known by construction (``audience_helpers.shop_frame``):
300 users, each with two events in January 2024 and one in February. Clean Rooms ML's minimums
(1,000,000 rows; 100,000 users with 2+ interactions, "Training data requirements for Clean
Rooms ML") are scaled down to 500 rows and 250 users for these tests (``scaled_minimums``), so
that a window can pass or fail on a table of 900 rows; the rule itself is the library's, and
``tests/local/test_demo.py`` runs it at full size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from audience_helpers import OUT, Shop, make_shop, shop_frame

import cleanroom_nb as crn
from cleanroom_nb import _roles
from cleanroom_nb.submit import _once


@pytest.fixture(autouse=True)
def backoff(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The library's retry policy (``call_once``, behind the audience seam) with its waits
    recorded instead of slept (the list of waits)."""
    waits: list[float] = []
    monkeypatch.setattr(_once, "POLICY", _once.RetryPolicy(sleep=waits.append))
    return waits


@pytest.fixture
def scaled_minimums(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clean Rooms ML's minimums scaled down for a 900-row table (see the module docstring)."""
    monkeypatch.setattr(_roles, "MIN_ROWS", 500)
    monkeypatch.setattr(_roles, "MIN_USERS_WITH_TWO_INTERACTIONS", 250)


@pytest.fixture
def shop(
    cleanrooms: Any, local_athena: Any, boto3_session: boto3.Session, scaled_minimums: None
) -> Iterator[Shop]:
    """The shop's table in Glue (Parquet on moto's S3), its service role and training dataset."""
    yield make_shop(boto3_session, cleanrooms, shop_frame())


@pytest.fixture
def model_arn(shop: Shop) -> str:
    """An ACTIVE audience model of the shop's dataset (trained on its January)."""
    return crn.create_audience_model(
        shop.dataset_arn,
        "january",
        training_data_start_time="2024-01-01",
        training_data_end_time="2024-02-01",
        s3_output=OUT,
        progress=False,
        wait=True,
        poll_interval=0.01,
        boto3_session=shop.session,
    )
