"""The gateway's TLS certificate from the plan, the whole way through the CLI against the
emulator: the reference plan's hub vault gets a self-signed certificate written through ARM and
the spoke's Application Gateway serves HTTPS with it after one apply; a second apply writes
nothing; the PFX and its private key appear in no output, log or report; a secret deleted on the
data plane is drift that apply restores; one close to expiry is renewed; a certificate from a
password-protected file is checked where the plan names it, written without its password, and
written again when the file changes."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from tests.conftest import PLANS

REFERENCE = (PLANS / "ai-landing-zone.yaml").read_text(encoding="utf-8")
SECRET_ADDRESS = "hub.key_vault.certificate.chat-tls"


def admin(emulator: Any, method: str, path: str, **params: str) -> requests.Response:
    emu = emulator.emu
    return requests.request(method, f"{emu.url}/_emulator{path}", params=params, timeout=30, verify=emu.ca_file,
                            headers={"Authorization": f"Bearer {emu.token}"})


def arm(emulator: Any, method: str, arm_id: str, body: dict[str, Any] | None = None) -> requests.Response:
    emu = emulator.emu
    return requests.request(method, f"{emu.url}{arm_id}", params={"api-version": "2024-11-01"}, json=body,
                            timeout=30, verify=emu.ca_file, headers={"Authorization": f"Bearer {emu.token}"})


def stored_value(emulator: Any, secret_id: str) -> str:
    """The secret's value, as the vault's data plane would answer the gateway."""
    response = admin(emulator, "GET", "/keyvault/secret", id=secret_id)
    assert response.status_code == 200, response.text
    return str(response.json()["value"])


def revealing(value: str) -> list[str]:
    """Strings that would give the secret away: the base64 PFX (and a slice of it, in case it was
    wrapped), the private key as PEM and its base64 body."""
    key, _, _ = pkcs12.load_key_and_certificates(base64.b64decode(value), None)
    assert key is not None
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    der = base64.b64encode(key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption())).decode()
    return [value, value[200:260], pem, der[100:160]]


def test_reference_plan_serves_https_with_the_hub_certificate_and_never_shows_it(cli, emulator, plan_file) -> None:
    path = plan_file(REFERENCE)
    first = cli("apply", path, "--output", "json", "--log-format", "json")
    assert first.exit_code == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["summary"]["failed"] == 0
    logged = [json.loads(line) for line in first.stderr.splitlines() if line.startswith("{")]
    assert {"address": SECRET_ADDRESS, "event": "started"} in [
        {k: r.get(k) for k in ("address", "event")} for r in logged]  # the log does speak of the secret
    live = emulator.resources()
    (vault_id,) = [i for i, b in live.items() if b.get("type") == "Microsoft.KeyVault/vaults"
                   and b["name"].startswith("kv-hub-")]
    vault_name = live[vault_id]["name"]
    (gateway,) = [b for b in live.values() if b.get("type") == "Microsoft.Network/applicationGateways"]
    g = gateway["properties"]
    secret_uri = f"https://{vault_name}.vault.azure.net/secrets/chat-tls"
    assert [c["properties"]["keyVaultSecretId"] for c in g["sslCertificates"]] == [secret_uri]
    assert [(x["properties"]["protocol"], x["properties"]["sslCertificate"]["id"].rsplit("/", 1)[-1])
            for x in g["httpListeners"]] == [("Https", g["sslCertificates"][0]["name"])]
    assert [p["properties"]["port"] for p in g["frontendPorts"]] == [443]
    # the secret: a password-less PFX of a self-signed certificate for the plan's subject
    secret_id = f"{vault_id}/secrets/chat-tls"
    secret = live[secret_id]
    assert secret["properties"]["contentType"] == "application/x-pkcs12" and "value" not in secret["properties"]
    value = stored_value(emulator, secret_uri)
    key, cert, _ = pkcs12.load_key_and_certificates(base64.b64decode(value), None)
    assert key is not None and cert is not None
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "chat.contoso.example"
    assert secret["properties"]["attributes"]["exp"] == int(cert.not_valid_after_utc.timestamp())
    assert 364 * 86400 < secret["properties"]["attributes"]["exp"] - time.time() < 366 * 86400
    # nothing shows it: the apply's report and log records, plan and graph output, what ARM answers
    planned = cli("plan", path, "--output", "json")
    graphed = cli("graph", path, "--format", "json")
    for leak in revealing(value):
        for where, text in (("apply stdout", first.stdout), ("apply log", first.stderr),
                            ("plan", planned.output), ("graph", graphed.output), ("ARM", json.dumps(live))):
            assert leak not in text, f"the certificate's secret appears in {where}"

    # a second apply writes nothing but its run lock's record
    emulator.reset_stats()
    code, again = cli.json("apply", path)
    assert code == 0 and again["summary"]["create"] == again["summary"]["update"] == 0, again["summary"]
    assert emulator.stats()["writes"] == 1  # the run lock's record

    # deleted on the vault's data plane: drift, and apply writes a new one the gateway reads
    assert admin(emulator, "DELETE", "/keyvault/secret", id=secret_uri).status_code == 200
    code, drift = cli.json("drift", path)
    assert code == 2 and [d["address"] for d in drift["drifted"]] == [SECRET_ADDRESS], drift["drifted"]
    code, repaired = cli.json("apply", path)
    assert code == 0 and repaired["summary"]["create"] == 1 and repaired["summary"]["update"] == 0
    renewed = stored_value(emulator, secret_uri)
    assert renewed != value
    assert cli("plan", path, "--detailed-exitcode").exit_code == 0

    # close to expiry (fewer than the 30 days of renew_before_days left): renewed by the next apply
    soon = int(time.time()) + 5 * 86400
    put = arm(emulator, "PUT", secret_id, {"properties": {"attributes": {"enabled": True, "exp": soon}}})
    assert put.status_code == 200, put.text
    code, planned_json = cli.json("plan", path)
    changed = {(c["address"], i["path"]) for c in planned_json["changes"] for i in c.get("items") or []}
    assert (SECRET_ADDRESS, "properties.attributes.exp") in changed, planned_json["changes"]
    code, renewal = cli.json("apply", path)
    assert code == 0 and renewal["summary"]["update"] == 1, renewal["summary"]
    assert stored_value(emulator, secret_uri) not in (value, renewed)
    assert arm(emulator, "GET", secret_id).json()["properties"]["attributes"]["exp"] > time.time() + 364 * 86400


def make_pfx(path: Path, common_name: str, password: str, days: int = 90) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = time.time()
    from datetime import UTC, datetime, timedelta

    start = datetime.fromtimestamp(now, UTC) - timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + timedelta(days=days)).sign(key, hashes.SHA256()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"app", key, cert, None, serialization.BestAvailableEncryption(password.encode())))


FILE_PLAN = """\
name: contoso-files
location: swedencentral
teams:
  app-team: {{principals: [22222222-2222-2222-2222-222222222222]}}
