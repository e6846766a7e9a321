"""Plan models of the hub: the platform team's network, firewall, Bastion, DNS, logs and policy.

Who uses it: ``lzengine.plan.models`` (the ``hub:`` key of a plan) and the compiler's hub steps.
A component is switched on by being present (``firewall: {}`` deploys a Standard firewall with
secure defaults); every field has the default a newcomer should get.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Literal

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from lzengine.plan.base import Strict, SubnetSpec, check_cidr, check_subscription, one_or_many, one_or_many_schema
from lzengine.plan.spoke import AiGateway, KeyVault

RESOURCE_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,78}[A-Za-z0-9_]$|^[A-Za-z0-9]$"
Zone = Literal["1", "2", "3"]


class FirewallRule(Strict):
    """One rule of a rule collection: a network rule (addresses and ports) or an application
    rule (FQDNs)."""

    name: str = Field(pattern=RESOURCE_NAME, description="Rule name, unique in its collection.")
    type: Literal["network", "application"] = Field(default="network", description="network or application.")
    sources: list[str] | None = Field(
        default=None, description="Source CIDRs or '*'. Default: the address spaces of every spoke."
    )
    destinations: list[str] = Field(default_factory=list, description="Network rules: destination CIDRs, IPs, '*'.")
    ports: list[str] = Field(default_factory=list, description="Network rules: destination ports or ranges.")
    protocols: list[str] = Field(
        default_factory=list,
        description="Network rules: TCP, UDP, ICMP, Any (default TCP). Application rules: Https:443, Http:80.",
    )
    fqdns: list[str] = Field(default_factory=list, description="Application rules: target FQDNs (wildcards allowed).")
    fqdn_tags: list[str] = Field(
        default_factory=list, description="Application rules: FQDN tags, e.g. AzureKubernetesService."
    )

    @model_validator(mode="after")
    def _complete(self) -> FirewallRule:
        if self.type == "network":
            if self.fqdns or self.fqdn_tags:
                raise ValueError("a network rule takes 'destinations' and 'ports', not 'fqdns' (use type: application)")
            if not self.destinations or not self.ports:
                raise ValueError("a network rule needs at least one 'destinations' entry and one 'ports' entry")
            bad = [p for p in self.protocols if p not in ("TCP", "UDP", "ICMP", "Any")]
            if bad:
                raise ValueError(f"network rule protocols are TCP, UDP, ICMP or Any, not {', '.join(bad)}")
        else:
            if self.destinations or self.ports:
                raise ValueError("an application rule takes 'fqdns', not 'destinations'/'ports'")
            if not self.fqdns and not self.fqdn_tags:
                raise ValueError("an application rule needs at least one of 'fqdns' or 'fqdn_tags' "
                                 "(Azure rejects the whole rule collection group otherwise)")
            for protocol in self.protocols:
                kind, _, port = protocol.partition(":")
                if kind not in ("Http", "Https", "Mssql") or not port.isdigit():
                    raise ValueError(f"application rule protocol {protocol!r} must look like Https:443 or Http:80")
        return self


class RuleCollection(Strict):
    name: str = Field(pattern=RESOURCE_NAME)
    priority: int = Field(ge=100, le=65000, description="Lower runs first, 100 to 65000.")
    action: Literal["Allow", "Deny"] = "Allow"
    rules: list[FirewallRule] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_type(self) -> RuleCollection:
        if len({r.type for r in self.rules}) > 1:
            raise ValueError("a rule collection holds rules of one type; split network and application rules")
        return self


class RuleCollectionGroup(Strict):
    name: str = Field(pattern=RESOURCE_NAME, description="Rule collection group name.")
    priority: int = Field(ge=100, le=65000, description="Groups run in priority order: network 200, application 300.")
    collections: list[RuleCollection] = Field(min_length=1)


class Firewall(Strict):
    """Azure Firewall with a firewall policy; its private IP becomes every spoke's default route."""

    sku: Literal["Basic", "Standard", "Premium"] = Field(default="Standard", description="Firewall tier.")
    threat_intel: Literal["Alert", "Deny", "Off"] = Field(default="Alert", description="Threat intelligence mode.")
    zones: list[Zone] = Field(default_factory=lambda: ["1", "2", "3"], description="Availability zones.")
    dns_proxy: bool | None = Field(
        default=None,
        description="The firewall's DNS proxy: spoke VNets then use the firewall's private IP as their DNS server "
        "and resolve the hub-linked private DNS zones through it (the Azure landing zone pattern). Default: on "
        "for Standard and Premium; Basic has no DNS proxy.",
    )
    platform_egress: bool = Field(
        default=True,
        description="Add the rule collection group 'rcg-platform-egress' that lets workloads reach what their "
        "Azure services need (Azure Monitor, Entra ID, Azure Resource Manager, Cognitive Services management) "
        "by service tag; false, or a group of that name in rule_collection_groups, replaces it.",
    )
    platform_fqdn_tags: list[str] = Field(
        default_factory=list,
        description="FQDN tags added to rcg-platform-egress for the platform's own machines, e.g. WindowsUpdate "
        "and WindowsDiagnostics for Windows VMs the platform runs (lzengine's jump box is Linux and needs none).",
    )
    rule_collection_groups: list[RuleCollectionGroup] = Field(default_factory=list)

    @model_validator(mode="after")
    def _basic_limits(self) -> Firewall:
        if self.sku == "Basic" and self.threat_intel == "Deny":
            raise ValueError("a Basic firewall supports threat intelligence in Alert mode only")
        if self.sku == "Basic" and self.dns_proxy:
            raise ValueError("a Basic firewall has no DNS proxy: use sku: Standard or Premium, or dns_proxy: false")
        return self

    @property
    def proxies_dns(self) -> bool:
        """Whether the firewall's DNS proxy is on (the default for Standard and Premium)."""
        return self.sku != "Basic" if self.dns_proxy is None else self.dns_proxy


