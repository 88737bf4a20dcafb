"""nhskg.graph: build, validate, store and query the NHS partnership knowledge graph.

The one function most notebooks need is :func:`nhskg.graph.notebook.run_query`,
also reachable as ``nhskg.graph.run_query``::

    from nhskg.graph import run_query
    rows = run_query("stp-footprint", stp="QHG", as_of="2019-04-01")
"""

from __future__ import annotations

from typing import Any

__all__ = ["run_query"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `import nhskg.graph.mint` stays light.
    if name == "run_query":
        from nhskg.graph.notebook import run_query

        return run_query
    raise AttributeError(name)
