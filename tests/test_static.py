"""Static files: our scripts under /static, Cytoscape.js and Swagger UI from
node_modules under /vendor/cytoscape and /vendor/swagger-ui (only when installed), a
network page that says plainly when the viewer is missing, and /docs that lists every
route without Swagger UI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2
from fastapi import FastAPI
from fastapi.testclient import TestClient

from nhskg.api.static_files import (
    STATIC_DIR,
    mount_static,
    swagger_ui_available,
    vendor_available,
)

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "api" / "templates"
TYPES = [("ccg", "clinical commissioning group"), ("nhs-trust", "NHS trust")]


def fake_root(tmp_path: Path, *, with_cytoscape: bool, with_swagger_ui: bool = False) -> Path:
    if with_cytoscape:
        dist = tmp_path / "node_modules" / "cytoscape" / "dist"
        dist.mkdir(parents=True)
        (dist / "cytoscape.min.js").write_text("window.cytoscape = function () {};\n")
    if with_swagger_ui:
        dist = tmp_path / "node_modules" / "swagger-ui-dist"
        dist.mkdir(parents=True)
        (dist / "swagger-ui-bundle.js").write_text("window.SwaggerUIBundle = function () {};\n")
        (dist / "swagger-ui.css").write_text(".swagger-ui {}\n")
    return tmp_path


def test_vendor_available_only_when_cytoscape_is_installed(tmp_path: Path) -> None:
    assert not vendor_available(fake_root(tmp_path / "bare", with_cytoscape=False))
    assert vendor_available(fake_root(tmp_path / "full", with_cytoscape=True))


def test_mount_static_serves_our_script_and_the_installed_viewer(tmp_path: Path) -> None:
    app = FastAPI()
    mount_static(app, fake_root(tmp_path, with_cytoscape=True))
    client = TestClient(app)
    script = client.get("/static/network.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert "window.nhskgNetwork" in script.text
    vendor = client.get("/vendor/cytoscape/cytoscape.min.js")
    assert vendor.status_code == 200 and "window.cytoscape" in vendor.text


def test_swagger_ui_is_served_from_node_modules_only_when_installed(tmp_path: Path) -> None:
    bare = fake_root(tmp_path / "bare", with_cytoscape=False)
    full = fake_root(tmp_path / "full", with_cytoscape=False, with_swagger_ui=True)
    assert not swagger_ui_available(bare) and swagger_ui_available(full)
    app = FastAPI()
    mount_static(app, full)
    bundle = TestClient(app).get("/vendor/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and "window.SwaggerUIBundle" in bundle.text
    app = FastAPI()
    mount_static(app, bare)
    assert TestClient(app).get("/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 404


def test_mount_static_without_the_viewer_still_serves_static(tmp_path: Path) -> None:
    app = FastAPI()
    mount_static(app, fake_root(tmp_path, with_cytoscape=False))
    client = TestClient(app)
    assert client.get("/static/network.js").status_code == 200
    assert client.get("/vendor/cytoscape/cytoscape.min.js").status_code == 404


def test_static_folder_holds_only_our_own_scripts_and_styles() -> None:
    """No vendored library (those come from node_modules under /vendor): our own small
    scripts and the pages' style sheets (kept out of the pages so the Content Security
    Policy allows no inline script or style)."""
    files = list(STATIC_DIR.iterdir())
    assert {"site.css", "network.js", "api-docs.js", "browse.css"} <= {p.name for p in files}
    for path in files:
        assert path.suffix in {".js", ".css"} and ".min." not in path.name, path.name
        assert path.stat().st_size < 64_000, f"{path.name}: a library? serve it from npm"


def test_viewer_comes_from_the_npm_lock_not_the_repository() -> None:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert {"cytoscape", "swagger-ui-dist"} <= set(package["dependencies"])
    assert "axe-core" in package["devDependencies"]
    assert {
        "node_modules/cytoscape",
        "node_modules/swagger-ui-dist",
        "node_modules/axe-core",
    } <= set(lock["packages"])
    assert "node_modules/" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "npm ci" in (ROOT / "Makefile").read_text(encoding="utf-8")


def render_network(*, vendor_ok: bool) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    return env.get_template("network.html").render(
        types=TYPES, vendor_ok=vendor_ok, build_id="test"
    )


def test_network_page_says_when_the_viewer_is_not_installed() -> None:
    page = render_network(vendor_ok=False)
    assert "not installed" in page
    assert "/vendor/cytoscape" not in page and "/static/network.js" not in page
    assert 'href="/api/network"' in page


def test_network_page_labels_every_control() -> None:
    page = render_network(vendor_ok=True)
    assert '<script src="/vendor/cytoscape/cytoscape.min.js"></script>' in page
    assert '<script src="/static/network.js"></script>' in page
    assert '<option value="ccg">clinical commissioning group</option>' in page
    main = page.split("<main", 1)[1].split("</main>", 1)[0]  # not the site's header
    controls = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', main)
    assert {
        "network-as-of",
        "network-type",
        "network-evidenced-only",
        "path-from",
        "path-to",
    } <= set(controls)
    for control in controls:
        assert re.search(rf'<label[^>]*\bfor="{control}"', main), control
    for element in ("network-canvas", "network-status", "network-legend", "network-list"):
        assert f'id="{element}"' in page, element


def render_docs(*, swagger_ok: bool) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    groups = [
        (
            "organisations",
            [
                {
                    "method": "GET",
                    "path": "/api/organisations",
                    "summary": "Search organisations",
                    "description": "",
                    "parameters": [],
                    "responses": [],
                    "anchor": "search",
                }
            ],
        )
    ]
    return env.get_template("api_docs.html").render(
        groups=groups, swagger_ok=swagger_ok, swagger_url="/vendor/swagger-ui", build_id="test"
    )


def test_docs_page_starts_swagger_ui_from_static_files_when_installed() -> None:
    page = render_docs(swagger_ok=True)
    assert '<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>' in page
    assert '<script src="/static/api-docs.js"></script>' in page
    assert 'href="/vendor/swagger-ui/swagger-ui.css"' in page
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == []  # no inline script
    assert "GET /api/organisations" in page  # the listing, shown until Swagger UI draws


def test_docs_page_lists_every_route_without_swagger_ui() -> None:
    page = render_docs(swagger_ok=False)
    assert "not installed" in page and "/vendor/swagger-ui" not in page
    assert "GET /api/organisations" in page
