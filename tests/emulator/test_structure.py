"""The emulator's structure: one place per resource type, no type-string dispatch, resource groups
through the generic CRUD, computed types through their handler.

The first two tests read the code (the registry's provider modules, the emulator's source); the
others talk to a real emulator over HTTPS.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from lzengine.emulator import Emulator, registry
from tests.emulator.conftest import NET_API, RG_API, Arm, Clients, FakeClock

EMULATOR = Path(registry.__file__).parent
#: hooks that give a stored type behaviour (a type with one of these needs its own registry row)
STORED_HOOKS = ("validate", "after_put", "check_removal", "before_delete", "on_removed", "render")


def test_every_provider_module_declares_rows_next_to_its_handlers() -> None:
    seen: dict[str, str] = {}
    for module in registry.PROVIDERS:
        assert isinstance(module.SPECS, list) and isinstance(module.HANDLERS, dict), module.__name__
        for spec in module.SPECS:
            assert spec.lower not in seen, f"{spec.type} declared by {seen.get(spec.lower)} and {module.__name__}"
            seen[spec.lower] = module.__name__
        for key, handler in module.HANDLERS.items():
            if any(getattr(handler, hook) is not None for hook in STORED_HOOKS):
                assert key.lower() in seen, f"{module.__name__} gives {key} behaviour but declares no row for it"
                assert seen[key.lower()] == module.__name__, f"{key}: row in {seen[key.lower()]}, handler elsewhere"
    assert registry.lookup("Microsoft.Network/virtualNetworks").type == "Microsoft.Network/virtualNetworks"
    assert registry.HANDLERS.lookup("microsoft.network/virtualnetworks").validate is not None


def _type_literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and "/" in node.value \
        and node.value.lower().startswith("microsoft.")


def test_no_type_string_comparisons_in_the_emulator() -> None:
    """Behaviour is chosen through the registry and the handler table, never by comparing a type with a
    ``"Microsoft.X/y"`` literal (``==``, ``!=``, ``in (...)``, ``startswith``)."""
    found = []
    for path in sorted(EMULATOR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
                literals = [o for o in operands if _type_literal(o)]
                literals += [e for o in operands if isinstance(o, ast.Tuple | ast.List | ast.Set) for e in o.elts
                             if _type_literal(e)]
                if literals:
                    found.append(f"{path.name}:{node.lineno}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("startswith", "endswith") and any(_type_literal(a) for a in node.args):
                found.append(f"{path.name}:{node.lineno}")
    assert found == []


def test_resource_group_delete_is_one_operation_and_blocks_writes(make_emu: Callable[..., Emulator]) -> None:
    clock = FakeClock()
    arm = Arm(make_emu(time_scale=1.0, clock=clock))
    arm.make_rg("rgd")
    first = arm.delete(arm.rg("rgd"), api=RG_API)
    assert first.status_code == 202
    again = arm.delete(arm.rg("rgd"), api=RG_API)  # a second DELETE answers the operation already running
    assert (again.status_code, again.headers["Location"]) == (202, first.headers["Location"])
    for path in (arm.rg("rgd"), arm.rg("rgd", "/providers/Microsoft.Network/virtualNetworks/v")):
        r = arm.put(path, {"location": "eastus"}, api=RG_API if path.endswith("rgd") else NET_API)
        assert (r.status_code, r.json()["error"]["code"]) == (409, "ResourceGroupBeingDeleted"), path
    assert arm.get(first.headers["Location"], api=None).status_code == 202
    clock.advance(11)
    assert arm.get(first.headers["Location"], api=None).status_code == 200
    gone = arm.get(arm.rg("rgd"), api=RG_API)
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, "ResourceGroupNotFound")


def test_resource_group_rules_from_its_row_and_handler(arm: Arm) -> None:
    bad = arm.put(arm.rg("bad.name."), {"location": "eastus"}, api=RG_API)
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "InvalidResourceGroupName")
    made = arm.put(arm.rg("rg1"), {"location": "West US", "tags": {"team": "a"}, "extra": 1}, api=RG_API)
    assert made.status_code == 201 and set(made.json()) == {"id", "name", "type", "location", "tags", "properties"}
    moved = arm.put(arm.rg("rg1"), {"location": "eastus"}, api=RG_API)
    assert (moved.status_code, moved.json()["error"]["code"]) == (409, "InvalidResourceGroupLocation")
    arm.make_rg("rg2")
    listed = arm.get(arm.sub("/resourcegroups?$filter=tagName eq 'team'"), api=RG_API).json()["value"]
    assert [g["name"] for g in listed] == ["rg1"]


def test_security_assessments_are_computed_by_their_handler(arm: Arm) -> None:
    arm.make_rg()
    vnet = arm.rg("rg1", "/providers/Microsoft.Network/virtualNetworks/v")
    body = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": [
        {"name": "app", "properties": {"addressPrefix": "10.0.1.0/24"}},
        {"name": "GatewaySubnet", "properties": {"addressPrefix": "10.0.2.0/24"}}]}}
    assert arm.put(vnet, body).status_code == 201

    def status(subnet: str) -> list[str]:
        r = arm.get(f"{vnet}/subnets/{subnet}/providers/Microsoft.Security/assessments", api="2020-01-01")
        assert r.status_code == 200, r.text
        return [a["properties"]["status"]["code"] for a in r.json()["value"]]

    assert status("app") == ["Unhealthy"]
    assert status("GatewaySubnet") == ["NotApplicable"]


def test_the_readme_example_type_nat_gateways(clients: Clients) -> None:
    """The README's "adding a resource type" example is true of the code: a NAT gateway has its row and
    its handler in rp_network (defaults filled, the subnets that use it rendered)."""
    net = clients.network
    clients.resource.resource_groups.create_or_update("rg1", {"location": "eastus"})
    nat = net.nat_gateways.begin_create_or_update("rg1", "nat1", {"location": "eastus"}).result()
    assert (nat.sku.name, nat.idle_timeout_in_minutes, nat.provisioning_state) == ("Standard", 4, "Succeeded")
    assert nat.resource_guid and nat.subnets is None
    net.virtual_networks.begin_create_or_update("rg1", "v", {
        "location": "eastus", "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": [
            {"name": "app", "properties": {"addressPrefix": "10.0.1.0/24", "natGateway": {"id": nat.id}}}]}}).result()
    again = net.nat_gateways.get("rg1", "nat1")
    assert [s.id.rsplit("/", 1)[-1] for s in again.subnets] == ["app"] and again.resource_guid == nat.resource_guid
