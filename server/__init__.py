"""The dpgkg SPARQL endpoint: ``create_app(settings)`` (server/app.py), one blueprint per
view (server/views/), and query worker processes (server/pool.py, server/worker.py).

Names are imported lazily so a query worker, which imports ``server.worker``, does not load
Flask and the views it never uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from server.app import close_app, create_app

__all__ = ["close_app", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from server import app

        return getattr(app, name)
    raise AttributeError(f"module 'server' has no attribute {name!r}")
