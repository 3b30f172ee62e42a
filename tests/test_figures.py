"""Figures: number parsing helpers, every value form, qualifier and exclusion, on hand-written text."""
from __future__ import annotations

import pytest

from pipeline.nlp import figures as F

RULES = F.compile_rules()
KEYS = {"text", "value", "value_max", "unit", "qualifier", "kind", "counted", "start_char", "end_char"}


@pytest.fixture(scope="module")
def nlp():
    from pipeline.nlp.build import build_nlp

    return build_nlp(components=("figures", "dates"))


def text_figures(text: str) -> list[dict]:
    """Figures from the text alone (no parse: counts keep an empty unit)."""
    return F.find_figures(text, RULES)


def one(text: str) -> dict:
    figs = text_figures(text)
    assert len(figs) == 1, figs
    return figs[0]


def doc_figures(nlp, text: str) -> list[dict]:
    return nlp(text)._.figures


def values(figs: list[dict]) -> list[float]:
    return [f["value"] for f in figs]


# ---------------------------------------------------------------------------------------------
# pure helpers


@pytest.mark.parametrize("s, expected", [
    ("26,386", 26386.0), ("1.5", 1.5), ("10\u00a0000", 10000.0), ("1,250,000", 1250000.0), ("7", 7.0), ("1,7", 1.7),
])
def test_parse_digits(s, expected):
    assert F.parse_digits(s) == expected


def test_a_comma_before_one_or_two_digits_and_a_scale_word_is_a_decimal_comma(nlp):
    figs = doc_figures(nlp, "More than 1,7 million people need aid; 2,500 tonnes and 1,25 billion dollars arrived in 2021, 30 days on.")
    assert values(figs) == [1700000.0, 2500.0, 1250000000.0, 30.0]


@pytest.mark.parametrize("words, expected", [
    (["seven"], (7, 1)), (["twenty", "five"], (25, 2)), (["two", "hundred", "and", "fifty"], (250, 4)),
    (["one", "hundred"], (100, 2)), (["twelve"], (12, 1)), (["five", "one"], (5, 1)), (["hundred"], (None, 0)),
])
def test_parse_number_words(words, expected):
    value, used = F.parse_number_words(words, RULES)
    assert (value, used) == expected


@pytest.mark.parametrize("atom, expected", [("twenty-five", 25.0), ("a dozen", 12.0), ("3,400", 3400.0)])
def test_parse_atom(atom, expected):
    assert F.parse_atom(atom, RULES)[0] == expected


def test_share_scale_applies_once_written_scale_to_the_low_end():
    assert F.share_scale(5, False, 10_000_000, 1_000_000) == 5_000_000
    assert F.share_scale(500, False, 2_000_000, 1_000_000) == 500          # already below
    assert F.share_scale(5_000_000, True, 10_000_000, 1_000_000) == 5_000_000


def test_round_sig():
    assert F.round_sig(1 / 3) == 0.3333
    assert F.round_sig(1 / 6) == 0.1667


# ---------------------------------------------------------------------------------------------
# value forms


def test_output_keys_are_exactly_the_contract():
    f = one("Prices rose by 12 per cent.")
    assert set(f) == KEYS
    assert isinstance(f["value"], float)


@pytest.mark.parametrize("text, value, unit", [
    ("Prices rose by 12 per cent in the capital.", 12, "percent"),
    ("Prices rose by 12 percent in the capital.", 12, "percent"),
    ("Prices rose by 12% in the capital.", 12, "percent"),
    ("Prices rose by 12.5 % in the capital.", 12.5, "percent"),
])
def test_percent_forms(text, value, unit):
    f = one(text)
    assert (f["value"], f["unit"], f["kind"]) == (value, unit, "percent")


