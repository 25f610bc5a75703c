"""The emulator's backend and wire routing without HTTP (moto's split: models vs. responses)."""

from __future__ import annotations

from typing import Any

import pytest

from cleanroom_nb.local.cleanroomsml import _wire
from cleanroom_nb.local.cleanroomsml._backend import Backend
from cleanroom_nb.local.cleanroomsml._exceptions import ApiError

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/cleanrooms-ml-r"


def _params(name: str = "ds", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "roleArn": ROLE,
        "trainingData": [
            {
                "type": "INTERACTIONS",
                "inputConfig": {
                    "schema": [{"columnName": "u", "columnTypes": ["USER_ID"]}],
                    "dataSource": {"glueDataSource": {"databaseName": "d", "tableName": "t"}},
                },
            }
        ],
        **extra,
    }


def test_names_are_unique_per_account_and_region() -> None:
    """The API reference: the name "must be unique in your account and region"
    (ConflictException, 409 in botocore's model)."""
    b = Backend()
    b.create(_params(), ACCOUNT, "us-east-1")
    b.create(_params(), ACCOUNT, "eu-west-1")  # another region: allowed
    with pytest.raises(ApiError) as info:
        b.create(_params(), ACCOUNT, "us-east-1")
    assert (info.value.code, info.value.status) == ("ConflictException", 409)


def test_tag_limits_and_pages() -> None:
    """At most 50 tags per resource, no ``aws:`` prefix (tagging documentation); List pages
    follow ``maxResults``/``nextToken``."""
    b = Backend(default_page_size=2)
    arns = [
        b.create(_params(f"d{i}"), ACCOUNT, "us-east-1")["trainingDatasetArn"] for i in range(3)
    ]
    with pytest.raises(ApiError, match="at most 50"):
        b.tag(arns[0], {f"k{i}": "v" for i in range(51)})
    with pytest.raises(ApiError, match="reserved"):
        b.tag(arns[0], {"Aws:x": "1"})
    first = b.list({}, ACCOUNT, "us-east-1")
    second = b.list({"nextToken": first["nextToken"]}, ACCOUNT, "us-east-1")
    listed = [
        d["trainingDatasetArn"] for d in first["trainingDatasets"] + second["trainingDatasets"]
    ]
    assert listed == arns and "nextToken" not in second


def test_delete_refused_while_an_audience_model_depends() -> None:
    """DeleteTrainingDataset (botocore's model): "You can't delete a training dataset if there
    are any audience models that depend on the training dataset"."""
    b = Backend()
    arn = b.create(_params(), ACCOUNT, "us-east-1")["trainingDatasetArn"]
    model = b.add_audience_model(arn, "m")
    with pytest.raises(ApiError) as info:
        b.delete(arn)
    assert info.value.code == "ConflictException" and "m" in info.value.message
    b.delete_audience_model(model)
    b.delete(arn)
    assert b.datasets == {}


def test_routes_come_from_the_service_model() -> None:
    """Every operation's method and requestUri are read from botocore's model; labels are
    decoded (botocore percent-encodes the ``/`` of an ARN)."""
    from cleanroom_nb.aws import _service_model

    model = _service_model.service_model()
    assert {r.operation for r in _wire.routes()} == set(model.operation_names)
    arn = "arn:aws:cleanrooms-ml:us-east-1:1:training-dataset/abc"
    encoded = "/training-dataset/" + arn.replace("/", "%2F").replace(":", "%3A")
    assert _wire.match("GET", encoded) == ("GetTrainingDataset", {"trainingDatasetArn": arn})
    assert _wire.match("DELETE", encoded)[0] == "DeleteTrainingDataset"  # type: ignore[index]
    assert _wire.match("POST", "/training-dataset") == ("CreateTrainingDataset", {})
    assert _wire.match("GET", "/audience-model") == ("ListAudienceModels", {})
    assert _wire.match("PATCH", "/training-dataset") is None
