"""Every kind the compiler emits names a real operation of the installed typed SDK, with the
positional arguments its ``id_args`` (plus scope, or the whole id) produce."""

from __future__ import annotations

import importlib
import inspect

import pytest

from lzengine.kinds import ALL_KINDS, generic_kind
from lzengine.kinds.network import NETWORK_API
from lzengine.kinds.network_components import NETWORK_API as COMPONENTS_API

KINDS = [*ALL_KINDS, generic_kind("Microsoft.Storage/storageAccounts", "2023-05-01")]


def operation_class(kind):
    module_name, class_name = kind.client.split(":")
    client_class = getattr(importlib.import_module(module_name), class_name)
    prop = getattr(client_class, kind.operations, None)
    if isinstance(prop, property):  # multi-api packages pick the class per api-version
        source = inspect.getsource(prop.fget)
        version = kind.api_version.replace("-", "_")
        module = importlib.import_module(f"{module_name}.v{version}.operations")
        name = source.split("import ")[-1].split(" as ")[0].strip()
        return getattr(module, name)
    ops = importlib.import_module(f"{module_name}.operations")
    source = inspect.getsource(client_class.__init__)
    name = source.split(f"self.{kind.operations} = ")[1].split("(")[0]
    return getattr(ops, name)


def positional(method) -> list[str]:
    params = list(inspect.signature(method).parameters.values())[1:]
    return [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_kind_matches_the_sdk_operation(kind) -> None:
    ops = operation_class(kind)
    leading = 1 if (kind.by_id or kind.scope_arg) else 0
    arguments = leading + len(kind.id_args)
    calls = ((kind.get, False), (kind.put, True), *(() if kind.deleted_with_parent else ((kind.delete, False),)))
    for method_name, with_body in calls:  # a kind deleted with its parent (a vault's secret) has no delete
        method = getattr(ops, method_name, None)
        assert method is not None, f"{kind.name}: {kind.operations}.{method_name} does not exist"
        params = positional(method)
        if kind.by_id:  # get_by_id(resource_id, api_version) and friends
            params = [p for p in params if p != "api_version"]
        if method_name == kind.delete:  # required arguments the kind passes by keyword (if_match)
            params = [p for p in params if p not in dict(kind.delete_options)]
        if with_body and len(params) == arguments:  # an optional body, e.g. connections.create(..., connection=None)
            every = [p.name for p in list(inspect.signature(method).parameters.values())[1:]
                     if p.kind is p.POSITIONAL_OR_KEYWORD]
            params = every[: arguments + 1]
        assert len(params) == arguments + (1 if with_body else 0), f"{kind.name}.{method_name}{params}"


@pytest.mark.parametrize("kind", [k for k in ALL_KINDS if k.at_management_group], ids=lambda k: k.name)
def test_management_group_variants_match_the_sdk_and_the_adapter_calls_them(kind) -> None:
    """A kind's ``at_management_group`` methods exist and take (group, *id_args names[, body]); the
    adapter picks them, with those arguments, for an id under a management group."""
    from lzengine.adapters.azure_sdk import AzureSdkAdapter

    ops = operation_class(kind)
    for method_name, with_body in zip(kind.at_management_group, (False, True, False), strict=True):
        params = positional(getattr(ops, method_name))
        assert params[0] == "management_group_id" and len(params) == 1 + len(kind.id_args) + with_body, params
    plural = kind.arm_type.rsplit("/", 1)[-1]
    at_group = f"/providers/Microsoft.Management/managementGroups/corp/providers/Microsoft.Authorization/{plural}/x"
    at_subscription = f"/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/" \
        f"{plural}/x"
    assert AzureSdkAdapter._args(kind, at_group) == ["corp", "x"]
    assert AzureSdkAdapter._args(kind, at_subscription) == ["x"]


def test_kind_names_and_types_are_unique() -> None:
    assert len({k.name for k in ALL_KINDS}) == len(ALL_KINDS)
    typed = [k for k in ALL_KINDS if not k.setting]  # a setting is a later write of another kind's type
    assert len({k.arm_type.lower() for k in typed}) == len(typed)
    assert NETWORK_API == COMPONENTS_API
