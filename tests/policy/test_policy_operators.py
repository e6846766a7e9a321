"""Condition operators, logical combinators, case rules, location normalisation and field names."""

from __future__ import annotations

import fnmatch
import re

import pytest
from _policy_support import check, evaluator, make_resource
from hypothesis import given
from hypothesis import strategies as st

from lzengine.policy import TemplateError
from lzengine.policy.conditions import apply_operator, like, match, values_equal

SEARCH = make_resource(
    "Microsoft.Search/searchServices",
    "srch",
    location="East US 2",
    kind="Standard",
    tags={"Env": "Prod", "cost-center": "42", "it's": "quoted"},
    sku={"name": "standard"},
    identity={"type": "SystemAssigned"},
    properties={
        "publicNetworkAccess": "disabled",
        "replicaCount": 3,
        "disableLocalAuth": True,
        "hostingMode": "default",
        "networkRuleSet": {"ipRules": [{"value": "10.0.0.1"}, {"value": "10.0.0.2"}]},
        "emptyList": [],
        "createdAt": "2024-06-01T10:00:00Z",
    },
)


def f(field: str, op: str, target: object) -> dict:
    return {"field": field, op: target}


# ------------------------------------------------------------------------------ equals family


@pytest.mark.parametrize(
    ("field", "op", "target", "expected"),
    [
        ("type", "equals", "microsoft.search/SEARCHSERVICES", True),
        ("type", "notEquals", "Microsoft.Search/searchServices", False),
        ("name", "equals", "SRCH", True),
        ("kind", "equals", "standard", True),
        ("Microsoft.Search/searchServices/publicNetworkAccess", "equals", "Disabled", True),
        ("Microsoft.Search/searchServices/publicNetworkAccess", "notEquals", "Disabled", False),
        # booleans and numbers compare with their string forms
        ("Microsoft.Search/searchServices/disableLocalAuth", "equals", "true", True),
        ("Microsoft.Search/searchServices/disableLocalAuth", "equals", True, True),
        ("Microsoft.Search/searchServices/disableLocalAuth", "notEquals", True, False),
        ("Microsoft.Search/searchServices/replicaCount", "equals", "3", True),
        ("Microsoft.Search/searchServices/replicaCount", "equals", 3, True),
        # missing property: positive operators fail, negations hold
        ("Microsoft.Search/searchServices/semanticSearch", "equals", "free", False),
        ("Microsoft.Search/searchServices/semanticSearch", "notEquals", "free", True),
        ("Microsoft.Search/searchServices/semanticSearch", "equals", "", True),
        ("identity.type", "equals", "systemassigned", True),
        ("sku.name", "equals", "Standard", True),  # lenient raw path
    ],
)
def test_equals_family(field: str, op: str, target: object, expected: bool) -> None:
    assert check(f(field, op, target), SEARCH) is expected


def test_equals_objects_and_arrays_deep_and_case_insensitive() -> None:
    assert values_equal({"A": ["x", 1]}, {"a": ["X", "1"]})
    assert not values_equal(["a"], ["a", "b"])
    assert not values_equal({"a": 1}, ["a"])
    assert check(f("tags", "equals", {"env": "prod", "COST-CENTER": 42, "it's": "QUOTED"}), SEARCH)


# ------------------------------------------------------------------------------ like / match


@pytest.mark.parametrize(
    ("value", "pattern", "expected"),
    [
        ("Microsoft.Network/virtualNetworks", "Microsoft.Network/*", True),
        ("microsoft.network/virtualnetworks", "MICROSOFT.NETWORK/*", True),
        ("Microsoft.Web/sites", "Microsoft.Network/*", False),
        ("rg-prod-net", "*-net", True),
        ("abc", "abc", True),
        ("abc", "ab", False),
        ("a?c", "a?c", True),  # ? is literal in like
        ("abc", "a?c", False),
        ("", "*", True),
        ("anything", "*", True),
    ],
)
def test_like(value: str, pattern: str, expected: bool) -> None:
    assert like(value, pattern) is expected
    assert apply_operator("notlike", value, pattern) is (not expected)


@pytest.mark.parametrize(
    ("value", "pattern", "sensitive", "insensitive"),
    [
        ("vm01", "vm##", True, True),
        ("VM01", "vm##", False, True),
        ("vmA1", "vm##", False, False),
        ("abc-1", "???-#", True, True),
        ("ab1-1", "???-#", False, False),
        ("x.y", "x.y", True, True),
        ("xzy", "x.y", True, True),
        ("vm012", "vm##", False, False),  # whole string
    ],
)
def test_match_and_match_insensitively(value: str, pattern: str, sensitive: bool, insensitive: bool) -> None:
    assert match(value, pattern, ignore_case=False) is sensitive
    assert match(value, pattern, ignore_case=True) is insensitive
    res = make_resource("Microsoft.Web/sites", value)
    assert check(f("name", "match", pattern), res) is sensitive
    assert check(f("name", "notMatch", pattern), res) is (not sensitive)
    assert check(f("name", "matchInsensitively", pattern), res) is insensitive
    assert check(f("name", "notMatchInsensitively", pattern), res) is (not insensitive)


