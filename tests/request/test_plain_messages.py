"""Messages are words: one per problem, never a raw regular expression (issue 13, item 4).

The service model's patterns stay available to code users in ``Finding.details``.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_request_corpus import CASES, base_request

import cleanroom_nb as crn
from cleanroom_nb.aws import _service_model


def _model_patterns() -> set[str]:
    """Every pattern of CreateTrainingDataset's input shapes, read from botocore's model."""
    found: set[str] = set()
    seen: set[str] = set()

    def walk(shape: Any) -> None:
        if shape.name in seen:
            return
        seen.add(shape.name)
        if "pattern" in shape.metadata:
            found.add(shape.metadata["pattern"])
        kind = shape.type_name
        children = (
            list(shape.members.values())
            if kind == "structure"
            else [shape.member]
            if kind == "list"
            else [shape.key, shape.value]
            if kind == "map"
            else []
        )
        for child in children:
            walk(child)

    walk(_service_model.service_model().operation_model("CreateTrainingDataset").input_shape)
    return found


PATTERNS = _model_patterns()


def test_the_model_has_patterns_to_hide() -> None:
    assert len(PATTERNS) >= 5


@pytest.mark.parametrize(("case", "mutate", "expected"), CASES, ids=[c[0] for c in CASES])
def test_no_message_shows_a_pattern(case: str, mutate: Any, expected: Any) -> None:
    request = base_request()
    mutate(request)
    for finding in crn.validate_request(request):
        for pattern in PATTERNS:
            assert pattern not in finding.message, (case, finding.message)
        assert "(?!" not in finding.message and "[0-9]{" not in finding.message, finding.message


def test_empty_name_is_one_problem_in_words_with_the_pattern_in_details() -> None:
    request = base_request()
    request["name"] = ""
    (finding,) = [f for f in crn.validate_request(request) if f.path == "name"]
    assert finding.message == "name is empty; enter 1 to 63 characters"
    assert finding.details["pattern"] in PATTERNS
    assert (finding.details["min"], finding.details["max"]) == (1, 63)


def test_wrong_role_arn_says_what_a_role_arn_looks_like() -> None:
    request = base_request()
    request["roleArn"] = "arn:aws:iam::12345:role/x"
    (finding,) = [f for f in crn.validate_request(request) if f.path == "roleArn"]
    assert "arn:aws:iam::123456789012:role/" in finding.message
    assert finding.details["pattern"] == _service_model.shape_at("roleArn").metadata["pattern"]


def test_details_are_not_part_of_equality() -> None:
    a = crn.Finding("error", "name", "pattern", "m", {"pattern": "x"})
    assert a == crn.Finding("error", "name", "pattern", "m") and hash(a) == hash(
        crn.Finding("error", "name", "pattern", "m")
    )