@pytest.mark.parametrize("text, value, unit, span", [
    ("The donor gave USD 10 million to the fund.", 10_000_000, "USD", "USD 10 million"),
    ("Each grant is worth 2500 USD this round.", 2500, "USD", "2500 USD"),
    ("The city spent $5m on clinics.", 5_000_000, "USD", "$5m"),
    ("It closed a shortfall of $446 M, this year.", 446_000_000, "USD", "$446 M"),
    ("Aid reached 9.1m USD by May.", 9_100_000, "USD", "9.1m USD"),    # a currency after the "m" makes it million
    ("The city spent $3.2 billion on roads.", 3_200_000_000, "USD", "$3.2 billion"),
    ("A budget of KZT 1.5 billion was approved.", 1_500_000_000, "KZT", "KZT 1.5 billion"),
    ("A budget of 40 million tenge was approved.", 40_000_000, "KZT", "40 million tenge"),
    ("The bank lent 10 million euros to farmers.", 10_000_000, "EUR", "10 million euros"),
    ("The bank lent €3bn to farmers.", 3_000_000_000, "EUR", "€3bn"),
    ("The grant, 250,000 US dollars, arrived.", 250_000, "USD", "250,000 US dollars"),
])
def test_money_forms(text, value, unit, span):
    f = one(text)
    assert (f["value"], f["unit"], f["kind"], f["text"]) == (value, unit, "money", span)
    assert text[f["start_char"]:f["end_char"]] == span


@pytest.mark.parametrize("text, value, value_max, unit, kind", [
    ("Keep the oven at 65–70°C for an hour.", 65, 70, "°C", "measure"),
    ("Young people aged 14 to 35 years took part.", 14, 35, "years", "duration"),
    ("The loan is worth USD 5-10 million in total.", 5_000_000, 10_000_000, "USD", "money"),
    ("Turnout was between 40 and 45 per cent in the poll.", 40, 45, "percent", "percent"),
    ("Participants aged 15-24 were invited.", 15, 24, "years", "duration"),
])
def test_ranges(text, value, value_max, unit, kind):
    f = one(text)
    assert (f["value"], f["value_max"], f["unit"], f["kind"]) == (value, value_max, unit, kind)


def test_a_change_from_one_amount_to_another_is_two_figures():
    figs = text_figures("Coverage increased from 40 to 55 per cent last season.")
    assert [(f["value"], f["value_max"]) for f in figs] == [(40, None), (55, None)]


@pytest.mark.parametrize("text, value, unit", [
    ("The region covers 3,400 hectares of forest.", 3400, "hectare"),
    ("The region covers 12 ha of forest.", 12, "hectare"),
    ("They walked 25 km to the well.", 25, "km"),
    ("The warming must stay below a 1.5-degrees rise.", 1.5, "°C"),
    ("Farmers harvested 300 tonnes of grain.", 300, "tonne"),
    ("Winds reached 140 miles per hour at landfall.", 140, "mph"),
    ("Winds reached 230 kmph at landfall.", 230, "km/h"),
    ("The road runs 30 Kms to the border.", 30, "km"),
    ("The desert covers 2.7 million square miles in all.", 2_700_000, "square mile"),
    ("Gusts reached 190 km per hour on the coast.", 190, "km/h"),
    ("The storm moved at 75 miles an hour over the sea.", 75, "mph"),
    ("The flow exceeded 3,000 cubic meters per second on Monday.", 3000, "m3/s"),
    ("They walked 25 km a day to the well.", 25, "km"),
])
def test_measures(text, value, unit):
    f = one(text)
    assert (f["value"], f["unit"], f["kind"]) == (value, unit, "measure")


def test_a_conversion_in_brackets_between_a_measure_and_its_time_leaves_the_rate():
    figs = text_figures("The typhoon brought 120 kilometres (75 miles) an hour winds to the coast.")
    assert [(f["value"], f["unit"]) for f in figs] == [(120, "km/h"), (75, "mph")]


@pytest.mark.parametrize("text, value, unit", [
    ("She has worked there for 20 years now.", 20, "years"),
    ("The course lasts three days in spring.", 3, "days"),
    ("A five-year programme was agreed.", 5, "years"),
    ("The training took 6 hours.", 6, "hours"),
])
def test_durations(text, value, unit):
    f = one(text)
    assert (f["value"], f["unit"], f["kind"]) == (value, unit, "duration")