class Bastion(Strict):
    sku: Literal["Basic", "Standard"] = Field(default="Basic", description="Basic or Standard.")
    scale_units: int = Field(default=2, ge=2, le=50, description="Instances; only Standard can go above 2.")

    @model_validator(mode="after")
    def _basic_fixed(self) -> Bastion:
        if self.sku == "Basic" and self.scale_units != 2:
            raise ValueError("a Basic Bastion has exactly 2 scale units; use sku: Standard to scale")
        return self


#: Marketplace images a jump box may name by alias: (publisher, offer, sku), version "latest".
#: Gen2 SKUs, as Trusted Launch needs.
JUMP_BOX_IMAGES: dict[str, tuple[str, str, str]] = {
    "ubuntu-24_04-lts": ("Canonical", "ubuntu-24_04-lts", "server"),
    "ubuntu-22_04-lts": ("Canonical", "0001-com-ubuntu-server-jammy", "22_04-lts-gen2"),
    "debian-12": ("Debian", "debian-12", "12-gen2"),
}
#: Linux admin names Azure refuses (osProfile.adminUsername).
RESERVED_ADMIN_NAMES = {"admin", "administrator", "root", "guest", "user", "test", "adm", "sys", "support",
                        "owner", "azureadmin", "a", "actuser", "backup", "console", "david", "user1", "user2",
                        "user3", "user4", "user5", "test1", "test2", "test3", "aspnet", "server", "sql", "sa",
                        "admin1", "admin2"}


