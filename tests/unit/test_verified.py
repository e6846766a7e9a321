"""Which Activity Log events make a verified resource worth reading again (``lzengine.verified``):
the relation of the event's resource to the node's, the operation, who wrote it and when."""

from __future__ import annotations

from lzengine.graph import Node
from lzengine.kinds import KINDS_BY_NAME
from lzengine.refs import Ref
from lzengine.verified import CLOCK_SKEW_S, Checkpoint, desired_hash, iso, touched

RG = "/subscriptions/s1/resourceGroups/rg"
PEP = f"{RG}/providers/Microsoft.Network/privateEndpoints/pep"
GROUP = f"{PEP}/privateDnsZoneGroups/default"
DIAG = f"{PEP}/providers/Microsoft.Insights/diagnosticSettings/to-log"
CHECKPOINT = Checkpoint(since=1_800_000_000.0, run="our-run")


def nodes() -> list[Node]:
    return [Node("rg", KINDS_BY_NAME["resource_group"], RG, {"location": "x"}),
            Node("pep", KINDS_BY_NAME["private_endpoint"], PEP, {}),
            Node("group", KINDS_BY_NAME["private_dns_zone_group"], GROUP, {"properties": {}}),
            Node("diag", KINDS_BY_NAME["diagnostic_setting"], DIAG, {"properties": {}})]


def event(resource: str, operation: str, *, after: float = 10.0, submitted: float | None = None,
          correlation: str = "someone", status: str = "Succeeded") -> dict:
    happened = CHECKPOINT.since + after
    return {"resourceId": resource, "operationName": {"value": f"Microsoft.X/y/{operation}"},
            "status": {"value": status}, "correlationId": correlation, "eventTimestamp": iso(happened),
            "submissionTimestamp": iso(happened if submitted is None else CHECKPOINT.since + submitted)}


def test_events_on_under_and_above_a_resource() -> None:
    assert touched(nodes(), [event(GROUP, "write")], CHECKPOINT) == {"group", "pep"}  # the parent shows its groups
    assert touched(nodes(), [event(DIAG, "delete")], CHECKPOINT) == {"diag", "pep"}
    assert touched(nodes(), [event(PEP, "delete")], CHECKPOINT) == {"pep", "group", "diag"}
    assert touched(nodes(), [event(PEP, "write")], CHECKPOINT) == {"pep", "group", "diag"}
    assert touched(nodes(), [event(RG, "write")], CHECKPOINT) == {"rg"}  # tags of the group: nothing inside
    assert touched(nodes(), [event(RG, "delete")], CHECKPOINT) == {"rg", "pep", "group", "diag"}
    assert touched(nodes(), [event(f"{PEP}/listKeys", "action")], CHECKPOINT) == set()
    assert touched(nodes(), [event("/subscriptions/s1", "action")], CHECKPOINT) == set()  # checkNameAvailability
    assert touched(nodes(), [event(PEP, "action")], CHECKPOINT) == {"pep"}


def test_the_checkpoint_runs_own_writes_and_what_it_already_saw() -> None:
    assert touched(nodes(), [event(GROUP, "write", correlation="our-run")], CHECKPOINT) == set()
    assert touched(nodes(), [event(GROUP, "write", correlation="our-run", status="Failed")], CHECKPOINT) == {
        "group", "pep"}
    assert touched(nodes(), [event(GROUP, "delete", correlation="our-run")], CHECKPOINT) == {"group", "pep"}
    # before the checkpoint and queryable before it: that run read it (by GET or from the log)
    long_ago = -CLOCK_SKEW_S - 600
    assert touched(nodes(), [event(DIAG, "write", after=long_ago)], CHECKPOINT) == set()
    # before the checkpoint but queryable only after it began: maybe not seen
    assert touched(nodes(), [event(DIAG, "write", after=long_ago, submitted=5)], CHECKPOINT) == {"diag", "pep"}
    # within the clocks' skew allowance: counts
    assert touched(nodes(), [event(DIAG, "write", after=-CLOCK_SKEW_S / 2)], CHECKPOINT) == {"diag", "pep"}
    broken = {**event(DIAG, "write", after=long_ago), "submissionTimestamp": "not a time"}
    assert touched(nodes(), [broken], CHECKPOINT) == {"diag", "pep"}


def test_only_bodies_without_references_or_secrets_have_a_hash() -> None:
    diag = nodes()[3]
    assert desired_hash(diag) == desired_hash(Node("d", diag.kind, DIAG.upper(), {"properties": {}}))
    assert desired_hash(diag) != desired_hash(Node("d", diag.kind, DIAG, {"properties": {"logs": []}}))
    assert desired_hash(Node("d", diag.kind, DIAG, {"properties": {"workspaceId": Ref("w", "id")}})) is None
    assert desired_hash(Node("d", diag.kind, DIAG, {"properties": {}}, ignore_paths=("tags",))) != desired_hash(diag)
