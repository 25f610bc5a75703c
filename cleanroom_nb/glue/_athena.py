"""Run one Athena query through awswrangler: progress, bytes scanned, clear errors.

Both the readiness query (:func:`cleanroom_nb.readiness_from_athena`) and the table rewrite
(:func:`cleanroom_nb.fix_glue_table`) send ONE statement to Athena. This module runs it the same
way for both: awswrangler starts it and polls it; :class:`AthenaWatcher` follows those calls
through botocore's events (no extra requests) and shows the state and the bytes scanned as one
line of progress; a failure becomes a :class:`cleanroom_nb.AwsError` with Athena's reason and
the fix.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import boto3
import botocore.exceptions
import pandas as pd

from cleanroom_nb import _errors
from cleanroom_nb._progress import Progress
from cleanroom_nb.aws import _client

if TYPE_CHECKING:
    from cleanroom_nb.glue._scan_estimate import ScanEstimate


def quote_identifier(identifier: str) -> str:
    """A double-quoted SQL identifier (Athena/Trino and DuckDB alike).

    Examples
    --------
    >>> print(quote_identifier("event_time"), quote_identifier('a"b'))
    "event_time" "a""b"
    """
    return '"' + identifier.replace('"', '""') + '"'


def fmt_bytes(n: int) -> str:
    """A byte count for people: ``B``, ``KB``, ``MB``, ``GB`` or ``TB`` (powers of 1024).

    Examples
    --------
    >>> fmt_bytes(512), fmt_bytes(123_456_789)
    ('512 B', '117.7 MB')
    """
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover


class AthenaWatcher:
    """Follows awswrangler's own Athena calls through botocore events: no extra requests.

    ``StartQueryExecution`` gives the query id; every ``GetQueryExecution`` poll gives the
    state and the bytes scanned so far, shown on ``progress`` (a
    :class:`cleanroom_nb._progress.Progress`, which keeps the elapsed time ticking).
    """

    def __init__(self, session: boto3.Session, progress: Progress) -> None:
        self.session = session
        self.progress = progress
        self.query_id: str | None = None
        self.state: str | None = None
        self.bytes_scanned: int | None = None
        self._uid = f"cleanroom_nb-athena-{id(self)}"

    def _on_start(self, parsed: dict[str, Any], **_: Any) -> None:
        self.query_id = parsed.get("QueryExecutionId")
        self.state = "QUEUED"
        self.progress.update(f"query {self.query_id} submitted")

    def _on_poll(self, parsed: dict[str, Any], **_: Any) -> None:
        qe = parsed.get("QueryExecution") or {}
        if self.query_id and qe.get("QueryExecutionId") not in (None, self.query_id):
            return
        self.state = (qe.get("Status") or {}).get("State", self.state)
        scanned = (qe.get("Statistics") or {}).get("DataScannedInBytes")
        if scanned is not None:
            self.bytes_scanned = int(scanned)
        self._show()

    def _show(self) -> None:
        scanned = f", {fmt_bytes(self.bytes_scanned)} scanned" if self.bytes_scanned else ""
        self.progress.update(f"{self.state or 'starting'}{scanned}")

    def __enter__(self) -> AthenaWatcher:
        ev = self.session.events
        ev.register(
            "after-call.athena.StartQueryExecution", self._on_start, unique_id=self._uid + "-start"
        )
        ev.register(
            "after-call.athena.GetQueryExecution", self._on_poll, unique_id=self._uid + "-poll"
        )
        return self

    def __exit__(self, *exc: object) -> None:
        ev = self.session.events
        ev.unregister("after-call.athena.StartQueryExecution", unique_id=self._uid + "-start")
        ev.unregister("after-call.athena.GetQueryExecution", unique_id=self._uid + "-poll")


def athena_error(exc: BaseException, *, what: str) -> _errors.CleanroomNbError:
    """A library error for a failed Athena call: Athena's reason and the fix.

    ``what`` says what was being done (``"running the readiness query on db.t in Athena"``).

    Examples
    --------
    >>> import awswrangler as wr
    >>> err = athena_error(wr.exceptions.QueryFailed("TABLE_NOT_FOUND: t"), what="reading t")
    >>> type(err).__name__, "Glue keeps them lowercase" in str(err)
    ('AwsError', True)
    """
    import awswrangler as wr

    if isinstance(exc, wr.exceptions.QueryFailed):
        msg = str(exc)
        fix = "Check the table in the Athena console (SELECT * FROM it LIMIT 10)."
        if "TABLE_NOT_FOUND" in msg or "does not exist" in msg:
            fix = (
                "Check the database and table names (Glue keeps them lowercase) and the "
                "region of the session."
            )
        elif "Access Denied" in msg or "AccessDenied" in msg:
            fix = (
                "The caller needs s3:GetObject/ListBucket on the table's data and s3:PutObject "
                "on the query results location, plus glue:GetTable."
            )
        elif "HIVE_BAD_DATA" in msg or "HIVE_CANNOT_OPEN_SPLIT" in msg:
            fix = "A data file does not match the table's schema or format; fix the file or table."
        elif "COLUMN_NOT_FOUND" in msg:
            fix = (
                "The table has no such column: the schema is another table's, or the table "
                "changed. Infer it again (cleanroom_nb.infer_schema_from_glue)."
            )
        elif "HIVE_PATH_ALREADY_EXISTS" in msg:
            fix = "The target S3 location is not empty: choose an empty prefix."
        elif "ALREADY_EXISTS" in msg or "already exists" in msg:
            fix = "A table of that name exists: choose another name or drop it first."
        return _errors.AwsError(f"{what}: the query failed ({msg}). {fix}", code="QueryFailed")
    if isinstance(exc, _client.wrangler_errors()):
        return _errors.AwsError(f"{what}: {type(exc).__name__}: {exc}")
    return _client.translate(exc, what=what)


def check_workgroup(workgroup: str, session: boto3.Session) -> dict[str, Any]:
    """The workgroup's description (``GetWorkGroup``).

    Raises
    ------
    NotFoundError
        ``workgroup`` does not exist (the message names those that do).
    """
    athena = _client.client("athena", session)
    try:
        found: dict[str, Any] = athena.get_work_group(WorkGroup=workgroup).get("WorkGroup") or {}
    except botocore.exceptions.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        msg = exc.response.get("Error", {}).get("Message", "")
        if code != "InvalidRequestException" or "not found" not in msg.lower():
            raise _client.translate(exc, what=f"reading Athena workgroup {workgroup!r}") from exc
        found = {}
    except botocore.exceptions.BotoCoreError as exc:
        raise _client.translate(exc, what=f"reading Athena workgroup {workgroup!r}") from exc
    if found:
        return found
    try:
        names = [w["Name"] for w in athena.list_work_groups().get("WorkGroups", [])]
    except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError):
        names = []
    listed = f" Workgroups in {session.region_name}: {', '.join(names)}." if names else ""
    raise _errors.NotFoundError(
        f"Athena workgroup {workgroup!r} was not found in {session.region_name}.{listed} "
        "Pass workgroup= with an existing one (the default is 'primary').",
        code="InvalidRequestException",
    )


@dataclass
class QueryRun:
    """What one Athena query did: its id, final state, bytes scanned and result (if read).

    ``frame`` holds the result rows of a query whose result was read (:func:`run_query` with
    ``read_result=True``), else None.
    """

    query_id: str | None
    state: str | None
    bytes_scanned: int | None
    seconds: float
    frame: pd.DataFrame | None = None


def run_query(
    sql: str,
    *,
    database: str,
    what: str,
    title: str,
    read_result: bool,
    workgroup: str = "primary",
    s3_output: str | None = None,
    progress: bool = True,
    estimate: ScanEstimate | str | None = None,
    boto3_session: boto3.Session | None = None,
) -> QueryRun:
    """Run ONE statement in Athena through awswrangler, with progress; wait for it to finish.

    With an ``estimate``, progress shows what the query will scan and cost before it starts,
    and the bytes it scanned (and their price) with the estimate when it ends.

    Parameters
    ----------
    sql
        The statement.
    database
        The Glue database it runs in.
    what
        What is being done, for error messages (``"rewriting db.t in Athena"``).
    title
        The progress line's title.
    read_result
        True: read the result rows (``wr.athena.read_sql_query``, no CTAS, the result file is
        not kept); False: only run the statement (``wr.athena.start_query_execution``, e.g.
        for a CTAS, whose output is the new table).
    workgroup, s3_output
        The Athena workgroup and where Athena writes the result (None: the workgroup's setting
        or awswrangler's default bucket).
    progress
        Show progress while the query runs.
    estimate
        The scan estimate (:func:`cleanroom_nb.estimate_athena_scan`), or why there is none.
    boto3_session
        The session (region, credentials); endpoints follow ``AWS_ENDPOINT_URL(_ATHENA)``.

    Raises
    ------
    NotFoundError
        The workgroup does not exist (the message lists those that do).
    AwsError
        The query failed (Athena's reason and the fix), or the call failed.

    Examples
    --------
    >>> run = run_query("SELECT 1 AS x", database="db", what="a test", title="test",
    ...                 read_result=True)  # doctest: +SKIP
    >>> run.frame["x"].tolist(), run.state  # doctest: +SKIP
    ([1], 'SUCCEEDED')
    """
    import awswrangler as wr

    from cleanroom_nb.glue._scan_estimate import athena_price, fmt_dollars

    session = _client.session(boto3_session)
    check_workgroup(workgroup, session)
    known = None if isinstance(estimate, str) else estimate
    start = time.perf_counter()
    frame: pd.DataFrame | None = None
    with Progress(title, enabled=progress) as bar:
        if isinstance(estimate, str):
            bar.note(f"Scan estimate unavailable: {estimate}")
        elif estimate is not None:
            bar.note(estimate.summary())
        watcher = AthenaWatcher(session, bar)
        try:
            with watcher:
                bar.update("starting")
                common: dict[str, Any] = {
                    "database": database,
                    "workgroup": workgroup,
                    "s3_output": s3_output,
                    "boto3_session": session,
                }
                if read_result:
                    frame = wr.athena.read_sql_query(
                        sql, ctas_approach=False, keep_files=False, **common
                    )
                    meta = getattr(frame, "query_metadata", None) or {}
                else:
                    done = wr.athena.start_query_execution(sql, wait=True, **common)
                    meta = done if isinstance(done, dict) else {"QueryExecutionId": done}
        except _client.call_errors() as exc:
            bar.close(f"failed ({type(exc).__name__})", failed=True)
            raise athena_error(exc, what=what) from exc
        scanned = (meta.get("Statistics") or {}).get("DataScannedInBytes", watcher.bytes_scanned)
        state = (meta.get("Status") or {}).get("State", watcher.state)
        price = athena_price(int(scanned or 0), known.price_per_tb if known else None)[1]
        versus = f"; estimated {fmt_bytes(known.bytes)}" if known is not None else ""
        bar.close(
            f"{state or 'done'}, {fmt_bytes(int(scanned or 0))} scanned "
            f"(~{fmt_dollars(price)}{versus})"
        )
    return QueryRun(
        query_id=meta.get("QueryExecutionId") or watcher.query_id,
        state=state,
        bytes_scanned=int(scanned) if scanned is not None else None,
        seconds=time.perf_counter() - start,
        frame=frame,
    )