# ------------------------------------------------------------------------------ contains / in / keys


def test_contains_string_and_array() -> None:
    assert check(f("name", "contains", "RC"), SEARCH)
    assert check(f("name", "notContains", "xyz"), SEARCH)
    assert check(f("tags", "containsKey", "ENV"), SEARCH)
    assert check(f("tags", "notContainsKey", "owner"), SEARCH)
    assert check(f("Microsoft.Search/searchServices/networkRuleSet.ipRules", "contains", {"VALUE": "10.0.0.1"}), SEARCH)
    res = make_resource("Microsoft.Web/sites", "app", kind="functionapp,linux")
    assert check(f("kind", "contains", "FunctionApp"), res)
    assert not check(f("kind", "notContains", "functionapp"), res)
    # missing values
    assert not check(f("Microsoft.Web/sites/clientCertMode", "contains", "x"), res)
    assert check(f("Microsoft.Web/sites/clientCertMode", "notContains", "x"), res)
    assert not check(f("tags", "containsKey", "x"), res)
    assert check(f("tags", "notContainsKey", "x"), res)


def test_in_and_not_in() -> None:
    assert check(f("type", "in", ["microsoft.search/searchservices", "x"]), SEARCH)
    assert not check(f("type", "notIn", ["MICROSOFT.SEARCH/SEARCHSERVICES"]), SEARCH)
    assert check(f("Microsoft.Search/searchServices/replicaCount", "in", ["1", "3"]), SEARCH)
    assert not check(f("Microsoft.Search/searchServices/missing", "in", ["a"]), SEARCH)
    assert check(f("Microsoft.Search/searchServices/missing", "notIn", ["a"]), SEARCH)
    assert check(f("name", "in", "[parameters('names')]"), SEARCH, {"names": ["other", "srch"]})


# ------------------------------------------------------------------------------ ordering


@pytest.mark.parametrize(
    ("op", "target", "expected"),
    [
        ("less", 4, True),
        ("less", 3, False),
        ("lessOrEquals", 3, True),
        ("greater", 2, True),
        ("greater", "2", True),
        ("greaterOrEquals", 3, True),
        ("greaterOrEquals", 4, False),
    ],
)
def test_numeric_ordering(op: str, target: object, expected: bool) -> None:
    assert check(f("Microsoft.Search/searchServices/replicaCount", op, target), SEARCH) is expected


def test_date_and_string_ordering() -> None:
    created = "Microsoft.Search/searchServices/createdAt"
    assert check(f(created, "less", "2024-07-01T00:00:00Z"), SEARCH)
    assert check(f(created, "greater", "2024-05-31"), SEARCH)
    assert check(f("name", "less", "SZZ"), SEARCH)  # ordinal, ignoring case
    assert not check(f("Microsoft.Search/searchServices/missing", "less", 5), SEARCH)
    assert not check(f("Microsoft.Search/searchServices/missing", "greaterOrEquals", 5), SEARCH)


def test_ordering_type_mismatch_raises() -> None:
    with pytest.raises(TemplateError):
        check(f("Microsoft.Search/searchServices/disableLocalAuth", "less", 5), SEARCH)


# ------------------------------------------------------------------------------ exists


@pytest.mark.parametrize("flag", [True, "true", "True", "TRUE"])
def test_exists_true_forms(flag: object) -> None:
    assert check(f("Microsoft.Search/searchServices/hostingMode", "exists", flag), SEARCH)
    assert not check(f("Microsoft.Search/searchServices/nope", "exists", flag), SEARCH)


@pytest.mark.parametrize("flag", [False, "false", "False"])
def test_exists_false_forms(flag: object) -> None:
    assert not check(f("Microsoft.Search/searchServices/hostingMode", "exists", flag), SEARCH)
    assert check(f("Microsoft.Search/searchServices/nope", "exists", flag), SEARCH)


def test_json_null_counts_as_missing() -> None:
    subnet = make_resource(
        "Microsoft.Network/virtualNetworks/subnets",
        "vnet",
        "sn",
        location=None,
        properties={"networkSecurityGroup": None},
    )
    assert check(f("Microsoft.Network/virtualNetworks/subnets/networkSecurityGroup.id", "exists", "false"), subnet)
    assert check(f("Microsoft.Network/virtualNetworks/subnets/networkSecurityGroup", "exists", "false"), subnet)


