"""One adapter, many subscriptions: clients per subscription built lazily, each call routed by
the subscription in its id, views that address another subscription with the same clients."""

from __future__ import annotations

from lzengine.adapters.azure_sdk import RESOURCES_CLIENT, AzureSdkAdapter, Connection, StaticTokenCredential
from lzengine.adapters.base import at, subscriptions_of
from lzengine.kinds import KINDS_BY_NAME

A = "aaaaaaaa-0000-4000-8000-000000000001"
B = "bbbbbbbb-0000-4000-8000-000000000002"
VNET_B = f"/subscriptions/{B}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"


def adapter() -> AzureSdkAdapter:
    return AzureSdkAdapter(Connection(A, StaticTokenCredential("t"), base_url="https://127.0.0.1:9"))


def test_clients_are_per_subscription_and_shared_by_views() -> None:
    root = adapter()
    view = root.for_subscription(B)
    assert view is not root and view.subscription_id == B and root.subscription_id == A
    assert root.for_subscription(A.upper()) is root
    mine, theirs = root.client(RESOURCES_CLIENT), view.client(RESOURCES_CLIENT)
    assert mine is not theirs
    assert mine._config.subscription_id == A and theirs._config.subscription_id == B
    assert root.client(RESOURCES_CLIENT, B) is theirs  # one set per subscription, whoever asks
    # a resource's operation goes to the clients of the subscription in its id
    operation = root._operation(KINDS_BY_NAME["virtual_network"], "get", VNET_B)
    assert operation.__self__._config.subscription_id == B
    view.close()  # a view leaves closing to the adapter it came from
    assert root.client(RESOURCES_CLIENT) is mine
    root.close()


def test_subscription_wide_lists_are_one_per_subscription() -> None:
    root = adapter()
    kind = KINDS_BY_NAME["virtual_network"]
    vnet_a = VNET_B.replace(B, A)
    assert root.list_scope(kind, vnet_a) != root.list_scope(kind, VNET_B)
    assert root.list_scope(kind, VNET_B).endswith(f"|/subscriptions/{B}")
    subnet = KINDS_BY_NAME["subnet"]
    assert root.list_scope(subnet, f"{VNET_B}/subnets/s") == root.list_scope(kind, VNET_B)  # inline in the VNet


class _Fake:
    subscription_id = A


def test_at_and_subscriptions_of() -> None:
    fake = _Fake()
    assert at(fake, B) is fake and at(fake, None) is fake  # an adapter with one subscription only
    assert subscriptions_of([VNET_B, "/providers/Microsoft.Management/managementGroups/mg"], A) == sorted([A, B])
