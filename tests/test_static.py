"""Static files: our scripts under /static, Cytoscape.js from node_modules under
/vendor/cytoscape (only when installed), and a network page that says plainly when the
viewer is missing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2
from fastapi import FastAPI
from fastapi.testclient import TestClient

from nhskg.api.static_files import STATIC_DIR, mount_static, vendor_available

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "api" / "templates"
TYPES = [("ccg", "clinical commissioning group"), ("nhs-trust", "NHS trust")]


def fake_root(tmp_path: Path, *, with_cytoscape: bool) -> Path:
    if with_cytoscape:
        dist = tmp_path / "node_modules" / "cytoscape" / "dist"
        dist.mkdir(parents=True)
        (dist / "cytoscape.min.js").write_text("window.cytoscape = function () {};\n")
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


def test_mount_static_without_the_viewer_still_serves_static(tmp_path: Path) -> None:
    app = FastAPI()
    mount_static(app, fake_root(tmp_path, with_cytoscape=False))
    client = TestClient(app)
    assert client.get("/static/network.js").status_code == 200
    assert client.get("/vendor/cytoscape/cytoscape.min.js").status_code == 404


def test_static_folder_holds_only_our_own_scripts_and_styles() -> None:
    """No vendored library: our network script and the pages' style sheets (kept out
    of the pages so the Content Security Policy allows no inline style)."""
    assert sorted(p.name for p in STATIC_DIR.iterdir()) == ["network.css", "network.js", "site.css"]


def test_viewer_comes_from_the_npm_lock_not_the_repository() -> None:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert "cytoscape" in package["dependencies"]
    assert "axe-core" in package["devDependencies"]
    assert {"node_modules/cytoscape", "node_modules/axe-core"} <= set(lock["packages"])
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
    controls = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', page)
    assert set(controls) == {
        "network-as-of",
        "network-type",
        "network-evidenced-only",
        "path-from",
        "path-to",
    }
    for control in controls:
        assert f'<label for="{control}">' in page, control
    for element in ("network-canvas", "network-status", "network-legend", "network-list"):
        assert f'id="{element}"' in page, element
