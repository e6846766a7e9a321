"""Deterministic resource names (CAF abbreviations) and Azure's name rules per resource type.

Who uses it: the compiler (every name it writes comes from ``Names``) and ``lzengine.plan.checks``
(which checks each derived or user-given name against ``NAME_RULES`` before any call). Names
of globally unique resources (AI account subdomain, Search, web app) end in a stable hash of the
subscription, landing zone and spoke, so two landing zones never collide and one never moves.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from lzengine.plan.models import Plan

HASH_LENGTH = 6
#: Subscription used when none is known (``lzengine validate``): names keep their length.
PLACEHOLDER_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class NameRule:
    min_length: int
    max_length: int
    pattern: str
    described: str

    def problem(self, name: str) -> str | None:
        """Why ``name`` breaks the rule, or None."""
        if not self.min_length <= len(name) <= self.max_length:
            return f"is {len(name)} characters long; allowed {self.min_length} to {self.max_length}"
        if not re.fullmatch(self.pattern, name):
            return f"breaks the naming rule: {self.described}"
        return None


_NETWORK = NameRule(1, 80, r"[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9_])?",
                    "letters, digits, '_', '.', '-'; start with a letter or digit, end with a letter, digit or '_'")
_ALNUM_DASH = r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"

#: Azure's rules per resource type (lzengine's kind names).
NAME_RULES: dict[str, NameRule] = {
    "resource_group": NameRule(1, 90, r"[-\w().]*[-\w()]", "letters, digits, '_', '-', '.', '(' and ')'; "
                               "not ending with '.'"),
    "virtual_network": NameRule(2, 64, _NETWORK.pattern, _NETWORK.described),
    "subnet": _NETWORK,
    "network_security_group": _NETWORK,
    "route_table": _NETWORK,
    "public_ip": _NETWORK,
    "azure_firewall": _NETWORK,
    "firewall_policy": _NETWORK,
    "firewall_rule_collection_group": _NETWORK,
    "bastion_host": _NETWORK,
    "private_endpoint": NameRule(2, 64, _NETWORK.pattern, _NETWORK.described),
    "virtual_network_peering": _NETWORK,
    "application_gateway": _NETWORK,
    "waf_policy": NameRule(1, 128, _NETWORK.pattern, _NETWORK.described),
    "log_analytics_workspace": NameRule(4, 63, _ALNUM_DASH, "letters, digits and '-'; start and end alphanumeric"),
    "cognitive_account": NameRule(2, 64, _ALNUM_DASH, "letters, digits and '-'; start and end alphanumeric"),
    "cognitive_deployment": NameRule(2, 64, r"[A-Za-z0-9][A-Za-z0-9_.-]*", "letters, digits, '_', '.', '-'"),
    "search_service": NameRule(2, 60, r"[a-z0-9](-?[a-z0-9])*",
                               "lower-case letters, digits and single '-' inside; no upper case"),
    "app_service_plan": NameRule(1, 60, r"[A-Za-z0-9-]+", "letters, digits and '-'"),
    "web_app": NameRule(2, 60, _ALNUM_DASH, "letters, digits and '-'; start and end alphanumeric"),
    "application_insights": NameRule(1, 260, r"[^%&\\?/]*[^%&\\?/. ]", "no % & \\ ? /; not ending in '.' or space"),
    "metric_alert": NameRule(1, 260, r"[^*#&+:<>?@%{}\\/]+", "no * # & + : < > ? @ % { } \\ /"),
    "action_group": NameRule(1, 260, r"[A-Za-z0-9][A-Za-z0-9_.-]*", "letters, digits, '_', '.', '-'"),
    "policy_assignment": NameRule(1, 64, r"[^<>*%&:\\?.+/ ]([^<>*%&:\\?.+/]*[^<>*%&:\\?.+/ ])?",
                                  "no < > * % & : \\ ? . + /"),
    "apim_service": NameRule(1, 50, r"[A-Za-z]([A-Za-z0-9-]*[A-Za-z0-9])?",
                             "letters, digits and '-'; start with a letter, end alphanumeric"),
    "raw": NameRule(1, 260, r"[^<>%&:\\?/]+", "no < > % & : \\ ? /"),
    # Key Vault and Storage: global names (the plan checks the rules; Azure's checkNameAvailability the rest)
    "key_vault": NameRule(3, 24, r"[A-Za-z](?:[A-Za-z0-9]|-(?!-))*[A-Za-z0-9]",
                          "letters, digits and single '-'; start with a letter, end with a letter or digit"),
    "storage_account": NameRule(3, 24, r"[a-z0-9]+", "lower-case letters and digits only"),
    "user_assigned_identity": NameRule(3, 128, r"[A-Za-z0-9][A-Za-z0-9_-]*", "letters, digits, '-' and '_'"),
}


def stable_hash(*parts: str, length: int = HASH_LENGTH) -> str:
    """A short lower-case hex digest of ``parts``: the same inputs always give the same suffix."""
    return hashlib.sha256("/".join(parts).lower().encode()).hexdigest()[:length]


class Names:
    """Every name the compiler writes, from the plan and the subscription."""

    def __init__(self, plan: Plan, subscription: str = PLACEHOLDER_SUBSCRIPTION):
        self.plan = plan
        self.subscription = subscription
        self.p = plan.prefix

    def _unique(self, abbreviation: str, spoke: str) -> str:
        # the spoke's own subscription: the same as the plan's unless the spoke names another
        subscription = self.plan.spoke_subscription(spoke, self.subscription)
        return f"{abbreviation}-{self.p}-{spoke}-{stable_hash(subscription, self.plan.name, spoke, abbreviation)}"

    # hub ---------------------------------------------------------------------------------------
    def hub_resource_group(self) -> str:
        """The hub's resource group; with an existing hub, the small group of lzengine's own that
        holds the control zone (ownership records and the run lock)."""
        default = f"rg-{self.p}-lzengine" if self.plan.hub.existing is not None else f"rg-{self.p}-hub"
        return self.plan.hub.resource_group or default

    def hub_vnet(self) -> str:
        return f"vnet-{self.p}-hub"

    def nsg(self, vnet_label: str, subnet: str) -> str:
        return f"nsg-{self.p}-{vnet_label}-{subnet}"

    def route_table(self, name: str) -> str:
        return f"rt-{self.p}-{name}"

    def firewall(self) -> str:
        return f"afw-{self.p}-hub"

    def firewall_policy(self) -> str:
        return f"afwp-{self.p}-hub"

    def public_ip(self, what: str) -> str:
        return f"pip-{self.p}-{what}"

    def bastion(self) -> str:
        return f"bas-{self.p}-hub"

    def log_analytics(self) -> str:
        return f"log-{self.p}-hub"

    def dns_link(self, vnet_name: str) -> str:
        return f"link-{vnet_name}"

    # spokes ------------------------------------------------------------------------------------
    def spoke_resource_group(self, spoke: str) -> str:
        found = self.plan.spoke(spoke)
        return (found.resource_group if found and found.resource_group else None) or f"rg-{self.p}-{spoke}"

    def spoke_vnet(self, spoke: str) -> str:
        return f"vnet-{self.p}-{spoke}"

    def spoke_route_table(self, spoke: str, name: str) -> str:
        return f"rt-{self.p}-{spoke}-{name}"

    def peering_to_hub(self, spoke: str) -> str:
        return f"peer-{self.p}-{spoke}-to-hub"

    def peering_from_hub(self, spoke: str) -> str:
        return f"peer-{self.p}-hub-to-{spoke}"

    def ai_account(self, spoke: str, kind: str) -> str:
        return self._unique("oai" if kind == "OpenAI" else "ais", spoke)

    def search(self, spoke: str) -> str:
        return self._unique("srch", spoke)

    def app_service_plan(self, spoke: str) -> str:
        return f"asp-{self.p}-{spoke}"

    def web_app(self, spoke: str) -> str:
        return self._unique("app", spoke)

    def app_gateway(self, spoke: str) -> str:
        return f"agw-{self.p}-{spoke}"

    def waf_policy(self, spoke: str) -> str:
        return f"waf-{self.p}-{spoke}"

    def app_insights(self, spoke: str) -> str:
        return f"appi-{self.p}-{spoke}"

    def action_group(self, spoke: str) -> str:
        return f"ag-{self.p}-{spoke}"

    def metric_alert(self, spoke: str, alert: str) -> str:
        return f"alert-{self.p}-{spoke}-{alert}"

    def ai_gateway(self, owner: str) -> str:
        """API Management service name (global: ``<name>.azure-api.net``); ``owner`` a spoke or 'hub'."""
        return self._unique("apim", owner)

    def central_app_gateway(self) -> str:
        return f"agw-{self.p}-hub"

    def central_waf_policy(self) -> str:
        return f"waf-{self.p}-hub"

    def private_endpoint(self, target_name: str) -> str:
        return f"pep-{target_name}"

    # Key Vault and Storage (global names: a stable hash keeps them unique per subscription and zone)
    def key_vault(self, label: str) -> str:
        """The vault of the hub (``label`` "hub") or of a spoke, unless the plan names it."""
        given = self.plan.hub.key_vault if label == "hub" else getattr(self.plan.spoke(label), "key_vault", None)
        if given is not None and given.name:
            return given.name
        return f"kv-{label[:14].rstrip('-')}-{stable_hash(self.subscription, self.plan.name, label, 'kv')}"

    def storage_account(self, spoke: str) -> str:
        given = getattr(self.plan.spoke(spoke), "storage", None)
        if given is not None and given.name:
            return given.name
        compact = spoke.replace("-", "")[:16]
        return f"st{compact}{stable_hash(self.subscription, self.plan.name, spoke, 'st')}"

    def gateway_identity(self, spoke: str) -> str:
        return f"id-{self.p}-{spoke}-agw"
