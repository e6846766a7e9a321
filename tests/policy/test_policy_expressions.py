"""Template-language expressions in policy rules: parsing, escapes, functions, failures."""

from __future__ import annotations

from typing import Any

import pytest
from _policy_support import RG_ID, SUB, evaluator, make_resource
from hypothesis import given
from hypothesis import strategies as st

from lzengine.policy import TemplateError
from lzengine.policy.expressions import evaluate_value, is_expression, parse_expression

SITE = make_resource(
    "Microsoft.Web/sites",
    "app-prod-01",
    kind="app,linux",
    tags={"env": "prod"},
    properties={"httpsOnly": True, "siteConfig": {"minTlsVersion": "1.2"}, "hostNames": ["a.example", "b.example"]},
)
PARAMS = {"effect": "Deny", "names": ["x", "y"], "obj": {"Key": "v", "nested": {"n": 1}}, "n": 3}


def ev(expression: Any, resource: dict | None = None) -> Any:
    return evaluate_value(expression, evaluator(resource or SITE, PARAMS))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("[parameters('effect')]", "Deny"),
        ("[parameters('EFFECT')]", "Deny"),
        ("[concat('a', 'b', 1)]", "ab1"),
        ("[concat(parameters('names'), createArray('z'))]", ["x", "y", "z"]),
        ("[toLower('ABC')]", "abc"),
        ("[toUpper('abc')]", "ABC"),
        ("[trim('  a  ')]", "a"),
        ("[if(equals(1, 1), 'yes', 'no')]", "yes"),
        ("[if(false, 'yes', 'no')]", "no"),
        ("[equals('a', 'a')]", True),
        ("[equals('a', 'A')]", False),
        ("[equals(createArray(1, 'a'), createArray(1, 'a'))]", True),
        ("[empty('')]", True),
        ("[empty(createArray())]", True),
        ("[empty(parameters('obj'))]", False),
        ("[length('abcd')]", 4),
        ("[length(parameters('names'))]", 2),
        ("[contains('abc', 'b')]", True),
        ("[contains('abc', 'B')]", False),
        ("[contains(parameters('names'), 'y')]", True),
        ("[contains(parameters('obj'), 'key')]", True),
        ("[split('a,b;c', createArray(',', ';'))]", ["a", "b", "c"]),
        ("[split('a/b', '/')]", ["a", "b"]),
        ("[first(split('10.0.0.0/24', '/'))]", "10.0.0.0"),
        ("[last(parameters('names'))]", "y"),
        ("[first('abc')]", "a"),
        ("[substring('abcdef', 2, 3)]", "cde"),
        ("[substring('abcdef', 2)]", "cdef"),
        ("[replace('a-b-c', '-', '.')]", "a.b.c"),
        ("[and(true, equals(1, 1))]", True),
        ("[or(false, false)]", False),
        ("[not(true)]", False),
        ("[string(5)]", "5"),
        ("[string(true)]", "True"),
        ("[string(parameters('names'))]", '["x","y"]'),
        ("[int('42')]", 42),
        ("[bool('TRUE')]", True),
        ("[bool(0)]", False),
        ("[union(createArray(1, 2), createArray(2, 3))]", [1, 2, 3]),
        ("[union(createObject('a', 1), createObject('b', 2))]", {"a": 1, "b": 2}),
        ("[intersection(createArray(1, 2, 3), createArray(3, 2))]", [2, 3]),
        ("[startsWith('Microsoft.Network', 'microsoft.')]", True),
        ("[endsWith('abc', 'BC')]", True),
        ("[coalesce(null(), '', 'x')]", ""),
        ("[coalesce(null(), 'x')]", "x"),
        ("[createObject('k', 1)]", {"k": 1}),
        ("[json('{\"a\": [1, 2]}')]", {"a": [1, 2]}),
        ("[json('{\"a\": [1, 2]}').a[1]]", 2),
        ("[indexOf('abcabc', 'C')]", 2),
        ("[lastIndexOf('abcabc', 'c')]", 5),
        ("[indexOf(parameters('names'), 'y')]", 1),
        ("[take('abcdef', 2)]", "ab"),
        ("[skip(createArray(1, 2, 3), 1)]", [2, 3]),
        ("[take(createArray(1, 2, 3), 10)]", [1, 2, 3]),
        ("[less(1, 2)]", True),
        ("[lessOrEquals('a', 'a')]", True),
        ("[greater(3, 2)]", True),
        ("[greaterOrEquals(2, 3)]", False),
        ("[parameters('obj').key]", "v"),
        ("[parameters('obj')['nested'].n]", 1),
        ("[parameters('obj').missing]", None),
        ("[parameters('names')[0]]", "x"),
        ("[add(parameters('n'), 2)]", 5),
        ("[sub(1, 3)]", -2),
        ("[mul(2, 3)]", 6),
        ("[div(7, 2)]", 3),
        ("[mod(7, 2)]", 1),
        ("[min(3, 1, 2)]", 1),
        ("[max(createArray(3, 9))]", 9),
        ("[range(2, 3)]", [2, 3, 4]),
        ("[format('{0}-{1}', 'a', 2)]", "a-2"),
        ("[padLeft('7', 3, '0')]", "007"),
        ("[join(createArray('a', 'b'), ',')]", "a,b"),
        ("[tryGet(parameters('obj'), 'nested', 'n')]", 1),
        ("[tryGet(parameters('obj'), 'nope')]", None),
        ("[base64ToString(base64('hi'))]", "hi"),
        ("[array('a')]", ["a"]),
        ("[true]", True),
        ("[ 'spaced' ]", "spaced"),
        ("['it''s']", "it's"),
        ("[-5]", -5),
    ],
)
def test_functions(expression: str, expected: Any) -> None:
    assert ev(expression) == expected


