"""Shared fixtures: fake credentials; moto, the emulator and Glue tables from cleanroom_nb.testing."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

REGION = "us-east-1"  # cleanroom_nb.testing.REGION (set here before anything is imported)

# No test may reach real AWS: fake credentials and a region before anything makes a client.
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_SECURITY_TOKEN"] = "testing"
os.environ["AWS_SESSION_TOKEN"] = "testing"
os.environ["AWS_DEFAULT_REGION"] = REGION
os.environ["AWS_REGION"] = REGION
os.environ.pop("AWS_PROFILE", None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
logging.getLogger("werkzeug").setLevel(logging.ERROR)

# conftest files hold fixtures, not doctests. Collected as doctest modules (--doctest-modules),
# each would be imported under the one name "conftest" (the test folders have no __init__.py),
# and the second one would fail with "import file mismatch". pytest still loads them as conftests.
collect_ignore_glob = ["conftest.py", "*/conftest.py"]


# The shared fixtures are the ones users get (cleanroom_nb.testing, a pytest plugin): moto's
# server (``moto_server``, ``aws``, ``boto3_session``), the Clean Rooms ML emulator
# (``cleanrooms_emulator``, ``cleanrooms``) and the ``glue_table`` factory.
pytest_plugins = ["cleanroom_nb.testing"]


@pytest.fixture
def glue(boto3_session: boto3.Session) -> boto3.Session:
    """The form tests' AWS: moto with their interactions table catalogued (``form_helpers.
    make_glue_table``) and their service role created (``form_helpers.make_roles``)."""
    from form_helpers import make_glue_table, make_roles

    make_glue_table(boto3_session)
    make_roles(boto3_session)
    return boto3_session


# --- Athena: the local Athena (SQL on DuckDB over moto's Glue and S3) -----------------------


@pytest.fixture(scope="session")
def local_athena_server(moto_server: str) -> Iterator[Any]:
    """The local Athena on 127.0.0.1, reading moto's Glue and S3; one per test session."""
    from cleanroom_nb.local.athena import LocalAthena

    with LocalAthena(moto_url=moto_server, region=REGION) as athena:
        yield athena


@pytest.fixture
def local_athena(
    aws: str, local_athena_server: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """The local Athena, emptied, with ``AWS_ENDPOINT_URL_ATHENA`` pointing at it (moto for the
    rest). Yields the :class:`cleanroom_nb.local.athena.LocalAthena` (``.url``,
    ``.min_run_seconds``, ``.poll_wait``)."""

    def fresh() -> None:
        local_athena_server.reset()
        local_athena_server.min_run_seconds = 0.0
        local_athena_server.poll_wait = 0.5

    fresh()
    monkeypatch.setenv("AWS_ENDPOINT_URL_ATHENA", local_athena_server.url)
    yield local_athena_server
    fresh()
