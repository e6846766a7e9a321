"""The ``$filter`` of ARM's generic lists (``/resources``, ``/resourcegroups``).

Called by :mod:`lzengine.emulator.backend` before paging a list. ARM accepts a small OData
subset there: clauses joined by ``and`` on ``tagName``/``tagValue`` (a tag pair), ``resourceType``,
``name``, ``location`` and ``resourceGroup`` with ``eq``, and ``substringof('text', name)``.
Comparisons are case-insensitive except tag values. Anything else is refused with 400
``InvalidFilterInQueryString`` ([unconfirmed]: the public material found is other ARM emulators and
tools that use this code, not a recorded Azure answer).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lzengine.emulator import errors

Predicate = Callable[[dict[str, Any]], bool]

_EQ = re.compile(r"^\s*(tagName|tagValue|resourceType|name|location|resourceGroup)\s+eq\s+'((?:[^']|'')*)'\s*$",
                 re.IGNORECASE)
_SUBSTRING = re.compile(r"^\s*substringof\(\s*'((?:[^']|'')*)'\s*,\s*name\s*\)\s*$", re.IGNORECASE)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_RESOURCE_GROUP = re.compile(r"/resourcegroups/([^/]+)", re.IGNORECASE)


def _field(item: dict[str, Any], name: str) -> str:
    """The item's value for an ``eq`` field, normalised for case-insensitive comparison."""
    if name == "resourcegroup":
        match = _RESOURCE_GROUP.search(str(item.get("id", "")))
        return match.group(1).lower() if match else ""
    if name == "location":
        return str(item.get("location", "")).replace(" ", "").lower()
    return str(item.get("type" if name == "resourcetype" else "name", "")).lower()


def compile_filter(expression: str | None) -> Predicate:
    """A predicate over list items (``id``, ``name``, ``type``, ``location``, ``tags``)."""
    if not expression or not expression.strip():
        return lambda item: True
    equals: list[tuple[str, str]] = []
    substrings: list[str] = []
    tag_name: str | None = None
    tag_value: str | None = None
    for clause in _AND.split(expression.strip()):
        if match := _SUBSTRING.match(clause):
            substrings.append(match.group(1).replace("''", "'").lower())
            continue
        match = _EQ.match(clause)
        if match is None:
            raise _invalid(expression)
        name, value = match.group(1).lower(), match.group(2).replace("''", "'")
        if name == "tagname":
            tag_name = value
        elif name == "tagvalue":
            tag_value = value
        else:
            equals.append((name, value.replace(" ", "").lower() if name == "location" else value.lower()))
    if tag_value is not None and tag_name is None:
        raise _invalid(expression)

    def keep(item: dict[str, Any]) -> bool:
        return (
            all(_field(item, name) == value for name, value in equals)
            and all(text in str(item.get("name", "")).lower() for text in substrings)
            and (tag_name is None or _has_tag(item, tag_name, tag_value))
        )

    return keep


def _has_tag(item: dict[str, Any], name: str, value: str | None) -> bool:
    for key, tag in (item.get("tags") or {}).items():
        if key.lower() == name.lower():
            return value is None or tag == value
    return False


def _invalid(expression: str) -> errors.ArmError:
    message = f"Invalid $filter '{expression}' specified in the query string."
    return errors.bad_request("InvalidFilterInQueryString", message)
