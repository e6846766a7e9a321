"""The N-spoke estate: one hub and N spokes with every component, generated (never checked in).

Who uses it: ``tests/bench/bench_scale.py`` (the 100-spoke benchmark) and the CI test that a
small estate converges against a throttled emulator. Each spoke has what
``plans/ai-landing-zone.yaml``'s spoke has (an extra workload subnet, an AI Services account
with a model deployment and a Foundry project, AI Search, App Service behind an Application
Gateway, a Key Vault, a storage account, monitoring with an alert and its e-mail action group),
about 77 resources a spoke, except its AI gateway: one API Management instance takes 45 minutes
to create, so a gateway per spoke would make every run of the benchmark that long and its bound
that one resource's creation, whatever the scheduler does. Spokes are spread over a handful of
teams.

Run ``python tests/bench/estate.py 100 > estate.yaml`` to look at one.
"""

from __future__ import annotations

import sys

HEADER = """\
name: estate
location: swedencentral
naming:
  prefix: est
tags: {{environment: bench}}

teams:
  platform: {{principals: [11111111-1111-1111-1111-111111111111], role: Owner}}
{teams}
hub:
  address_space: 10.0.0.0/16
  log_analytics: {{retention_days: 30}}
  bastion: {{}}
  firewall:
    sku: Standard
    rule_collection_groups:
      - name: rcg-network
        priority: 200
        collections:
          - name: allow-dns
            priority: 100
            rules: [{{name: dns, destinations: ["*"], ports: ["53"], protocols: [UDP]}}]

spokes:
"""

SPOKE = """\
  - name: s{index:03d}
    owner: team{team}
    address_space: {space}
    subnets:
      - {{name: snet-workload, size: 26}}
    ai:
      kind: AIServices
      deployments:
        - {{model: gpt-4o-mini, version: "2024-07-18", sku: GlobalStandard, capacity: 1}}
      projects:
        - {{name: research}}
    search: {{sku: basic, replicas: 1}}
    app_service: {{sku: P1v3, capacity: 3}}
    app_gateway: {{min_capacity: 1, max_capacity: 2}}
    key_vault: {{}}
    storage: {{}}
    monitoring:
      alerts:
        - {{name: http-5xx, target: app_service, metric: Http5xx, threshold: 10, aggregation: Total}}
      alert_emails: [oncall-s{index:03d}@example.com]
"""

TEAMS = 10


def spoke_space(index: int) -> str:
    """A /22 per spoke, after the hub's 10.0.0.0/16: 10.1.0.0/22, 10.1.4.0/22, ..."""
    block = index + 64  # the hub holds the first 64 blocks of /22 in 10.0.0.0/16
    return f"10.{block // 64}.{(block % 64) * 4}.0/22"


def estate_text(spokes: int) -> str:
    """The plan YAML of a hub and ``spokes`` spokes."""
    teams = "".join(f"  team{t}: {{principals: [{t + 1:08d}-2222-2222-2222-222222222222]}}\n"
                    for t in range(min(TEAMS, spokes)))
    parts = [HEADER.format(teams=teams)]
    for index in range(spokes):
        parts.append(SPOKE.format(index=index, team=index % TEAMS, space=spoke_space(index)))
    return "".join(parts)


if __name__ == "__main__":
    sys.stdout.write(estate_text(int(sys.argv[1]) if len(sys.argv) > 1 else 100))
