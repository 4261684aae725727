"""The site's words come from one message catalogue per language, and every page speaks one language.

- Every msgid the templates and the web package's Python hold (Babel's extractor, with babel.cfg's map and
  the keywords the code uses: `_`, `gettext`, `ngettext`, `pgettext`, `N_`, `tr`) has a Dutch translation in
  web/translations/nl/LC_MESSAGES/messages.po: not empty, not fuzzy, with the same placeholders; the catalogue
  holds nothing the code no longer says; and the compiled .mo the site reads is that .po, compiled.
- No template, script or Python module of web/ still writes a site string as an nl/en ternary or an nl/en dict
  (a grep with a short allowlist, each entry with its reason).
- Every page kind (pages.PAGES), in English, shows no Dutch word of the catalogue outside an element marked
  lang="nl" (the report's own words stay Dutch and are marked so); in Dutch, no English msgid outside an element
  with a language of its own (the engine's messages and the protocol's limits are English and marked lang="en",
  the report's text is marked lang="nl" and holds English titles of its own).
English needs no catalogue of its own: the msgids are the English text (core/i18n.py).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from serverproc import get

from .pages import PAGES, Page, url

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "src" / "almerekg" / "web"
PO = WEB / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {**DEFAULT_KEYWORDS, "tr": (2,)}  # core/i18n.tr(lang, msgid, **values)


def extracted() -> dict[tuple[str | None, str | tuple[str, ...]], str]:
    """(context, msgid) -> where it was found, for every message the code holds."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    found: dict[tuple[str | None, str | tuple[str, ...]], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.setdefault((context, message), f"{filename}:{lineno}")
    return found


def catalogue():  # noqa: ANN201 - a babel Catalog
    with open(PO, "rb") as fh:
        return read_po(fh)


def test_the_extractor_finds_the_site_words() -> None:
    found = extracted()
    # A word of each kind of place: a template's _(), a {% trans %} block, a pgettext, an N_ table, a tr() call.
    for key in [(None, "What links here"), (None, "Every statement points at the table or section and page of the "
                "report it comes from. Where the report contradicts itself or something had to be assumed, a "
                "note says so in the data."), ("header button", "Search"), (None, "acquired %(other)s"),
                (None, "The network of partnerships"), (None, ("cell", "cells"))]:
        assert key in found, key
    assert len(found) > 400


def test_every_message_has_its_dutch_text() -> None:
    cat = catalogue()
    missing, empty, fuzzy = [], [], []
    for (context, msgid), where in sorted(extracted().items(), key=lambda kv: kv[1]):
        m = cat.get(msgid, context=context)
        if m is None:
            missing.append((where, msgid))
        elif m.fuzzy:
            fuzzy.append((where, msgid))
        elif not all(s.strip() for s in ((m.string,) if isinstance(m.string, str) else m.string)):
            empty.append((where, msgid))
    assert missing == [], "msgids without an entry in messages.po (run pybabel update, then translate)"
    assert empty == [], "msgids without Dutch text"
    assert fuzzy == [], "fuzzy entries: check the Dutch, then remove the fuzzy flag"


def test_the_catalogue_holds_only_what_the_code_says_and_its_placeholders_match() -> None:
    cat = catalogue()
    found = extracted()
    unused = [m.id for m in cat if m.id and (m.context, m.id) not in found]
    assert unused == [], "entries no code uses any more"
    problems = [(m.id, errors) for m, errors in cat.check()]
    assert problems == []  # e.g. a %(name)s of the msgid missing from the msgstr
    assert not any(m.fuzzy for m in cat if m.id)


def test_the_compiled_catalogue_is_the_po_file_compiled() -> None:
    out = io.BytesIO()
    write_mo(out, catalogue())
    assert PO.with_suffix(".mo").read_bytes() == out.getvalue(), "run: pybabel compile -d src/almerekg/web/translations"


def test_a_python_message_reads_in_both_languages() -> None:
    from almerekg.web.core.i18n import tr
    from almerekg.web.core.phrases import fact_sentence, relation_phrase

    assert tr("nl", "The network of partnerships") == "Het netwerk van samenwerkingsrelaties"
    assert tr("en", "The network of partnerships") == "The network of partnerships"
    assert relation_phrase("ownership-share", "eigendom", True, "USG People", "51.5", "nl") == \
        "voor 51,5 procent in handen van USG People"
    assert relation_phrase("ownership-share", "ownership", True, "USG People", "51.5", "en") == \
        "51.5 percent owned by USG People"
    assert fact_sentence("employees", "employees", "1325", "", "nl") == "1.325 medewerkers"
    assert fact_sentence("employees", "employees", "1325", "", "en") == "1,325 employees"


