"""Observation validated by the Azure Activity Log: which resources need no GET in this run.

Who uses it: ``Engine.observe`` (which nodes it may observe as "unchanged since verified") and
``Engine.apply`` (the desired-body hashes it records and the checkpoint it advances), through
``lzengine.ownership`` (where both live, in the landing zone's control zone, in Azure).

Why: Azure offers no list wider than one resource for diagnostic settings, private endpoint DNS
zone groups or model deployments (``lzengine.adapters.listing``), so a no-change run would GET each.
The Activity Log records every control-plane write, delete and action in a subscription for 90
days (Monitor REST API 2015-04-01, ``ActivityLogs_List``; "Activity logs are kept for 90 days. You
can query for any range of dates, as long as the starting date isn't more than 90 days in the
past"). So a resource lzengine verified equal to its desired body needs no GET when

(a) its desired body is the one verified: the SHA-256 below, kept in its ownership record's
    metadata, written when lzengine writes the resource or first finds it equal by GET; and
(b) the log shows no event on it, under it or above it (a deleted parent takes its children and
    extension resources along) since the landing zone's checkpoint minus ``MARGIN_S``.

The checkpoint is ARM's server time (the ``Date`` header) when a run began observing; only an
apply whose every resource ended converged advances it. Events become queryable some minutes
after they happen (Azure Monitor documents activity log entries as available "within 3 to 20
minutes"), so each query reaches ``MARGIN_S`` before the checkpoint: a change made in the minutes
before a run may be seen one run later; ``--refresh`` reads everything.

Anything unknown means GET (fail safe): no record or another hash, no checkpoint or one older than
the log keeps, the log unreadable (403 for a team's identity), a body with references to other
resources' values or with secrets, a resource whose values others reference.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lzengine import refs
from lzengine.diff import secret_paths
from lzengine.graph import Graph, Node

#: how far before the checkpoint the log is read: above Azure's documented 3-20 minute latency
MARGIN_S = 30 * 60.0
#: how far apart the clocks of ARM's front ends and of the Activity Log may be ([unconfirmed]: no
#: documented bound was found; both are Azure servers kept on time)
CLOCK_SKEW_S = 60.0
#: the log keeps 90 days; a checkpoint older than this (a day short) is not used
RETENTION_S = 89 * 24 * 3600.0
#: a run that wrote nothing leaves a checkpoint younger than this where it is (it still holds:
#: nothing changed it since), saving a write per no-change run; older, it is moved, so the stretch
#: of log each run reads stays short
CHECKPOINT_REFRESH_S = 6 * 3600.0
#: bumped whenever what the hash covers, or how the diff decides, changes meaning
HASH_VERSION = "1"


@dataclass(frozen=True)
class Checkpoint:
    """When the last fully converged run began observing (server time), and its correlation id."""

    since: float
    run: str = ""


def desired_hash(node: Node) -> str | None:
    """The hash of what ``node`` is verified against, or None when it can never skip its GET: a
    read-only node, a body that references other resources' live values, or one with secrets
    (their hash is not written anywhere)."""
    if node.kind.read_only or refs.find(node.body) or refs.has_generated(node.body) or secret_paths(node.body):
        return None
    # what the diff compares with: the body, and what it leaves out (the plan's and the kind's)
    text = json.dumps([HASH_VERSION, node.kind.name, node.kind.arm_type, node.kind.api_version, node.arm_id.lower(),
                       node.body, list(node.ignore_paths), list(node.kind.ignore_paths),
                       list(node.kind.create_only)], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def referenced(graph: Graph) -> set[str]:
    """Addresses whose live values another node's body needs: they are always read."""
    return {ref.address for node in graph for ref in refs.find(node.body)}


def unchanged_body(node: Node) -> dict[str, Any]:
    """What observation reports for a node verified unchanged: its desired body, with its id."""
    body = json.loads(json.dumps(node.body))
    return {**body, "id": node.arm_id, "name": node.arm_id.rstrip("/").rsplit("/", 1)[-1]}


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: Any) -> float | None:
    """Seconds since the epoch of an ISO 8601 time, None when it is not one."""
    if not isinstance(text, str) or not text:
        return None
    value = text.strip().replace("Z", "+00:00")
    head, dot, rest = value.partition(".")
    if dot:  # at most 6 fraction digits for Python; ARM sends 7
        digits = "".join(c for c in rest if c.isdigit())
        value = f"{head}.{digits[:6]}{rest[len(digits):]}"
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def after_checkpoint(event: Mapping[str, Any], checkpoint: Checkpoint) -> bool:
    """Whether the checkpoint's run may not have seen ``event``: it happened after the run began
    observing, or became queryable only after (``submissionTimestamp``: "when the event became
    available for querying via this API", Monitor REST API 2015-04-01, EventData). An event both
    older and queryable before then was read by that run, with a GET or from the log itself. Both
    times are compared with ``CLOCK_SKEW_S`` of slack; a time that does not parse counts."""
    horizon = checkpoint.since - CLOCK_SKEW_S
    happened = parse_iso(event.get("eventTimestamp"))
    submitted = parse_iso(event.get("submissionTimestamp"))
    return happened is None or submitted is None or happened >= horizon or submitted >= horizon


def touched(nodes: Iterable[Node], events: Iterable[Mapping[str, Any]], checkpoint: Checkpoint) -> set[str]:
    """Addresses of ``nodes`` an event after the checkpoint (``after_checkpoint``) concerns: any
    event on the resource; a write or delete of a child or extension resource under it (unless it
    is a resource group); a delete above it, or a write of a parent resource (not of its resource
    group). A successful write by the checkpoint's own run (its correlation id) is not a change:
    that run ended with every resource converged, so what it wrote is the desired body; its
    deletes and actions still count."""
    by_id = {node.arm_id.lower().rstrip("/"): node.address for node in nodes}
    ordered = sorted(by_id)
    own_run = checkpoint.run
    found: set[str] = set()
    for event in events:
        resource = str(event.get("resourceId") or "").lower().rstrip("/")
        if not resource or not after_checkpoint(event, checkpoint):
            continue
        operation = str(_value(event.get("operationName"))).lower()
        if own_run and str(event.get("correlationId") or "").lower() == own_run.lower() \
                and operation.endswith("/write") and str(_value(event.get("status"))).lower() != "failed":
            continue  # the checkpoint run's own successful write: it converged what it wrote
        address = by_id.get(resource)
        if address is not None:
            found.add(address)
        if not operation.endswith(("/write", "/delete")):
            continue  # an action (listKeys, checkNameAvailability ...) changes no other resource's body
        # the resources it lies under: a parent's body may show its children (a VNet's subnets);
        # a resource group's or subscription's never does
        path = resource.rpartition("/")[0]
        while path:
            address = by_id.get(path)
            if address is not None and "/providers/" in path:
                found.add(address)
            path = path.rpartition("/")[0]
        # the resources under it: deleting a parent takes its children and extension resources
        # along, writing one may drop an inline child; writing a resource group (tags) changes none
        if operation.endswith("/write") and "/providers/" not in resource:
            continue
        prefix = resource + "/"
        at = bisect.bisect_left(ordered, prefix)
        while at < len(ordered) and ordered[at].startswith(prefix):
            found.add(by_id[ordered[at]])
            at += 1
    return found


def _value(field: Any) -> Any:
    """A localizable string's invariant value (``{"value": ...}``), or the field itself."""
    return field.get("value") if isinstance(field, Mapping) else field
