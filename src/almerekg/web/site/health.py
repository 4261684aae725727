"""/healthz: is there a build to answer from, which one, and what holds the query processes."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ...errors import AppError
from ..state import app_state

bp = Blueprint("health", __name__)


@bp.route("/healthz", methods=["GET"])
def healthz() -> Response:
    engine = app_state().engine
    try:
        build = engine.build()
    except AppError as exc:
        resp = jsonify(status="unavailable", reason=exc.message)
        resp.status_code = 503
    else:
        stats = build.pool.stats()
        resp = jsonify(
            status="ok",
            build_id=build.info.build_id,
            created=build.info.created,
            triples=build.info.triples,
            workers={"size": stats.size, "idle": stats.idle, "started": stats.started,
                     "killed": stats.killed, "sandbox": stats.sandbox},
            cache={"entries": len(engine.cache), "bytes": engine.cache.bytes, "hits": engine.cache.hits,
                   "misses": engine.cache.misses},
        )
    resp.headers["Cache-Control"] = "no-store"
    return resp
