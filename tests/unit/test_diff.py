"""The diff is left-scoped and normalises ids, locations and declared enums."""

from __future__ import annotations

from lzengine.diff import Action, decide, repairs, writable
from lzengine.kinds import KINDS_BY_NAME
from lzengine.refs import UNKNOWN

VNET = KINDS_BY_NAME["virtual_network"]
SUBNET = KINDS_BY_NAME["subnet"]
RG = KINDS_BY_NAME["resource_group"]

LIVE_VNET = {
    "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v",
    "location": "swedencentral",
    "tags": {"a": "1", "stamped-by-policy": "x"},
    "etag": 'W/"1"',
    "properties": {
        "provisioningState": "Succeeded",
        "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
        "subnets": [{"name": "s1", "properties": {"addressPrefix": "10.0.0.0/24"}}],
    },
}


def test_absent_resource_is_created() -> None:
    change = decide("hub.vnet", "id", VNET, {"location": "x"}, None)
    assert change.action is Action.CREATE


def test_only_declared_fields_count() -> None:
    desired = {"location": "Sweden Central", "tags": {"a": "1"},
               "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
    assert decide("a", "id", VNET, desired, LIVE_VNET).action is Action.NOOP


def test_changed_field_is_an_update_with_before_and_after() -> None:
    desired = {"properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/15"]}}}
    change = decide("a", "id", VNET, desired, LIVE_VNET)
    assert change.action is Action.UPDATE
    (item,) = change.items
    assert (item.path, item.before, item.after) == (
        "properties.addressSpace.addressPrefixes", ["10.0.0.0/16"], ["10.0.0.0/15"])


def test_location_change_forces_replacement() -> None:
    change = decide("a", "id", VNET, {"location": "westeurope"}, LIVE_VNET)
    assert change.action is Action.REPLACE
    assert "location" in change.reason


def test_ignored_paths_never_differ() -> None:
    desired = {"properties": {"subnets": [{"name": "other"}]}}
    assert decide("a", "id", VNET, desired, LIVE_VNET).action is Action.NOOP


def test_ids_compare_case_insensitively() -> None:
    live = {"properties": {"networkSecurityGroup": {"id": "/subscriptions/S/resourceGroups/RG/x"}}}
    desired = {"properties": {"networkSecurityGroup": {"id": "/subscriptions/s/resourcegroups/rg/X"}}}
    assert decide("a", "id", SUBNET, desired, live).action is Action.NOOP


def test_declared_enum_paths_compare_case_insensitively() -> None:
    live = {"properties": {"privateEndpointNetworkPolicies": "Enabled"}}
    desired = {"properties": {"privateEndpointNetworkPolicies": "enabled"}}
    assert decide("a", "id", SUBNET, desired, live).action is Action.NOOP
    other = {"properties": {"addressPrefix": "10.0.0.0/24"}}
    assert decide("a", "id", SUBNET, other, {"properties": {"addressPrefix": "10.0.0.0/25"}}).action is Action.UPDATE


def test_named_lists_match_by_name() -> None:
    kind = RG  # no ignore paths on properties
    live = {"properties": {"rules": [{"name": "b", "v": 2}, {"name": "a", "v": 1}]}}
    assert decide("a", "id", kind, {"properties": {"rules": [{"name": "a", "v": 1}]}}, live).action is Action.NOOP
    change = decide("a", "id", kind, {"properties": {"rules": [{"name": "a", "v": 3}]}}, live)
    assert [i.path for i in change.items] == ["properties.rules[a].v"]


def test_unknown_value_is_a_change() -> None:
    change = decide("a", "id", SUBNET, {"properties": {"addressPrefix": UNKNOWN}}, {"properties": {}})
    assert change.action is Action.UPDATE


def test_booleans_do_not_equal_numbers() -> None:
    change = decide("a", "id", RG, {"properties": {"flag": True}}, {"properties": {"flag": 1}})
    assert change.action is Action.UPDATE


def test_secret_paths_use_the_diff_notation_and_mask_around_them() -> None:
    from lzengine.diff import is_sensitive, secret_paths
    from lzengine.refs import Ref

    body = {"properties": {"siteConfig": {"appSettings": [
        {"name": "PLAIN", "value": "x"},
        {"name": "APPLICATIONINSIGHTS_CONNECTION_STRING", "value": Ref("appi", "properties.ConnectionString", True)},
    ]}}}
    secrets = secret_paths(body)
    path = "properties.siteConfig.appSettings[APPLICATIONINSIGHTS_CONNECTION_STRING].value"
    assert secrets == frozenset({path})
    assert is_sensitive(path, secrets)
    assert is_sensitive("properties.siteConfig.appSettings", secrets)  # a whole-list difference contains it
    assert not is_sensitive("properties.siteConfig.appSettings[PLAIN].value", secrets)


PEERING = KINDS_BY_NAME["virtual_network_peering"]


def _peering(sync_level: str, remote_prefixes: list[str]) -> dict:
    return {"properties": {"remoteVirtualNetwork": {"id": "/x/vnet-hub"}, "peeringSyncLevel": sync_level,
                           "remoteAddressSpace": {"addressPrefixes": remote_prefixes}}}


def test_peering_marked_in_sync_but_showing_an_old_remote_space_is_synced() -> None:
    desired = {"properties": {"remoteVirtualNetwork": {"id": "/x/vnet-hub"},
                              "remoteAddressSpace": {"addressPrefixes": ["10.0.0.0/16", "10.9.0.0/24"]}}}
    change = decide("p", "/x/p", PEERING, desired, _peering("FullyInSync", ["10.0.0.0/16"]))
    assert change.action is Action.UPDATE
    assert repairs(change, PEERING) == {"sync_remote_address_space": "true"}
    sent = writable(desired, PEERING)
    assert "remoteAddressSpace" not in sent["properties"]  # compared, never sent
    assert "remoteAddressSpace" in desired["properties"]  # the desired body is left as it is


def test_peering_with_the_remote_space_and_in_sync_needs_nothing() -> None:
    desired = {"properties": {"remoteVirtualNetwork": {"id": "/x/vnet-hub"},
                              "remoteAddressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}}
    assert decide("p", "/x/p", PEERING, desired, _peering("FullyInSync", ["10.0.0.0/16"])).action is Action.NOOP
    stale = decide("p", "/x/p", PEERING, desired, _peering("LocalNotInSync", ["10.0.0.0/16"]))
    assert repairs(stale, PEERING) == {"sync_remote_address_space": "true"}
