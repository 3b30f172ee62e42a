"""Dates: rule-found date spans, resolved to ISO ranges in two steps.

The component runs in worker processes that only see the text, so it resolves what the text fixes
on its own (explicit dates, month-year, years, ranges) and leaves the rest (a missing year, "last
year", "today", "on Thursday") as structured partial candidates. `resolve_dates` finishes them
against the article's published date in the main process; it must stay cheap (plain arithmetic,
dateparser only for the rare model span the rules do not read, and then cached).

Candidate dicts (msgpack-safe):
    text, start_char, end_char
    kind        "abs" (start/end are [year|None, month|None, day|None]), "rel" (rel=[unit, offset]),
                "weekday" (weekday=[0-6, mode]) or "parse" (dateparser reads `text` against the article date)
    start, end  [y, m, d] for "abs"; a missing month means the whole year, a missing day the whole month
    range       true when the text states two ends
    form        which rule pattern found it (dmy, mdy, month, year, year_range...)
    future      the date looks ahead ("will visit on 10 January"): a year-less date then falls after
                the article rather than before it
    year_offset "August this year" / "2 March last year": the year is the article's plus this offset
    month_mode  "last March" / "this March" / "next March"

Rules (month names, cue words, relative expressions) are in models/rules/dates.json, the `rules`
setting of the factory. The figure extractor reads the same candidates (`date_candidates`, with its
own `date_rules` setting), so a number inside a date is never a figure.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp import extensions  # noqa: F401  (registers doc._.dates where spaCy loads this factory alone)
from pipeline.nlp.data import Rules, default_data, rules_setting, verb_forms
from pipeline.nlp.extensions import doc_text

_MEMO_KEY = "_date_candidates"


@dataclass(frozen=True, eq=False)   # hashed by identity: loaded once, used as a cache key
class DateRules:
    months: dict             # full names and abbreviations -> month number
    full_months: tuple
    weekdays: dict
    month_alone_cues: tuple
    relative_days: dict
    relative_periods: dict
    weekday_modifiers: dict
    future_cues: frozenset
    today_event_verbs: dict   # every form -> lemma
    ago_numbers: dict
    year_not_after: tuple
    year_not_before: tuple
    period_parts: dict       # "late", "middle of" ... -> early, mid, late
    year_fractions: dict     # "quarter", "half", "months" -> months in one
    fraction_ordinals: dict  # "first" ... "fourth" -> 1..4, "last" -> -1


@lru_cache(maxsize=None)
def compile_rules(rules: Rules | None = None) -> DateRules:
    """The word lists of a dates rule file; None: the date extractor's default file."""
    if rules is None:
        return compile_rules(default_data("date_extractor", "rules"))
    d = rules.data
    months = dict(d["months"])
    months.update(d["month_abbreviations"])
    return DateRules(
        months=months,
        full_months=tuple(d["months"]),
        ago_numbers=d["ago_numbers"],
        weekdays=d["weekdays"],
        month_alone_cues=tuple(d["month_alone_cues"]),
        relative_days=d["relative_days"],
        relative_periods={k: tuple(v) for k, v in d["relative_periods"].items()},
        weekday_modifiers=d["weekday_modifiers"],
        future_cues=frozenset(d["future_cues"]),
        today_event_verbs=verb_forms(d["today_event_verbs"], every_form=True),
        year_not_after=tuple(d["year_not_after"]),
        year_not_before=tuple(d["year_not_before"]),
        period_parts=dict(d["period_parts"]),
        year_fractions=dict(d["year_fractions"]),
        fraction_ordinals=dict(d["fraction_ordinals"]),
    )


# --------------------------------------------------------------------------------------------
# Patterns (compiled once from the word lists)


def _variants(words) -> str:
    """Title case and upper case (datelines shout: "BISHKEK, March 4"), longest first."""
    forms = set()
    for w in words:
        forms.add(w.capitalize())
        forms.add(w.upper())
    return "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))


@dataclass(frozen=True)
class DatePatterns:
    patterns: tuple          # (name, compiled regex)
    rel_day: re.Pattern
    rel_period: re.Pattern
    weekday: re.Pattern
    ago: re.Pattern
    future_cue: re.Pattern
    month_cue: re.Pattern             # a word before a bare month that makes it a date ("in March")
    year_blocked_before: re.Pattern   # an amount's currency in front: "USD 2000"
    year_blocked_after: re.Pattern    # an amount's unit behind: "2000 tenge", "2000 per cent"
    period_part: re.Pattern           # a word before a month or a year that names a part of it: "late April"


