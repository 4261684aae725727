"""/vendor/<file>: the query editor's browser code (YASGUI), served from this origin.

scripts/setup.sh installs it from npm into node_modules/ (pinned by package-lock.json); it is never
committed and never loaded from a CDN. Only the files named here are served, so no path a client
sends reaches the file system. Without them /sparql still works: the page shows its plain form.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, send_file

from ...errors import AppError
from ..state import app_state

bp = Blueprint("assets", __name__)

YASGUI = Path("@zazuko") / "yasgui" / "build"
FILES = {
    "yasgui.min.js": (YASGUI / "yasgui.min.js", "text/javascript"),
    "yasgui.min.css": (YASGUI / "yasgui.min.css", "text/css"),
}
MAX_AGE = 24 * 3600


def node_modules() -> Path:
    return app_state().settings.project_root / "node_modules"


def available() -> bool:
    """True when the editor's files are installed (the page then loads them)."""
    return all((node_modules() / path).is_file() for path, _media in FILES.values())


def version() -> str:
    """The installed YASGUI version, for cache-busting the asset URLs."""
    package = node_modules() / "@zazuko" / "yasgui" / "package.json"
    try:
        return str(json.loads(package.read_text(encoding="utf-8")).get("version", ""))
    except (OSError, ValueError):
        return ""


@bp.route("/vendor/<name>", methods=["GET", "HEAD"])
def vendor(name: str) -> Response:
    entry = FILES.get(name)
    path = node_modules() / entry[0] if entry else None
    if entry is None or path is None or not path.is_file():
        raise AppError(404, "no such file (scripts/setup.sh installs the editor's files)")
    resp = send_file(path, mimetype=entry[1], max_age=MAX_AGE, conditional=True, etag=True)
    resp.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    return resp
