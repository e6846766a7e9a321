"""Local Azure Resource Manager emulator.

Used by lzengine's tests and by ``lzengine emulator serve`` so the engine can run against a
realistic ARM endpoint (typed Azure SDK clients, HTTPS, LROs, busy-parent conflicts, throttling,
seeded faults, RBAC, Azure Policy) without a subscription. This package imports nothing else from
lzengine but the standalone policy evaluator :mod:`lzengine.policy`.

Public API: :class:`Emulator` (``start()``/``stop()``/context manager; ``url``, ``ca_file``,
``token``, ``subscription_id``; ``policy_dirs=[...]`` preloads built-in policy definitions) and
:data:`DEFAULT_SUBSCRIPTION_ID`.

Admin API (admin token only; never counted, throttled or faulted), under ``/_emulator``:
``GET stats``, ``POST stats/reset``, ``GET resources``, ``POST reset``, ``GET latency``,
``GET|PUT|DELETE faults``, ``GET|POST principals``, ``GET|POST clock`` (``{"advance": s}``),
``POST settle`` (finish every running operation), ``GET operations``,
``PUT providers/{namespace}`` (``{"registrationState": "NotRegistered"}``),
``GET policy/compliance`` (summary, per-resource results, denials), ``POST policy/scan``,
``GET|PUT quota`` (Cognitive Services limits: ``{"location", "sku", "model", "limit"}``),
``GET|POST directory`` (``{"objectId", "type"}``: principals role assignments may name).

Layout: ``server`` (HTTPS + Emulator), ``app`` (WSGI routing, auth, throttling, faults, admin),
``backend`` (ARM state machine and LROs), ``store`` (resources, optional SQLite), ``registry``
(per-type behaviour as data), ``hooks`` (per-type behaviour as code, dispatching to ``rp_network``,
``rp_cognitive``, ``rp_search``, ``rp_web``, ``rp_monitor``, ``rp_authorization``; helpers in
``rp_common``), ``governance`` (Azure Policy, on :mod:`lzengine.policy`), ``roles`` (built-in
role definitions), ``paths``, ``errors``, ``auth``, ``throttle``, ``faults``, ``serve`` (CLI
entry), ``bench`` (speed benchmark).
"""

from lzengine.emulator.backend import DEFAULT_SUBSCRIPTION_ID
from lzengine.emulator.server import Emulator

__all__ = ["DEFAULT_SUBSCRIPTION_ID", "Emulator"]
