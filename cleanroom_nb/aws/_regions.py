"""The regions where Clean Rooms ML is offered: botocore's endpoint data, else AWS's own list.

botocore's ``endpoints.json`` names the regions of most services; ``session.get_available_regions``
reads it. For ``cleanrooms-ml`` it names none, neither in botocore 1.34.0 (this package's
floor) nor in 1.44.x (checked when this was written): the service is resolved only through its
endpoint rule set, which accepts any region name. So, when botocore names none, the regions are
those of the General Reference page "AWS Clean Rooms ML endpoints and quotas"
(:data:`DOCUMENTED_SOURCE`), kept here with that source.
"""

from __future__ import annotations

import functools

import botocore.session

SERVICE = "cleanroomsml"
DOCUMENTED_SOURCE = (
    'AWS General Reference, "AWS Clean Rooms ML endpoints and quotas" '
    "(https://docs.aws.amazon.com/general/latest/gr/clean-rooms-ml.html)"
)
DOCUMENTED_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
)
"""The regions of :data:`DOCUMENTED_SOURCE`'s "Service endpoints" table.

The seven US and Asia Pacific rows were read from the page itself; the copy available when this
was written broke off after them, so the four European rows are those where AWS Clean Rooms
lists its own regional egress ranges (user guide, "AWS Clean Rooms egress IP address ranges").
Compare with the page when it changes; a region missing here only costs a warning."""


@functools.cache
def offered_regions() -> tuple[tuple[str, ...], str]:
    """The regions where Clean Rooms ML is offered, and where that list comes from.

    Examples
    --------
    >>> regions, source = offered_regions()
    >>> "us-east-1" in regions and "eu-west-3" not in regions
    True
    """
    session = botocore.session.get_session()
    found: set[str] = set()
    for part in session.get_available_partitions():
        found.update(session.get_available_regions(SERVICE, partition_name=part))
    if found:
        return tuple(sorted(found)), "botocore's endpoint data (endpoints.json)"
    return DOCUMENTED_REGIONS, DOCUMENTED_SOURCE


def region_note(region: str | None) -> str | None:
    """What to say when Clean Rooms ML is not offered in ``region`` (None: it is, or no region).

    Examples
    --------
    >>> region_note("us-east-1") is None
    True
    >>> "eu-west-1" in region_note("eu-west-3")
    True
    """
    if not region:
        return None
    regions, source = offered_regions()
    if region in regions:
        return None
    return (
        f"Clean Rooms ML is not offered in region {region!r}: it is offered in "
        f"{', '.join(regions)} (source: {source}). Use one of those regions "
        "(AWS_DEFAULT_REGION, or boto3.Session(region_name=...)), with the Glue table and its S3 "
        "data in that same region"
    )
