"""Compiler facts and steps for the platform services an Azure landing zone adds around the hub:
DNS through the firewall's proxy, the platform egress rule collection group, and the jump box.

Who uses it: ``lzengine.compile.hub`` (which rule collection groups the firewall policy gets,
which VNets the private DNS zones are linked to), ``lzengine.compile.network`` (a spoke VNet's
DNS servers, the route tables that wait for the egress rules) and ``lzengine.compile.STEPS``
(``jump_box``).

DNS as the Azure landing zone pattern does it: the firewall's DNS proxy listens on its private
IP, every spoke VNet uses that IP as its DNS server, the firewall forwards to Azure DNS from the
hub, and the private DNS zones are linked to the hub VNet only. So the number of zone links is
the number of zones, not zones times spokes, and a new spoke needs no DNS write in the hub.
"""

from __future__ import annotations

from typing import Any

from lzengine.compile.context import PLATFORM, Context
from lzengine.kinds import KINDS_BY_NAME
from lzengine.plan.hub import FirewallRule, RuleCollection, RuleCollectionGroup
from lzengine.plan.layout import JUMP_BOX_SUBNET
from lzengine.plan.models import Plan
from lzengine.refs import GeneratedSecret, Ref

PLATFORM_EGRESS = "rcg-platform-egress"
PLATFORM_EGRESS_PRIORITY = 150
FIREWALL_PRIVATE_IP = "properties.ipConfigurations.0.properties.privateIPAddress"

#: Service tags (Azure Firewall network rules accept them as destinations) the platform's own
#: services need from behind a deny-by-default firewall, TCP 443 each:
#: - AzureMonitor: diagnostics and the Azure Monitor agent's ingestion;
#: - AzureActiveDirectory: Entra ID sign-in and token requests (managed identities, Entra login);
#: - AzureResourceManager: management calls from workloads and the agent's configuration;
#: - CognitiveServicesManagement: the AI services' management plane (model and quota metadata
#:   the SDKs read); the data plane stays on private endpoints.
#: Names as the Azure service tag list spells them ("Azure IP Ranges and Service Tags").
EGRESS_SERVICE_TAGS: tuple[tuple[str, str], ...] = (
    ("azure-monitor", "AzureMonitor"),
    ("entra-id", "AzureActiveDirectory"),
    ("resource-manager", "AzureResourceManager"),
    ("ai-services-management", "CognitiveServicesManagement"),
)
#: Host names of the Azure Monitor agent's control and ingestion endpoints (the agent's
#: documented firewall requirements) as an application rule, for what the service tag's
#: addresses do not cover when traffic is inspected by name.
MONITOR_AGENT_FQDNS: tuple[str, ...] = (
    "global.handler.control.monitor.azure.com",
    "*.handler.control.monitor.azure.com",
    "*.ods.opinsights.azure.com",
    "*.oms.opinsights.azure.com",
    "*.ingest.monitor.azure.com",
)

#: What the hub's Linux jump box downloads from (by name; no FQDN tag covers Linux): its
#: distribution's Azure mirror for updates (the Azure Ubuntu images point apt at
#: azure.archive.ubuntu.com; Debian's at deb.debian.org) and packages.microsoft.com, where the
#: Entra ID login extension (AADSSHLoginForLinux) installs its package from (Microsoft Learn, "Sign
#: in to a Linux virtual machine in Azure by using Microsoft Entra ID and OpenSSH", required URLs).
#: Azure Firewall's FQDN tags (WindowsUpdate, WindowsDiagnostics, MicrosoftActiveProtectionService,
#: AzureBackup, ...) name Windows and service endpoints none of the platform's machines use, so
#: the group names no tag unless the plan adds some (``firewall.platform_fqdn_tags``, e.g. for
#: Windows VMs the platform runs itself).
JUMP_BOX_FQDNS: dict[str, tuple[str, ...]] = {
    "ubuntu": ("azure.archive.ubuntu.com", "security.ubuntu.com"),
    "debian": ("deb.debian.org", "security.debian.org"),
}
ENTRA_LOGIN_FQDNS = ("packages.microsoft.com",)


