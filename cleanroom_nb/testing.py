"""pytest fixtures for your own tests: local AWS (moto), the Clean Rooms ML emulator, Glue tables.

Use them from your ``conftest.py``::

    pytest_plugins = ["cleanroom_nb.testing"]

then ask for them in a test (the library's own tests use these very fixtures):

``cleanrooms``
    A running :class:`~cleanroom_nb.CleanRoomsMLEmulator` (one per test session, emptied
    before and after each test), with ``AWS_ENDPOINT_URL_CLEANROOMSML`` pointing at it and
    ``AWS_ENDPOINT_URL`` at moto (``aws``) for Glue, S3, IAM and STS.
``aws``
    moto's server (one per session, reset for each test) behind ``AWS_ENDPOINT_URL``, with
    fake credentials and a region: nothing reaches real AWS.
``boto3_session``
    A :class:`boto3.Session` for ``aws``.
``glue_table``
    A factory of Glue tables in the style of awswrangler's own conftest: each call makes a
    table with a fresh database and table name (unless you name them), writes it through the
    library (:func:`cleanroom_nb.register_dataframe`, or awswrangler's catalog for a table
    without data) and deletes it, its files and its database after the test.

Examples
--------
Tests using the fixtures::

    def test_submit(cleanrooms):
        arn = crn.create_training_dataset(request)
        assert arn in cleanrooms.datasets

    def test_schema_of_a_table(glue_table):
        t = glue_table(df)                       # fresh names, data written by the library
        schema = crn.infer_schema_from_glue(t.database, t.table, boto3_session=t.session)
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from cleanroom_nb.aws import _client
from cleanroom_nb.local.cleanroomsml import ENDPOINT_ENV, CleanRoomsMLEmulator

if TYPE_CHECKING:
    import pandas as pd

    from cleanroom_nb.infer._schema import TrainingSchema

REGION = "us-east-1"
"""The region of the fixtures' session and emulator."""
ACCOUNT_ID = "123456789012"
"""moto's default account, which the emulator uses too."""
BUCKET = "cleanroom-nb-tests"
"""The S3 bucket ``glue_table`` writes to (created when missing)."""

