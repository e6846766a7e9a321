"""Microsoft.PolicyInsights in the emulator: the subscription's compliance summary over ARM.

Who uses it: ``lzengine verify`` (its policy-compliance check) through the app's one routing hook
(``EmulatorApp.handle`` asks ``matches`` before classifying the path). Answers
``POST /subscriptions/{id}/providers/Microsoft.PolicyInsights/policyStates/latest/summarize``
in the shape of api-version 2019-10-01 (azure-rest-api-specs, policyinsights stable/2019-10-01,
``PolicyStates_SummarizeSubscriptionScope.json``): ``value[0].results`` with
``nonCompliantResources`` / ``nonCompliantPolicies`` / ``resourceDetails``, and
``value[0].policyAssignments[]`` with per-assignment results. The data is what governance
recorded when it evaluated writes (the same records as ``GET /_emulator/policy/compliance``).
Simplification: only the subscription scope and the ``latest`` states are served; no
``$filter``, ``$top`` or ``policyDefinitions`` breakdown.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from lzengine.emulator.paths import split

API_VERSIONS = ("2019-10-01", "2024-10-01")


def matches(path: str, method: str) -> bool:
    low = [s.lower() for s in split(path)]
    return (method == "POST" and len(low) == 7 and low[0] == "subscriptions" and low[2] == "providers"
            and low[3] == "microsoft.policyinsights" and low[4] == "policystates" and low[5] == "latest"
            and low[6] == "summarize")


def summarize(governance: Any) -> dict[str, Any]:
    """The summarize response body from governance's compliance records."""
    view = governance.compliance()
    per_assignment: dict[str, Counter[str]] = {}
    resource_states: Counter[str] = Counter()
    non_compliant_policies: set[str] = set()
    for resource in view["resources"]:
        resource_states[resource["complianceState"].lower()] += 1
        for result in resource["results"]:
            counts = per_assignment.setdefault(result["policyAssignmentId"], Counter())
            state = result["complianceState"].lower()
            counts[state] += 1
            if state == "noncompliant":
                non_compliant_policies.add(result["policyDefinitionId"].lower())

    def details(states: Counter[str]) -> list[dict[str, Any]]:
        return [{"complianceState": s, "count": n} for s, n in sorted(states.items())]

    assignments = [
        {"policyAssignmentId": assignment, "policySetDefinitionId": "",
         "results": {"nonCompliantResources": counts["noncompliant"], "nonCompliantPolicies":
                     1 if counts["noncompliant"] else 0, "resourceDetails": details(counts)}}
        for assignment, counts in sorted(per_assignment.items())
    ]
    return {
        "@odata.context": "https://management.azure.com/providers/Microsoft.PolicyInsights/policyStates/"
                          "$metadata#summary",
        "@odata.count": 1,
        "value": [{
            "@odata.id": None,
            "@odata.context": "https://management.azure.com/providers/Microsoft.PolicyInsights/policyStates/"
                              "$metadata#summary/$entity",
            "results": {"nonCompliantResources": resource_states["noncompliant"],
                        "nonCompliantPolicies": len(non_compliant_policies),
                        "resourceDetails": details(resource_states)},
            "policyAssignments": assignments,
        }],
    }
