"""Provider behaviour that is code rather than data (called by :mod:`lzengine.emulator.backend`).

The backend calls these functions at fixed points of a PUT/DELETE, with its lock held:
``validate_put`` (reject a body), ``put_status`` (override the initial status code),
``compose_identity`` (fill managed-identity ids), ``after_put`` (server-filled properties such
as NSG default rules), ``check_child_removal``/``validate_delete`` (in-use checks) and
``on_removed`` (bookkeeping after a resource disappears). Each dispatches on the lower-case type.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import TYPE_CHECKING, Any

from lzengine.emulator import errors
from lzengine.emulator.paths import ResourcePath, id_key
from lzengine.emulator.registry import TypeSpec
from lzengine.emulator.store import Resource

if TYPE_CHECKING:
    from lzengine.emulator.backend import Backend, Operation

VNET = "microsoft.network/virtualnetworks"
SUBNET = "microsoft.network/virtualnetworks/subnets"
PEERING = "microsoft.network/virtualnetworks/virtualnetworkpeerings"
NSG = "microsoft.network/networksecuritygroups"
PE = "microsoft.network/privateendpoints"
NIC = "microsoft.network/networkinterfaces"
PIP = "microsoft.network/publicipaddresses"
FIREWALL = "microsoft.network/azurefirewalls"
ROLE_ASSIGNMENT = "microsoft.authorization/roleassignments"
POLICY_ASSIGNMENT = "microsoft.authorization/policyassignments"
MSI = "microsoft.managedidentity/userassignedidentities"
COGNITIVE = "microsoft.cognitiveservices/accounts"
SEARCH = "microsoft.search/searchservices"

_NS = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")


def stable_guid(*parts: str) -> str:
    """A GUID derived from ``parts`` (so re-creating a resource gives the same server ids)."""
    return str(uuid.uuid5(_NS, "/".join(p.lower() for p in parts)))


# ---------------------------------------------------------------------------- validation
def validate_put(backend: Backend, rp: ResourcePath, spec: TypeSpec, body: dict[str, Any],
                 existing: Resource | None) -> None:
    t = spec.lower
    props = body.get("properties") if isinstance(body.get("properties"), dict) else {}
    if t == SUBNET:
        prefixes = [props.get("addressPrefix")] if props.get("addressPrefix") else []
        prefixes += list(props.get("addressPrefixes") or [])
        for p in prefixes:
            _check_cidr(p, "addressPrefix")
    elif t == VNET:
        space = (props.get("addressSpace") or {}).get("addressPrefixes") or []
        for p in space:
            _check_cidr(p, "addressSpace.addressPrefixes")
    elif t == SEARCH:
        name = rp.name
        if (not 2 <= len(name) <= 60 or name != name.lower() or name.startswith("-")
                or name.endswith("-") or "--" in name
                or not all(c.isalnum() or c == "-" for c in name)):
            raise errors.bad_request(
                "InvalidServiceName",
                f"Service name '{name}' is invalid: use 2 to 60 lower-case letters, digits or "
                "dashes, without a leading, trailing or double dash.",
                target=name,
            )  # fmt: skip
    elif t == ROLE_ASSIGNMENT:
        _validate_role_assignment(backend, rp, props, existing)
    elif t == COGNITIVE and existing is None:
        deleted = _find_deleted_account(backend, rp.name)
        if deleted is not None:
            if props.get("restore") is True:
                backend.store.remove(deleted.key)
            else:
                raise errors.ArmError(
                    409,
                    "FlagMustBeSetForRestore",
                    f"An existing resource with ID '{deleted.id}' has been soft-deleted. To restore "
                    "the resource, you must specify 'restore' to be 'true' in the property. If you "
                    "don't want to restore existing resource, please purge it first.",
                    target=rp.name,
                )


def _check_cidr(value: Any, what: str) -> None:
    try:
        ipaddress.ip_network(str(value), strict=True)
    except ValueError as exc:
        raise errors.bad_request(
            "InvalidAddressPrefixFormat" if "/" in str(value) else "InvalidCIDRNotation",
            f"The {what} {value} is not a valid CIDR prefix ({exc}).",
            target=what,
        ) from None


def _validate_role_assignment(backend: Backend, rp: ResourcePath, props: dict[str, Any],
                              existing: Resource | None) -> None:
    role = str(props.get("roleDefinitionId") or "")
    principal = str(props.get("principalId") or "")
    if not role or not principal:
        raise errors.bad_request(
            "InvalidRequestContent",
            "A role assignment needs properties.roleDefinitionId and properties.principalId.",
        )
    if existing is not None:
        old = existing.body.get("properties", {})
        if (str(old.get("roleDefinitionId", "")).lower() != role.lower()
                or str(old.get("principalId", "")).lower() != principal.lower()):
            raise errors.bad_request(
                "RoleAssignmentUpdateNotPermitted",
                "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
            )  # fmt: skip
        return
    scope_key = id_key(rp.scope)
    for other in backend.store.of_type(ROLE_ASSIGNMENT):
        op = other.body.get("properties", {})
        if (id_key(str(op.get("scope", ""))) == scope_key
                and str(op.get("roleDefinitionId", "")).lower().rsplit("/", 1)[-1]
                == role.lower().rsplit("/", 1)[-1]
                and str(op.get("principalId", "")).lower() == principal.lower()):
            raise errors.ArmError(409, "RoleAssignmentExists", "The role assignment already exists.")


def put_status(backend: Backend, rp: ResourcePath, spec: TypeSpec, body: dict[str, Any],
               existing: Resource | None, status: int) -> int:
    return status


def validate_delete(backend: Backend, res: Resource) -> None:
    if res.type.lower() == SUBNET:
        check_child_removal(backend, res)


def check_child_removal(backend: Backend, child: Resource) -> None:
    """A subnet that still holds NICs or private endpoints cannot be removed."""
    if child.type.lower() != SUBNET:
        return
    configs = child.body.get("properties", {}).get("ipConfigurations") or []
    if configs:
        ref = configs[0].get("id", "")
        raise errors.bad_request(
            "InUseSubnetCannotBeDeleted",
            f"Subnet {child.body.get('name')} is in use by {ref} and cannot be deleted. In order "
            "to delete the subnet, delete all the resources within the subnet. See "
            "aka.ms/deletesubnet.",
        )


# ---------------------------------------------------------------------------- composition
def compose_identity(backend: Backend, body: dict[str, Any], existing: Resource | None) -> None:
    """Fill ``principalId``/``tenantId`` of a system identity and the ids of user identities."""
    from lzengine.emulator.backend import TENANT_ID

    ident = body.get("identity")
    if not isinstance(ident, dict):
        return
    kind = str(ident.get("type") or "")
    if "systemassigned" in kind.lower().replace(" ", "").replace(",", ""):
        old = (existing.body.get("identity") or {}) if existing else {}
        ident["principalId"] = old.get("principalId") or stable_guid("system", body["id"])
        ident["tenantId"] = TENANT_ID
    else:
        ident.pop("principalId", None)
    users = ident.get("userAssignedIdentities")
    if isinstance(users, dict):
        for uid in list(users):
            target = backend.store.get(id_key(uid))
            tp = target.body.get("properties", {}) if target else {}
            users[uid] = {
                "principalId": tp.get("principalId") or stable_guid("user", uid),
                "clientId": tp.get("clientId") or stable_guid("client", uid),
            }


def after_put(backend: Backend, rp: ResourcePath, spec: TypeSpec, res: Resource,
              existing: Resource | None, op: Operation | None, state: str) -> None:
    t = spec.lower
    props = res.body.setdefault("properties", {})
    old_props = existing.body.get("properties", {}) if existing else {}
    if t == VNET:
        props["resourceGuid"] = old_props.get("resourceGuid") or stable_guid("vnet", res.id)
        props.setdefault("enableDdosProtection", False)
    elif t == SUBNET:
        props.setdefault("privateEndpointNetworkPolicies", "Disabled")
        props.setdefault("privateLinkServiceNetworkPolicies", "Enabled")
        for keep in ("ipConfigurations", "privateEndpoints"):
            if old_props.get(keep) and keep not in props:
                props[keep] = old_props[keep]
    elif t == NSG:
        props["resourceGuid"] = old_props.get("resourceGuid") or stable_guid("nsg", res.id)
        props["defaultSecurityRules"] = _default_rules(res.id, state)
    elif t == MSI:
        from lzengine.emulator.backend import TENANT_ID

        props["principalId"] = old_props.get("principalId") or stable_guid("msi-principal", res.id)
        props["clientId"] = old_props.get("clientId") or stable_guid("msi-client", res.id)
        props["tenantId"] = TENANT_ID
    elif t == ROLE_ASSIGNMENT:
        props["scope"] = rp.scope or "/"
        props.setdefault("principalType", "User")
    elif t == POLICY_ASSIGNMENT:
        props["scope"] = rp.scope or "/"
        props.setdefault("enforcementMode", "Default")
    elif t == PIP:
        res.body.setdefault("sku", {"name": "Standard", "tier": "Regional"})
        props.setdefault("publicIPAllocationMethod", "Static")
        props.setdefault("publicIPAddressVersion", "IPv4")
        props.setdefault("idleTimeoutInMinutes", 4)
        props["ipAddress"] = old_props.get("ipAddress") or _fake_public_ip(res.id)
    elif t == COGNITIVE:
        name = str(props.get("customSubDomainName") or res.body["name"]).lower()
        props.setdefault("endpoint", f"https://{name}.cognitiveservices.azure.com/")
        props.setdefault("dateCreated", old_props.get("dateCreated") or "2025-01-01T00:00:00Z")
        props.pop("restore", None)
    elif t == PE:
        _private_endpoint(backend, rp, res, old_props, state)
    elif t == PEERING:
        _peering(backend, res)
    elif t == FIREWALL:
        for cfg in props.get("ipConfigurations") or []:
            cprops = cfg.get("properties") if isinstance(cfg, dict) else None
            if isinstance(cprops, dict) and isinstance(cprops.get("subnet"), dict):
                ip = _nth_ip(backend, str(cprops["subnet"].get("id", "")), 4)
                if ip:
                    cprops["privateIPAddress"] = ip


def _fake_public_ip(resource_id: str) -> str:
    n = uuid.UUID(stable_guid("pip", resource_id)).int
    return f"20.{(n >> 16) % 250 + 1}.{(n >> 8) % 256}.{n % 250 + 2}"


_RULES = (
    ("AllowVnetInBound", "Inbound", "Allow", 65000, "VirtualNetwork", "VirtualNetwork",
     "Allow inbound traffic from all VMs in VNET"),
    ("AllowAzureLoadBalancerInBound", "Inbound", "Allow", 65001, "AzureLoadBalancer", "*",
     "Allow inbound traffic from azure load balancer"),
    ("DenyAllInBound", "Inbound", "Deny", 65500, "*", "*", "Deny all inbound traffic"),
    ("AllowVnetOutBound", "Outbound", "Allow", 65000, "VirtualNetwork", "VirtualNetwork",
     "Allow outbound traffic from all VMs to all VMs in VNET"),
    ("AllowInternetOutBound", "Outbound", "Allow", 65001, "*", "Internet",
     "Allow outbound traffic from all VMs to Internet"),
    ("DenyAllOutBound", "Outbound", "Deny", 65500, "*", "*", "Deny all outbound traffic"),
)  # fmt: skip


def _default_rules(nsg_id: str, state: str) -> list[dict[str, Any]]:
    out = []
    for name, direction, access, priority, src, dst, desc in _RULES:
        out.append({
            "name": name,
            "id": f"{nsg_id}/defaultSecurityRules/{name}",
            "type": "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
            "properties": {
                "provisioningState": state,
                "description": desc,
                "protocol": "*",
                "sourcePortRange": "*",
                "destinationPortRange": "*",
                "sourceAddressPrefix": src,
                "destinationAddressPrefix": dst,
                "access": access,
                "priority": priority,
                "direction": direction,
                "sourcePortRanges": [],
                "destinationPortRanges": [],
                "sourceAddressPrefixes": [],
                "destinationAddressPrefixes": [],
            },
        })  # fmt: skip
    return out


def on_removed(backend: Backend, res: Resource) -> None:
    """Bookkeeping after a resource is gone: PE NICs, peer state, soft-deleted accounts."""
    t = res.type.lower()
    if t == PE:
        props = res.body.get("properties", {})
        for nic in props.get("networkInterfaces") or []:
            nic_key = id_key(str(nic.get("id", "")))
            if backend.store.get(nic_key) is not None:
                backend.store.remove(nic_key)
        subnet_id = str((props.get("subnet") or {}).get("id", ""))
        subnet = backend.store.get(id_key(subnet_id))
        if subnet is not None:
            sp = subnet.body.setdefault("properties", {})
            sp["privateEndpoints"] = [p for p in sp.get("privateEndpoints") or []
                                      if id_key(str(p.get("id", ""))) != res.key]
            nic_keys = [id_key(str(n.get("id", ""))) + "/" for n in props.get("networkInterfaces") or []]
            sp["ipConfigurations"] = [
                c for c in sp.get("ipConfigurations") or []
                if not any(id_key(str(c.get("id", ""))).startswith(k) for k in nic_keys)
            ]
            for k in ("privateEndpoints", "ipConfigurations"):
                if not sp[k]:
                    del sp[k]
            backend.store.put(subnet)
    elif t == PEERING:
        remote = _reverse_peering(backend, res)
        if remote is not None:
            remote.body["properties"]["peeringState"] = "Disconnected"
            backend.store.put(remote)
    elif t == COGNITIVE:
        _soft_delete_account(backend, res)


# ---------------------------------------------------------------------------- network helpers
def _nth_ip(backend: Backend, subnet_id: str, n: int) -> str | None:
    subnet = backend.store.get(id_key(subnet_id))
    if subnet is None:
        return None
    prefix = subnet.body.get("properties", {}).get("addressPrefix")
    if not prefix:
        prefixes = subnet.body.get("properties", {}).get("addressPrefixes") or []
        prefix = prefixes[0] if prefixes else None
    if not prefix:
        return None
    try:
        net = ipaddress.ip_network(prefix, strict=False)
    except ValueError:
        return None
    return str(net[n]) if net.num_addresses > n else None


def _private_endpoint(backend: Backend, rp: ResourcePath, res: Resource,
                      old_props: dict[str, Any], state: str) -> None:
    """Auto-approved connections, an auto-created NIC and the subnet back-references."""
    props = res.body["properties"]
    for key, status, desc in (("privateLinkServiceConnections", "Approved", "Auto-approved"),
                              ("manualPrivateLinkServiceConnections", "Pending", "Awaiting approval")):
        conns = props.get(key)
        if conns is None:
            props[key] = []
            continue
        for i, conn in enumerate(conns):
            name = conn.get("name") or f"{res.body['name']}-connection-{i}"
            conn["name"] = name
            conn["id"] = f"{res.id}/{key}/{name}"
            conn.setdefault("type", f"Microsoft.Network/privateEndpoints/{key}")
            cp = conn.setdefault("properties", {})
            cp["privateLinkServiceConnectionState"] = {
                "status": status, "description": desc, "actionsRequired": "None"}
            cp["provisioningState"] = state
    props.setdefault("customDnsConfigs", [])
    props.setdefault("applicationSecurityGroups", [])
    props.setdefault("ipConfigurations", [])
    subnet_id = str((props.get("subnet") or {}).get("id", ""))
    if old_props.get("networkInterfaces"):
        props["networkInterfaces"] = old_props["networkInterfaces"]
        return
    nic_name = props.get("customNetworkInterfaceName") or (
        f"{res.body['name']}.nic.{stable_guid('nic', res.id)}")
    nic_id = "/".join([rp.scope, "providers/Microsoft.Network/networkInterfaces", str(nic_name)])
    props["networkInterfaces"] = [{"id": nic_id}]
    subnet = backend.store.get(id_key(subnet_id))
    used = len(subnet.body.get("properties", {}).get("ipConfigurations") or []) if subnet else 0
    ip = _nth_ip(backend, subnet_id, 4 + used) if subnet else None
    ipconfig_id = f"{nic_id}/ipConfigurations/privateEndpointIpConfig.{stable_guid('ipc', res.id)}"
    nic_body = {
        "id": nic_id, "name": nic_name, "type": "Microsoft.Network/networkInterfaces",
        "location": res.body.get("location"),
        "properties": {
            "provisioningState": "Succeeded",
            "privateEndpoint": {"id": res.id},
            "ipConfigurations": [{
                "name": ipconfig_id.rsplit("/", 1)[-1], "id": ipconfig_id,
                "properties": {"privateIPAddress": ip, "privateIPAllocationMethod": "Dynamic",
                               "subnet": {"id": subnet_id}, "primary": True},
            }],
        },
    }  # fmt: skip
    nic_key = id_key(nic_id)
    backend.store.put(Resource(id=nic_id, type="Microsoft.Network/networkInterfaces", body=nic_body,
                               root_key=nic_key, etag=f'W/"{uuid.uuid4()}"'))
    if subnet is not None:
        sp = subnet.body.setdefault("properties", {})
        sp.setdefault("privateEndpoints", []).append({"id": res.id})
        sp.setdefault("ipConfigurations", []).append({"id": ipconfig_id})
        backend.store.put(subnet)


def _vnet_of(peering: Resource) -> str:
    return peering.id.rsplit("/virtualNetworkPeerings/", 1)[0]


def _reverse_peering(backend: Backend, peering: Resource) -> Resource | None:
    remote_id = str((peering.body.get("properties", {}).get("remoteVirtualNetwork") or {}).get("id", ""))
    if not remote_id:
        return None
    local_vnet = id_key(_vnet_of(peering))
    for other in backend.store.of_type(PEERING, id_key(remote_id)):
        rid = str((other.body.get("properties", {}).get("remoteVirtualNetwork") or {}).get("id", ""))
        if id_key(rid) == local_vnet:
            return other
    return None


def _peering(backend: Backend, res: Resource) -> None:
    props = res.body["properties"]
    remote_id = str((props.get("remoteVirtualNetwork") or {}).get("id", ""))
    remote_vnet = backend.store.get(id_key(remote_id))
    space = (remote_vnet.body.get("properties", {}).get("addressSpace") if remote_vnet else None) or {
        "addressPrefixes": []}
    props["remoteAddressSpace"] = space
    props["remoteVirtualNetworkAddressSpace"] = space
    props["peeringSyncLevel"] = "FullyInSync"
    reverse = _reverse_peering(backend, res)
    if reverse is not None:
        props["peeringState"] = "Connected"
        reverse.body["properties"]["peeringState"] = "Connected"
        backend.store.put(reverse)
    else:
        props["peeringState"] = "Initiated"


# ---------------------------------------------------------------------------- cognitive helpers
DELETED_ACCOUNT = "microsoft.cognitiveservices/locations/resourcegroups/deletedaccounts"


def _find_deleted_account(backend: Backend, name: str) -> Resource | None:
    for res in backend.store.of_type(DELETED_ACCOUNT):
        if str(res.body.get("name", "")).lower() == name.lower():
            return res
    return None


def _soft_delete_account(backend: Backend, res: Resource) -> None:
    """Keep a deleted account for 48 h under ``deletedAccounts`` (name stays blocked)."""
    from datetime import UTC, datetime, timedelta

    parts = res.id.split("/")
    sub, rg = parts[2], parts[4]
    loc = str(res.body.get("location") or "global")
    deleted_id = (f"/subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{loc}"
                  f"/resourceGroups/{rg}/deletedAccounts/{res.body.get('name')}")
    now = datetime.now(UTC)
    body = dict(res.body)
    body["id"] = deleted_id
    body["type"] = "Microsoft.CognitiveServices/locations/resourceGroups/deletedAccounts"
    props = dict(body.get("properties") or {})
    props["provisioningState"] = "Succeeded"
    props["deletionDate"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    props["scheduledPurgeDate"] = (now + timedelta(hours=48)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body["properties"] = props
    backend.store.put(Resource(id=deleted_id, type=body["type"], body=body, root_key=id_key(deleted_id)))
