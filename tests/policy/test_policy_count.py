"""``count`` expressions: field count with and without ``where``, nesting, value count, ``current()``."""

from __future__ import annotations

import pytest
from _policy_support import check, evaluator, make_resource
from hypothesis import given
from hypothesis import strategies as st

from lzengine.policy import TemplateError

RULES = "Microsoft.Network/networkSecurityGroups/securityRules[*]"


def rule(name: str, access: str, direction: str, port: str | None = None, ports: list[str] | None = None) -> dict:
    props: dict = {"access": access, "direction": direction, "priority": 100, "sourceAddressPrefix": "*"}
    if port is not None:
        props["destinationPortRange"] = port
    if ports is not None:
        props["destinationPortRanges"] = ports
    return {"name": name, "properties": props}


NSG = make_resource(
    "Microsoft.Network/networkSecurityGroups",
    "nsg",
    tags={"env": "prod"},
    properties={
        "securityRules": [
            rule("allow-rdp", "Allow", "Inbound", port="3389"),
            rule("allow-web", "Allow", "Inbound", ports=["80", "443", "8000-8100"]),
            rule("deny-all", "Deny", "Inbound", port="*"),
        ]
    },
)


def count(where: dict | None = None, field: str = RULES) -> dict:
    c: dict = {"field": field}
    if where is not None:
        c["where"] = where
    return c


def test_field_count_without_where_counts_members() -> None:
    assert check({"count": count(), "equals": 3}, NSG)
    assert check({"count": count(field=f"{RULES}.destinationPortRanges[*]"), "equals": 3}, NSG)
    empty = make_resource("Microsoft.Network/networkSecurityGroups", "e", properties={"securityRules": []})
    assert check({"count": count(), "equals": 0}, empty)
    missing = make_resource("Microsoft.Network/networkSecurityGroups", "m", properties={})
    assert check({"count": count(), "equals": 0}, missing)
    other_type = make_resource("Microsoft.Network/routeTables", "rt", properties={"securityRules": [{}]})
    assert check({"count": count(), "equals": 0}, other_type)


def test_field_count_with_where_sees_one_member_at_a_time() -> None:
    allow_inbound = {
        "allOf": [
            {"field": f"{RULES}.access", "equals": "allow"},
            {"field": f"{RULES}.direction", "equals": "Inbound"},
        ]
    }
    assert check({"count": count(allow_inbound), "equals": 2}, NSG)
    assert check({"count": count({"field": f"{RULES}.destinationPortRange", "in": ["*", "3389"]}), "equals": 2}, NSG)
    # conditions outside the array see the whole resource
    assert check({"count": count({"field": "tags.env", "equals": "prod"}), "equals": 3}, NSG)
    # a [*] inside the counted member is still ANDed over that member's own array
    assert check({"count": count({"field": f"{RULES}.destinationPortRanges[*]", "notEquals": "22"}), "equals": 3}, NSG)


def test_nested_count() -> None:
    has_port_443 = {
        "count": {
            "field": f"{RULES}.destinationPortRanges[*]",
            "where": {"field": f"{RULES}.destinationPortRanges[*]", "equals": "443"},
        },
        "greater": 0,
    }
    assert check({"count": count(has_port_443), "equals": 1}, NSG)


def test_current_and_field_inside_where() -> None:
    port_range_contains_8080 = {
        "value": (
            f"[if(contains(current('{RULES}.destinationPortRanges[*]'), '-'), "
            f"and(lessOrEquals(int(first(split(current('{RULES}.destinationPortRanges[*]'), '-'))), 8080), "
            f"greaterOrEquals(int(last(split(current('{RULES}.destinationPortRanges[*]'), '-'))), 8080)), "
            f"equals(current('{RULES}.destinationPortRanges[*]'), '8080'))]"
        ),
        "equals": True,
    }
    inner = {"count": {"field": f"{RULES}.destinationPortRanges[*]", "where": port_range_contains_8080}, "greater": 0}
    assert check({"count": count(inner), "equals": 1}, NSG)
    # field() of the counted alias returns a one-member array; first() unwraps it
    same = {"field": f"{RULES}.access", "equals": f"[first(field('{RULES}.access'))]"}
    assert check({"count": count(same), "equals": 3}, NSG)
    wrapped = {"value": f"[field('{RULES}.access')]", "equals": f"[createArray(current('{RULES}.access'))]"}
    assert check({"count": count(wrapped), "equals": 3}, NSG)
    assert check({"count": count({"value": "[current().name]", "like": "allow-*"}), "equals": 2}, NSG)


