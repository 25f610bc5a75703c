"""Audience models on the oldest botocore ``cleanroomsml`` model pyproject allows (1.34.0).

The model file is botocore's own from tag 1.34.0 (``tests/aws/data/SOURCE.md``), loaded in a
fresh interpreter through ``AWS_DATA_PATH``. Its audience-model operations have the same
members; its ``S3Path`` pattern is anchored (``^s3://.+$``, later ``s3://.+``), it has no
``ThrottlingException``, and the seam's ``total_max_attempts`` is a botocore 1.34.0 option.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

SCRIPT = r"""
import json
import boto3
import cleanroom_nb as crn
from cleanroom_nb.aws import _service_model
from cleanroom_nb.audience import _send
from cleanroom_nb.audience._wait import audience_model_statuses
from cleanroom_nb.local.cleanroomsml import CleanRoomsMLEmulator

out = {"throttling": "ThrottlingException" in _service_model.service_model().shape_names}
out["s3_pattern"] = _service_model.metadata(
    "outputConfig.destination.s3Destination.s3Uri", "CreateConfiguredAudienceModel")["pattern"]
out["statuses"] = list(audience_model_statuses())
with crn.local_aws() as local:
    s = boto3.Session(region_name="us-east-1")
    s.client("s3").create_bucket(Bucket="seg")
    out["attempts"] = _send.client(s).meta.config.retries["total_max_attempts"]
    c = s.client("cleanroomsml")
    ds = c.create_training_dataset(
        name="ds", roleArn="arn:aws:iam::123456789012:role/cleanrooms-ml-r",
        trainingData=[{"type": "INTERACTIONS", "inputConfig": {
            "schema": [{"columnName": "u", "columnTypes": ["USER_ID"]}],
            "dataSource": {"glueDataSource": {"databaseName": "d", "tableName": "t"}}}}],
    )["trainingDatasetArn"]
    local.emulator.throttle(1, operation="CreateAudienceModel")
    arn = crn.create_audience_model(ds, "m", training_data_start_time="2024-01-01",
                                    check_data=False, wait=True, poll_interval=0.01,
                                    progress=False, boto3_session=s)
    out["creates"] = local.emulator.call_count("CreateAudienceModel")
    out["status"] = crn.get_audience_model(arn, boto3_session=s)["status"]
    role = crn.create_output_role("seg", output_s3_uri="s3://seg/x/", boto3_session=s)
    carn = crn.create_configured_audience_model(arn, "c", output_s3_uri="s3://seg/x/",
                                                role_arn=role, boto3_session=s)
    out["output"] = crn.get_configured_audience_model(carn, boto3_session=s).output_location
    try:
        crn.create_configured_audience_model(arn, "d", output_s3_uri="seg/x/", role_arn=role,
                                             boto3_session=s)
    except crn.RequestInvalidError as err:
        out["bad_uri"] = sorted({f.code for f in err.findings})
print(json.dumps(out))
"""


def test_audience_models_on_the_oldest_allowed_model() -> None:
    env = {**os.environ, "AWS_DATA_PATH": str(DATA)}
    for var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLEANROOMSML", "AWS_ENDPOINT_URL_ATHENA"):
        env.pop(var, None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["throttling"] is False and out["s3_pattern"] == "^s3://.+$"  # really the old model
    assert out["statuses"][:4] == [
        "CREATE_PENDING",
        "CREATE_IN_PROGRESS",
        "CREATE_FAILED",
        "ACTIVE",
    ]
    assert out["attempts"] == 1
    assert out["creates"] == 2  # throttled (429, the documented status), sent again by the seam
    assert out["status"] == "ACTIVE"
    assert out["output"] == "s3://seg/x/"
    assert out["bad_uri"] == ["pattern"]