@lru_cache(maxsize=4)
def compile_patterns(rules: DateRules) -> DatePatterns:
    full = list(rules.full_months)
    abbr = [m for m in rules.months if m not in full]
    mon_full = _variants(full)
    mon_any = rf"(?:{mon_full}|(?:{_variants(abbr)})\.?)(?![A-Za-z])"
    mon_full = rf"(?:{mon_full})(?![A-Za-z])"
    wd = _variants(rules.weekdays)
    day = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d%]|:\d)"   # not the hour of a time: "June 20, 2017 - 12:31"
    year = r"(?:1[89]\d\d|20\d\d)(?!\d)"
    sep = r"(?:\s*[-–—]\s*|\s+(?:to|till|until|through|and)\s+)"
    lead = r"(?:(?<![\w.,/-])|(?<=[Mm]id-))"   # "mid-April": the hyphen of a part of the month, not "COVID-19"
    wd_prefix = rf"(?:(?:{wd}),?\s+)?"
    yr = rf"(?:,?\s+(?:of\s+)?({year}))?"
    defs = [
        # 29 May to 1 June 2023 / 1-3 June 2023 / 30 June-2 July
        ("dmy_range", rf"{lead}{wd_prefix}({day})(?:\s+(?:of\s+)?({mon_any}))?{yr}{sep}{wd_prefix}({day})\s+(?:of\s+)?({mon_any}){yr}"),
        # November 25 to December 10 / June 1-3, 2023
        ("mdy_range", rf"{lead}{wd_prefix}({mon_any})\s+({day}){yr}{sep}(?:{wd_prefix}({mon_any})\s+)?({day}){yr}"),
        # May–June 2023 / from May to July / between Sept. and Oct. 2016
        ("my_range", rf"{lead}({mon_any}){yr}{sep}({mon_any}){yr}"),
        ("dmy", rf"{lead}{wd_prefix}({day})\.?\s+(?:of\s+)?({mon_any}){yr}"),   # "20. Jun 2014": day, full stop
        ("mdy", rf"{lead}{wd_prefix}({mon_any})\s+({day})(?:,?\s+({year}))?"),
        ("my", rf"{lead}({mon_any}),?\s+(?:of\s+)?({year})"),
        ("month", rf"{lead}({mon_full})"),
        ("iso", rf"{lead}({year})-(0?[1-9]|1[0-2])-([12]\d|3[01]|0?[1-9])(?!\d)"),
        ("numeric", rf"{lead}(?<![\d-])([12]\d|3[01]|0?[1-9])([./-])([12]\d|3[01]|0?[1-9])\2({year})(?![\d/.-]\d)"),
        ("year_range", rf"{lead}({year})(\s*[-–—/]\s*|\s+(?:to|till|until|through|and)\s+)((?:1[89]|20)?\d\d)(?![\d%])"),
        ("decade", rf"{lead}(1[89]\d0|20\d0)['’]?s\b"),
        ("year", rf"(?<![\w.,/$€£¥₸#№])({year})(?![\w%]|[.,]\d)"),
    ]
    patterns = tuple((name, re.compile(rx)) for name, rx in defs)
    rel_period = "|".join(sorted((re.escape(k) for k in rules.relative_periods), key=len, reverse=True))
    return DatePatterns(
        patterns=patterns,
        rel_day=re.compile(r"\b(today|yesterday|tomorrow)\b(?!['’]s)", re.I),
        rel_period=re.compile(rf"\b((?:earlier|later)\s+)?({rel_period})\b", re.I),
        weekday=re.compile(rf"\b(on|last|this|next)\s+({wd})\b(?![,]?\s+\d)", re.I),
        ago=re.compile(rf"\b(\d+|{'|'.join(sorted(rules.ago_numbers, key=len, reverse=True))})\s+(day|week|month|year)s?\s+ago\b",
                       re.I),
        future_cue=re.compile(rf"\b(?:{'|'.join(re.escape(w) for w in sorted(rules.future_cues))}|['’]ll)\b", re.I),
        month_cue=re.compile(
            rf"(?:^|\W)(?:{'|'.join(re.escape(c) for c in sorted(rules.month_alone_cues, key=len, reverse=True))})\s*$"),
        year_blocked_before=re.compile(
            "(?:" + "|".join(re.escape(w) for w in sorted(rules.year_not_after, key=len, reverse=True)) + r")\s*$"),
        year_blocked_after=re.compile(
            r"^\s*(?:" + "|".join(re.escape(w) for w in sorted(rules.year_not_before, key=len, reverse=True))
            + r")(?![A-Za-z])", re.I),
        period_part=re.compile(rf"\b({_variants(rules.period_parts)})\s*$", re.I),
    )


# --------------------------------------------------------------------------------------------
# Windowed scanning: most of an article holds no number and no date word, so the patterns only
# run in windows around cheap anchors (digits and keywords found with str.find), not over it all.


def find_anchors(text: str, low: str, keywords=()) -> list[int]:
    """Positions of digits in `text` and of `keywords` in its lower-cased copy `low`."""
    out = []
    for needles, hay in (("0123456789", text), (keywords, low)):
        for w in needles:
            i = hay.find(w)
            while i >= 0:
                out.append(i)
                i = hay.find(w, i + len(w))
    return out


