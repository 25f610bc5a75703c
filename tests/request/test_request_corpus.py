"""A corpus of invalid create_training_dataset requests: every constraint at its boundary.

The limits below are the documented ones (RULES.md, the API reference); the validator reads them
from botocore's model at run time, so a botocore that changes a limit makes this corpus fail and
be reviewed.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import awswrangler as wr
import boto3
import pytest
from botocore.stub import Stubber
from hypothesis import given, settings
from hypothesis import strategies as st

import cleanroom_nb as crn
from cleanroom_nb import ColumnSchema, TrainingSchema
from cleanroom_nb.testing import GlueTableFactory

ROLE = "arn:aws:iam::123456789012:role/cleanrooms-ml-reader"
S = "trainingData[0].inputConfig.schema"
G = "trainingData[0].inputConfig.dataSource.glueDataSource"


def base_request() -> dict[str, Any]:
    """A valid request as a plain dict (no Glue types known)."""
    return {
        "name": "shoppers",
        "roleArn": ROLE,
        "trainingData": [
            {
                "type": "INTERACTIONS",
                "inputConfig": {
                    "schema": [
                        {"columnName": "user_id", "columnTypes": ["USER_ID"]},
                        {"columnName": "item_id", "columnTypes": ["ITEM_ID"]},
                        {"columnName": "event_time", "columnTypes": ["TIMESTAMP"]},
                        {"columnName": "price", "columnTypes": ["NUMERICAL_FEATURE"]},
                        {"columnName": "device", "columnTypes": ["CATEGORICAL_FEATURE"]},
                    ],
                    "dataSource": {
                        "glueDataSource": {"tableName": "interactions", "databaseName": "sales"}
                    },
                },
            }
        ],
    }


def with_value(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets (or, for ``...``, deletes) the value at a dotted path."""

    def mutate(req: dict[str, Any]) -> None:
        parts = path.replace("[", ".").replace("]", "").split(".")
        node: Any = req
        for p in parts[:-1]:
            node = node[int(p)] if p.isdigit() else node[p]
        last: Any = int(parts[-1]) if parts[-1].isdigit() else parts[-1]
        if value is ...:
            del node[last]
        else:
            node[last] = copy.deepcopy(value)

    return mutate


def schema_of(*cols: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"columnName": n, "columnTypes": [r]} for n, r in cols]


CORE = [("user_id", "USER_ID"), ("item_id", "ITEM_ID"), ("event_time", "TIMESTAMP")]


def features(n: int, role: str = "NUMERICAL_FEATURE") -> list[tuple[str, str]]:
    return [(f"f{i}", role) for i in range(n)]


def tags(n: int) -> dict[str, str]:
    return {f"k{i}": "v" for i in range(n)}


ARN_PREFIX = "arn:aws:iam::123456789012:role/cleanrooms-ml-"

C3 = f"{S}[3].columnName"
TY = "trainingData[0].type"
CAT = f"{G}.catalogId"

