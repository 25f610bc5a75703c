"""Rules of audience models: the model a configured audience model serves, and the training
window against the data it will train on."""

from __future__ import annotations

from cleanroom_nb._findings import Finding, FindingCode
from cleanroom_nb._rulebook._registry import rule

MODEL = "audienceModelArn"
WINDOW_START, WINDOW_END = "trainingDataStartTime", "trainingDataEndTime"
"""The paths of findings about the audience model and the training window's two ends."""


# -------------------------------------------------------------------------------- models
@rule(FindingCode.NOT_FOUND)
def not_found(problem: str, *, path: str = MODEL, listed_by: str) -> Finding:
    """The resource a request names does not exist; ``listed_by`` is the call that lists the
    ones that do."""
    return Finding("error", path, FindingCode.NOT_FOUND, f"{problem} ({listed_by})")


@rule(FindingCode.AUDIENCE_MODEL_TRAINING)
def audience_model_training(name: object, status: str) -> Finding:
    """The audience model is still training: it serves audiences once ACTIVE."""
    return Finding(
        "warning",
        MODEL,
        FindingCode.AUDIENCE_MODEL_TRAINING,
        f"audience model {name!r} is still {status}; audiences can be "
        "generated from it only once it is ACTIVE (cleanroom_nb.wait_for_audience_model)",
    )


@rule(FindingCode.AUDIENCE_MODEL_STATUS)
def audience_model_status(name: object, status: str) -> Finding:
    """The audience model failed or is being deleted: it cannot serve audiences."""
    return Finding(
        "error",
        MODEL,
        FindingCode.AUDIENCE_MODEL_STATUS,
        f"audience model {name!r} is {status}: it cannot serve audiences. "
        "Train a new one (cleanroom_nb.create_audience_model) and configure that",
    )


# -------------------------------------------------------------------------------- the window
@rule(FindingCode.TIME)
def bad_time(problem: str, *, path: str) -> Finding:
    """A time that is none (``problem``, from
    :func:`cleanroom_nb.readiness._window.epoch_seconds`, names the field and what it takes)."""
    return Finding("error", path, FindingCode.TIME, problem)


@rule(FindingCode.WINDOW_ORDER)
def window_order(start: str, end: str) -> Finding:
    """The training window ends before it starts (``start``, ``end``: ISO 8601 times)."""
    return Finding(
        "error",
        WINDOW_START,
        FindingCode.WINDOW_ORDER,
        f"the training window starts on {start} and ends on {end}: the start "
        "must come before the end. Swap them, or leave them out to use the data's span",
    )


@rule(FindingCode.WINDOW_NO_DATA)
def window_no_data(rows: int | None, max_time: object) -> Finding:
    """The data has no times to place the window in: no rows (``rows``), no TIMESTAMP in any
    row (``max_time`` None), or times that are no epoch seconds (``max_time``)."""
    if not rows:
        message = "the training data has no rows: there is nothing to train on"
    elif max_time is None:
        message = "no row of the training data has a TIMESTAMP: no window can hold any"
    else:
        message = (
            f"the TIMESTAMP column holds {max_time!r} at most, which is not Unix epoch "
            "seconds, so the window cannot be placed in the data; convert it to seconds first "
            "(cleanroom_nb.to_epoch_seconds, or crn.fix_glue_table)"
        )
    return Finding("error", WINDOW_START, FindingCode.WINDOW_NO_DATA, message)


@rule(FindingCode.WINDOW_OUTSIDE_DATA)
def window_outside_data(window: object, span: str, *, before: bool) -> Finding:
    """The window holds no event: it ends before the data's first (``before``) or starts after
    its last; ``span`` says the data's span."""
    return Finding(
        "error",
        WINDOW_END if before else WINDOW_START,
        FindingCode.WINDOW_OUTSIDE_DATA,
        f"the training window {window} holds no event: {span}. Choose a window inside "
        "it, or leave the times out to use the whole span",
    )


@rule(FindingCode.WINDOW_BEFORE_DATA)
def window_before_data(start: str, span: str) -> Finding:
    """The window starts before the first event (a wrong year?)."""
    return Finding(
        "warning",
        WINDOW_START,
        FindingCode.WINDOW_BEFORE_DATA,
        f"the training window starts on {start}, before the first event "
        f"({span}): nothing is lost, but check the date (a wrong year?)",
    )


@rule(FindingCode.WINDOW_AFTER_DATA)
def window_after_data(end: str, span: str) -> Finding:
    """The window ends after the last event (a wrong year?)."""
    return Finding(
        "warning",
        WINDOW_END,
        FindingCode.WINDOW_AFTER_DATA,
        f"the training window ends on {end}, after the last event ({span}): "
        "nothing is lost, but check the date (a wrong year?)",
    )
