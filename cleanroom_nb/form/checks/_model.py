"""The checks slice's model: readiness figures and charts, Athena scan estimates, AWS-side checks."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from traitlets import Any as AnyTrait
from traitlets import Dict, Instance, List

from cleanroom_nb import _roles
from cleanroom_nb._findings import Finding
from cleanroom_nb._progress import Progress
from cleanroom_nb.aws import _client
from cleanroom_nb.form._model import SliceModel
from cleanroom_nb.form._validation import request_json_text
from cleanroom_nb.glue._athena import AthenaWatcher, fmt_bytes
from cleanroom_nb.glue._scan_estimate import ScanEstimate, estimate_words, scanned_words

if TYPE_CHECKING:
    import boto3

    from cleanroom_nb.form._state import FormState


class AthenaProgress(Progress):
    """While a query runs, show its state and the bytes scanned on ``form.progress``.

    glue's :class:`~cleanroom_nb.glue._athena.AthenaWatcher` follows the Athena calls made on
    the session (botocore events, no extra request) and reports here. ``enabled=False``: no
    ticker thread, so the form changes only in the thread that runs the query.
    """

    def __init__(self, form: FormState, session: boto3.Session, title: str) -> None:
        super().__init__(title, enabled=False)
        self.form = form
        self.watcher = AthenaWatcher(session, self)

    def update(self, text: str) -> None:
        """Show ``title: text (elapsed s)`` on the form and tell the observers."""
        seconds = time.monotonic() - self.start
        self.form.progress = f"{self.title}: {text.lower()} ({seconds:.1f} s)"
        self.form.changed()

    def __enter__(self) -> AthenaProgress:
        self.update("starting")
        self.watcher.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.watcher.__exit__(*exc)


class ChecksModel(SliceModel):
    """Readiness figures and the findings of checks made with AWS.

    Attributes
    ----------
    readiness
        The :class:`~cleanroom_nb.ReadinessReport` shown (None until counted).
    remote_findings
        What the last check with AWS (or the service itself) found, shown until the request
        changes.
    """

    readiness = AnyTrait(None, allow_none=True, help="the ReadinessReport shown")
    remote_findings = List(Instance(Finding), help="what the last check with AWS found")
    scan_estimates = Dict(help="per Athena query of the form: its ScanEstimate, or why none")
    scanned = Dict(help="per Athena query of the form: the bytes it scanned")

    def __init__(self, form: FormState) -> None:
        super().__init__(form)
        self._readiness_key: tuple[Any, ...] | None = None
        self._remote_for: str | None = None
        self._estimated: dict[tuple[str, str, tuple[str, ...]], ScanEstimate | str] = {}
        self._estimate_used: dict[str, ScanEstimate] = {}

    # ------------------------------------------------------------------ scan estimates
    def scan_columns(self, query: str) -> tuple[str, ...]:
        """The columns an Athena query of the form reads (``"readiness"`` or ``"rewrite"``).

        The readiness query reads the USER_ID, ITEM_ID and TIMESTAMP columns; the rewrite reads
        every column of ``to_api()``.
        """
        schema = self.form.schema
        if schema is None:
            return ()
        if query == "readiness":
            cols = [schema.user_id, schema.item_id, schema.timestamp]
            return tuple(schema.api_name(c) for c in cols if c is not None)
        return tuple(schema.api_name(c) for c in schema.columns if c.role is not None)

    def refresh_estimates(self) -> None:
        """Estimate what "Count rows" and "Rewrite with Athena" will scan, before they run.

        ``estimate_athena_scan`` (Parquet footers or object sizes; nothing runs in Athena) for
        the columns each query reads; an estimate is made once per table and columns. Where no
        estimate can be made, ``scan_estimates`` holds the reason in words.
        """
        form = self.form
        self.scan_estimates = {}
        if form.source_kind != "glue" or form.schema is None or not form.source.table:
            return
        for query in ("readiness", "rewrite"):
            cols = self.scan_columns(query)
            if not cols:
                continue
            key = (form.source.database, form.source.table, cols)
            if key not in self._estimated:
                try:
                    self._estimated[key] = form.actions.estimate_athena_scan(
                        form.source.database,
                        form.source.table,
                        columns=list(cols),
                        progress=False,
                        boto3_session=form.boto3_session,
                    )
                except Exception as exc:
                    self._estimated[key] = str(form.translate(exc, what="estimating the scan"))
            self.scan_estimates[query] = self._estimated[key]

    def estimate_text(self, query: str) -> str:
        """``Athena will scan ~1.2 MB (~$0.000048 ...)`` before ``query`` runs (``""``: unknown)."""
        return estimate_words(self.scan_estimates.get(query))

    def scanned_text(self, query: str) -> str:
        """``Athena scanned 1.1 MB (~$0.000048; estimated 1.2 MB)`` after ``query`` ran."""
        if query not in self.scanned:
            return ""
        return scanned_words(self.scanned[query], self._estimate_used.get(query))

    def record_scan(self, query: str, scanned: int | None) -> None:
        """Keep the bytes ``query`` actually scanned, next to what was estimated for it."""
        est = self.scan_estimates.get(query)
        if isinstance(est, ScanEstimate):
            self._estimate_used[query] = est
        else:
            self._estimate_used.pop(query, None)
        if scanned is None:
            self.scanned.pop(query, None)
        else:
            self.scanned[query] = int(scanned)

    # ------------------------------------------------------------------ remote findings
    def remote_for(self, signature: str) -> list[Finding]:
        """The AWS-side findings, if they were found for this same request."""
        return list(self.remote_findings) if self._remote_for == signature else []

    def set_remote(self, findings: list[Finding], signature: str | None) -> None:
        """Keep what AWS found about the request with this signature (None: forget it)."""
        self.remote_findings = list(findings)
        self._remote_for = signature

    def check_with_aws(self) -> bool:
        """Run ``validate_request`` with the session: also checks the Glue table and the account.

        The findings are shown at their fields until the request changes. Returns False when
        the check itself failed (the error is kept).
        """
        form = self.form
        request = form.request
        if request is None:
            return False
        form.set_loading("checks with AWS")
        ok = True
        try:
            found = form.actions.validate_request(
                request, boto3_session=_client.session(form.boto3_session)
            )
        except Exception as exc:
            form.record(exc, what="checking the request with AWS")
            ok = False
        else:
            self.set_remote(list(found), request_json_text(request))
        form.set_loading(None)
        form.validate()
        form.changed()
        return ok

    # ------------------------------------------------------------------ readiness
    def forget_readiness(self) -> None:
        """Drop the figures (the data or its key columns changed)."""
        self.readiness = None
        self._readiness_key = None
        self.scanned.pop("readiness", None)

    def readiness_findings(self) -> list[Finding]:
        """The readiness findings, computing a DataFrame's figures when its key columns changed."""
        form = self.form
        schema = form.schema
        if schema is None:
            return []
        if form.df is not None:
            key = tuple((c.name, c.role) for c in schema.columns if c.role in _roles.REQUIRED_ROLES)
            if key != self._readiness_key:
                self._readiness_key = key
                self.readiness = None
                if not form.columns.missing_roles() and not form.columns.column_duplicates():
                    try:
                        self.readiness = form.actions.readiness(form.df, schema)
                    except Exception as exc:
                        form.record(exc, what="computing readiness figures")
        if self.readiness is None:
            return []
        return [
            f if f.path.startswith("columns.") else replace(f, path="readiness")
            for f in self.readiness.findings
        ]

    def compute_readiness(
        self, *, workgroup: str = "primary", s3_output: str | None = None
    ) -> bool:
        """For a Glue table: count rows and users with Athena (``readiness_from_athena``).

        While the query runs, ``progress`` says its state and the bytes scanned so far.
        """
        form = self.form
        if form.schema is None or form.df is not None:
            return self.readiness is not None
        form.set_loading("readiness")
        session = _client.session(form.boto3_session)
        ok = True
        try:
            with AthenaProgress(form, session, "Counting rows and users with Athena") as bar:
                self.readiness = form.actions.readiness_from_athena(
                    form.source.database,
                    form.source.table,
                    form.schema,
                    workgroup=workgroup,
                    s3_output=s3_output or form.athena_output,
                    progress=False,
                    boto3_session=session,
                )
        except Exception as exc:
            form.record(
                exc, what=f"counting rows of {form.source.database}.{form.source.table} with Athena"
            )
            ok = False
        else:
            scanned = getattr(self.readiness, "bytes_scanned", None)
            self.record_scan("readiness", bar.watcher.bytes_scanned if scanned is None else scanned)
        form.progress = ""
        form.set_loading(None)
        form.validate()
        form.changed()
        return ok

    def readiness_rows(self) -> list[tuple[str, str, str, str]]:
        """The readiness table: (rule, figure, required, verdict) per rule.

        The verdict is ``"pass"``, ``"fail"`` (Clean Rooms ML refuses the data), ``"warning"``
        (rows it cannot use) or ``"unknown"``.
        """
        rep = self.readiness
        if rep is None or not hasattr(rep, "checks"):
            return []
        words = {"ok": "pass", "fail": "fail", "warn": "warning"}
        return [(rule, got, need, words.get(st, "unknown")) for rule, got, need, st in rep.checks()]

    @property
    def bytes_scanned(self) -> str:
        """Bytes the readiness query scanned, in words (``""`` for a DataFrame or none)."""
        scanned = getattr(self.readiness, "bytes_scanned", None)
        return "" if scanned is None else fmt_bytes(int(scanned))

    def charts_html(self) -> str:
        """The readiness charts as an inline PNG (offline), ``""`` without histograms."""
        rep = self.readiness
        if rep is None or getattr(rep, "histograms", None) is None:
            return ""
        try:
            return str(rep.charts_html())
        except Exception as exc:  # the figures stay; say why the picture is missing
            return f"<div class='crn-charts-error'>no charts: {type(exc).__name__}: {exc}</div>"
