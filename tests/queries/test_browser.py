"""Every saved-query page in a real headless browser (Debian's chromium, --dump-dom: the DOM after the
browser parsed and ran the page): it renders, shows the report's numbers, the parameter form and the
downloads work, and markup inside the data shows as text instead of running."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

from almerekg.saved_queries.catalogue import load_catalogue
from almerekg.settings import Settings

from . import expected as exp
from .conftest import IMG_NAME, SCRIPT_LABEL, chromium, get, report_table


@pytest.fixture(scope="module")
def site(live_site: str) -> str:
    """A browser needs the real server process."""
    return live_site


def dump(url: str) -> str:
    return chromium("--dump-dom", url)


@pytest.fixture(scope="module")
def dom(site: str) -> dict[str, str]:
    """The index and every saved-query page as the browser built them (in parallel: one profile each)."""
    names = load_catalogue(Settings().queries_dir).names()
    urls = {"": f"{site}/queries?lang=nl"} | {n: f"{site}/queries/{n}?lang=nl" for n in names}
    urls["pbl-banen"] = f"{site}/queries/pbl-specialisatie?" + urlencode({"basis": "banen", "lang": "nl"})
    with ThreadPoolExecutor(max_workers=4) as pool:
        pages = dict(zip(urls, pool.map(dump, urls.values()), strict=True))
    return pages


def test_every_page_renders(dom: dict[str, str]) -> None:
    for name, html in dom.items():
        assert "<h1>" in html, name
        assert 'data-pwned' not in html
        if name:
            t = report_table(html)
            assert len(t.rows) > 1, name
            assert t.caption, name
    assert len(re.findall(r'<h2 id="ch-', dom[""])) == 5


@pytest.mark.parametrize("n", [1, 2, 5, 6])
def test_browser_shows_the_reports_numbers(dom: dict[str, str], n: int) -> None:
    t = report_table(dom[f"tabel-{n}"])
    want = exp.tabel(n)
    header = [c for c in want[0] if c] if n == 5 else want[0]
    assert t.rows[0] == header
    assert t.rows[1:] == want[1:]


def test_browser_shows_lists(dom: dict[str, str]) -> None:
    assert [(r[0], r[1]) for r in report_table(dom["tabel-4"]).rows[1:]] == exp.tabel_4()
    assert [(r[0], r[1]) for r in report_table(dom["pbl-specialisatie"]).rows[1:]] == exp.pbl("vestigingen")
    assert [(r[0], r[1]) for r in report_table(dom["pbl-banen"]).rows[1:]] == exp.pbl("banen")
    rows = report_table(dom["tabel-3"]).rows
    assert rows[2][2] == ["Mitsubishi Caterpillar Forklift Europe (#3)", "Summit Europe (*90)"]


class Forms(HTMLParser):
    """The saved-query parameter form: its action, each control's name and offered values, what is chosen."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.controls: dict[str, list[str]] = {}
        self.selected: dict[str, str] = {}
        self.checked: dict[str, list[str]] = {}
        self._in = False
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and "params" in (a.get("class") or ""):
            self._in, self.action = True, a.get("action") or ""
        elif not self._in:
            return
        elif tag == "select":
            self._select = a["name"]
            self.controls[a["name"]] = []
        elif tag == "option" and self._select:
            self.controls[self._select].append(a.get("value") or "")
            if "selected" in a:
                self.selected[self._select] = a.get("value") or ""
        elif tag == "input" and a.get("type") == "checkbox":
            self.controls.setdefault(a["name"] or "", []).append(a.get("value") or "")
            if "checked" in a:
                self.checked.setdefault(a["name"] or "", []).append(a.get("value") or "")
        elif tag == "input" and a.get("name"):
            self.controls[a["name"]] = [a.get("value") or ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in = False


def test_parameters_work_through_the_form(site: str, dom: dict[str, str]) -> None:
    """Submit the form as a browser does (GET with the controls' names), choosing another option."""
    forms = Forms()
    forms.feed(dom["joint-ventures"])
    assert forms.action == "/queries/joint-ventures"
    # A check box per kind of relation that the data hold (none is a plain ownership share).
    assert forms.controls["soort"] == ["joint-venture-share", "parent-subsidiary"]
    assert forms.controls["min_aandeel"] == ["0"]
    html = dump(f"{site}{forms.action}?" + urlencode({"soort": "joint-venture-share", "min_aandeel": "50",
                                                      "lang": "nl"}))
    rows = report_table(html).rows[1:]
    assert sorted((r[0], r[3]) for r in rows) == [("Avanade", "51"), ("Mitsubishi Caterpillar Forklift Europe", "80")]
    after = Forms()
    after.feed(html)
    assert after.checked["soort"] == ["joint-venture-share"] and after.controls["min_aandeel"] == ["50"]


def test_downloads_from_the_page_work(site: str, dom: dict[str, str]) -> None:
    links = re.findall(r'<a(?: class="[^"]*")? href="([^"]+)" type="([^"]+)">', dom["tabel-6"])
    hrefs = {href.replace("&amp;", "&") for href, _media in links}
    # Every CSV variant is linked, each with its CSV on the Web description.
    for layout_args in ("", "layout=report"):
        for dialect in ("", "dialect=excel-nl"):
            args = "&".join(a for a in (layout_args, dialect) if a)
            suffix = "?" + args if args else ""
            assert f"/queries/tabel-6.csv{suffix}" in hrefs and f"/queries/tabel-6.csv-metadata.json{suffix}" in hrefs
    for href, media in links:
        r = get(site + href.replace("&amp;", "&"))
        assert r.status_code == 200, href
        assert r.headers["Content-Type"].split(";")[0] == media, href
    report_csv = get(site + "/queries/tabel-6.csv?layout=report").content.decode("utf-8")
    europa = next(row for row in exp.sheet(6) if row[0] == "Europa")
    assert report_csv.splitlines()[7] == ",".join(europa)
    # The JSON download opened in the browser itself.
    shown = dump(f"{site}/queries/tabel-6.json")
    assert '"query": "tabel-6"' in shown and '"build": "' in shown


def test_markup_in_the_data_shows_as_text(hostile_site: str) -> None:
    for path, marker in (("/queries/tabel-1?lang=nl", "Landbouw &amp; &lt;b&gt;co&lt;/b&gt;"),
                         ("/queries/rd-bedrijven?lang=nl", "USG &lt;img src=x")):
        html = dump(hostile_site + path)
        # Had the script run (or the img's onerror fired), the body would carry data-pwned="...".
        assert not re.search(r"<body[^>]*data-pwned", html), path
        assert 'data-pwned="' not in html
        assert marker in html, path
        labels = [r[0] for r in report_table(html).rows]
        assert any(SCRIPT_LABEL in label or IMG_NAME in label for label in labels), labels[:3]
