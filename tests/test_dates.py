"""Dates: candidate finding, resolution against the article date, and the component, on hand-written text."""
from __future__ import annotations

import datetime as dt

import srsly
import pytest

from pipeline.nlp import dates as D

RULES = D.compile_rules()
PUB = dt.date(2023, 6, 14)          # a Wednesday
KEYS = {"text", "start", "end", "granularity", "start_char", "end_char"}


@pytest.fixture(scope="module")
def nlp():
    from pipeline.nlp.build import build_nlp

    return build_nlp(components=("figures", "dates"))


def text_dates(text: str, published: dt.date | None = PUB) -> list[tuple[str, str, str]]:
    cands = D.text_candidates(text, RULES)
    return [(r["text"], r["start"], r["end"]) for r in D.resolve_dates(cands, published)]


def doc_dates(nlp, text: str, published: dt.date | None = PUB) -> list[tuple[str, str, str]]:
    doc = nlp(text)
    return [(r["text"], r["start"], r["end"]) for r in D.resolve_dates(doc._.dates, published)]


# ---------------------------------------------------------------------------------------------
# pure helpers


def test_expand_two_digit_year():
    assert D.expand_two_digit_year(2022, "26") == 2026
    assert D.expand_two_digit_year(1998, "2001") == 2001


def test_fill_range_years_steps_over_new_year():
    assert D.fill_range_years([None, 12, 28], [2024, 1, 3]) == ([2023, 12, 28], [2024, 1, 3])
    assert D.fill_range_years([2023, 5, 29], [None, 6, 1]) == ([2023, 5, 29], [2023, 6, 1])


@pytest.mark.parametrize("month, day, published, future, year", [
    (11, 1, dt.date(2020, 11, 12), False, 2020),      # earlier this year
    (12, 28, dt.date(2021, 1, 5), False, 2020),       # just before New Year, told in January
    (7, 2, dt.date(2023, 6, 14), False, 2023),        # a few weeks ahead
    (1, 15, dt.date(2023, 12, 20), True, 2024),       # looking ahead past New Year
])
def test_infer_year(month, day, published, future, year):
    assert D.infer_year(month, day, published, future) == year


def test_ymd_bounds():
    assert D.ymd_bounds([2021, None, None]) == (dt.date(2021, 1, 1), dt.date(2021, 12, 31))
    assert D.ymd_bounds([2024, 2, None]) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert D.ymd_bounds([2023, 5, 9]) == (dt.date(2023, 5, 9), dt.date(2023, 5, 9))


