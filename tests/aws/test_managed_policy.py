"""Issue 16, point 6: what AWSCleanRoomsMLFullAccess (v4) grants, said once and checked.

The policy document is the Managed Policy Reference's (``data/AWSCleanRoomsMLFullAccess-v4.json``,
source in ``data/SOURCE.md``). It is evaluated with the library's own policy evaluator, so the
constants check_role and the README use are checked against AWS's document, not restated.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleanroom_nb.aws import _policy_eval as ev
from cleanroom_nb.aws import _service_role as sr
from cleanroom_nb.aws._role_check import CHECK_ROLE_PERMISSIONS, MANAGED_READS_NOTE

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parents[2]
POLICY = json.loads((DATA / "AWSCleanRoomsMLFullAccess-v4.json").read_text())["Statement"]
ACCOUNT = "123456789012"


def _allowed(action: str, resource: str, **context: str) -> bool | None:
    return ev.decide(POLICY, action, f"arn:aws:iam::{ACCOUNT}:{resource}", context).allowed


@pytest.mark.parametrize("role", ["service-role/cleanrooms-ml-reader", "role/cleanrooms-ml-reader"])
@pytest.mark.parametrize("action", sr.MANAGED_ROLE_READS)
def test_role_reads_only_on_the_documented_paths(action: str, role: str) -> None:
    assert _allowed(action, f"role/{role}") is True
    assert _allowed(action, "role/cleanrooms-ml-reader") is False  # the passable ones
    assert _allowed(action, "role/other") is False


@pytest.mark.parametrize("action", sr.MANAGED_POLICY_READS)
def test_policy_reads_only_on_cleanroomsml_policies(action: str) -> None:
    assert _allowed(action, "policy/team-cleanroomsml-reader") is True
    assert _allowed(action, "policy/cleanrooms-ml-training-data-access") is False
    assert sr.wildcard_match(sr.MANAGED_GET_POLICY_RESOURCE, "policy/x-cleanroomsml-y")


def test_never_get_role_policy_and_exactly_those_reads() -> None:
    """Of what check_role calls, the managed policy grants exactly the constants' reads."""
    granted = set()
    for action in CHECK_ROLE_PERMISSIONS:
        if action.startswith("sts:"):
            continue
        for resource in (
            "role/service-role/cleanrooms-ml-r",
            "role/role/cleanrooms-ml-r",
            "role/cleanrooms-ml-r",
            "policy/my-cleanroomsml-policy",
            "policy/other",
        ):
            if _allowed(action, resource):
                granted.add((action, resource.split("/")[0]))
    assert granted == {(a, "role") for a in sr.MANAGED_ROLE_READS} | {
        (a, "policy") for a in sr.MANAGED_POLICY_READS
    }
    assert not any(a == "iam:GetRolePolicy" for a, _ in granted)


def test_pass_role_on_path_and_name_to_cleanrooms_ml_only() -> None:
    ok = {"iam:PassedToService": sr.SERVICE_PRINCIPAL}
    assert _allowed("iam:PassRole", "role/cleanrooms-ml-reader", **ok) is True
    assert _allowed("iam:PassRole", "role/service-role/cleanrooms-ml-r", **ok) is False
    other = {"iam:PassedToService": "glue.amazonaws.com"}
    assert _allowed("iam:PassRole", "role/cleanrooms-ml-reader", **other) is False
    assert sr.MANAGED_PASS_ROLE_RESOURCE == "role/cleanrooms-ml*"


def test_check_role_and_readme_say_the_same() -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    said = (
        "`iam:GetRole`, `iam:ListRolePolicies` and `iam:ListAttachedRolePolicies` on "
        "`role/service-role/cleanrooms-ml*` and `role/role/cleanrooms-ml*`; `iam:GetPolicy` and "
        "`iam:GetPolicyVersion` on `policy/*cleanroomsml*`; never `iam:GetRolePolicy`"
    )
    assert said in readme
    for part in (*sr.MANAGED_ROLE_READS, *sr.MANAGED_GET_ROLE_RESOURCES, *sr.MANAGED_POLICY_READS):
        assert part in MANAGED_READS_NOTE
    assert sr.MANAGED_GET_POLICY_RESOURCE in MANAGED_READS_NOTE
    assert "never iam:GetRolePolicy" in MANAGED_READS_NOTE