def merge_windows(anchors: list[int], before: int, after: int, n: int) -> list[tuple[int, int]]:
    wins: list[list[int]] = []
    for a in sorted(anchors):
        lo, hi = max(0, a - before), min(n, a + after)
        if wins and lo <= wins[-1][1]:
            wins[-1][1] = max(wins[-1][1], hi)
        else:
            wins.append([lo, hi])
    return [(lo, hi) for lo, hi in wins]


def scan(rx: re.Pattern, text: str, windows: list[tuple[int, int]] | None):
    """rx.finditer over the windows (lookbehinds still see the text before a window)."""
    if windows is None:
        yield from rx.finditer(text)
        return
    for lo, hi in windows:
        yield from rx.finditer(text, lo, hi)


def lower_same_length(text: str) -> str:
    low = text.lower()
    return low if len(low) == len(text) else "".join(c.lower()[0] for c in text)


@lru_cache(maxsize=4)
def date_keywords(rules: DateRules) -> tuple:
    """Words that anchor a date window; abbreviated months always sit next to a digit."""
    return tuple(rules.full_months) + tuple(rules.weekdays) + tuple(rules.relative_days) \
        + ("year", "month", "week", " ago")


def date_windows(text: str, rules: DateRules) -> list[tuple[int, int]]:
    low = lower_same_length(text)
    return merge_windows(find_anchors(text, low, date_keywords(rules)), 45, 45, len(text))


# --------------------------------------------------------------------------------------------
# Pure helpers


def day_number(s: str) -> int:
    return int(re.match(r"\d+", s).group())


def expand_two_digit_year(first: int, second: str) -> int:
    """"2022-26" ends in 2026."""
    if len(second) == 4:
        return int(second)
    return first // 100 * 100 + int(second)


def numeric_day_month(a: int, b: int) -> tuple[int, int]:
    """Day and month of "a/b/yyyy": day first (the international order) unless only the US
    order is possible ("3/15/2021")."""
    if b > 12 and a <= 12:
        return b, a
    return a, b


def valid_ymd(y: int | None, m: int | None, d: int | None) -> bool:
    if m is None:
        return d is None
    if not 1 <= m <= 12:
        return False
    if d is None:
        return True
    last = calendar.monthrange(y if y else 2000, m)[1]   # a year-less 29 February is allowed
    return 1 <= d <= last


def fill_range_years(start: list, end: list) -> tuple[list, list]:
    """One end states the year, the other borrows it ("29 May to 1 June 2023"), stepping over New Year."""
    start, end = list(start), list(end)
    if start[0] is None and end[0] is not None:
        start[0] = end[0]
        if (start[1] or 1, start[2] or 1) > (end[1] or 12, end[2] or 31):
            start[0] -= 1
    elif end[0] is None and start[0] is not None:
        end[0] = start[0]
        if (end[1] or 12, end[2] or 31) < (start[1] or 1, start[2] or 1):
            end[0] += 1
    return start, end


def infer_year(month: int, day: int | None, published: dt.date, future: bool = False) -> int:
    """The year a year-less date has in an article published on `published`.

    News mostly reports the past: a date more than two months after the article belongs to the year
    before, unless the sentence looks ahead, in which case a date already past is next year's.
    """
    y = published.year
    d = day or 1
    try:
        cand = dt.date(y, month, d)
    except ValueError:          # 29 February in a common year
        cand = dt.date(y, month, 28)
    if future:
        return y + 1 if cand < published - dt.timedelta(days=7) else y
    return y - 1 if cand > published + dt.timedelta(days=61) else y


def ymd_bounds(ymd: list) -> tuple[dt.date, dt.date]:
    y, m, d = ymd
    if m is None:
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if d is None:
        return dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])
    if m == 2 and d == 29 and not calendar.isleap(y):
        d = 28
    day = dt.date(y, m, d)
    return day, day


def granularity_of(start: list, is_range: bool) -> str:
    if is_range:
        return "range"
    return "year" if start[1] is None else "month" if start[2] is None else "day"


def shift_month(y: int, m: int, offset: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + offset
    return n // 12, n % 12 + 1


def resolve_relative(unit: str, offset: int, published: dt.date) -> tuple[dt.date, dt.date, str]:
    if unit == "day":
        day = published + dt.timedelta(days=offset)
        return day, day, "day"
    if unit == "week":
        monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=offset)
        return monday, monday + dt.timedelta(days=6), "range"
    if unit == "month":
        y, m = shift_month(published.year, published.month, offset)
        s, e = ymd_bounds([y, m, None])
        return s, e, "month"
    y = published.year + offset
    return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"


def resolve_weekday(weekday: int, mode: str, published: dt.date, future: bool = False) -> dt.date:
    """"on Thursday" in a news article is the nearest Thursday on or before it, unless it looks ahead."""
    back = (published.weekday() - weekday) % 7
    ahead = (weekday - published.weekday()) % 7
    if mode == "past_strict":
        return published - dt.timedelta(days=back or 7)
    if mode == "future_strict":
        return published + dt.timedelta(days=ahead or 7)
    if future:
        return published + dt.timedelta(days=ahead)
    return published - dt.timedelta(days=back)


