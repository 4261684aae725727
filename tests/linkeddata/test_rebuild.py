"""A new build swapped in under a running server: new IRIs resolve, downloads and statistics follow."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from almerekg.dumps import make_dumps
from almerekg.store import BuildInfo, EmbeddedStore

from .conftest import BASE, get, start_server


def publish_with_extra_firm(root: Path, current: Path) -> None:
    """The current build plus one firm, published the way run_build publishes (dumps included)."""
    quads = list(ox.parse(gzip.decompress((current / "almerekg.nq.gz").read_bytes()), format=ox.RdfFormat.N_QUADS))
    graph = ox.NamedNode(BASE + "/id/graph/tabel-3")
    firm = ox.NamedNode(BASE + "/id/firm/nieuw-bedrijf")
    quads += [
        ox.Quad(firm, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode(BASE + "/def/Firm"), graph),
        ox.Quad(firm, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                ox.Literal("Nieuw Bedrijf", language="nl"), graph),
    ]
    nq = root.parent / "rebuild.nq"
    nq.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    counts: dict[str, int] = {}
    for q in quads:
        counts[q.graph_name.value] = counts.get(q.graph_name.value, 0) + 1
    info = BuildInfo(build_id="rebuilt-with-one-more-firm", created="2026-06-01T00:00:00Z", base=BASE, graphs=counts)
    extra = [("validation.ttl", (current / "validation.ttl").read_bytes()), *make_dumps(nq, BASE)]
    EmbeddedStore(root).publish(nq, info, extra_files=extra)


def test_rebuild_is_picked_up(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("rebuild") / "store"
    shutil.copytree(built_store, root, symlinks=True)
    server = start_server(root, tmp_path_factory.mktemp("rebuild-log"))
    try:
        site = server.url
        assert get(site + "/id/firm/nieuw-bedrijf").status_code == 404
        before = get(site + "/downloads/almerekg.trig").content
        firms_before = get(site + "/search", params={"q": "nieuw bedrijf"}).text

        publish_with_extra_firm(root, root / "current")

        r = get(site + "/id/firm/nieuw-bedrijf")
        assert (r.status_code, r.headers["Location"]) == (303, "/doc/firm/nieuw-bedrijf")
        assert "<h1>Nieuw Bedrijf</h1>" in get(site + "/doc/firm/nieuw-bedrijf").text
        after = get(site + "/downloads/almerekg.trig").content
        assert hashlib.sha256(after).hexdigest() != hashlib.sha256(before).hexdigest()
        assert len(list(ox.parse(after, format=ox.RdfFormat.TRIG))) == len(
            list(ox.parse(before, format=ox.RdfFormat.TRIG))) + 2
        assert "/doc/firm/nieuw-bedrijf" not in firms_before
        assert "/doc/firm/nieuw-bedrijf" in get(site + "/search", params={"q": "nieuw bedrijf"}).text
        assert "rebuilt-with-one-more-firm" in get(site + "/dataset", headers={"Accept": "text/turtle"}).text
    finally:
        server.stop()