@pytest.mark.parametrize("text, value", [
    ("One in three women reported abuse.", 0.3333),
    ("Nearly 1 in 4 pupils walk to school.", 0.25),
    ("In the valley, every 6th woman is a farmer.", 0.1667),
    ("Every third child is vaccinated late.", 0.3333),
    ("Half of the farms lack water.", 0.5),
    ("Two-thirds of the pupils are girls.", 0.6667),
])
def test_ratios(text, value):
    f = one(text)
    assert (F.round_sig(f["value"]), f["unit"], f["kind"]) == (value, "ratio", "ratio")


def test_the_first_half_of_a_period_is_not_a_ratio():
    assert text_figures("Sales grew in the first half of the season.") == []


@pytest.mark.parametrize("text, value", [
    ("Calls to hotlines rose five-fold during the lockdown.", 5),
    ("Calls to hotlines rose fivefold during the lockdown.", 5),
    ("Calls rose 3-fold in the north.", 3),
    ("Girls are 3 times more likely to drop out.", 3),
    ("Girls are twice as likely to drop out.", 2),
])
def test_multipliers(text, value):
    f = one(text)
    assert (f["value"], f["unit"], f["kind"]) == (value, "times", "multiplier")


def test_scale_words_and_number_words():
    assert values(text_figures("About 2.5 million were counted.")) == [2_500_000]
    assert values(text_figures("Twenty-five volunteers came.")) == []        # words need a noun (the parse)
    assert values(text_figures("The survey reached 10\u00a0000 homes.")) == [10_000]


# ---------------------------------------------------------------------------------------------
# qualifiers (text leaves them out)


@pytest.mark.parametrize("text, qualifier, span", [
    ("Approximately 70 per cent of the land is dry.", "approximately", "70 per cent"),
    ("Around 70 per cent of the land is dry.", "approximately", "70 per cent"),
    ("Nearly 70 per cent of the land is dry.", "approximately", "70 per cent"),
    ("More than 70 per cent of the land is dry.", "more_than", "70 per cent"),
    ("Over 70 per cent of the land is dry.", "more_than", "70 per cent"),
    ("Less than 70 per cent of the land is dry.", "less_than", "70 per cent"),
    ("Fewer than 700 wells are dry.", "less_than", "700"),
    ("Up to 70 per cent of the land is dry.", "up_to", "70 per cent"),
    ("At least 70 per cent of the land is dry.", "at_least", "70 per cent"),
    ("They need 700 or more next year.", "at_least", "700"),
    ("The plan costs 70 per cent of the budget.", None, "70 per cent"),
])
def test_qualifiers(text, qualifier, span):
    f = one(text)
    assert f["qualifier"] == qualifier
    assert f["text"] == span


def test_qualifier_before_a_currency():
    f = one("The fund raised more than USD 3 million.")
    assert (f["qualifier"], f["text"], f["value"]) == ("more_than", "USD 3 million", 3_000_000)


# ---------------------------------------------------------------------------------------------
# counts need the parse: the counted noun


def test_counted_nouns(nlp):
    figs = doc_figures(nlp, "During two humanitarian operations, more than 250 specialists helped 1,200 children.")
    got = {(f["value"], f["unit"], f["counted"], f["qualifier"]) for f in figs}
    assert got == {(2, "operations", "operations", None), (250, "specialists", "specialists", "more_than"),
                   (1200, "children", "children", None)}
    spans = {f["text"] for f in figs}
    assert "two humanitarian operations" in spans and "250 specialists" in spans


def test_a_hyphenated_counted_noun_is_counted_whole(nlp):
    figs = doc_figures(nlp, "Some 13,000 ex-combatants were reintegrated, and 2 two-dose vaccines came.")
    assert [(f["value"], f["unit"]) for f in figs] == [(13000, "ex-combatants"), (2, "vaccines")]