class JumpBox(Strict):
    """A Linux VM in the hub for administrators, reached through Bastion only: no public IP, a NIC
    in the hub subnet ``snet-jumpbox``, a system-assigned managed identity, boot diagnostics and
    its metrics to the hub workspace."""

    size: str = Field(default="Standard_B2s", pattern=r"^Standard_[A-Za-z0-9_]+$", description="VM size.")
    image: str = Field(
        default="ubuntu-24_04-lts",
        description=f"Image alias ({', '.join(JUMP_BOX_IMAGES)}) or publisher:offer:sku:version.",
    )
    admin_username: str = Field(default="azureuser", pattern=r"^[a-z_][a-z0-9_-]{0,31}$",
                                description="Local admin account name.")
    ssh_public_key: str | None = Field(
        default=None,
        description="OpenSSH public key of the admin (password sign-in is then off). Without one, a random "
        "password is generated at create time, never shown, logged or reported, and Entra ID login is on.",
    )
    entra_login: bool | None = Field(
        default=None,
        description="Install the Entra ID login extension (AADSSHLoginForLinux), so people sign in with their "
        "Entra account through Bastion. Default: on when there is no ssh_public_key.",
    )
    os_disk_type: Literal["Premium_LRS", "StandardSSD_LRS", "Standard_LRS"] = "StandardSSD_LRS"
    zone: Zone | None = Field(default=None, description="Availability zone, or none.")
    monitoring_agent: bool | None = Field(
        default=None,
        description="Install the Azure Monitor agent (AzureMonitorLinuxAgent, authenticating with the VM's "
        "system-assigned managed identity) and associate a data collection rule sending the guest's syslog and "
        "performance counters to the hub workspace. Default: on when the hub has log_analytics; false leaves "
        "them out.",
    )

    @field_validator("image")
    @classmethod
    def _image(cls, value: str) -> str:
        if value in JUMP_BOX_IMAGES or (value.count(":") == 3 and all(value.split(":"))):
            return value
        raise ValueError(f"use an alias ({', '.join(JUMP_BOX_IMAGES)}) or publisher:offer:sku:version")

    @field_validator("admin_username")
    @classmethod
    def _admin(cls, value: str) -> str:
        if value in RESERVED_ADMIN_NAMES:
            raise ValueError(f"Azure does not allow {value!r} as an admin name; azureuser is the default")
        return value

    @field_validator("ssh_public_key")
    @classmethod
    def _key(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("ssh-rsa ", "ssh-ed25519 ", "ecdsa-sha2-nistp")):
            raise ValueError("an OpenSSH public key starts with ssh-rsa, ssh-ed25519 or ecdsa-sha2-nistp")
        return value

    @property
    def image_reference(self) -> dict[str, str]:
        if self.image in JUMP_BOX_IMAGES:
            publisher, offer, sku = JUMP_BOX_IMAGES[self.image]
            return {"publisher": publisher, "offer": offer, "sku": sku, "version": "latest"}
        publisher, offer, sku, version = self.image.split(":")
        return {"publisher": publisher, "offer": offer, "sku": sku, "version": version}

    @property
    def uses_entra_login(self) -> bool:
        return self.ssh_public_key is None if self.entra_login is None else self.entra_login


class LogAnalytics(Strict):
    """The hub workspace: every diagnostic setting and Application Insights send data here."""

    sku: Literal["PerGB2018", "CapacityReservation"] = "PerGB2018"
    retention_days: int = Field(default=30, ge=30, le=730)
    daily_quota_gb: float | None = Field(default=10, gt=0, description="Daily cap in GB; null for none.")


class PrivateDns(Strict):
    zones: list[str] | None = Field(
        default=None,
        description="Private DNS zones to host. Default: exactly those the spokes' private endpoints need.",
    )
    zone_groups_by_policy: bool = Field(
        default=False,
        description="true when platform DeployIfNotExists policy writes the private endpoints' DNS zone "
        "groups: lzengine then neither creates nor removes them.",
    )
    spoke_links: bool | None = Field(
        default=None,
        description="Link every zone to every spoke VNet too. Default: false when the hub firewall's DNS proxy is "
        "on (spokes resolve through it, and the zones are linked to the hub VNet only, so links do not grow with "
        "spokes x zones), else true. Links no longer wanted are removed by 'apply --prune'.",
    )

    @field_validator("zones")
    @classmethod
    def _zone_names(cls, value: list[str] | None) -> list[str] | None:
        for zone in value or []:
            labels = zone.split(".")
            if zone != zone.lower() or len(labels) < 2 or not all(labels) or len(zone) > 253:
                raise ValueError(f"{zone!r} is not a lower-case DNS zone name such as privatelink.openai.azure.com")
        return value


class PolicyAssignment(Strict):
    """A built-in policy assigned to the landing zone's resource groups."""

    definition: str = Field(
        description="A built-in by short name (e.g. allowed-locations), by GUID, or a full policy definition id."
    )
    name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
                             description="Assignment name (default: derived from the definition).")
    display_name: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict, description="Definition parameters, by name.")
    effect: str | None = Field(default=None, description="Value of the definition's 'effect' parameter.")
    scope: str = Field(
        default="zone",
        description="zone (every resource group of the plan), hub, spokes, subscription, one spoke's name, or "
        "management_group:<group id> (an existing management group: governs every subscription below it).",
    )
    enforce: bool = Field(default=True, description="false assigns it in DoNotEnforce mode (report only).")


class PolicyDefinitionFiles(Strict):
    """Custom policy definitions and initiatives from files, created at one scope: the hub's
    subscription, or a management group (as Azure landing zones keep them, at the intermediate root
    group, so every subscription below it can assign them)."""

    path: str = Field(description="A path or glob relative to the plan's folder, e.g. policies/alz/*.json.")
    scope: str = Field(
        default="subscription",
        description="subscription (the hub's), or management_group:<group id> (an existing group: the "
        "definitions can be assigned at that group and at every group and subscription below it).",
    )

    @field_validator("scope")
    @classmethod
    def _scope(cls, value: str) -> str:
        group = value.removeprefix("management_group:")
        if value == "subscription" or (group != value and _MANAGEMENT_GROUP.fullmatch(group)):
            return value
        raise ValueError("use subscription or management_group:<group id> (up to 90 letters, digits, '-', '_', "
                         "'(', ')' and '.', not ending with '.')")

    @property
    def management_group(self) -> str | None:
        return self.scope.removeprefix("management_group:") if self.scope != "subscription" else None


