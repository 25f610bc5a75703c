"""Athena's SQL (Trino dialect) made into DuckDB SQL, or refused with Athena's error shape.

:func:`plan` parses one statement with sqlglot (``read="trino"``), resolves its tables through
a catalog callback (Glue), checks every column against the table definitions, and writes the
DuckDB SQL. Where DuckDB's semantics differ from Trino's (division, Joda patterns, unknown
functions) :mod:`._trino` fixes the tree or refuses the query, never passing wrong figures on.
Unaliased result columns are named ``_col0``, ``_col1``, ... as Trino names them.

Examples
--------
>>> p = plan('SELECT count(*), x FROM "db"."t" GROUP BY x', "db",
...          lambda db, t: [("x", "bigint"), ("y", "string")], lambda db: True)
>>> p.kind, p.columns_read, p.sql
('select', {('db', 't'): {'x'}}, 'SELECT COUNT(*) AS "_col0", "t"."x" AS "x" FROM "db"."t" AS "t" GROUP BY "t"."x"')
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import OptimizeError, ParseError, TokenError
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify
from sqlglot.optimizer.scope import traverse_scope

from cleanroom_nb.local.athena._errors import QueryError
from cleanroom_nb.local.athena._formats import glue_to_duckdb, is_complex
from cleanroom_nb.local.athena._trino import (
    check_functions,
    guard_division,
    position,
    round_float_casts,
)
from cleanroom_nb.local.athena._unicode import translate_normalize

logging.getLogger("sqlglot").setLevel(logging.ERROR)

Columns = list[tuple[str, str]]
"""A table's columns as (lowercase name, Glue type)."""

CATALOG = "awsdatacatalog"
"""The catalog Athena names Glue tables in."""


@dataclass
class Ctas:
    """What ``CREATE TABLE ... WITH (...) AS SELECT`` asks for."""

    database: str
    table: str
    external_location: str | None
    fmt: str
    compression: str
    partitioned_by: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Filter:
    """The WHERE conjuncts of one reference to a table, each with the columns it reads.

    A partition is pruned only when a conjunct that reads partition keys alone is false for
    it: its rows would all fail that WHERE anyway (see :func:`_filters`).
    """

    alias: str
    conjuncts: tuple[tuple[str, frozenset[str]], ...]


@dataclass
class Plan:
    """One statement, ready to run: its kind, DuckDB SQL and the tables and columns it reads."""

    kind: str  # "select" | "ctas" | "drop"
    sql: str = ""
    columns_read: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    ctas: Ctas | None = None
    drop: tuple[str, str, bool] | None = None
    filters: dict[tuple[str, str], list[Filter] | None] = field(default_factory=dict)
    """Per table: its WHERE conjuncts per reference (None: some reference reads every row)."""


def _parse(sql: str) -> exp.Expr:
    try:
        trees = [t for t in sqlglot.parse(sql, read="trino") if t is not None]
    except ParseError as exc:
        err = exc.errors[0] if exc.errors else {}
        line, col = err.get("line"), err.get("col")
        where = ""
        if line and col:
            col = max(1, int(col) - len(str(err.get("highlight") or "")) + 1)
            where = f"line {line}:{col}: "
        desc = str(err.get("description") or exc).split(". Line")[0].split(" but got")[0]
        highlight = str(err.get("highlight") or "")
        text = f"mismatched input '{highlight}'. {desc}" if highlight else desc
        raise QueryError(f"SYNTAX_ERROR: {where}{text}") from exc
    except TokenError as exc:
        raise QueryError(f"SYNTAX_ERROR: {exc}") from exc
    if len(trees) != 1:
        raise QueryError("SYNTAX_ERROR: line 1:1: only one SQL statement can run at a time")
    return trees[0]


def _name(ident: exp.Expr | str | None) -> str:
    if ident is None:
        return ""
    return (ident if isinstance(ident, str) else ident.name).lower()


def _name_result_columns(tree: exp.Expr) -> None:
    """Name unaliased expressions ``_col<i>``, as Trino does."""
    select = tree
    while isinstance(select, exp.SetOperation):
        select = select.this
    if not isinstance(select, exp.Select):
        return
    for i, e in enumerate(select.expressions):
        if not isinstance(e, exp.Alias | exp.Column | exp.Star):
            e.replace(exp.alias_(e.copy(), f"_col{i}", quoted=True))