_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def fresh_name(prefix: str) -> str:
    """A name no other test uses: ``prefix`` and 12 random hex digits (Glue-safe).

    Examples
    --------
    >>> name = fresh_name("tbl")
    >>> name.startswith("tbl_"), len(name), fresh_name("tbl") != name
    (True, 16, True)
    """
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's threaded server on 127.0.0.1; yields its base URL. One per test session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point every AWS client (boto3, awswrangler, pyarrow) at a freshly reset moto server,
    with fake credentials and a region. Yields the endpoint URL."""
    import requests

    for key, value in _FAKE_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    requests.post(f"{moto_server}/moto-api/reset", timeout=10)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    yield moto_server


@pytest.fixture
def boto3_session(aws: str) -> boto3.Session:
    """A boto3 session with fake credentials in :data:`REGION`, talking to moto (``aws``).

    Each test gets a new session; they share one botocore data loader with the library's own
    sessions (``aws/_client``), so the service models are parsed once per run, not per test.
    """
    return boto3.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        region_name=REGION,
        botocore_session=_client.botocore_session(),
    )


@pytest.fixture(scope="session")
def cleanrooms_emulator() -> Iterator[CleanRoomsMLEmulator]:
    """A Clean Rooms ML emulator on 127.0.0.1 (moto's account), started once per session."""
    with CleanRoomsMLEmulator(account_id=ACCOUNT_ID, region=REGION) as emu:
        yield emu


@pytest.fixture
def cleanrooms(
    aws: str, cleanrooms_emulator: CleanRoomsMLEmulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CleanRoomsMLEmulator]:
    """A freshly reset Clean Rooms ML emulator, with moto (``aws``) for everything else.

    ``AWS_ENDPOINT_URL_CLEANROOMSML`` points at the emulator for the test; ``AWS_ENDPOINT_URL``
    at moto. Yields the :class:`cleanroom_nb.CleanRoomsMLEmulator` (``.url``, ``.datasets``,
    ``.calls``, ``.throttle(n)``, ``.inject_error(...)``, ``.deny_pass_role(arn)``); settings a
    test changes (page size, account) are put back afterwards.
    """

    def fresh() -> None:
        cleanrooms_emulator.reset()
        cleanrooms_emulator.default_page_size = 100
        cleanrooms_emulator.account_id = ACCOUNT_ID

    fresh()
    monkeypatch.setenv(ENDPOINT_ENV, cleanrooms_emulator.url)
    yield cleanrooms_emulator
    fresh()


@dataclass(frozen=True)
class GlueTable:
    """A table made by the ``glue_table`` fixture."""

    database: str
    table: str
    path: str
    """The S3 prefix of its files (``s3://bucket/table/``)."""
    session: boto3.Session
    schema: TrainingSchema | None = None
    """What :func:`cleanroom_nb.register_dataframe` returned (None for a table without data)."""

    @property
    def uri(self) -> str:
        """``database.table``."""
        return f"{self.database}.{self.table}"


GlueTableFactory = Callable[..., GlueTable]


@pytest.fixture
def glue_table(boto3_session: boto3.Session) -> Iterator[GlueTableFactory]:
    """A factory of Glue tables with fresh names, written through the library, cleaned up.

    ``glue_table(df, schema=None, *, database=None, table=None, path=None, **kwargs)`` writes
    ``df`` with :func:`cleanroom_nb.register_dataframe` (``kwargs`` go to it);
    ``glue_table(columns_types={...}, partitions_types=None, ...)`` catalogues a Parquet table
    without data through awswrangler (``wr.catalog.create_parquet_table``). Names default to
    :func:`fresh_name`; the path to ``s3://cleanroom-nb-tests/<table>/``. Returns a
    :class:`GlueTable`. After the test every table, its files and its database are deleted.
    """
    import awswrangler as wr

    import cleanroom_nb as crn

    made: list[GlueTable] = []
    buckets: set[str] = set()

    def make(
        df: pd.DataFrame | None = None,
        schema: TrainingSchema | None = None,
        *,
        database: str | None = None,
        table: str | None = None,
        path: str | None = None,
        columns_types: Mapping[str, str] | None = None,
        partitions_types: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> GlueTable:
        database = database or fresh_name("db")
        table = table or fresh_name("tbl")
        path = path or f"s3://{BUCKET}/{table}/"
        bucket = path.split("/")[2]
        if bucket not in buckets:
            s3 = boto3_session.client("s3")
            existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
            if bucket not in existing:
                s3.create_bucket(Bucket=bucket)
            buckets.add(bucket)
        if (df is None) == (columns_types is None):
            raise crn.InvalidArgumentError(
                "glue_table: give a DataFrame (register_dataframe) or columns_types (a table "
                "without data), not both"
            )
        written = None
        if df is not None:
            kwargs.setdefault("progress", False)
            written = crn.register_dataframe(
                df, path, database, table, schema=schema, boto3_session=boto3_session, **kwargs
            )
        else:
            wr.catalog.create_database(database, exist_ok=True, boto3_session=boto3_session)
            wr.catalog.create_parquet_table(
                database=database,
                table=table,
                path=path,
                columns_types=dict(columns_types or {}),
                partitions_types=dict(partitions_types or {}),
                boto3_session=boto3_session,
                **kwargs,
            )
        made.append(GlueTable(database, table, path, boto3_session, written))
        return made[-1]

    yield make

    try:
        for t in reversed(made):
            wr.catalog.delete_table_if_exists(
                database=t.database, table=t.table, boto3_session=boto3_session
            )
            wr.s3.delete_objects(t.path, boto3_session=boto3_session)
        for database in dict.fromkeys(t.database for t in made):
            if not list(wr.catalog.get_tables(database=database, boto3_session=boto3_session)):
                wr.catalog.delete_database(database, boto3_session=boto3_session)
    except Exception as exc:  # e.g. a test that cut the network: say so, do not fail the test
        names = ", ".join(t.uri for t in made)
        warnings.warn(f"glue_table could not delete {names}: {exc!r}", stacklevel=1)
