"""Static files for the HTML pages: our own scripts under ``/static`` (from
``api/static/``) and the network viewer's library, Cytoscape.js, under
``/vendor/cytoscape``, and the SPARQL editor's, CodeMirror 5, under
``/vendor/codemirror``, served from the npm package that ``make setup`` installs into
``<root>/node_modules`` (never copied into the repository, never from a CDN: the
pages work offline). When the package is not installed the pages still render, and
the network page says its viewer is missing (``vendor_available``). Swagger UI
(``swagger-ui-dist``), which ``/docs`` draws the OpenAPI document with, is served the
same way under ``/vendor/swagger-ui``; without it ``/docs`` shows its own listing;
without CodeMirror the SPARQL editor is a plain text box (``codemirror_available``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"
CYTOSCAPE_URL = "/vendor/cytoscape"
CYTOSCAPE_SCRIPT = f"{CYTOSCAPE_URL}/cytoscape.min.js"
SWAGGER_UI_URL = "/vendor/swagger-ui"
SWAGGER_UI_FILES = ("swagger-ui-bundle.js", "swagger-ui.css")
# The SPARQL editor: CodeMirror 5 (its lib/, mode/sparql/ and addon/), from npm.
CODEMIRROR_URL = "/vendor/codemirror"


def cytoscape_dist(root: Path) -> Path:
    """Where the installed Cytoscape.js package keeps its browser builds."""
    return root / "node_modules" / "cytoscape" / "dist"


def vendor_available(root: Path) -> bool:
    """Whether the network viewer's library is installed (``npm ci`` has run)."""
    return (cytoscape_dist(root) / "cytoscape.min.js").is_file()


def swagger_ui_dist(root: Path) -> Path:
    """Where the installed Swagger UI package keeps its browser build."""
    return root / "node_modules" / "swagger-ui-dist"


def swagger_ui_available(root: Path) -> bool:
    """Whether Swagger UI is installed (``npm ci`` has run)."""
    return all((swagger_ui_dist(root) / name).is_file() for name in SWAGGER_UI_FILES)


def codemirror_dir(root: Path) -> Path:
    """Where the installed CodeMirror 5 package keeps its scripts, styles and modes."""
    return root / "node_modules" / "codemirror"


def codemirror_available(root: Path) -> bool:
    """Whether the SPARQL editor's library is installed (``npm ci`` has run)."""
    return (codemirror_dir(root) / "mode" / "sparql" / "sparql.js").is_file()


def mount_static(app: FastAPI, root: Path) -> None:
    """Serve ``/static`` and, when installed, ``/vendor/cytoscape``,
    ``/vendor/swagger-ui`` and ``/vendor/codemirror``.

    ``root`` is the repository root (``Settings().root``), which holds node_modules/.
    """
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    if vendor_available(root):
        app.mount(
            CYTOSCAPE_URL, StaticFiles(directory=cytoscape_dist(root)), name="vendor-cytoscape"
        )
    if swagger_ui_available(root):
        app.mount(
            SWAGGER_UI_URL, StaticFiles(directory=swagger_ui_dist(root)), name="vendor-swagger-ui"
        )
    if codemirror_available(root):
        app.mount(
            CODEMIRROR_URL,
            StaticFiles(directory=codemirror_dir(root)),
            name="vendor-codemirror",
        )