hub:
  address_space: 10.100.0.0/16
  policy_assignments: []
spokes:
  - name: app
    owner: app-team
    address_space: 10.101.0.0/22
    key_vault:
      purge_protection: false
      certificates:
{certificates}
    app_service: {{}}
    app_gateway: {{certificate: {{vault: spoke, name: app-tls}}}}
"""


def test_certificate_from_a_password_protected_file(cli, emulator, plan_file, tmp_path, monkeypatch) -> None:
    make_pfx(tmp_path / "app.pfx", "app.contoso.example", "Pfx-Pass-1")
    # every problem at once, each where the plan names it
    broken = plan_file(FILE_PLAN.format(certificates="""\
        - {name: app-tls, pfx_file: app.pfx, password_env: LZ_TEST_PFX_PASSWORD}
        - {name: missing, pfx_file: certs/none.pfx}
        - {name: both, pfx_file: app.pfx, self_signed: {subject: CN=x.example}}
        - {name: neither}
        - {name: no-cn, self_signed: {subject: O=Contoso}}"""), "broken.yaml")
    monkeypatch.delenv("LZ_TEST_PFX_PASSWORD", raising=False)
    result = cli("validate", broken)
    assert result.exit_code == 1
    for where, what in (("15:", "environment variable LZ_TEST_PFX_PASSWORD is not set"),
                        ("16:", "no file 'certs/none.pfx'"), ("17:", "either 'self_signed' or 'pfx_file'"),
                        ("18:", "either 'self_signed' or 'pfx_file'"), ("19:", "has no CN")):
        assert any(f"broken.yaml:{where}" in line and what in line for line in result.stderr.splitlines()), \
            (what, result.stderr)
    monkeypatch.setenv("LZ_TEST_PFX_PASSWORD", "wrong")
    result = cli("validate", broken)
    assert "password does not open it" in result.stderr and "Pfx-Pass-1" not in result.output

    monkeypatch.setenv("LZ_TEST_PFX_PASSWORD", "Pfx-Pass-1")
    path = plan_file(FILE_PLAN.format(certificates="""\
        - {name: app-tls, pfx_file: app.pfx, password_env: LZ_TEST_PFX_PASSWORD}"""))
    applied = cli("apply", path, "--output", "json")
    assert applied.exit_code == 0, applied.stderr
    live = emulator.resources()
    (secret_id,) = [i for i, b in live.items() if b.get("type") == "Microsoft.KeyVault/vaults/secrets"]
    value = stored_value(emulator, secret_id)
    key, cert, _ = pkcs12.load_key_and_certificates(base64.b64decode(value), None)  # written without a password
    assert key is not None and cert.subject.rfc4514_string() == "CN=app.contoso.example"
    digest = __import__("hashlib").sha256((tmp_path / "app.pfx").read_bytes()).hexdigest()
    assert live[secret_id]["tags"] == {"lzengine-pfx-sha256": digest}
    assert live[secret_id]["properties"]["attributes"]["exp"] == int(cert.not_valid_after_utc.timestamp())
    for leak in [*revealing(value), "Pfx-Pass-1"]:
        assert leak not in applied.output
    assert cli("plan", path, "--detailed-exitcode").exit_code == 0
    # a renewed file is written again; the gateway reads the unversioned secret and needs no change
    make_pfx(tmp_path / "app.pfx", "app.contoso.example", "Pfx-Pass-1", days=180)
    code, report = cli.json("apply", path)
    assert code == 0 and [o["address"] for o in report["outcomes"] if o["action"] != "noop"] == \
        ["spokes.app.key_vault.certificate.app-tls"], report["summary"]
    assert stored_value(emulator, secret_id) != value
    # a certificate dropped from the plan: ARM cannot delete a secret, so prune reports it and goes on
    extra = plan_file(FILE_PLAN.format(certificates="""\
        - {name: app-tls, pfx_file: app.pfx, password_env: LZ_TEST_PFX_PASSWORD}
        - {name: old-tls, self_signed: {subject: CN=old.contoso.example}}"""), "extra.yaml")
    assert cli("apply", extra).exit_code == 0
    code, pruned = cli.json("apply", path, "--prune", "--yes")
    assert code == 0, pruned
    (kept,) = [o for o in pruned["outcomes"] if o["address"].endswith("/secrets/old-tls")]
    assert kept["status"] == "not-applied" and "az keyvault secret delete" in kept["error"], kept
    # destroy: the secrets go with their vault, which is purged
    result = cli("destroy", path, "--yes", "--purge")
    assert result.exit_code == 0, result.output
    assert not [i for i in emulator.resources() if "/vaults/" in i or "/deletedvaults/" in i]


DEFAULT_POLICIES = """\
name: contoso-defaults
location: swedencentral
teams:
  app-team: {principals: [22222222-2222-2222-2222-222222222222]}
