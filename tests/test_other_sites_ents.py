"""Organizations and persons on text from other sites: news agencies and platforms in credits and
datelines (entity_fixups.media_names), groups of countries named by a letter and a number
(entity_fixups.group_numbers) and title phrases read as persons (people.title_phrase_parts).
Every text here is written for the test (example.org style); the people are made up."""
import spacy

from pipeline.nlp.data import default_data
from pipeline.nlp.entity_fixups import Ent, fixup_rules, is_not_a_name, media_names
from pipeline.nlp.people import find_people, person_rules

nlp = spacy.blank("en")
R = fixup_rules(*(default_data("entity_fixups", s) for s in ("org_rules", "people_rules", "stoplist", "demonyms")))
PR = person_rules(*(default_data("person_appositions", s)
                    for s in ("org_rules", "people_rules", "role_words", "demonyms")))


def tok(doc, text, nth=0):
    words = [t.text for t in nlp.make_doc(text)]
    hits = [i for i in range(len(doc) - len(words) + 1) if [t.text for t in doc[i:i + len(words)]] == words]
    i = hits[nth]
    return i, i + len(words)


def ent(doc, text, label, source="model", kb_id=None):
    return Ent(*tok(doc, text), label, kb_id, source)


def shown(doc, ents):
    return [(doc[e.start:e.end].text, e.label) for e in ents]


# ---- news agencies and platforms (entity_fixups.media_names)

def test_agencies_in_datelines_reports_and_share_buttons_are_org():
    doc = nlp("Share\nLinkedin\nWhatsApp\n\nJUBA, Oct. 22 (Xinhua) -- Rains fell, Reuters reported.")
    # the model (with the knowledge base) read the agency as a town
    ents = [ent(doc, "JUBA", "GPE", "rule", "geonames:373303"), ent(doc, "Xinhua", "GPE", kb_id="geonames:1")]
    assert shown(doc, media_names(doc, ents, R["media_names"])) == [
        ("Linkedin", "ORG"), ("WhatsApp", "ORG"), ("JUBA", "GPE"), ("Xinhua", "ORG"), ("Reuters", "ORG")]


def test_a_credit_glued_to_a_name_gives_way():
    doc = nlp("Photo: Ministry Press/ Facebook\nThe minister spoke.")
    ents = [ent(doc, "Press/ Facebook", "PERSON")]
    assert shown(doc, media_names(doc, ents, R["media_names"])) == [("Facebook", "ORG")]


def test_longer_names_lower_case_words_and_rule_spans_are_left_alone():
    doc = nlp("The Reuters Foundation trained reporters; one sent a telegram to the Telegram Group office.")
    ents = [ent(doc, "Telegram Group", "ORG", "rule", "kb:1")]
    assert shown(doc, media_names(doc, ents, R["media_names"])) == [("Telegram Group", "ORG")]


# ---- groups of countries (entity_fixups.group_numbers)

def test_a_letter_and_a_number_is_a_group_but_a_session_is_not_a_name():
    doc = nlp("Leaders of the G20 met before CSW67 opened.")
    assert not is_not_a_name(doc, *tok(doc, "G20"), "ORG", R)
    assert is_not_a_name(doc, *tok(doc, "CSW67"), "ORG", R)
    assert is_not_a_name(doc, *tok(doc, "G20"), "ORG", R, groups=False)     # the switch
    assert is_not_a_name(doc, *tok(doc, "G20"), "PERSON", R)


def test_a_country_abbreviation_in_capitals_is_no_stop_word():
    doc = nlp("The US government and the Government of Ruritania told us so.")
    assert not is_not_a_name(doc, *tok(doc, "US government"), "ORG", R)     # "US" is not the pronoun "us"
    assert is_not_a_name(doc, *tok(doc, "The"), "ORG", R)
    assert is_not_a_name(doc, *tok(doc, "us"), "ORG", R)


# ---- title phrases read as persons (people.title_phrase_parts)

def people(text, off=frozenset()):
    doc = nlp(text)
    return [doc[a:b].text for a, b in find_people(doc, [], {}, PR, off)]


def test_the_second_half_of_an_office_name_is_no_person():
    text = "Minister of Foreign Affairs and Foreign Trade, Senator Ana Lopez, signed the text."
    assert "Foreign Trade" not in people(text)
    assert "Foreign Trade" in people(text, frozenset({"title_phrase_parts"}))


def test_a_modifier_before_a_noun_of_an_office_is_no_person():
    text = "She was UN Senior Post Conflict Adviser in Colombia before joining the agency."
    assert people(text) == []
    assert people(text, frozenset({"title_phrase_parts"})) == ["Post Conflict"]
    text = "Data of the National Health Information System (NHIS) were late."
    assert people(text) == []


def test_persons_after_titles_and_after_another_person_are_still_found():
    assert people("The text was read by Deputy Minister Aliya Bekova yesterday.") == ["Aliya Bekova"]
    assert people("Thanks went to Ana Lopez and Ivan Petrov, coordinator of the office.") == ["Ivan Petrov"]
