"""Small helpers shared by the reference readers: ODS dates, periods, code checks."""

from __future__ import annotations

import datetime as dt

from nhskg.graph.dates import DateError, intersect, parse_date
from nhskg.graph.reference.catalog import Catalog
from nhskg.graph.reference.model import Period
from nhskg.graph.reference.readers import ReferenceFileError, Row

RULE_ICB = "icbs-replace-stps-and-ccgs"


def ods_date(row: Row, column: int, catalog: Catalog) -> dt.date | None:
    """An ODS YYYYMMDD date from a column, None when empty; a bad date names file and line."""
    text = row[column]
    if not text:
        return None
    try:
        parsed = parse_date(text)
    except DateError as exc:
        path = catalog.folder / catalog.info(row.dataset).file
        raise ReferenceFileError(f"{path}:{row.number}: column {column + 1}: {exc}") from None
    return parsed.first


def period(catalog: Catalog, dataset_id: str) -> Period:
    info = catalog.info(dataset_id)
    return info.period if info.period else (None, None)


def clip(*periods: Period) -> Period | None:
    """The part of a dataset's period during which the organisations existed."""
    return intersect(*periods)


def fail(catalog: Catalog, row: Row, message: str) -> ReferenceFileError:
    path = catalog.folder / catalog.info(row.dataset).file
    return ReferenceFileError(f"{path}:{row.number}: {message}")


def day_before(value: dt.date) -> dt.date:
    return value - dt.timedelta(days=1)
