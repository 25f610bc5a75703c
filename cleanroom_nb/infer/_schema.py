"""The training schema: one entry per input column with its Glue type and (suggested) role."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from cleanroom_nb import _roles
from cleanroom_nb._errors import SchemaError
from cleanroom_nb._findings import Finding, Findings
from cleanroom_nb.fixes._timeformat import TimeFormat
from cleanroom_nb.infer._findings_schema import check_schema, type_fix  # noqa: F401

if TYPE_CHECKING:
    from cleanroom_nb.infer._fixes import Fix


@dataclass(frozen=True)
class ColumnProfile:
    """Facts about one column, taken from a bounded sample.

    Attributes
    ----------
    dtype
        The pandas dtype (``str(series.dtype)``), e.g. ``"int64"`` or ``"string[pyarrow]"``.
    sample_rows
        Rows in the sample.
    null_ratio
        Share of nulls in the sample.
    distinct
        Distinct non-null values in the sample.
    distinct_ratio
        ``distinct / non-null values`` (0 when all values are null).
    rows_per_value
        ``non-null values / distinct`` (0 when all values are null).
    patterns
        Value patterns seen in the sample (``EPOCH_MS``, ``EMAIL``, ``UUID``, ...).
    time_unit
        For numbers holding Unix epoch times: ``"s"``, ``"ms"``, ``"us"`` or ``"ns"``.
    examples
        A few sample values as text.
    """

    dtype: str
    sample_rows: int
    null_ratio: float
    distinct: int
    distinct_ratio: float
    rows_per_value: float
    patterns: tuple[str, ...] = ()
    time_unit: str | None = None
    examples: tuple[str, ...] = ()
    min_value: Any = None
    max_value: Any = None
    kind: str = ""
    """Value family: ``"int"``, ``"float"``, ``"bool"``, ``"string"``, ``"datetime"``,
    ``"date"``, ``"timedelta"``, ``"bytes"``, ``"list"``, ``"dict"``, ``"mixed"``, ``"empty"``
    or ``"other"``."""
    total_rows: int = 0
    """Rows in the whole table the sample came from."""
    est_distinct: int = 0
    """Estimated distinct values in the whole table (Chao1 from the sample's frequencies)."""
    est_rows_per_value: float = 0.0
    """Estimated non-null rows per distinct value in the whole table."""
    mean_length: float = 0.0
    """Mean length of the (string) values checked for patterns."""
    mean_words: float = 0.0
    """Mean number of words of the (string) values checked for patterns."""
    integral: bool = False
    """Numbers that are all whole (e.g. ids stored as float because of NaN)."""
    note: str = ""
    """Anything odd about the values, as text."""
    time_format: TimeFormat | None = None
    """For text holding times: the one format that parses (nearly) all of them."""
    sequential: bool = False
    """Unique whole numbers that count rows (1, 2, 3 ...): a row key, not a user or item."""

    def has(self, *patterns: str) -> bool:
        """Whether any of ``patterns`` was seen in the sample."""
        return any(p in self.patterns for p in patterns)


@dataclass(frozen=True)
class ColumnSchema:
    """One input column.

    Attributes
    ----------
    name
        The column name as given (for Glue tables: as Glue stores it).
    glue_type
        The Glue type the column has, or would get from awswrangler.
    role
        The role (``"USER_ID"``, ..., ``"NUMERICAL_FEATURE"``) or None when left out.
    confidence
        How sure the suggestion is, in [0, 1].
    reason
        Why, in words a person can read.
    """

    name: str
    glue_type: str
    role: str | None
    confidence: float
    reason: str
    nullable: bool = True
    is_partition_key: bool = False
    profile: ColumnProfile | None = None
    suggested_role: str | None = None
    edited: bool = False

    @property
    def glue_name(self) -> str:
        """The name Glue keeps for this column (lowercased, other characters turned to ``_``)."""
        return glue_column_name(self.name)


def glue_column_name(name: str) -> str:
    """The name awswrangler and Glue give a column (``wr.catalog.sanitize_column_name``).

    Examples
    --------
    >>> glue_column_name("User ID")
    'user_id'
    """
    from awswrangler.catalog import sanitize_column_name

    return str(sanitize_column_name(name))


@dataclass(frozen=True)
class TrainingSchema:
    """The schema of a training dataset: every input column with its role or None.

    Build it with :func:`cleanroom_nb.infer_schema` or
    :func:`cleanroom_nb.infer_schema_from_glue`; change roles with :meth:`with_role`.

    Examples
    --------
    >>> s = TrainingSchema.from_columns([
    ...     ColumnSchema("user_id", "string", "USER_ID", 0.9, "by hand"),
    ...     ColumnSchema("item_id", "bigint", "ITEM_ID", 0.9, "by hand"),
    ...     ColumnSchema("ts", "bigint", "TIMESTAMP", 0.9, "by hand"),
    ...     ColumnSchema("note", "string", None, 0.5, "free text"),
    ... ])
    >>> [c["columnName"] for c in s.to_api()]
    ['user_id', 'item_id', 'ts']
    >>> s.with_role("note", "CATEGORICAL_FEATURE").to_api()[-1]
    {'columnName': 'note', 'columnTypes': ['CATEGORICAL_FEATURE']}
    """

    columns: tuple[ColumnSchema, ...]
    missing: Mapping[str, str] = field(default_factory=dict)
    """For each required role no column fits: why."""
    findings: Findings = field(default_factory=Findings)
    source: Any = None
    """Where the schema came from (``None`` for a DataFrame; table facts for Glue)."""
    extra_findings: tuple[Finding, ...] = ()
    """Findings about the source itself (e.g. a Glue table's format), kept across edits."""
    glue_names: bool = False
    """True when the names are already those of a Glue table (used as they are)."""

    @classmethod
    def from_columns(
        cls,
        columns: Iterable[ColumnSchema],
        *,
        missing: Mapping[str, str] | None = None,
        source: Any = None,
        extra_findings: Iterable[Finding] = (),
        glue_names: bool = False,
    ) -> TrainingSchema:
        """Build a schema and check it (``.findings``)."""
        cols = tuple(columns)
        extra = tuple(extra_findings)
        schema = cls(cols, dict(missing or {}), Findings(), source, extra, glue_names)
        object.__setattr__(schema, "findings", Findings([*extra, *check_schema(schema)]))
        return schema

    # ------------------------------------------------------------------ access
    def __len__(self) -> int:
        return len(self.columns)

    def __iter__(self) -> Any:
        return iter(self.columns)

    def column(self, name: str) -> ColumnSchema:
        """The column called ``name`` (exact, else case-insensitive, else by Glue name)."""
        for c in self.columns:
            if c.name == name:
                return c
        folded = [c for c in self.columns if c.name.lower() == name.lower()]
        if len(folded) == 1:
            return folded[0]
        glued = [c for c in self.columns if c.glue_name == glue_column_name(name)]
        if len(glued) == 1:
            return glued[0]
        names = ", ".join(repr(c.name) for c in self.columns[:20])
        raise SchemaError(f"no column named {name!r}; the columns are: {names}")

    def role_columns(self, role: str) -> list[ColumnSchema]:
        """The columns that have ``role``."""
        return [c for c in self.columns if c.role == role]

    def _single(self, role: str) -> ColumnSchema | None:
        cols = self.role_columns(role)
        return cols[0] if len(cols) == 1 else None

    @property
    def user_id(self) -> ColumnSchema | None:
        """The USER_ID column, or None when there is none (or more than one)."""
        return self._single(_roles.USER_ID)

    @property
    def item_id(self) -> ColumnSchema | None:
        """The ITEM_ID column, or None."""
        return self._single(_roles.ITEM_ID)

    @property
    def timestamp(self) -> ColumnSchema | None:
        """The TIMESTAMP column, or None."""
        return self._single(_roles.TIMESTAMP)

    @property
    def features(self) -> list[ColumnSchema]:
        """The feature columns."""
        return [c for c in self.columns if c.role in _roles.FEATURE_ROLES]

    @property
    def excluded(self) -> list[ColumnSchema]:
        """The columns left out."""
        return [c for c in self.columns if c.role is None]

    @property
    def roles(self) -> dict[str, str | None]:
        """Column name to role (None = left out)."""
        return {c.name: c.role for c in self.columns}

    @cached_property
    def fixes(self) -> tuple[Fix, ...]:
        """The fix plan: one :class:`Fix` per column of ``to_api()`` whose storage must change.

        Planned once per schema (the checks use the same plan). Run it with
        :func:`cleanroom_nb.apply_fixes` (in-process) or ``cleanroom_nb.fix_glue_table`` (Athena).
        """
        from cleanroom_nb.infer._fixes import plan_fixes

        return plan_fixes(self)

    def after_fixes(self) -> TrainingSchema:
        """The schema of ``crn.apply_fixes(df, self)``'s result, from this schema itself.

        Fixed columns get their new Glue type and a reason describing the new storage; the
        roles (with your ``with_role`` edits) are kept and nothing is inferred again.
        """
        from cleanroom_nb.infer._fixes import after_fixes

        return after_fixes(self)

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return self.findings.ok

    # ------------------------------------------------------------------ output
    def to_api(self) -> list[dict[str, Any]]:
        """The ``schema`` list of ``create_training_dataset``; left-out columns are absent.

        Column names are those Glue keeps (the request must match the Glue table).
        """
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for c in self.columns:
            name = self.api_name(c)
            # A Glue name taken by an earlier column (a glue_name_clash error) is left out.
            if c.role is not None and name.lower() not in seen:
                out.append({"columnName": name, "columnTypes": [c.role]})
                seen.add(name.lower())
        return out

    def api_name(self, column: ColumnSchema) -> str:
        """The name the request uses for ``column``: the name Glue keeps."""
        return column.name if self.glue_names else column.glue_name

    # ------------------------------------------------------------------ edits
    def with_role(self, column: str, role: str | None) -> TrainingSchema:
        """A new schema in which ``column`` has ``role`` (None leaves it out); checked again.

        Raises
        ------
        SchemaError
            If the column does not exist or the role is not one of the five roles.
        """
        return self.with_roles({column: role})

    def with_roles(self, roles: Mapping[str, str | None]) -> TrainingSchema:
        """A new schema with several roles changed at once; checked again."""
        by_name = {}
        for name, role in roles.items():
            if role is not None:
                role = str(role).strip().upper()
                if role not in _roles.ROLES:
                    raise SchemaError(
                        f"column {name!r}: unknown role {role!r}; use one of "
                        f"{', '.join(_roles.ROLES)} or None to leave the column out"
                    )
            by_name[self.column(name).name] = role
        cols = []
        for c in self.columns:
            if c.name in by_name and by_name[c.name] != c.role:
                cols.append(
                    replace(
                        c,
                        role=by_name[c.name],
                        confidence=1.0,
                        reason=f"set by hand (suggested: {c.suggested_role or 'leave out'}); "
                        + c.reason,
                        edited=True,
                    )
                )
            else:
                cols.append(c)
        missing = {r: why for r, why in self.missing.items() if not any(c.role == r for c in cols)}
        return TrainingSchema.from_columns(
            cols,
            missing=missing,
            source=self.source,
            extra_findings=self.extra_findings,
            glue_names=self.glue_names,
        )

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        lines = [f"TrainingSchema({len(self.columns)} columns, {len(self.to_api())} used)"]
        w = max([len(c.name) for c in self.columns] + [6])
        for c in self.columns:
            lines.append(
                f"  {c.name:<{w}}  {c.glue_type:<10} {c.role or '-':<19} "
                f"{c.confidence:4.2f}  {c.reason}"
            )
        for role, why in self.missing.items():
            lines.append(f"  missing {role}: {why}")
        for f in self.findings:
            lines.append(f"  {f}")
        for fix in self.fixes:
            lines.append(f"  fix {fix.column}: {fix.pandas}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colors = {
            _roles.USER_ID: "#0969da",
            _roles.ITEM_ID: "#8250df",
            _roles.TIMESTAMP: "#bf3989",
            _roles.CATEGORICAL_FEATURE: "#1a7f37",
            _roles.NUMERICAL_FEATURE: "#9a6700",
        }
        rows = []
        for c in self.columns:
            role = (
                f"<b style='color:{colors[c.role]}'>{c.role}</b>"
                if c.role
                else "<span style='color:#6e7781'>left out</span>"
            )
            flags = " (partition key)" if c.is_partition_key else ""
            rows.append(
                f"<tr><td style='text-align:left'><code>{html.escape(c.name)}</code>{flags}</td>"
                f"<td>{html.escape(c.glue_type)}</td><td>{role}</td>"
                f"<td>{c.confidence:.2f}</td>"
                f"<td style='text-align:left'>{html.escape(c.reason)}</td></tr>"
            )
        missing = "".join(
            f"<li><b>{r}</b> missing: {html.escape(why)}</li>" for r, why in self.missing.items()
        )
        return (
            f"<div><p><b>TrainingSchema</b>: {len(self.columns)} columns, "
            f"{len(self.to_api())} used</p>"
            "<table><thead><tr><th>column</th><th>Glue type</th><th>role</th>"
            "<th>confidence</th><th>reason</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
            + (f"<ul>{missing}</ul>" if missing else "")
            + self.findings._repr_html_()
            + _fixes_html(self)
            + "</div>"
        )


def _fixes_html(schema: TrainingSchema) -> str:
    fixes = schema.fixes
    if not fixes:
        return ""
    items = "".join(
        f"<li><b>{html.escape(f.column)}</b>: {html.escape(f.what)}<br>"
        f"<code>{html.escape(f.pandas)}</code></li>"
        for f in fixes
    )
    return (
        f"<p><b>Fix plan</b> ({len(fixes)}): run <code>crn.apply_fixes(df, schema)</code></p>"
        f"<ul>{items}</ul>"
    )
