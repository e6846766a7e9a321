"""$filter on the generic lists, as the SDK's resources.list / resource_groups.list send it."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError

from lzengine.emulator.listfilter import compile_filter


def test_tag_type_and_name_filters_through_the_sdk(clients) -> None:
    rg = clients.resource.resource_groups
    rg.create_or_update("rg-a", {"location": "eastus", "tags": {"zone": "one"}})
    rg.create_or_update("rg-b", {"location": "eastus", "tags": {"zone": "two"}})
    network = clients.network
    for name, tags in (("pip-one", {"zone": "one"}), ("pip-two", {"zone": "two"})):
        network.public_ip_addresses.begin_create_or_update(
            "rg-a", name, {"location": "eastus", "sku": {"name": "Standard"}, "tags": tags,
                           "properties": {"publicIPAllocationMethod": "Static"}}).result()
    groups = [g.name for g in rg.list(filter="tagName eq 'zone' and tagValue eq 'one'")]
    assert groups == ["rg-a"]
    listed = [r.name for r in clients.resource.resources.list(filter="tagName eq 'ZONE' and tagValue eq 'two'")]
    assert listed == ["pip-two"]  # tag names ignore case, values do not
    typed = clients.resource.resources.list(filter="resourceType eq 'microsoft.network/publicipaddresses'")
    assert sorted(r.name for r in typed) == ["pip-one", "pip-two"]
    assert [r.name for r in clients.resource.resources.list(filter="substringof('two', name)")] == ["pip-two"]
    with pytest.raises(HttpResponseError) as caught:
        list(clients.resource.resources.list(filter="tags/zone eq 'one'"))
    assert caught.value.status_code == 400 and caught.value.error.code == "InvalidFilterInQueryString"


@pytest.mark.parametrize(
    ("expression", "item", "expected"),
    [
        ("location eq 'East US'", {"location": "eastus"}, True),
        ("resourceGroup eq 'RG-A'", {"id": "/subscriptions/s/resourceGroups/rg-a/providers/X/y/z"}, True),
        ("resourceGroup eq 'rg-a'", {"id": "/subscriptions/s/resourceGroups/rg-b/providers/X/y/z"}, False),
        ("tagName eq 'a'", {"tags": {"A": "1"}}, True),
        ("tagName eq 'a' and tagValue eq '1'", {"tags": {"a": "2"}}, False),
        ("name eq 'it''s'", {"name": "it's"}, True),
    ],
)
def test_filter_clauses(expression: str, item: dict, expected: bool) -> None:
    assert compile_filter(expression)(item) is expected
