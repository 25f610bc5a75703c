"""The service-model reader: what the validator depends on, and Java-equivalent patterns."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.model import ServiceModel

import cleanroom_nb as crn
from cleanroom_nb import _roles
from cleanroom_nb.aws import _service_model
from cleanroom_nb.aws._service_model import (
    UnsupportedPatternError,
    compiled_pattern,
    java_regex_to_python,
    pattern_matches,
)
from cleanroom_nb.request import _model_checks as _request

# Every (member path, metadata key) the request validator and its corpus rely on. If botocore's
# model stops exposing one of these, validation would silently stop checking it: fail instead.
DEPENDS: list[tuple[str, str]] = [
    ("name", "min"),
    ("name", "max"),
    ("name", "pattern"),
    ("roleArn", "min"),
    ("roleArn", "max"),
    ("roleArn", "pattern"),
    ("trainingData", "min"),
    ("trainingData", "max"),
    ("trainingData.type", "enum"),
    ("trainingData.inputConfig.schema", "min"),
    ("trainingData.inputConfig.schema", "max"),
    ("trainingData.inputConfig.schema.columnName", "min"),
    ("trainingData.inputConfig.schema.columnName", "max"),
    ("trainingData.inputConfig.schema.columnName", "pattern"),
    ("trainingData.inputConfig.schema.columnTypes", "min"),
    ("trainingData.inputConfig.schema.columnTypes", "max"),
    ("trainingData.inputConfig.schema.columnTypes", "enum"),
    ("trainingData.inputConfig.dataSource.glueDataSource.tableName", "min"),
    ("trainingData.inputConfig.dataSource.glueDataSource.tableName", "max"),
    ("trainingData.inputConfig.dataSource.glueDataSource.tableName", "pattern"),
    ("trainingData.inputConfig.dataSource.glueDataSource.databaseName", "min"),
    ("trainingData.inputConfig.dataSource.glueDataSource.databaseName", "max"),
    ("trainingData.inputConfig.dataSource.glueDataSource.databaseName", "pattern"),
    ("trainingData.inputConfig.dataSource.glueDataSource.catalogId", "min"),
    ("trainingData.inputConfig.dataSource.glueDataSource.catalogId", "max"),
    ("trainingData.inputConfig.dataSource.glueDataSource.catalogId", "pattern"),
    ("tags", "max"),
    ("tags", "key.min"),
    ("tags", "key.max"),
    ("tags", "value.max"),
    ("description", "max"),
    ("description", "pattern"),
    # required members
    ("name", "required"),
    ("roleArn", "required"),
    ("trainingData", "required"),
    ("trainingData.type", "required"),
    ("trainingData.inputConfig", "required"),
    ("trainingData.inputConfig.schema", "required"),
    ("trainingData.inputConfig.dataSource", "required"),
    ("trainingData.inputConfig.dataSource.glueDataSource", "required"),
    ("trainingData.inputConfig.schema.columnName", "required"),
    ("trainingData.inputConfig.schema.columnTypes", "required"),
    ("trainingData.inputConfig.dataSource.glueDataSource.tableName", "required"),
    ("trainingData.inputConfig.dataSource.glueDataSource.databaseName", "required"),
]


@pytest.mark.parametrize(("path", "key"), DEPENDS, ids=[f"{p}:{k}" for p, k in DEPENDS])
def test_model_still_exposes_what_the_validator_reads(path: str, key: str) -> None:
    index = _service_model.constraint_index()
    assert key in index.get(path, set()), (
        f"botocore's cleanroomsml model no longer exposes {key!r} at {path!r}; "
        "the validator would stop checking it"
    )


def test_model_is_the_clients_model() -> None:
    client = boto3.client("cleanroomsml", region_name="us-east-1")
    ours = _service_model.service_model().operation_model("CreateTrainingDataset")
    theirs = client.meta.service_model.operation_model("CreateTrainingDataset")
    assert ours.input_shape.members.keys() == theirs.input_shape.members.keys()
    assert _service_model.metadata("name") == dict(theirs.input_shape.members["name"].metadata)


def test_roles_and_dataset_type_match_the_model_enums() -> None:
    member: Any = _service_model.shape_at("trainingData.inputConfig.schema.columnTypes").member
    assert tuple(member.metadata["enum"]) == _roles.ROLES
    assert "INTERACTIONS" in _service_model.metadata("trainingData.type")["enum"]


def test_request_paths_exist_in_the_model() -> None:
    for plain in (_request.SCHEMA_PATH, _request.GLUE_PATH):
        _service_model.shape_at(re.sub(r"\[\d+\]", "", plain))  # raises KeyError if gone


def test_every_model_pattern_translates() -> None:
    """A new botocore with Java-only regex syntax makes this fail instead of mis-validating."""
    model = _service_model.service_model()
    for name in model.shape_names:
        pattern = model.shape_for(name).metadata.get("pattern")
        if pattern is not None:
            compiled_pattern(pattern)


def test_validator_follows_the_model_at_run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """No limit is copied: change the loaded model and the validator changes with it."""
    req = crn.build_request(
        name="n" * 11,
        role_arn="arn:aws:iam::123456789012:role/cleanrooms-ml-r",
        database="d",
        table="t",
        schema=[
            {"columnName": c, "columnTypes": [r]}
            for c, r in [("u", "USER_ID"), ("i", "ITEM_ID"), ("t", "TIMESTAMP")]
        ],
    )
    assert crn.validate_request(req) == []
    # a "new botocore": the same service description with other limits
    data = copy.deepcopy(botocore.session.get_session().get_service_data("cleanroomsml"))
    data["shapes"]["NameString"]["max"] = 10
    data["shapes"]["ColumnName"]["pattern"] = "[a-i]+"
    data["shapes"]["DatasetType"]["enum"] = ["ITEMS"]
    newer = ServiceModel(data, service_name="cleanroomsml")
    monkeypatch.setattr(_service_model, "service_model", lambda: newer)
    got = {(f.path, f.code) for f in crn.validate_request(req)}
    assert got == {
        ("name", "max_length"),
        ("trainingData[0].inputConfig.schema[0].columnName", "pattern"),
        ("trainingData[0].inputConfig.schema[2].columnName", "pattern"),
        ("trainingData[0].type", "enum"),
    }


# ------------------------------------------------------------- Java regex -> Python re


def jmatch(pattern: str, value: str) -> bool:
    return pattern_matches(pattern, value)


def test_surrogate_escapes_follow_javas_parser() -> None:
    # a high escape followed by a low escape is ONE supplementary code point in Java
    assert java_regex_to_python("[\\uD83D\\uDE00]") == "[\\U0001F600]"
    assert jmatch("[\\uD83D\\uDE00]", "\U0001f600")
    assert not jmatch("[\\uD83D\\uDE00]", "\ud83d")
    # the model's "\uD800\uDBFF-\uDC00\uDFFF" stays lone surrogates: no emoji
    name = _service_model.metadata("name")["pattern"]
    assert "\\uD800\\uDBFF-\\uDC00\\uDFFF" in name
    assert not jmatch(name, "\U0001f600")
    assert jmatch(name, "\ud800") and jmatch(name, "\udbff") and jmatch(name, "\udc00")
    assert not jmatch(name, "\udc01")
    assert jmatch(name, "\ud7ff\ue000\ufffd")
    assert not jmatch(name, "\ufffe")


def test_java_whitespace_dot_and_dollar() -> None:
    assert jmatch("(?!\\s*$).*", "\u3000")  # \s is ASCII-only in Java
    assert not jmatch("(?!\\s*$).*", " \x0b")  # \x0B is Java whitespace
    for term in ("\n", "\r", "\r\n", "\u0085", "\u2028", "\u2029"):
        assert not jmatch("(?!\\s*$)[^a]*", term), repr(term)  # $ before a final terminator
        assert not jmatch("a.b", f"a{term}b"), repr(term)  # . excludes line terminators
    assert jmatch("(?!\\s*$)[^a]*", "\n\n\u2028x")
    assert jmatch("a\\z", "a") and jmatch("a\\Z", "a")


def test_java_escapes_translated() -> None:
    assert jmatch("\\x{1F600}", "\U0001f600")
    assert jmatch("\\x41\\e", "A\x1b")
    assert jmatch("\\Q.*\\E", ".*") and not jmatch("\\Q.*\\E", "ab")
    assert jmatch("\\p{Alpha}+[\\p{Digit}_]", "ab_") and not jmatch("\\p{Alpha}", "é")
    assert jmatch("(?<year>[0-9]{4})", "2024")
    assert jmatch("[-a-z]+", "aws-cn")


@pytest.mark.parametrize("pattern", ["\\p{L}+", "[a-z&&[^e]]", "[a[b]]", "\\G", "\\R", "a\\"])
def test_unsupported_java_syntax_raises(pattern: str) -> None:
    with pytest.raises(UnsupportedPatternError):
        java_regex_to_python(pattern)


# ------------------------------------------------- differential check against Java's engine

_JAVA_MATCH = r"""
import java.io.*;
import java.util.regex.Pattern;

