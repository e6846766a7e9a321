"""Standalone Azure Policy rule evaluator (request-time enforcement and preflight).

Used by the engine (preflight before any write: would ARM answer 403
``RequestDisallowedByPolicy``?) and by the local ARM emulator (request-time enforcement on every
PUT/PATCH/DELETE). A pure library: it imports nothing else from ``lzengine`` and no Azure SDK.

Typical use::

    definition = load_definition(json.load(open("AllowedLocations_Deny.json")))
    assignment = Assignment.from_arm(assignment_body)
    decision = evaluate_request(
        body,
        assignments=[assignment],
        definitions={definition.id: definition},
        context=RequestContext(api_version="2024-05-01", subscription_id=sub),
    )
    if decision.denied:
        return 403, decision.deny_error()
    body = decision.modified_resource
"""

from .aliases import AliasPath, resolve_alias
from .conditions import DefinitionError
from .engine import Decision, evaluate_request, summarize
from .expressions import TemplateError
from .models import (
    Assignment,
    Definition,
    DefinitionNotFoundError,
    ExistenceLookup,
    PolicyError,
    PolicyResult,
    RequestContext,
    load_definition,
)

__all__ = [
    "AliasPath",
    "Assignment",
    "Decision",
    "Definition",
    "DefinitionError",
    "DefinitionNotFoundError",
    "ExistenceLookup",
    "PolicyError",
    "PolicyResult",
    "RequestContext",
    "TemplateError",
    "evaluate_request",
    "load_definition",
    "resolve_alias",
    "summarize",
]
