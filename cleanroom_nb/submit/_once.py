"""One request per change: the library's own retry rule for every call that changes something.

botocore's retry machinery changed between the versions this package accepts (before 1.43.3 a
``needs-retry`` handler that answers anything but ``None`` means "retry after that many
seconds"), so nothing here relies on it. A call that changes something goes through
:func:`call_once`, on a client whose botocore retries are off (one attempt), and this module
alone decides whether to send it again:

* **not sent** — the connection could not be made, or the connect timed out: sent again after
  a backoff, up to :attr:`RetryPolicy.max_attempts` attempts;
* **refused** — the service answered ThrottlingException (or HTTP 429): it did not act, so the
  request is sent again after a backoff;
* **may have happened** — a read timeout, a connection reset or dropped after the request went
  out, a 5xx answer: the caller's ``happened`` check (a find / get / list by name) runs first;
  when it finds the change, its answer is returned and nothing is sent again; when it finds
  none, the request is sent again (still within the attempt budget); when the check itself
  fails, :class:`~cleanroom_nb.OutcomeUnknownError` says so and nothing more is sent;
* **answered** — any other answer of the service (4xx): raised as botocore's ``ClientError``
  for the caller to explain, unless an earlier attempt may have happened (then the check runs
  again: a ConflictException after a lost answer is usually our own first request).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import boto3
import botocore.config
import botocore.exceptions

from cleanroom_nb._errors import (
    CleanroomNbError,
    EndpointUnreachableError,
    OutcomeUnknownError,
    ThrottledError,
)
from cleanroom_nb.aws import _client

THROTTLING_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
    }
)
"""Error codes with which AWS refuses a request it did not act on, because of its rate."""

ONE_ATTEMPT = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"})
"""botocore makes exactly one attempt (``total_max_attempts`` is in botocore 1.34.0, this
package's floor, and every later version; CI runs the fault tests on both ends)."""


class Outcome(Enum):
    """What a failed attempt says about whether the service acted on it."""

    NOT_SENT = "the request did not reach the service"
    REFUSED = "the service refused the request without acting on it (throttling)"
    UNKNOWN = "the request may have reached the service and been applied"
    ANSWERED = "the service answered with an error"


def classify(exc: BaseException) -> Outcome:
    """Whether a failed attempt may have changed something.

    Examples
    --------
    >>> classify(botocore.exceptions.EndpointConnectionError(endpoint_url="http://x"))
    <Outcome.NOT_SENT: 'the request did not reach the service'>
    >>> classify(botocore.exceptions.ReadTimeoutError(endpoint_url="http://x")).name
    'UNKNOWN'
    """
    if isinstance(
        exc,
        botocore.exceptions.EndpointConnectionError
        | botocore.exceptions.ConnectTimeoutError
        | botocore.exceptions.ProxyConnectionError,
    ):
        return Outcome.NOT_SENT
    if isinstance(exc, botocore.exceptions.ClientError):
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if error.get("Code") in THROTTLING_CODES or status == 429:
            return Outcome.REFUSED
        if isinstance(status, int) and status < 500:
            return Outcome.ANSWERED
        return Outcome.UNKNOWN  # 5xx (or no status): the service may have acted
    if isinstance(exc, botocore.exceptions.HTTPClientError):
        return Outcome.UNKNOWN  # read timeout, connection closed or reset after sending
    if isinstance(exc, botocore.exceptions.BotoCoreError | CleanroomNbError):
        return Outcome.ANSWERED  # raised before sending: parameters, credentials, region
    return Outcome.UNKNOWN


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts a change gets, and the backoff between them.

    The delay before attempt ``n + 1`` is drawn uniformly from
    ``[0, min(max_delay, base_delay * 2 ** (n - 1))]`` ("full jitter", as botocore's standard
    mode). ``sleep`` is what waits (tests pass a recorder).

    Examples
    --------
    >>> RetryPolicy(base_delay=1, max_delay=4).cap(5)
    4.0
    """

    max_attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 20.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def cap(self, attempt: int) -> float:
        """The longest wait after the ``attempt``-th attempt."""
        return float(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))

    def wait(self, attempt: int) -> None:
        """Wait a random time up to :meth:`cap` after the ``attempt``-th attempt."""
        self.sleep(random.uniform(0.0, self.cap(attempt)))


POLICY = RetryPolicy()
"""The policy :func:`call_once` uses when it is given none."""


def write_client(service: str, boto3_session: boto3.Session | None) -> Any:
    """A client whose botocore retries are off: every call is exactly one HTTP request."""
    return _client.client(service, boto3_session, config=ONE_ATTEMPT)


def call_once(
    operation: str,
    params: Mapping[str, Any],
    *,
    happened: Callable[[], Mapping[str, Any] | None],
    what: str,
    advice: str,
    service: str = "cleanroomsml",
    policy: RetryPolicy | None = None,
    boto3_session: boto3.Session | None = None,
) -> dict[str, Any]:
    """Make the change ``operation(**params)`` happen once, never sending it blindly twice.

    How to use it for a new call that changes something (a create, update, tag or delete):

    1. Validate the request locally first; ``call_once`` sends it as it is.
    2. Write the ``happened`` check: a read (with ordinary retries) that tells whether *this*
       change is in effect, and returns the answer the caller would have got (for a create, at
       least the new resource's ARN, found **by name** with the same definition), or None when
       it is not in effect. It must not raise for "not found": return None.

       * create: list/find by name; same definition → ``{"<thing>Arn": arn}``, else None;
       * update / tag: get it; the new values are in place → ``{}``, else None;
       * untag: the keys are gone → ``{}``; delete: get answers not-found → ``{}``.
    3. Call ``call_once("create_thing", request, happened=..., what="creating thing 'x'",
       advice="Check with ...find_thing('x') before running again.")`` and translate the
       botocore ``ClientError`` it raises for answers such as ConflictException.

    Parameters
    ----------
    operation
        The boto3 method name, e.g. ``"create_training_dataset"``.
    params
        Its keyword arguments.
    happened
        The check described above.
    what, advice
        What is being done (starts every message), and what the user should do when the
        outcome cannot be known.
    service, policy, boto3_session
        The boto3 service name, the retry policy (default :data:`POLICY`) and the session.

    Returns
    -------
    dict
        The service's answer (without ``ResponseMetadata``), or ``happened()``'s.

    Raises
    ------
    botocore.exceptions.ClientError
        The service answered an error (4xx other than throttling): nothing was changed.
    ThrottledError, EndpointUnreachableError
        Still throttled, or still unreachable, after the attempts: nothing was changed.
    OutcomeUnknownError
        The request may have reached the service and the check could not tell whether it
        was applied; nothing more was sent.
    CleanroomNbError
        No region (from the client), or other errors raised before sending.

    Examples
    --------
    >>> call_once("create_training_dataset", request, what="creating training dataset 'x'",
    ...           advice="Check with cleanroom_nb.find_training_dataset('x').",
    ...           happened=lambda: None)  # doctest: +SKIP
    {'trainingDatasetArn': 'arn:aws:cleanrooms-ml:...'}
    """
    policy = policy or POLICY
    client = write_client(service, boto3_session)
    send = getattr(client, operation)
    maybe_applied = False
    last: BaseException | None = None
    attempt = 0
    while attempt < policy.max_attempts:
        attempt += 1
        try:
            response = send(**dict(params))
        except Exception as exc:
            last = exc
            outcome = classify(exc)
        else:
            return {k: v for k, v in dict(response).items() if k != "ResponseMetadata"}
        if outcome is Outcome.ANSWERED:
            if maybe_applied:  # e.g. a ConflictException: our lost first request made it
                found = _check(happened, last, what, advice)
                if found is not None:
                    return dict(found)
            raise last
        if outcome is Outcome.UNKNOWN:
            maybe_applied = True
            policy.wait(attempt)  # let a request still in flight land before looking
            found = _check(happened, last, what, advice)
            if found is not None:
                return dict(found)
        elif attempt < policy.max_attempts:
            policy.wait(attempt)
    assert last is not None
    err = _exhausted(last, attempt, maybe_applied, what, advice)
    if err is last:
        raise last
    raise err from last


def _check(
    happened: Callable[[], Mapping[str, Any] | None],
    cause: BaseException,
    what: str,
    advice: str,
) -> Mapping[str, Any] | None:
    try:
        return happened()
    except Exception as check:
        err = _client.translate(check, what="checking whether it was applied")
        raise OutcomeUnknownError(
            f"{what}: the request may have reached the service ({_short(cause)}), and checking "
            f"whether it was applied failed ({err}). It was not sent again. {advice}"
        ) from cause


def _short(exc: BaseException) -> str:
    if isinstance(exc, botocore.exceptions.ClientError):
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return f"HTTP {status} {error.get('Code', '')}: {error.get('Message', '')}".strip()
    return f"{type(exc).__name__}: {exc}"


def _exhausted(
    last: BaseException, attempts: int, maybe_applied: bool, what: str, advice: str
) -> CleanroomNbError | BaseException:
    outcome = classify(last)
    if outcome is Outcome.REFUSED:
        error = getattr(last, "response", {}).get("Error", {})
        return ThrottledError(
            f"{what}: the service kept throttling the request ({_short(last)}) through "
            f"{attempts} attempts with backoff; it did not act on any of them, so nothing was "
            "changed. Wait a minute and run again, or ask for a higher request quota.",
            code=error.get("Code") or "ThrottlingException",
        )
    if outcome is Outcome.NOT_SENT and not maybe_applied:
        return EndpointUnreachableError(
            f"{what}: the endpoint could not be reached in {attempts} attempts ({_short(last)}); "
            "the request never reached the service, so nothing was changed. Check the network, "
            "the region and AWS_ENDPOINT_URL (for the local emulation, is it still running?)."
        )
    if isinstance(last, botocore.exceptions.ClientError):
        return last  # a 5xx each time, and the check found nothing: the caller explains it
    return OutcomeUnknownError(
        f"{what}: {attempts} attempts failed ({_short(last)}); after each one that may have "
        f"reached the service, the check found it had not been applied. {advice}"
    )
