"""Azure regions: the one location normaliser of the emulator, display names and region sets.

Used by :mod:`lzengine.emulator.registry` (which regions a type is offered in, display names in
the providers API), by the backend (location checks on PUT/PATCH) and by every provider module that
compares locations. ARM accepts a region by its programmatic name (``westus``) or its display name
(``West US``), case-insensitively; :func:`normalize` maps both to the programmatic name, so two
locations are the same region exactly when their normalised forms are equal.

The list is the public cloud's regions as ``az account list-locations`` names them (physical
regions; logical ones such as ``unitedstates`` are not resource locations), plus the two canary
regions. Regions that need an access request and offer few services (``restricted``) are left out
of the sets of the platform services that are not deployed there.
"""

from __future__ import annotations

#: programmatic name → display name
PUBLIC: dict[str, str] = {
    "eastus": "East US", "eastus2": "East US 2", "southcentralus": "South Central US", "westus2": "West US 2",
    "westus3": "West US 3", "australiaeast": "Australia East", "southeastasia": "Southeast Asia",
    "northeurope": "North Europe", "swedencentral": "Sweden Central", "uksouth": "UK South",
    "westeurope": "West Europe", "centralus": "Central US", "southafricanorth": "South Africa North",
    "centralindia": "Central India", "eastasia": "East Asia", "indonesiacentral": "Indonesia Central",
    "japaneast": "Japan East", "japanwest": "Japan West", "koreacentral": "Korea Central",
    "malaysiawest": "Malaysia West", "newzealandnorth": "New Zealand North", "canadacentral": "Canada Central",
    "francecentral": "France Central", "germanywestcentral": "Germany West Central", "italynorth": "Italy North",
    "norwayeast": "Norway East", "polandcentral": "Poland Central", "spaincentral": "Spain Central",
    "switzerlandnorth": "Switzerland North", "mexicocentral": "Mexico Central", "uaenorth": "UAE North",
    "brazilsouth": "Brazil South", "chilecentral": "Chile Central", "israelcentral": "Israel Central",
    "qatarcentral": "Qatar Central", "northcentralus": "North Central US", "westus": "West US",
    "westcentralus": "West Central US", "australiacentral": "Australia Central",
    "australiasoutheast": "Australia Southeast", "koreasouth": "Korea South", "southindia": "South India",
    "westindia": "West India", "canadaeast": "Canada East", "ukwest": "UK West",
    # restricted regions: access on request, few services
    "australiacentral2": "Australia Central 2", "southafricawest": "South Africa West",
    "francesouth": "France South", "germanynorth": "Germany North", "norwaywest": "Norway West",
    "switzerlandwest": "Switzerland West", "uaecentral": "UAE Central", "brazilsoutheast": "Brazil Southeast",
    "swedensouth": "Sweden South", "jioindiawest": "Jio India West", "jioindiacentral": "Jio India Central",
    # canary
    "eastus2euap": "East US 2 EUAP", "centraluseuap": "Central US EUAP",
}  # fmt: skip

RESTRICTED: frozenset[str] = frozenset({
    "australiacentral2", "southafricawest", "francesouth", "germanynorth", "norwaywest", "switzerlandwest",
    "uaecentral", "brazilsoutheast", "swedensouth", "jioindiawest", "jioindiacentral",
})  # fmt: skip

#: every public region (the default for types offered everywhere: networking, identities, groups)
ALL: tuple[str, ...] = tuple(PUBLIC)
#: regions where the platform services (AI, Search, App Service, monitoring) are offered [approximation:
#: per-service tables differ in detail; restricted regions are left out as a whole]
SERVICES: tuple[str, ...] = tuple(r for r in PUBLIC if r not in RESTRICTED)

_BY_DISPLAY = {v.replace(" ", "").lower(): k for k, v in PUBLIC.items()}


def normalize(location: str) -> str:
    """``"West US"``, ``"westus"``, ``"WestUS"`` → ``"westus"``; unknown names are lower-cased with
    spaces removed (so that they compare equal to themselves however they are written)."""
    key = location.replace(" ", "").lower()
    return _BY_DISPLAY.get(key, key)


def same(a: str | None, b: str | None) -> bool:
    """Whether two locations name the same region."""
    return a is not None and b is not None and normalize(a) == normalize(b)


def display_name(location: str) -> str:
    """Display name of a region (``eastus2`` → ``East US 2``); ``global`` and unknown names as given."""
    return PUBLIC.get(normalize(location), location)