# (id, mutation, expected (path, code) findings; an empty set means: no finding at all)
CASES: list[tuple[str, Callable[[dict[str, Any]], None], set[tuple[str, str]]]] = [
    # --- name: 1-63 characters, not only whitespace, printable
    ("name-63", with_value("name", "n" * 63), set()),
    ("name-64", with_value("name", "n" * 64), {("name", "max_length")}),
    ("name-empty", with_value("name", ""), {("name", "min_length")}),
    ("name-space", with_value("name", " "), {("name", "pattern")}),
    ("name-whitespace", with_value("name", " \t \n"), {("name", "pattern")}),
    ("name-crlf-only", with_value("name", "\r\n"), {("name", "pattern")}),
    ("name-inner-space", with_value("name", "my dataset 1"), set()),
    ("name-trailing-space", with_value("name", "my dataset "), set()),
    ("name-tab", with_value("name", "a\tb"), set()),
    ("name-newline", with_value("name", "a\nb"), {("name", "pattern")}),
    ("name-control", with_value("name", "a\x00b"), {("name", "pattern")}),
    ("name-unicode-bmp", with_value("name", "Käufer-日本"), set()),
    # Java's \s is ASCII: an ideographic space alone is not "only whitespace" for AWS
    ("name-ideographic-space", with_value("name", "\u3000"), set()),
    # Java's $ matches before a final U+2028: the name counts as only whitespace
    ("name-line-separator", with_value("name", "\u2028"), {("name", "pattern")}),
    # beyond U+FFFF: not in the class (Java matches by code point)
    ("name-emoji", with_value("name", "shop\U0001f600"), {("name", "pattern")}),
    ("name-missing", with_value("name", ...), {("name", "required")}),
    ("name-none", with_value("name", None), {("name", "required")}),
    ("name-int", with_value("name", 5), {("name", "type")}),
    # --- description: at most 255, printable + tab, CR, LF
    ("desc-255", with_value("description", "d" * 255), set()),
    ("desc-256", with_value("description", "d" * 256), {("description", "max_length")}),
    ("desc-empty", with_value("description", ""), set()),
    ("desc-ctrl-ok", with_value("description", "line 1\r\nline 2\n\ttab"), set()),
    ("desc-bell", with_value("description", "ding\x07"), {("description", "pattern")}),
    ("desc-emoji", with_value("description", "\U0001f600"), {("description", "pattern")}),
    # --- roleArn: 20-2048 characters, arn:aws[-a-z]*:iam::<12 digits>:role/.+
    ("role-2048", with_value("roleArn", ARN_PREFIX + "r" * (2048 - len(ARN_PREFIX))), set()),
    (
        "role-2049",
        with_value("roleArn", ARN_PREFIX + "r" * (2049 - len(ARN_PREFIX))),
        {("roleArn", "max_length")},
    ),
    (
        "role-19",
        with_value("roleArn", "arn:aws:iam::1:role"),
        {("roleArn", "pattern")},
    ),
    ("role-cn", with_value("roleArn", "arn:aws-cn:iam::123456789012:role/cleanrooms-ml-r"), set()),
    (
        # AWSCleanRoomsMLFullAccess's PassRole resource role/cleanrooms-ml* is matched
        # against path + name: role/svc/cleanrooms-ml-r is not covered (issue 12, point 1)
        "role-path",
        with_value("roleArn", "arn:aws:iam::123456789012:role/svc/cleanrooms-ml-r"),
        {("roleArn", "role_name")},
    ),
    (
        "role-path-covered",
        with_value("roleArn", "arn:aws:iam::123456789012:role/cleanrooms-ml/reader"),
        set(),
    ),
    (
        "role-11-digits",
        with_value("roleArn", "arn:aws:iam::12345678901:role/cleanrooms-ml-r"),
        {("roleArn", "pattern")},
    ),
    (
        "role-user",
        with_value("roleArn", "arn:aws:iam::123456789012:user/cleanrooms-ml"),
        {("roleArn", "pattern")},
    ),
    (
        "role-assumed",
        with_value("roleArn", "arn:aws:sts::123456789012:assumed-role/r/s"),
        {("roleArn", "pattern")},
    ),
    ("role-newline", with_value("roleArn", ARN_PREFIX + "a\nb"), {("roleArn", "pattern")}),
    (
        "role-empty-name",
        with_value("roleArn", "arn:aws:iam::123456789012:role/"),
        {("roleArn", "pattern")},
    ),
    (
        "role-not-passable",
        with_value("roleArn", "arn:aws:iam::123456789012:role/analytics"),
        {("roleArn", "role_name")},
    ),
    ("role-missing", with_value("roleArn", ...), {("roleArn", "required")}),
    # --- trainingData: exactly one INTERACTIONS dataset
    ("td-empty", with_value("trainingData", []), {("trainingData", "min_count")}),
    ("td-missing", with_value("trainingData", ...), {("trainingData", "required")}),
    (
        "td-not-list",
        with_value("trainingData", {"type": "INTERACTIONS"}),
        {("trainingData", "type")},
    ),
    ("type-lower", with_value(TY, "interactions"), {(TY, "enum")}),
    ("type-missing", with_value(TY, ...), {(TY, "required")}),
    (
        "input-missing",
        with_value("trainingData[0].inputConfig", ...),
        {("trainingData[0].inputConfig", "required")},
    ),
    (
        "glue-missing",
        with_value("trainingData[0].inputConfig.dataSource", {}),
        {("trainingData[0].inputConfig.dataSource.glueDataSource", "required")},
    ),
    # --- schema: 1-100 columns
    ("schema-empty", with_value(S, []), {(S, "min_count"), (S, "missing_role")}),
    ("schema-missing", with_value(S, ...), {(S, "required")}),
    ("schema-100", with_value(S, schema_of(*CORE, *features(97))), {(S, "too_many_features")}),
    (
        "schema-101",
        with_value(S, schema_of(*CORE, *features(98))),
        {(S, "max_count"), (S, "too_many_features")},
    ),
    # --- columnName: 1-128, [a-zA-Z0-9_](([a-zA-Z0-9_ ]+-)*([a-zA-Z0-9_ ]+))?
    ("col-128", with_value(C3, "c" * 128), set()),
    ("col-129", with_value(C3, "c" * 129), {(C3, "max_length")}),
    ("col-empty", with_value(C3, ""), {(C3, "min_length")}),
    ("col-single", with_value(C3, "_"), set()),
    ("col-upper", with_value(C3, "Price"), set()),
    ("col-inner-hyphen", with_value(C3, "unit-price"), set()),
    ("col-spaced-hyphen", with_value(C3, "unit - price"), set()),
    ("col-inner-space", with_value(C3, "unit price"), set()),
    ("col-trailing-space", with_value(C3, "price "), set()),
    ("col-leading-space", with_value(C3, " price"), {(C3, "pattern")}),
    ("col-leading-hyphen", with_value(C3, "-price"), {(C3, "pattern")}),
    ("col-trailing-hyphen", with_value(C3, "price-"), {(C3, "pattern")}),
    ("col-double-hyphen", with_value(C3, "unit--price"), {(C3, "pattern")}),
    ("col-dot", with_value(C3, "unit.price"), {(C3, "pattern")}),
    ("col-unicode", with_value(C3, "preis_€"), {(C3, "pattern")}),
    ("col-newline", with_value(C3, "price\n"), {(C3, "pattern")}),
    ("col-missing", with_value(C3, ...), {(C3, "required")}),
    (
        "col-unknown-member",
        with_value(f"{S}[3].columnType", ["USER_ID"]),
        {(f"{S}[3].columnType", "unknown_member")},
    ),
    # --- columnTypes: exactly one of the five roles
    ("types-empty", with_value(f"{S}[3].columnTypes", []), {(f"{S}[3].columnTypes", "min_count")}),
    (
        "types-two",
        with_value(f"{S}[3].columnTypes", ["NUMERICAL_FEATURE", "CATEGORICAL_FEATURE"]),
        {(f"{S}[3].columnTypes", "max_count")},
    ),
    (
        "types-lower",
        with_value(f"{S}[3].columnTypes", ["numerical_feature"]),
        {(f"{S}[3].columnTypes[0]", "enum")},
    ),
    (
        "types-unknown",
        with_value(f"{S}[3].columnTypes", ["FEATURE"]),
        {(f"{S}[3].columnTypes[0]", "enum")},
    ),
    (
        "types-string",
        with_value(f"{S}[3].columnTypes", "NUMERICAL_FEATURE"),
        {(f"{S}[3].columnTypes", "type")},
    ),
    # --- Glue names: table like columnName (spaces allowed), database without spaces
    ("table-128", with_value(f"{G}.tableName", "t" * 128), set()),
    ("table-129", with_value(f"{G}.tableName", "t" * 129), {(f"{G}.tableName", "max_length")}),
    ("table-space", with_value(f"{G}.tableName", "my table"), set()),
    ("table-hyphen", with_value(f"{G}.tableName", "my-table"), set()),
    (
        "table-trailing-hyphen",
        with_value(f"{G}.tableName", "table-"),
        {(f"{G}.tableName", "pattern")},
    ),
    (
        "table-empty",
        with_value(f"{G}.tableName", ""),
        {(f"{G}.tableName", "min_length")},
    ),
    ("db-128", with_value(f"{G}.databaseName", "d" * 128), set()),
    ("db-129", with_value(f"{G}.databaseName", "d" * 129), {(f"{G}.databaseName", "max_length")}),
    ("db-hyphen", with_value(f"{G}.databaseName", "my-db"), set()),
    ("db-space", with_value(f"{G}.databaseName", "my db"), {(f"{G}.databaseName", "pattern")}),
    (
        "db-leading-hyphen",
        with_value(f"{G}.databaseName", "-db"),
        {(f"{G}.databaseName", "pattern")},
    ),
    ("db-missing", with_value(f"{G}.databaseName", ...), {(f"{G}.databaseName", "required")}),
    # --- catalogId: 12 digits
    ("catalog-12", with_value(CAT, "123456789012"), set()),
    ("catalog-11", with_value(CAT, "12345678901"), {(CAT, "pattern")}),
    ("catalog-13", with_value(CAT, "1234567890123"), {(CAT, "pattern")}),
    ("catalog-letter", with_value(CAT, "12345678901a"), {(CAT, "pattern")}),
    ("catalog-int", with_value(CAT, 123456789012), {(CAT, "type")}),
    # --- tags: at most 50 (documented; the model says 200), key 1-128, value 0-256, no aws:
    ("tags-50", with_value("tags", tags(50)), set()),
    ("tags-51", with_value("tags", tags(51)), {("tags", "too_many_tags")}),
    ("tags-201", with_value("tags", tags(201)), {("tags", "too_many_tags")}),
    ("tags-empty", with_value("tags", {}), set()),
    ("tag-key-128", with_value("tags", {"k" * 128: "v"}), set()),
    (
        "tag-key-129",
        with_value("tags", {"k" * 129: "v"}),
        {("tags." + "k" * 129, "key_max_length")},
    ),
    ("tag-key-empty", with_value("tags", {"": "v"}), {("tags.", "key_min_length")}),
    ("tag-value-256", with_value("tags", {"k": "v" * 256}), set()),
    ("tag-value-257", with_value("tags", {"k": "v" * 257}), {("tags.k", "max_length")}),
    ("tag-value-empty", with_value("tags", {"k": ""}), set()),
    ("tag-value-int", with_value("tags", {"k": 1}), {("tags.k", "type")}),
    ("tag-aws", with_value("tags", {"aws:team": "x"}), {("tags.aws:team", "reserved_tag_prefix")}),
    ("tag-AWS", with_value("tags", {"AWS:team": "x"}), {("tags.AWS:team", "reserved_tag_prefix")}),
    ("tag-Aws", with_value("tags", {"aWs:team": "x"}), {("tags.aWs:team", "reserved_tag_prefix")}),
    ("tag-awsish", with_value("tags", {"aws": "x", "awsteam": "y", "team:aws:": "z"}), set()),
    ("tags-list", with_value("tags", [{"Key": "k", "Value": "v"}]), {("tags", "type")}),
    # --- unknown members anywhere
    ("unknown-top", with_value("Name", "x"), {("Name", "unknown_member")}),
    (
        "unknown-nested",
        with_value("trainingData[0].inputConfig.format", "PARQUET"),
        {("trainingData[0].inputConfig.format", "unknown_member")},
    ),
    # --- Clean Rooms ML rules on the roles
    ("no-user-id", with_value(S, schema_of(*CORE[1:])), {(S, "missing_role")}),
    ("no-item-id", with_value(S, schema_of(CORE[0], CORE[2])), {(S, "missing_role")}),
    ("no-timestamp", with_value(S, schema_of(*CORE[:2])), {(S, "missing_role")}),
    (
        "two-timestamps",
        with_value(S, schema_of(*CORE, ("ts2", "TIMESTAMP"))),
        {(S, "duplicate_role")},
    ),
    ("two-user-ids", with_value(S, schema_of(*CORE, ("uid2", "USER_ID"))), {(S, "duplicate_role")}),
    (
        "features-10-unique",
        with_value(S, schema_of(*CORE, *[(f"g{i}", "CATEGORICAL_FEATURE") for i in range(10)])),
        set(),
    ),
    ("features-11", with_value(S, schema_of(*CORE, *features(11))), {(S, "too_many_features")}),
    (
        "dup-column",
        with_value(
            S, schema_of(*CORE, ("price", "NUMERICAL_FEATURE"), ("price", "CATEGORICAL_FEATURE"))
        ),
        {(f"{S}[4].columnName", "duplicate_column")},
    ),
    (
        "dup-column-case",
        with_value(
            S, schema_of(*CORE, ("price", "NUMERICAL_FEATURE"), ("Price", "CATEGORICAL_FEATURE"))
        ),
        {(f"{S}[4].columnName", "duplicate_column")},
    ),
]


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_corpus(
    case: str, mutate: Callable[[dict[str, Any]], None], expected: set[tuple[str, str]]
) -> None:
    req = base_request()
    mutate(req)
    findings = crn.validate_request(req)
    got = {(f.path, f.code) for f in findings}
    assert got == expected, "\n" + str(findings)
    for f in findings:
        assert f.level in ("error", "warning")
        assert f.message and len(f.message) > 20, f
    if expected:
        assert findings.errors or case in ("role-not-passable", "role-path")