def test_a_count_per_a_number_of_something_is_a_rate_with_its_whole_unit(nlp):
    figs = doc_figures(nlp, "Maternal mortality in Veloria rose to 441 deaths per 100 000 live births, with 85.5 "
                            "killings per 100,000 inhabitants and 5,000 deaths per year.")
    assert [(f["text"], f["value"], f["unit"]) for f in figs] == [
        ("441 deaths per 100 000 live births", 441, "deaths per 100,000 live births"),
        ("85.5 killings per 100,000 inhabitants", 85.5, "killings per 100,000 inhabitants"),
        ("5,000 deaths", 5000, "deaths")]   # "per year" is no rate's base: the count stays a count


def test_counted_noun_after_a_possessive(nlp):
    figs = doc_figures(nlp, "Last spring, 12 Farmers’ Advisory Centres were opened in Veloria.")
    assert [(f["value"], f["unit"]) for f in figs] == [(12, "centres")]


def test_qualifier_after_the_counted_noun(nlp):
    f = doc_figures(nlp, "The villages need 700 wells or more.")[0]
    assert (f["value"], f["unit"], f["qualifier"], f["text"]) == (700, "wells", "at_least", "700 wells")


def test_number_word_without_a_noun_is_not_a_figure(nlp):
    assert doc_figures(nlp, "One of the largest lakes in Veloria is drying up.") == []


def test_million_people(nlp):
    f = doc_figures(nlp, "Floods displaced 1.2 million people in Veloria.")[0]
    assert (f["value"], f["unit"], f["kind"]) == (1_200_000, "people", "count")


def test_year_like_number_counting_a_noun_is_a_figure_not_a_date(nlp):
    doc = nlp("The clinic vaccinated 2000 children in Port Amsel.")
    assert [(f["value"], f["unit"]) for f in doc._.figures] == [(2000, "children")]
    assert doc._.dates == []


# ---------------------------------------------------------------------------------------------
# exclusions


@pytest.mark.parametrize("text", [
    "The law was adopted in 2019 after a long debate.",                   # a year
    "The talks ended on 29 May 2023 in Port Amsel.",                      # parts of a date
    "The talks run from 3 to 5 June in Port Amsel.",                      # a day range
    "The office was founded in 2007 and renamed in 2011.",
    "The Strategy 2050 sets long-term goals.",                            # a year in a plan name
])
def test_years_and_dates_are_not_figures(nlp, text):
    assert doc_figures(nlp, text) == []


@pytest.mark.parametrize("text", [
    "The session opens at 10:30 in the main hall.",
    "The session opens at 9 a.m. in the main hall.",
    "The session opens at 3 pm in the main hall.",
    "The session opens at 10.30 am in the main hall.",
])
def test_times_of_day_are_not_figures(text):
    assert text_figures(text) == []


@pytest.mark.parametrize("text", [
    "Veloria ranked 28th in the index.",
    "It was the 75th session of the assembly.",
    "The twenty-first meeting was short.",
])
def test_rank_ordinals_are_not_figures(text):
    assert text_figures(text) == []


@pytest.mark.parametrize("text", [
    "For details call +7 (7172) 69 65 50 today.",
    "Tel: (993-12) 488325 (117)",
    "Phone: 8 800 080 7777",
    "Fax: +44 20 7946 0958",
])
def test_phone_numbers_are_not_figures(text):
    assert text_figures(text) == []


@pytest.mark.parametrize("text", [
    "Office address: 14 Lindqvist Street, Port Amsel 010000, Veloria.",
    "Visit us at Harbour Avenue 7, Port Amsel.",
    "Postal code 050012, Port Amsel.",
])
def test_street_numbers_and_postcodes_are_not_figures(text):
    assert text_figures(text) == []


@pytest.mark.parametrize("text", [
    "Leaders met at COP26 to discuss the climate.",
    "The CSW67 session ended.",
    "Progress on SDG 5 is slow.",
    "COVID-19 closed the schools.",
    "Article 3 of the charter applies.",
    "Resolution 1325 is the basis.",
    "School No. 12 reopened.",
])
def test_numbers_inside_names_are_not_figures(text):
    assert text_figures(text) == []