#: a management group id as Azure accepts it
_MANAGEMENT_GROUP = re.compile(r"[A-Za-z0-9_().-]{0,89}[A-Za-z0-9_()-]")


class Route(Strict):
    name: str = Field(pattern=RESOURCE_NAME)
    prefix: str = Field(description="Destination CIDR, e.g. 0.0.0.0/0.")
    next_hop: str = Field(
        default="firewall",
        description="firewall (the hub firewall's private IP), Internet, None, VnetLocal, or an IPv4 address.",
    )

    @field_validator("prefix")
    @classmethod
    def _cidr(cls, value: str) -> str:
        return check_cidr(value)

    @field_validator("next_hop")
    @classmethod
    def _hop(cls, value: str) -> str:
        if value in ("firewall", "Internet", "None", "VnetLocal"):
            return value
        try:
            ipaddress.IPv4Address(value)
        except ValueError:
            raise ValueError("use firewall, Internet, None, VnetLocal or an IPv4 address") from None
        return value


class RouteTable(Strict):
    name: str = Field(
        pattern=r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$", description="Short name; the table is rt-<prefix>-<name>."
    )
    routes: list[Route] = Field(default_factory=list)
    bgp_propagation: bool = Field(default=False, description="Propagate gateway routes (off: the UDRs win).")


class HubAiGateway(AiGateway):
    """One central API Management AI gateway in the hub for the spokes' model deployments (see the
    spoke's ``ai_gateway`` for what it consists of). The hub has no Application Insights: its
    ``app_insights`` stays off."""

    spokes: list[str] | None = Field(
        default=None, description="Spokes whose model deployments it fronts. Default: every spoke with 'ai'.",
    )


class CentralApp(Strict):
    """One spoke's web app published through the central Application Gateway, by host name."""

    spoke: str = Field(description="The spoke whose app_service this listener serves.")
    host_name: str = Field(pattern=r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
                           description="Host name clients use, e.g. chat.contoso.example.")
    certificate_secret_id: str | None = Field(
        default=None, description="Key Vault secret id of the listener's TLS certificate (HTTPS on 443); "
        "without it HTTP on 80.",
    )
    certificate: str | None = Field(
        default=None, pattern=r"^[0-9A-Za-z-]{1,127}$",
        description="Name of a certificate in the hub's key_vault (HTTPS on 443): the gateway gets a user-assigned "
        "identity with Key Vault Secrets User on that vault.",
    )


class CentralAppGateway(Strict):
    """A WAF_v2 Application Gateway in the hub, run by the platform team, publishing several spokes'
    web apps: one listener, backend pool, probe and rule per app, chosen by host name."""

    min_capacity: int = Field(default=2, ge=0, le=125)
    max_capacity: int = Field(default=10, ge=2, le=125)
    zones: list[Zone] = Field(default_factory=lambda: ["1", "2", "3"])
    waf_mode: Literal["Prevention", "Detection"] = "Prevention"
    rule_set_version: Literal["3.2", "3.1"] = "3.2"
    identity_id: str | None = Field(
        default=None, description="User-assigned identity id that may read the certificates from Key Vault."
    )
    apps: list[CentralApp] = Field(min_length=1, description="The spokes' apps it publishes.")


#: Shape of an ARM resource id of one type: subscription GUID, resource group, provider type, name.
def _id_pattern(provider_type: str) -> str:
    namespace, kind = provider_type.split("/")
    return (rf"^/subscriptions/[0-9a-fA-F-]{{36}}/resourceGroups/[-\w().]+/providers/{re.escape(namespace)}/"
            rf"{kind}/[^/]+$")


VNET_ID = _id_pattern("Microsoft.Network/virtualNetworks")
FIREWALL_ID = _id_pattern("Microsoft.Network/azureFirewalls")
DNS_ZONE_ID = _id_pattern("Microsoft.Network/privateDnsZones")
WORKSPACE_ID = _id_pattern("Microsoft.OperationalInsights/workspaces")
RESOURCE_GROUP_ID = r"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[-\w().]+$"


