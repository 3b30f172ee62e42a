import spacy
from spacy.tokens import Span

from pipeline.nlp.data import default_data
from pipeline.nlp.people import known_names, last_word, name_run, person_rules, title_phrase_follows

nlp = spacy.blank("en")
R = person_rules(*(default_data("person_appositions", s) for s in ("org_rules", "people_rules", "role_words", "demonyms")))


def test_last_word_keeps_hyphenated_surnames():
    doc = nlp("Anna Lind-Berglund spoke")
    assert last_word(doc[0:4]) == (1, 4)


def test_known_names():
    doc = nlp("Zarina Omarkulova met Anna Lind-Berglund and Bolat")
    ents = [Span(doc, 0, 2, "PERSON"), Span(doc, 3, 7, "PERSON"), Span(doc, 8, 9, "PERSON")]
    full, last = known_names(ents)
    assert ("Zarina", "Omarkulova") in full and ("Omarkulova",) in last
    assert ("Lind", "-", "Berglund") in last
    assert not any(n == ("Bolat",) for n in full)
    assert ("Bolat",) in last     # a one-word person named again is that person ("Uhuru" ... "Uhuru welcomed")


def test_name_run_and_title_phrase():
    doc = nlp("said Arnout van der Berg, WFP Country Director in Mongolia")
    assert name_run(doc, 1, R) == 5
    assert title_phrase_follows(doc, 6, R, {})
    doc = nlp("said Arnout Berg, who works")
    assert not title_phrase_follows(doc, 4, R, {})


def test_apposition_finds_the_person(ents_of):
    ents = ents_of("“Water is life,” said Zarina Omarkulova, WFP Representative in Mongolia.")
    assert ("Zarina Omarkulova", "PERSON") in ents
    assert ("WFP", "UN_AGENCY") in ents and ("Mongolia", "GPE") in ents


def test_surname_reuse(ents_of):
    ents = ents_of("Zarina Omarkulova opened the school in Dushanbe. Later Omarkulova visited the farms.")
    assert ("Omarkulova", "PERSON") in ents


def test_a_one_word_person_leaves_the_same_word_in_a_place_slot_a_place():
    from pipeline.nlp.people import surname_mentions
    # written for the test: the model read "Amarra" once as a person (a list it misread) and once as a place
    doc = nlp("Mayors came from Amarra and Tell. In Amarra, the mayors met. Amarra welcomed them.")
    ents = [Span(doc, 3, 4, "PERSON"), Span(doc, 8, 9, "GPE"), Span(doc, 14, 15, "GPE")]
    assert surname_mentions(doc, ents, {}) == [(14, 15)]     # not the place after "In"


def test_headline_glued_name_is_split(ents_of):
    ents = ents_of("President of Mongolia Batbayar Tsendsuren opened the fair\n\n"
                   "Batbayar Tsendsuren said the fair matters.")
    assert ("Batbayar Tsendsuren", "PERSON") in ents
    assert not any(l == "ORG" and "Tsendsuren" in t for t, l in ents)


def test_person_after_an_office_name(ents_of):
    ents = ents_of("“Rivers rise fast,” Deputy Minister of Water Resources Temirlan Osmonaliev told reporters.")
    assert ("Temirlan Osmonaliev", "PERSON") in ents
    assert not any(l == "PERSON" and "Resources" in t for t, l in ents)


def test_a_name_right_after_a_learned_title_is_a_person_and_the_switch_turns_it_off():
    from pipeline.nlp.people import find_people
    from pipeline.nlp.titles import SPANS_KEY
    doc = nlp("Deputy Minister of Water Resources Temirlan Osmonaliev told reporters .")
    assert find_people(doc, [], {}, R) == []       # "Resources" is no title word: the rules alone see no person slot
    doc.spans[SPANS_KEY] = [Span(doc, 0, 5, "TITLE")]     # the NER's title (titles.py)
    assert [doc[a:b].text for a, b in find_people(doc, [], {}, R)] == ["Temirlan Osmonaliev"]
    assert find_people(doc, [], {}, R, off=frozenset({"after_learned_titles"})) == []


def test_a_hyphenated_title_follows_the_name():
    doc = nlp("Tomas Reyval, Under-Secretary-General for Humanitarian Affairs, arrived")
    assert title_phrase_follows(doc, 3, R, {})
    doc = nlp("Tomas Reyval, Rio-Grande people arrived")
    assert not title_phrase_follows(doc, 3, R, {})


