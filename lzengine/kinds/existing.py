"""Read-only kinds: resources of a hub the platform team already runs (``hub.existing``).

Who uses it: ``lzengine.compile.existing_hub`` gives the existing hub's VNet, firewall, private
DNS zones and Log Analytics workspace these kinds; the diff (``lzengine.diff.decide``) never
decides a write for a ``read_only`` kind, ``plan_destroy`` never deletes one, and the reports show
them as existing. They are read through the generic by-id operation of azure-mgmt-resource
(``resources.get_by_id``), which takes the whole id: an existing hub may live in another
subscription than the one the typed clients are bound to. They are not in ``ALL_KINDS``: the
kind looked up by ARM type stays the writable one.
"""

from lzengine.kinds.base import ResourceKind, by_id_kind


def _existing(name: str, arm_type: str, api_version: str) -> ResourceKind:
    return by_id_kind(
        f"existing_{name}", arm_type, api_version,
        read_only=True,
        deadline_s=10 * 60,
    )


KINDS: tuple[ResourceKind, ...] = (
    _existing("virtual_network", "Microsoft.Network/virtualNetworks", "2024-05-01"),
    _existing("azure_firewall", "Microsoft.Network/azureFirewalls", "2024-05-01"),
    _existing("private_dns_zone", "Microsoft.Network/privateDnsZones", "2020-06-01"),
    _existing("log_analytics_workspace", "Microsoft.OperationalInsights/workspaces", "2023-09-01"),
)
