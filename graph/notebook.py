"""Query the graph from Python: one function for notebooks and scripts.

    >>> from nhskg.graph import run_query
    >>> run_query("stp-footprint", stp="QHG", as_of="2019-04-01")
    [{'code': '04F', 'name': 'NHS Milton Keynes CCG', ...}, ...]
    >>> run_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    [{'n': 105033}]
    >>> run_query("organisations", type="icb", dataframe=True)   # needs nhskg[pandas]

Values come back as Python types (str, int, Decimal, datetime.date); IRIs as str.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nhskg.graph.publish import current
from nhskg.graph.query.named_queries import QUERY_NAME
from nhskg.graph.query.results import records
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import SelectResult
from nhskg.graph.settings import Settings

_services: dict[tuple[Settings, Path], QueryService] = {}


def _service(settings: Settings) -> QueryService:
    folder = current(settings.build).path
    key = (settings, folder)
    if key not in _services:
        _services.clear()  # a new build was published: drop the old store
        _services[key] = QueryService(settings)
    return _services[key]


def run_query(
    query: str,
    *,
    dataframe: bool = False,
    max_rows: int | None = None,
    settings: Settings | None = None,
    **params: Any,
) -> Any:
    """Run a named query (by name, with keyword parameters) or any read-only SPARQL text.

    Returns a list of dicts, one per row, or a pandas DataFrame with ``dataframe=True``.
    ASK queries return a bool. Parameters are checked and bound exactly as on the
    command line; a bad one raises ``ParameterError`` naming it.
    """
    service = _service(settings or Settings())
    if QUERY_NAME.match(query):
        result: SelectResult | bool | list[Any] = service.run(
            query, {k: str(v) for k, v in params.items()}, max_rows=max_rows
        )
    else:
        if params:
            raise TypeError("keyword parameters apply to named queries only")
        result = service.sparql(query, max_rows=max_rows)
    if isinstance(result, bool):
        return result
    if not isinstance(result, SelectResult):
        return result  # CONSTRUCT / DESCRIBE: a list of pyoxigraph triples
    rows = records(result)
    if not dataframe:
        return rows
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("dataframe=True needs pandas: pip install 'nhskg[pandas]'") from None
    return pd.DataFrame(rows, columns=result.variables)