# ------------------------------------------------------------------------------ location


@pytest.mark.parametrize("written", ["East US 2", "eastus2", "EASTUS2", "east us 2"])
def test_location_normalisation(written: str) -> None:
    res = make_resource("Microsoft.Web/sites", "app", location=written)
    assert check(f("location", "equals", "East US 2"), res)
    assert check(f("location", "equals", "eastus2"), res)
    assert check(f("location", "in", ["westeurope", "East Us 2"]), res)
    assert not check(f("location", "notIn", ["eastus2"]), res)
    assert check(f("location", "like", "eastus*"), res)


# ------------------------------------------------------------------------------ field names


def test_tag_field_forms() -> None:
    assert check(f("tags.Env", "equals", "prod"), SEARCH)
    assert check(f("tags['env']", "equals", "prod"), SEARCH)
    assert check(f("tags[env]", "equals", "prod"), SEARCH)
    assert check(f("tags['cost-center']", "equals", "42"), SEARCH)
    assert check(f("tags['it''s']", "equals", "quoted"), SEARCH)
    assert check(f("tags['missing']", "exists", "false"), SEARCH)
    assert check(f("[concat('tags[', parameters('t'), ']')]", "exists", True), SEARCH, {"t": "ENV"})
    assert check(f("tags[*]", "notEquals", "forbidden"), SEARCH)
    assert not check(f("tags[*]", "equals", "prod"), SEARCH)


def test_name_fullname_id_type_for_child_resources() -> None:
    subnet = make_resource("Microsoft.Network/virtualNetworks/subnets", "hub-vnet", "GatewaySubnet", location=None)
    assert check(f("name", "equals", "gatewaysubnet"), subnet)
    assert check(f("fullName", "equals", "hub-vnet/GatewaySubnet"), subnet)
    assert check(f("id", "like", "*/virtualNetworks/hub-vnet/subnets/GatewaySubnet"), subnet)
    assert check(f("location", "exists", "false"), subnet)


def test_alias_of_another_type_selects_nothing() -> None:
    cog = make_resource("Microsoft.CognitiveServices/accounts", "ai", properties={"disableLocalAuth": True})
    assert check(f("Microsoft.CognitiveServices/accounts/disableLocalAuth", "equals", True), cog)
    assert check(f("Microsoft.Search/searchServices/disableLocalAuth", "exists", False), cog)
    assert check(f("Microsoft.Search/searchServices/disableLocalAuth", "notEquals", True), cog)


# ------------------------------------------------------------------------------ [*] semantics

IPRULES = "Microsoft.Search/searchServices/networkRuleSet.ipRules[*].value"


def test_star_alias_all_elements_must_match() -> None:
    assert check(f(IPRULES, "like", "10.0.0.*"), SEARCH)
    assert not check(f(IPRULES, "equals", "10.0.0.1"), SEARCH)  # only one element matches
    assert not check(f(IPRULES, "notEquals", "10.0.0.1"), SEARCH)
    assert check({"not": f(IPRULES, "notEquals", "10.0.0.1")}, SEARCH)  # "any equals"
    assert check(f(IPRULES, "notEquals", "10.9.9.9"), SEARCH)  # "none equals"
    assert check(f(IPRULES, "exists", True), SEARCH)
    assert not check(f(IPRULES, "exists", False), SEARCH)


@pytest.mark.parametrize("rules", [None, [], "missing-key"])
def test_star_alias_on_empty_or_missing_array_is_vacuously_true(rules: object) -> None:
    props: dict = {"networkRuleSet": {"ipRules": rules}} if rules != "missing-key" else {}
    res = make_resource("Microsoft.Search/searchServices", "s", properties=props)
    assert check(f(IPRULES, "exists", "false"), res)
    assert check(f(IPRULES, "exists", "true"), res)
    assert check(f(IPRULES, "equals", "anything"), res)
    assert check(f("Microsoft.Search/searchServices/networkRuleSet.ipRules[*]", "notEquals", "x"), res)


def test_star_alias_elements_without_the_property_are_missing() -> None:
    res = make_resource(
        "Microsoft.Search/searchServices", "s", properties={"networkRuleSet": {"ipRules": [{"value": "1.1.1.1"}, {}]}}
    )
    assert not check(f(IPRULES, "exists", "true"), res)
    assert not check(f(IPRULES, "exists", "false"), res)
    assert check(f(IPRULES, "notEquals", "2.2.2.2"), res)


# ------------------------------------------------------------------------------ logic