def test_corpus_covers_every_constraint_in_the_model() -> None:
    """Each (shape, constraint) the model exposes for this operation has a corpus case."""
    from cleanroom_nb.aws import _service_model

    covered = {
        "name": {"min", "max", "pattern", "required"},
        "roleArn": {"min", "max", "pattern", "required"},
        "trainingData": {"min", "max", "required"},
        "trainingData.type": {"enum", "required"},
        "trainingData.inputConfig": {"required"},
        "trainingData.inputConfig.schema": {"min", "max", "required"},
        "trainingData.inputConfig.schema.columnName": {"min", "max", "pattern", "required"},
        "trainingData.inputConfig.schema.columnTypes": {"min", "max", "enum", "required"},
        "trainingData.inputConfig.dataSource": {"required"},
        "trainingData.inputConfig.dataSource.glueDataSource": {"required"},
        "trainingData.inputConfig.dataSource.glueDataSource.tableName": {
            "min",
            "max",
            "pattern",
            "required",
        },
        "trainingData.inputConfig.dataSource.glueDataSource.databaseName": {
            "min",
            "max",
            "pattern",
            "required",
        },
        "trainingData.inputConfig.dataSource.glueDataSource.catalogId": {"min", "max", "pattern"},
        # key.pattern: only botocore 1.34's TagKey has one, "^(?!aws:).{1,128}$" (cases tag-aws,
        # tag-key-129: the reserved-prefix and length findings tell it; CI's floor venv runs them)
        "tags": {"min", "max", "key.min", "key.max", "key.pattern", "value.min", "value.max"},
        "description": {"min", "max", "pattern"},
    }
    exposed = _service_model.constraint_index()
    missing = {p: sorted(keys - covered.get(p, set())) for p, keys in exposed.items()}
    missing = {p: k for p, k in missing.items() if k}
    assert not missing, f"new constraints in botocore's model without a corpus case: {missing}"


