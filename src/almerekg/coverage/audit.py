"""A blind audit of the data against the report: the sample a seed draws, and the check of a recorded audit.

The coverage ledger says which rows hold each passage's facts; an audit checks by hand that they really do, on a
sample nobody chose. One seed draws two samples: passages of the ledger marked `facts`, and sentences straight from
the report's text (every line split at the ends of its sentences, so that a sentence of a `no-fact` passage can be
drawn too). An audit is recorded as data/audits/DATE-seed-SEED.csv, one row per notable fact of a sampled item:

    item     the passage (`p-066`) or sentence (`s-066-2`, the second sentence of line 66) it was found in
    fact     the fact in short (empty where the item holds no notable fact: verdict `none`)
    verdict  found (the data held it, exactly), missing (they did not: `data` names the row added since),
             wrong (a value, quote or citation differed: `data` names the row corrected since), none
    data     where the data hold it, as the ledger's references (FILE:KEY, several separated by ` ; `)

Anyone can re-draw a recorded audit's sample from its seed and check the file against it (both through the ledger's
command, whose flags settings.py declares):

    python -m almerekg.coverage --draw 1796641382                                 # the sample, with its text
    python -m almerekg.coverage --audit data/audits/2026-12-07-seed-1796641382.csv  # the counts, and problems
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .. import coverage

PASSAGES = 40
SENTENCES = 30
VERDICTS = ("found", "missing", "wrong", "none")
COLUMNS = ["item", "fact", "verdict", "data"]
SEED_IN_NAME = re.compile(r"-seed-(\d+)\.csv$")
# A sentence ends at . ! or ? (and the footnote mark after it, "niveau.¹") followed by white space and a capital, a
# digit or an opening quote or bracket; an initial ("Deeds, D. L.") ends none.
_MARK = "[\u00b9\u00b2\u00b3\u2070-\u2079]"
SENTENCE_END = re.compile(rf"(?:(?<![\s(][A-Z]\.)(?<=[.!?])|(?<=[.!?]{_MARK})|(?<=[.!?]{_MARK}{_MARK}))"
                          r"\s+(?=[A-Z0-9\"'(\u2018\u201c])")
# A piece of fewer words is no sentence of its own ("4." before a list item, "(2007)." in a citation): it joins the
# piece after it, or at the end of a line the piece before.
MIN_WORDS = 4


@dataclass(frozen=True)
class Sentence:
    """One sentence of the report: `s-LLL-N` is the N-th sentence of line LLL."""

    id: str
    line: int
    text: str


def sentences(lines: list[str]) -> list[Sentence]:
    """Every sentence of the report, in order; a line without a sentence end (a heading, a table row) is one."""
    found = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        for i, text in enumerate(_joined(SENTENCE_END.split(line.strip())), start=1):
            found.append(Sentence(f"s-{n:03d}-{i}", n, text))
    return found


def _joined(pieces: list[str]) -> list[str]:
    """The pieces of a line, each piece of fewer than MIN_WORDS words joined to a neighbour."""
    out: list[str] = []
    carry = ""
    for piece in pieces:
        text = f"{carry} {piece}".strip()
        if len(text.split()) < MIN_WORDS:
            carry = text
            continue
        out.append(text)
        carry = ""
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        else:
            out.append(carry)
    return out


def draw(seed: int, data_dir: Path = coverage.DATA) -> tuple[list[str], list[Sentence]]:
    """PASSAGES passages marked facts and SENTENCES sentences of the report, each drawn uniformly with one seed.

    Each item's place in the draw is a hash of the seed and the item's id alone (the items with the smallest
    hashes are drawn), so the ledger's later changes leave a recorded audit's sample as it was, unless a passage
    that would rank among the sample's is reclassified into or out of `facts`.
    """
    facts = [p.id for p in coverage.read_ledger(data_dir) if p.status == "facts"]
    passages = sorted(facts, key=lambda pid: _rank(seed, pid))[:PASSAGES]
    every = sentences(coverage.report_lines(data_dir))
    return passages, sorted(every, key=lambda s: _rank(seed, s.id))[:SENTENCES]


def _rank(seed: int, item: str) -> str:
    return hashlib.sha256(f"{seed}:{item}".encode()).hexdigest()


def sample_text(seed: int, data_dir: Path = coverage.DATA) -> list[str]:
    """The drawn items, one line each: id, a tab, the item's text."""
    lines = coverage.report_lines(data_dir)
    ledger = {p.id: p for p in coverage.read_ledger(data_dir)}
    passages, drawn = draw(seed, data_dir)
    out = [f"{pid}\t{' '.join(lines[ledger[pid].first - 1:ledger[pid].last])}" for pid in passages]
    return out + [f"{s.id}\t{s.text}" for s in drawn]


