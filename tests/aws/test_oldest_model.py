"""The library and the emulator on the oldest botocore ``cleanroomsml`` model pyproject allows.

pyproject allows ``boto3>=1.34.0`` (botocore 1.34.0). Its ``cleanroomsml`` model has no
``ThrottlingException`` (botocore adds it in 1.39.1 and lists it on CreateTrainingDataset from
1.43.57). The model file is botocore's own, from tag 1.34.0 (``tests/aws/data/SOURCE.md``); a
fresh interpreter loads it through ``AWS_DATA_PATH``, so nothing cached in this process leaks in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

SCRIPT = r"""
import json, urllib.request, urllib.error
import boto3, botocore.config
from cleanroom_nb.aws import _service_model
from cleanroom_nb.local.cleanroomsml import CleanRoomsMLEmulator
import cleanroom_nb as crn
from cleanroom_nb.submit._wait import allowed_statuses

out = {}
model = _service_model.service_model()
out["has_throttling_shape"] = "ThrottlingException" in model.shape_names
out["create_errors"] = [
    e.name for e in model.operation_model("CreateTrainingDataset").error_shapes
]
out["statuses"] = list(allowed_statuses())
req = crn.build_request(
    name="old-model", role_arn="arn:aws:iam::123456789012:role/cleanrooms-ml-reader",
    database="sales", table="events",
    schema=[{"columnName": "user_id", "columnTypes": ["USER_ID"]},
            {"columnName": "item_id", "columnTypes": ["ITEM_ID"]},
            {"columnName": "ts", "columnTypes": ["TIMESTAMP"]}],
    tags={"team": "growth"})
out["findings"] = [f.code for f in crn.validate_request(req)]
bad = dict(req, tags={"aws:x": "1"}, name=" ")
out["bad_findings"] = sorted({f.code for f in crn.validate_request(bad)})
with CleanRoomsMLEmulator() as emu:
    emu.throttle(1, operation="ListTrainingDatasets")
    try:
        urllib.request.urlopen(urllib.request.Request(emu.url + "/training-dataset", headers={
            "Authorization": "AWS4-HMAC-SHA256 Credential=A/20260101/us-east-1/x/aws4_request"}))
        out["raw_status"] = 200
    except urllib.error.HTTPError as err:
        out["raw_status"] = err.code
        out["raw_type"] = err.headers["x-amzn-ErrorType"]
    c = boto3.client("cleanroomsml", endpoint_url=emu.url, region_name="us-east-1",
                     aws_access_key_id="k", aws_secret_access_key="s",
                     config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 3}))
    emu.throttle(1, operation="CreateTrainingDataset")
    arn = c.create_training_dataset(**req)["trainingDatasetArn"]
    out["create_calls"] = emu.call_count("CreateTrainingDataset")
    out["status"] = c.get_training_dataset(trainingDatasetArn=arn)["status"]
print(json.dumps(out))
"""


def test_oldest_allowed_model_runs_library_and_emulator() -> None:
    """Issue 12, point 8. botocore's ``cleanroomsml`` model has ``ThrottlingException`` only
    from 1.39.1 (``"error": {"httpStatusCode": 429}``) and lists it on CreateTrainingDataset
    only from 1.43.57; the API reference (CreateTrainingDataset, Errors) documents
    "ThrottlingException ... HTTP Status Code: 429". With the 1.34.0 model the emulator still
    answers 429 (the documented status, not 400), botocore still retries it, and the library's
    model-driven checks and the status list (``TrainingDatasetStatus``: ACTIVE) work."""
    env = {**os.environ, "AWS_DATA_PATH": str(DATA)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["has_throttling_shape"] is False  # really the old model
    assert "ThrottlingException" not in out["create_errors"]
    assert out["statuses"] == ["ACTIVE"]
    assert out["findings"] == []
    assert {"pattern", "reserved_tag_prefix"} <= set(out["bad_findings"])
    assert (out["raw_status"], out["raw_type"]) == (429, "ThrottlingException")
    assert out["create_calls"] == 2  # throttled once, retried by botocore, created once
    assert out["status"] == "ACTIVE"


def test_current_model_has_what_the_old_one_lacks() -> None:
    """A botocore from 1.39.1 has the ThrottlingException shape with HTTP status 429, and the
    emulator takes the status from the model there; botocore 1.34.0 (CI's floor venv) lacks it,
    and the emulator answers the documented 429 all the same. The floor venv runs the whole
    library on that botocore, so this file's swapped-in model is a second line of defence."""
    import botocore
    from packaging.version import Version

    from cleanroom_nb.aws import _service_model
    from cleanroom_nb.local.cleanroomsml._exceptions import error_status

    modelled = _service_model.error_http_status("ThrottlingException")
    assert modelled == (429 if Version(botocore.__version__) >= Version("1.39.1") else None)
    assert error_status("ThrottlingException") == 429
    assert error_status("InternalServiceException") == 500
    old = json.loads((DATA / "cleanroomsml/2023-09-06/service-2.json").read_text())
    assert "ThrottlingException" not in old["shapes"]
