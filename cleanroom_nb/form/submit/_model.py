"""Submitting: what blocks it, acknowledging warnings, sending once, reusing after a conflict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from traitlets import Any as AnyTrait
from traitlets import Int, Set, Unicode

from cleanroom_nb._errors import RequestInvalidError, TrainingDatasetExistsError
from cleanroom_nb._words import count
from cleanroom_nb.form._model import SliceModel
from cleanroom_nb.form._validation import finding_key, request_json_text

if TYPE_CHECKING:
    from cleanroom_nb.form._state import FormState


class SubmitModel(SliceModel):
    """Sends the request (never twice at once) and keeps the result or the conflict.

    Attributes
    ----------
    acknowledged
        The warnings the person has read (a new warning blocks again).
    result_arn, result_status
        The created training dataset's ARN, and its status when waiting.
    conflict
        The name conflict of the last send, if any (see :meth:`reuse_existing`).
    sends
        How many requests were sent.
    """

    acknowledged = Set(help="the warnings read (finding keys)")
    result_arn = Unicode(None, allow_none=True, help="the created training dataset's ARN")
    result_status = Unicode(None, allow_none=True, help="its status when waiting")
    conflict = AnyTrait(None, allow_none=True, help="the name conflict of the last send")
    sends = Int(0, help="requests sent")

    def __init__(self, form: FormState) -> None:
        super().__init__(form)
        self._conflict_for: str | None = None

    # ------------------------------------------------------------------ warnings
    @property
    def warnings_acknowledged(self) -> bool:
        """True when every current warning has been acknowledged."""
        return all(finding_key(f) in self.acknowledged for f in self.form.findings.warnings)

    def acknowledge_warnings(self, acknowledged: bool = True) -> None:
        """Acknowledge every current warning (False takes the acknowledgement back)."""
        if acknowledged:
            self.acknowledged.update(finding_key(f) for f in self.form.findings.warnings)
        else:
            self.acknowledged.clear()
        self.form.changed()

    @property
    def blockers(self) -> list[str]:
        """Why submit is disabled, in words (empty when it is enabled)."""
        form = self.form
        out = []
        if form.busy:
            out.append("a request is being sent")
        if form.request is None:
            out.append("there is no request yet")
        n_err = len(form.findings.errors)
        if n_err:
            out.append(f"fix {count(n_err, 'error')}")
        n_warn = sum(1 for f in form.findings.warnings if finding_key(f) not in self.acknowledged)
        if n_warn:
            out.append(f"acknowledge {count(n_warn, 'warning')}")
        return out

    @property
    def can_submit(self) -> bool:
        """True when no error remains, every warning is acknowledged and nothing is in flight."""
        return not self.blockers

    # ------------------------------------------------------------------ sending
    def submit(self) -> str | None:
        """Send the request (``create_training_dataset``); returns the ARN, or None.

        Does nothing while a request is in flight or while :attr:`blockers` is not empty.
        A name conflict is kept in :attr:`conflict` (see :meth:`reuse_existing`).
        """
        form = self.form
        if not self.can_submit or form.request is None:
            form.progress = "Not sent: " + "; ".join(self.blockers) + "."
            form.changed()
            return None
        return self._send(form.request, if_exists="error")

    def reuse_existing(self) -> str | None:
        """After a name conflict with an equal definition: use the existing training dataset."""
        form = self.form
        if form.request is None or form.busy or not self.can_reuse:
            return None
        return self._send(form.request, if_exists="reuse")

    @property
    def can_reuse(self) -> bool:
        """True after a conflict with an existing dataset whose definition is equal.

        An edit of the request after the conflict takes the offer back (submit again).
        """
        return bool(
            self.conflict is not None
            and self.conflict.same_definition
            and self._conflict_for == self.form.validation.request_json
        )

    def _start(self) -> None:
        form = self.form
        form.busy = True
        self.sends += 1
        self.conflict = None
        form.last_error = None
        self.result_arn = None
        self.result_status = None
        form.progress = (
            "Waiting for the training dataset to become ACTIVE..."
            if form.wait
            else "Sending the request..."
        )
        form.changed()

    def _send(self, request: dict[str, Any], *, if_exists: str) -> str | None:
        form = self.form
        self._start()
        signature = request_json_text(request)
        arn: str | None = None
        what = "creating the training dataset"
        try:
            arn = str(
                form.actions.create_training_dataset(
                    request, wait=form.wait, if_exists=if_exists, boto3_session=form.boto3_session
                )
            )
        except TrainingDatasetExistsError as exc:
            self.conflict = exc
            self._conflict_for = signature
            form.record(exc, what=what)
            form.progress = "Not created: the name is taken."
        except RequestInvalidError as exc:
            form.checks.set_remote(list(exc.findings), signature)
            form.record(exc, what=what)
            form.progress = "Not created: the request has errors (see the fields)."
        except Exception as exc:
            form.record(exc, what=what)
            form.progress = "Not created; see the error below."
        else:
            self.result_arn = arn
            form.checks.set_remote([], None)
            if form.wait:
                self.result_status = self._status(arn)
            form.progress = (
                "Reused the existing training dataset." if if_exists == "reuse" else "Created."
            )
        finally:
            form.busy = False
        form.validate()
        form.changed()
        return arn

    def _status(self, arn: str) -> str | None:
        form = self.form
        try:
            info = form.actions.get_training_dataset(arn, boto3_session=form.boto3_session)
        except Exception as exc:
            form.record(exc, what=f"reading the status of {arn}")
            return None
        status = info.get("status") if isinstance(info, Mapping) else getattr(info, "status", None)
        return None if status is None else str(status)