def test_a_run_of_title_and_nationality_words_after_an_honorific_is_no_person():
    from pipeline.nlp.people import find_people
    doc = nlp("Mr. Jordanian Foreign Minister Rami Haddad arrived , and Mr. Rami Haddad spoke .")
    assert [doc[a:b].text for a, b in find_people(doc, [], {}, R)] == ["Rami Haddad", "Rami Haddad"]


def test_a_speech_verb_alone_makes_no_person():   # organizations speak too: "Inner City Press asked"
    from pipeline.nlp.people import find_people
    doc = nlp("Inner City Press asked about it , said Rami Haddad .")
    assert find_people(doc, [], {}, R) == []


def test_a_title_before_capitalised_words_of_a_headline_names_only_a_person_of_the_body(ents_of):
    """Written for the test: in a title-case headline every word is capitalised, so "Official Speaks Highly" is
    no name; the headline's "Ambassador Rugwal" is one, the body naming her."""
    ents = ents_of("UN Official Speaks Highly of Veloria's Development Plans\n"
                   "Ambassador Rugwal Presents Her Credentials to the Secretary-General\n"
                   "The Permanent Representative of Veloria, Ambassador Lena Rugwal, met the officials on Monday.")
    assert not any(l == "PERSON" and ("Speaks" in t or "Presents" in t) for t, l in ents)
    assert ("Lena Rugwal", "PERSON") in ents
    ents = ents_of("UN Chief Meets Veloria Politicos, Ministers; Visits Heritage Site\n"
                   "Secretary-General Tomas Reyval met politicians and ministers on Sunday.")
    assert not any(l == "PERSON" and "Meets" in t for t, l in ents)     # nor a title phrase after them


def test_a_region_the_articles_person_is_named_after_is_that_person(ents_of):
    """Written for the test: Kanem is a region of Chad, and here the surname of the person just named."""
    ents = ents_of("UNFPA executive director Natalia Kanem said Kenya leads. Kanem also lauded the First Lady.")
    assert ("Kanem", "PERSON") in ents and not any(t == "Kanem" and l in ("GPE", "LOC") for t, l in ents)
    assert ("Kanem", "GPE") in ents_of("Natalia Kanem visited farms in Kanem on Monday.") or \
        ("Kanem", "LOC") in ents_of("Natalia Kanem visited farms in Kanem on Monday.")



def test_a_name_after_a_titles_place_is_a_person_and_the_switch_turns_it_off():
    from pipeline.nlp.people import find_people
    nlp_blank = spacy.blank("en")
    doc = nlp_blank("British Ambassador to Ruritania Hugo Shorter opened the school.")   # written for the test
    ents = [Span(doc, 3, 4, "GPE")]
    assert [doc[a:b].text for a, b in find_people(doc, ents, {}, R)] == ["Hugo Shorter"]
    assert find_people(doc, ents, {}, R, frozenset({"after_title_places"})) == []
    doc = nlp_blank("Flights to Ruritania Hugo Shorter said were late.")     # no title before the place
    assert find_people(doc, [Span(doc, 2, 3, "GPE")], {}, R) == []


def test_an_unknown_place_of_two_name_words_that_speaks_is_a_person():
    from spacy.tokens import Doc
    from pipeline.nlp.people import speaking_places
    kb = default_data("person_appositions", "kb")
    # written for the test, parsed by hand: "Ona Dorn added that it helped ."
    words = ["Ona", "Dorn", "added", "that", "it", "helped", "."]
    doc = Doc(nlp.vocab, words=words, heads=[1, 2, 2, 5, 5, 2, 2],
              deps=["compound", "nsubj", "ROOT", "mark", "nsubj", "ccomp", "punct"])
    assert speaking_places(doc, [Span(doc, 0, 2, "GPE")], {}, R, kb) == [(0, 2)]
    # a rule's place, a one-word place, or a place that is no subject of a speech verb stays a place
    assert speaking_places(doc, [Span(doc, 0, 2, "GPE")], {"0:8": "rule"}, R, kb) == []
    assert speaking_places(doc, [Span(doc, 1, 2, "GPE")], {}, R, kb) == []
    doc = Doc(nlp.vocab, words=["Ona", "Dorn", "grew", "fast", "."], heads=[1, 2, 2, 2, 2],
              deps=["compound", "nsubj", "ROOT", "advmod", "punct"])
    assert speaking_places(doc, [Span(doc, 0, 2, "GPE")], {}, R, kb) == []
