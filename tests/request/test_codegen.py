"""Code generation: the boto3 snippet compiles, sends the same kwargs and carries no secrets."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

import cleanroom_nb as crn
from cleanroom_nb import ColumnSchema, TrainingSchema

ARN = "arn:aws:cleanrooms-ml:eu-west-1:123456789012:training-dataset/abc"


def request() -> crn.TrainingDatasetRequest:
    schema = TrainingSchema.from_columns(
        [
            ColumnSchema("user_id", "string", "USER_ID", 1.0, ""),
            ColumnSchema("item_id", "bigint", "ITEM_ID", 1.0, ""),
            ColumnSchema("event_time", "bigint", "TIMESTAMP", 1.0, ""),
            ColumnSchema("price", "double", "NUMERICAL_FEATURE", 1.0, ""),
        ]
    )
    return crn.build_request(
        name="shoppers 'q\"",
        role_arn="arn:aws:iam::123456789012:role/cleanrooms-ml-r",
        database="sales",
        table="interactions",
        schema=schema,
        description="line 1\nline 2 — ünïcode\t",
        tags={"team": "growth", "cost-center": "42"},
        catalog_id="123456789012",
    )


class RecordingClient:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.polls = 0

    def create_training_dataset(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("create", kwargs))
        return {"trainingDatasetArn": ARN}

    def get_training_dataset(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(("get", kwargs))
        self.polls += 1
        return {"status": "ACTIVE" if self.polls >= 2 else "CREATE_PENDING"}


def run(code: str, monkeypatch: pytest.MonkeyPatch, client: Any) -> dict[str, Any]:
    made: dict[str, Any] = {}

    def fake_client(service: str, **kwargs: Any) -> Any:
        made.update(service=service, **kwargs)
        return client

    monkeypatch.setattr(boto3, "client", fake_client)
    monkeypatch.setattr("time.sleep", lambda s: None)
    exec(compile(code, "<snippet>", "exec"), {"__name__": "__main__"})
    return made


def test_snippet_sends_exactly_the_request(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    req = request()
    code = crn.to_boto3_code(req, region="eu-west-1")
    client = RecordingClient()
    made = run(code, monkeypatch, client)
    assert made == {"service": "cleanroomsml", "region_name": "eu-west-1"}
    assert client.calls == [("create", dict(req))]
    assert capsys.readouterr().out.strip() == ARN
    tree = ast.parse(code)
    imports = [n.names[0].name for n in ast.walk(tree) if isinstance(n, ast.Import)]
    assert imports == ["boto3"]
    assert "cleanroom_nb" not in code.split('"""')[-1]  # plain boto3 only (outside the docstring)


def test_snippet_passes_botocores_serializer(monkeypatch: pytest.MonkeyPatch) -> None:
    req = request()
    real = boto3.session.Session().client("cleanroomsml", region_name="eu-west-1")
    with Stubber(real) as stub:
        stub.add_response("create_training_dataset", {"trainingDatasetArn": ARN}, dict(req))
        run(crn.to_boto3_code(req, region="eu-west-1"), monkeypatch, real)
        stub.assert_no_pending_responses()


def test_wait_polls_until_active(monkeypatch: pytest.MonkeyPatch) -> None:
    client = RecordingClient()
    run(crn.to_boto3_code(request(), region="us-east-1", wait=True), monkeypatch, client)
    assert [c[0] for c in client.calls] == ["create", "get", "get"]
    assert client.calls[1][1] == {"trainingDatasetArn": ARN}


def test_region_defaults_to_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    assert 'region_name="ap-southeast-2"' in crn.to_boto3_code(request())
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION", raising=False)
    code = crn.to_boto3_code(request())
    assert 'boto3.client("cleanroomsml")' in code
    compile(code, "<snippet>", "exec")


def test_no_credentials_in_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = {
        "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AWS_SESSION_TOKEN": "FwoGZXIvYXdzEJr//////////wEaDEXAMPLETOKEN",
    }
    for k, v in secrets.items():
        monkeypatch.setenv(k, v)
    code = crn.to_boto3_code(request(), region="eu-west-1")
    for v in secrets.values():
        assert v not in code
    lowered = code.lower()
    for word in (
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "profile_name",
        "endpoint_url",
    ):
        assert word not in lowered


