"""The record of the child resources lzengine created, kept in the landing zone's control zone.

Who uses it: ``lzengine.engine`` — ``Engine.apply`` records every untagged resource it wrote
(subnets, routes, peerings, DNS links, model deployments, rule collection groups, diagnostic
settings, role and policy assignments ...) or found declared and unrecorded; ``Engine.plan_prune``
lists the records to find children the plan no longer declares; ``Engine.prune`` forgets a
record once its resource is gone. Top-level resources need no record: they carry the
``managed-by``/``lzengine-zone`` tags.

One TXT record set per resource, in the zone described by ``lzengine.control_zone``:

- name ``own-`` + the first 40 hex digits of SHA-256 of the lower-cased ARM id,
- ``metadata``: ``managedby=lzengine``, ``zone=<landing zone>``, ``type=<ARM type>`` and, once
  lzengine wrote the resource or found it equal to the plan, ``desired=<hash>`` of the body it was
  verified against (``lzengine.verified``),
- TXT value: the ARM id, in strings of at most 255 characters (the DNS limit of one string).

Beside them, one record set ``lzengine-checkpoint`` holds the landing zone's verification
checkpoint (``lzengine.verified.Checkpoint``): metadata ``since`` (ARM's server time when the last
run that converged everything began observing) and ``run`` (that run's correlation id).

A record counts only when its name is the hash of the id it holds and its metadata names this
landing zone: a record set a person writes by hand, copies from another zone or edits does not
make lzengine delete anything. Nothing outside Azure is needed, so the next run may come from
another machine or CI runner.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from lzengine.adapters.base import Adapter, at
from lzengine.compile import MANAGED_BY_TAG
from lzengine.control_zone import ControlZone
from lzengine.graph import Node
from lzengine.verified import Checkpoint, iso, parse_iso

RECORD_PREFIX = "own-"
CHECKPOINT_RECORD = "lzengine-checkpoint"
#: a TXT record's strings are at most 255 characters each (RFC 1035 character-string)
TXT_CHUNK = 255
RECORD_TTL_S = 3600
PARALLEL_WRITES = 8


def record_name(arm_id: str) -> str:
    """The record set name for one resource id (case-insensitive, like ARM ids)."""
    return RECORD_PREFIX + hashlib.sha256(arm_id.lower().encode("utf-8")).hexdigest()[:40]


def needs_record(node: Node) -> bool:
    """Whether lzengine must record ``node`` to know later that it created it: everything but
    tagged resource groups and tagged top-level resources, which ARM's tag-filtered lists return.
    Children (even those that take tags, like private DNS zone links) and extension resources are
    not in those lists. A read-only node (an existing hub's) is not lzengine's: never recorded."""
    if node.kind.read_only:
        return False
    tags = node.body.get("tags") if isinstance(node.body, dict) else None
    tagged = isinstance(tags, dict) and tags.get(MANAGED_BY_TAG) == "lzengine"
    return not (tagged and is_listed_top_level(node.arm_id))


def is_listed_top_level(arm_id: str) -> bool:
    """A resource group, or a resource directly in one (``.../providers/NS/type/name``)."""
    head, sep, rest = arm_id.strip("/").partition("/providers/")
    if not sep:
        parts = head.split("/")
        return len(parts) == 4 and parts[2].lower() == "resourcegroups"
    return "/providers/" not in rest and rest.count("/") == 2


def record_body(arm_id: str, arm_type: str, landing_zone: str, desired: str | None = None) -> dict[str, Any]:
    chunks = [arm_id[i:i + TXT_CHUNK] for i in range(0, len(arm_id), TXT_CHUNK)]
    metadata = {"managedby": "lzengine", "zone": landing_zone, "type": arm_type}
    if desired:
        metadata["desired"] = desired
    return {"properties": {
        "ttl": RECORD_TTL_S,
        "metadata": metadata,
        "txtRecords": [{"value": chunks}],
    }}


@dataclass(frozen=True)
class Snapshot:
    """Everything the control zone holds for observation, from one paged list."""

    #: lower-cased id → (id, ARM type, desired hash or "")
    records: dict[str, tuple[str, str, str]]
    checkpoint: Checkpoint | None
    #: ARM's server time when the list was answered (its ``Date`` header), None if unknown
    server_time: float | None


def _record_id(record: dict[str, Any]) -> str | None:
    properties = record.get("properties") or {}
    for entry in properties.get("txtRecords") or properties.get("txt_records") or []:
        value = entry.get("value") if isinstance(entry, dict) else None
        if isinstance(value, list) and value:
            return "".join(str(v) for v in value)
    return None


@dataclass
class Ownership:
    """Reads and writes one landing zone's ownership records."""

    adapter: Adapter
    control: ControlZone

    def __post_init__(self) -> None:
        # the records live in the control zone, in the hub's subscription
        self.adapter = at(self.adapter, self.control.subscription)

    def recorded(self) -> dict[str, tuple[str, str]]:
        """Lower-cased id → (id, ARM type) of every valid record; {} when the zone does not exist."""
        return {key: (arm_id, arm_type) for key, (arm_id, arm_type, _) in
                self._valid(self.adapter.list_txt_records(self.control.resource_group, self.control.name)).items()}

    def snapshot(self) -> Snapshot:
        """The records with their desired hashes, the checkpoint and the server time, in one list."""
        listing = getattr(self.adapter, "list_txt_records_dated", None)
        if listing is not None:
            items, server_time = listing(self.control.resource_group, self.control.name)
        else:  # an adapter that cannot tell ARM's time: no checkpoint can be advanced from this run
            items, server_time = self.adapter.list_txt_records(self.control.resource_group, self.control.name), None
        checkpoint = None
        for record in items:
            if str(record.get("name") or "") == CHECKPOINT_RECORD:
                metadata = (record.get("properties") or {}).get("metadata") or {}
                since = parse_iso(metadata.get("since"))
                if since is not None and metadata.get("zone") == self.control.landing_zone:
                    checkpoint = Checkpoint(since, str(metadata.get("run") or ""))
        return Snapshot(self._valid(items), checkpoint, server_time)

    def advance(self, since: float, run: str) -> None:
        """Write the checkpoint: every resource verified equal to its desired body at ``since``."""
        self.adapter.put_txt_record(self.control.resource_group, self.control.name, CHECKPOINT_RECORD, {
            "properties": {"ttl": RECORD_TTL_S,
                           "metadata": {"managedby": "lzengine", "zone": self.control.landing_zone,
                                        "since": iso(since), "run": run},
                           "txtRecords": [{"value": [f"lzengine verification checkpoint of "
                                                     f"{self.control.landing_zone}"]}]}})

    def _valid(self, items: list[dict[str, Any]]) -> dict[str, tuple[str, str, str]]:
        found: dict[str, tuple[str, str, str]] = {}
        for record in items:
            name = str(record.get("name") or "")
            metadata = (record.get("properties") or {}).get("metadata") or {}
            arm_id = _record_id(record)
            if not name.startswith(RECORD_PREFIX) or arm_id is None:
                continue  # the lock, or something that is not ours
            if name != record_name(arm_id) or metadata.get("managedby") != "lzengine" \
                    or metadata.get("zone") != self.control.landing_zone:
                continue  # hand-made, copied or edited: never a reason to delete anything
            found[arm_id.lower()] = (arm_id, str(metadata.get("type") or ""), str(metadata.get("desired") or ""))
        return found

    def record(self, resources: Iterable[tuple[str, str] | tuple[str, str, str | None]]) -> int:
        """Write a record for each (id, ARM type[, desired hash]); creates the control zone first if
        needed. Returns how many were written."""
        items = list(resources)
        if not items:
            return 0
        self.control.ensure(self.adapter)

        def write(item: tuple[str, ...]) -> None:
            arm_id, arm_type, *desired = item
            self.adapter.put_txt_record(self.control.resource_group, self.control.name, record_name(arm_id),
                                        record_body(arm_id, arm_type, self.control.landing_zone,
                                                    desired[0] if desired else None))

        # record sets of one private zone are written in parallel (independent child resources;
        # [unconfirmed] that Azure never answers a busy zone with a conflict here: a retry would absorb it)
        with ThreadPoolExecutor(max_workers=PARALLEL_WRITES, thread_name_prefix="lz-own") as pool:
            list(pool.map(write, items))
        return len(items)

    def forget(self, arm_ids: Iterable[str]) -> None:
        """Delete the records of resources that are gone."""
        for arm_id in arm_ids:
            self.adapter.delete_txt_record(self.control.resource_group, self.control.name, record_name(arm_id))
