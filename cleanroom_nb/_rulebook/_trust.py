"""Rules of a service role's trust policy: may Clean Rooms ML assume the role, and safely?

:func:`cleanroom_nb.aws._trust.trust_findings` judges the policy; these builders word what it
found. ``principal`` is the service principal (``cleanrooms-ml.amazonaws.com``) and ``fix`` the
sentence that says how to replace the policy (``cleanroom_nb.trust_policy`` or
``cleanroom_nb.output_trust_policy``).
"""

from __future__ import annotations

from collections.abc import Sequence

from cleanroom_nb._findings import Finding, FindingCode
from cleanroom_nb._rulebook._registry import rule

TRUST = "trust"
"""The path of findings about a role's trust policy."""


@rule(FindingCode.WRONG_TRUST_PRINCIPAL)
def wrong_trust_principal(wrong: Sequence[str], principal: str, fix: str) -> Finding:
    """The policy trusts AWS Clean Rooms (``wrong``), not Clean Rooms ML."""
    return Finding(
        "error",
        TRUST,
        FindingCode.WRONG_TRUST_PRINCIPAL,
        f"the trust policy names {', '.join(wrong)} (AWS Clean Rooms), but Clean Rooms "
        f"ML assumes the role as {principal}; change the principal, or {fix}",
    )


@rule(FindingCode.MISSING_TRUST)
def missing_trust(principal: str, fix: str) -> Finding:
    """No statement lets the service principal perform ``sts:AssumeRole``."""
    return Finding(
        "error",
        TRUST,
        FindingCode.MISSING_TRUST,
        f"the trust policy does not let {principal} perform sts:AssumeRole, so "
        f"Clean Rooms ML cannot use the role; {fix}",
    )


@rule(FindingCode.TRUST_UNCONDITIONED)
def trust_unconditioned(policy_function: str) -> Finding:
    """The service may assume the role for any account's resources (no confused-deputy guard)."""
    return Finding(
        "warning",
        TRUST,
        FindingCode.TRUST_UNCONDITIONED,
        "the trust policy lets the service assume the role for any account's resources; "
        "add the user guide's conditions on aws:SourceAccount and aws:SourceArn "
        f"({policy_function} with account_id and region) "
        "against the confused-deputy problem",
    )


@rule(FindingCode.TRUST_SOURCE_ARN_ONE_DATASET)
def trust_source_arn_one_dataset(
    scoped: Sequence[str], words: str, widened: str, fix: str
) -> Finding:
    """``aws:SourceArn`` names existing resources only (``words``: "training dataset", ...),
    so a new one cannot use the role; ``widened`` is the ARN pattern that would do."""
    return Finding(
        "warning",
        TRUST,
        FindingCode.TRUST_SOURCE_ARN_ONE_DATASET,
        f"the trust policy's aws:SourceArn is limited to {', '.join(scoped)}: fine for "
        f"that {words}, but a new {words} cannot use this role. To create a new one, "
        f"widen it to {widened} ({fix})",
    )


def trust_condition_code(key: str) -> FindingCode:
    """The code of a failing trust condition on ``key``: the source account, the source ARN,
    or another condition.

    Examples
    --------
    >>> trust_condition_code("aws:SourceAccount"), trust_condition_code("aws:PrincipalTag/x")
    ('trust_source_account', 'trust_condition')
    """
    return {
        "aws:sourceaccount": FindingCode.TRUST_SOURCE_ACCOUNT,
        "aws:sourcearn": FindingCode.TRUST_SOURCE_ARN,
    }.get(key.lower(), FindingCode.TRUST_CONDITION)


@rule(FindingCode.TRUST_SOURCE_ACCOUNT, FindingCode.TRUST_SOURCE_ARN, FindingCode.TRUST_CONDITION)
def trust_condition(key: str, shown: str, target: str, account: str, fix: str) -> Finding:
    """A condition (on ``key``; ``shown`` writes the failing ones) that does not hold when the
    service assumes the role for ``target``; the code is :func:`trust_condition_code`'s."""
    return Finding(
        "error",
        TRUST,
        trust_condition_code(key),
        f"the trust policy's condition ({shown}) does not hold when Clean Rooms ML "
        f"assumes the role for {target} (aws:SourceAccount {account}), so it "
        f"cannot use the role; {fix}",
    )


@rule(FindingCode.TRUST_CONDITION_UNCHECKED)
def trust_condition_unchecked(unknown: str, principal: str) -> Finding:
    """Conditions on keys other than the ones the service is known to send."""
    return Finding(
        "warning",
        TRUST,
        FindingCode.TRUST_CONDITION_UNCHECKED,
        f"the trust policy's condition ({unknown}) could not be evaluated here (only "
        "aws:SourceAccount and aws:SourceArn are known to be sent); make sure it holds for "
        f"{principal}",
    )


@rule(FindingCode.TRUST_DENIED)
def trust_denied(principal: str, fix: str, *, certain: bool) -> Finding:
    """A Deny statement for the service: an error when it applies (``certain``), a warning
    when its condition could not be evaluated."""
    return Finding(
        "error" if certain else "warning",
        TRUST,
        FindingCode.TRUST_DENIED,
        f"the trust policy denies sts:AssumeRole to {principal}"
        + ("" if certain else " (under a condition that could not be evaluated)")
        + f"; remove that Deny, or {fix}",
    )