#: The Entra ID login extension for Linux VMs (sign-in with an Entra account over SSH, checked
#: against the VM's "Virtual Machine Administrator/User Login" role assignments).
ENTRA_LOGIN_EXTENSION = {"publisher": "Microsoft.Azure.ActiveDirectory", "type": "AADSSHLoginForLinux",
                         "typeHandlerVersion": "1.0", "autoUpgradeMinorVersion": True}
#: The Azure Monitor agent for Linux. With no ``settings`` it authenticates with the VM's
#: system-assigned managed identity (a user-assigned one would be named under
#: ``settings.authentication.managedIdentity``); minor versions and automatic upgrades are the
#: agent's documented way to stay current.
MONITOR_AGENT_EXTENSION = {"publisher": "Microsoft.Azure.Monitor", "type": "AzureMonitorLinuxAgent",
                           "typeHandlerVersion": "1.0", "autoUpgradeMinorVersion": True,
                           "enableAutomaticUpgrade": True}
#: What the jump box's data collection rule collects: syslog of the facilities an administrator
#: host's audit trail lives in (sign-ins, sudo, cron, daemons, kernel) from Warning up, and the
#: guest's CPU, memory, disk and network counters once a minute. Stream names as the Azure
#: Monitor agent's Linux data sources spell them (Microsoft-Syslog, Microsoft-Perf).
SYSLOG_FACILITIES = ("auth", "authpriv", "cron", "daemon", "kern", "syslog", "user")
SYSLOG_LEVELS = ("Warning", "Error", "Critical", "Alert", "Emergency")
PERF_COUNTERS = ("\\Processor(*)\\% Processor Time", "\\Memory(*)\\% Used Memory",
                 "\\Logical Disk(*)\\% Used Space", "\\Network(*)\\Total Bytes")
DCR_DESTINATION = "hub-workspace"
#: Built-in role that lets the platform team sign in to the jump box as administrators.
VM_ADMIN_LOGIN_ROLE = "1c0163c0-47e6-4577-8991-ea5c82e286e4"  # Virtual Machine Administrator Login


def proxies_dns(plan: Plan) -> bool:
    """Whether spokes resolve through the hub firewall's DNS proxy."""
    return plan.hub.firewall is not None and plan.hub.firewall.proxies_dns


def links_spokes(plan: Plan) -> bool:
    """Whether the private DNS zones are linked to every spoke VNet too (see ``PrivateDns.spoke_links``)."""
    declared = plan.hub.private_dns.spoke_links
    return not proxies_dns(plan) if declared is None else declared


def spoke_dns_servers(plan: Plan) -> dict[str, Any] | None:
    """The ``dhcpOptions`` of a spoke VNet: the firewall's private IP (a runtime reference) when
    its DNS proxy is on, else None (Azure-provided DNS)."""
    if not proxies_dns(plan):
        return None
    return {"dnsServers": [Ref("hub.firewall", FIREWALL_PRIVATE_IP)]}


def egress_sources(plan: Plan) -> list[str]:
    """Who may use the platform egress rules: every spoke and the hub (the jump box)."""
    return [*(c for s in plan.spokes for c in s.address_space), *plan.hub.address_space]


