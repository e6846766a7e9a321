"""Compiler steps for the data services around an AI workload: Key Vault (per spoke, and the
hub's for the platform's gateway certificates) and Storage accounts, each private, keyless and
watched, and the identity an Application Gateway reads its certificate from a vault with.

Who uses it: ``lzengine.compile.STEPS`` (``key_vaults``, ``storage_accounts``), and
``lzengine.compile.workload`` for a gateway whose ``certificate`` comes from a vault
(``gateway_certificate``). Secure defaults live here:

* Key Vault: RBAC authorization (no access policies), soft delete with the plan's retention
  (90 days by default), purge protection, public network access off and the firewall denying
  everything (no trusted-service bypass), a private endpoint (group ``vault``) registered in
  ``privatelink.vaultcore.azure.net``, diagnostics to the hub workspace; the owning team gets Key
  Vault Administrator on it, the spoke's web app identity Key Vault Secrets User.
* Storage: StorageV2, shared key access off (Entra ID only, which makes OAuth the portal's
  default too), no public blob access, public network access off and the firewall denying,
  TLS 1.2, HTTPS only, no cross-tenant replication, a private endpoint per service (``blob``,
  ``file``) with its zone; diagnostics as Azure splits them: metrics on the account, logs and
  metrics on ``blobServices/default`` and ``fileServices/default``; the web app identity gets
  Storage Blob Data Contributor.
"""

from __future__ import annotations

from typing import Any

from lzengine import certificates
from lzengine.compile.context import PLATFORM, Context
from lzengine.compile.governance import _role
from lzengine.kinds import KINDS_BY_NAME
from lzengine.plan import catalog, layout
from lzengine.plan.models import Spoke
from lzengine.plan.spoke import KeyVault, VaultCertificate
from lzengine.refs import Ref

PRIVATE_ENDPOINTS = "private-endpoints"
#: storage services with a private endpoint, and the sub-resource their diagnostic logs attach to
SERVICE_RESOURCE = {"blob": "blobServices", "file": "fileServices"}


def vault_id(ctx: Context, label: str) -> str:
    """The vault of the hub (``label`` "hub") or of the spoke named ``label``."""
    group = ctx.hub_rg() if label == "hub" else ctx.names.spoke_resource_group(label)
    return ctx.res_id(group, "Microsoft.KeyVault", ("vaults", ctx.names.key_vault(label)))


def storage_id(ctx: Context, spoke: Spoke) -> str:
    name = ctx.names.storage_account(spoke.name)
    return ctx.res_id(ctx.spoke_rg(spoke), "Microsoft.Storage", ("storageAccounts", name))


def _endpoint(ctx: Context, base: str, component: str, target: tuple[str, str, str], subnet: tuple[str, str],
              group: str, owner: str) -> None:
    """A private endpoint to ``target_id`` in ``subnet`` (address, id) and its DNS zone group on
    the hub zones (unless platform policy writes zone groups); ``component`` keys the catalogue,
    ``target`` is (address, name, id) of the resource reached."""
    target_address, target_name, target_id = target
    group_id, zones = catalog.PRIVATE_ENDPOINT_ZONES[component]
    subnet_address, subnet_id = subnet
    name = ctx.names.private_endpoint(target_name)
    pep_id = ctx.net_id(group, ("privateEndpoints", name))
    ctx.add(f"{base}.pep", KINDS_BY_NAME["private_endpoint"], pep_id, ctx.located(properties={
        "subnet": {"id": subnet_id},
        "customNetworkInterfaceName": f"nic-{name}",
        "privateLinkServiceConnections": [
            {"name": name, "properties": {"privateLinkServiceId": target_id, "groupIds": [group_id]}}],
    }), {target_address, subnet_address}, owner)
    if ctx.plan.hub.private_dns.zone_groups_by_policy:
        return
    configs = [{"name": z.replace(".", "-"), "properties": {"privateDnsZoneId": ctx.dns_zone_id(z)}} for z in zones]
    ctx.add(f"{base}.pep.dns", KINDS_BY_NAME["private_dns_zone_group"], f"{pep_id}/privateDnsZoneGroups/default",
            {"properties": {"privateDnsZoneConfigs": configs}},
            {f"{base}.pep", *[f"hub.dns_zone.{z}" for z in zones]}, owner)


