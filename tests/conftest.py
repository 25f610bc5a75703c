"""Shared fixtures: fake credentials, moto's server over HTTP for S3/Glue/IAM/STS/Athena."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account

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


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's threaded server on 127.0.0.1; yields its base URL. One per test session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def aws(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point every AWS client (boto3, awswrangler, pyarrow) at a freshly reset moto server.

    Yields the endpoint URL. Tests that need Clean Rooms ML use the ``cleanrooms`` fixture.
    """
    import requests

    requests.post(f"{moto_server}/moto-api/reset", timeout=10)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    yield moto_server


@pytest.fixture
def boto3_session(aws: str) -> boto3.Session:
    """A boto3 session with fake credentials in the test region, talking to moto."""
    return boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )


@pytest.fixture
def glue(boto3_session: boto3.Session) -> boto3.Session:
    """The form tests' AWS: moto with their interactions table catalogued (``form_helpers.
    make_glue_table``) and their service role created (``form_helpers.make_roles``)."""
    from form_helpers import make_glue_table, make_roles

    make_glue_table(boto3_session)
    make_roles(boto3_session)
    return boto3_session


# --- Clean Rooms ML (H4): the local emulator over HTTP ---------------------------------------


@pytest.fixture(scope="session")
def cleanrooms_emulator() -> Iterator[object]:
    """The Clean Rooms ML emulator on 127.0.0.1, started once per test session."""
    from cleanroom_nb.local.cleanroomsml import CleanRoomsMLEmulator

    with CleanRoomsMLEmulator(account_id=ACCOUNT_ID, region=REGION) as emu:
        yield emu


@pytest.fixture
def cleanrooms(
    aws: str, cleanrooms_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """A freshly reset Clean Rooms ML emulator, with moto (``aws``) for everything else.

    ``AWS_ENDPOINT_URL_CLEANROOMSML`` points at the emulator for the test; ``AWS_ENDPOINT_URL``
    at moto. Yields the :class:`cleanroom_nb.CleanRoomsMLEmulator` (``.url``, ``.datasets``,
    ``.calls``, ``.throttle(n)``, ``.inject_error(...)``, ``.deny_pass_role(arn)``).
    """

    def fresh() -> None:
        cleanrooms_emulator.reset()
        cleanrooms_emulator.default_page_size = 100
        cleanrooms_emulator.account_id = ACCOUNT_ID

    fresh()
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLEANROOMSML", cleanrooms_emulator.url)
    yield cleanrooms_emulator
    fresh()


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