def _resolve_tables(
    sql: str,
    tree: exp.Expr,
    default_db: str | None,
    lookup: Callable[[str, str], Columns | None],
    database_exists: Callable[[str], bool],
    complex_columns: set[tuple[str, str, str]],
) -> dict[str, Any]:
    """Give every table its database; return sqlglot's schema of the tables read (and add
    the array/map/struct columns to ``complex_columns``)."""
    ctes = {_name(c.alias) for c in tree.find_all(exp.CTE)}
    schema: dict[str, Any] = {}
    for t in tree.find_all(exp.Table):
        if not t.name or (not t.args.get("db") and _name(t.name) in ctes):
            continue
        catalog = _name(t.args.get("catalog"))
        if catalog and catalog != CATALOG:
            raise QueryError(
                f"CATALOG_NOT_FOUND: {position(sql, t)}Catalog '{catalog}' does not exist"
            )
        db = _name(t.args.get("db")) or (default_db or "").lower()
        name = _name(t.this)
        if not db:
            raise QueryError(
                f"SYNTAX_ERROR: {position(sql, t)}Schema must be specified when session "
                "schema is not set"
            )
        if name not in schema.get(db, {}):
            cols = lookup(db, name)
            if cols is None:
                if not database_exists(db):
                    raise QueryError(
                        f"SCHEMA_NOT_FOUND: {position(sql, t)}Schema '{db}' does not exist"
                    )
                raise QueryError(
                    f"TABLE_NOT_FOUND: {position(sql, t)}Table '{CATALOG}.{db}.{name}' does "
                    "not exist"
                )
            # Complex columns get a placeholder type: reading one is refused (_columns_read).
            types = {
                n: "VARCHAR" if is_complex(ty) else glue_to_duckdb(ty).replace("BLOB", "VARBINARY")
                for n, ty in cols
            }
            schema.setdefault(db, {})[name] = types
            complex_columns.update((db, name, n) for n, ty in cols if is_complex(ty))
        t.set("catalog", None)
        t.set("db", exp.to_identifier(db, quoted=True))
        t.set("this", exp.to_identifier(name, quoted=True))
    return schema


def _qualify(sql: str, tree: exp.Expr, schema: dict[str, Any]) -> exp.Expr:
    original = tree.copy()
    try:
        q = qualify(tree, schema=schema, dialect="trino", validate_qualify_columns=True)
    except OptimizeError as exc:
        msg = str(exc)
        m = re.match(r"Column '\"?([^'\"]+)\"?' could not be resolved", msg)
        if m:
            col = m.group(1)
            found = [c for c in original.find_all(exp.Column) if _name(c.this) == col.lower()]
            node = min(found, key=lambda c: int(c.this.meta.get("start", 1 << 30)), default=None)
            raise QueryError(
                f"COLUMN_NOT_FOUND: {position(sql, node)}Column '{col}' cannot be resolved or "
                "requester is not authorized to access requested resources"
            ) from exc
        raise QueryError(f"SYNTAX_ERROR: {msg.split('. Line')[0]}") from exc
    return annotate_types(q, schema=schema, dialect="trino")


def _columns_read(tree: exp.Expr) -> dict[tuple[str, str], set[str]]:
    aliases: dict[str, tuple[str, str]] = {}
    out: dict[tuple[str, str], set[str]] = {}
    for t in tree.find_all(exp.Table):
        if t.args.get("db"):
            key = (_name(t.args.get("db")), _name(t.this))
            aliases[_name(t.alias_or_name)] = key
            out.setdefault(key, set())
    for c in tree.find_all(exp.Column):
        key2 = aliases.get(_name(c.args.get("table")))
        if key2 is not None:
            out[key2].add(_name(c.this))
    return out


_NOT_PRUNABLE = (exp.Subquery, exp.AggFunc, exp.Rand, exp.Anonymous, exp.Exists)


def _filters(tree: exp.Expr) -> dict[tuple[str, str], list[Filter] | None]:
    """The WHERE conjuncts that can prune each table's partitions.

    Only a table that is the single source of its SELECT (no joins) gets conjuncts; any other
    reference (a join, no WHERE) makes the table read whole (None), as does a conjunct with a
    subquery, an aggregate or a non-deterministic function.
    """
    out: dict[tuple[str, str], list[Filter] | None] = {}
    for scope in traverse_scope(tree):
        select = scope.expression
        for alias, source in scope.sources.items():
            if not isinstance(source, exp.Table) or not source.args.get("db"):
                continue
            key = (_name(source.args.get("db")), _name(source.this))
            where = select.args.get("where") if isinstance(select, exp.Select) else None
            usable = (
                isinstance(select, exp.Select)
                and not select.args.get("joins")
                and len(scope.sources) == 1
                and where is not None
            )
            if not usable or out.get(key, []) is None:
                out[key] = None
                continue
            assert where is not None
            parts = list(where.this.flatten()) if isinstance(where.this, exp.And) else [where.this]
            conjuncts = tuple(
                (
                    c.sql(dialect="duckdb"),
                    frozenset(_name(col.this) for col in c.find_all(exp.Column)),
                )
                for c in parts
                if not c.find(*_NOT_PRUNABLE)
                and all(
                    _name(col.args.get("table")) == _name(alias) for col in c.find_all(exp.Column)
                )
            )
            filters = out.setdefault(key, [])
            assert filters is not None
            filters.append(Filter(alias, conjuncts))
    return out


