"""AWS plumbing shared by every stage: sessions and clients, botocore's service model, the roles.

Every function here that calls AWS takes a keyword-only ``boto3_session`` (awswrangler's
convention); clients are made only by :func:`cleanroom_nb.aws._client.client`.
"""

from __future__ import annotations

from cleanroom_nb.aws._output_role import (
    create_output_role,
    output_permissions_policy,
    output_trust_policy,
)
from cleanroom_nb.aws._output_role_check import check_output_role
from cleanroom_nb.aws._role_check import check_role
from cleanroom_nb.aws._role_create import create_role
from cleanroom_nb.aws._service_role import permissions_policy, trust_policy

__all__ = [
    "check_output_role",
    "check_role",
    "create_output_role",
    "create_role",
    "output_permissions_policy",
    "output_trust_policy",
    "permissions_policy",
    "trust_policy",
]
