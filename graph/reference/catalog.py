"""The catalogue of reference datasets (data/reference/datasets.yaml).

Loads each dataset's metadata, opens its file as a :class:`Table`, and describes it
in the graph as a ``dcat:Dataset`` with its source, publisher, licence, period and
a ``dcat:Distribution`` for the local file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import Literal, NamedNode

from nhskg.graph import mint
from nhskg.graph.dates import DateError, parse_date
from nhskg.graph.emit import GraphWriter
from nhskg.graph.namespaces import DCAT, DCTERMS, FOAF, NHSKG, PROV, RDFS, XSD
from nhskg.graph.reference.model import Rule
from nhskg.graph.reference.readers import ReferenceFileError, Table, read_table

CSV_MEDIA_TYPE = NamedNode("https://www.iana.org/assignments/media-types/text/csv")
YAML_MEDIA_TYPE = NamedNode("https://www.iana.org/assignments/media-types/application/yaml")


@dataclass(frozen=True)
class DatasetInfo:
    id: str
    file: str
    header: bool
    title: str
    publisher: str
    licence: str
    origin: str
    description: str
    snapshot: dt.date | None
    period: tuple[dt.date, dt.date] | None
    licence_note: str | None


@dataclass
class Catalog:
    """The datasets of one data directory, and the files behind them."""

    folder: Path
    datasets: dict[str, DatasetInfo]
    publishers: dict[str, str]
    licences: dict[str, str]

    def info(self, dataset_id: str) -> DatasetInfo:
        try:
            return self.datasets[dataset_id]
        except KeyError:
            raise ReferenceFileError(
                f"{self.folder / 'datasets.yaml'}: no dataset {dataset_id!r} is described"
            ) from None

    def table(self, dataset_id: str, *, min_columns: int = 1) -> Table:
        info = self.info(dataset_id)
        return read_table(
            dataset_id, self.folder / info.file, header=info.header, min_columns=min_columns
        )

    def rules(self) -> dict[str, Rule]:
        path = self.folder / self.info("nhskg-landscape-rules").file
        data = _load_yaml(path)
        rules: dict[str, Rule] = {}
        for i, entry in enumerate(data.get("rules") or [], start=1):
            where = f"{path}: rule {i}"
            try:
                rules[entry["key"]] = Rule(
                    key=str(entry["key"]),
                    date=_date(entry["date"], where, "date"),
                    text=" ".join(str(entry["text"]).split()),
                    source=str(entry["source"]),
                )
            except KeyError as exc:
                raise ReferenceFileError(f"{where}: missing field {exc.args[0]!r}") from None
        return rules

    def emit(self, w: GraphWriter) -> None:
        """Describe every dataset in the catalogue graph."""
        for key, name in sorted(self.publishers.items()):
            agent = mint.statement("agent", key)
            w.types(agent, FOAF.Agent, FOAF.Organization)
            w.text(agent, FOAF.name, name)
            w.text(agent, RDFS.label, name)
        for info in sorted(self.datasets.values(), key=lambda d: d.id):
            node = mint.dataset(info.id)
            dist = mint.distribution(info.id)
            w.types(node, DCAT.Dataset)
            w.text(node, DCTERMS.identifier, info.id)
            w.text(node, DCTERMS.title, info.title, lang="en")
            w.text(node, RDFS.label, info.title, lang="en")
            w.text(node, DCTERMS.description, info.description, lang="en")
            w.add(node, DCTERMS.publisher, mint.statement("agent", info.publisher))
            w.add(node, DCTERMS.license, NamedNode(self.licences[info.licence]))
            w.text(node, DCTERMS.rights, info.licence_note)
            w.add(node, DCTERMS.source, NamedNode(info.origin))
            w.date(node, NHSKG.snapshotDate, info.snapshot)
            if info.period:
                period = mint.statement("dataset", info.id, "period")
                w.add(node, DCTERMS.temporal, period)
                w.types(period, DCTERMS.PeriodOfTime)
                w.date(period, DCAT.startDate, info.period[0])
                w.date(period, DCAT.endDate, info.period[1])
            w.add(node, DCAT.distribution, dist)
            w.types(dist, DCAT.Distribution)
            w.text(dist, DCTERMS.identifier, f"data/reference/{info.file}")
            media = YAML_MEDIA_TYPE if info.file.endswith(".yaml") else CSV_MEDIA_TYPE
            w.add(dist, DCAT.mediaType, media)
            size = (self.folder / info.file).stat().st_size
            w.add(dist, DCAT.byteSize, Literal(str(size), datatype=XSD.nonNegativeInteger))
            if info.id.startswith("derived-"):
                w.add(node, PROV.wasDerivedFrom, NamedNode(info.origin))


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReferenceFileError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise ReferenceFileError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ReferenceFileError(f"{path}: expected a mapping at the top level")
    return data


def _date(value: Any, where: str, field_name: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        parsed = parse_date(str(value))
    except DateError as exc:
        raise ReferenceFileError(f"{where}: field {field_name!r}: {exc}") from None
    if parsed.precision != "day":
        raise ReferenceFileError(f"{where}: field {field_name!r}: needs a full date")
    return parsed.first


def load_catalog(folder: Path) -> Catalog:
    """Read datasets.yaml; each entry must name an existing file."""
    path = folder / "datasets.yaml"
    data = _load_yaml(path)
    publishers = {str(k): str(v) for k, v in (data.get("publishers") or {}).items()}
    licences = {str(k): str(v) for k, v in (data.get("licences") or {}).items()}
    datasets: dict[str, DatasetInfo] = {}
    for i, entry in enumerate(data.get("datasets") or [], start=1):
        where = f"{path}: dataset {i} ({entry.get('id', '?')})"
        try:
            period = entry.get("period")
            info = DatasetInfo(
                id=str(entry["id"]),
                file=str(entry["file"]),
                header=bool(entry["header"]),
                title=str(entry["title"]),
                publisher=str(entry["publisher"]),
                licence=str(entry["licence"]),
                origin=str(entry["origin"]),
                description=" ".join(str(entry["description"]).split()),
                snapshot=_date(entry["snapshot"], where, "snapshot")
                if "snapshot" in entry
                else None,
                period=(
                    (_date(period[0], where, "period"), _date(period[1], where, "period"))
                    if period
                    else None
                ),
                licence_note=entry.get("licence_note"),
            )
        except KeyError as exc:
            raise ReferenceFileError(f"{where}: missing field {exc.args[0]!r}") from None
        if info.publisher not in publishers:
            raise ReferenceFileError(f"{where}: unknown publisher {info.publisher!r}")
        if info.licence not in licences:
            raise ReferenceFileError(f"{where}: unknown licence {info.licence!r}")
        if not (folder / info.file).is_file():
            raise ReferenceFileError(f"{where}: file {info.file!r} not found in {folder}")
        datasets[info.id] = info
    return Catalog(folder, datasets, publishers, licences)