@lru_cache(maxsize=4096)
def _dateparser_period(text: str, base: dt.date | None):
    import dateparser

    settings = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
    data = dateparser.DateDataParser(languages=["en"], settings=settings).get_date_data(text)
    if not data or data.date_obj is None:
        return None
    return data.date_obj.date(), data.period


def resolve_one(c: dict, published: dt.date | None) -> dict | None:
    """A candidate with everything the article date fixes, or None when it cannot be resolved."""
    kind = c.get("kind", "abs")
    future = bool(c.get("future"))
    if kind == "rel":
        if published is None:
            return None
        s, e, g = resolve_relative(c["rel"][0], int(c["rel"][1]), published)
    elif kind == "weekday":
        if published is None:
            return None
        s = e = resolve_weekday(int(c["weekday"][0]), c["weekday"][1], published, future)
        g = "day"
    elif kind == "parse":
        if published is None:       # dateparser would fall back to the clock: not reproducible
            return None
        got = _dateparser_period(c["text"], published)
        if got is None:
            return None
        day, period = got
        if period == "year":
            s, e, g = dt.date(day.year, 1, 1), dt.date(day.year, 12, 31), "year"
        elif period == "month":
            s, e = ymd_bounds([day.year, day.month, None])
            g = "month"
        else:
            s = e = day
            g = "day"
    else:
        start, end = list(c["start"]), list(c["end"])
        if c.get("us_order") and published is not None and dt.date(*c["us_order"]) == published:
            start = end = list(c["us_order"])   # a dateline that is the article's own date in the US order
        if start[0] is None:
            if published is None:
                return None
            if "year_offset" in c:
                start[0] = published.year + int(c["year_offset"])
            elif c.get("month_mode") == "last":
                start[0] = published.year if start[1] < published.month else published.year - 1
            elif c.get("month_mode") == "this":
                start[0] = published.year
            elif c.get("month_mode") == "next":
                start[0] = published.year if start[1] > published.month else published.year + 1
            else:
                start[0] = infer_year(start[1], start[2], published, future)
        if end[0] is None:
            start, end = fill_range_years(start, end)
        try:
            s, _ = ymd_bounds(start)
            _, e = ymd_bounds(end)
        except (ValueError, TypeError):
            return None
        if e < s:
            return None
        g = granularity_of(start, bool(c.get("range")))
        if c.get("part"):
            s, e = part_of_period(s, e, c["part"], start[1] is not None)
            g = "range"
    if c.get("months") and g == "year":   # "the first quarter of 2021", "... of this year"
        s, e = dt.date(s.year, c["months"][0], 1), ymd_bounds([s.year, c["months"][1], None])[1]
        g = "range"
    return {"text": c["text"], "start": s.isoformat(), "end": e.isoformat(), "granularity": g,
            "start_char": c["start_char"], "end_char": c["end_char"]}


def resolve_dates(candidates: list[dict], published: dt.date | None) -> list[dict]:
    """Date candidates from the component -> resolved date dicts (candidates that need an article
    date are dropped when there is none)."""
    if isinstance(published, dt.datetime):
        published = published.date()
    out = []
    for c in candidates:
        r = resolve_one(c, published)
        if r is not None:
            out.append(r)
    return out


# --------------------------------------------------------------------------------------------
# Finding candidates in text


def _month(rules: DateRules, s: str | None) -> int | None:
    if not s:
        return None
    return rules.months.get(s.rstrip(".").lower())


def _abs(text: str, s: int, e: int, start: list, end: list, is_range: bool) -> dict | None:
    if not (valid_ymd(*start) and valid_ymd(*end)):
        return None
    if start[0] is not None and end[0] is not None:
        if tuple(x or 0 for x in end) < tuple(x or 0 for x in start):
            return None
    elif start[0] is not None or end[0] is not None:
        start, end = fill_range_years(start, end)
    return {"text": text[s:e], "start_char": s, "end_char": e, "kind": "abs",
            "start": start, "end": end, "range": is_range}


def _between_ok(text: str, m: re.Match, sep: str) -> bool:
    """"and" joins a range only after "between"."""
    if sep.strip() != "and":
        return True
    return bool(re.search(r"\bbetween\s+$", text[max(0, m.start() - 12):m.start()], re.I))