def _select_plan(
    sql: str,
    tree: exp.Expr,
    default_db: str | None,
    lookup: Callable[[str, str], Columns | None],
    database_exists: Callable[[str], bool],
) -> Plan:
    check_functions(sql, tree)
    translate_normalize(sql, tree)
    _name_result_columns(tree)
    complex_columns: set[tuple[str, str, str]] = set()
    schema = _resolve_tables(sql, tree, default_db, lookup, database_exists, complex_columns)
    q = _qualify(sql, tree, schema)
    guard_division(sql, q)
    round_float_casts(q)
    read = _columns_read(q)
    for (db, name), cols in read.items():
        for col in sorted(cols):
            if (db, name, col) in complex_columns:
                raise QueryError(
                    f"NOT_SUPPORTED: column '{col}' of {db}.{name} is an array, map or struct; "
                    "the local Athena reads scalar columns only"
                )
    return Plan("select", q.sql(dialect="duckdb"), read, filters=_filters(q))


def _ctas(sql: str, tree: exp.Create, default_db: str | None) -> Ctas:
    target = tree.this if isinstance(tree.this, exp.Table) else tree.this.find(exp.Table)
    if target is None:
        raise QueryError("SYNTAX_ERROR: line 1:1: CREATE TABLE needs a table name")
    db = _name(target.args.get("db")) or (default_db or "").lower()
    spec = Ctas(db, _name(target.this), None, "PARQUET", "SNAPPY")
    props = tree.args.get("properties")
    for p in props.expressions if props is not None else []:
        if isinstance(p, exp.FileFormatProperty):
            spec.fmt = p.name.upper() or str(p.this).strip("'").upper()
        elif isinstance(p, exp.PartitionedByProperty):
            spec.partitioned_by = [_name(e.name) for e in p.this.expressions]
        elif isinstance(p, exp.Property):
            key, value = _name(p.name), p.args["value"]
            text = value.name if isinstance(value, exp.Literal) else value.sql()
            if key == "external_location":
                spec.external_location = text
            elif key in ("write_compression", "parquet_compression"):
                spec.compression = text.upper()
            elif key != "format":
                raise QueryError(
                    f"NOT_SUPPORTED: {position(sql, p)}the local Athena does not support the "
                    f"CTAS property {key!r} (it supports format, write_compression, "
                    "external_location and partitioned_by)"
                )
            else:
                spec.fmt = text.upper()
        else:
            raise QueryError(
                f"NOT_SUPPORTED: the local Athena does not support the CTAS property {p.sql('trino')!r}"
            )
    if spec.fmt != "PARQUET":
        raise QueryError(
            f"NOT_SUPPORTED: the local Athena writes CTAS tables as PARQUET only, not {spec.fmt}"
        )
    return spec


def plan(
    sql: str,
    default_db: str | None,
    lookup: Callable[[str, str], Columns | None],
    database_exists: Callable[[str], bool],
) -> Plan:
    """Parse, check and translate one statement (SELECT/WITH, CTAS or DROP TABLE).

    Parameters
    ----------
    sql
        The query string as Athena received it.
    default_db
        ``QueryExecutionContext.Database``.
    lookup
        ``(database, table) -> columns`` from Glue (data columns then partition keys), or None.
    database_exists
        Whether Glue has a database.

    Raises
    ------
    QueryError
        With Athena's reason when the statement cannot run.
    """
    tree = _parse(sql)
    if isinstance(tree, exp.Query):
        return _select_plan(sql, tree, default_db, lookup, database_exists)
    if isinstance(tree, exp.Create) and str(tree.args.get("kind")).upper() == "TABLE":
        select = tree.expression
        if not isinstance(select, exp.Query):
            raise QueryError(
                "NOT_SUPPORTED: the local Athena runs CREATE TABLE ... AS SELECT only (not "
                "CREATE EXTERNAL TABLE); register tables in Glue instead"
            )
        spec = _ctas(sql, tree, default_db)
        inner = _select_plan(sql, select, default_db, lookup, database_exists)
        return Plan("ctas", inner.sql, inner.columns_read, ctas=spec, filters=inner.filters)
    if isinstance(tree, exp.Drop) and str(tree.args.get("kind")).upper() == "TABLE":
        t = tree.this if isinstance(tree.this, exp.Table) else tree.find(exp.Table)
        assert t is not None
        db = _name(t.args.get("db")) or (default_db or "").lower()
        return Plan("drop", drop=(db, _name(t.this), bool(tree.args.get("exists"))))
    what = str(tree.this).upper() if isinstance(tree, exp.Command) else tree.key.upper()
    raise QueryError(
        "NOT_SUPPORTED: the local Athena runs SELECT, CREATE TABLE AS SELECT and DROP TABLE "
        f"statements only, not {what}"
    )