public class Match {
    static String decode(String hex) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 4 <= hex.length(); i += 4)
            sb.append((char) Integer.parseInt(hex.substring(i, i + 4), 16));
        return sb.toString();
    }
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
        StringBuilder out = new StringBuilder();
        Pattern p = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("P")) { p = Pattern.compile(decode(line.substring(1))); continue; }
            out.append(p.matcher(decode(line.substring(1))).matches() ? '1' : '0').append('\n');
        }
        System.out.print(out);
    }
}
"""

_ALPHABET = [
    "a",
    "Z",
    "0",
    "_",
    " ",
    "-",
    ".",
    ":",
    "/",
    "\t",
    "\n",
    "\r",
    "\x0b",
    "\x0c",
    "\x00",
    "\x07",
    "é",
    "\u0085",
    "\u00a0",
    "\u2028",
    "\u2029",
    "\u3000",
    "\ud7ff",
    "\ue000",
    "\ufffd",
    "\ufffe",
    "\U0001f600",
    "\U00010000",
    "\ud800",
    "\udbff",
    "\udc00",
    "\udfff",
    "\udc01",
]
_EXTRA_PATTERNS = [
    "a.b",
    "(?!\\s*$).*",
    "\\Q.*\\E",
    "\\p{Alpha}+[\\p{Digit}_]?",
    "[\\uD83D\\uDE00x]+",
    "a$",
    "a\\Z",
    "a\\z",
    "\\x{1F600}\\x41",
    "[^a-z]*",
    "(?<w>\\w+)\\s\\d",
    "[\\uD800\\uDBFF-\\uDC00]",
]


def _utf16_hex(s: str) -> str:
    return s.encode("utf-16-be", "surrogatepass").hex()


@pytest.mark.skipif(shutil.which("java") is None, reason="needs a Java runtime")
def test_patterns_agree_with_javas_regex_engine(tmp_path: Any) -> None:
    """Every model pattern (and some Java specifics) decides like java.util.regex.Pattern."""
    import random

    rng = random.Random(0)
    model = _service_model.service_model()
    patterns = (
        sorted(
            {
                p
                for name in model.shape_names
                if (p := model.shape_for(name).metadata.get("pattern")) is not None
            }
        )
        + _EXTRA_PATTERNS
    )
    fixed = [
        "",
        " ",
        "a",
        "a-b",
        "a--b",
        "a-",
        "-a",
        "a b",
        " a",
        "a ",
        "\u3000",
        "\u2028",
        "a\u2028",
        "x\r\n",
        "\r\n",
        "arn:aws:iam::123456789012:role/x",
        "arn:aws-cn:iam::123456789012:role/a\nb",
        "123456789012",
        "\U0001f600",
        "a.b",
        "a\nb",
        ".*",
        "abc1",
        "é_",
        "a\u0085",
        "a\n",
        "a\r",
        "w 1",
    ]
    cases: list[tuple[str, str]] = []
    for p in patterns:
        values = fixed + [
            "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 5))) for _ in range(150)
        ]
        cases.extend((p, v) for v in values)
    lines = []
    last = None
    for p, v in cases:
        if p != last:
            lines.append("P" + _utf16_hex(p))
            last = p
        lines.append("S" + _utf16_hex(v))
    src = tmp_path / "Match.java"
    src.write_text(_JAVA_MATCH)
    out = subprocess.run(
        ["java", str(src)],
        input="\n".join(lines) + "\n",
        text=True,
        capture_output=True,
        timeout=120,
        check=True,
    ).stdout.split()
    assert len(out) == len(cases)
    wrong = [
        (p, v, o)
        for (p, v), o in zip(cases, out, strict=True)
        if pattern_matches(p, v) != (o == "1")
    ]
    assert not wrong, wrong[:10]
