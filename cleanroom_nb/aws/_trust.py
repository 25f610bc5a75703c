"""Judge a role's trust policy as Clean Rooms ML meets it: principal, Deny, each condition.

The service assumes the role as ``cleanrooms-ml.amazonaws.com`` and, against the confused
deputy, sends ``aws:SourceAccount`` (the caller's account) and ``aws:SourceArn`` (the training
dataset's ARN). Every condition is evaluated by its operator against those values
(:mod:`cleanroom_nb.aws._policy_eval`). The user guide ("Set up service roles for AWS Clean
Rooms ML") says the SourceArn "can be limited to a specific training dataset, but only after
that dataset is created": such a role is fine for that dataset, and a new dataset cannot use it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import cleanroom_nb._rulebook as _rulebook
from cleanroom_nb._findings import Finding
from cleanroom_nb.aws import _policy_eval as ev
from cleanroom_nb.aws._service_role import SERVICE_PRINCIPAL, WRONG_PRINCIPALS, partition

NEW_DATASET_ID = "new-training-dataset"
"""Stands for the id of a training dataset that does not exist yet."""

_FIX = (
    "replace the trust policy with cleanroom_nb.trust_policy(account_id, region) "
    "(aws iam update-assume-role-policy)"
)
TRAINING_DATASET = "training-dataset"
CONFIGURED_AUDIENCE_MODEL = "configured-audience-model"
_WORDS = {
    TRAINING_DATASET: "training dataset",
    CONFIGURED_AUDIENCE_MODEL: "configured audience model",
}
_POLICY_FUNCTIONS = {
    TRAINING_DATASET: "cleanroom_nb.trust_policy",
    CONFIGURED_AUDIENCE_MODEL: "cleanroom_nb.output_trust_policy",
}
_FIXES = {
    kind: _FIX.replace("cleanroom_nb.trust_policy", function)
    for kind, function in _POLICY_FUNCTIONS.items()
}
"""The resource types whose roles are judged here (the ``aws:SourceArn`` the service sends), in
words, the function that gives their trust policy, and its fix."""


def dataset_arn(
    account: str,
    region: str | None,
    dataset_id: str = NEW_DATASET_ID,
    resource_type: str = TRAINING_DATASET,
) -> str:
    """The ARN of a training dataset (or other ``resource_type``) of ``account`` in ``region``
    (a new one by default)."""
    region = region or "us-east-1"
    if resource_type != TRAINING_DATASET and dataset_id == NEW_DATASET_ID:
        dataset_id = f"new-{resource_type}"
    return f"arn:{partition(region)}:cleanrooms-ml:{region}:{account}:{resource_type}/{dataset_id}"


def context(account: str, source_arn: str) -> dict[str, str | None]:
    """The request context the service's sts:AssumeRole carries (lower-cased keys)."""
    return {"aws:sourceaccount": account, "aws:sourcearn": source_arn}


def _principals(stmt: Mapping[str, Any]) -> list[str]:
    principal = stmt.get("Principal")
    if principal == "*":
        return ["*"]
    if isinstance(principal, Mapping):
        if principal.get("AWS") == "*":
            return ["*"]
        return [str(p) for p in ev.as_list(principal.get("Service"))]
    return []


def _for_service(stmt: Mapping[str, Any]) -> bool:
    found = _principals(stmt)
    return SERVICE_PRINCIPAL in found or "*" in found