def test_resolve_relative():
    assert D.resolve_relative("year", -1, PUB)[:2] == (dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert D.resolve_relative("month", -6, PUB)[:2] == (dt.date(2022, 12, 1), dt.date(2022, 12, 31))
    assert D.resolve_relative("day", -1, PUB)[:2] == (dt.date(2023, 6, 13),) * 2
    assert D.resolve_relative("week", 0, PUB)[:2] == (dt.date(2023, 6, 12), dt.date(2023, 6, 18))


def test_resolve_weekday():
    assert D.resolve_weekday(3, "near", PUB) == dt.date(2023, 6, 8)            # on Thursday (past)
    assert D.resolve_weekday(2, "near", PUB) == PUB                            # on Wednesday: that day
    assert D.resolve_weekday(3, "near", PUB, future=True) == dt.date(2023, 6, 15)
    assert D.resolve_weekday(2, "past_strict", PUB) == dt.date(2023, 6, 7)     # last Wednesday
    assert D.resolve_weekday(2, "future_strict", PUB) == dt.date(2023, 6, 21)  # next Wednesday


def test_event_verbs_match_in_every_form_irregular_ones_included():
    verbs = D.compile_rules().today_event_verbs
    assert {f: verbs[f] for f in ("launching", "hosted", "held", "began", "launch")} == {
        "launching": "launch", "hosted": "host", "held": "hold", "began": "begin", "launch": "launch"}


def test_a_capitalised_future_word_inside_a_name_is_no_future_cue():
    rules = D.compile_rules()
    assert not D.sentence_looks_ahead("Under the Repatriation Plan, 143,000 returned in August.", 50, rules)
    assert D.sentence_looks_ahead("Talks are planned for August.", 25, rules)
    assert D.sentence_looks_ahead("Next August the talks resume.", 10, rules)


# ---------------------------------------------------------------------------------------------
# forms


@pytest.mark.parametrize("text, expected", [
    ("The talks ended on 29 May 2023 in Port Amsel.", ("29 May 2023", "2023-05-29", "2023-05-29")),
    ("The talks ended on May 29, 2023 in Port Amsel.", ("May 29, 2023", "2023-05-29", "2023-05-29")),
    ("The talks ended on Monday, 3 April 2023.", ("Monday, 3 April 2023", "2023-04-03", "2023-04-03")),
    ("The talks ended on the 3rd of April 2023.", ("3rd of April 2023", "2023-04-03", "2023-04-03")),
    ("Signed on 14.06.2022 by both sides.", ("14.06.2022", "2022-06-14", "2022-06-14")),
    ("Signed on 2022-06-14 by both sides.", ("2022-06-14", "2022-06-14", "2022-06-14")),
    ("Sept. 5, 2021 was the deadline.", ("Sept. 5, 2021", "2021-09-05", "2021-09-05")),
])
def test_explicit_dates(text, expected):
    assert text_dates(text) == [expected]


@pytest.mark.parametrize("text, expected", [
    ("The survey ran in March 2021 across Veloria.", ("March 2021", "2021-03-01", "2021-03-31")),
    ("The survey ran in February of 2024.", ("February of 2024", "2024-02-01", "2024-02-29")),
])
def test_month_year(text, expected):
    assert text_dates(text) == [expected]


@pytest.mark.parametrize("text, expected", [
    ("The law was adopted in 2019 after a debate.", ("2019", "2019-01-01", "2019-12-31")),
    ("The Vision 2040 plan sets targets.", ("2040", "2040-01-01", "2040-12-31")),
    ("Mid-2021 saw the first results.", ("Mid-2021", "2021-04-01", "2021-09-30")),   # part of a year: see below
])
def test_bare_years_are_whole_years(text, expected):
    assert text_dates(text) == [expected]


@pytest.mark.parametrize("text, expected", [
    ("A mission took place from 29 May to 1 June 2023.", ("29 May to 1 June 2023", "2023-05-29", "2023-06-01")),
    ("The forum runs 30 June-2 July in Port Amsel.", ("30 June-2 July", "2023-06-30", "2023-07-02")),
    ("The campaign runs from November 25 to December 10 each year.",
     ("November 25 to December 10", "2022-11-25", "2022-12-10")),
    ("The framework for 2022–2026 was signed.", ("2022–2026", "2022-01-01", "2026-12-31")),
    ("The framework for 2022-26 was signed.", ("2022-26", "2022-01-01", "2026-12-31")),
    ("Work was done between 2009 and 2015 in the south.", ("2009 and 2015", "2009-01-01", "2015-12-31")),
    ("Classes run 1-3 June 2023 in the hall.", ("1-3 June 2023", "2023-06-01", "2023-06-03")),
    ("Classes run June 1-3, 2023 in the hall.", ("June 1-3, 2023", "2023-06-01", "2023-06-03")),
    ("Classes run from 28 December 2023 to 3 January 2024.",
     ("28 December 2023 to 3 January 2024", "2023-12-28", "2024-01-03")),
    ("Growth was fast in the 1990s in the region.", ("1990s", "1990-01-01", "1999-12-31")),
    ("A survey ran between Sept. and Oct. 2016 in the north.", ("Sept. and Oct. 2016", "2016-09-01", "2016-10-31")),
])
def test_ranges(text, expected):
    assert text_dates(text) == [expected]


def test_and_joins_years_only_after_between():
    got = text_dates("Reports from 2009 and 2015 differ.")
    assert [g[0] for g in got] == ["2009", "2015"]


def test_dateline_without_year_takes_the_article_year():
    assert text_dates("PORT AMSEL, Veloria, March 4. The council met.") == [("March 4", "2023-03-04", "2023-03-04")]


def test_day_month_without_year_uses_the_article_date():
    assert text_dates("On 1 November the office opened.", dt.date(2020, 11, 12)) == \
        [("1 November", "2020-11-01", "2020-11-01")]


def test_month_alone_needs_a_cue():
    assert text_dates("In March the office opened.") == [("March", "2023-03-01", "2023-03-31")]
    assert text_dates("May the best team win.") == []


@pytest.mark.parametrize("text, expected", [
    ("The figures for last year were poor.", ("last year", "2022-01-01", "2022-12-31")),
    ("This year the harvest is good.", ("This year", "2023-01-01", "2023-12-31")),
    ("Next year a new school opens.", ("Next year", "2024-01-01", "2024-12-31")),
    ("Last month the rules changed.", ("Last month", "2023-05-01", "2023-05-31")),
    ("The minister arrived yesterday in Port Amsel.", ("yesterday", "2023-06-13", "2023-06-13")),
    ("The centre opened three weeks ago.", ("three weeks ago", "2023-05-24", "2023-05-24")),
    ("In August this year a decree was issued.", ("August this year", "2023-08-01", "2023-08-31")),
    ("On 2 March last year a decree was issued.", ("2 March last year", "2022-03-02", "2022-03-02")),
    ("Last March a decree was issued.", ("March", "2023-03-01", "2023-03-31")),
])
def test_relative_dates(text, expected):
    assert text_dates(text) == [expected]


def test_the_last_year_of_a_project_is_not_relative():
    assert text_dates("It is the last year of the project.") == []


def test_relative_dates_are_dropped_without_an_article_date():
    assert text_dates("The figures for last year were poor.", published=None) == []
    assert text_dates("On 1 November the office opened.", published=None) == []
    assert text_dates("The law was adopted in 2019.", published=None) == [("2019", "2019-01-01", "2019-12-31")]


@pytest.mark.parametrize("text", [
    "COVID-19 closed the schools.",
    "Follow #Spring2020 for news.",
    "The fund paid USD 2000 to each family.",
    "Prices rose by 2020 per cent.",
])
def test_numbers_fused_into_tokens_or_amounts_are_not_dates(text):
    assert text_dates(text) == []


# ---------------------------------------------------------------------------------------------
# the component (needs the parse)


def test_candidates_are_msgpack_safe_and_resolved_dicts_have_the_contract_keys(nlp):
    doc = nlp("On Thursday the minister said that last year, in 2021 and on 3 May, the plan worked.")
    srsly.msgpack_loads(srsly.msgpack_dumps(doc._.dates))
    for c in doc._.dates:
        assert {"text", "start_char", "end_char"} <= set(c)
        assert doc.text[c["start_char"]:c["end_char"]] == c["text"]
    resolved = D.resolve_dates(doc._.dates, PUB)
    assert resolved and all(set(r) == KEYS for r in resolved)
    assert {r["granularity"] for r in resolved} == {"day", "year"}


def test_weekday(nlp):
    assert doc_dates(nlp, "On Thursday the minister visited Port Amsel.") == [("Thursday", "2023-06-08", "2023-06-08")]


def test_specific_today_versus_nowadays(nlp):
    assert doc_dates(nlp, "Today the ministry launched a new hotline in Port Amsel.") == \
        [("Today", "2023-06-14", "2023-06-14")]
    assert doc_dates(nlp, "The agreement was signed today in Port Amsel.") == [("today", "2023-06-14", "2023-06-14")]
    assert doc_dates(nlp, "Today, many girls face barriers to school.") == []
    assert doc_dates(nlp, "In today's world, skills matter.") == []


def test_a_day_number_that_counts_people_is_not_a_date(nlp):
    doc = nlp("This October 20 girls will launch a satellite.")
    assert [(r["text"], r["start"]) for r in D.resolve_dates(doc._.dates, PUB)] == [("October", "2023-10-01")]
    assert [(f["value"], f["unit"]) for f in doc._.figures] == [(20, "girls")]


def test_a_year_counting_a_noun_is_a_figure(nlp):
    assert doc_dates(nlp, "The clinic vaccinated 2000 children.") == []
    assert doc_dates(nlp, "The 2022 elections were calm.") == [("2022", "2022-01-01", "2022-12-31")]


def test_model_date_span_needing_the_article_date_is_parsed_with_dateparser():
    cand = {"text": "twenty years ago", "start_char": 0, "end_char": 16, "kind": "parse"}
    got = D.resolve_dates([cand], PUB)
    assert [(g["start"], g["end"], g["granularity"]) for g in got] == [("2003-01-01", "2003-12-31", "year")]
    assert D.resolve_dates([cand], None) == []


def test_two_days_joined_by_and_are_two_dates():
    assert text_dates("The vote is on 5 and 6 June 2023.") == [("5", "2023-06-05", "2023-06-05"),
                                                              ("6 June 2023", "2023-06-06", "2023-06-06")]
    assert text_dates("The office was shut between 5 and 9 May 2023.") == \
        [("5 and 9 May 2023", "2023-05-05", "2023-05-09")]


def test_a_month_inside_a_person_name_is_not_a_date():
    from pipeline.nlp.build import build_nlp

    full = build_nlp()   # the person comes from the entity components, which this module's nlp leaves out
    assert doc_dates(full, "The opening speech was given by June Aldane, the mayor.") == []


@pytest.mark.parametrize("a, b, expected", [(3, 15, (15, 3)), (15, 3, (15, 3)), (4, 5, (4, 5))])
def test_numeric_day_month_prefers_day_first(a, b, expected):
    assert D.numeric_day_month(a, b) == expected


def test_us_numeric_date():
    assert text_dates("Order 12 was issued on 3/15/2021.") == [("3/15/2021", "2021-03-15", "2021-03-15")]


def test_a_day_written_with_a_full_stop_in_a_full_date():
    assert text_dates("Erin Weir|Published 20. Jun 2014|Updated") == [("20. Jun 2014", "2014-06-20", "2014-06-20")]
    assert not any(t.startswith("20.") for t, _, _ in text_dates("The index rose to 20. June was the worst."))


def test_a_numeric_date_with_hyphens():
    assert text_dates("Posted 2-11-2020, 17:16") == [("2-11-2020", "2020-11-02", "2020-11-02")]
    assert text_dates("Call 963-11-2020 now.") == [("2020", "2020-01-01", "2020-12-31")]   # digits before: no date


def test_a_two_digit_second_year_needs_a_dash_or_slash():
    assert text_dates("The share grew in 2020 to 30 per cent.") == [("2020", "2020-01-01", "2020-12-31")]
    assert text_dates("The school year 2020/21 was hard.") == [("2020/21", "2020-01-01", "2021-12-31")]


def test_ago_with_a_number_word():
    assert text_dates("The treaty was signed twenty years ago.") == \
        [("twenty years ago", "2003-01-01", "2003-12-31")]


def test_years_in_links_are_not_dates():
    assert text_dates("Read more at www.example.org/news/report-2021-final today.") == \
        [("today", "2023-06-14", "2023-06-14")]


def test_the_verb_a_date_hangs_on_sets_its_tense(nlp):
    # said (past) on 21 February, although the sentence goes on with "will"
    assert doc_dates(nlp, "The minister said on 21 February that 30 schools will open.") == \
        [("21 February", "2023-02-21", "2023-02-21")]
    # will visit: a date already past this year is next year's
    assert doc_dates(nlp, "The envoy will visit Port Amsel on 10 January.") == \
        [("10 January", "2024-01-10", "2024-01-10")]


@pytest.mark.parametrize("text, start, end", [
    ("The survey ran in late April.", "2019-04-21", "2019-04-30"),
    ("Funds arrive in early 2025.", "2025-01-01", "2025-03-31"),
    ("Work resumes in mid-2026.", "2026-04-01", "2026-09-30"),
    ("Talks opened in early October.", "2019-10-01", "2019-10-10"),
    ("Fighting broke out in mid-April 2019.", "2019-04-11", "2019-04-20"),
    ("In mid-December, the first doses come.", "2019-12-11", "2019-12-20"),
])
def test_a_word_naming_part_of_a_month_or_year_narrows_it(text, start, end):
    got = D.resolve_dates(D.text_candidates(text), dt.date(2019, 10, 22))
    assert [(g["start"], g["end"]) for g in got] == [(start, end)]
    assert got[0]["text"].split()[0].lower().startswith(("late", "early", "mid"))


@pytest.mark.parametrize("text, start, end, said", [
    ("Cases fell in the first quarter of 2021.", "2021-01-01", "2021-03-31", "first quarter of 2021"),
    ("Exports grew in the second half of the year 2020.", "2020-07-01", "2020-12-31", "second half of the year 2020"),
    ("In the first five months of 2024, 300 died.", "2024-01-01", "2024-05-31", "first five months of 2024"),
    ("Over the last 3 months of 2022 prices rose.", "2022-10-01", "2022-12-31", "last 3 months of 2022"),
    ("Doses arrive by the first-quarter of 2021.", "2021-01-01", "2021-03-31", "first-quarter of 2021"),
    ("Sales rose in the first three quarters of the year 2023.", "2023-01-01", "2023-09-30",
     "first three quarters of the year 2023"),
    ("It began in the first quarter of this year.", "2024-01-01", "2024-03-31", "first quarter of this year"),
    ("Some of 2022 was dry.", "2022-01-01", "2022-12-31", "2022"),          # no part of the year named
    ("The third half of 2022 is no period.", "2022-01-01", "2022-12-31", "2022"),
])
def test_a_part_of_a_year_counted_in_months_narrows_it(text, start, end, said):
    got = D.resolve_dates(D.text_candidates(text), dt.date(2024, 10, 22))
    assert [(g["text"], g["start"], g["end"]) for g in got] == [(said, start, end)]


def test_a_time_after_a_dash_is_no_end_of_a_range():
    got = D.resolve_dates(D.text_candidates("June 20, 2017 - 12:31 AMT\nPublished October 30th, 2018 - 01:41 GMT"), None)
    assert [(g["text"], g["start"], g["end"]) for g in got] == [
        ("June 20, 2017", "2017-06-20", "2017-06-20"), ("October 30th, 2018", "2018-10-30", "2018-10-30")]


def test_a_numeric_date_read_either_way_is_the_article_date_when_one_reading_is():
    cands = D.text_candidates("NEW YORK, 9/7/2021 - The council met.")
    assert [(g["start"]) for g in D.resolve_dates(cands, dt.date(2021, 9, 7))] == ["2021-09-07"]
    # otherwise the day comes first, as before
    cands = D.text_candidates("NEW YORK, 9/7/2021 - The council met.")
    assert [(g["start"]) for g in D.resolve_dates(cands, dt.date(2021, 7, 20))] == ["2021-07-09"]
    assert [(g["start"]) for g in D.resolve_dates(cands, None)] == ["2021-07-09"]