def platform_egress_group(plan: Plan) -> RuleCollectionGroup | None:
    """The default rule collection group ``rcg-platform-egress``, or None when the plan turns it
    off (``platform_egress: false``) or declares its own group of that name."""
    fw = plan.hub.firewall
    if fw is None or not fw.platform_egress or any(g.name == PLATFORM_EGRESS for g in fw.rule_collection_groups):
        return None
    sources = egress_sources(plan)
    network = [FirewallRule(name=name, destinations=[tag], ports=["443"], protocols=["TCP"], sources=sources)
               for name, tag in EGRESS_SERVICE_TAGS]
    application = [FirewallRule(name="azure-monitor-agent", type="application", fqdns=list(MONITOR_AGENT_FQDNS),
                                protocols=["Https:443"], sources=sources)]
    jump_box = plan.hub.jump_box
    if jump_box is not None:
        offer = str(jump_box.image_reference.get("offer", "")).lower()
        fqdns = [*next((v for k, v in JUMP_BOX_FQDNS.items() if k in offer), ()),
                 *(ENTRA_LOGIN_FQDNS if jump_box.uses_entra_login else ())]
        if fqdns:  # apt speaks HTTP to the mirrors; the Microsoft repository is HTTPS
            application.append(FirewallRule(name="jump-box-packages", type="application", fqdns=fqdns,
                                            protocols=["Http:80", "Https:443"], sources=list(plan.hub.address_space)))
    if fw.platform_fqdn_tags:
        application.append(FirewallRule(name="platform-fqdn-tags", type="application",
                                        fqdn_tags=list(fw.platform_fqdn_tags), protocols=["Https:443", "Http:80"],
                                        sources=sources))
    return RuleCollectionGroup(name=PLATFORM_EGRESS, priority=PLATFORM_EGRESS_PRIORITY, collections=[
        RuleCollection(name="platform-service-tags", priority=100, rules=network),
        RuleCollection(name="platform-fqdns", priority=200, rules=application),
    ])


def rule_collection_groups(plan: Plan) -> list[RuleCollectionGroup]:
    """Every rule collection group of the hub firewall's policy: the plan's, then the platform's."""
    fw = plan.hub.firewall
    if fw is None:
        return []
    default = platform_egress_group(plan)
    return [*fw.rule_collection_groups, *([default] if default else [])]



def jump_box(ctx: Context) -> None:
    """The hub's jump box: a NIC in ``snet-jumpbox`` with no public IP (declared as null, so one
    attached later is drift), a Linux VM with a system-assigned identity, Trusted Launch and boot
    diagnostics, the Entra ID login extension, and the platform team's admin login role on it.
    The admin credential is the plan's SSH key or a password generated at create time."""
    spec = ctx.plan.hub.jump_box
    if spec is None:
        return
    group = ctx.hub_rg()
    name = f"vm-{ctx.names.p}-jumpbox"
    nic_id = ctx.net_id(group, ("networkInterfaces", f"nic-{name}"))
    subnet = f"hub.subnet.{JUMP_BOX_SUBNET}"
    ip_config = {"name": "ipconfig1", "properties": {
        "subnet": {"id": ctx.hub_subnet_id(JUMP_BOX_SUBNET)}, "privateIPAllocationMethod": "Dynamic",
        "primary": True, "publicIPAddress": None}}
    ctx.add("hub.jump_box.nic", KINDS_BY_NAME["network_interface"], nic_id,
            ctx.located(properties={"ipConfigurations": [ip_config]}), {subnet, "hub.resource_group"})
    linux: dict[str, Any] = {"disablePasswordAuthentication": spec.ssh_public_key is not None,
                             "provisionVMAgent": True}
    os_profile: dict[str, Any] = {"computerName": name[:64], "adminUsername": spec.admin_username,
                                  "linuxConfiguration": linux}
    if spec.ssh_public_key is not None:
        linux["ssh"] = {"publicKeys": [{"path": f"/home/{spec.admin_username}/.ssh/authorized_keys",
                                        "keyData": spec.ssh_public_key}]}
    else:
        os_profile["adminPassword"] = GeneratedSecret()
    props: dict[str, Any] = {
        "hardwareProfile": {"vmSize": spec.size},
        "storageProfile": {
            "imageReference": spec.image_reference,
            "osDisk": {"createOption": "FromImage", "deleteOption": "Delete",
                       "managedDisk": {"storageAccountType": spec.os_disk_type}},
        },
        "osProfile": os_profile,
        "networkProfile": {"networkInterfaces": [{"id": nic_id, "properties": {"primary": True}}]},
        "securityProfile": {"securityType": "TrustedLaunch",
                            "uefiSettings": {"secureBootEnabled": True, "vTpmEnabled": True}},
        "diagnosticsProfile": {"bootDiagnostics": {"enabled": True}},  # managed storage: no account
    }
    body = ctx.located(identity={"type": "SystemAssigned"}, properties=props)
    if spec.zone is not None:
        body["zones"] = [spec.zone]
    vm_id = ctx.res_id(group, "Microsoft.Compute", ("virtualMachines", name))
    ctx.add("hub.jump_box", KINDS_BY_NAME["virtual_machine"], vm_id, body, {"hub.jump_box.nic"})
    workspace_id = ctx.log_analytics_id()
    if spec.monitoring_agent is not False and workspace_id is not None:
        _monitoring_agent(ctx, vm_id, f"dcr-{ctx.names.p}-jumpbox", workspace_id)
    if not spec.uses_entra_login:
        return
    ctx.add("hub.jump_box.entra_login", KINDS_BY_NAME["virtual_machine_extension"],
            f"{vm_id}/extensions/AADSSHLoginForLinux", ctx.located(properties=dict(ENTRA_LOGIN_EXTENSION)),
            {"hub.jump_box"})
    team = ctx.plan.teams.get(PLATFORM)
    for principal in team.principals if team else []:
        ctx.add(f"hub.jump_box.role.{principal}", KINDS_BY_NAME["role_assignment"],
                f"{vm_id}/providers/Microsoft.Authorization/roleAssignments/{_role_name(vm_id, principal)}",
                {"properties": {"roleDefinitionId": f"/subscriptions/{ctx.subscription}/providers/"
                                f"Microsoft.Authorization/roleDefinitions/{VM_ADMIN_LOGIN_ROLE}",
                                "principalId": principal, "principalType": team.principal_type}},  # type: ignore[union-attr]
                {"hub.jump_box"})


