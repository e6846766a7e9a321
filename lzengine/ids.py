"""ARM resource ids: build, parse and compare them.

Who uses it: the compiler (to give every node a deterministic id), the kinds (to map an id to
the positional arguments of a typed SDK operation), the diff (ids compare case-insensitively)
and the executor (per-parent write locks).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ArmId:
    """A parsed ARM id.

    ``segments`` holds the (type, name) pairs after the provider namespace, e.g.
    ``(("virtualNetworks", "vnet-hub"), ("subnets", "AzureFirewallSubnet"))``.
    """

    subscription: str
    resource_group: str | None
    namespace: str | None
    segments: tuple[tuple[str, str], ...]

    @property
    def type(self) -> str:
        """``Microsoft.Network/virtualNetworks/subnets`` style type; RGs are Microsoft.Resources."""
        if self.namespace is None:
            return "Microsoft.Resources/resourceGroups" if self.resource_group else "Microsoft.Resources/subscriptions"
        return "/".join([self.namespace, *[t for t, _ in self.segments]])

    @property
    def name(self) -> str:
        if self.segments:
            return self.segments[-1][1]
        return self.resource_group or self.subscription

    def names(self) -> dict[str, str]:
        """Name per segment type, lower-cased keys: {'resourcegroups': rg, 'virtualnetworks': v, ...}."""
        out: dict[str, str] = {}
        if self.resource_group is not None:
            out["resourcegroups"] = self.resource_group
        for seg_type, seg_name in self.segments:
            out[seg_type.lower()] = seg_name
        return out

    @property
    def parent(self) -> ArmId | None:
        """The id this resource lives under: its parent resource, else its resource group."""
        if len(self.segments) > 1:
            return ArmId(self.subscription, self.resource_group, self.namespace, self.segments[:-1])
        if self.segments:
            return ArmId(self.subscription, self.resource_group, None, ())
        if self.resource_group is not None:
            return ArmId(self.subscription, None, None, ())
        return None

    def __str__(self) -> str:
        out = f"/subscriptions/{self.subscription}"
        if self.resource_group is not None:
            out += f"/resourceGroups/{self.resource_group}"
        if self.namespace is not None:
            out += f"/providers/{self.namespace}"
            for seg_type, seg_name in self.segments:
                out += f"/{seg_type}/{seg_name}"
        return out


def resource_group_id(subscription: str, name: str) -> str:
    return f"/subscriptions/{subscription}/resourceGroups/{name}"


def resource_id(subscription: str, resource_group: str, namespace: str, *segments: tuple[str, str]) -> str:
    return str(ArmId(subscription, resource_group, namespace, tuple(segments)))


def parse(arm_id: str) -> ArmId:
    """Parse a subscription, resource-group or resource id (no extension scopes yet)."""
    parts = [p for p in arm_id.strip("/").split("/") if p]
    if len(parts) < 2 or parts[0].lower() != "subscriptions":
        raise ValueError(f"not an ARM id: {arm_id!r}")
    subscription = parts[1]
    rest = parts[2:]
    resource_group = None
    if rest[:1] and rest[0].lower() == "resourcegroups":
        if len(rest) < 2:
            raise ValueError(f"not an ARM id: {arm_id!r}")
        resource_group = rest[1]
        rest = rest[2:]
    namespace = None
    segments: list[tuple[str, str]] = []
    if rest:
        if rest[0].lower() != "providers" or len(rest) < 4 or len(rest) % 2:
            raise ValueError(f"not an ARM id: {arm_id!r}")
        namespace = rest[1]
        pairs = rest[2:]
        segments = [(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
    return ArmId(subscription, resource_group, namespace, tuple(segments))


def subscription_of(arm_id: str) -> str | None:
    """The subscription an id (or scope, or request path) lies in, or None for ids above
    subscriptions (management groups, tenant-wide providers). Works for extension resources too."""
    parts = arm_id.strip("/").split("/", 2)
    if len(parts) >= 2 and parts[0].lower() == "subscriptions" and parts[1]:
        return parts[1].split("?", 1)[0]
    return None


MANAGEMENT_GROUP_PREFIX = "/providers/Microsoft.Management/managementGroups/"


def management_group_of(arm_id: str) -> str | None:
    """The management group an id starts at (``/providers/Microsoft.Management/managementGroups/
    {group}/...``: a policy assignment at that group), or None."""
    parts = arm_id.strip("/").split("/")
    if len(parts) >= 4 and parts[0].lower() == "providers" and parts[1].lower() == "microsoft.management" \
            and parts[2].lower() == "managementgroups" and parts[3]:
        return parts[3]
    return None


def parse_name(arm_id: str) -> str:
    """The last segment of any id (extension resources included)."""
    return arm_id.rstrip("/").rsplit("/", 1)[-1]


def same(a: str, b: str) -> bool:
    """ARM ids compare case-insensitively."""
    return a.strip("/").lower() == b.strip("/").lower()


def looks_like_id(value: object) -> bool:
    return isinstance(value, str) and value.lower().startswith("/subscriptions/")
