"""The Clean Rooms ML emulator over HTTP: raw wire format, and botocore's real client end to end."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import boto3
import botocore.config
import botocore.exceptions
import pytest

import cleanroom_nb as crn
from cleanroom_nb.local.cleanroomsml import EXPIRED_SESSION_TOKEN, CleanRoomsMLEmulator

ROLE = "arn:aws:iam::123456789012:role/cleanrooms-ml-test"
AUTH = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/cleanrooms-ml/"
    "aws4_request, SignedHeaders=host, Signature=0"
}


def _body(name: str = "ds", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "roleArn": ROLE,
        "trainingData": [
            {
                "type": "INTERACTIONS",
                "inputConfig": {
                    "schema": [
                        {"columnName": "user_id", "columnTypes": ["USER_ID"]},
                        {"columnName": "item_id", "columnTypes": ["ITEM_ID"]},
                        {"columnName": "ts", "columnTypes": ["TIMESTAMP"]},
                    ],
                    "dataSource": {"glueDataSource": {"databaseName": "db", "tableName": "t"}},
                },
            }
        ],
        **extra,
    }


def _raw(
    url: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url + path, data=data, method=method, headers={**AUTH, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, json.load(resp)
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, json.load(err)


def _client(emu: CleanRoomsMLEmulator, **kwargs: Any) -> Any:
    kwargs.setdefault("region_name", "us-east-1")
    return boto3.client(
        "cleanroomsml",
        endpoint_url=emu.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 1}),
        **kwargs,
    )


# --------------------------------------------------------------------------- raw HTTP


def test_raw_create_get_and_error_wire_format(cleanrooms: CleanRoomsMLEmulator) -> None:
    url = cleanrooms.url
    status, headers, out = _raw(url, "POST", "/training-dataset", _body())
    assert status == 200 and headers["content-type"] == "application/json"
    arn = out["trainingDatasetArn"]
    # the region comes from the signature's credential scope, the account from the config
    assert arn.startswith("arn:aws:cleanrooms-ml:eu-west-1:123456789012:training-dataset/")
    status, _, got = _raw(url, "GET", "/training-dataset/" + urllib.parse.quote(arn, safe=""))
    assert status == 200 and got["status"] == "ACTIVE" and got["name"] == "ds"
    assert got["createTime"].endswith("Z")  # iso8601, as the service model says

    status, headers, err = _raw(url, "POST", "/training-dataset", _body())
    assert (status, headers["x-amzn-errortype"]) == (409, "ConflictException")
    assert headers["content-type"] == "application/json" and "ds" in err["message"]

    status, headers, err = _raw(url, "POST", "/training-dataset", _body(name="x" * 64))
    assert (status, headers["x-amzn-errortype"]) == (400, "ValidationException")
    assert "'name'" in err["message"] and "63" in err["message"]

    status, headers, _ = _raw(
        url, "GET", "/training-dataset/" + urllib.parse.quote(arn[:-36] + "never-issued", safe="")
    )
    assert (status, headers["x-amzn-errortype"]) == (404, "ResourceNotFoundException")

    status, headers, _ = _raw(url, "GET", "/nothing-here")
    assert (status, headers["x-amzn-errortype"]) == (404, "UnknownOperationException")


def test_raw_unsigned_malformed_and_expired(cleanrooms: CleanRoomsMLEmulator) -> None:
    url = cleanrooms.url
    req = urllib.request.Request(url + "/training-dataset", method="GET")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=10)
    assert info.value.code == 403
    assert info.value.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"

    req = urllib.request.Request(
        url + "/training-dataset", data=b"{not json", method="POST", headers=AUTH
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=10)
    assert info.value.code == 400
    assert info.value.headers["x-amzn-errortype"] == "SerializationException"

    status, headers, _ = _raw(
        url, "GET", "/training-dataset", headers={"X-Amz-Security-Token": EXPIRED_SESSION_TOKEN}
    )
    assert (status, headers["x-amzn-errortype"]) == (403, "ExpiredTokenException")


def test_unsigned_allowed_when_not_required() -> None:
    with CleanRoomsMLEmulator(require_signature=False, region="ap-south-1") as emu:
        req = urllib.request.Request(
            emu.url + "/training-dataset", method="POST", data=json.dumps(_body()).encode()
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            arn = json.load(resp)["trainingDatasetArn"]
        assert ":ap-south-1:" in arn
    assert not emu.running
    with pytest.raises(RuntimeError):
        _ = emu.url


# --------------------------------------------------------------------------- botocore end to end


def test_botocore_errors_are_modelled_exceptions(cleanrooms: CleanRoomsMLEmulator) -> None:
    c = _client(cleanrooms)
    c.create_training_dataset(**_body())
    with pytest.raises(c.exceptions.ConflictException):
        c.create_training_dataset(**_body())
    with pytest.raises(c.exceptions.ValidationException) as info:
        c.create_training_dataset(**_body(name="ok", description="x" * 256))
    assert "description" in str(info.value) and "255" in str(info.value)
    with pytest.raises(c.exceptions.AccessDeniedException) as denied:
        c.create_training_dataset(**_body(name="other", roleArn="arn:aws:iam::210987654321:role/r"))
    assert "210987654321" in str(denied.value)
    cleanrooms.deny_pass_role(ROLE)
    with pytest.raises(c.exceptions.AccessDeniedException) as denied:
        c.create_training_dataset(**_body(name="denied"))
    assert "iam:PassRole" in str(denied.value)
    assert cleanrooms.call_count("CreateTrainingDataset") == 5


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"name": "   "}, "'name'"),
        ({"roleArn": "arn:aws:iam::12345:role/x" + "y" * 5}, "'roleArn'"),
        ({"tags": {f"k{i}": "v" for i in range(51)}}, "at most 50 tags"),
        ({"tags": {"AWS:owner": "me"}}, "reserved"),
        ({"tags": {"k" * 129: "v"}}, "tags."),
    ],
)
def test_emulator_enforces_model_and_tag_rules(
    cleanrooms: CleanRoomsMLEmulator, change: dict[str, Any], where: str
) -> None:
    c = _client(cleanrooms)
    with pytest.raises(c.exceptions.ValidationException) as info:
        c.create_training_dataset(**{**_body(), **change})
    assert where in str(info.value)
    assert cleanrooms.datasets == {}


def test_schema_column_pattern_and_count(cleanrooms: CleanRoomsMLEmulator) -> None:
    c = _client(cleanrooms)
    body = _body()
    body["trainingData"][0]["inputConfig"]["schema"][1]["columnName"] = "item-"
    body["trainingData"][0]["type"] = "OTHER"
    with pytest.raises(c.exceptions.ValidationException) as info:
        c.create_training_dataset(**body)
    msg = str(info.value)
    assert "2 validation errors" in msg
    assert "trainingData[0].inputConfig.schema[1].columnName" in msg
    assert "trainingData[0].type" in msg


def test_list_pagination_and_region_scoping(cleanrooms: CleanRoomsMLEmulator) -> None:
    c = _client(cleanrooms)
    arns = [
        c.create_training_dataset(**_body(name=f"ds{i}"))["trainingDatasetArn"] for i in range(7)
    ]
    _client(cleanrooms, region_name="eu-west-1").create_training_dataset(**_body(name="ds0"))
    first = c.list_training_datasets(maxResults=3)
    assert len(first["trainingDatasets"]) == 3 and "nextToken" in first
    pages = list(
        c.get_paginator("list_training_datasets").paginate(PaginationConfig={"PageSize": 3})
    )
    assert [len(p["trainingDatasets"]) for p in pages] == [3, 3, 1]
    listed = [d["trainingDatasetArn"] for p in pages for d in p["trainingDatasets"]]
    assert listed == arns  # in creation order, this region only
    with pytest.raises(c.exceptions.ValidationException):
        c.list_training_datasets(maxResults=101)
    with pytest.raises(c.exceptions.ValidationException):
        c.list_training_datasets(nextToken="!!garbage!!")


def test_tags_round_trip_and_delete(cleanrooms: CleanRoomsMLEmulator) -> None:
    c = _client(cleanrooms)
    arn = c.create_training_dataset(**_body(tags={"team": "ml"}))["trainingDatasetArn"]
    c.tag_resource(resourceArn=arn, tags={"env": "dev", "team": "ads"})
    assert c.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "ads", "env": "dev"}
    c.untag_resource(resourceArn=arn, tagKeys=["team", "missing"])
    assert c.list_tags_for_resource(resourceArn=arn)["tags"] == {"env": "dev"}
    with pytest.raises(c.exceptions.ValidationException):
        c.tag_resource(resourceArn=arn, tags={f"k{i}": "v" for i in range(50)})
    c.delete_training_dataset(trainingDatasetArn=arn)
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        c.get_training_dataset(trainingDatasetArn=arn)
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        c.delete_training_dataset(trainingDatasetArn=arn)
    with pytest.raises(c.exceptions.ResourceNotFoundException):
        c.list_tags_for_resource(resourceArn=arn)


def test_status_is_active_at_once_and_only_set_status_changes_it(
    cleanrooms: CleanRoomsMLEmulator,
) -> None:
    """TrainingDatasetStatus has one value, ACTIVE, in botocore's ``cleanroomsml`` model
    (``TrainingDatasetStatus``: ``"enum": ["ACTIVE"]``) and in the CloudFormation schema of
    ``AWS::CleanRoomsML::TrainingDataset``; the emulator makes up no other status
    (issue 12, point 6). ``set_status`` is the test knob for a status a model does not list."""
    c = _client(cleanrooms)
    arn = c.create_training_dataset(**_body())["trainingDatasetArn"]
    got = c.get_training_dataset(trainingDatasetArn=arn)
    assert got["status"] == "ACTIVE" and got["updateTime"] == got["createTime"]
    assert not hasattr(cleanrooms, "activation_delay")
    cleanrooms.set_status(arn, "CREATE_PENDING")
    assert c.get_training_dataset(trainingDatasetArn=arn)["status"] == "CREATE_PENDING"


def test_create_checks_only_what_aws_documents(cleanrooms: CleanRoomsMLEmulator) -> None:
    """The API reference names a role of another account as the create-time
    AccessDeniedException ("If you pass a role that isn't in your account, you get an
    AccessDeniedException error"), plus iam:PassRole (Service Authorization Reference); the
    data and the trust policy are used only when an audience model trains ("the TrainingDataset
    is metadata that points to a Glue table, which is read only during AudienceModel
    creation"). So a role that does not even exist is accepted at create time (issue 12,
    point 7) and only the two documented refusals remain."""
    c = _client(cleanrooms)
    missing = "arn:aws:iam::123456789012:role/cleanrooms-ml-does-not-exist"
    arn = c.create_training_dataset(**_body(roleArn=missing))["trainingDatasetArn"]
    assert cleanrooms.datasets[arn]["roleArn"] == missing
    other = "arn:aws:iam::210987654321:role/cleanrooms-ml-x"
    with pytest.raises(c.exceptions.AccessDeniedException, match="Cross-account"):
        c.create_training_dataset(**_body("other", roleArn=other))
    cleanrooms.deny_pass_role(ROLE)
    with pytest.raises(c.exceptions.AccessDeniedException, match="iam:PassRole"):
        c.create_training_dataset(**_body("denied"))


def test_identical_repeat_is_a_conflict(cleanrooms: CleanRoomsMLEmulator) -> None:
    """botocore's model marks CreateTrainingDataset ``"idempotent": true`` but its input has no
    idempotency token, and the API reference says the name "must be unique in your account and
    region" (ConflictException). The emulator answers an identical repeat with
    ConflictException and keeps one dataset (issue 12, point 10; documented in the emulator)."""
    c = _client(cleanrooms)
    c.create_training_dataset(**_body())
    with pytest.raises(c.exceptions.ConflictException):
        c.create_training_dataset(**_body())
    assert len(cleanrooms.datasets) == 1
    model = c.meta.service_model.operation_model("CreateTrainingDataset")
    assert model._operation_model.get("idempotent") is True
    assert not any(m.metadata.get("idempotencyToken") for m in model.input_shape.members.values())


def test_arn_partition_follows_the_region(cleanrooms: CleanRoomsMLEmulator) -> None:
    """ARNs carry the partition of their region (``aws-cn`` for cn-north-1, ``aws-us-gov`` for
    us-gov-west-1), as botocore's partition data and the CloudFormation ``TrainingDatasetArn``
    pattern ``^arn:aws[-a-z]*:cleanrooms-ml:...`` say (issue 12, point 10)."""
    for region, partition in (("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")):
        c = _client(cleanrooms, region_name=region)
        role = f"arn:{partition}:iam::123456789012:role/cleanrooms-ml-test"
        arn = c.create_training_dataset(**_body(f"ds-{region}", roleArn=role))["trainingDatasetArn"]
        assert arn.startswith(f"arn:{partition}:cleanrooms-ml:{region}:123456789012:")
        model = cleanrooms.add_audience_model(arn, "m")
        assert model.startswith(f"arn:{partition}:cleanrooms-ml:{region}:")


def test_delete_with_audience_models_is_a_conflict(cleanrooms: CleanRoomsMLEmulator) -> None:
    """botocore's model documents DeleteTrainingDataset: "You can't delete a training dataset if
    there are any audience models that depend on the training dataset" (ConflictException,
    409). ListAudienceModels names the dependent models by ``trainingDatasetArn``; deleting them
    (DeleteAudienceModel) frees the dataset (issue 12, point 4)."""
    c = _client(cleanrooms)
    arn = c.create_training_dataset(**_body())["trainingDatasetArn"]
    model = cleanrooms.add_audience_model(arn, "lookalike")
    with pytest.raises(c.exceptions.ConflictException) as info:
        c.delete_training_dataset(trainingDatasetArn=arn)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    listed = c.list_audience_models()["audienceModels"]
    assert [(m["name"], m["trainingDatasetArn"], m["audienceModelArn"]) for m in listed] == [
        ("lookalike", arn, model)
    ]
    c.delete_audience_model(audienceModelArn=model)
    c.delete_training_dataset(trainingDatasetArn=arn)
    assert cleanrooms.datasets == {}


def test_unimplemented_operation_is_named(cleanrooms: CleanRoomsMLEmulator) -> None:
    """Routes come from the service model, so an operation the emulator does not implement is
    recognised and named (not answered as an unknown path)."""
    c = _client(cleanrooms)
    job = "arn:aws:cleanrooms-ml:us-east-1:123456789012:audience-generation-job/x"
    with pytest.raises(
        botocore.exceptions.ClientError, match="does not implement GetAudienceGenerationJob"
    ):
        c.get_audience_generation_job(audienceGenerationJobArn=job)


def test_throttle_and_injected_errors(
    cleanrooms: CleanRoomsMLEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, ctx: 0)
    c = boto3.client(
        "cleanroomsml",
        endpoint_url=cleanrooms.url,
        region_name="us-east-1",
        config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 3}),
    )
    cleanrooms.throttle(2, operation="ListTrainingDatasets")
    out = c.list_training_datasets()
    assert out["ResponseMetadata"]["RetryAttempts"] == 2
    cleanrooms.throttle(4)  # max_attempts counts retries: 1 call + 3 retries
    with pytest.raises(botocore.exceptions.ClientError) as info:  # modelled from botocore 1.39.1
        c.list_training_datasets()
    assert info.value.response["Error"]["Code"] == "ThrottlingException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 429
    cleanrooms.inject_error("InternalServerException", "boom", status=500, count=4)
    with pytest.raises(botocore.exceptions.ClientError) as err:
        c.list_training_datasets()  # 500s are retried by botocore, then surface
    assert err.value.response["Error"]["Code"] == "InternalServerException"
    assert c.list_training_datasets()["trainingDatasets"] == []
    assert [x.status for x in cleanrooms.calls[-5:]] == [500, 500, 500, 500, 200]


def test_dropped_connection_is_a_connection_closed_error(cleanrooms: CleanRoomsMLEmulator) -> None:
    """The drop fault: the request arrives (and, after_applying, is applied), no answer leaves;
    botocore (one attempt) reports ConnectionClosedError, and the next request is answered."""
    c = boto3.client(
        "cleanroomsml",
        endpoint_url=cleanrooms.url,
        region_name="us-east-1",
        config=botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )
    cleanrooms.drop_connection(operation="ListTrainingDatasets", after_applying=False)
    with pytest.raises(botocore.exceptions.ConnectionClosedError):
        c.list_training_datasets()
    assert c.list_training_datasets()["trainingDatasets"] == []
    assert [(x.status, x.fault) for x in cleanrooms.calls] == [
        (0, "dropped the connection before applying"),
        (200, None),
    ]


def test_expired_token_through_botocore(cleanrooms: CleanRoomsMLEmulator) -> None:
    c = boto3.client(
        "cleanroomsml",
        endpoint_url=cleanrooms.url,
        region_name="us-east-1",
        aws_access_key_id="a",
        aws_secret_access_key="b",
        aws_session_token=EXPIRED_SESSION_TOKEN,
    )
    with pytest.raises(botocore.exceptions.ClientError) as info:
        c.list_training_datasets()
    assert info.value.response["Error"]["Code"] == "ExpiredTokenException"


def test_concurrent_creates_with_one_name_yield_one_dataset(
    cleanrooms: CleanRoomsMLEmulator,
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def create(_: int) -> str:
        try:
            return str(_client(cleanrooms).create_training_dataset(**_body())["trainingDatasetArn"])
        except botocore.exceptions.ClientError as exc:
            return str(exc.response["Error"]["Code"])

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(create, range(8)))
    assert results.count("ConflictException") == 7
    assert len(cleanrooms.datasets) == 1


# --------------------------------------------------------------------------- local_aws


def test_local_aws_sets_and_restores_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://before")
    monkeypatch.delenv("AWS_ENDPOINT_URL_CLEANROOMSML", raising=False)
    before = dict(os.environ)
    boto3.setup_default_session(aws_access_key_id="outside", aws_secret_access_key="x")
    outside = boto3.DEFAULT_SESSION
    with crn.local_aws(region="eu-west-1") as local:
        # boto3's default session (it caches credentials) is made anew inside
        assert boto3.client("s3")._request_signer._credentials.access_key == "testing"
        assert os.environ["AWS_ENDPOINT_URL"] == local.moto_url
        assert os.environ["AWS_ENDPOINT_URL_CLEANROOMSML"] == local.cleanrooms_url
        assert os.environ["AWS_DEFAULT_REGION"] == "eu-west-1"
        assert "AWS_SESSION_TOKEN" not in os.environ
        assert set(local.env) >= {
            "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_CLEANROOMSML",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_DEFAULT_REGION",
        }
        ident = boto3.client("sts").get_caller_identity()
        assert ident["Account"] == local.account_id
        c = boto3.client("cleanroomsml")
        role = f"arn:aws:iam::{ident['Account']}:role/cleanrooms-ml-r"
        # the emulator does not read the role (AWS checks no trust policy at create time)
        arn = c.create_training_dataset(**_body(roleArn=role))["trainingDatasetArn"]
        assert ":eu-west-1:" in arn and arn in local.emulator.datasets
        boto3.client("s3").create_bucket(
            Bucket="demo-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        local.reset()
        assert local.emulator.datasets == {}
        assert boto3.client("s3").list_buckets()["Buckets"] == []
        emu_url = local.cleanrooms_url
    assert dict(os.environ) == before
    assert boto3.DEFAULT_SESSION is outside
    boto3.DEFAULT_SESSION = None
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(emu_url + "/training-dataset", timeout=2)


def test_main_local_serves_until_sigint_and_leaves_nothing() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from cleanroom_nb.local._stack import main_local; "
            "sys.exit(main_local(sys.argv[1:]))",
            "--region",
            "eu-central-1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines: dict[str, str] = {}
        assert proc.stdout is not None
        while "AWS_DEFAULT_REGION" not in lines:
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else "no output"
            if line.startswith("export "):
                k, v = line[len("export ") :].strip().split("=", 1)
                lines[k] = v
        assert lines["AWS_DEFAULT_REGION"] == "eu-central-1"
        emu_url = lines["AWS_ENDPOINT_URL_CLEANROOMSML"]
        c = boto3.client("cleanroomsml", endpoint_url=emu_url, region_name="eu-central-1")
        assert c.list_training_datasets()["trainingDatasets"] == []
        s3 = boto3.client("s3", endpoint_url=lines["AWS_ENDPOINT_URL"], region_name="us-east-1")
        assert s3.list_buckets()["Buckets"] == []
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(emu_url + "/training-dataset", timeout=2)


def test_testing_plugin_gives_users_a_fixture(tmp_path: Any) -> None:
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["cleanroom_nb.testing"]\n')
    (tmp_path / "test_user.py").write_text(
        "import boto3, os\n"
        "def test_it(cleanrooms):\n"
        "    assert os.environ['AWS_ENDPOINT_URL_CLEANROOMSML'] == cleanrooms.url\n"
        "    c = boto3.client('cleanroomsml', region_name='us-east-1',\n"
        "                     aws_access_key_id='a', aws_secret_access_key='b')\n"
        "    assert c.list_training_datasets()['trainingDatasets'] == []\n"
        "def test_fails_on_purpose(cleanrooms):\n"
        "    assert cleanrooms.datasets == {'not': 'empty'}\n"
    )
    outcomes: list[str] = []
    before = os.environ.get("AWS_ENDPOINT_URL_CLEANROOMSML")

    class Collect:
        def pytest_runtest_logreport(self, report: Any) -> None:
            if report.when == "call":
                outcomes.append(report.outcome)

    code = pytest.main(
        ["-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tmp_path)],
        plugins=[Collect()],
    )
    assert sorted(outcomes) == ["failed", "passed"] and code == pytest.ExitCode.TESTS_FAILED
    assert os.environ.get("AWS_ENDPOINT_URL_CLEANROOMSML") == before  # the fixture restored it


def test_stop_closes_keep_alive_connections() -> None:
    emu = CleanRoomsMLEmulator().start()
    c = boto3.client(
        "cleanroomsml",
        endpoint_url=emu.url,
        region_name="us-east-1",
        aws_access_key_id="a",
        aws_secret_access_key="b",
        config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 0}),
    )
    assert c.list_training_datasets()["trainingDatasets"] == []  # opens a pooled connection
    emu.stop()
    emu.stop()  # idempotent
    with pytest.raises(botocore.exceptions.BotoCoreError):
        c.list_training_datasets()