def _assume_statements(trust: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    statements = [s for s in ev.as_list(trust.get("Statement")) if isinstance(s, Mapping)]
    return [
        s
        for s in statements
        if ev.matches_any(ev.as_list(s.get("Action")), "sts:AssumeRole", case=False)
    ]


def _principal_findings(assume: Sequence[Mapping[str, Any]], fix: str = _FIX) -> list[Finding]:
    wrong = sorted(
        {
            p
            for s in assume
            if s.get("Effect") == "Allow"
            for p in _principals(s)
            if p in WRONG_PRINCIPALS
        }
    )
    if wrong:
        return [_rulebook.wrong_trust_principal(wrong, SERVICE_PRINCIPAL, fix)]
    return [_rulebook.missing_trust(SERVICE_PRINCIPAL, fix)]


def _scoped_datasets(
    allowing: Sequence[Mapping[str, Any]],
    account: str,
    region: str | None,
    resource_type: str = TRAINING_DATASET,
) -> list[str]:
    """Training datasets of this account and region that a failing SourceArn names."""
    out = []
    for stmt in allowing:
        for r in ev.evaluate_condition(stmt.get("Condition"), {}):
            if r.key.lower() != "aws:sourcearn":
                continue
            for value in r.values:
                prefix = dataset_arn(account, region, "", resource_type)
                if value.startswith(prefix) and "*" not in value:
                    ctx = context(account, value)
                    if ev.all_true(ev.evaluate_condition(stmt.get("Condition"), ctx)):
                        out.append(value)
    return sorted(set(out))


def trust_findings(
    trust: Mapping[str, Any],
    account: str | None,
    region: str | None,
    training_dataset_arn: str | None = None,
    *,
    resource_type: str = TRAINING_DATASET,
) -> list[Finding]:
    """What in a trust policy stops Clean Rooms ML assuming the role (or weakens it).

    Parameters
    ----------
    trust
        The trust policy document.
    account, region
        The caller's account and region (no conditions are judged without an account).
    training_dataset_arn
        The training dataset the role is for; None means a new one (not yet created).
    resource_type
        What the service assumes the role for (its ``aws:SourceArn``): ``"training-dataset"``
        (the training role) or ``"configured-audience-model"`` (the output role).

    Examples
    --------
    >>> from cleanroom_nb.aws._service_role import trust_policy
    >>> trust_findings(trust_policy("123456789012", "us-east-1"), "123456789012", "us-east-1")
    []
    """
    assume = _assume_statements(trust)
    allowing = [s for s in assume if s.get("Effect") == "Allow" and _for_service(s)]
    denying = [s for s in assume if s.get("Effect") == "Deny" and _for_service(s)]
    words, fix = _WORDS[resource_type], _FIXES[resource_type]
    if not allowing:
        return _principal_findings(assume, fix)
    out: list[Finding] = []
    if all(not s.get("Condition") for s in allowing):
        out.append(_rulebook.trust_unconditioned(_POLICY_FUNCTIONS[resource_type]))
    if account is None:
        return out
    target = training_dataset_arn or dataset_arn(account, region, resource_type=resource_type)
    ctx = context(account, target)
    out.extend(_deny_findings(denying, ctx, fix))
    verdicts = [ev.evaluate_condition(s.get("Condition"), ctx) for s in allowing]
    if any(ev.all_true(v) for v in verdicts):
        return out
    scoped = (
        [] if training_dataset_arn else _scoped_datasets(allowing, account, region, resource_type)
    )
    if scoped:
        widened = dataset_arn(account, region, "*", resource_type)
        out.append(_rulebook.trust_source_arn_one_dataset(scoped, words, widened, fix))
        return out
    failing = [r for v in verdicts for r in v if r.result is False]
    if failing:
        by_code: dict[str, list[ev.ConditionResult]] = {}
        for r in failing:
            by_code.setdefault(_rulebook.trust_condition_code(r.key), []).append(r)
        for group in by_code.values():
            shown = "; ".join(str(r) for r in group)
            out.append(_rulebook.trust_condition(group[0].key, shown, target, account, fix))
        return out
    unknown = "; ".join(str(r) for v in verdicts for r in v if r.result is None)
    out.append(_rulebook.trust_condition_unchecked(unknown, SERVICE_PRINCIPAL))
    return out


def _deny_findings(
    denying: Sequence[Mapping[str, Any]], ctx: Mapping[str, str | None], fix: str = _FIX
) -> list[Finding]:
    out = []
    for stmt in denying:
        verdict = ev.all_true(ev.evaluate_condition(stmt.get("Condition"), ctx))
        if verdict is False:
            continue
        out.append(_rulebook.trust_denied(SERVICE_PRINCIPAL, fix, certain=bool(verdict)))
    return out
