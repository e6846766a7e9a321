"""The compiler's secure defaults and references, checked on the full landing zone plan."""

from __future__ import annotations

import textwrap

from lzengine import ids
from lzengine.compile import compile_plan
from lzengine.plan import addresses, load_plan, load_plan_text
from lzengine.plan.naming import NAME_RULES
from lzengine.refs import Ref, find
from tests.plan.helpers import REPO, SUBSCRIPTION, compiled

FULL = REPO / "plans" / "ai-landing-zone.yaml"
MULTI = REPO / "plans" / "multi-spoke.yaml"


def kinds(graph, name):
    return [n for n in graph if n.kind.name == name]


def test_every_runtime_reference_is_a_dependency() -> None:
    for plan_file in (FULL, MULTI):
        graph = compiled(plan_file)
        for node in graph:
            for ref in find(node.body):
                assert ref.address in node.depends_on and ref.address in graph.nodes, node.address


def test_spoke_subnets_egress_through_the_firewall_except_the_gateway_subnet() -> None:
    graph = compiled(FULL)
    # each spoke has its own copy (below); the hub's serves only the hub's jump box subnet
    users = [n.address for n in graph if n.kind.name == "subnet" and "hub.route_table.egress" in n.depends_on]
    assert users == ["hub.subnet.snet-jumpbox"]
    table = graph.nodes["spokes.chat.route_table.egress"]
    assert table.owner == "platform"
    assert ids.parse(table.arm_id).resource_group == ids.parse(graph.nodes["spokes.chat.vnet"].arm_id).resource_group
    (route,) = table.body["properties"]["routes"]
    assert route["properties"]["addressPrefix"] == "0.0.0.0/0"
    assert route["properties"]["nextHopType"] == "VirtualAppliance"
    assert isinstance(route["properties"]["nextHopIpAddress"], Ref)
    assert {"hub.firewall", "hub.firewall_policy.rcg.rcg-network"} <= table.depends_on
    for node in kinds(graph, "subnet"):
        if not node.address.startswith("spokes."):
            continue
        has_route = "routeTable" in node.body["properties"]
        assert has_route == (not node.address.endswith(("snet-agw", "snet-apim"))), node.address
        if has_route:
            assert node.body["properties"]["routeTable"]["id"] == table.arm_id


def test_nsg_on_every_subnet_that_may_have_one() -> None:
    graph = compiled(FULL)
    for node in kinds(graph, "subnet"):
        name = ids.parse(node.arm_id).name.lower()
        has_nsg = "networkSecurityGroup" in node.body["properties"]
        assert has_nsg == (name not in {"azurefirewallsubnet", "gatewaysubnet"}), node.address
    bastion_nsg = graph.nodes["hub.nsg.AzureBastionSubnet"]
    assert any(r["name"] == "AllowGatewayManagerInbound" for r in bastion_nsg.body["properties"]["securityRules"])


def test_peering_both_ways() -> None:
    graph = compiled(MULTI)
    for spoke in ("chat", "search", "data"):
        to_hub = graph.nodes[f"spokes.{spoke}.peering.to_hub"]
        from_hub = graph.nodes[f"spokes.{spoke}.peering.from_hub"]
        assert to_hub.body["properties"]["remoteVirtualNetwork"]["id"].endswith("vnet-fab-hub")
        assert from_hub.body["properties"]["remoteVirtualNetwork"]["id"].endswith(f"vnet-fab-{spoke}")
        assert from_hub.owner == "platform" and to_hub.owner != "platform"


def test_ai_and_search_are_private_and_keyless_behind_private_endpoints() -> None:
    graph = compiled(FULL)
    ai = graph.nodes["spokes.chat.ai"].body
    assert ai["properties"]["publicNetworkAccess"] == "Disabled" and ai["properties"]["disableLocalAuth"] is True
    search = graph.nodes["spokes.chat.search"].body
    assert search["properties"]["publicNetworkAccess"] == "disabled" and search["properties"]["disableLocalAuth"]
    for component, zones in (("ai", 3), ("search", 1), ("app_service", 1)):
        pep = graph.nodes[f"spokes.chat.{component}.pep"]
        assert pep.body["properties"]["subnet"]["id"].endswith("/subnets/snet-pep")
        group = graph.nodes[f"spokes.chat.{component}.pep.dns"]
        assert len(group.body["properties"]["privateDnsZoneConfigs"]) == zones


def test_web_app_is_hardened_and_reads_a_secret_connection_string() -> None:
    graph = compiled(FULL)
    props = graph.nodes["spokes.chat.app_service.app"].body["properties"]
    assert props["httpsOnly"] is True and props["publicNetworkAccess"] == "Disabled"
    assert props["virtualNetworkSubnetId"].endswith("/subnets/snet-app") and props["vnetRouteAllEnabled"]
    config = props["siteConfig"]
    assert config["minTlsVersion"] == "1.2" and config["ftpsState"] == "Disabled"
    setting = next(s for s in config["appSettings"] if s["name"] == "APPLICATIONINSIGHTS_CONNECTION_STRING")
    assert setting["value"] == Ref("spokes.chat.monitoring.app_insights", "properties.ConnectionString", secret=True)
    gateway = graph.nodes["spokes.chat.app_gateway"]
    pool = gateway.body["properties"]["backendAddressPools"][0]["properties"]["backendAddresses"][0]["fqdn"]
    assert pool == f"{ids.parse(graph.nodes['spokes.chat.app_service.app'].arm_id).name}.azurewebsites.net"
    assert gateway.body["properties"]["sku"]["tier"] == "WAF_v2"