def test_logical_combinators() -> None:
    t = f("name", "equals", "srch")
    fa = f("name", "equals", "other")
    assert check({"allOf": [t, t]}, SEARCH)
    assert not check({"allOf": [t, fa]}, SEARCH)
    assert check({"anyOf": [fa, t]}, SEARCH)
    assert not check({"anyOf": [fa, fa]}, SEARCH)
    assert check({"not": fa}, SEARCH)
    assert check({"AllOf": [{"Not": {"AnyOf": [fa]}}]}, SEARCH)  # keys are case-insensitive
    assert check({"allOf": [{"anyOf": [fa, {"not": {"not": t}}]}, {"not": {"allOf": [t, fa]}}]}, SEARCH)


def test_evaluation_details_explain_the_result() -> None:
    ev = evaluator(SEARCH)
    result, exprs = ev.evaluate(
        {"allOf": [f("type", "equals", "Microsoft.Search/searchServices"), f("name", "like", "s*")]}
    )
    assert result
    assert [e["operator"] for e in exprs] == ["Equals", "Like"]
    assert exprs[0] == {
        "result": "True",
        "expressionKind": "Field",
        "expression": "type",
        "path": "type",
        "expressionValue": "Microsoft.Search/searchServices",
        "targetValue": "Microsoft.Search/searchServices",
        "operator": "Equals",
    }
    result, exprs = ev.evaluate({"anyOf": [f("name", "equals", "x"), f("kind", "equals", "standard")]})
    assert result and [e["expression"] for e in exprs] == ["kind"]
    _, exprs = ev.evaluate(f("Microsoft.Search/searchServices/missing", "exists", "false"))
    assert "expressionValue" not in exprs[0] and exprs[0]["path"] == "properties.missing"


def test_value_condition_records_value_kind() -> None:
    _, exprs = evaluator(SEARCH).evaluate({"value": "[length(field('tags'))]", "greater": 1})
    assert exprs == [
        {
            "result": "True",
            "expressionKind": "Value",
            "expression": "[length(field('tags'))]",
            "expressionValue": 3,
            "targetValue": 1,
            "operator": "Greater",
        }
    ]


# ------------------------------------------------------------------------------ properties


_text = st.text(alphabet=st.characters(codec="ascii", exclude_characters="*"), max_size=12)


@given(prefix=_text, middle=_text, suffix=_text)
def test_like_star_matches_any_middle(prefix: str, middle: str, suffix: str) -> None:
    value = prefix + middle + suffix
    assert like(value, prefix + "*" + suffix)
    assert like(value.upper(), (prefix + "*" + suffix).lower())


@given(value=st.text(alphabet="abAB-.", max_size=8), pattern=st.text(alphabet="abAB-.*", max_size=8))
def test_like_agrees_with_fnmatch_when_star_is_the_only_wildcard(value: str, pattern: str) -> None:
    assert like(value, pattern) is fnmatch.fnmatchcase(value.lower(), pattern.lower())


@given(value=_text, pattern=_text)
def test_like_without_star_is_case_insensitive_equality(value: str, pattern: str) -> None:
    assert like(value, pattern) is (value.casefold() == pattern.casefold())


@given(
    value=st.text(alphabet=st.characters(codec="ascii"), max_size=10), pattern=st.text(alphabet="#?.ab1", max_size=10)
)
def test_match_agrees_with_a_regex_model(value: str, pattern: str) -> None:
    table = {"#": r"\d", "?": r"[^\W\d_]", ".": "."}
    regex = "".join(table.get(c, re.escape(c)) for c in pattern)
    expected = re.fullmatch(regex, value, re.DOTALL) is not None
    assert match(value, pattern, ignore_case=False) is expected


@given(
    name=st.sampled_from(["srch", "other", "SRCH"]),
    op=st.sampled_from(["equals", "notEquals", "like", "contains", "in"]),
)
def test_not_not_is_identity(name: str, op: str) -> None:
    target: object = [name] if op == "in" else name
    leaf = f("name", op, target)
    assert check({"not": {"not": leaf}}, SEARCH) == check(leaf, SEARCH)
    assert check({"not": leaf}, SEARCH) != check(leaf, SEARCH)


@given(a=st.text(max_size=8), b=st.text(max_size=8))
def test_equals_is_symmetric_and_case_insensitive(a: str, b: str) -> None:
    assert values_equal(a, b) == values_equal(b, a)
    assert values_equal(a, a.upper()) or a.upper().casefold() != a.casefold()


@given(st.lists(st.booleans(), min_size=1, max_size=6))
def test_allof_anyof_match_python_all_any(bits: list[bool]) -> None:
    leaves = [f("name", "equals", "srch" if b else "nope") for b in bits]
    assert check({"allOf": leaves}, SEARCH) is all(bits)
    assert check({"anyOf": leaves}, SEARCH) is any(bits)