# ----------------------------------------------------------------- built from a TrainingSchema


def training_schema(**types: str) -> TrainingSchema:
    glue = {
        "user_id": "string",
        "item_id": "bigint",
        "event_time": "bigint",
        "price": "double",
        "device": "string",
        "note": "string",
    }
    glue.update(types)
    roles = {
        "user_id": "USER_ID",
        "item_id": "ITEM_ID",
        "event_time": "TIMESTAMP",
        "price": "NUMERICAL_FEATURE",
        "device": "CATEGORICAL_FEATURE",
        "note": None,
    }
    return TrainingSchema.from_columns(
        ColumnSchema(n, glue[n], roles[n], 0.9, "test") for n in glue
    )


def built(schema: TrainingSchema, **kw: Any) -> crn.TrainingDatasetRequest:
    args: dict[str, Any] = dict(
        name="shoppers", role_arn=ROLE, database="sales", table="interactions", schema=schema
    )
    args.update(kw)
    return crn.build_request(**args)


def test_build_request_is_exactly_the_kwargs() -> None:
    req = built(
        training_schema(), description="d", tags={"team": "growth"}, catalog_id="123456789012"
    )
    assert dict(req) == {
        "name": "shoppers",
        "roleArn": ROLE,
        "trainingData": [
            {
                "type": "INTERACTIONS",
                "inputConfig": {
                    "schema": [
                        {"columnName": "user_id", "columnTypes": ["USER_ID"]},
                        {"columnName": "item_id", "columnTypes": ["ITEM_ID"]},
                        {"columnName": "event_time", "columnTypes": ["TIMESTAMP"]},
                        {"columnName": "price", "columnTypes": ["NUMERICAL_FEATURE"]},
                        {"columnName": "device", "columnTypes": ["CATEGORICAL_FEATURE"]},
                    ],
                    "dataSource": {
                        "glueDataSource": {
                            "tableName": "interactions",
                            "databaseName": "sales",
                            "catalogId": "123456789012",
                        }
                    },
                },
            }
        ],
        "tags": {"team": "growth"},
        "description": "d",
    }
    assert isinstance(req, dict)
    assert req.glue_types["price"] == "double"
    # botocore's own serializer accepts it as keyword arguments
    client = boto3.client("cleanroomsml", region_name="us-east-1")
    with Stubber(client) as stub:
        arn = "arn:aws:cleanrooms-ml:us-east-1:123456789012:training-dataset/x"
        stub.add_response("create_training_dataset", {"trainingDatasetArn": arn}, dict(req))
        assert client.create_training_dataset(**req)["trainingDatasetArn"] == arn
    assert crn.validate_request(req) == []


