"""Post-ner corrections of the entity spans (runs AFTER ner, before abbreviations and people).

Precedence: spans from the UN and place rulers are trusted and only ever absorbed into a longer
organization name; model spans are cleaned, relabelled or dropped, in this order:
1. labels: FAC (venues) -> LOC; ORG/PERSON/GPE/LOC/UN_AGENCY kept; others left alone (extract
   ignores them) except NORP, which is dropped so nationalities never block a later rule;
2. edges: a leading "the", stray punctuation, trailing connectors ("Ministry of Foreign Affairs
   of") and possessives are cut; a half-quoted name is closed or cut at the quote; a registered
   name after a legal form ('State Enterprise "X"') keeps only X;
3. PERSON spans lose leading honorifics and titles (Ms., H.E., President, Minister);
4. the knowledge base relabels confident model errors: a known UN body -> UN_AGENCY, a known
   organization -> ORG, a known country/region/area/city -> GPE/LOC (Almaty as ORG -> GPE;
   Imereti as PERSON -> GPE), unless an honorific precedes or a name word follows the span
   ("Ms. Imereti", "Lima Quispe"); currency codes and amounts ("MNT", "EUR 300,000") are dropped;
5. spans that are not names are dropped: stop-list terms (COVID-19, SDGs), lower-case text,
   generic words ("Ministry", "Committee"), names of events/documents/programmes (head word in
   `non_entity_heads`), hashtags, e-mail addresses, tokens with digits fused in ("CSW67"),
   slogans wholly in quotation marks;
6. "Unit of Parent" chains are joined into one ORG ("Committee on Statistics" + "of the" +
   "Ministry of National Economy" + "of the" + "Republic of Kazakhstan"; "Government of" +
   GPE), as the guidelines ask.
Rules files: models/rules/entities_org.json, entities_people.json, entities_stoplist.json.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline import kb
from pipeline.nlp.entity_spans import is_name_like, load_rules, name_head, replace_ents
from pipeline.nlp.extensions import set_source, span_key
from pipeline.records import ENTITY_LABELS

LABEL_MAP = {"FAC": "LOC"}
DROP_LABELS = frozenset({"NORP"})
OPEN_QUOTES = frozenset("“\"«„‘'")
CLOSE_QUOTES = frozenset("”\"»“’'")
EDGE_PUNCT = frozenset(",.;:!?()[]{}&/-–—*•|") | OPEN_QUOTES | CLOSE_QUOTES
TRAILING_WORDS = frozenset({"and", "of", "the", "for", "to", "in", "on", "at", "with", "&", "'s", "’s", "’", "'"})
FUSED_DIGITS_RE = re.compile(r"[A-Za-z]+-?\d|\d+[A-Za-z]{2,}")


@dataclass
class Ent:
    start: int
    end: int
    label: str
    kb_id: str | None = None
    source: str = "model"     # model spans may be edited; rule/abbreviation spans are kept as set

    @property
    def fixed(self) -> bool:
        return self.source != "model"


@lru_cache(maxsize=1)
def rules() -> dict:
    org = load_rules("entities_org")
    people = load_rules("entities_people")
    stop = load_rules("entities_stoplist")
    demonym_rows = load_rules("demonyms").get("countries", [])
    demonyms = {d for row in demonym_rows for d in row.get("demonyms", [])}
    exceptions = frozenset(stop.get("currency_code_exceptions", ()))
    return {
        "honorifics": frozenset(people["honorifics"]),
        "currency_codes": currency_codes() - exceptions,
        "currency_starts": currency_codes() | frozenset(stop.get("currency_symbols", ())),
        "non_entity_heads": frozenset(org["non_entity_heads"]),
        "chain_heads": frozenset(org["chain_heads"]),
        "connectors": tuple(tuple(c) for c in org["connectors"]),
        "legal_forms": tuple(sorted((tuple(f.split()) for f in org["legal_forms"]), key=len, reverse=True)),
        "generic": frozenset(w.casefold() for w in org["generic_words"]),
        "venue_heads": frozenset(org["venue_heads"]),
        "org_heads": frozenset(org["org_unit_heads"]),
        "person_prefix": frozenset(people["honorifics"]) | frozenset(people["titles"]),
        "person_heads": frozenset(people["honorifics"]) | frozenset(people["apposition_titles"]),
        "stoplist": frozenset(kb.fold(t) for t in stop["texts"]),
        "demonyms": frozenset(demonyms) | frozenset(stop.get("demonyms", [])),
        "non_name_suffixes": tuple(people["non_name_suffixes"]),
    }


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    """ISO 4217 codes (MNT, GEL, EUR), from the maintained list in pycountry."""
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


# --------------------------------------------------------------------------------------------
# Pure helpers over a Doc and token offsets


def is_currency(doc: Doc, start: int, end: int, r: dict) -> bool:
    """A currency code alone ("MNT") or an amount ("EUR 300,000", "US$ 5 million", "₾ 40")."""
    first = doc[start]
    if end - start == 1 and first.text in r["currency_codes"]:
        return True
    k = start
    if first.text in r["currency_starts"]:
        k = start + 1
    elif start + 1 < end and first.text + doc[start + 1].text in r["currency_starts"]:
        k = start + 2       # "US" + "$"
    return start < k < len(doc) and doc[k].like_num


def person_context(doc: Doc, start: int, end: int, r: dict) -> bool:
    """An honorific before ("Ms. Imereti") or a capitalised name word after ("Lima Quispe"):
    the span is (part of) a person's name, even where a place has the same name."""
    if start > 0 and doc[start - 1].text in r["honorifics"]:
        return True
    if end < len(doc):
        nxt = doc[end]
        return nxt.is_alpha and nxt.is_title and nxt.lower_ not in _PLACE_WORDS
    return False


