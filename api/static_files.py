"""Static files for the HTML pages: our own scripts under ``/static`` (from
``api/static/``) and the network viewer's library, Cytoscape.js, under
``/vendor/cytoscape``, served from the npm package that ``make setup`` installs into
``<root>/node_modules`` (never copied into the repository, never from a CDN: the
pages work offline). When the package is not installed the pages still render, and
the network page says its viewer is missing (``vendor_available``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"
CYTOSCAPE_URL = "/vendor/cytoscape"
CYTOSCAPE_SCRIPT = f"{CYTOSCAPE_URL}/cytoscape.min.js"


def cytoscape_dist(root: Path) -> Path:
    """Where the installed Cytoscape.js package keeps its browser builds."""
    return root / "node_modules" / "cytoscape" / "dist"


def vendor_available(root: Path) -> bool:
    """Whether the network viewer's library is installed (``npm ci`` has run)."""
    return (cytoscape_dist(root) / "cytoscape.min.js").is_file()


def mount_static(app: FastAPI, root: Path) -> None:
    """Serve ``/static`` and, when installed, ``/vendor/cytoscape``.

    ``root`` is the repository root (``Settings().root``), which holds node_modules/.
    """
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if vendor_available(root):
        app.mount(
            CYTOSCAPE_URL, StaticFiles(directory=cytoscape_dist(root)), name="vendor-cytoscape"
        )
