"""Write a synthetic data folder: the real reference files and the generated papers, each with
its curated records, in the layout ``nhskg build`` reads.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from nhskg.graph.synth.document import compose
from nhskg.graph.synth.landscape import areas, partnerships
from nhskg.graph.synth.yaml_writer import dump

DOCUMENTS_PER_SCALE = 5


def synthesise(scale: int, output: Path, reference: Path, *, seed: int = 42) -> int:
    """Write the synthetic data folder; return how many documents it holds."""
    if scale < 1:
        raise ValueError("--scale must be 1 or more")
    data = output / "data"
    if data.exists():
        shutil.rmtree(data)
    shutil.copytree(reference, data / "reference")
    (data / "sources").mkdir(parents=True)
    (data / "curated").mkdir()
    plans = partnerships(areas(reference, seed), seed)
    metas = []
    for index in range(scale * DOCUMENTS_PER_SCALE):
        doc = compose(index, seed, plans)
        (data / "sources" / f"{doc['stem']}.txt").write_text(doc["text"], encoding="utf-8")
        (data / "curated" / f"{doc['stem']}.yaml").write_text(
            dump(doc["curated"]), encoding="utf-8"
        )
        metas.append(doc["meta"])
    (data / "sources" / "documents.yaml").write_text(dump({"documents": metas}), encoding="utf-8")
    return len(metas)
