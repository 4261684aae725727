"""Words for what the data hold as codes: a relationship said from either side, a firm fact as a sentence,
a number written the way the reader's language writes it.

These are the site's phrasings, not facts: every phrase only puts a relationship kind, a fact kind and the
values the data hold into words, and the page shows the report's own quote beside it as the evidence. A kind
without a phrase here falls back to its label from the code list ("overname: Start"), never to a guess.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import get_decimal_symbol, get_group_symbol

from .i18n import N_, tr

# kind -> (said by the organisation, said by the partner), msgids of the catalogue (core/i18n.py); %(other)s is
# the other side's name, %(share)s the share in percent. Relationships point from ak:organisation to ak:partner:
# a subsidiary to its parent, a firm to its customer, an organisation to the network it plays a role in.
RELATION_PHRASES: dict[str, tuple[str, str]] = {
    "acquisition": (N_("acquired %(other)s"), N_("acquired by %(other)s")),
    "customer": (N_("supplies its customer %(other)s"), N_("customer of %(other)s")),
    "former-owner": (N_("was owned by %(other)s"), N_("was the owner of %(other)s")),
    "joint-venture-share": (N_("joint venture, %(share)s percent owned by %(other)s"),
                            N_("owns %(share)s percent of the joint venture %(other)s")),
    "ownership-share": (N_("%(share)s percent owned by %(other)s"), N_("owns %(share)s percent of %(other)s")),
    "merger": (N_("merged with %(other)s"), N_("merged with %(other)s")),
    "parent-subsidiary": (N_("part (subsidiary) of %(other)s"), N_("parent company of %(other)s")),
    "programme-participation": (N_("takes part in the programme %(other)s"),
                                N_("programme with participant %(other)s")),
    "research": (N_("research cooperation with %(other)s"), N_("research cooperation with %(other)s")),
    "co-production": (N_("co-production or co-development with %(other)s"),
                      N_("co-production or co-development with %(other)s")),
    "funder": (N_("funds %(other)s"), N_("funded by %(other)s")),
    "initiator": (N_("initiator of %(other)s"), N_("set up on the initiative of %(other)s")),
    "partner": (N_("partner of %(other)s"), N_("works with %(other)s")),
    "participant": (N_("takes part in %(other)s"), N_("with %(other)s taking part")),
    "member": (N_("member of %(other)s"), N_("with member %(other)s")),
    "organiser": (N_("organises %(other)s"), N_("organised by %(other)s")),
    "located-in": (N_("located in %(other)s"), N_("location of %(other)s")),
    "group-member": (N_("member of %(other)s"), N_("with member %(other)s")),
    "combination": (N_("combined with %(other)s"), N_("combined with %(other)s")),
    "commission": (N_("commissioned by %(other)s"), N_("commissioned %(other)s")),
}

# Fact kind -> sentence with %(value)s (a msgid); kinds not listed read "label: value".
FACT_SENTENCES: dict[str, str] = {
    "founded": N_("Founded in %(value)s"),
    "founder": N_("Founded by %(value)s"),
    "former-name": N_("Formerly called %(value)s"),
    "legal-name": N_("Legal name: %(value)s"),
    "appendix-name": N_("Named %(value)s in Appendix 3"),
    "abbreviation": N_("Abbreviated as %(value)s"),
    "moved-to-almere": N_("Moved to Almere in %(value)s"),
    "established-in-almere": N_("Established in Almere in %(value)s"),
    "moved-from": N_("Moved from %(value)s"),
    "headquarters": N_("Headquarters in %(value)s"),
    "locations": N_("Located in %(value)s"),
    "employees": N_("%(value)s employees"),
    "countries-active": N_("Active in %(value)s countries"),
    "establishments": N_("%(value)s establishments"),
    "stock-listing": N_("Listed on the stock exchange in %(value)s"),
    "bank-licence": N_("Banking licence in %(value)s"),
    "independent-since": N_("Independent since %(value)s"),
    "market-introduction": N_("Market introduction in %(value)s"),
    "brand": N_("Brand name %(value)s"),
    "division": N_("Division %(value)s"),
    "website": N_("Website %(value)s"),
    "activity-description": N_("Activity: %(value)s"),
}
UNIT_WORDS = {"percent": N_("percent"), "m2": "m²", "cars": N_("cars")}


def format_number(value: object, lang: str) -> str:
    """1325 -> '1.325' (nl) or '1,325' (en); decimals with the language's decimal sign; text stays as it is."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value():
        text = f"{int(number):,}"
    else:
        text = f"{number:,f}"
    # Written with Python's separators (',' groups, '.' decimals), then the language's own (Babel's CLDR data).
    return text.replace(",", "\x00").replace(".", get_decimal_symbol(lang or "nl")) \
        .replace("\x00", get_group_symbol(lang or "nl"))


def relation_phrase(kind: str, kind_label: str, own_side: bool, other: str, share: str | None, lang: str) -> str:
    """'onderzoekssamenwerking met Turing Institute Almere': the relationship said by one of its two sides."""
    phrases = RELATION_PHRASES.get(kind)
    if phrases is None or ("%(share)s" in phrases[0] and not share):
        return f"{kind_label}: {other}"
    return tr(lang, phrases[0 if own_side else 1], other=other, share=format_number(share, lang) if share else "")


def relation_parts(kind: str, kind_label: str, own_side: bool, share: str | None, lang: str) -> tuple[str, str]:
    """The phrase around the other side's name, so that a page can link the name: ('partner van ', '')."""
    before, _sep, after = relation_phrase(kind, kind_label, own_side, "\x00", share, lang).partition("\x00")
    return before, after


def fact_sentence(kind: str, kind_label: str, value: str, unit: str, lang: str) -> str:
    """'Opgericht in 1972', '500 medewerkers': a firm fact as a sentence (years are not written as numbers)."""
    shown = value if unit == "year" or not value.lstrip("-").replace(".", "", 1).isdigit() \
        else format_number(value, lang)
    if unit and unit != "year":
        shown += " " + tr(lang, UNIT_WORDS.get(unit, unit))
    template = FACT_SENTENCES.get(kind)
    if template is None:
        return f"{kind_label[:1].upper()}{kind_label[1:]}: {shown}"
    return tr(lang, template, value=shown)