hub:
  address_space: 10.100.0.0/16
  log_analytics: {}
spokes:
  - name: app
    owner: app-team
    address_space: 10.101.0.0/22
    storage: {}
"""


def test_the_default_policy_set_brings_the_ai_guardrails_and_the_emulator_evaluates_them(cli, emulator,
                                                                                          plan_file) -> None:
    """Without ``policy_assignments`` every spoke gets the default set, lzengine's guardrails
    initiative included (its definitions created first); Azure Policy then audits a guardrail
    turned off by hand."""
    path = plan_file(DEFAULT_POLICIES)
    code, report = cli.json("apply", path)
    assert code == 0, [o["error"] for o in report["outcomes"] if o["error"]]
    live = emulator.resources()
    (assignment_id,) = [i for i in live if i.endswith("/policyassignments/lzengine-ai-guardrails")]
    assert "/resourcegroups/rg-contoso-defaults-app/" in assignment_id
    definition = live[assignment_id]["properties"]["policyDefinitionId"].lower()
    assert definition.endswith("/policysetdefinitions/lzengine-ai-guardrails") and definition in live
    assert cli("plan", path, "--detailed-exitcode").exit_code == 0
    (account_id,) = [i for i, b in live.items() if b.get("type") == "Microsoft.Storage/storageAccounts"]
    account = live[account_id]
    account["properties"]["publicNetworkAccess"] = "Enabled"
    emu = emulator.emu
    put = requests.put(f"{emu.url}{account['id']}", params={"api-version": "2025-01-01"}, timeout=30,
                       json={k: account[k] for k in ("location", "tags", "kind", "sku", "properties")},
                       headers={"Authorization": f"Bearer {emu.token}"}, verify=emu.ca_file)
    assert put.status_code < 300, put.text  # Audit: allowed, and reported
    scan = admin(emulator, "POST", "/policy/scan").json()
    (record,) = [r for r in scan["resources"] if r["resourceId"].lower() == account_id]
    failing = {(x["policyAssignmentName"], x["policyDefinitionName"]) for x in record["results"]
               if x["complianceState"] == "NonCompliant"}
    assert ("lzengine-ai-guardrails", "lzengine-ai-private-access") in failing, record["results"]