# -------------------------------------------------------------------------------------------------
# No nl/en ternaries or dicts left for a site string
# -------------------------------------------------------------------------------------------------

TERNARIES = [
    re.compile(r"""if\s+lang\s*==\s*['"]nl['"]\s+else"""),  # 'x' if lang == 'nl' else 'y' (Jinja, Python)
    re.compile(r"""\bif\s+nl\s+else\b"""),  # ... with nl = lang == 'nl'
    re.compile(r"""\{%-?\s*if\s+(nl|lang\s*==\s*['"]nl['"])\s*-?%\}"""),  # {% if nl %}...{% else %}...
    re.compile(r"""['"]nl['"]\s*:\s*\(?['"]"""),  # {"nl": "...", "en": "..."}
    re.compile(r"""\bnl\s*\?\s*['"]"""),  # nl ? "..." : "..." (JavaScript)
    re.compile(r"""\bnl\s*=\s*lang\s*==\s*['"]nl['"]"""),  # nl = lang == "nl": the start of a ternary
]

# (file under web/, the line's own words, why it stays)
ALLOWED = [
    ("templates/dataset.html", "dl.title_nl if lang == 'nl' else dl.title_en",
     "the downloads' titles are data of the build's manifest (dumps.py), written into DCAT in both languages"),
    ("dataset/dcat.py", 'THEME_LABELS = {"en": "Economy and finance", "nl": "Economie en financiën"}',
     "the labels of the EU data-theme table, checked against the stored table (test_catalogue_record.py)"),
    ("static/sparql-editor.js", 'value.toLocaleString(nl ? "nl-NL" : "en-GB")',
     "a locale tag for the browser's number format, not a word"),
]


def test_no_template_or_module_writes_a_site_string_as_an_nl_en_choice() -> None:
    allowed = {(f, words) for f, words, _why in ALLOWED}
    seen = set()
    found = []
    for path in sorted([*WEB.rglob("*.py"), *WEB.rglob("*.html"), *WEB.rglob("*.js")]):
        rel = path.relative_to(WEB).as_posix()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not any(p.search(line) for p in TERNARIES):
                continue
            hit = next(((f, w) for f, w in allowed if f == rel and w in line), None)
            if hit is None:
                found.append(f"{rel}:{n}: {line.strip()}")
            else:
                seen.add(hit)
    assert found == [], "write the English text as a msgid (_(), {% trans %}, tr(), N_()) and its Dutch in messages.po"
    assert seen == allowed, "an allowlisted line is gone: take it off the list"


# -------------------------------------------------------------------------------------------------
# Every page kind in one language
# -------------------------------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
# Not prose: scripts and data blocks, and code (the SPARQL text with its comments, IRIs, paths, the query field).
HIDDEN = {"script", "style", "template", "code", "pre", "textarea"}


class Spoken(HTMLParser):
    """The site's own words on a page (text, and what is heard: titles, labels, placeholders).

    They take the page's language from <html lang>; an element that names a language of its own holds words of
    the report or the data (a quote, a label in the other language, an engine message), which are left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, inside an element with a lang of its own)
        self.parts: list[tuple[bool, str]] = []  # (marked, text)
        self.hidden = 0

    def marked(self) -> bool:
        return self.stack[-1][1] if self.stack else False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        marked = self.marked() or (tag != "html" and a.get("lang") is not None)
        for name in ATTRIBUTES:
            if a.get(name):
                self.parts.append((marked, "\x00" + (a[name] or "") + "\x00"))
        if tag in VOID:
            return
        self.stack.append((tag, marked))
        if tag in HIDDEN:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack:
            name, _marked = self.stack.pop()
            if name in HIDDEN:
                self.hidden -= 1
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append((self.marked(), data))

    def text(self) -> str:
        """The site's own words, with the marked parts cut out."""
        return " ".join("".join("\x00" if marked else text for marked, text in self.parts).split())


PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}|_[A-Z]+_")
TAG = re.compile(r"<[^>]+>")
# Words that are Dutch in the catalogue and ordinary in English text too, or names: where they stand on an
# English page they are not a leftover of the Dutch page.
SHARED = {
    "Start": "the Dutch for Home, and the name of a firm (Start People) on English pages",
    **dict.fromkeys(["bedrijven", "Bedrijven", "netwerken", "vestigingen", "van de", "van het rapport"],
                    "words of the report's own titles and labels (Bestaande netwerken van bedrijven in Almere, CBS's "
                    "measures, the publisher's name), shown as data (unmarked) on English pages"),
    **dict.fromkeys(["is a", "countries"], "words of the English texts the report quotes (Appendix 3) and of "
                    "English data on Dutch pages"),
}
# A single word shorter than this is looked for only as part of a longer message: short words ("over", "voor",
# "part", "with", "Tabel") stand in the data's own texts in either language (a firm's English description on a
# Dutch page, the report's table names on an English one), which are not the site's words.
MIN_WORD = 9


def pieces(text: str, other: str) -> list[str]:
    """The fixed words of a message (markup and placeholders taken out), those the other language lacks."""
    out = []
    for piece in PLACEHOLDER.split(TAG.sub("", text)):
        piece = " ".join(piece.split()).strip(" ,.;:()")
        if (len(piece.split()) > 1 or len(piece) >= MIN_WORD) and re.search(r"[^\W\d_]", piece) \
                and piece not in other and piece not in SHARED:
            out.append(piece)
    return out


def leftovers() -> dict[str, list[str]]:
    """Per page language, the words of the other language the catalogue holds."""
    dutch, english = [], []
    for m in catalogue():
        if not m.id:
            continue
        ids = (m.id,) if isinstance(m.id, str) else m.id
        strs = (m.string,) if isinstance(m.string, str) else m.string
        for msgid, msgstr in zip(ids, strs, strict=False):
            if msgstr == msgid:
                continue
            dutch += pieces(msgstr, TAG.sub("", msgid))
            english += pieces(msgid, TAG.sub("", msgstr))
    return {"en": sorted(set(dutch)), "nl": sorted(set(english))}


@pytest.fixture(scope="module")
def other_words() -> dict[str, list[re.Pattern]]:
    return {lang: [re.compile(r"(?<!\w)" + re.escape(w) + r"(?!\w)") for w in words]
            for lang, words in leftovers().items()}


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("page", PAGES, ids=[p.kind for p in PAGES])
def test_a_page_speaks_its_own_language(site: str, page: Page, lang: str, other_words: dict) -> None:
    r = get(url(site, page, lang), headers={"Accept": "text/html"})
    assert r.status_code == page.status
    spoken = Spoken()
    spoken.feed(r.text)
    assert re.search(rf'<html lang="{lang}"', r.text)
    text = spoken.text()
    assert len(text) > 100
    wrong = sorted({w.pattern for w in other_words[lang] if w.search(text)})
    assert wrong == [], f"{page.path} in {lang}: words of the other language outside lang= elements"


def test_the_check_sees_a_dutch_word_on_an_english_page(other_words: dict) -> None:
    spoken = Spoken()
    spoken.feed('<html lang="en"><body><p>Nothing in the graph links here.</p>'
                '<p lang="nl">Wat hiernaar verwijst</p><p>Wat verwijst naar USG People</p></body></html>')
    text = spoken.text()
    hits = [w.pattern for w in other_words["en"] if w.search(text)]
    assert hits and all("verwijst" in h for h in hits)


def test_readmes_catalogue_commands_run_and_leave_the_catalogue_as_it_is(tmp_path: Path) -> None:
    """The three pybabel commands README gives (Languages), run as written on a copy of the catalogue: each exits 0,
    and on a catalogue that is current they change nothing but the template's date."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line.strip() for line in readme.splitlines() if line.strip().startswith(".venv/bin/pybabel ")]
    assert [c.split()[1] for c in commands] == ["extract", "update", "compile"], commands
    translations = tmp_path / "translations"
    shutil.copytree(WEB / "translations", translations)
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    for command in commands:
        args = command.replace("/tmp/messages.pot", str(tmp_path / "messages.pot"))  # noqa: S108 - README's text
        args = args.replace("src/almerekg/web/translations", str(translations)).split()
        done = subprocess.run([pybabel, *args[1:]], cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (command, done.stderr[-2000:])

    def without_date(text: str) -> str:
        return re.sub(r'"POT-Creation-Date: [^"]*"\n', "", text)

    after = (translations / "nl" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert without_date(after) == without_date(PO.read_text(encoding="utf-8"))
