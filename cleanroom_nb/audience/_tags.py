"""Bring the tags of an audience model or configured audience model to the wanted ones.

The rule is the training dataset's, in one place (:mod:`cleanroom_nb.submit._tags`): tags are
checked before they are sent (the service model's limits, at most 50 of the user's own, no
``aws:`` prefix), keys starting with ``aws:`` are never removed and never counted ("You cannot
edit or delete tag keys with this prefix ... Tags with only the key prefix of aws do not count
against your tags per resource limit", the operations' ``tags`` documentation), and tags are
replaced by untagging first, then tagging, so 50 tags can be swapped for 50 others. Only the
sending differs: both calls go through the audience stage's one seam,
:func:`cleanroom_nb.audience._send.send`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3

from cleanroom_nb._errors import RequestInvalidError
from cleanroom_nb._findings import format_findings
from cleanroom_nb.audience._send import send
from cleanroom_nb.audience._translate import call_error
from cleanroom_nb.aws import _client
from cleanroom_nb.request._rules import user_tags
from cleanroom_nb.submit._compare import TagChanges, tag_changes
from cleanroom_nb.submit._tags import TagSender, apply_tag_changes, tag_findings


def update_tags(
    arn: str,
    current: Mapping[str, str] | None,
    wanted: Mapping[str, str] | None,
    *,
    boto3_session: boto3.Session | None = None,
) -> TagChanges:
    """Make the tags of ``arn`` equal ``wanted`` (``aws:`` keys stay); returns what changed.

    Raises
    ------
    RequestInvalidError
        A wanted tag breaks a documented limit (nothing was sent).
    AccessDeniedError
        The caller lacks ``cleanrooms-ml:TagResource`` / ``UntagResource``.
    AwsError
        A call failed; when the removal went through and the tagging did not, the message
        says so (run again to finish).
    """
    changes = tag_changes(current, wanted)
    if not changes:
        return changes
    findings = tag_findings(
        arn,
        changes.to_tag(),
        len(user_tags(wanted)),
        resource="the resource",
        remedy="Give fewer tags",
    )
    if findings:
        raise RequestInvalidError(
            f"the tags of {arn} were not changed:\n{format_findings(findings)}", findings
        )
    session = _client.session(boto3_session)
    apply_tag_changes(arn, changes, send=_sender(arn, session))
    return changes


def _sender(arn: str, session: boto3.Session) -> TagSender:
    def send_one(operation: str, request: dict[str, Any]) -> None:
        what = f"{operation} on {arn}"
        try:
            send(operation, request, what=what, boto3_session=session)
        except Exception as exc:
            raise call_error(exc, what=what, actions=[f"cleanrooms-ml:{operation}"]) from exc

    return send_one