def _diagnostics(ctx: Context, address: str, scope_id: str, depends: str, owner: str, logs: bool,
                 metric: str = "AllMetrics") -> None:
    workspace_id = ctx.log_analytics_id()
    if workspace_id is None:
        return
    props: dict[str, Any] = {"workspaceId": workspace_id, "metrics": [{"category": metric, "enabled": True}]}
    if logs:
        props["logs"] = [{"categoryGroup": "allLogs", "enabled": True}]
    ctx.add(address, KINDS_BY_NAME["diagnostic_setting"],
            f"{scope_id}/providers/Microsoft.Insights/diagnosticSettings/to-{ctx.names.log_analytics()}",
            {"properties": props}, {depends, "hub.log_analytics"}, owner)


# -- Key Vault ----------------------------------------------------------------------------------
def key_vaults(ctx: Context) -> None:
    owners: list[tuple[str, str, KeyVault, str, str, tuple[str, str]]] = []
    hub_vault = ctx.plan.hub.key_vault
    if hub_vault is not None:
        spec = layout.subnet_for(ctx.hub_planned, PRIVATE_ENDPOINTS)
        assert spec is not None
        owners.append(("hub", "hub", hub_vault, ctx.hub_rg(), PLATFORM,
                       (f"hub.subnet.{spec.name}", ctx.hub_subnet_id(spec.name))))
    for spoke in ctx.plan.spokes:
        if spoke.key_vault is not None:
            owners.append((f"spokes.{spoke.name}", spoke.name, spoke.key_vault, ctx.spoke_rg(spoke), spoke.owner,
                           ctx.spoke_subnet(spoke, PRIVATE_ENDPOINTS)))
    for base, label, vault, group, owner, subnet in owners:
        address = f"{base}.key_vault"
        vid = vault_id(ctx, label)
        props: dict[str, Any] = {
            "sku": {"family": "A", "name": vault.sku},
            "enableRbacAuthorization": True,
            "enableSoftDelete": True,
            "softDeleteRetentionInDays": vault.retention_days,
            "publicNetworkAccess": "Disabled",
            "networkAcls": {"defaultAction": "Deny", "bypass": "None", "ipRules": [], "virtualNetworkRules": []},
            "enabledForDeployment": False,
            "enabledForTemplateDeployment": False,
            "enabledForDiskEncryption": False,
        }
        if vault.purge_protection:  # Azure refuses an explicit false, even on a new vault
            props["enablePurgeProtection"] = True
        if vault.restore:
            props["createMode"] = "recover"  # sent only when the vault is created (kinds/keyvault.py)
        ctx.add(address, KINDS_BY_NAME["key_vault"], vid, ctx.located(properties=props),
                {"hub.resource_group" if label == "hub" else f"{base}.resource_group"}, owner)
        _endpoint(ctx, address, "key_vault", (address, ctx.names.key_vault(label), vid), subnet, group, owner)
        _diagnostics(ctx, f"{address}.diagnostics", vid, address, owner, logs=True)
        team = ctx.plan.teams.get(owner)
        for principal in team.principals if team is not None else []:
            _role(ctx, f"{address}.role.team.{principal}", vid, principal, team.principal_type,  # type: ignore[union-attr]
                  "Key Vault Administrator", {address}, owner, principal)
        spoke = ctx.plan.spoke(label) if label != "hub" else None
        if spoke is not None and spoke.app_service is not None:
            app = f"{base}.app_service.app"
            _role(ctx, f"{address}.role.app", vid, Ref(app, "identity.principalId"), "ServicePrincipal",
                  "Key Vault Secrets User", {address, app}, owner, app)
        for cert in vault.certificates:
            _certificate(ctx, address, vid, cert, owner)