def seed_of(path: Path) -> int:
    match = SEED_IN_NAME.search(path.name)
    if not match:
        raise ValueError(f"{path}: an audit file is named DATE-seed-SEED.csv")
    return int(match.group(1))


def read_audit(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != COLUMNS:
            raise ValueError(f"{path}: the columns are {', '.join(COLUMNS)}, found {reader.fieldnames}")
        return list(reader)


def counts(rows: list[dict[str, str]]) -> Counter:
    """Facts per verdict, and (key `items`) the items audited."""
    got = Counter(r["verdict"] for r in rows if r["verdict"] != "none")
    got["items"] = len({r["item"] for r in rows})
    return got


def summary(rows: list[dict[str, str]]) -> str:
    c = counts(rows)
    facts = c["found"] + c["missing"] + c["wrong"]
    share = 100 * c["found"] / facts if facts else 0.0
    return (f"{c['items']} items, {facts} facts: {c['found']} found ({share:.1f} %), {c['missing']} missing, "
            f"{c['wrong']} wrong")


def problems(path: Path, data_dir: Path = coverage.DATA) -> list[str]:
    """What is wrong with a recorded audit: not the sample its seed draws, a bad cell, a reference to no row, or a
    row the ledger does not list under the passage that holds the item."""
    rows = read_audit(path)
    passages, drawn = draw(seed_of(path), data_dir)
    found = []
    items = list(dict.fromkeys(r["item"] for r in rows))
    wanted = passages + [s.id for s in drawn]
    if sorted(items) != sorted(wanted):
        found.append(f"{path.name}: the items are not the sample of seed {seed_of(path)}: missing "
                     f"{sorted(set(wanted) - set(items))}, not drawn {sorted(set(items) - set(wanted))}")
    holder = _holders(data_dir, drawn)
    keys: dict[str, Counter] = {}
    for n, row in enumerate(rows, start=2):
        found += [f"{path.name}:{n}: {m}" for m in _row_problems(row, holder, data_dir, keys)]
    return found


def _holders(data_dir: Path, drawn: list[Sentence]) -> dict[str, coverage.Passage]:
    """The ledger's passage for each item: a passage is its own, a sentence's is the passage holding its line."""
    ledger = coverage.read_ledger(data_dir)
    holder = {p.id: p for p in ledger}
    for s in drawn:
        holder[s.id] = next(p for p in ledger if p.first <= s.line <= p.last)
    return holder


def _row_problems(row: dict[str, str], holder: dict[str, coverage.Passage], data_dir: Path,
                  keys: dict[str, Counter]) -> list[str]:
    verdict, refs = row["verdict"], coverage.split_refs(row["data"])
    if verdict not in VERDICTS:
        return [f"verdict {verdict!r} is not one of {', '.join(VERDICTS)}"]
    if verdict == "none":
        return [] if not row["fact"] and not refs else ["verdict none names no fact and no data"]
    if not row["fact"] or not refs:
        return ["a fact says what it is (column fact) and where the data hold it (column data)"]
    found = [m for ref in refs for m in coverage.ref_problems(ref, data_dir, keys)]
    passage = holder.get(row["item"])
    if passage is not None and passage.status == "facts":
        found += [f"{ref} is not among the ledger's references of {passage.id}, which holds {row['item']}"
                  for ref in refs if ref not in passage.refs]
    return found