@pytest.mark.parametrize("where", ["description", "tags"])
def test_refuses_a_request_that_carries_a_credential(
    where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    req = request()
    if where == "tags":
        req["tags"]["key"] = "AKIAIOSFODNN7EXAMPLE"
    else:
        req["description"] = "secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    with pytest.raises(crn.RequestInvalidError, match="credential") as info:
        crn.to_boto3_code(req)
    assert info.value.findings[0].path.startswith(where)


def test_refuses_non_plain_values() -> None:
    req = request()
    req["description"] = object()
    with pytest.raises(crn.RequestInvalidError, match="description"):
        crn.to_boto3_code(req)
    req["description"] = float("nan")
    with pytest.raises(crn.RequestInvalidError, match="JSON"):
        crn.to_boto3_code(req)


RUFF = Path(sys.executable).with_name("ruff")


def ruff_formatted(code: str) -> str:
    """``code`` as ``ruff format`` (its defaults: line length 88, double quotes) writes it."""
    out = subprocess.run(
        [str(RUFF), "format", "--isolated", "--stdin-filename", "snippet.py", "-"],
        input=code,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def wide_request(n_columns: int = 60) -> crn.TrainingDatasetRequest:
    cols = [
        ColumnSchema("user_id", "string", "USER_ID", 1.0, ""),
        ColumnSchema("item_id", "bigint", "ITEM_ID", 1.0, ""),
        ColumnSchema("event_time", "bigint", "TIMESTAMP", 1.0, ""),
    ] + [
        ColumnSchema(f"a_rather_long_feature_column_name_{i}", "double", "NUMERICAL_FEATURE", 1, "")
        for i in range(n_columns)
    ]
    return crn.build_request(
        name="wide",
        role_arn="arn:aws:iam::123456789012:role/cleanrooms-ml-r",
        database="sales",
        table="interactions",
        schema=TrainingSchema.from_columns(cols),
        description="a description long enough to pass the line length on its own: " + "x" * 60,
    )


@pytest.mark.parametrize("wait", [False, True])
@pytest.mark.parametrize("make", [request, wide_request])
def test_ruff_format_leaves_the_code_unchanged(make: Any, wait: bool) -> None:
    """Issue 13, item 5: code as a person writes it; the formatter has nothing to change."""
    code = crn.to_boto3_code(make(), region="eu-west-1", wait=wait)
    assert ruff_formatted(code) == code
    assert "client.create_training_dataset(\n    name=" in code  # keyword arguments
    assert "**" not in code


def test_quotes_and_escapes_are_the_formatters() -> None:
    req = dict(request())
    for text in ("it's", 'say "hi"', 'both \' and ""', "tab\tnew\nline \\ end", "ünï €"):
        req["description"] = text
        code = crn.to_boto3_code(req, region="eu-west-1")
        assert ruff_formatted(code) == code, text
        call = ast.parse(code).body[-3].value  # response = client.create_training_dataset(...)
        sent = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        assert sent == json.loads(json.dumps(req))


def test_generated_code_creates_the_dataset_on_the_emulator(
    cleanrooms: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The code runs as it is (boto3 only) against the Clean Rooms ML emulator."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "form"))
    from form_helpers import make_glue_table, make_roles

    session = boto3.Session(region_name="us-east-1")
    make_glue_table(session)
    role_arn = make_roles(session)
    schema = crn.infer_schema_from_glue("shop", "interactions", boto3_session=session)
    schema = schema.with_role("email", None)
    req = crn.build_request(
        name="from-generated-code",
        role_arn=role_arn,
        database="shop",
        table="interactions",
        schema=schema,
        tags={"made-by": "test"},
    )
    code = crn.to_boto3_code(req, region="us-east-1", wait=True)
    monkeypatch.setattr("time.sleep", lambda s: None)
    exec(compile(code, "<snippet>", "exec"), {"__name__": "__main__"})
    arn = capsys.readouterr().out.strip()
    assert arn in cleanrooms.datasets
    assert cleanrooms.datasets[arn]["name"] == "from-generated-code"
    assert cleanrooms.datasets[arn]["status"] == "ACTIVE"
