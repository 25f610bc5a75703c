"""The request as it stands and every finding about it, mapped to the field it concerns."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from traitlets import Any as AnyTrait
from traitlets import Dict, Instance, Unicode

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._errors import CleanroomNbError, FindingsError
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.form._model import SliceModel

if TYPE_CHECKING:
    pass

FIELDS = ("source", "schema", "name", "description", "role_arn", "tags", "readiness", "general")
"""The places a finding can be shown; columns use ``"columns.<name>"``."""

_SCHEMA_ITEM = re.compile(r"^trainingData\[\d+\]\.inputConfig\.schema\[(\d+)\]")


def finding_key(f: Finding) -> tuple[str, str, str, str]:
    """What makes two findings the same one (for acknowledging warnings)."""
    return (f.level, f.path, f.code, f.message)


def request_json_text(request: Mapping[str, Any] | None) -> str:
    """The request as indented JSON (``""`` when there is none)."""
    return "" if request is None else json.dumps(request, indent=2, default=str)


class Validation(SliceModel):
    """Builds the request and checks it offline after every change (no AWS call).

    Attributes
    ----------
    request, request_json, boto3_code
        The request (None while it cannot be built), as JSON, and as plain boto3 code.
    findings, field_findings
        Every finding, and the same grouped by the field that shows it.
    """

    findings = Instance(Findings, args=(), help="every finding")
    field_findings = Dict(help="the findings by the field that shows them")
    request = AnyTrait(None, allow_none=True, help="the request (None: cannot be built)")
    request_json = Unicode("", help="the request as JSON")
    boto3_code = Unicode("", help="the request as boto3 code")

    def build(self) -> dict[str, Any] | None:
        """The request as it stands (None while there is no schema), via ``build_request``."""
        form = self.form
        if form.schema is None:
            return None
        request: dict[str, Any] = form.actions.build_request(
            name=form.details.name,
            role_arn=form.details.role_arn,
            database=form.source.database,
            table=form.source.table,
            schema=form.schema,
            description=form.details.description or None,
            tags=form.details.tag_dict() or None,
            catalog_id=form.catalog_id,
        )
        return request

    def validate(self) -> Findings:
        """Check everything again (offline: no AWS call) and map findings to fields.

        Combines the schema's findings, ``validate_request``'s, the tags editor's, readiness
        figures (for a DataFrame) and the findings AWS-side checks gave for this same request.
        """
        form = self.form
        found = self._request_findings() if form.schema is not None else self._no_source()
        found.extend(form.details.tag_findings())
        found.extend(form.details.account_findings())
        signature = request_json_text(self.request)
        found = self._merge(found, form.checks.remote_for(signature))
        unique: dict[tuple[str, str, str, str], Finding] = {}
        for f in found:
            unique.setdefault(finding_key(f), f)
        self.findings = Findings(unique.values())
        self.field_findings = {}
        for f in self.findings:
            self.field_findings.setdefault(self.field_of(f.path), []).append(f)
        self.request_json = signature
        self.boto3_code = self._code(self.request)
        return self.findings

    def _merge(self, found: list[Finding], more: list[Finding]) -> list[Finding]:
        """``found`` plus the findings of ``more`` about a (field, code) not explained yet."""
        seen = {(self.field_of(f.path), f.code) for f in found}
        return found + [f for f in more if (self.field_of(f.path), f.code) not in seen]

    def _no_source(self) -> list[Finding]:
        what = (
            "a DataFrame" if self.form.source_kind == "dataframe" else "a Glue database and table"
        )
        self.request = None
        return [
            _rulebook.no_source(what),
            *self._field_only_findings(),
        ]

    def _request_findings(self) -> list[Finding]:
        form = self.form
        assert form.schema is not None
        found: list[Finding] = list(form.schema.findings)
        try:
            self.request = self.build()
        except FindingsError as exc:
            self.request = None
            found.extend(exc.findings)
        except CleanroomNbError as exc:
            self.request = None
            found.append(_rulebook.build_request(str(exc)))
        if self.request is not None:
            # The schema already explains its own problems: skip the request's copies.
            found = self._merge(found, list(form.actions.validate_request(self.request)))
        if form.source.needs_registration:
            # one message for the missing table: not one per empty database/table name
            found = [f for f in found if "glueDataSource" not in f.path]
            found.append(_rulebook.not_registered())
        found.extend(form.checks.readiness_findings())
        return found

    def _field_only_findings(self) -> list[Finding]:
        """Findings about the fields (name, role ARN, ...) while there is no schema yet."""
        form = self.form
        try:
            request = form.actions.build_request(
                name=form.details.name,
                role_arn=form.details.role_arn,
                database=form.source.database or "db",
                table=form.source.table or "table",
                schema=[],
                description=form.details.description or None,
                tags=form.details.tag_dict() or None,
                catalog_id=form.catalog_id,
            )
            found = form.actions.validate_request(request)
        except FindingsError as exc:
            found = exc.findings
        except CleanroomNbError:
            return []
        return [
            f for f in found if self.field_of(f.path) in ("name", "description", "role_arn", "tags")
        ]

    def _code(self, request: dict[str, Any] | None) -> str:
        if request is None:
            return ""
        form = self.form
        try:
            # region "" (not None) when unknown: no boto3.Session is made on every edit
            return str(
                form.actions.to_boto3_code(request, region=form.region or "", wait=form.wait)
            )
        except CleanroomNbError as exc:
            return f"# the code cannot be generated yet: {exc}"

    def field_of(self, path: str) -> str:
        """The form field a finding's path concerns (``"columns.<name>"`` for a column).

        Examples
        --------
        >>> from cleanroom_nb.form._state import FormState
        >>> s = FormState(load=False)
        >>> v = s.validation
        >>> v.field_of("roleArn"), v.field_of("tags.team"), v.field_of("whatever")
        ('role_arn', 'tags', 'general')
        """
        if path in ("name", "description", "source", "readiness"):
            return path
        if path == "roleArn":
            return "role_arn"
        if path == "tags" or path.startswith(("tags.", "tags[")):
            return "tags"
        if path == "schema" or path.startswith("columns."):
            return path
        m = _SCHEMA_ITEM.match(path)
        schema = self.form.schema
        if m and schema is not None:
            used = [c for c in schema.columns if c.role is not None]
            i = int(m.group(1))
            return f"columns.{used[i].name}" if i < len(used) else "schema"
        if path.startswith("trainingData"):
            return "schema" if ".schema" in path else "source"
        return "general"

    def findings_for(self, field: str) -> list[Finding]:
        """The findings shown next to ``field`` (e.g. ``"name"`` or ``"columns.user_id"``)."""
        return list(self.field_findings.get(field, []))