def test_list_markers_are_not_figures():
    assert text_figures("Steps:\n1. Register online\n2. Bring a passport") == []


def test_vague_amounts_are_not_figures(nlp):
    assert doc_figures(nlp, "Millions of people and tens of thousands of children were affected.") == []


def test_numbers_inside_entity_names_are_skipped_when_the_model_sees_a_name(nlp):
    from spacy.tokens import Span

    doc = nlp.make_doc("The Group of 77 met in Port Amsel.")
    doc.ents = [Span(doc, 1, 4, label="ORG")]
    for name, proc in nlp.pipeline:
        if name in ("figures",):
            doc = proc(doc)
    assert doc._.figures == []


@pytest.mark.parametrize("text, expected", [
    ("Growth reached 12.50 per cent.", [12.5]),           # a decimal, not half past twelve
    ("The deficit is 3.45 million.", [3_450_000]),
    ("The hotline works 24/7 for callers.", []),
    ("Security Council resolution 1325 is cited.", []),
    ("Read point (1) before signing.", []),
])
def test_decimals_codes_and_enumerations(text, expected):
    assert values(text_figures(text)) == expected


@pytest.mark.parametrize("text, value, unit", [
    ("Forest cover has shrunk by a third, the survey says.", 0.3333, "ratio"),
    ("Poverty fell and two-thirds of the households gained.", 0.6667, "ratio"),
    ("The course takes one and a half years to finish.", 1.5, "years"),
    ("Girls married before the age of 18 lose out.", 18, "years"),
])
def test_fractions_halves_and_ages(text, value, unit):
    f = one(text)
    assert (F.round_sig(f["value"]), f["unit"]) == (value, unit)


def test_rank_totals_and_dialled_numbers_are_not_figures():
    assert text_figures("The index ranks Veloria 56th out of 191.") == []
    assert text_figures("Dial 150 for the helpline.") == []


def test_a_quarter_after_and():
    assert values(text_figures("Most trust it, and a quarter of them use it daily.")) == [0.25]


def test_numbers_in_links_and_addresses_are_not_figures():
    assert text_figures("See https://example.org/news?id=57 or write to desk42@example.org today.") == []


def test_a_hotline_number_is_not_a_figure():
    assert values(text_figures("Since its launch, the hotline 1406 has received more than 15,000 calls.")) == [15000]


def test_counted_nouns_from_the_parse_across_adjectives_a_whole_and_an_elided_repeat():
    from pipeline.nlp.build import build_nlp

    nlp = build_nlp()
    def units(text):
        doc = nlp(text)
        return [(s.text, s._.record["unit"]) for s in doc.spans["figures"]]
    assert units("The vouchers will benefit 15,000 vulnerable and displaced mothers.") == [
        ("15,000 vulnerable and displaced mothers", "mothers")]
    assert units("Officials said 84 of the country's 116 districts were affected.") == [
        ("84", "districts"), ("116 districts", "districts")]
    assert units("Floods have affected 34 out of the 36 states in Veloria.") == [
        ("34", "states"), ("36 states", "states")]
    assert [u for _, u in units("UNICEF said 3.4 million children in Mozambique need help, followed by more "
                                "than 443,000 in Malawi and 130,000 in Zimbabwe.")] == ["children"] * 3
    assert units("The team visited 3 schools. The budget is 40 this year.") == [("3 schools", "schools"), ("40", "")]


@pytest.mark.parametrize("text, value, unit", [
    # written for the test; the parser may hang the number on the compound's first noun
    ("Doctors said 142 mpox patients were discharged in Veloria.", 142, "patients"),
    ("The ministry published an 80-page report on the floods.", 80, "page"),   # not the report
    ("Among the 1.2 million people affected, more than 280,000 are women of childbearing age.", 280_000, "women"),
    ("Veloria hosts nearly 1 million of the roughly 2.3 million Tarvanians who have left.", 1_000_000, "tarvanians"),
])
def test_counted_noun_from_the_compound_head_copula_and_partitive(nlp, text, value, unit):
    assert (value, unit) in {(f["value"], f["unit"]) for f in doc_figures(nlp, text)}