def match_to_candidate(name: str, m: re.Match, text: str, rules: DateRules) -> dict | None:
    g = m.groups()
    s, e = m.start(), m.end()
    if name == "dmy_range":
        d1, mon1, y1, d2, mon2, y2 = g
        m2 = _month(rules, mon2)
        m1 = _month(rules, mon1) or m2
        y2i = int(y2) if y2 else None
        y1i = int(y1) if y1 else None
        if re.search(r"\sand\s", text[s:e]) and not _between_ok(text, m, "and"):
            # "on 5 and 6 June": two days, the first borrowing the month (and year) of the second
            first_end = max(x for x in (m.end(1), m.end(2) if mon1 else -1, m.end(3) if y1 else -1))
            y1i = y1i if y1i is not None else y2i
            one = _abs(text, m.start(1), first_end, [y1i, m1, day_number(d1)], [y1i, m1, day_number(d1)], False)
            two = _abs(text, m.start(4), e, [y2i, m2, day_number(d2)], [y2i, m2, day_number(d2)], False)
            return [c for c in (one, two) if c]
        return _abs(text, s, e, [y1i, m1, day_number(d1)], [y2i, m2, day_number(d2)], True)
    if name == "mdy_range":
        mon1, d1, y1, mon2, d2, y2 = g
        m1 = _month(rules, mon1)
        m2 = _month(rules, mon2) or m1
        if re.search(r"\sand\s", text[s:e]) and not _between_ok(text, m, "and"):
            y = int(y2) if y2 else (int(y1) if y1 else None)
            first_end = m.end(3) if y1 else m.end(2)
            one = _abs(text, s, first_end, [y, m1, day_number(d1)], [y, m1, day_number(d1)], False)
            two = _abs(text, m.start(4) if mon2 else m.start(5), e, [y, m2, day_number(d2)],
                       [y, m2, day_number(d2)], False)
            return [c for c in (one, two) if c]
        return _abs(text, s, e, [int(y1) if y1 else None, m1, day_number(d1)],
                    [int(y2) if y2 else None, m2, day_number(d2)], True)
    if name == "my_range":
        mon1, y1, mon2, y2 = g
        if re.search(r"\sand\s", text[s:e]) and not _between_ok(text, m, "and"):
            return None
        if not (y1 or y2 or re.search(r"\b(from|between)\s+$", text[max(0, s - 10):s], re.I)):
            return None
        return _abs(text, s, e, [int(y1) if y1 else None, _month(rules, mon1), None],
                    [int(y2) if y2 else None, _month(rules, mon2), None], True)
    if name == "dmy":
        d, mon, y = g
        if y is None and re.search(r"\d\.\s", text[s:e]):
            return None     # "rose to 20. June was": a day with a full stop only in a full date ("20. Jun 2014")
        ymd = [int(y) if y else None, _month(rules, mon), day_number(d)]
        return _abs(text, s, e, ymd, list(ymd), False)
    if name == "mdy":
        mon, d, y = g
        if y is None and re.match(r"\s*(?:%|per\s?cent|percent|million|billion|thousand)", text[e:], re.I):
            return None
        ymd = [int(y) if y else None, _month(rules, mon), day_number(d)]
        return _abs(text, s, e, ymd, list(ymd), False)
    if name == "my":
        mon, y = g
        ymd = [int(y), _month(rules, mon), None]
        return _abs(text, s, e, ymd, list(ymd), False)
    if name == "month":
        before = text[max(0, s - 16):s].lower()
        if not compile_patterns(rules).month_cue.search(before):
            return None
        if m.group(1) == "May" and re.search(r"\b(?:this|last|next)\s+$", before) is None \
                and re.match(r"\s+(?:be|have|not|also|help|need)\b", text[e:]):
            return None
        mo = _month(rules, m.group(1))
        cand = _abs(text, s, e, [None, mo, None], [None, mo, None], False)
        mode = re.search(r"\b(last|this|next)\s+$", before)
        if cand and mode:
            cand["month_mode"] = mode.group(1)
        return cand
    if name == "iso":
        y, mo, d = g
        ymd = [int(y), int(mo), int(d)]
        return _abs(text, s, e, ymd, list(ymd), False)
    if name == "numeric":
        a, _sep, b, y = g
        d, mo = numeric_day_month(int(a), int(b))
        ymd = [int(y), mo, d]
        c = _abs(text, s, e, ymd, list(ymd), False)
        if c is not None and d != mo and d <= 12 and mo <= 12:
            c["us_order"] = [int(y), d, mo]     # "9/7/2021" read month first, for the article date to decide
        return c
    if name == "year_range":
        y1, sep, y2 = g
        if sep.strip() == "and" and not _between_ok(text, m, "and"):
            return None
        if len(y2) == 2 and re.search(r"[a-z]", sep):
            return None         # "in 2020 to 30 per cent": a short year only after a dash or slash
        first = int(y1)
        last = expand_two_digit_year(first, y2)
        if not first < last <= first + 100 or sep.strip() == "/" and last != first + 1 and len(y2) == 2:
            return None
        return _abs(text, s, e, [first, None, None], [last, None, None], True)
    if name == "decade":
        y = int(g[0])
        return _abs(text, s, e, [y, None, None], [y + 9, None, None], True)
    if name == "year":
        pats = compile_patterns(rules)
        if pats.year_blocked_before.search(text[max(0, s - 8):s]) or pats.year_blocked_after.match(text[e:e + 16]):
            return None
        y = int(g[0])
        return _abs(text, s, e, [y, None, None], [y, None, None], False)
    return None


