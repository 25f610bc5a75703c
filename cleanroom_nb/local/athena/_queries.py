"""Athena's query executions and workgroups: the state behind the local Athena's operations.

A query execution is ``QUEUED`` until a worker takes it, ``RUNNING`` while DuckDB runs it,
then ``SUCCEEDED``, ``FAILED`` (with ``StateChangeReason`` and ``AthenaError``) or
``CANCELLED`` (https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatus.html).
Statistics carry ``DataScannedInBytes``, ``EngineExecutionTimeInMillis`` and the other times.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import duckdb

from cleanroom_nb.local.athena._errors import ApiError, QueryError
from cleanroom_nb.local.athena._execution import (
    CANCELLED_REASON,
    ENGINE_VERSION,
    FINAL_STATES,
    Execution,
    expected_location,
    new_workgroup,
)
from cleanroom_nb.local.athena._results import MAX_PAGE
from cleanroom_nb.local.athena._run import Runner
from cleanroom_nb.local.athena._trino import substitute_parameters


class AthenaService:
    """The operations of the local Athena, independent of HTTP (thread-safe).

    Parameters
    ----------
    runner
        Runs statements (DuckDB over moto's Glue and S3).
    max_concurrent
        Queries running at once; later ones stay ``QUEUED``.
    poll_wait
        GetQueryExecution of an unfinished query answers when it finishes or after this many
        seconds, whichever comes first (the answer is the same as Athena's; only sooner).
    min_run_seconds
        Every query stays ``RUNNING`` at least this long (a test knob: lets a test watch a
        running query, show progress, or stop it).
    """

    def __init__(
        self,
        runner: Runner,
        *,
        region: str,
        max_concurrent: int = 2,
        poll_wait: float = 5.0,
        min_run_seconds: float = 0.0,
    ) -> None:
        self.runner = runner
        self.region = region
        self.poll_wait = poll_wait
        self.min_run_seconds = min_run_seconds
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._executions: dict[str, Execution] = {}
        self._order: list[str] = []
        self._tokens: dict[str, str] = {}
        self._workgroups: dict[str, dict[str, Any]] = {"primary": new_workgroup("primary")}
        self._pool = ThreadPoolExecutor(max_workers=max_concurrent, thread_name_prefix="athena")

    def reset(self) -> None:
        """Forget every query execution and workgroup (``primary`` comes back, unconfigured)."""
        with self._lock:
            for ex in self._executions.values():
                ex.cancel.set()
            self._executions.clear()
            self._order.clear()
            self._tokens.clear()
            self._workgroups = {"primary": new_workgroup("primary")}

    def shutdown(self) -> None:
        """Cancel what runs and stop the workers."""
        with self._lock:
            for ex in self._executions.values():
                self._cancel(ex)
        self._pool.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ dispatch
    def call(self, operation: str, payload: dict[str, Any], region: str) -> dict[str, Any]:
        """Answer one operation; raise :class:`ApiError` for a refused request."""
        handler = getattr(self, f"op_{operation}", None)
        if handler is None:
            raise ApiError(
                "UnknownOperationException",
                f"The local Athena does not implement {operation}.",
            )
        result: dict[str, Any] = handler(payload, region)
        return result

    def _get(self, payload: dict[str, Any]) -> Execution:
        qid = payload.get("QueryExecutionId")
        with self._lock:
            ex = self._executions.get(str(qid))
        if ex is None:
            raise ApiError("InvalidRequestException", f"QueryExecution {qid} was not found")
        return ex

    def _wg(self, name: str | None) -> dict[str, Any]:
        wg = self._workgroups.get(name or "primary")
        if wg is None:
            raise ApiError("InvalidRequestException", f"WorkGroup {name} is not found.")
        return wg

    # ------------------------------------------------------------------ queries
    def op_StartQueryExecution(self, payload: dict[str, Any], region: str) -> dict[str, Any]:
        sql = str(payload.get("QueryString") or "")
        token = payload.get("ClientRequestToken")
        with self._lock:
            if token and token in self._tokens:
                return {"QueryExecutionId": self._tokens[token]}
            wg = self._wg(payload.get("WorkGroup"))
            if wg["State"] != "ENABLED":
                raise ApiError("InvalidRequestException", f"WorkGroup {wg['Name']} is disabled.")
            cfg = wg["Configuration"]
            wg_out = (cfg.get("ResultConfiguration") or {}).get("OutputLocation")
            own = (payload.get("ResultConfiguration") or {}).get("OutputLocation")
            output = (
                wg_out if (cfg.get("EnforceWorkGroupConfiguration") and wg_out) else (own or wg_out)
            )
            if not output:
                raise ApiError(
                    "InvalidRequestException",
                    "No output location provided. An output location is required either "
                    "through the Workgroup result configuration setting or as an API input.",
                )
            context = payload.get("QueryExecutionContext") or {}
            qid = str(uuid.uuid4())
            ex = Execution(
                id=qid,
                query=sql,
                database=context.get("Database"),
                catalog=context.get("Catalog"),
                workgroup=wg["Name"],
                output=output,
                region=region,
                params=payload.get("ExecutionParameters"),
                enforced=bool(cfg.get("EnforceWorkGroupConfiguration") and wg_out),
                location=expected_location(output, qid, sql),
            )
            self._executions[qid] = ex
            self._order.append(qid)
            if token:
                self._tokens[token] = qid
        self._pool.submit(self._work, ex)
        return {"QueryExecutionId": qid}

    def _finish(self, ex: Execution, state: str, reason: str | None = None) -> None:
        with self._lock:
            if ex.state in FINAL_STATES:
                return
            ex.state, ex.reason, ex.completed = state, reason, time.time()
            ex.con = None
            self._changed.notify_all()

    def _work(self, ex: Execution) -> None:
        with self._lock:
            if ex.state in FINAL_STATES or ex.cancel.is_set():
                return
            ex.state, ex.started = "RUNNING", time.time()
            self._changed.notify_all()
        if self.min_run_seconds > 0 and ex.cancel.wait(self.min_run_seconds):
            self._finish(ex, "CANCELLED", CANCELLED_REASON)
            return
        try:
            outcome = self.runner.run(
                query_id=ex.id,
                sql=substitute_parameters(ex.query, ex.params) if ex.params else ex.query,
                database=ex.database,
                output=ex.output,
                region=ex.region,
                enforced=ex.enforced,
                on_connection=lambda con: setattr(ex, "con", con),
            )
        except QueryError as exc:
            cancelled = ex.cancel.is_set()
            self._finish(
                ex,
                "CANCELLED" if cancelled else "FAILED",
                CANCELLED_REASON if cancelled else exc.reason,
            )
            return
        except Exception as exc:  # an emulator bug must still end the query, visibly
            self._finish(ex, "FAILED", f"GENERIC_INTERNAL_ERROR: {type(exc).__name__}: {exc}")
            return
        with self._lock:
            ex.result, ex.scanned, ex.planning_ms = (
                outcome.result,
                outcome.scanned,
                outcome.planning_ms,
            )
            ex.location, ex.manifest = outcome.output_location or ex.location, outcome.manifest
        if ex.cancel.is_set():
            self._finish(ex, "CANCELLED", CANCELLED_REASON)
        else:
            self._finish(ex, "SUCCEEDED")

    def op_GetQueryExecution(self, payload: dict[str, Any], region: str) -> dict[str, Any]:
        ex = self._get(payload)
        with self._changed:
            if ex.state not in FINAL_STATES and self.poll_wait > 0:
                self._changed.wait_for(lambda: ex.state in FINAL_STATES, timeout=self.poll_wait)
            return {"QueryExecution": ex.describe()}

    def op_BatchGetQueryExecution(self, payload: dict[str, Any], region: str) -> dict[str, Any]:
        found, missing = [], []
        for qid in payload.get("QueryExecutionIds") or []:
            with self._lock:
                ex = self._executions.get(qid)
                if ex is None:
                    missing.append(
                        {
                            "QueryExecutionId": qid,
                            "ErrorCode": "INVALID_INPUT",
                            "ErrorMessage": f"QueryExecution {qid} was not found",
                        }
                    )
                else:
                    found.append(ex.describe())
        return {"QueryExecutions": found, "UnprocessedQueryExecutionIds": missing}

    def op_ListQueryExecutions(self, payload: dict[str, Any], region: str) -> dict[str, Any]:
        size = int(payload.get("MaxResults") or 50)
        start = self._token(payload.get("NextToken"))
        with self._lock:
            name = self._wg(payload.get("WorkGroup"))["Name"]
            ids = [q for q in reversed(self._order) if self._executions[q].workgroup == name]
        out: dict[str, Any] = {"QueryExecutionIds": ids[start : start + size]}
        if start + size < len(ids):
            out["NextToken"] = str(start + size)
        return out

    @staticmethod
    def _token(token: Any) -> int:
        if token is None:
            return 0
        try:
            return max(0, int(str(token)))
        except ValueError as exc:
            raise ApiError("InvalidRequestException", "The NextToken is not valid.") from exc

    def op_GetQueryResults(self, payload: dict[str, Any], region: str) -> dict[str, Any]:
        ex = self._get(payload)
        if ex.state in ("QUEUED", "RUNNING"):
            raise ApiError(
                "InvalidRequestException",
                f"Query has not yet finished. Current state: {ex.state}",
            )
        if ex.state != "SUCCEEDED" or ex.result is None:
            raise ApiError(
                "InvalidRequestException",
                f"Query did not finish successfully. Final query state: {ex.state}",
            )
        size = min(int(payload.get("MaxResults") or MAX_PAGE), MAX_PAGE)
        start = self._token(payload.get("NextToken"))
        res = ex.result
        out: dict[str, Any] = {
            "ResultSet": {
                "Rows": res.page(start, size),
                "ResultSetMetadata": {"ColumnInfo": res.columns},
            },
        }
        if res.update_count is not None:
            out["UpdateCount"] = res.update_count
        if start + size < res.total_rows():
            out["NextToken"] = str(start + size)
        return out

    def _cancel(self, ex: Execution) -> None:
        ex.cancel.set()
        con = ex.con
        if con is not None:
            with contextlib.suppress(duckdb.Error):
                con.interrupt()
        if ex.state == "QUEUED":
            self._finish(ex, "CANCELLED", CANCELLED_REASON)

    def op_StopQueryExecution(self, payload: dict[str, Any], region: str) -> dict[str, Any]:
        ex = self._get(payload)
        with self._lock:
            if ex.state not in FINAL_STATES:
                self._cancel(ex)
        return {}

    # ------------------------------------------------------------------ workgroups
    def op_GetWorkGroup(self, payload: dict[str, Any], region: str) -> dict[str, Any]:
        with self._lock:
            return {"WorkGroup": self._wg(payload.get("WorkGroup"))}

    def op_ListWorkGroups(self, payload: dict[str, Any], region: str) -> dict[str, Any]:
        with self._lock:
            groups = [
                {
                    "Name": w["Name"],
                    "State": w["State"],
                    "Description": w["Description"],
                    "CreationTime": w["CreationTime"],
                    "EngineVersion": dict(ENGINE_VERSION),
                }
                for w in self._workgroups.values()
            ]
        return {"WorkGroups": groups}

    def op_CreateWorkGroup(self, payload: dict[str, Any], region: str) -> dict[str, Any]:
        name = str(payload.get("Name"))
        with self._lock:
            if name in self._workgroups:
                raise ApiError("InvalidRequestException", "WorkGroup is already created")
            self._workgroups[name] = new_workgroup(
                name, str(payload.get("Description") or ""), payload.get("Configuration")
            )
        return {}

    def op_DeleteWorkGroup(self, payload: dict[str, Any], region: str) -> dict[str, Any]:
        name = str(payload.get("WorkGroup"))
        with self._lock:
            self._wg(name)
            if name == "primary":
                raise ApiError("InvalidRequestException", "The primary workgroup cannot be deleted")
            del self._workgroups[name]
        return {}