def test_an_apostrophe_groups_thousands_and_a_spaced_capital_m_is_no_million_without_a_currency():
    f = one("The schools opened on time for 530\u2019000 pupils.")
    assert (f["value"], f["text"]) == (530_000, "530\u2019000")
    assert one("The wall is 5 m high.")["unit"] == "m"


@pytest.mark.parametrize("text, value, unit", [
    # written for the test
    ("The death toll from the Veloria floods has risen to 73, officials said.", 73, "deaths"),
    ("With the death toll reaching 58, the district of Tarn counts 34 deaths alone.", 58, "deaths"),
    ("The number of displaced could rise to 150,000 by June.", 150_000, "displaced"),
    ("In a year the number of food insecure people doubled from 1.3 million to 2.7 million.", 2_700_000, "people"),
    # the parser hangs "number" on the later noun ("country"); the count is still of what follows its "of"
    ("Dr Jane Roe said that the number of registered refugees in the Middle East\u2019s most populous country has "
     "reached 640,000.", 640_000, "refugees"),
    # a range: its first number completes the clause
    ("The number of IDPs who fled the floods is estimated at between 17,000 and 20,000.", 17_000, "idps"),
    # a plural subject of a verb of a count's change counts itself
    ("Veloran immigrants in the region jumped to 900,000 in just two years.", 900_000, "immigrants"),
])
def test_a_number_that_completes_a_clause_about_a_count_counts_what_the_subject_names(nlp, text, value, unit):
    assert (value, unit) in {(f["value"], f["unit"]) for f in doc_figures(nlp, text)}


def test_a_number_between_commas_after_a_person_is_an_age():
    """Written for the test: the news convention for ages (the whole pipeline: the person is the NER's)."""
    from pipeline.nlp.build import build_nlp

    units = {f["value"]: f["unit"] for f in build_nlp()("Tomas Reyval, 34, eats lunch with his son Dario, 3, at the "
                                                     "clinic. The clinic, 12, is closed.")._.figures}
    assert units == {34: "years", 3: "years", 12: ""}     # not after a person


def test_an_adjective_after_a_number_names_the_people_counted(nlp):
    """Written for the test: "dead" and "displaced" after a number are its unit, as the golds write them; before a
    noun they are its modifiers."""
    units = [(f["text"], f["unit"]) for f in doc_figures(
        nlp, "Reports of 200 cases of cholera left 19 dead and 2,000 displaced; 300 displaced families arrived.")]
    assert units == [("200 cases", "cases"), ("19 dead", "dead"), ("2,000 displaced", "displaced"),
                     ("300 displaced families", "families")]


def test_a_part_of_the_figure_before_is_in_its_unit(nlp):
    """Written for the test: "of which" / "of whom" introduces a part of the figure just before."""
    got = [(f["value"], f["kind"], f["unit"]) for f in doc_figures(
        nlp, "The plan provides 14.7 million dollars and 15,000 mattresses, of which 9,000 were delivered.")]
    assert got == [(14_700_000, "money", "USD"), (15_000, "count", "mattresses"), (9_000, "count", "mattresses")]
    got = [(f["value"], f["kind"], f["unit"]) for f in doc_figures(
        nlp, "Donors gave 15,000 mattresses and 14.7 million dollars, of which 7.8 million were spent.")]
    assert got == [(15_000, "count", "mattresses"), (14_700_000, "money", "USD"), (7_800_000, "money", "USD")]


def test_a_bare_count_as_the_subject_of_its_verb_counts_people(nlp):
    """Written for the test."""
    units = {f["value"]: f["unit"] for f in doc_figures(nlp, "No fewer than 43,000 were displaced across 180 sites.")}
    assert units == {43_000: "people", 180: "sites"}
    # a count before it in the sentence says what it counts ("houses"), not the people rule
    units = {f["value"]: f["unit"] for f in doc_figures(nlp, "The storm damaged 200 houses, and 50 were destroyed.")}
    assert units == {200: "houses", 50: "houses"}


