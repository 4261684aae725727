"""/healthz: is there a build to answer from, and which one."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from ..runner import PoolError
from ..store import StoreError
from .state import AppState

bp = Blueprint("health", __name__)


@bp.route("/healthz", methods=["GET"])
def healthz() -> Response:
    state: AppState = current_app.extensions["almerekg"]
    try:
        build = state.engine.active()
    except (StoreError, PoolError) as exc:
        resp = jsonify(status="unavailable", reason=str(exc))
        resp.status_code = 503
    else:
        stats = build.pool.stats()
        resp = jsonify(
            status="ok",
            build_id=build.info.build_id,
            created=build.info.created,
            triples=build.info.triples,
            workers={"size": stats.size, "idle": stats.idle, "started": stats.started,
                     "killed": stats.killed},
            cache={"entries": len(state.engine.cache), "hits": state.engine.cache.hits,
                   "misses": state.engine.cache.misses},
        )
    resp.headers["Cache-Control"] = "no-store"
    return resp
