"""Which resource types can be observed with one list instead of one GET each, and how.

Who uses it: ``AzureSdkAdapter.list_scope`` / ``list_bodies``, which ``Engine.observe`` calls to
read a whole estate with a few paged lists. Knowledge as data: per ARM type (lower case), the
typed SDK operation that lists every resource of the type in the subscription (no arguments) or
every child of one parent (the parent's id segments as arguments, as in ``id_args``), and the
child types whose full bodies come inline in the listed parent (a VNet's subnets and peerings,
as ARM returns them in ``properties.subnets`` / ``properties.virtualNetworkPeerings``).

Types not here are read with GET: extension resources at a resource's scope (diagnostic
settings), children listed per parent with no saving (a private endpoint's one DNS zone group),
and web apps, whose list answer leaves most of ``siteConfig`` null in Azure (the GET does not).

What else Azure offers was checked, and does not help (so one GET per resource no list returns
would read about 0.34 times per resource of the benchmark's estate, 0.25 of it diagnostic
settings; ``lzengine.verified`` spares those GETs when the Activity Log shows the resource
untouched since the last converged run):

- Diagnostic settings have no list wider than one resource: ``GET {resourceUri}/providers/
  Microsoft.Insights/diagnosticSettings`` returns the settings of that one resource (Monitor
  REST API, Diagnostic Settings - List), as many reads as one GET each when a resource has one
  setting. Azure Resource Graph does not index them: its table reference lists only
  ``microsoft.insights/guestdiagnosticsettings`` and ``datacollectionruleassociations`` under
  Microsoft.Insights besides top-level types (azure-docs, governance/resource-graph/reference/
  supported-tables-resources.md), and users report the gap (Azure-Proactive-Resiliency-Library-v2
  issue 53: "Azure Resource Graph does not have tables for Microsoft.Insights/
  diagnosticSettings"; JimGBritt/AzurePolicy issue 38).
- Resource Graph does not index private endpoint DNS zone groups or Cognitive Services model
  deployments either (same reference), and everything else lzengine reads is already one list
  per type here, so Resource Graph would not lower the count.
- ARM's ``/batch`` endpoint (used by the portal) is undocumented, and its inner requests are
  still requests; it is not used.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ListSpec:
    #: the operation of the kind's operation group that lists the type
    method: str
    #: True: lists the children of one parent (arguments: the parent's id names); False: the
    #: whole subscription (no arguments)
    per_parent: bool = False
    #: (child type, property holding the children's full bodies) returned inline per item
    inline: tuple[tuple[str, str], ...] = ()


LISTS: dict[str, ListSpec] = {
    "microsoft.resources/resourcegroups": ListSpec("list"),
    "microsoft.network/virtualnetworks": ListSpec("list_all", inline=(
        ("microsoft.network/virtualnetworks/subnets", "subnets"),
        ("microsoft.network/virtualnetworks/virtualnetworkpeerings", "virtualNetworkPeerings"),
    )),
    "microsoft.network/networksecuritygroups": ListSpec("list_all"),
    "microsoft.network/routetables": ListSpec("list_all"),
    "microsoft.network/publicipaddresses": ListSpec("list_all"),
    "microsoft.network/privateendpoints": ListSpec("list_by_subscription"),
    "microsoft.network/applicationgateways": ListSpec("list_all"),
    "microsoft.network/applicationgatewaywebapplicationfirewallpolicies": ListSpec("list_all"),
    "microsoft.network/azurefirewalls": ListSpec("list_all"),
    "microsoft.network/firewallpolicies": ListSpec("list_all"),
    "microsoft.network/bastionhosts": ListSpec("list"),
    "microsoft.network/firewallpolicies/rulecollectiongroups": ListSpec("list", per_parent=True),
    "microsoft.network/privatednszones": ListSpec("list"),
    "microsoft.network/privatednszones/virtualnetworklinks": ListSpec("list", per_parent=True),
    "microsoft.cognitiveservices/accounts": ListSpec("list"),
    "microsoft.cognitiveservices/accounts/deployments": ListSpec("list", per_parent=True),
    "microsoft.search/searchservices": ListSpec("list_by_subscription"),
    "microsoft.web/serverfarms": ListSpec("list"),
    "microsoft.insights/components": ListSpec("list"),
    "microsoft.insights/metricalerts": ListSpec("list_by_subscription"),
    "microsoft.operationalinsights/workspaces": ListSpec("list"),
    # every assignment in the subscription, at its own scope or below (resource groups ...)
    "microsoft.authorization/policyassignments": ListSpec("list"),
    "microsoft.authorization/roleassignments": ListSpec("list_for_subscription"),
    # Key Vault and Storage: full bodies per subscription (``vaults.list`` would give generic resources)
    "microsoft.keyvault/vaults": ListSpec("list_by_subscription"),
    "microsoft.storage/storageaccounts": ListSpec("list"),
}

#: child type -> the listed parent type whose items carry it inline
INLINE_IN: dict[str, str] = {child: parent for parent, spec in LISTS.items() for child, _ in spec.inline}