def test_the_clause_and_people_heuristics_switch_off():
    from pipeline.nlp.build import build_nlp

    off = build_nlp(components=("figures", "dates"),
                    settings={"figures": {"disabled": ["clause_counts", "counted_people"]}})
    units = {f["value"]: f["unit"] for f in doc_figures(off, "The death toll has risen to 73. Some 4,000 fled.")}
    assert units == {73: "", 4_000: ""}
    with pytest.raises(ValueError, match="unknown heuristics"):
        build_nlp(components=("figures",), settings={"figures": {"disabled": ["clause_count"]}})


def test_others_counts_what_the_count_before_it_counted(nlp):
    """Written for the test."""
    units = {f["value"]: f["unit"] for f in doc_figures(nlp, "Two peacekeepers were killed and four others injured.")}
    assert units == {2: "peacekeepers", 4: "peacekeepers"}
    assert {f["unit"] for f in doc_figures(nlp, "Five others were hurt.")} == {"others"}   # nothing before it


@pytest.mark.parametrize("text, value, unit, figure_text", [
    # written for the test: a currency the rule file does not name takes the ISO code of the country named
    ("Ethiopia will spend 6 million birr on wells.", 6_000_000, "ETB", "6 million birr"),
    ("In Nepal the ministry gave Rs 1.5 million to the district.", 1_500_000, "NPR", "Rs 1.5 million"),
    ("Senegal received 125 million CFA francs.", 125_000_000, "XOF", "125 million CFA francs"),
    ("Cameroon received 125 million CFA francs.", 125_000_000, "XAF", "125 million CFA francs"),
    ("Kenya paid 5,000 shillings to each farmer.", 5_000, "KES", "5,000 shillings"),
    ("The Republic of Moldova paid 2,000 lei to each family.", 2_000, "MDL", "2,000 lei"),
    # FCFA before or after the number, in the franc of the country named (also with a curly apostrophe)
    ("Cameroon will spend FCFA 17.8 billion on roads.", 17_800_000_000, "XAF", "FCFA 17.8 billion"),
    ("In Côte d’Ivoire the plan costs 88.8 billion FCFA in all.", 88_800_000_000, "XOF", "88.8 billion FCFA"),
])
def test_a_local_currency_is_money_in_the_named_country_s_currency(nlp, text, value, unit, figure_text):
    [f] = [f for f in doc_figures(nlp, text) if f["value"] == value]
    assert (f["kind"], f["unit"], f["text"], f["counted"]) == ("money", unit, figure_text, None)


def test_a_rate_written_with_a_slash_and_a_time_word(nlp):
    # written for the test
    assert [(f["value"], f["unit"]) for f in doc_figures(nlp, "Winds reached 250 km/ hour and it makes 90 kg/hr.")] \
        == [(250, "km/h"), (90, "kg/h")]


def test_a_currency_name_joined_to_the_number_by_hyphens_is_money(nlp):
    # written for the test
    [f] = doc_figures(nlp, "The 30 million-US-dollar project started.")
    assert (f["kind"], f["unit"], f["value"]) == ("money", "USD", 30_000_000)


def test_an_ambiguous_currency_with_no_country_named_stays_a_count_and_the_heuristic_switches_off(nlp):
    """Written for the test: shillings are Kenya's, Uganda's, Tanzania's and Somalia's; nothing says whose."""
    from pipeline.nlp.build import build_nlp

    [f] = doc_figures(nlp, "Each farmer was paid 5,000 shillings.")
    assert (f["kind"], f["unit"]) == ("count", "shillings")
    off = build_nlp(components=("figures", "dates"), settings={"figures": {"disabled": ["local_currencies"]}})
    [f] = doc_figures(off, "Ethiopia will spend 6 million birr on wells.")
    assert (f["kind"], f["unit"]) == ("count", "birr")
