"""Local Azure Resource Manager emulator.

Used by lzengine's tests and by ``lzengine emulator serve`` so the engine can run against a
realistic ARM endpoint (typed Azure SDK clients, HTTPS, LROs, busy-parent conflicts, throttling,
seeded faults, RBAC) without a subscription. This package imports nothing else from lzengine.

Public API: :class:`Emulator` (``start()``/``stop()``/context manager; ``url``, ``ca_file``,
``token``, ``subscription_id``) and :data:`DEFAULT_SUBSCRIPTION_ID`.

Admin API (admin token only; never counted, throttled or faulted), under ``/_emulator``:
``GET stats``, ``POST stats/reset``, ``GET resources``, ``POST reset``, ``GET latency``,
``GET|PUT|DELETE faults``, ``GET|POST principals``, ``GET|POST clock`` (``{"advance": s}``),
``POST settle`` (finish every running operation), ``GET operations``,
``PUT providers/{namespace}`` (``{"registrationState": "NotRegistered"}``).

Layout: ``server`` (HTTPS + Emulator), ``app`` (WSGI routing, auth, throttling, faults, admin),
``backend`` (ARM state machine and LROs), ``store`` (resources, optional SQLite), ``registry``
(per-type behaviour as data), ``hooks`` (per-type behaviour as code), ``paths``, ``errors``,
``auth``, ``throttle``, ``faults``, ``serve`` (CLI entry), ``bench`` (speed benchmark).
"""

from lzengine.emulator.backend import DEFAULT_SUBSCRIPTION_ID
from lzengine.emulator.server import Emulator

__all__ = ["DEFAULT_SUBSCRIPTION_ID", "Emulator"]
