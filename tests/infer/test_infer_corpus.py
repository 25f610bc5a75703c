"""infer_schema on a corpus of realistic tables modelled on public interaction datasets."""

from __future__ import annotations

import pandas as pd
import pytest
from corpus_tables import TABLES, CorpusTable

import cleanroom_nb as crn
from cleanroom_nb import _roles
from cleanroom_nb.aws import _service_model


@pytest.fixture(scope="module")
def schemas() -> dict[str, crn.TrainingSchema]:
    return {t.name: crn.infer_schema(t.build()) for t in TABLES}


def test_corpus_is_large_enough() -> None:
    assert len(TABLES) >= 20
    assert len({t.name for t in TABLES}) == len(TABLES)


@pytest.mark.parametrize("table", TABLES, ids=[t.name for t in TABLES])
def test_expected_roles(table: CorpusTable, schemas: dict[str, crn.TrainingSchema]) -> None:
    schema = schemas[table.name]
    got = {name: schema.column(name).role for name in table.expect}
    assert got == table.expect, str(schema)


@pytest.mark.parametrize("table", TABLES, ids=[t.name for t in TABLES])
def test_required_roles_or_reasons(
    table: CorpusTable, schemas: dict[str, crn.TrainingSchema]
) -> None:
    schema = schemas[table.name]
    api_roles = [c["columnTypes"][0] for c in schema.to_api()]
    for role in _roles.REQUIRED_ROLES:
        if role in table.missing:
            # Never a guess: the role is absent from the request, and the reason names the fix.
            assert role not in api_roles, str(schema)
            reason = schema.missing[role]
            for word in table.missing[role]:
                assert word in reason, (role, reason)
            assert any(
                f.code == "missing_role" and role in f.message for f in schema.findings.errors
            )
        else:
            assert api_roles.count(role) == 1, str(schema)
            assert role not in schema.missing


@pytest.mark.parametrize("table", TABLES, ids=[t.name for t in TABLES])
def test_expected_warnings(table: CorpusTable, schemas: dict[str, crn.TrainingSchema]) -> None:
    schema = schemas[table.name]
    found = {(f.code, f.path) for f in schema.findings}
    for code, column in table.warnings:
        assert (code, f"columns.{column}") in found, sorted(found)


@pytest.mark.parametrize("table", TABLES, ids=[t.name for t in TABLES])
def test_schema_invariants(table: CorpusTable, schemas: dict[str, crn.TrainingSchema]) -> None:
    df = table.build()
    schema = schemas[table.name]
    assert [c.name for c in schema.columns] == list(df.columns)
    api = schema.to_api()
    assert len(schema.features) <= _roles.MAX_FEATURES
    for c in schema.columns:
        assert 0.0 <= c.confidence <= 1.0
        assert len(c.reason) > 10
        assert c.suggested_role == c.role
        if c.role is not None:
            # Suggestions follow meaning, fixes follow storage: a role the Glue type does not
            # take comes with a fix (and an error finding naming it).
            fixed = {f.column for f in schema.fixes}
            assert _roles.accepts(c.role, c.glue_type) or c.name in fixed, (c.name, c.glue_type)
    for entry in api:
        assert set(entry) == {"columnName", "columnTypes"}
        assert len(entry["columnTypes"]) == 1
        assert _service_model.matches(_service_model.COLUMN_NAME_PATH, entry["columnName"])
    # Reasons read like the example: name evidence, counts, type.
    user = schema.user_id
    if user is not None:
        assert "name matches" in user.reason or "look like" in user.reason
        assert "distinct value" in user.reason and "rows each" in user.reason


@pytest.mark.parametrize("table", TABLES, ids=[t.name for t in TABLES])
def test_expected_fixes(table: CorpusTable, schemas: dict[str, crn.TrainingSchema]) -> None:
    schema = schemas[table.name]
    planned = {(f.column, f.code) for f in schema.fixes}
    for fix in table.fixes:
        assert fix in planned, (sorted(planned), str(schema))
    for fix in schema.fixes:
        # Every fix resolves a finding of the schema, and the roles stay in the request.
        assert any(f.path == f"columns.{fix.column}" for f in schema.findings), fix
        assert schema.column(fix.column).role is not None
        assert fix.pandas.startswith(f"df[{fix.column!r}] = ") and fix.sql


def test_reason_example_format(schemas: dict[str, crn.TrainingSchema]) -> None:
    reason = schemas["hm_transactions"].column("customer_id").reason
    assert reason.startswith("name matches 'customer'; ")
    assert "distinct values" in reason and "rows each" in reason and reason.endswith("string")


def test_epoch_units_are_recorded(schemas: dict[str, crn.TrainingSchema]) -> None:
    ts = schemas["otto"].column("ts")
    assert ts.profile is not None and ts.profile.time_unit == "ms"
    assert schemas["movielens"].column("timestamp").profile.time_unit == "s"  # type: ignore[union-attr]


@pytest.mark.parametrize("table", TABLES, ids=[t.name for t in TABLES])
def test_apply_fixes_gives_a_frame_with_the_same_roles_and_no_fix_left(
    table: CorpusTable, schemas: dict[str, crn.TrainingSchema]
) -> None:
    """infer_schema(apply_fixes(df, schema)) keeps the three roles and needs no more fixes."""
    df = table.build()
    before = df.copy(deep=True)
    schema = schemas[table.name]
    fixed = crn.apply_fixes(df, schema)
    pd.testing.assert_frame_equal(df, before)
    again = crn.infer_schema(fixed)
    for role in _roles.REQUIRED_ROLES:
        if role not in table.missing:
            want = [c.name for c in schema.role_columns(role)]
            assert [c.name for c in again.role_columns(role)] == want, (role, str(again))
    assert not again.fixes or all(f.code == "timestamp_unit" for f in again.fixes), again.fixes
    fix_codes = {"timestamp_text", "float_id", "raw_pii"}
    assert not [f for f in again.findings.errors if f.code in fix_codes], again.findings