def test_build_request_leaves_out_none_and_copies_inputs() -> None:
    api = [{"columnName": "user_id", "columnTypes": ["USER_ID"]}]
    t = {"a": "b"}
    req = crn.build_request(name="n", role_arn=ROLE, database="d", table="t", schema=api, tags=t)
    assert "description" not in req
    assert "catalogId" not in req["trainingData"][0]["inputConfig"]["dataSource"]["glueDataSource"]
    req["trainingData"][0]["inputConfig"]["schema"][0]["columnTypes"].append("X")
    req["tags"]["c"] = "d"
    assert api == [{"columnName": "user_id", "columnTypes": ["USER_ID"]}] and t == {"a": "b"}
    assert copy.deepcopy(req).glue_types == req.glue_types


@pytest.mark.parametrize(
    ("column", "glue_type", "path_index"),
    [
        ("item_id", "double", 1),
        ("event_time", "string", 2),
        ("event_time", "date", 2),
        ("price", "smallint", 3),
        ("price", "decimal(10,2)", 3),
        ("user_id", "tinyint", 0),
        ("device", "map<string,int>", 4),
    ],
)
def test_glue_type_per_role_from_the_schema(column: str, glue_type: str, path_index: int) -> None:
    findings = crn.validate_request(built(training_schema(**{column: glue_type})))
    assert [(f.path, f.code) for f in findings.errors] == [
        (f"{S}[{path_index}].columnTypes", "glue_type")
    ]
    assert glue_type.split("(")[0].split("<")[0] in findings.errors[0].message