def _check_id(value: str, pattern: str, example: str) -> str:
    if not re.fullmatch(pattern, value, flags=re.IGNORECASE):
        raise ValueError(f"{value!r} is not an id of the expected shape, e.g. {example}")
    return value


class ExistingHub(Strict):
    """A hub the platform team already runs: lzengine reads these resources and never writes
    them, except the hub side of each spoke's peering and the links of the hub's private DNS
    zones to the spoke VNets (each can be left to the platform)."""

    virtual_network_id: str = Field(description="ARM id of the hub VNet.")
    firewall_private_ip: str | None = Field(
        default=None, description="Private IP of the hub firewall (or an NVA): the spokes' default route.")
    firewall_id: str | None = Field(
        default=None, description="ARM id of the hub's Azure Firewall; its private IP is read from it.")
    private_dns_zone_ids: dict[str, str] | None = Field(
        default=None, description="Private DNS zone ids by zone name, e.g. privatelink.openai.azure.com: <id>.")
    private_dns_resource_group_id: str | None = Field(
        default=None, description="ARM id of the resource group that holds the privatelink zones by their names.")
    log_analytics_workspace_id: str | None = Field(
        default=None, description="ARM id of the Log Analytics workspace diagnostics go to.")
    peering: Literal["lzengine", "platform"] = Field(
        default="lzengine", description="Who creates the hub side of each spoke's peering: lzengine (needs "
        "Network Contributor on the hub VNet) or platform (lzengine writes only the spoke side).")
    dns_links: Literal["lzengine", "platform"] = Field(
        default="lzengine", description="Who links the hub's private DNS zones to the spoke VNets: lzengine (needs "
        "Private DNS Zone Contributor on the zones) or platform.")

    @field_validator("virtual_network_id")
    @classmethod
    def _vnet(cls, value: str) -> str:
        return _check_id(value, VNET_ID, "/subscriptions/<guid>/resourceGroups/<rg>/providers/"
                         "Microsoft.Network/virtualNetworks/<name>")

    @field_validator("firewall_id")
    @classmethod
    def _firewall(cls, value: str | None) -> str | None:
        return value if value is None else _check_id(
            value, FIREWALL_ID, "/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Network/"
            "azureFirewalls/<name>")

    @field_validator("firewall_private_ip")
    @classmethod
    def _ip(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ipaddress.IPv4Address(value)
            except ValueError:
                raise ValueError(f"{value!r} is not an IPv4 address") from None
        return value

    @field_validator("private_dns_zone_ids")
    @classmethod
    def _zones(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        for zone, zone_id in (value or {}).items():
            _check_id(zone_id, DNS_ZONE_ID, "/subscriptions/<guid>/resourceGroups/<rg>/providers/"
                      "Microsoft.Network/privateDnsZones/" + zone)
            if zone_id.rsplit("/", 1)[-1].lower() != zone.lower():
                raise ValueError(f"the id given for {zone!r} names zone {zone_id.rsplit('/', 1)[-1]!r}")
        return value

    @field_validator("private_dns_resource_group_id")
    @classmethod
    def _dns_group(cls, value: str | None) -> str | None:
        return value if value is None else _check_id(value, RESOURCE_GROUP_ID,
                                                     "/subscriptions/<guid>/resourceGroups/<rg>")

    @field_validator("log_analytics_workspace_id")
    @classmethod
    def _workspace(cls, value: str | None) -> str | None:
        return value if value is None else _check_id(
            value, WORKSPACE_ID, "/subscriptions/<guid>/resourceGroups/<rg>/providers/"
            "Microsoft.OperationalInsights/workspaces/<name>")

    @model_validator(mode="after")
    def _one_of_each(self) -> ExistingHub:
        if self.firewall_private_ip is not None and self.firewall_id is not None:
            raise ValueError("give either firewall_private_ip or firewall_id, not both")
        if self.private_dns_zone_ids is not None and self.private_dns_resource_group_id is not None:
            raise ValueError("give either private_dns_zone_ids or private_dns_resource_group_id, not both")
        return self

    @property
    def has_firewall(self) -> bool:
        return self.firewall_private_ip is not None or self.firewall_id is not None

    def zone_id(self, zone: str) -> str | None:
        """The id of the hub's private DNS zone ``zone``, or None when the plan names none."""
        if self.private_dns_zone_ids is not None:
            return next((i for z, i in self.private_dns_zone_ids.items() if z.lower() == zone.lower()), None)
        if self.private_dns_resource_group_id is not None:
            return f"{self.private_dns_resource_group_id}/providers/Microsoft.Network/privateDnsZones/{zone}"
        return None


class Hub(Strict):
    """The platform team's hub network and shared services."""

    subscription: str | None = Field(
        default=None,
        description="Subscription id (GUID) the hub lives in, e.g. the connectivity subscription. Default: the "
        "plan's subscription. The control zone (run lock, ownership records) lives here too.",
    )
    resource_group: str | None = Field(
        default=None, description="Resource group name (default rg-<prefix>-hub; with 'existing', the "
        "resource group of lzengine's control zone, default rg-<prefix>-lzengine).")
    existing: ExistingHub | None = Field(
        default=None, description="A hub the platform already runs, by resource ids: read, never written "
        "(except the hub side of peerings and the DNS zone links). Excludes address_space, subnets, firewall, "
        "bastion, log_analytics, private_dns.zones, route_tables and hub-scoped policy assignments.")
    address_space: list[str] = Field(
        default_factory=list, description="CIDR blocks of the hub VNet (required unless 'existing').",
        json_schema_extra=one_or_many_schema, validate_default=True,
    )
    subnets: list[SubnetSpec] = Field(
        default_factory=list,
        description="Hub subnets. AzureFirewallSubnet and AzureBastionSubnet are added (a /26 each) when "
        "a firewall or Bastion is declared and they are not listed.",
    )
    firewall: Firewall | None = Field(default=None, description="Azure Firewall; `firewall: {}` for the defaults.")
    bastion: Bastion | None = Field(default=None, description="Azure Bastion; `bastion: {}` for the defaults.")
    log_analytics: LogAnalytics | None = Field(
        default=None, description="The Log Analytics workspace all diagnostics go to; `log_analytics: {}`."
    )
    private_dns: PrivateDns = Field(default_factory=PrivateDns)
    jump_box: JumpBox | None = Field(
        default=None, description="A jump box VM in the hub, reached through Bastion; `jump_box: {}` for the defaults."
    )
    route_tables: list[RouteTable] = Field(
        default_factory=list,
        description="Route tables. With a firewall, 'egress' (0.0.0.0/0 to the firewall) exists by default.",
    )
    key_vault: KeyVault | None = Field(
        default=None, description="The platform's vault (e.g. for gateway certificates); `key_vault: {}`.")
    policy_assignments: list[PolicyAssignment] | None = Field(
        default=None,
        description="Policy assignments. Default: the AI landing zone set on every spoke resource group; "
        "[] for none.",
    )
    ai_gateway: HubAiGateway | None = Field(
        default=None, description="A central API Management AI gateway for the spokes' models (platform-owned).",
    )
    app_gateway: CentralAppGateway | None = Field(
        default=None, description="A central Application Gateway publishing the spokes' apps (platform-owned), "
        "instead of a gateway per spoke.",
    )
    policy_definitions: list[str | PolicyDefinitionFiles] = Field(
        default_factory=list,
        description="Custom policy definitions and initiatives as code: JSON files in Azure's format, paths or "
        "globs relative to the plan's folder (e.g. policies/*.json), created at the hub's subscription; or "
        "{path: ..., scope: management_group:<id>} to create them at a management group. Each is assigned by "
        "its name like a built-in. lzengine's own initiative 'lzengine-ai-guardrails' needs no file.",
    )
    #: the custom definitions the loader read for ``policy_definitions`` (lzengine.plan.policy_files)
    _custom_policies: list[Any] = PrivateAttr(default_factory=list)

    @property
    def custom_policies(self) -> list[Any]:
        """The custom policy definitions of the plan's files (``policy_files.CustomPolicy``)."""
        return self._custom_policies

    @field_validator("address_space", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return one_or_many(value)

    @field_validator("address_space")
    @classmethod
    def _valid_space(cls, value: list[str]) -> list[str]:
        return [check_cidr(c) for c in value]

    @field_validator("address_space", mode="after")
    @classmethod
    def _space_unless_existing(cls, value: list[str], info: ValidationInfo) -> list[str]:
        # 'existing' is declared before 'address_space', so it is in info.data when it validated
        if not value and "existing" in info.data and info.data["existing"] is None:
            raise PydanticCustomError("missing", "Field required")
        return value

    @field_validator("subscription")
    @classmethod
    def _valid_subscription(cls, value: str | None) -> str | None:
        return check_subscription(value)
