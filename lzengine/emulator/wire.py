"""Request bodies as the emulator reads them (used by the app and the admin API)."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request

from lzengine.emulator import errors


def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object (``{}`` when empty); ``InvalidRequestContent`` for anything else."""
    data = request.get_data()
    if not data or not data.strip():
        return {}
    try:
        body = json.loads(data)
    except ValueError as exc:
        raise errors.invalid_json(str(exc)) from None
    if not isinstance(body, dict):
        raise errors.invalid_json("the body must be a JSON object")
    return body