@pytest.mark.parametrize(
    ("column", "glue_type"),
    [
        ("item_id", "int"),
        ("event_time", "timestamp"),
        ("event_time", "int"),
        ("price", "float"),
        ("device", "array<string>"),
        ("device", "boolean"),
        ("user_id", "bigint"),
    ],
)
def test_accepted_glue_types_raise_no_error(column: str, glue_type: str) -> None:
    assert crn.validate_request(built(training_schema(**{column: glue_type}))).errors == []


def test_schema_data_findings_are_kept_and_rules_not_repeated() -> None:
    s = training_schema().with_role("note", "USER_ID")  # two USER_IDs
    findings = crn.validate_request(built(s))
    assert [(f.path, f.code) for f in findings] == [(S, "duplicate_role")]


def test_schema_from_another_table_warns() -> None:
    class Source:
        database, table = "sales", "old_interactions"

    s = TrainingSchema.from_columns(training_schema().columns, source=Source())
    findings = crn.validate_request(built(s))
    assert [(f.level, f.code) for f in findings] == [("warning", "other_table")]


def test_messages_say_how_to_fix() -> None:
    req = base_request()
    with_value(f"{S}[3].columnName", "Unit Price-")(req)
    with_value(f"{S}[3].columnTypes", ["numerical feature"])(req)
    with_value("roleArn", "arn:aws:sts::123456789012:assumed-role/cleanrooms-ml-r/sess")(req)
    with_value("tags", {"AWS:team": "x"})(req)
    msgs = {f.path: f.message for f in crn.validate_request(req)}
    assert "e.g. 'unit_price_'" in msgs[f"{S}[3].columnName"]  # a valid suggestion
    assert "hyphen" in msgs[f"{S}[3].columnName"]
    assert "'NUMERICAL_FEATURE'" in msgs[f"{S}[3].columnTypes[0]"]
    assert "arn:aws:iam::123456789012:role/cleanrooms-ml-r" in msgs["roleArn"]
    assert "Rename" in msgs["tags.AWS:team"]


def test_every_problem_at_once() -> None:
    req = base_request()
    for path, value in [
        ("name", "n" * 64),
        ("description", "d" * 256),
        (f"{S}[3].columnName", "p-"),
        ("tags", tags(51)),
        (f"{G}.databaseName", "a b"),
    ]:
        with_value(path, value)(req)
    assert len(crn.validate_request(req).errors) == 5


def test_not_a_mapping() -> None:
    findings = crn.validate_request([("name", "x")])  # type: ignore[arg-type]
    assert [(f.path, f.code) for f in findings] == [("request", "type")]


# ----------------------------------------------------------------- with a session (moto)

GLUE_TYPES = {
    "user_id": "string",
    "item_id": "bigint",
    "event_time": "bigint",
    "price": "double",
    "device": "string",
}


