"""The rule book (issue 17, item 5): one enum of finding codes, each built in exactly one place.

``cleanroom_nb._rulebook`` holds one builder per :class:`~cleanroom_nb._findings.FindingCode`;
every other module calls it. This test reads the library's source (``ast``) and fails when a
module builds a :class:`~cleanroom_nb.Finding` of a code itself, when a code has no builder or
two, or when a builder builds another rule's code.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest

import cleanroom_nb as crn
from cleanroom_nb import _rulebook
from cleanroom_nb._findings import Finding, FindingCode

PACKAGE = Path(crn.__file__).parent
RULEBOOK = PACKAGE / "_rulebook"


def _finding_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == "Finding")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "Finding")
        )
    ]


def _code_arg(call: ast.Call) -> ast.expr | None:
    if len(call.args) > 2:
        return call.args[2]
    return next((k.value for k in call.keywords if k.arg == "code"), None)


def _code_name(node: ast.expr | None) -> str:
    """The code a ``Finding(...)`` call builds: its value, or ``<expression>`` when computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "FindingCode"
    ):
        return FindingCode[node.attr].value
    return "<" + (ast.unparse(node) if node is not None else "") + ">"


def _library_sites() -> dict[str, set[str]]:
    """Outside the rule book: file (relative to the package) -> the codes it builds itself."""
    sites: dict[str, set[str]] = defaultdict(set)
    for path in sorted(PACKAGE.rglob("*.py")):
        if RULEBOOK in path.parents:
            continue
        for call in _finding_calls(ast.parse(path.read_text(encoding="utf-8"))):
            sites[path.relative_to(PACKAGE).as_posix()].add(_code_name(_code_arg(call)))
    return dict(sites)


def _rule_codes(func: ast.FunctionDef) -> set[str]:
    """The codes a builder is registered for (its ``@rule(FindingCode.X, ...)``)."""
    out: set[str] = set()
    for deco in func.decorator_list:
        if isinstance(deco, ast.Call) and getattr(deco.func, "id", None) == "rule":
            for arg in deco.args:
                if isinstance(arg, ast.Starred):  # @rule(*SERVICE_MODEL_CODES)
                    out |= {c.value for c in _rulebook.SERVICE_MODEL_CODES}
                else:
                    out.add(_code_name(arg))
    return out


def test_every_code_has_exactly_one_builder() -> None:
    # rule() refuses a second builder of a code at import; here: none is missing.
    missing = {c.value for c in FindingCode} - {c.value for c in _rulebook.BUILDERS}
    assert not missing, f"codes without a builder in cleanroom_nb/_rulebook: {sorted(missing)}"
    builders = {c.value: f"{b.__module__}.{b.__qualname__}" for c, b in _rulebook.BUILDERS.items()}
    assert builders["missing_role"] == "cleanroom_nb._rulebook._schema.missing_role"
    assert builders["glue_type"] == "cleanroom_nb._rulebook._schema.glue_type"
    for code, builder in sorted(builders.items()):
        assert builder.startswith("cleanroom_nb._rulebook."), (code, builder)


def test_a_code_can_have_one_builder_only() -> None:
    with pytest.raises(RuntimeError, match=r"missing_role.*built by missing_role"):
        _rulebook.rule(FindingCode.MISSING_ROLE)(lambda: None)


def test_no_module_builds_a_finding_of_a_code_itself() -> None:
    sites = {f: sorted(codes) for f, codes in _library_sites().items()}
    assert not sites, (
        "these modules build findings themselves; call (or add) the code's builder in "
        f"cleanroom_nb/_rulebook instead: {sites}"
    )