RELATIVE_YEAR_AFTER = re.compile(r"\s*,?\s+(?:of\s+)?(this|last|next)\s+year\b(?!['’]s)", re.I)
YEAR_OFFSETS = {"this": 0, "last": -1, "next": 1}


def attach_relative_year(cand: dict, text: str) -> dict:
    """"In August this year", "1 November last year": the year comes from the article date."""
    if cand["start"][0] is not None or cand["end"][0] is not None:
        return cand
    m = RELATIVE_YEAR_AFTER.match(text, cand["end_char"])
    if m:
        cand["end_char"] = m.end()
        cand["text"] = text[cand["start_char"]:m.end()]
        cand["year_offset"] = YEAR_OFFSETS[m.group(1).lower()]
    return cand


def find_rule_dates(text: str, rules: DateRules | None = None, reject=None,
                    windows: list[tuple[int, int]] | None = None) -> list[dict]:
    """Absolute and year-less date candidates in `text`: the longest non-overlapping matches.
    `reject(candidate)` may veto a match before the longest ones are chosen."""
    rules = rules or compile_rules()
    pats = compile_patterns(rules)
    wins = date_windows(text, rules) if windows is None else windows
    found = []
    for order, (name, rx) in enumerate(pats.patterns):
        for m in scan(rx, text, wins):
            got = match_to_candidate(name, m, text, rules)
            for cand in (got if isinstance(got, list) else [got] if got else []):
                cand["form"] = name if not isinstance(got, list) else "dmy"
                if reject is not None and reject(cand):
                    continue
                cand = attach_relative_year(cand, text)
                found.append((cand["start_char"], cand["end_char"], order, cand))
    return select_non_overlapping(found)


def select_non_overlapping(found: list[tuple]) -> list[dict]:
    """Longest first, then the earlier pattern; kept in text order."""
    taken: list[tuple[int, int]] = []
    chosen = []
    for s, e, _order, cand in sorted(found, key=lambda t: (-(t[1] - t[0]), t[2], t[0])):
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        chosen.append(cand)
    return sorted(chosen, key=lambda c: c["start_char"])


def find_relative_dates(text: str, rules: DateRules | None = None,
                        windows: list[tuple[int, int]] | None = None) -> list[dict]:
    """"last year", "yesterday", "on Thursday", "two years ago": candidates the article date resolves."""
    rules = rules or compile_rules()
    pats = compile_patterns(rules)
    wins = date_windows(text, rules) if windows is None else windows
    out = []
    for m in scan(pats.rel_day, text, wins):
        out.append({"text": m.group(0), "start_char": m.start(), "end_char": m.end(), "kind": "rel",
                    "rel": ["day", rules.relative_days[m.group(1).lower()]], "today": m.group(1).lower() == "today"})
    for m in scan(pats.rel_period, text, wins):
        phrase = m.group(2).lower()
        if re.search(r"\bthe\s+$", text[max(0, m.start() - 5):m.start()], re.I) and phrase.startswith("last"):
            continue        # "the last year of the project"
        unit, off = rules.relative_periods[re.sub(r"\s+", " ", phrase)]
        out.append({"text": m.group(2), "start_char": m.start(2), "end_char": m.end(2), "kind": "rel",
                    "rel": [unit, off]})
    for m in scan(pats.weekday, text, wins):
        mode = rules.weekday_modifiers[m.group(1).lower()]
        s = m.start(2) if m.group(1).lower() in ("on", "this") else m.start()
        out.append({"text": text[s:m.end()], "start_char": s, "end_char": m.end(), "kind": "weekday",
                    "weekday": [rules.weekdays[m.group(2).lower()], mode]})
    for m in scan(pats.ago, text, wins):
        n = m.group(1).lower()
        k = rules.ago_numbers.get(n) or int(n)
        unit = m.group(2).lower()
        if unit == "week":      # "three weeks ago" names a day, not a calendar week
            unit, k = "day", 7 * k
        out.append({"text": m.group(0), "start_char": m.start(), "end_char": m.end(), "kind": "rel",
                    "rel": [unit, -k]})
    return out


LINK_RE = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+")


def url_spans(text: str) -> list[tuple[int, int]]:
    """Links and e-mail addresses: the numbers in them are neither dates nor figures."""
    low = lower_same_length(text)
    anchors = []
    for w in ("@", "://", "www."):
        i = low.find(w)
        while i >= 0:
            anchors.append(i)
            i = low.find(w, i + 1)
    if not anchors:
        return []
    wins = merge_windows(anchors, 80, 300, len(text))
    return [(m.start(), m.end()) for m in scan(LINK_RE, text, wins)]