def test_policy_functions() -> None:
    assert ev("[field('type')]") == "Microsoft.Web/sites"
    assert ev("[field('Microsoft.Web/sites/siteConfig.minTlsVersion')]") == "1.2"
    assert ev("[field('Microsoft.Web/sites/hostNames[*]')]") == ["a.example", "b.example"]
    assert ev("[field('Microsoft.Web/sites/clientAffinityEnabled')]") == ""  # missing → ""
    assert ev("[field('Microsoft.Web/sites/missingArray[*]')]") == []
    assert ev("[field('tags')]") == {"env": "prod"}
    assert ev("[field('tags.env')]") == "prod"
    assert ev("[field('fullName')]") == "app-prod-01"
    assert ev("[resourceGroup().name]") == "rg-lz"
    assert ev("[resourceGroup().id]") == RG_ID
    assert ev("[resourceGroup().location]") == "westeurope"
    assert ev("[resourceGroup().tags['absent']]") is None
    assert ev("[subscription().subscriptionId]") == SUB
    assert ev("[subscription().id]") == f"/subscriptions/{SUB}"
    assert ev("[requestContext().apiVersion]") == "2024-05-01"
    assert ev("[policy().assignmentId]") == "a"
    assert ev("[utcNow()]") == "2025-01-02T03:04:05.1234560Z"
    assert ev("[utcNow('yyyy-MM-dd')]") == "2025-01-02"
    assert ev("[addDays('2025-01-30T00:00:00Z', 3)]") == "2025-02-02T00:00:00.0000000Z"
    assert ev("[less(addDays(utcNow(), -1), utcNow())]") is True


@pytest.mark.parametrize(
    ("range_", "target", "expected"),
    [
        ("10.0.0.0/16", "10.0.4.0/24", True),
        ("10.0.0.0/24", "10.0.1.0/24", False),
        ("10.0.0.0/24", "10.0.0.7", True),
        ("192.168.0.1-192.168.0.9", "192.168.0.5", True),
        ("192.168.0.1-192.168.0.9", "192.168.0.8-192.168.0.10", False),
        ("2001:0DB8::/110", "2001:0DB8::3:FFFE", True),
        ("10.0.0.0/8", "10.0.0.0/8", True),
    ],
)
def test_ip_range_contains(range_: str, target: str, expected: bool) -> None:
    assert ev(f"[ipRangeContains('{range_}', '{target}')]") is expected


@pytest.mark.parametrize(
    "expression",
    [
        "[ipRangeContains('10.0.0.0/8', '2001:db8::1')]",  # mixed families
        "[ipRangeContains('', '10.0.0.1')]",
        "[substring('ab', 0, 3)]",
        "[parameters('nope')]",
        "[reference('x')]",  # not available in policy rules
        "[resourceId('a', 'b')]",
        "[int('x')]",
        "[createArray(1)[5]]",
        "[length(1)]",
        "[concat('a', createArray(1))]",
        "[toLower(1)]",
        "[json('{')]",
        "[div(1, 0)]",
        "[less(1, 'a')]",
        "[if(true, 'a')]",
        "[field('name').x]",
        "[equals(1)]",
        "[concat('a']",  # unbalanced
        "[unknownIdentifier]",
    ],
)
def test_function_failures_raise(expression: str) -> None:
    with pytest.raises(TemplateError):
        ev(expression)


def test_if_evaluates_only_the_taken_branch() -> None:
    # The documented way to avoid substring() failures on short names.
    expr = "[if(greaterOrEquals(length(field('name')), 20), substring(field('name'), 0, 20), 'short')]"
    assert ev(expr) == "short"
    assert ev("[or(true, parameters('undefined'))]") is True
    assert ev("[and(false, parameters('undefined'))]") is False


def test_escaped_brackets_are_literals() -> None:
    assert ev("[[parameters('effect')]") == "[parameters('effect')]"
    assert ev("[[abc]") == "[abc]"
    assert ev("plain") == "plain"
    assert ev("[not an expression") == "[not an expression"
    assert not is_expression("[[x]")
    assert ev(["[parameters('n')]", {"k": "[toUpper('a')]"}, 5]) == [3, {"k": "A"}, 5]


def test_parse_is_cached_and_function_names_case_insensitive() -> None:
    assert parse_expression("[CONCAT('a')]") is parse_expression("[CONCAT('a')]")
    assert ev("[CONCAT(ToLower('A'), SubString('xyz', 1, 1))]") == "ay"


@given(st.text(alphabet=st.characters(codec="ascii", exclude_characters="\x00"), max_size=20))
def test_string_literals_round_trip(text: str) -> None:
    literal = "'" + text.replace("'", "''") + "'"
    assert ev(f"[{literal}]") == text
    assert ev(f"[concat({literal}, '')]") == text


@given(st.integers(min_value=-10_000, max_value=10_000), st.integers(min_value=-10_000, max_value=10_000))
def test_comparison_functions_agree_with_python(a: int, b: int) -> None:
    assert ev(f"[less({a}, {b})]") is (a < b)
    assert ev(f"[greaterOrEquals({a}, {b})]") is (a >= b)
    assert ev(f"[equals({a}, {b})]") is (a == b)
    assert ev(f"[add({a}, {b})]") == a + b