_PLACE_WORDS = frozenset({"region", "province", "state", "district", "county", "city", "oblast", "aimag",
                          "governorate", "department", "prefecture", "municipality"})


def trim_edges(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Cut a leading "the", edge punctuation and trailing connectors/possessives."""
    changed = True
    while changed and start < end:
        changed = False
        first, last = doc[start], doc[end - 1]
        if first.lower_ == "the" or first.is_space or (first.text in EDGE_PUNCT and first.text not in OPEN_QUOTES):
            start += 1
            changed = True
        elif last.lower_ in TRAILING_WORDS or last.is_space or (last.text in EDGE_PUNCT and last.text not in CLOSE_QUOTES):
            end -= 1
            changed = True
    # a bracket the span opens but does not close: "Security and Development (FBA"
    for i in range(start, end):
        if doc[i].text in "([{" and not any(doc[j].text in ")]}" for j in range(i + 1, end)):
            return trim_edges(doc, start, i) if i > start else (start, start)
        if "\n" in doc[i].text:
            return trim_edges(doc, start, i) if i > start else (start, start)
    return start, end


def extend_hyphenated(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """A name never ends inside a hyphenated word: "... of Agro" + "-Industrial"."""
    while end + 1 < len(doc) and doc[end].text in ("-", "–") and doc[end - 1].whitespace_ == "" \
            and doc[end].whitespace_ == "" and doc[end + 1].is_alpha and doc[end + 1].ent_iob_ != "B":
        end += 2
    while start >= 2 and doc[start - 1].text in ("-", "–") and doc[start - 1].whitespace_ == "" \
            and doc[start - 2].whitespace_ == "" and doc[start - 2].is_alpha and doc[start - 2].ent_iob_ == "O":
        start -= 2
    return start, end


def balance_quotes(doc: Doc, start: int, end: int, max_extend: int = 8) -> tuple[int, int]:
    """Close a quotation the span opens (extending up to `max_extend` tokens), else cut at it."""
    opened = None
    for i in range(start, end):
        t = doc[i].text
        if t in OPEN_QUOTES and opened is None and t not in ("'",):
            opened = i
        elif t in CLOSE_QUOTES and opened is not None:
            opened = None
    if opened is None:
        # drop a closing quote left dangling at the end or an opening one at the start
        if end > start and doc[end - 1].text in CLOSE_QUOTES and not any(
                doc[i].text in OPEN_QUOTES for i in range(start, end - 1)):
            end -= 1
        return start, end
    for j in range(end, min(len(doc), end + max_extend)):
        if doc[j].text in CLOSE_QUOTES:
            return start, j + 1
        if doc[j].is_punct and doc[j].text not in "-":
            break
    return (start, opened) if opened > start else (opened + 1, end)


def quoted_after_legal_form(doc: Doc, start: int, end: int, legal_forms) -> tuple[int, int] | None:
    """'State Enterprise “Forest Seed Centre” nursery' -> the span of Forest Seed Centre."""
    words = tuple(t.text for t in doc[start:end])
    for form in legal_forms:
        n = len(form)
        if words[:n] == form and start + n < len(doc) and doc[start + n].text in OPEN_QUOTES:
            q = start + n + 1
            for j in range(q, min(len(doc), q + 15)):
                if doc[j].text in CLOSE_QUOTES:
                    return (q, j) if j > q else None
            return None
    return None


def after_office_words(doc: Doc, start: int, end: int, r: dict) -> int:
    """ "[Emergency Situations] Aliya Bekova" (from "Minister of Emergency Situations Aliya
    Bekova"): a PERSON span that starts with the tail of an office name keeps the name after it,
    when two or more name words follow the last office word."""
    cut = None
    for i in range(start, end):
        t = doc[i]
        if t.text in r["org_heads"] or (len(t) > 5 and t.lower_.endswith(r["non_name_suffixes"])):
            cut = i + 1
    if cut is None or end - cut < 2 or not all(is_name_like(t) or t.text == "-" for t in doc[cut:end]):
        return start
    return cut


def title_prefix_end(doc: Doc, start: int, end: int, prefixes: frozenset[str],
                     heads: frozenset[str]) -> int:
    """End of a leading title ("Deputy Prime Minister", "Ms.", "Project Manager") in [start, end).

    The run of title words only counts up to its last head word (an honorific or a job title
    such as Minister), so "Gender-Based Violence" keeps its "Gender".
    """
    cut = start
    i = start
    while i < end - 1 and doc[i].text in prefixes:
        i += 1
        if doc[i - 1].text in heads:
            cut = i
    return cut


def strip_person_prefix(doc: Doc, start: int, end: int, r: dict) -> int:
    return title_prefix_end(doc, start, end, r["person_prefix"], r["person_heads"])


def is_not_a_name(doc: Doc, start: int, end: int, label: str, r: dict) -> bool:
    span = doc[start:end]
    text = span.text
    if not any(c.isupper() for c in text):
        return True
    if kb.fold(text) in r["stoplist"]:
        return True
    if any(t.like_email or t.like_url or t.text.startswith(("#", "@")) for t in span):
        return True
    if any(FUSED_DIGITS_RE.search(t.text) for t in span):
        return True
    words = [t for t in span if t.is_alpha]
    if not words:
        return True
    if all(t.text.casefold() in r["generic"] or t.is_stop for t in words):
        return True
    if label in ("ORG", "PERSON", "LOC"):
        head = name_head(doc, start, end)
        if head is not None and doc[head].text in r["non_entity_heads"]:
            # a programme or event named after its organiser is still a programme
            return True
        if label == "ORG" and head is not None and doc[head].text in r["person_heads"] \
                and doc[head].text not in r["org_heads"]:
            return True     # "National Project Coordinator" is a job title
    if label in ("GPE", "LOC", "ORG") and text in r["demonyms"]:
        return True     # "Kazakh", "Kyrgyz": nationalities are not annotated
    if label == "ORG" and span[0].text in r["person_heads"] and span[0].text not in r["org_heads"]:
        return True     # "Minister of Internal Affairs" is a title, not the ministry
    if label == "PERSON":
        if any(t.text in r["org_heads"] for t in span):
            return True
        if any(len(t) > 5 and t.lower_.endswith(r["non_name_suffixes"]) for t in span):
            return True     # "Humanitarian Action": abstract nouns are not names
        if any(not (t.is_title or t.is_upper or not t.is_alpha or t.lower_ in _PARTICLES) for t in span):
            return True
    return False


_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "bin", "ibn",
                        "al", "el", "ul", "y", "dos", "das", "del", "ter", "ten", "zu"})


def wholly_quoted(doc: Doc, start: int, end: int, legal_forms=()) -> bool:
    """A span standing alone in quotation marks (a title or slogan), unless a legal form
    introduces it as a registered name ('State Enterprise "X"')."""
    if not (start > 0 and end < len(doc) and doc[start - 1].text in OPEN_QUOTES
            and doc[end].text in CLOSE_QUOTES):
        return False
    before = tuple(t.text for t in doc[max(0, start - 6):start - 1])
    return not any(before[-len(f):] == f for f in legal_forms)


def written_as_in_kb(text: str, hit) -> bool:
    """The alias table folds case; a relabel needs the KB's own spelling ("IATI" is not the town
    "Iati", "Who" is not WHO). All-capital datelines of longer names are accepted."""
    t = " ".join(text.replace("\u2019", "'").split())
    forms = [" ".join(f.replace("\u2019", "'").split()) for f in (hit.name, *hit.aliases)]
    if t in forms:
        return True
    return t.isupper() and len(t) > 4 and any(f.upper() == t for f in forms)


def kb_relabel(text: str, label: str) -> tuple[str, str | None] | None:
    """The label and kb id the knowledge base gives a model span's text, when it is sure."""
    table = kb.alias_table()
    key = kb.fold(text)
    for want in ("UN_AGENCY", "ORG"):
        hit = table.get((key, want))
        if hit is not None and written_as_in_kb(text, hit):
            return want, hit.kb_id
    for want in ("GPE", "LOC"):
        hit = table.get((key, want))
        if hit is None or not written_as_in_kb(text, hit):
            continue
        if label == "PERSON" and hit.latitude is not None:
            # a person named like a town is more likely than the reverse; only countries,
            # regions and areas override the model's PERSON
            return None
        return want, hit.kb_id
    return None


def connector_at(doc: Doc, i: int, connectors) -> int:
    """Length of the longest connector ("of", "of the", "to") starting at token i, else 0."""
    if i >= len(doc) or doc[i].lower_ not in _CONNECTOR_WORDS:
        return 0
    words = tuple(doc[k].lower_ for k in range(i, min(len(doc), i + 3)))
    return max((len(c) for c in connectors if words[:len(c)] == c), default=0)


_CONNECTOR_WORDS = frozenset({"of", "to", "under", "for", "at"})


def join_chains(doc: Doc, ents: list[Ent], r: dict) -> list[Ent]:
    """Join "Unit of Parent" chains into one ORG (see module doc, step 6)."""
    ents = sorted(ents, key=lambda e: e.start)
    out: list[Ent] = []
    for e in ents:
        if out:
            a = out[-1]
            gap = e.start - a.end
            n = connector_at(doc, a.end, r["connectors"]) if gap > 0 else 0
            if 0 < n < gap and e.label == "ORG" and all(
                    is_name_like(t) or (t.text == "-" and t.whitespace_ == "") for t in doc[a.end + n:e.start]):
                n = gap     # "... Park of" + "Al-Farabi" + "Kazakh National University"
            if n == 0 and gap > 2 and a.label == "ORG" and doc[a.end].lower_ == "and":
                # "Ministry of Education" + "and Science" + "of the" + "Kyrgyz Republic"
                k = a.end + 1
                while k < e.start and is_name_like(doc[k]):
                    k += 1
                c = connector_at(doc, k, r["connectors"]) if k > a.end + 1 else 0
                if c and k + c == e.start and doc[k].lower_ == "of":
                    n = gap
            if a.label == "ORG" and n == gap and n > 0 and (
                    e.label in ("ORG", "GPE") or (e.label == "LOC" and doc[a.end].lower_ == "of")) \
                    and any(t.text in r["chain_heads"] for t in doc[a.start:a.end]) \
                    and not (doc[a.end].lower_ == "to" and e.label == "ORG"):
                out[-1] = Ent(a.start, e.end, "ORG", None, "rule")
                continue
        out.append(e)
    # "Government of" + GPE, where the model left the unit word untagged
    result: list[Ent] = []
    taken = set()
    for e in out:
        for i in range(e.start, e.end):
            taken.add(i)
    for e in out:
        if e.label in ("GPE", "LOC"):
            for c in r["connectors"]:
                n = len(c)
                s = e.start - n
                if s >= 1 and tuple(t.lower_ for t in doc[s:e.start]) == c and c[0] == "of":
                    h = s - 1
                    if h not in taken and doc[h].text in r["chain_heads"]:
                        b = h
                        while b - 1 >= 0 and b - 1 not in taken and is_name_like(doc[b - 1]) \
                                and doc[b - 1].text not in r["person_prefix"]:
                            b -= 1
                        e = Ent(b, e.end, "ORG", None, "rule")
                        break
        result.append(e)
    return result


# --------------------------------------------------------------------------------------------
# Context tests


def in_titled_quote(doc: Doc, start: int, end: int, heads: frozenset[str], reach: int = 30) -> bool:
    """True inside a quotation that is the title of a document or event: it starts with a head
    word (“Concept of ... 2027”) or is followed by one (“Forest Restoration ...” project)."""
    i = start - 1
    while i >= 0 and start - i <= reach:
        t = doc[i].text
        if t in CLOSE_QUOTES and t not in OPEN_QUOTES:
            return False
        if t in OPEN_QUOTES:
            close = next((j for j in range(end, min(len(doc), end + reach)) if doc[j].text in CLOSE_QUOTES), None)
            if close is None:
                return False
            first = next((k for k in range(i + 1, min(len(doc), i + 4)) if doc[k].is_alpha), None)
            titled = first is not None and any(doc[k].text in heads for k in range(first, min(len(doc), first + 2)))
            # or the quotation is followed by what it names: “...” project
            named = close + 1 < len(doc) and doc[close + 1].text.capitalize() in heads
            return titled or named
        if "\n" in t:
            return False
        i -= 1
    return False


LEFT_CONNECTORS = frozenset({"of", "on", "for", "the", "to", "against", "and"})


def named_inside_longer_name(doc: Doc, start: int, end: int, heads: frozenset[str]) -> bool:
    """The span continues or completes a capitalised name headed by a document/event word:
    "Convention on the [Protection and Promotion]", "[EU]-UN Spotlight Regional Programme"."""
    from pipeline.nlp.un_agencies import inside_longer_name
    if inside_longer_name(doc, start, end, heads):
        return True
    i = start - 1
    quoted = False
    if i >= 0 and doc[i].text in OPEN_QUOTES:
        quoted = True
        i -= 1
    saw_connector = False
    while i >= 0 and doc[i].lower_ in LEFT_CONNECTORS and start - i <= 4:
        saw_connector = True
        i -= 1
    if not saw_connector or i < 0:
        return False
    # "Convention on the X"; and, for a quoted title, also "conference on “X”"
    return doc[i].text in heads or (quoted and doc[i].text.capitalize() in heads)


def names_a_project(doc: Doc, start: int, end: int, heads: frozenset[str],
                    org_heads: frozenset[str] = frozenset()) -> bool:
    """A name straight before "project", "programme"... names that project ("the FRIENDS
    project", "the Optimizing School Meals programme"), which the guidelines do not annotate;
    unless it is itself headed like an organization ("the Aga Khan Foundation programme")."""
    if end >= len(doc):
        return False
    nxt = doc[end]
    if not (nxt.is_lower and nxt.text.capitalize() in heads):
        return False
    if end - start == 1:
        return doc[start].is_upper
    head = name_head(doc, start, end)
    return head is not None and doc[head].text not in org_heads


_LOWER_WORD_RE = re.compile(r"(?<![\w-])[a-z]+(?![\w-])")


def lower_words(doc: Doc) -> frozenset[str]:
    """Words the article writes in lower case (on the text: cheaper than walking the tokens)."""
    return frozenset(_LOWER_WORD_RE.findall(doc.text))


def common_word_elsewhere(doc: Doc, start: int, end: int, lower: frozenset[str]) -> bool:
    """A one-word capitalised span whose word the article also writes in lower case
    ("Format", "Videos" as headings) is a common word, not a name."""
    if end - start != 1 or doc[start].is_upper:
        return False
    return doc[start].lower_ in lower


def dateline_place(doc: Doc, start: int, end: int, ents_by_start: dict) -> bool:
    """ "Borovoye, Kazakhstan –": a name followed by a comma and a country at a line start."""
    at_line_start = start == 0 or "\n" in doc[start - 1].text or doc[start - 1].is_space
    if not at_line_start or end + 1 >= len(doc) or doc[end].text != ",":
        return False
    nxt = ents_by_start.get(end + 1)
    return nxt is not None and nxt.label == "GPE" and nxt.kb_id is not None and nxt.kb_id.startswith("Q")


def person_by_title(doc: Doc, start: int, end: int, r: dict) -> int | None:
    """An ORG-labelled name led by a person's title ("President Kassym-Jomart Tokayev"):
    the start of the name when it is one, else None."""
    s = title_prefix_end(doc, start, end, r["person_prefix"], r["person_heads"])
    if s == start and not (start > 0 and doc[start - 1].text in r["person_heads"]):
        return None
    words = [t for t in doc[s:end] if t.is_alpha]
    if not 1 <= len(words) <= 4 or any(t.text in r["org_heads"] or t.is_upper for t in words):
        return None
    if not all(t.is_title or not t.is_alpha for t in doc[s:end]):
        return None
    return s


# --------------------------------------------------------------------------------------------
# The component


def project_acronyms(doc: Doc, heads: frozenset[str]) -> frozenset[str]:
    """Acronyms the article uses as project names somewhere ("the FRIENDS project")."""
    return frozenset(t.text for t in doc[:-1] if t.is_upper and len(t) > 1 and t.is_alpha
                     and doc[t.i + 1].is_lower and doc[t.i + 1].text.capitalize() in heads)


def after_possessive(doc: Doc, start: int, end: int) -> int:
    """ "UCA’s Mountain Research Institute", "Mongolia’s Water Agency": the name is what follows
    the owner's possessive, when the owner is an acronym or a known name."""
    for i in range(end - 2, start, -1):
        if doc[i].text in ("’s", "'s") and end - i - 1 >= 2 and all(
                is_name_like(t) or t.lower_ in ("of", "and", "for", "the") for t in doc[i + 1:end]):
            owner = doc[start:i]
            # an owner is an acronym or a name the KB knows; "Women’s ... Centers" keeps its "Women’s"
            if (len(owner) == 1 and owner[0].is_upper and len(owner[0]) > 1) or any(
                    (kb.fold(owner.text), lab) in kb.alias_table() for lab in ENTITY_LABELS):
                return i + 1
    return start


def strip_board_of(doc: Doc, start: int, end: int, r: dict) -> int:
    """"Deputy Chair of the [Board of the X Institute]": the board belongs to the title."""
    if end - start > 3 and doc[start].text == "Board" and doc[start + 1].lower_ == "of":
        if start >= 2 and doc[start - 1].lower_ in ("the", "of") and any(
                doc[k].text in r["person_heads"] for k in range(max(0, start - 4), start)):
            return start + (3 if doc[start + 2].lower_ == "the" else 2)
    return start


def fix_entities(doc: Doc) -> list[Ent]:
    r = rules()
    sources = doc._.mention_sources or {}
    kbs = doc._.mention_kb or {}
    projects = project_acronyms(doc, r["non_entity_heads"])
    ents: list[Ent] = []
    for span in doc.ents:
        key = span_key(span.start_char, span.end_char)
        label = LABEL_MAP.get(span.label_, span.label_)
        e = Ent(span.start, span.end, label, kbs.get(key), sources.get(key, "model"))
        if e.fixed:
            ents.append(e)
            continue
        if label in DROP_LABELS:
            continue
        if label not in ENTITY_LABELS:
            ents.append(e)
            continue
        s, t = trim_edges(doc, e.start, e.end)
        q = quoted_after_legal_form(doc, s, t, r["legal_forms"])
        if q is None and s < t:
            s, t = balance_quotes(doc, s, t)
            if doc[s].text in OPEN_QUOTES and doc[t - 1].text in CLOSE_QUOTES and label in ("ORG", "PERSON"):
                continue    # a title or slogan in quotation marks
            s, t = trim_edges(doc, s, t)
            if s < t:
                s, t = extend_hyphenated(doc, s, t)
        elif q is not None:
            s, t = q
            label = "ORG"
        if s >= t:
            continue
        s = after_possessive(doc, s, t)
        if label == "ORG":
            s = strip_board_of(doc, s, t, r)
            p = person_by_title(doc, s, t, r)
            if p is not None:
                label, s = "PERSON", p
        if label == "PERSON":
            s = strip_person_prefix(doc, s, t, r)
            s, t = trim_edges(doc, s, t)
            s = after_office_words(doc, s, t, r)
        if s >= t or is_currency(doc, s, t, r):
            continue
        text = doc[s:t].text
        if text in r["demonyms"]:
            continue    # "Kazakh" is a nationality even where a town bears the name
        generic = all(w.is_stop or w.text.casefold() in r["generic"] or w.text in r["org_heads"]
                      for w in doc[s:t] if w.is_alpha)
        # a town called "University"; GeoNames lists "Google" as a name of Topeka
        relabel = None if generic or kb.fold(text) in r["stoplist"] else kb_relabel(text, label)
        if relabel is not None and label in ("PERSON", "ORG") and relabel[0] in ("GPE", "LOC") \
                and person_context(doc, s, t, r):
            relabel = None
        if relabel is not None:
            if named_inside_longer_name(doc, s, t, r["non_entity_heads"]):
                continue
            label, kb_id = relabel
            ents.append(Ent(s, t, label, kb_id, "model"))
            continue
        last = doc[t - 1].text
        if label in ("ORG", "LOC") and last in r["venue_heads"]:
            label = "LOC"
        elif label == "LOC" and span.label_ in ("FAC", "LOC") and last in r["org_heads"] and last != "Park":
            label = "ORG"
        ents.append(Ent(s, t, label, None, "model"))
    ents = join_chains(doc, ents, r)
    by_start = {e.start: e for e in ents}
    lower = lower_words(doc)
    out = []
    for e in ents:
        if e.label in ENTITY_LABELS and in_titled_quote(doc, e.start, e.end, r["non_entity_heads"]):
            continue
        if e.source != "model" or e.kb_id or e.label not in ENTITY_LABELS:
            out.append(e)
            continue
        if dateline_place(doc, e.start, e.end, by_start) and e.label != "PERSON":
            out.append(Ent(e.start, e.end, "GPE", None, "model"))
            continue
        if is_not_a_name(doc, e.start, e.end, e.label, r):
            continue
        if e.label in ("ORG", "PERSON") and wholly_quoted(doc, e.start, e.end, r["legal_forms"]) \
                and not (e.start >= 2 and doc[e.start - 2].text in r["chain_heads"]):
            continue
        if e.label != "UN_AGENCY" and named_inside_longer_name(doc, e.start, e.end, r["non_entity_heads"]):
            continue
        if common_word_elsewhere(doc, e.start, e.end, lower):
            continue
        if names_a_project(doc, e.start, e.end, r["non_entity_heads"], r["org_heads"]) \
                or doc[e.start:e.end].text in projects:
            continue
        if doc[e.start:e.end].root.pos_ == "VERB":
            continue
        out.append(e)
    return out


def repeat_names(doc: Doc, ents: list[Ent]) -> list[Ent]:
    """A name of two words or more that the article labels once is labelled the same at its
    other, unlabelled occurrences (the model often misses a repeated name in a new context)."""
    names: dict[tuple[str, ...], Ent] = {}
    for e in ents:
        if e.label in ENTITY_LABELS and e.end - e.start >= 2 and doc[e.start].is_title:
            names.setdefault(tuple(t.text for t in doc[e.start:e.end]), e)
    if not names:
        return ents
    taken = bytearray(len(doc))
    for e in ents:
        taken[e.start:e.end] = b"\x01" * (e.end - e.start)
    texts = [t.text for t in doc]
    first = {}
    for name in names:
        first.setdefault(name[0], []).append(name)
    added = []
    for i, w in enumerate(texts):
        for name in first.get(w, ()):
            n = len(name)
            if tuple(texts[i:i + n]) == name and not any(taken[i:i + n]):
                src = names[name]
                added.append(Ent(i, i + n, src.label, src.kb_id, "rule"))
                taken[i:i + n] = b"\x01" * n
    return ents + added


def apply(doc: Doc, ents: list[Ent]) -> None:
    spans = [Span(doc, e.start, e.end, label=e.label) for e in ents]
    replace_ents(doc, spans)
    for e in ents:
        s = doc[e.start:e.end]
        if e.source != "model" or e.kb_id:
            set_source(doc, s.start_char, s.end_char, e.source, e.kb_id)


@Language.factory("entity_fixups")
def make_entity_fixups(nlp: Language, name: str):
    rules()
    kb.alias_table()

    def entity_fixups(doc: Doc) -> Doc:
        apply(doc, repeat_names(doc, fix_entities(doc)))
        return doc

    return entity_fixups
