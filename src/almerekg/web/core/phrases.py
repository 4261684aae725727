"""Words for what the data hold as codes: a relationship said from either side, a firm fact as a sentence,
a number written the way the reader's language writes it.

These are the site's phrasings, not facts: every phrase only puts a relationship kind, a fact kind and the
values the data hold into words, and the page shows the report's own quote beside it as the evidence. A kind
without a phrase here falls back to its label from the code list ("overname: Start"), never to a guess.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# kind -> language -> (said by the organisation, said by the partner); {other} is the other side's name,
# {share} the share in percent. Relationships point from ak:organisation to ak:partner: a subsidiary to its
# parent, a firm to its customer, an organisation to the network it plays a role in.
RELATION_PHRASES: dict[str, dict[str, tuple[str, str]]] = {
    "acquisition": {"nl": ("nam {other} over", "overgenomen door {other}"),
                    "en": ("acquired {other}", "acquired by {other}")},
    "customer": {"nl": ("levert aan afnemer {other}", "afnemer van {other}"),
                 "en": ("supplies its customer {other}", "customer of {other}")},
    "former-owner": {"nl": ("was eigendom van {other}", "was eigenaar van {other}"),
                     "en": ("was owned by {other}", "was the owner of {other}")},
    "joint-venture-share": {"nl": ("joint venture, voor {share} procent van {other}",
                                   "bezit {share} procent van joint venture {other}"),
                            "en": ("joint venture, {share} percent owned by {other}",
                                   "owns {share} percent of the joint venture {other}")},
    "ownership-share": {"nl": ("voor {share} procent in handen van {other}", "bezit {share} procent van {other}"),
                        "en": ("{share} percent owned by {other}", "owns {share} percent of {other}")},
    "merger": {"nl": ("fuseerde met {other}", "fuseerde met {other}"),
               "en": ("merged with {other}", "merged with {other}")},
    "parent-subsidiary": {"nl": ("onderdeel (dochter) van {other}", "moederbedrijf van {other}"),
                          "en": ("part (subsidiary) of {other}", "parent company of {other}")},
    "programme-participation": {"nl": ("neemt deel aan het programma {other}", "programma met als deelnemer {other}"),
                                "en": ("takes part in the programme {other}", "programme with participant {other}")},
    "research": {"nl": ("onderzoekssamenwerking met {other}", "onderzoekssamenwerking met {other}"),
                 "en": ("research cooperation with {other}", "research cooperation with {other}")},
    "co-production": {"nl": ("coproductie of co-ontwikkeling met {other}",
                             "coproductie of co-ontwikkeling met {other}"),
                      "en": ("co-production or co-development with {other}",
                             "co-production or co-development with {other}")},
    "funder": {"nl": ("financier van {other}", "gefinancierd door {other}"),
               "en": ("funds {other}", "funded by {other}")},
    "initiator": {"nl": ("initiatiefnemer van {other}", "opgezet op initiatief van {other}"),
                  "en": ("initiator of {other}", "set up on the initiative of {other}")},
    "partner": {"nl": ("partner van {other}", "werkt samen met {other}"),
                "en": ("partner of {other}", "works with {other}")},
    "participant": {"nl": ("neemt deel aan {other}", "met als deelnemer {other}"),
                    "en": ("takes part in {other}", "with {other} taking part")},
    "member": {"nl": ("lid van {other}", "met als lid {other}"), "en": ("member of {other}", "with member {other}")},
    "organiser": {"nl": ("organiseert {other}", "georganiseerd door {other}"),
                  "en": ("organises {other}", "organised by {other}")},
    "located-in": {"nl": ("gevestigd in {other}", "vestigingsplaats van {other}"),
                   "en": ("located in {other}", "location of {other}")},
    "group-member": {"nl": ("lid van {other}", "met als lid {other}"),
                     "en": ("member of {other}", "with member {other}")},
    "combination": {"nl": ("combinatie met {other}", "combinatie met {other}"),
                    "en": ("combined with {other}", "combined with {other}")},
    "commission": {"nl": ("in opdracht van {other}", "opdrachtgever van {other}"),
                   "en": ("commissioned by {other}", "commissioned {other}")},
}

# Fact kind -> language -> sentence with {value}; kinds not listed read "label: value".
FACT_SENTENCES: dict[str, dict[str, str]] = {
    "founded": {"nl": "Opgericht in {value}", "en": "Founded in {value}"},
    "founder": {"nl": "Opgericht door {value}", "en": "Founded by {value}"},
    "former-name": {"nl": "Heette eerder {value}", "en": "Formerly called {value}"},
    "legal-name": {"nl": "Juridische naam: {value}", "en": "Legal name: {value}"},
    "appendix-name": {"nl": "In Bijlage 3 genoemd als {value}", "en": "Named {value} in Appendix 3"},
    "abbreviation": {"nl": "Afgekort als {value}", "en": "Abbreviated as {value}"},
    "moved-to-almere": {"nl": "Naar Almere verhuisd in {value}", "en": "Moved to Almere in {value}"},
    "established-in-almere": {"nl": "In Almere gevestigd in {value}", "en": "Established in Almere in {value}"},
    "moved-from": {"nl": "Verhuisd vanuit {value}", "en": "Moved from {value}"},
    "headquarters": {"nl": "Hoofdkantoor in {value}", "en": "Headquarters in {value}"},
    "locations": {"nl": "Gevestigd in {value}", "en": "Located in {value}"},
    "employees": {"nl": "{value} medewerkers", "en": "{value} employees"},
    "countries-active": {"nl": "Actief in {value} landen", "en": "Active in {value} countries"},
    "establishments": {"nl": "{value} vestigingen", "en": "{value} establishments"},
    "stock-listing": {"nl": "Beursnotering in {value}", "en": "Listed on the stock exchange in {value}"},
    "bank-licence": {"nl": "Banklicentie in {value}", "en": "Banking licence in {value}"},
    "independent-since": {"nl": "Zelfstandig sinds {value}", "en": "Independent since {value}"},
    "market-introduction": {"nl": "Marktintroductie in {value}", "en": "Market introduction in {value}"},
    "brand": {"nl": "Merknaam {value}", "en": "Brand name {value}"},
    "division": {"nl": "Divisie {value}", "en": "Division {value}"},
    "website": {"nl": "Website {value}", "en": "Website {value}"},
    "activity-description": {"nl": "Activiteit: {value}", "en": "Activity: {value}"},
}

UNIT_WORDS = {"percent": {"nl": "procent", "en": "percent"}, "m2": {"nl": "m²", "en": "m²"},
              "cars": {"nl": "auto's", "en": "cars"}}


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
    if lang == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def relation_phrase(kind: str, kind_label: str, own_side: bool, other: str, share: str | None, lang: str) -> str:
    """'onderzoekssamenwerking met Turing Institute Almere': the relationship said by one of its two sides."""
    phrases = RELATION_PHRASES.get(kind, {}).get(lang)
    if phrases is None or ("{share}" in phrases[0] and not share):
        return f"{kind_label}: {other}"
    return phrases[0 if own_side else 1].format(other=other, share=format_number(share, lang) if share else "")


def relation_parts(kind: str, kind_label: str, own_side: bool, share: str | None, lang: str) -> tuple[str, str]:
    """The phrase around the other side's name, so that a page can link the name: ('partner van ', '')."""
    before, _sep, after = relation_phrase(kind, kind_label, own_side, "\x00", share, lang).partition("\x00")
    return before, after


def fact_sentence(kind: str, kind_label: str, value: str, unit: str, lang: str) -> str:
    """'Opgericht in 1972', '500 medewerkers': a firm fact as a sentence (years are not written as numbers)."""
    shown = value if unit == "year" or not value.lstrip("-").replace(".", "", 1).isdigit() \
        else format_number(value, lang)
    if unit and unit != "year":
        shown += " " + UNIT_WORDS.get(unit, {}).get(lang, unit)
    template = FACT_SENTENCES.get(kind, {}).get(lang)
    if template is None:
        return f"{kind_label[:1].upper()}{kind_label[1:]}: {shown}"
    return template.format(value=shown)