@pytest.fixture
def interactions_table(glue_table: GlueTableFactory) -> boto3.Session:
    """sales.interactions, partitioned by day, through the ``glue_table`` factory (no data)."""
    boto3_session = glue_table(
        database="sales",
        table="interactions",
        path="s3://bucket/interactions/",
        columns_types=GLUE_TYPES,
        partitions_types={"day": "string"},
    ).session
    # the service role as the user guide makes it: validate_request reads it through IAM
    crn.create_role(
        "reader",
        database="sales",
        table="interactions",
        s3_location="s3://bucket/interactions/",
        boto3_session=boto3_session,
    )
    return boto3_session


def test_session_valid_request_has_no_finding(interactions_table: boto3.Session) -> None:
    assert crn.validate_request(base_request(), boto3_session=interactions_table) == []


def test_session_column_case_and_unknown_columns(interactions_table: boto3.Session) -> None:
    req = base_request()
    with_value(f"{S}[0].columnName", "User_Id")(req)
    with_value(f"{S}[3].columnName", "prices")(req)
    with_value(f"{S}[4].columnName", "Device Type")(req)
    findings = crn.validate_request(req, boto3_session=interactions_table)
    by_path = {f.path: f for f in findings}
    assert {(f.path, f.code) for f in findings} == {
        (f"{S}[0].columnName", "column_case"),
        (f"{S}[3].columnName", "unknown_column"),
        (f"{S}[4].columnName", "unknown_column"),
    }
    assert "use 'user_id'" in by_path[f"{S}[0].columnName"].message
    assert "'price'" in by_path[f"{S}[3].columnName"].message


def test_session_partition_key_is_a_column(interactions_table: boto3.Session) -> None:
    req = base_request()
    with_value(f"{S}[4].columnName", "day")(req)
    assert crn.validate_request(req, boto3_session=interactions_table) == []


def test_session_types_come_from_the_glue_table(interactions_table: boto3.Session) -> None:
    # the schema claims bigint, the table says double: the table wins
    req = built(training_schema(price="bigint"))
    req["trainingData"][0]["inputConfig"]["schema"][1]["columnName"] = "price"
    req["trainingData"][0]["inputConfig"]["schema"][3]["columnName"] = "item_id"
    findings = crn.validate_request(req, boto3_session=interactions_table)
    assert [(f.path, f.code) for f in findings] == [(f"{S}[1].columnTypes", "glue_type")]
    assert "in the Glue table" in findings[0].message


def test_session_missing_table_and_database(interactions_table: boto3.Session) -> None:
    req = base_request()
    with_value(f"{G}.tableName", "interaction")(req)
    f = crn.validate_request(req, boto3_session=interactions_table)
    assert [(x.path, x.code) for x in f] == [(f"{G}.tableName", "glue_table_not_found")]
    assert "'interactions'" in f[0].message
    with_value(f"{G}.databaseName", "sale")(req)
    f = crn.validate_request(req, boto3_session=interactions_table)
    assert [(x.path, x.code) for x in f] == [(f"{G}.databaseName", "glue_database_not_found")]
    assert "'sales'" in f[0].message


def test_session_role_account_and_partition(interactions_table: boto3.Session) -> None:
    req = base_request()
    with_value("roleArn", "arn:aws:iam::210987654321:role/cleanrooms-ml-reader")(req)
    f = crn.validate_request(req, boto3_session=interactions_table)
    assert [(x.path, x.code) for x in f] == [("roleArn", "role_account")]
    assert "123456789012" in f[0].message
    with_value("roleArn", "arn:aws-cn:iam::123456789012:role/cleanrooms-ml-reader")(req)
    f = crn.validate_request(req, boto3_session=interactions_table)
    assert [(x.path, x.code) for x in f] == [("roleArn", "role_partition")]
    assert "arn:aws:iam::123456789012:role/cleanrooms-ml-reader" in f[0].message


def test_session_other_catalog_warns(interactions_table: boto3.Session) -> None:
    req = base_request()
    with_value(f"{G}.catalogId", "210987654321")(req)
    f = crn.validate_request(req, boto3_session=interactions_table)
    assert ("warning", f"{G}.catalogId", "catalog_account") in {
        (x.level, x.path, x.code) for x in f
    }


def test_session_without_credentials_gives_findings_not_exceptions(
    interactions_table: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
    ):
        monkeypatch.delenv(var, raising=False)
    findings = crn.validate_request(
        base_request(), boto3_session=boto3.Session(region_name="us-east-1")
    )
    assert {(f.level, f.path, f.code) for f in findings} == {
        ("error", G, "aws_unchecked"),
        ("error", "roleArn", "aws_unchecked"),
    }
    assert all("credentials" in f.message for f in findings)