def test_diagnostics_on_every_supporting_resource_to_the_hub_workspace() -> None:
    graph = compiled(FULL)
    workspace = graph.nodes["hub.log_analytics"].arm_id
    targets = {"virtual_network", "azure_firewall", "bastion_host", "application_gateway", "cognitive_account",
               "search_service", "web_app", "network_security_group"}
    for node in graph:
        if node.kind.name in targets:
            setting = graph.nodes[f"{node.address}.diagnostics"]
            assert setting.arm_id.startswith(node.arm_id + "/providers/Microsoft.Insights/diagnosticSettings/")
            assert setting.body["properties"]["workspaceId"] == workspace


def test_default_policy_set_lands_on_every_spoke_and_roles_on_owned_groups() -> None:
    graph = compiled(MULTI)
    policies = [n for n in kinds(graph, "policy_assignment")]
    assert {ids.parse(n.arm_id).resource_group for n in policies} == {"rg-fab-chat", "rg-fab-search", "rg-fab-data"}
    roles = {n.address: n for n in kinds(graph, "role_assignment")}
    assert "role.platform.hub.aaaaaaaa-0000-0000-0000-000000000001" in roles
    assert "role.data-team.data.dddddddd-0000-0000-0000-000000000005" in roles
    assert roles["role.data-team.data.dddddddd-0000-0000-0000-000000000005"].body["properties"][
        "roleDefinitionId"].endswith("acdd72a7-3385-48ef-bd42-f606fba81ae7")
    app_role = roles["spokes.chat.app_service.role.ai"]
    assert app_role.body["properties"]["principalId"] == Ref("spokes.chat.app_service.app", "identity.principalId")


def test_globally_unique_names_carry_a_stable_subscription_hash() -> None:
    plan = load_plan(FULL)
    a = compile_plan(plan, SUBSCRIPTION).nodes["spokes.chat.search"].arm_id
    b = compile_plan(plan, "11111111-1111-1111-1111-111111111111").nodes["spokes.chat.search"].arm_id
    assert a != b and a == compile_plan(plan, SUBSCRIPTION).nodes["spokes.chat.search"].arm_id
    assert NAME_RULES["search_service"].problem(ids.parse(a).name) is None


def test_referenceable_addresses_are_exactly_the_compiled_resources() -> None:
    governance = ("diagnostic_setting", "policy_assignment", "role_assignment", "private_dns_zone_link",
                  "private_dns_zone_group", "network_security_group", "metric_alert", "action_group",
                  "application_insights", "cognitive_deployment", "firewall_rule_collection_group", "public_ip",
                  "policy_definition", "policy_set_definition", "virtual_machine_extension",
                  # children of a Foundry project and of an AI gateway: nothing should wait on them
                  "cognitive_project_connection", "apim_backend", "apim_api", "apim_api_operation", "apim_api_policy",
                  "apim_logger", "apim_diagnostic", "private_dns_a_record")
    for plan_file in (FULL, MULTI):
        plan = load_plan(plan_file)
        graph = compile_plan(plan, SUBSCRIPTION)
        known = set(addresses.referenceable(plan))
        assert known <= set(graph.nodes)
        missing = {a for a, n in graph.nodes.items() if a not in known and n.kind.name not in governance}
        assert missing == set()


def test_raw_resource_refs_become_edges() -> None:
    plan = load_plan_text(textwrap.dedent("""\
        name: lz-raw
        location: westeurope
        hub:
          address_space: 10.0.0.0/16
          firewall: {}
          route_tables: [{name: extra, routes: [{name: out, prefix: 0.0.0.0/0}]}]
        resources:
          - type: Microsoft.Network/virtualNetworks/subnets
            name: vnet-lz-raw-hub/snet-extra
            api_version: 2024-05-01
            properties:
              addressPrefix: 10.0.9.0/24
              routeTable: {id: {$ref: hub.route_table.extra, path: id}}
            depends_on: [hub.vnet]
        """))
    graph = compile_plan(plan, SUBSCRIPTION)
    node = graph.nodes["resources.vnet-lz-raw-hub/snet-extra"]
    assert node.kind.by_id and node.kind.api_version == "2024-05-01"
    assert node.arm_id.endswith("/virtualNetworks/vnet-lz-raw-hub/subnets/snet-extra")
    assert {"hub.route_table.extra", "hub.vnet", "hub.resource_group"} <= node.depends_on
    assert "location" not in node.body and "tags" not in node.body


def test_resources_wait_for_the_policy_assignments_over_them() -> None:
    graph = compiled(MULTI)
    assignments = kinds(graph, "policy_assignment")
    assert assignments
    for assignment in assignments:
        scope = assignment.arm_id.rpartition("/providers/Microsoft.Authorization/")[0].lower()
        for node in graph:
            exempt = node.kind.name in ("policy_assignment", "role_assignment") or node.address in \
                graph.ancestors(assignment.address)
            if node.arm_id.lower().startswith(scope + "/") and not exempt:
                assert assignment.address in node.depends_on, (node.address, assignment.address)


def test_the_hub_comes_before_every_spoke_resource() -> None:
    for plan_file in (FULL, MULTI):
        graph = compiled(plan_file)
        for node in graph:
            if node.address.startswith("spokes."):
                assert "hub.resource_group" in graph.ancestors(node.address), node.address
