"""One Athena query execution and one workgroup, as GetQueryExecution and GetWorkGroup give them.

States: ``QUEUED``, ``RUNNING``, ``SUCCEEDED``, ``FAILED``, ``CANCELLED``
(https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatus.html);
statistics (https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatistics.html);
result files ``QueryID.csv`` (DML), ``QueryID.txt`` (DDL), CTAS tables under ``tables/``
(https://docs.aws.amazon.com/athena/latest/ug/querying-finding-output-files.html).

Examples
--------
>>> expected_location("s3://r/out/", "q1", "SELECT 1"), expected_location("s3://r", "q2", "DROP TABLE t")
('s3://r/out/q1.csv', 's3://r/q2.txt')
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import duckdb

from cleanroom_nb.local.athena._results import Result
from cleanroom_nb.local.athena._run import statement_type

FINAL_STATES = ("SUCCEEDED", "FAILED", "CANCELLED")
ENGINE_VERSION = {
    "SelectedEngineVersion": "AUTO",
    "EffectiveEngineVersion": "Athena engine version 3",
}
CANCELLED_REASON = "Query cancelled by user"


@dataclass
class Execution:
    """One query execution (see module docs)."""

    id: str
    query: str
    database: str | None
    catalog: str | None
    workgroup: str
    output: str | None
    region: str
    params: list[str] | None = None
    enforced: bool = False
    state: str = "QUEUED"
    reason: str | None = None
    submitted: float = field(default_factory=time.time)
    started: float | None = None
    completed: float | None = None
    scanned: int = 0
    planning_ms: int = 0
    result: Result | None = None
    location: str | None = None
    manifest: str | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    con: duckdb.DuckDBPyConnection | None = None

    def describe(self) -> dict[str, Any]:
        """The ``QueryExecution`` structure of GetQueryExecution."""
        st, sub = statement_type(self.query)
        now = self.completed or time.time()
        status: dict[str, Any] = {"State": self.state, "SubmissionDateTime": self.submitted}
        if self.completed is not None:
            status["CompletionDateTime"] = self.completed
        if self.reason:
            status["StateChangeReason"] = self.reason
        if self.state == "FAILED":
            status["AthenaError"] = {
                "ErrorCategory": 2,
                "Retryable": False,
                "ErrorMessage": self.reason or "",
            }
        engine_ms = int(((now - self.started) if self.started else 0) * 1000)
        queue_ms = int(((self.started or now) - self.submitted) * 1000)
        stats: dict[str, Any] = {
            "EngineExecutionTimeInMillis": engine_ms,
            "DataScannedInBytes": self.scanned,
            "TotalExecutionTimeInMillis": int((now - self.submitted) * 1000),
            "QueryQueueTimeInMillis": queue_ms,
            "ServicePreProcessingTimeInMillis": 0,
            "QueryPlanningTimeInMillis": self.planning_ms,
            "ServiceProcessingTimeInMillis": 0,
            "ResultReuseInformation": {"ReusedPreviousResult": False},
        }
        if self.manifest:
            stats["DataManifestLocation"] = self.manifest
        out: dict[str, Any] = {
            "QueryExecutionId": self.id,
            "Query": self.query,
            "StatementType": st,
            "SubstatementType": sub,
            "ResultReuseConfiguration": {"ResultReuseByAgeConfiguration": {"Enabled": False}},
            "Status": status,
            "Statistics": stats,
            "WorkGroup": self.workgroup,
            "EngineVersion": dict(ENGINE_VERSION),
        }
        if self.location:
            out["ResultConfiguration"] = {"OutputLocation": self.location}
        if self.database:
            out["QueryExecutionContext"] = {
                "Database": self.database,
                "Catalog": self.catalog or "awsdatacatalog",
            }
        if self.params:
            out["ExecutionParameters"] = list(self.params)
        return out


def new_workgroup(
    name: str, description: str = "", config: dict[str, Any] | None = None
) -> dict[str, Any]:
    cfg = {
        "EnforceWorkGroupConfiguration": False,
        "PublishCloudWatchMetricsEnabled": False,
        "RequesterPaysEnabled": False,
        "EngineVersion": dict(ENGINE_VERSION),
        **(config or {}),
    }
    return {
        "Name": name,
        "State": "ENABLED",
        "Configuration": cfg,
        "Description": description,
        "CreationTime": time.time(),
    }


def expected_location(output: str, query_id: str, sql: str) -> str:
    st, sub = statement_type(sql)
    base = output.rstrip("/")
    if sub == "CREATE_TABLE_AS_SELECT":
        return f"{base}/tables/{query_id}"
    return f"{base}/{query_id}.{'csv' if st == 'DML' else 'txt'}"
