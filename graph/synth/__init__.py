"""A synthetic landscape for scale tests: partnership papers and curated records like the real ones.

``nhskg synth --scale N --output DIR`` writes ``DIR/data/``, which ``nhskg build`` reads as it
reads ``data/``: the real reference files (copied) and ``5 × N`` generated papers in ``sources/``
with their metadata, and one curated YAML file each in ``curated/``. A scale test measures only
what its data exercises, so the papers follow what :func:`profile` measures on the five real
ones (:mod:`.measure`). :mod:`.landscape` lays out the footprints and their partnerships,
:mod:`.paper` writes a paper's statements and records, :mod:`.document` the whole paper,
:mod:`.yaml_writer` its records' YAML and :mod:`.write` the folder, all from the tables and word
lists in :mod:`.vocabulary`. The same seed and scale give the same bytes; a paper builds to about
2,000 quads, so scale 1000 gives some 10 million.
"""

from __future__ import annotations

from nhskg.graph.synth.measure import profile
from nhskg.graph.synth.vocabulary import ICB_START
from nhskg.graph.synth.write import synthesise

__all__ = ["ICB_START", "profile", "synthesise"]
