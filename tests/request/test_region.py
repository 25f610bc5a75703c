"""Issue 16, point 5: a warning, before anything is sent, when Clean Rooms ML is not offered in
the region; the regions come from botocore's endpoint data when it has them, else from the
General Reference page "AWS Clean Rooms ML endpoints and quotas"."""

from __future__ import annotations

import boto3
import botocore
import botocore.session
import pytest

import cleanroom_nb as crn
from cleanroom_nb.aws import _regions

REQUEST = crn.build_request(
    name="shoppers",
    role_arn="arn:aws:iam::123456789012:role/cleanrooms-ml-reader",
    database="sales",
    table="events",
    schema=[
        {"columnName": "user_id", "columnTypes": ["USER_ID"]},
        {"columnName": "item_id", "columnTypes": ["ITEM_ID"]},
        {"columnName": "ts", "columnTypes": ["TIMESTAMP"]},
    ],
)


@pytest.fixture(autouse=True)
def _real_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLEANROOMSML"):
        monkeypatch.delenv(var, raising=False)


def test_botocore_endpoint_data_decides_the_source() -> None:
    """Checked on every botocore CI runs (1.34.0 in the floor venv, the newest in the main one):
    endpoints.json names no region for cleanrooms-ml, so the documented list is used; a newer
    botocore that names them would be used instead."""
    session = botocore.session.get_session()
    named = {
        r
        for p in session.get_available_partitions()
        for r in session.get_available_regions("cleanroomsml", partition_name=p)
    }
    regions, source = _regions.offered_regions()
    print(f"botocore {botocore.__version__}: endpoints.json names {sorted(named) or 'none'}")
    if named:
        assert set(regions) == named and "endpoints.json" in source
    else:
        assert regions == _regions.DOCUMENTED_REGIONS and "clean-rooms-ml.html" in source


def test_documented_regions_are_real_aws_regions() -> None:
    known = set(botocore.session.get_session().get_available_regions("s3"))
    assert set(_regions.DOCUMENTED_REGIONS) <= known


def test_warning_names_the_regions_where_it_is_offered() -> None:
    got = crn.validate_request(REQUEST)  # the default session: AWS_DEFAULT_REGION=us-east-1
    assert "unsupported_region" not in {f.code for f in got}
    from cleanroom_nb.request._validate import region_findings

    (finding,) = region_findings(boto3.Session(region_name="sa-east-1"))
    assert (finding.level, finding.path, finding.code) == (
        "warning",
        "region",
        "unsupported_region",
    )
    assert "'sa-east-1'" in finding.message and "us-east-1, us-east-2" in finding.message
    assert "endpoints and quotas" in finding.message or "endpoints.json" in finding.message


def test_validate_request_warns_without_calling_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "me-south-1")
    monkeypatch.setenv("AWS_REGION", "me-south-1")
    findings = crn.validate_request(REQUEST)
    assert [f.code for f in findings] == ["unsupported_region"]
    assert findings.ok  # a warning: the request may still go


def test_no_warning_against_a_local_emulation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "me-south-1")
    monkeypatch.setenv("AWS_REGION", "me-south-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLEANROOMSML", "http://127.0.0.1:9")
    assert "unsupported_region" not in {f.code for f in crn.validate_request(REQUEST)}