def _role_name(scope: str, principal: str) -> str:
    import uuid

    return str(uuid.uuid5(uuid.UUID("5b0d3c1e-6f1a-4c59-9a57-6c7a0d1f2e40"), f"{scope.lower()}|{principal}|vm-login"))


def _monitoring_agent(ctx: Context, vm_id: str, rule_name: str, workspace_id: str) -> None:
    """The jump box's Azure Monitor agent, the data collection rule that tells it what to send to
    the hub workspace, and the association of the rule with the VM (an extension resource on it)."""
    ctx.add("hub.jump_box.monitoring_agent", KINDS_BY_NAME["virtual_machine_extension"],
            f"{vm_id}/extensions/AzureMonitorLinuxAgent", ctx.located(properties=dict(MONITOR_AGENT_EXTENSION)),
            {"hub.jump_box"})
    rule_id = ctx.res_id(ctx.hub_rg(), "Microsoft.Insights", ("dataCollectionRules", rule_name))
    rule = ctx.located(kind="Linux", properties={
        "description": "The hub jump box's syslog and performance counters, to the hub workspace.",
        "dataSources": {
            "syslog": [{"name": "syslog", "streams": ["Microsoft-Syslog"], "facilityNames": list(SYSLOG_FACILITIES),
                        "logLevels": list(SYSLOG_LEVELS)}],
            "performanceCounters": [{"name": "perf", "streams": ["Microsoft-Perf"], "samplingFrequencyInSeconds": 60,
                                     "counterSpecifiers": list(PERF_COUNTERS)}],
        },
        "destinations": {"logAnalytics": [{"name": DCR_DESTINATION, "workspaceResourceId": workspace_id}]},
        "dataFlows": [{"streams": ["Microsoft-Syslog", "Microsoft-Perf"], "destinations": [DCR_DESTINATION]}],
    })
    ctx.add("hub.jump_box.dcr", KINDS_BY_NAME["data_collection_rule"], rule_id, rule,
            {"hub.resource_group", "hub.log_analytics"})
    ctx.add("hub.jump_box.dcr_association", KINDS_BY_NAME["data_collection_rule_association"],
            f"{vm_id}/providers/Microsoft.Insights/dataCollectionRuleAssociations/{rule_name}",
            {"properties": {"dataCollectionRuleId": rule_id,
                            "description": "The jump box's Azure Monitor agent sends what this rule collects."}},
            {"hub.jump_box", "hub.jump_box.dcr"})