def certificate_address(vault_address: str, name: str) -> str:
    return f"{vault_address}.certificate.{name}"


def _certificate(ctx: Context, vault_address: str, vid: str, cert: VaultCertificate, owner: str) -> None:
    """A certificate as the vault secret a gateway reads: a password-less base64 PFX with content
    type application/x-pkcs12, written through ARM (``lzengine.certificates``). What is compared:
    the content type, the validity in ``attributes`` (a self-signed one near its expiry is renewed;
    a file's dates are the file's) and a tag saying where it came from (the file's SHA-256, or the
    self-signed subject and validity), so a changed file or subject is written again."""
    attributes: dict[str, Any] = {"enabled": True}
    if cert.self_signed is not None:
        spec = cert.self_signed
        value = certificates.CertificateValue(subject=spec.subject, validity_days=spec.validity_days)
        attributes["exp"] = certificates.RenewBefore(spec.renew_before_days)
        tags = {certificates.SELF_SIGNED_TAG: f"{spec.subject}; {spec.validity_days} days"[:256]}
    else:
        path, digest, not_before, not_after = cert.resolved
        value = certificates.CertificateValue(pfx_file=path, password_env=cert.password_env or "")
        attributes.update(nbf=not_before, exp=not_after)
        tags = {certificates.FILE_TAG: digest}
    ctx.add(certificate_address(vault_address, cert.name), KINDS_BY_NAME["key_vault_secret"],
            f"{vid}/secrets/{cert.name}",
            {"tags": tags, "properties": {"contentType": certificates.CONTENT_TYPE, "value": value,
                                          "attributes": attributes}},
            {vault_address}, owner)


def gateway_certificate(ctx: Context, spoke: Spoke) -> tuple[str, dict[str, Any], set[str]] | None:
    """For a gateway whose certificate comes from a vault of the plan: the secret id it reads
    (unversioned, so a renewed certificate is picked up), its ``identity`` body, and the
    addresses it must wait for (its identity and that identity's Key Vault Secrets User role on
    the vault, since Azure checks the access when the gateway is written). Adds those nodes."""
    gw = spoke.app_gateway
    if gw is None or gw.certificate is None:
        return None
    base = f"spokes.{spoke.name}.app_gateway"
    label = "hub" if gw.certificate.vault == "hub" else spoke.name
    vault_address = "hub.key_vault" if label == "hub" else f"spokes.{spoke.name}.key_vault"
    identity_id = ctx.res_id(ctx.spoke_rg(spoke), "Microsoft.ManagedIdentity",
                             ("userAssignedIdentities", ctx.names.gateway_identity(spoke.name)))
    ctx.add(f"{base}.identity", KINDS_BY_NAME["user_assigned_identity"], identity_id, ctx.located(),
            {f"spokes.{spoke.name}.resource_group"}, spoke.owner)
    role_address = f"{base}.identity.role"
    secret = certificate_address(vault_address, gw.certificate.name)
    # a certificate the plan writes: read access to that secret only (the vault may hold other
    # spokes' certificates), and Azure reads it when the gateway is written; one put there by
    # hand may not exist yet, so the role is on the vault
    written = secret in ctx.graph.nodes
    scope = f"{vault_id(ctx, label)}/secrets/{gw.certificate.name}" if written else vault_id(ctx, label)
    _role(ctx, role_address, scope, Ref(f"{base}.identity", "properties.principalId"),
          "ServicePrincipal", "Key Vault Secrets User",
          {vault_address, f"{base}.identity", *([secret] if written else [])},
          PLATFORM if label == "hub" else spoke.owner, f"{base}.identity")
    secret_id = f"https://{ctx.names.key_vault(label)}.vault.azure.net/secrets/{gw.certificate.name}"
    identity = {"type": "UserAssigned", "userAssignedIdentities": {identity_id: {}}}
    return secret_id, identity, {f"{base}.identity", role_address, *([secret] if written else [])}


