"""The state and logic of the form's "Configure" step: a configured audience model.

:class:`ConfigureStep` is a traitlets model (the view binds to it; tests drive it without a
browser). It holds the output location and the output role, which is shown (the policies a new
role gets, :attr:`ConfigureStep.role_policies`), created (:meth:`ConfigureStep.create_role`,
the library's ``create_output_role``) or chosen (an existing ARN), and checked
(:meth:`ConfigureStep.check_role`, the library's ``check_output_role``); then
:meth:`ConfigureStep.configure` sends ONE CreateConfiguredAudienceModel. The audience model's
ARN and status come from :class:`~cleanroom_nb.form.audience._model.AudienceStep` (``dlink``).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
from traitlets import Bool, HasTraits, Int, List, Unicode, observe

from cleanroom_nb._errors import ConfiguredAudienceModelExistsError, FindingsError
from cleanroom_nb.aws import _client
from cleanroom_nb.form.audience._parts import AudienceActions, message, words

ROLE_MODES = ("create", "choose")
"""How the output role is given: made by the form (``"create"``) or an existing ARN."""


class ConfigureStep(HasTraits):
    """Configure a trained audience model: output location, output role, name.

    Parameters
    ----------
    actions
        The library functions to call.
    boto3_session
        The session every AWS call uses.

    Examples
    --------
    >>> step = ConfigureStep()
    >>> step.configure_blockers[:1]
    ['train the model first']
    """

    model_arn = Unicode("", help="the audience model (from the training step)")
    model_status = Unicode("", help="its status (from the training step)")
    output_s3_uri = Unicode("")
    role_mode = Unicode("create", help="'create' a new output role or 'choose' one")
    role_name = Unicode("")
    role_arn = Unicode("")
    role_findings: List[tuple[str, str]] = List()
    role_note = Unicode("")
    role_policies = Unicode("", help="the trust and permissions policies a new role gets (JSON)")
    configured_name = Unicode("")
    configuring = Bool(False)
    configured_arn = Unicode("")
    configure_error = Unicode("")
    can_reuse_configured = Bool(False)
    configure_blockers = List(Unicode())
    configure_sends = Int(0)
    roles_created = Int(0)

    def __init__(
        self,
        *,
        actions: AudienceActions | None = None,
        boto3_session: boto3.Session | None = None,
    ) -> None:
        super().__init__()
        self.actions = actions or AudienceActions()
        self.boto3_session = boto3_session
        self._configured_for: tuple[Any, ...] | None = None
        self._role_made_for: tuple[str, str] | None = None
        self._refresh()

    @observe(
        "model_status",
        "output_s3_uri",
        "role_arn",
        "role_findings",
        "configured_name",
        "configuring",
    )
    def _on_inputs(self, _change: Any) -> None:
        self._refresh()

    def _refresh(self) -> None:
        conf: list[str] = []
        if self.model_status != "ACTIVE":
            conf.append("train the model first")
        if self.configuring:
            conf.append("the model is being configured")
        if not self.output_s3_uri.startswith("s3://"):
            conf.append("give the output location (s3://bucket/prefix/)")
        if not self.role_arn:
            conf.append("create or choose the output role")
        if any(level == "error" for level, _ in self.role_findings):
            conf.append("fix the output role")
        if not self.configured_name.strip():
            conf.append("give the configured model a name")
        self.configure_blockers = conf

    # ------------------------------------------------------------------ the output role
    @observe("role_mode", "output_s3_uri", "role_name")
    def _on_role_inputs(self, _change: Any) -> None:
        self.role_findings = []
        self.role_policies = self._policies()

    def _policies(self) -> str:
        """The policies a new output role gets, as JSON ('' when the location is not valid)."""
        if self.role_mode != "create" or not self.output_s3_uri.startswith("s3://"):
            return ""
        session = _client.session(self.boto3_session)
        region = session.region_name
        try:
            account = _client.caller_account(
                what="asking STS who the caller is", boto3_session=session
            )
            trust = self.actions.output_trust_policy(account, region)
            permissions = self.actions.output_permissions_policy(
                self.output_s3_uri, account_id=account, region=region
            )
        except Exception as exc:
            return f"// {message(exc)}"
        return json.dumps({"trust": trust, "permissions": permissions}, indent=2)

    def create_role(self) -> str | None:
        """Create the output role (the library's ``create_output_role``); returns its ARN."""
        made_for = (self.role_name, self.output_s3_uri)
        if self.configuring or self.role_mode != "create":
            return None
        if self._role_made_for == made_for and self.role_arn:
            return self.role_arn  # made already for these values
        self.role_note = ""
        self.configuring = True
        try:
            arn = str(
                self.actions.create_output_role(
                    self.role_name,
                    output_s3_uri=self.output_s3_uri,
                    boto3_session=self.boto3_session,
                )
            )
        except Exception as exc:
            self.role_findings = [("error", message(exc))]
            return None
        finally:
            self.configuring = False
        self.roles_created += 1
        self._role_made_for = made_for
        self.role_arn = arn
        self.role_note = f"Created {arn}."
        self.check_role()
        return arn

    def check_role(self) -> bool:
        """Check the output role with the library's check; True when nothing blocks it."""
        if not self.role_arn:
            self.role_findings = [("error", "create or choose the output role first")]
            return False
        try:
            found = self.actions.check_output_role(
                self.role_arn,
                output_s3_uri=self.output_s3_uri or None,
                boto3_session=self.boto3_session,
            )
        except Exception as exc:
            self.role_findings = [("error", message(exc))]
            return False
        self.role_findings = words(list(found))
        ok = not any(level == "error" for level, _ in self.role_findings)
        if ok and not self.role_findings:
            self.role_note = (self.role_note + " " if self.role_note else "") + (
                "The check found nothing that stops Clean Rooms ML writing there."
            )
        return ok

    @observe("role_arn")
    def _on_role_arn(self, change: Any) -> None:
        if self._role_made_for is not None and change["new"] != change["old"]:
            self.role_note = ""
        self.role_findings = []

    # ------------------------------------------------------------------ configure
    def configure(self, *, reuse: bool = False) -> str | None:
        """Send ONE CreateConfiguredAudienceModel; returns its ARN, or None."""
        if self.configure_blockers:
            return None
        signature = (self.model_arn, self.configured_name, self.output_s3_uri, self.role_arn)
        if self.configured_arn and self._configured_for == signature and not reuse:
            return self.configured_arn
        self.configure_sends += 1
        self.configuring = True
        self.configure_error = ""
        self.configured_arn = ""
        self.can_reuse_configured = False
        try:
            arn = str(
                self.actions.create_configured_audience_model(
                    self.model_arn,
                    self.configured_name,
                    output_s3_uri=self.output_s3_uri,
                    role_arn=self.role_arn,
                    if_exists="reuse" if reuse else "error",
                    boto3_session=self.boto3_session,
                )
            )
        except ConfiguredAudienceModelExistsError as exc:
            self.can_reuse_configured = exc.same_definition is not False
            self.configure_error = str(exc)
            return None
        except FindingsError as exc:
            self.role_findings = words([f for f in exc.findings if "role" in f.path.lower()])
            self.configure_error = str(exc)
            return None
        except Exception as exc:
            self.configure_error = message(exc)
            return None
        finally:
            self.configuring = False
        self._configured_for = signature
        self.configured_arn = arn
        return arn

    def __repr__(self) -> str:
        return f"ConfigureStep(model={self.model_arn!r}, configured={self.configured_arn!r})"