def test_documented_address_prefix_example() -> None:
    vnet = make_resource(
        "Microsoft.Network/virtualNetworks",
        "v",
        properties={"addressSpace": {"addressPrefixes": ["10.0.0.0/24", "10.1.0.0/16"]}},
    )
    prefixes = "Microsoft.Network/virtualNetworks/addressSpace.addressPrefixes[*]"
    outside = {
        "count": {
            "field": prefixes,
            "where": {"value": f"[ipRangeContains('10.0.0.0/24', current('{prefixes}'))]", "equals": False},
        },
        "greater": 0,
    }
    assert check(outside, vnet)
    approved = {
        "count": {
            "field": prefixes,
            "where": {
                "count": {
                    "value": "[parameters('approved')]",
                    "name": "approvedPrefix",
                    "where": {
                        "value": f"[ipRangeContains(current('approvedPrefix'), current('{prefixes}'))]",
                        "equals": True,
                    },
                },
                "equals": 0,
            },
        },
        "greater": 0,
    }
    assert not check(approved, vnet, {"approved": ["10.0.0.0/8"]})
    assert check(approved, vnet, {"approved": ["10.0.0.0/16"]})


def test_value_count() -> None:
    app = make_resource("Microsoft.Web/sites", "prefix2_app")
    patterns = {
        "count": {
            "value": ["prefix1_*", "prefix2_*"],
            "name": "pattern",
            "where": {"field": "name", "like": "[current('pattern')]"},
        },
        "greater": 0,
    }
    assert check(patterns, app)
    anonymous = {
        "count": {"value": "[parameters('p')]", "where": {"field": "name", "like": "[current()]"}},
        "equals": 1,
    }
    assert check(anonymous, app, {"p": ["x*", "*app", "nope"]})
    assert check({"count": {"value": [1, 2, 3]}, "equals": 3}, app)
    objects = {
        "count": {
            "value": "[parameters('rules')]",
            "name": "r",
            "where": {"value": "[current('r').port]", "greater": 100},
        },
        "equals": 1,
    }
    assert check(objects, app, {"rules": [{"port": 22}, {"port": 3389}]})


def test_reserved_nsg_rules_example_with_nested_value_and_field_count() -> None:
    reserved = [
        {"access": "allow", "direction": "inbound", "destinationPortRange": "3389"},
        {"access": "deny", "direction": "inbound", "destinationPortRange": "*"},
    ]
    expression = {
        "count": {
            "value": "[parameters('reserved')]",
            "name": "reservedRule",
            "where": {
                "count": {
                    "field": RULES,
                    "where": {
                        "allOf": [
                            {"field": f"{RULES}.access", "equals": "[current('reservedRule').access]"},
                            {"field": f"{RULES}.direction", "equals": "[current('reservedRule').direction]"},
                            {
                                "field": f"{RULES}.destinationPortRange",
                                "equals": "[current('reservedRule').destinationPortRange]",
                            },
                        ]
                    },
                },
                "equals": 1,
            },
        },
        "equals": "[length(parameters('reserved'))]",
    }
    assert check(expression, NSG, {"reserved": reserved})
    assert not check(expression, NSG, {"reserved": [*reserved, {"access": "allow", "direction": "outbound"}]})


def test_value_count_iteration_limit() -> None:
    app = make_resource("Microsoft.Web/sites", "a")
    with pytest.raises(TemplateError):
        check({"count": {"value": "[range(0, 101)]"}, "equals": 0}, app)
    nested = {
        "count": {
            "value": "[range(0, 11)]",
            "name": "outer",
            "where": {
                "count": {"value": "[range(0, 10)]", "name": "inner", "where": {"value": 1, "equals": 1}},
                "equals": 10,
            },
        },
        "equals": 11,
    }
    with pytest.raises(TemplateError):  # 11 x 10 iterations
        check(nested, app)
    assert check(
        {"count": {"value": "[range(0, 100)]", "where": {"value": "[current()]", "less": 50}}, "equals": 50}, app
    )


def test_count_errors() -> None:
    app = make_resource("Microsoft.Web/sites", "a")
    with pytest.raises(TemplateError):
        check({"count": {"value": "not-an-array"}, "equals": 0}, app)
    with pytest.raises(TemplateError):
        check({"count": {"field": "Microsoft.Web/sites/httpsOnly"}, "equals": 0}, app)
    with pytest.raises(TemplateError):
        evaluator(app).test({"value": "[current('x')]", "equals": 1})


@given(st.lists(st.sampled_from(["Allow", "Deny", "allow"]), max_size=8))
def test_count_where_equals_python_count(accesses: list[str]) -> None:
    nsg = make_resource(
        "Microsoft.Network/networkSecurityGroups",
        "n",
        properties={"securityRules": [rule(f"r{i}", a, "Inbound") for i, a in enumerate(accesses)]},
    )
    expected = sum(a.lower() == "allow" for a in accesses)
    assert check({"count": count({"field": f"{RULES}.access", "equals": "Allow"}), "equals": expected}, nsg)
    # "all members allow" via count == length, and via a plain [*] condition, agree
    all_allow = {
        "count": count({"field": f"{RULES}.access", "equals": "Allow"}),
        "equals": f"[length(field('{RULES}'))]",
    }
    assert check(all_allow, nsg) == check({"field": f"{RULES}.access", "equals": "Allow"}, nsg)