# ----------------------------------------------------------------- never raises

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
_paths = st.sampled_from(
    [
        "name",
        "roleArn",
        "description",
        "tags",
        "trainingData",
        "trainingData[0]",
        "trainingData[0].type",
        "trainingData[0].inputConfig",
        f"{S}",
        f"{S}[0]",
        f"{S}[0].columnName",
        f"{S}[0].columnTypes",
        f"{S}[1].columnTypes[0]",
        f"{G}",
        f"{G}.tableName",
        f"{G}.catalogId",
        "trainingData[0].inputConfig.dataSource",
    ]
)


@settings(max_examples=300, deadline=None)
@given(path=_paths, value=_json)
def test_any_value_anywhere_gives_findings_not_exceptions(path: str, value: Any) -> None:
    req = base_request()
    with_value(path, value)(req)
    findings = crn.validate_request(req)
    assert all(isinstance(f, crn.Finding) and f.message for f in findings)


def test_catalog_id_defaults_to_the_schemas_source() -> None:
    class Source:
        database, table, catalog_id = "sales", "interactions", "210987654321"

    s = TrainingSchema.from_columns(training_schema().columns, source=Source())
    req = built(s)
    assert req["trainingData"][0]["inputConfig"]["dataSource"]["glueDataSource"]["catalogId"] == (
        "210987654321"
    )
    assert (
        built(s, catalog_id="123456789012")["trainingData"][0]["inputConfig"]["dataSource"][
            "glueDataSource"
        ]["catalogId"]
        == "123456789012"
    )
    assert crn.validate_request(req) == []


def test_session_judges_the_table_itself(boto3_session: boto3.Session) -> None:
    """Bucket region and ZSTD Parquet: the same table rules as infer_schema_from_glue."""
    s3 = boto3_session.client("s3", region_name="eu-west-1")
    s3.create_bucket(
        Bucket="far-away", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    wr.catalog.create_database("sales", boto3_session=boto3_session)
    wr.catalog.create_parquet_table(
        database="sales",
        table="interactions",
        path="s3://far-away/interactions/",
        columns_types=GLUE_TYPES,
        compression="zstd",
        boto3_session=boto3_session,
    )
    crn.create_role(
        "reader",
        database="sales",
        table="interactions",
        s3_location="s3://far-away/interactions/",
        boto3_session=boto3_session,
    )
    findings = crn.validate_request(base_request(), boto3_session=boto3_session)
    assert {(f.level, f.path, f.code) for f in findings} == {
        ("error", G, "bucket_region"),
        ("error", G, "zstd_parquet"),
    }
    assert "eu-west-1" in next(f for f in findings if f.code == "bucket_region").message


def test_glue_schema_findings_are_not_repeated(boto3_session: boto3.Session) -> None:
    import pandas as pd

    boto3_session.client("s3").create_bucket(Bucket="data")
    df = pd.DataFrame(
        {
            "user_id": [f"u{i % 7}" for i in range(50)],
            "item_id": range(50),
            "event_time": [1_700_000_000 + i for i in range(50)],
        }
    )
    wr.catalog.create_database("sales", boto3_session=boto3_session)
    wr.s3.to_parquet(
        df,
        "s3://data/t/",
        dataset=True,
        database="sales",
        table="t",
        compression="zstd",
        boto3_session=boto3_session,
    )
    schema = crn.infer_schema_from_glue("sales", "t", boto3_session=boto3_session)
    assert "zstd_parquet" in {f.code for f in schema.findings}
    req = crn.build_request(name="n", role_arn=ROLE, database="sales", table="t", schema=schema)
    codes = [f.code for f in crn.validate_request(req, boto3_session=boto3_session)]
    assert codes.count("zstd_parquet") == 1
    assert [f.code for f in crn.validate_request(req)].count("zstd_parquet") == 1


def test_session_with_an_unknown_region_uses_the_callers_partition(
    interactions_table: boto3.Session,
) -> None:
    odd = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="local-1"
    )
    req = base_request()
    with_value("roleArn", "arn:aws-cn:iam::123456789012:role/cleanrooms-ml-reader")(req)
    codes = {f.code for f in crn.validate_request(req, boto3_session=odd)}
    assert "role_partition" in codes  # moto's caller ARN is arn:aws:...
