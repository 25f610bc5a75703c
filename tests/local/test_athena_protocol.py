"""The local Athena's wire protocol, driven by boto3's own Athena client (JSON 1.1).

Every behaviour asserted here is Athena's documented one:
- query states QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED and StateChangeReason:
  https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatus.html
- statistics: https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatistics.html
- result files ``QueryID.csv`` and ``QueryID.csv.metadata`` in the result location:
  https://docs.aws.amazon.com/athena/latest/ug/querying-finding-output-files.html
- GetQueryResults pages of at most 1000 rows, header first:
  https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
- ListQueryExecutions (MaxResults up to 50) and BatchGetQueryExecution (unprocessed ids):
  https://docs.aws.amazon.com/athena/latest/APIReference/API_ListQueryExecutions.html
  https://docs.aws.amazon.com/athena/latest/APIReference/API_BatchGetQueryExecution.html
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from typing import Any

import boto3
import botocore.config
import botocore.exceptions
import numpy as np
import pandas as pd
import pytest
from athena_tables import parquet_table

OUT = "s3://athena-results/out/"


def _wait(athena: Any, qid: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        qe = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
        if qe["Status"]["State"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
            return qe  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, qe["Status"]
        time.sleep(0.05)


def _start(athena: Any, sql: str, **kw: Any) -> str:
    kw.setdefault("ResultConfiguration", {"OutputLocation": OUT})
    kw.setdefault("QueryExecutionContext", {"Database": "shop"})
    return str(athena.start_query_execution(QueryString=sql, **kw)["QueryExecutionId"])


@pytest.fixture
def shop(local_athena: Any, boto3_session: boto3.Session) -> boto3.Session:
    """A Glue table shop.orders (2,500 rows, a few NULLs) and a result bucket."""
    s3 = boto3_session.client("s3")
    s3.create_bucket(Bucket="athena-results")
    s3.create_bucket(Bucket="shop-data")
    n = 2_500
    df = pd.DataFrame(
        {
            "order_id": np.arange(n, dtype="int64"),
            "customer": [f"c{i % 97}" for i in range(n)],
            "amount": np.round(np.linspace(0.5, 99.5, n), 2),
            "note": pd.array([None if i % 10 == 0 else f'say "hi" {i}' for i in range(n)]),
        }
    )
    parquet_table(boto3_session, df, "shop", "orders", "s3://shop-data/orders/")
    return boto3_session


def test_select_succeeds_and_writes_result_files(shop: boto3.Session) -> None:
    """DML results are ``QueryID.csv`` (header, every value quoted, NULL empty) and
    ``QueryID.csv.metadata`` in the output location; statistics are filled in."""
    athena = shop.client("athena")
    qid = _start(
        athena,
        'SELECT order_id, note, amount * 2 FROM "shop"."orders" WHERE order_id < 3 '
        "ORDER BY order_id",
    )
    qe = _wait(athena, qid)
    assert qe["Status"]["State"] == "SUCCEEDED"
    assert qe["StatementType"] == "DML"
    assert qe["ResultConfiguration"]["OutputLocation"] == f"{OUT}{qid}.csv"
    stats = qe["Statistics"]
    assert stats["DataScannedInBytes"] > 0
    assert stats["EngineExecutionTimeInMillis"] >= 0
    assert stats["TotalExecutionTimeInMillis"] >= stats["EngineExecutionTimeInMillis"]
    assert qe["Status"]["CompletionDateTime"] >= qe["Status"]["SubmissionDateTime"]
    s3 = shop.client("s3")
    body = s3.get_object(Bucket="athena-results", Key=f"out/{qid}.csv")["Body"].read().decode()
    assert body.splitlines() == [
        '"order_id","note","_col2"',
        '"0",,"1.0"',
        '"1","say ""hi"" 1","1.08"',
        '"2","say ""hi"" 2","1.16"',
    ]
    assert s3.head_object(Bucket="athena-results", Key=f"out/{qid}.csv.metadata")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[2][1] == 'say "hi" 1'


def test_get_query_results_pages_with_header_and_types(shop: boto3.Session) -> None:
    """At most 1000 rows a page; the header is the first row of the first page; NULL has no
    VarCharValue; ColumnInfo gives Athena's type names."""
    athena = shop.client("athena")
    qid = _start(athena, 'SELECT order_id, customer, amount, note FROM "shop"."orders"')
    assert _wait(athena, qid)["Status"]["State"] == "SUCCEEDED"
    pages = list(athena.get_paginator("get_query_results").paginate(QueryExecutionId=qid))
    assert [len(p["ResultSet"]["Rows"]) for p in pages] == [1000, 1000, 501]
    info = pages[0]["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]
    assert [(c["Name"], c["Type"]) for c in info] == [
        ("order_id", "bigint"),
        ("customer", "varchar"),
        ("amount", "double"),
        ("note", "varchar"),
    ]
    rows = [r["Data"] for p in pages for r in p["ResultSet"]["Rows"]]
    assert [d["VarCharValue"] for d in rows[0]] == ["order_id", "customer", "amount", "note"]
    data = rows[1:]
    assert len(data) == 2_500
    assert sum(1 for r in data if "VarCharValue" not in r[3]) == 250
    one = athena.get_query_results(QueryExecutionId=qid, MaxResults=1)
    assert len(one["ResultSet"]["Rows"]) == 1 and "NextToken" in one


def test_failed_query_gives_athena_reason(shop: boto3.Session) -> None:
    """A query that cannot run ends FAILED with ``StateChangeReason`` in Athena's shape."""
    athena = shop.client("athena")
    cases = {
        'SELECT nope FROM "shop"."orders"': (
            "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved"
        ),
        'SELECT * FROM "shop"."missing"': (
            "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.shop.missing' does not exist"
        ),
        'SELECT * FROM "nodb"."orders"': "SCHEMA_NOT_FOUND: line 1:15: Schema 'nodb' does not exist",
        "SELECT FROM WHERE": "SYNTAX_ERROR: line 1:",
        'SELECT order_id / 0 FROM "shop"."orders"': "DIVISION_BY_ZERO: Division by zero",
    }
    for sql, reason in cases.items():
        qe = _wait(athena, _start(athena, sql))
        assert qe["Status"]["State"] == "FAILED", sql
        assert qe["Status"]["StateChangeReason"].startswith(reason), qe["Status"]
        assert qe["Status"]["AthenaError"]["ErrorMessage"] == qe["Status"]["StateChangeReason"]
        with pytest.raises(athena.exceptions.InvalidRequestException, match="FAILED"):
            athena.get_query_results(QueryExecutionId=qe["QueryExecutionId"])


def test_states_queued_running_and_stop(shop: boto3.Session, local_athena: Any) -> None:
    """Beyond the running capacity a query stays QUEUED; StopQueryExecution ends a running or
    queued query CANCELLED; results of an unfinished query are refused."""
    local_athena.min_run_seconds = 30.0
    athena = shop.client("athena")
    ids = [_start(athena, 'SELECT count(*) FROM "shop"."orders"') for _ in range(3)]
    states = {}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        states = {
            q: athena.get_query_execution(QueryExecutionId=q)["QueryExecution"]["Status"]["State"]
            for q in ids
        }
        if states[ids[0]] == "RUNNING" and states[ids[1]] == "RUNNING":
            break
    assert [states[q] for q in ids] == ["RUNNING", "RUNNING", "QUEUED"]
    with pytest.raises(athena.exceptions.InvalidRequestException, match="not yet finished"):
        athena.get_query_results(QueryExecutionId=ids[0])
    for q in ids:
        athena.stop_query_execution(QueryExecutionId=q)
    for q in ids:
        assert _wait(athena, q)["Status"]["State"] == "CANCELLED"
    athena.stop_query_execution(QueryExecutionId=ids[0])  # stopping a finished query: no-op


def test_workgroups_and_output_location(shop: boto3.Session) -> None:
    """GetWorkGroup gives the result location; an enforced workgroup location wins; without
    any location StartQueryExecution is refused; an unknown workgroup is an
    InvalidRequestException."""
    athena = shop.client("athena")
    primary = athena.get_work_group(WorkGroup="primary")["WorkGroup"]
    assert primary["State"] == "ENABLED"
    assert "ResultConfiguration" not in primary["Configuration"]
    with pytest.raises(athena.exceptions.InvalidRequestException, match="not found"):
        athena.get_work_group(WorkGroup="nope")
    with pytest.raises(athena.exceptions.InvalidRequestException, match="No output location"):
        athena.start_query_execution(QueryString="SELECT 1")
    athena.create_work_group(
        Name="analysts",
        Configuration={
            "ResultConfiguration": {"OutputLocation": "s3://athena-results/wg/"},
            "EnforceWorkGroupConfiguration": True,
        },
    )
    wg = athena.get_work_group(WorkGroup="analysts")["WorkGroup"]["Configuration"]
    assert wg["ResultConfiguration"]["OutputLocation"] == "s3://athena-results/wg/"
    qid = _start(athena, "SELECT 1 AS one", WorkGroup="analysts")
    qe = _wait(athena, qid)
    assert qe["ResultConfiguration"]["OutputLocation"] == f"s3://athena-results/wg/{qid}.csv"
    assert qe["WorkGroup"] == "analysts"
    names = [w["Name"] for w in athena.list_work_groups()["WorkGroups"]]
    assert sorted(names) == ["analysts", "primary"]


def test_list_and_batch_get(shop: boto3.Session) -> None:
    """ListQueryExecutions lists a workgroup's queries newest first, paged;
    BatchGetQueryExecution returns unknown ids as unprocessed."""
    athena = shop.client("athena")
    ids = [_start(athena, f"SELECT {i} AS i") for i in range(3)]
    for q in ids:
        _wait(athena, q)
    first = athena.list_query_executions(WorkGroup="primary", MaxResults=2)
    assert first["QueryExecutionIds"] == ids[::-1][:2]
    rest = athena.list_query_executions(
        WorkGroup="primary", MaxResults=2, NextToken=first["NextToken"]
    )
    assert rest["QueryExecutionIds"] == [ids[0]] and "NextToken" not in rest
    got = athena.batch_get_query_execution(QueryExecutionIds=[ids[1], "no-such-id"])
    assert [q["QueryExecutionId"] for q in got["QueryExecutions"]] == [ids[1]]
    assert [u["QueryExecutionId"] for u in got["UnprocessedQueryExecutionIds"]] == ["no-such-id"]
    with pytest.raises(athena.exceptions.InvalidRequestException, match="no-such-id"):
        athena.get_query_execution(QueryExecutionId="no-such-id")


def test_unknown_operation_is_an_error(shop: boto3.Session) -> None:
    """An operation the local Athena does not implement fails loudly, never silently."""
    athena = shop.client("athena")
    with pytest.raises(botocore.exceptions.ClientError, match="does not implement"):
        athena.list_named_queries()


def test_local_aws_routes_athena_to_the_local_athena() -> None:
    """``local_aws()`` starts the local Athena and routes Athena there with
    ``AWS_ENDPOINT_URL_ATHENA``; moto still serves S3 and Glue."""
    from cleanroom_nb.local import local_aws

    with local_aws() as local:
        assert local.athena is not None
        assert os.environ["AWS_ENDPOINT_URL_ATHENA"] == local.athena_url
        assert "AWS_ENDPOINT_URL_ATHENA" in local.env
        boto3.client("s3").create_bucket(Bucket="results-here")
        athena = boto3.client("athena")
        qid = athena.start_query_execution(
            QueryString="SELECT 6 * 7 AS answer",
            ResultConfiguration={"OutputLocation": "s3://results-here/"},
        )["QueryExecutionId"]
        _wait(athena, qid)
        rows = athena.get_query_results(QueryExecutionId=qid)["ResultSet"]["Rows"]
        assert rows[1]["Data"] == [{"VarCharValue": "42"}]
    assert (
        "AWS_ENDPOINT_URL_ATHENA" not in os.environ
        or os.environ["AWS_ENDPOINT_URL_ATHENA"] != local.athena_url
    )


def test_main_local_serves_athena_and_prints_its_endpoint() -> None:
    """``python -m cleanroom_nb local`` starts the local Athena too and prints the
    ``AWS_ENDPOINT_URL_ATHENA`` export line a shell or a notebook kernel needs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cleanroom_nb", "local", "--region", "eu-central-1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines: dict[str, str] = {}
        assert proc.stdout is not None
        while "AWS_DEFAULT_REGION" not in lines:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else "no output"
            if line.startswith("export "):
                k, v = line[len("export ") :].strip().split("=", 1)
                lines[k] = v
        url = lines["AWS_ENDPOINT_URL_ATHENA"]
        athena = boto3.client("athena", endpoint_url=url, region_name="eu-central-1")
        assert athena.get_work_group(WorkGroup="primary")["WorkGroup"]["Name"] == "primary"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        athena.get_work_group(WorkGroup="primary")


def test_stop_closes_keep_alive_connections(moto_server: str) -> None:
    """After stop() a client with a pooled connection cannot reach a stopped service."""
    from cleanroom_nb.local.athena import LocalAthena

    athena_server = LocalAthena(moto_url=moto_server).start()
    client = boto3.client(
        "athena",
        endpoint_url=athena_server.url,
        region_name="us-east-1",
        config=botocore.config.Config(retries={"max_attempts": 1}),
    )
    assert client.list_work_groups()["WorkGroups"]
    cache = athena_server.cache_dir
    athena_server.stop()
    with pytest.raises(
        (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionClosedError)
    ):
        client.list_work_groups()
    assert not cache.exists()