def test_each_builder_builds_its_own_codes_only() -> None:
    built_by: dict[str, list[str]] = defaultdict(list)
    for path in sorted(RULEBOOK.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            mine = _rule_codes(func)
            for call in _finding_calls(func):
                code = _code_name(_code_arg(call))
                if code.startswith("<"):
                    # computed: only registered builders (for their own codes) or the private
                    # helper they share may build a computed code
                    assert mine or func.name.startswith("_"), (path.name, func.name, code)
                    continue
                assert code in mine, f"{func.name} builds {code!r} but is the builder of {mine}"
                built_by[code].append(func.name)
    twice = {c: names for c, names in built_by.items() if len(names) > 1}
    assert not twice, twice


def test_every_code_the_library_uses_is_a_member() -> None:
    known = {c.value for c in FindingCode}
    used = {c for codes in _library_sites().values() for c in codes if not c.startswith("<")}
    assert used <= known, sorted(used - known)


def test_codes_are_strings_and_print_as_their_value() -> None:
    f = Finding("error", "schema", "missing_role", "m")
    assert f.code is FindingCode.MISSING_ROLE and f.code == "missing_role"
    assert str(f) == "[error] schema: m (missing_role)"
    assert f"{f.code}" == "missing_role" and f.code in {"missing_role"}
    assert Finding("warning", "x", "my_own_check", "m").code == "my_own_check"  # user codes


def test_missing_role_says_the_same_on_every_path() -> None:
    """infer (schema.findings), request (validate_request) and readiness use one builder."""
    df = pd.DataFrame({"item": [1, 2, 3], "ts": [1_700_000_000, 1_700_000_001, 1_700_000_002]})
    schema = crn.infer_schema(df).with_roles({"item": "ITEM_ID", "ts": "TIMESTAMP"})
    from_schema = [f for f in schema.findings if f.code == "missing_role"]
    request = crn.build_request(
        name="x",
        role_arn="arn:aws:iam::123456789012:role/cleanrooms-ml-x",
        database="d",
        table="t",
        schema=schema,
    )
    from_request = [f for f in crn.validate_request(request) if f.code == "missing_role"]
    from_data = [f for f in crn.readiness(df, schema).findings if f.code == "missing_role"]
    for found in (from_schema, from_request, from_data):
        assert [f.message.split(":")[0] for f in found] == ["no USER_ID column"], found
        assert "Give exactly one column the role USER_ID" in found[0].message


def test_type_advice_is_written_once() -> None:
    from cleanroom_nb.infer._findings_schema import type_fix
    from cleanroom_nb.infer._schema import ColumnSchema

    c = ColumnSchema("uid", "double", "USER_ID", 1.0, "")
    assert type_fix(c) == _rulebook.sentence(_rulebook.type_fix_advice("double", "USER_ID"))
    f = _rulebook.glue_type("uid", "decimal(10,2)", "USER_ID", path="columns.uid")
    assert f.message.endswith("Cast it to double (float64).")


def test_schema_checks_once_and_plans_its_fixes_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from cleanroom_nb.infer import _fixes, _schema

    calls = {"check": 0, "plan": 0}
    check, plan = _schema.check_schema, _fixes.plan_fix

    def counted_check(*a: object, **k: object) -> object:
        calls["check"] += 1
        return check(*a, **k)  # type: ignore[arg-type]

    def counted_plan(*a: object, **k: object) -> object:
        calls["plan"] += 1
        return plan(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(_schema, "check_schema", counted_check)
    monkeypatch.setattr(_fixes, "plan_fix", counted_plan)
    df = pd.DataFrame(
        {
            "email": [f"u{i % 40}@example.org" for i in range(200)],
            "item": [float(i % 7) for i in range(200)],
            "when": [f"2024-01-{1 + i % 28:02d} 10:00:00" for i in range(200)],
        }
    )
    schema = crn.infer_schema(df).with_roles(
        {"email": "USER_ID", "item": "ITEM_ID", "when": "TIMESTAMP"}
    )
    calls.update(check=0, plan=0)
    fresh = schema.with_role("email", "USER_ID")  # a new schema: checked and planned afresh
    for _ in range(3):
        assert fresh.fixes and fresh.findings
        repr(fresh)
        fresh._repr_html_()
    assert calls == {"check": 1, "plan": 3}, calls  # one check, one plan per used column
    assert {f.code for f in fresh.findings} >= {f.code for f in fresh.fixes} & {
        "timestamp_text",
        "float_id",
        "raw_pii",
    }


def test_the_form_flags_missing_and_doubled_roles_as_the_library_does() -> None:
    """The form's columns section builds missing_role and duplicate_role with the same builders
    (its own 'how': the role menu)."""
    from cleanroom_nb.form._state import FormState
    from cleanroom_nb.form.columns._view import ColumnsView

    df = pd.DataFrame(
        {"item": [1, 2, 3], "other": [4, 5, 6], "ts": [1_700_000_000, 1_700_000_001, 1]}
    )
    schema = crn.infer_schema(df).with_roles({"item": "ITEM_ID", "other": "ITEM_ID", "ts": None})
    state = FormState(df=df, schema=schema, load=False)
    flags = ColumnsView.schema_findings(state)
    missing = [f for f in flags if f.code == "missing_role"]
    assert [f.message.split(":")[0] for f in missing] == [
        "no USER_ID column",
        "no TIMESTAMP column",
    ]
    assert missing[0] == _rulebook.missing_role(
        "USER_ID", why=schema.missing.get("USER_ID"), how="in its role menu"
    )
    assert all((f.level, f.path) == ("error", "schema") for f in missing)
    assert [f for f in flags if f.code == "duplicate_role"] == [
        _rulebook.duplicate_role("ITEM_ID", ["item", "other"])
    ]