def text_candidates(text: str, rules: DateRules | None = None, reject=None, keep_today=None) -> list[dict]:
    """Rule dates, then the relative expressions they do not already cover ("August this year" is
    one date). `keep_today(candidate)` decides whether a "today" names the day (default: yes)."""
    rules = rules or compile_rules()
    wins = date_windows(text, rules)
    links = url_spans(text)
    if links:
        inner = reject
        reject = lambda c: any(c["start_char"] < e and s < c["end_char"] for s, e in links) \
            or (inner is not None and inner(c))  # noqa: E731
    cands = find_rule_dates(text, rules, reject, wins)
    taken = [(c["start_char"], c["end_char"]) for c in cands]
    for c in find_relative_dates(text, rules, wins):
        if any(c["start_char"] < e and s < c["end_char"] for s, e in taken):
            continue
        if c.pop("today", False) and keep_today is not None and not keep_today(c):
            continue
        cands.append(c)
        taken.append((c["start_char"], c["end_char"]))
    return sorted(period_parts(text, cands, rules), key=lambda c: c["start_char"])


def period_parts(text: str, cands: list[dict], rules: DateRules) -> list[dict]:
    """A month or a year after a word that names a part of it ("late April", "early 2025") is that part
    (resolve_one narrows it); the date's text takes the word."""
    if not rules.period_parts:   # an empty list would match everywhere
        return cands
    rx = compile_patterns(rules).period_part
    for c in cands:
        if c.get("kind") == "rel" and c["rel"][0] == "year" and not c.get("range") and (
                months := months_counted(text[max(0, c["start_char"] - 40):c["start_char"]], rules)) is not None:
            c["months"], n = months   # "the first quarter of this year"
            c["start_char"] -= n
            c["text"] = text[c["start_char"]:c["end_char"]]
            continue
        if c.get("kind", "abs") != "abs" or c.get("range") or c["start"][2] is not None:
            continue
        m = rx.search(text[max(0, c["start_char"] - 16):c["start_char"]])
        if m:
            c["part"] = rules.period_parts[re.sub(r"\s+", " ", m.group(1).lower())]
            c["start_char"] -= len(m.group(0))
            c["text"] = text[c["start_char"]:c["end_char"]]
        elif c["start"][1] is None and (months := months_counted(text[max(0, c["start_char"] - 40):c["start_char"]],
                                                                 rules)) is not None:
            c["months"], n = months
            c["start_char"] -= n
            c["text"] = text[c["start_char"]:c["end_char"]]
    return cands


def months_counted(before: str, rules: DateRules) -> tuple[tuple[int, int], int] | None:
    """((first month, last month), length of the phrase) of a part of a year counted in months that `before` ends
    with: "the first quarter of " (1, 3), "second half of the year " (7, 12), "last six months of " (7, 12), "the first
    three quarters of " (1, 9)."""
    ordinals = "|".join(map(re.escape, rules.fraction_ordinals))
    m = re.search(rf"\b({ordinals})[\s-]+(?:(\w+)\s+)?(\w+)\s+of\s+(?:the\s+year\s+)?$", before, re.I)
    if m is None:
        return None
    ordinal, count, unit = m.group(1).lower(), (m.group(2) or "").lower(), m.group(3).lower()
    size = rules.year_fractions.get(unit)
    if size is None or (unit in ("months", "quarters")) != bool(count):
        return None
    if count:   # "the first five months", "the first three quarters"
        n = int(count) if count.isdigit() else rules.ago_numbers.get(count)
        size = n * size if n else 0
        if not size or size > 12 or ordinal not in ("first", "last", "final"):
            return None
    k = rules.fraction_ordinals[ordinal]
    if k > 0 and k * size > 12:
        return None
    first = 13 - size if k < 0 else (k - 1) * size + 1
    return (first, first + size - 1), len(before) - m.start()


def part_of_period(s: dt.date, e: dt.date, part: str, month: bool) -> tuple[dt.date, dt.date]:
    """The days of `part` (early, mid, late: thirds of a month, the first, middle two and last quarters of a year)
    of the month or the year s..e."""
    if month:
        first = {"early": 0, "mid": 10, "late": 20}[part]
        return s + dt.timedelta(days=first), (e if part == "late" else s + dt.timedelta(days=first + 9))
    months = {"early": (1, 3), "mid": (4, 9), "late": (10, 12)}[part]
    return dt.date(s.year, months[0], 1), ymd_bounds([s.year, months[1], None])[1]


# --------------------------------------------------------------------------------------------
# Token-aware checks (the component has the parse; resolve_dates must not need it)


def _token_at(doc: Doc, char: int):
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def day_used_as_count(doc: Doc, cand: dict) -> bool:
    """"This October 20 girls will...": a year-less day number followed by a plural noun counts it."""
    if cand.get("form") not in ("dmy", "mdy", "dmy_range", "mdy_range") or cand["end"][0] is not None:
        return False
    tok = _token_at(doc, cand["end_char"] - 1)
    if tok is None or tok.i + 1 >= len(doc):
        return False
    return doc[tok.i + 1].tag_ in ("NNS", "NNPS") and tok.like_num