def central_gateway_certificates(ctx: Context) -> tuple[dict[str, str], str | None, set[str]]:
    """For the hub's central gateway, whose apps name certificates of the hub's vault: the secret
    id of each (by certificate name), the id of the gateway's identity that reads them (None when
    no app names one), and the addresses the gateway waits for (the identity, its Key Vault
    Secrets User role on the hub's vault, the plan's certificates). Adds those nodes."""
    gw = ctx.plan.hub.app_gateway
    names = sorted({app.certificate for app in gw.apps if app.certificate}) if gw is not None else []
    if not names:
        return {}, None, set()
    base = "hub.app_gateway"
    identity_id = ctx.res_id(ctx.hub_rg(), "Microsoft.ManagedIdentity",
                             ("userAssignedIdentities", ctx.names.gateway_identity("hub")))
    ctx.add(f"{base}.identity", KINDS_BY_NAME["user_assigned_identity"], identity_id, ctx.located(),
            {"hub.resource_group"}, PLATFORM)
    waits = {f"{base}.identity"}
    written = [n for n in names if certificate_address("hub.key_vault", n) in ctx.graph.nodes]
    # each certificate the plan writes is read at its own scope, as for a spoke's gateway; any
    # other (put in the vault by hand, maybe later) through one role on the vault
    scopes = [(f"{base}.identity.role.{n}", f"{vault_id(ctx, 'hub')}/secrets/{n}",
               {certificate_address("hub.key_vault", n)}) for n in written]
    if len(written) < len(names):
        scopes.append((f"{base}.identity.role", vault_id(ctx, "hub"), set()))
    for role, scope, secrets in scopes:
        _role(ctx, role, scope, Ref(f"{base}.identity", "properties.principalId"), "ServicePrincipal",
              "Key Vault Secrets User", {"hub.key_vault", f"{base}.identity", *secrets}, PLATFORM, f"{base}.identity")
        waits |= {role, *secrets}
    vault = ctx.names.key_vault("hub")
    return {n: f"https://{vault}.vault.azure.net/secrets/{n}" for n in names}, identity_id, waits


# -- Storage ------------------------------------------------------------------------------------
def storage_accounts(ctx: Context) -> None:
    for spoke in ctx.plan.spokes:
        storage = spoke.storage
        if storage is None:
            continue
        base = f"spokes.{spoke.name}"
        address = f"{base}.storage"
        sid = storage_id(ctx, spoke)
        name = ctx.names.storage_account(spoke.name)
        ctx.add(address, KINDS_BY_NAME["storage_account"], sid, ctx.located(
            kind="StorageV2", sku={"name": storage.sku}, properties={
                "allowSharedKeyAccess": False,
                "defaultToOAuthAuthentication": True,
                "allowBlobPublicAccess": False,
                "allowCrossTenantReplication": False,
                "publicNetworkAccess": "Disabled",
                "minimumTlsVersion": "TLS1_2",
                "supportsHttpsTrafficOnly": True,
                "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [],
                                "virtualNetworkRules": []},
            }), {f"{base}.resource_group"}, spoke.owner)
        # storage metrics are Transaction and Capacity (no AllMetrics); logs exist per service only
        _diagnostics(ctx, f"{address}.diagnostics", sid, address, spoke.owner, logs=False, metric="Transaction")
        for service in storage.services:
            _endpoint(ctx, f"{address}.{service}", f"storage.{service}", (address, f"{name}-{service}", sid),
                      ctx.spoke_subnet(spoke, PRIVATE_ENDPOINTS), ctx.spoke_rg(spoke), spoke.owner)
            _diagnostics(ctx, f"{address}.{service}.diagnostics", f"{sid}/{SERVICE_RESOURCE[service]}/default",
                         address, spoke.owner, logs=True, metric="Transaction")
        if spoke.app_service is not None:
            app = f"{base}.app_service.app"
            _role(ctx, f"{address}.role.app", sid, Ref(app, "identity.principalId"), "ServicePrincipal",
                  "Storage Blob Data Contributor", {address, app}, spoke.owner, app)