def year_used_as_count(doc: Doc, cand: dict) -> bool:
    """"2000 people" is a figure: a bare year-like number counting a plural noun, with no cue
    (in, since, the, by...) before it that makes it a year."""
    if cand.get("form") != "year":
        return False
    tok = _token_at(doc, cand["start_char"])
    if tok is None or tok.i + 1 >= len(doc):
        return False
    nxt = doc[tok.i + 1]
    if nxt.tag_ not in ("NNS", "NNPS"):
        return False
    prev = doc[tok.i - 1].lower_ if tok.i > 0 else ""
    if prev in {"in", "since", "by", "the", "of", "from", "until", "till", "to", "for", "during", "before", "after",
                "'s", "’s", "early", "mid", "late", "-", "–", "between", "through", "a"}:
        return False
    return True


SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


def sentence_looks_ahead(text: str, char: int, rules: DateRules) -> bool:
    """The sentence around `char` speaks of the future ("will", "upcoming", "scheduled")."""
    start = max(text.rfind(". ", 0, char), text.rfind("\n", 0, char)) + 1
    end_m = SENTENCE_END.search(text, char)
    sent = text[start:end_m.start() if end_m else len(text)].lstrip()
    # a capitalised cue inside the sentence is part of a name ("the Repatriation Plan"), not a cue
    return any(m.group().islower() or m.start() == 0 for m in compile_patterns(rules).future_cue.finditer(sent))


def date_looks_ahead(doc: Doc, char: int, rules: DateRules) -> bool:
    """The verb a date hangs on tells its tense ("said on 21 February" is past even if the
    sentence goes on with "will"); without a verb, any future cue in the sentence decides."""
    tok = _token_at(doc, char)
    head, hops = tok, 0
    while head is not None and head.pos_ not in ("VERB", "AUX") and head.head is not head and hops < 4:
        head = head.head
        hops += 1
    if head is None or head.pos_ not in ("VERB", "AUX"):
        return sentence_looks_ahead(doc_text(doc), char, rules)
    if any(c.tag_ == "MD" and c.lower_ in ("will", "shall", "'ll", "’ll") for c in head.children):
        return True
    if head.lower_ in rules.future_cues:
        return True
    if head.tag_ in ("VBD", "VBN"):
        return False
    return sentence_looks_ahead(doc_text(doc), char, rules)


def today_is_specific(doc: Doc, char: int, rules: DateRules) -> bool:
    """"The forum opened today" names a day; "today, women face..." means nowadays."""
    tok = _token_at(doc, char)
    if tok is None:
        return False
    head = tok.head
    hops = 0
    while head.pos_ not in ("VERB", "AUX") and head.head is not head and hops < 3:
        head = head.head
        hops += 1
    if head.pos_ not in ("VERB", "AUX"):
        return False
    if head.tag_ in ("VBD", "VBN") or any(c.tag_ == "MD" and c.lower_ in ("will", "shall") for c in head.children):
        return True
    # the verb itself or its complement ("are happy to receive") names an event of the day
    todo, seen = [(head, 0)], 0
    while todo and seen < 12:
        t, depth = todo.pop()
        seen += 1
        if t.pos_ == "VERB" and t.lower_.split("-")[-1] in rules.today_event_verbs:
            return True
        if depth < 3:
            todo += [(c, depth + 1) for c in t.children if c.dep_ in ("xcomp", "acomp", "ccomp", "conj", "advcl")]
    return False


def date_candidates(doc: Doc, rules: DateRules | None = None, ents=None) -> list[dict]:
    """All date candidates of a doc, computed once (the figure extractor reads them to skip years).
    `ents` may pass `doc.ents` already read (reading it walks the whole doc)."""
    rules = rules or compile_rules()
    memo = doc.user_data.get(_MEMO_KEY)
    if memo is not None and memo[0] == id(rules):    # found with the same rules (figures and dates may differ)
        return memo[1]
    ents = doc.ents if ents is None else ents
    persons = [(e.start_char, e.end_char) for e in ents if e.label_ == "PERSON"]

    def reject(c: dict) -> bool:
        if c["form"] == "month" and any(c["start_char"] < pe and ps < c["end_char"] for ps, pe in persons):
            return True         # "a speech by June Aldane"
        return year_used_as_count(doc, c) or day_used_as_count(doc, c)

    cands = text_candidates(doc_text(doc), rules, reject=reject,
                            keep_today=lambda c: today_is_specific(doc, c["start_char"], rules))
    for c in cands:
        if c["kind"] in ("weekday", "abs") and (c["kind"] == "weekday" or c["start"][0] is None):
            c["future"] = date_looks_ahead(doc, c["start_char"], rules)
    cands.sort(key=lambda c: c["start_char"])
    doc.user_data[_MEMO_KEY] = (id(rules), cands)
    return cands


@Language.factory("date_extractor", default_config={"rules": rules_setting("rules/dates.json")})
def make_date_extractor(nlp, name, rules: Rules):
    rules = compile_rules(rules)
    compile_patterns(rules)

    def date_extractor(doc: Doc) -> Doc:
        doc._.dates = date_candidates(doc, rules)
        doc.user_data.pop(_MEMO_KEY, None)
        return doc

    return date_extractor
