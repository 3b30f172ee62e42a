import spacy

from pipeline.nlp.data import default_data
from pipeline.nlp.places import gazetteer_forms, touches_name, upper_case_candidates


def test_gazetteer_leaves_ambiguous_names_to_the_model():
    defaults = (default_data("place_ruler", "kb"), default_data("place_ruler", "rules"))
    forms = {f for fs in gazetteer_forms(*defaults).values() for f in fs}
    assert "Dushanbe" in forms and "Mongolia" in forms and "Khatlon region" in forms
    assert "Mary" not in forms            # a Turkmen city and a given name
    assert "Mary region" in forms


def test_touches_name():
    nlp = spacy.blank("en")
    doc = nlp("the Dushanbe Water Process and Tom Mongolia and Agro-Industrial and Dushanbe.")
    assert touches_name(doc, 1, 2)             # Dushanbe Water ...
    assert touches_name(doc, 6, 7)             # Tom Mongolia
    assert touches_name(doc, 8, 9)             # Agro-...
    assert not touches_name(doc, 12, 13)       # and Dushanbe.


def test_upper_case_candidates():
    nlp = spacy.blank("en")
    doc = nlp("DUSHANBE – rain. UN SAYS")
    assert (0, 1) in upper_case_candidates(doc)


def test_countries_cities_regions_and_areas(ents_of):
    ents = ents_of("Farmers from the Khatlon region and Dushanbe, Mongolia and the South Caucasus met.")
    assert ("Khatlon region", "GPE") in ents
    assert ("Dushanbe", "GPE") in ents
    assert ("Mongolia", "GPE") in ents
    assert ("South Caucasus", "LOC") in ents


def test_former_names_and_official_forms(entity_nlp):
    doc = entity_nlp("In Semipalatinsk the Republic of Uzbekistan signed it.")
    got = {(e.text, e.label_): (doc._.mention_kb or {}).get(f"{e.start_char}:{e.end_char}") for e in doc.ents}
    assert got[("Semipalatinsk", "GPE")] == "geonames:1519422"
    assert got[("Republic of Uzbekistan", "GPE")] == "Q265"


def test_dateline_in_capitals(ents_of):
    assert ("DUSHANBE", "GPE") in ents_of("DUSHANBE – The talks on water opened on Monday.")


def test_region_beats_city(ents_of):
    ents = ents_of("Orchards in the Bukhara region supply Bukhara.")
    assert ("Bukhara region", "GPE") in ents and ("Bukhara", "GPE") in ents


def test_english_spellings_of_diacritic_names_and_former_names(entity_nlp):
    doc = entity_nlp("Trains run from Dashoguz to Krasnovodsk along the Irtysh River.")
    got = {(e.text, e.label_) for e in doc.ents}
    assert ("Dashoguz", "GPE") in got and ("Krasnovodsk", "GPE") in got
    assert ("Irtysh River", "LOC") in got


def test_form_index_matches_on_token_boundaries():
    from pipeline.nlp.places import FormIndex
    nlp = spacy.blank("en")
    index = FormIndex.of_forms(["Kvemo Kartli", "Lima", "Lima region", "Bayan-Ölgii"])
    doc = nlp("In Kvemo Kartli, Limassol and the Lima\u00a0region of Bayan-Ölgii.")
    got = {doc[s:e].text for s, e in index(doc)}
    assert got == {"Kvemo Kartli", "Lima", "Lima\u00a0region", "Bayan-Ölgii"}


def test_subdivisions_of_other_countries(ents_of):
    ents = ents_of("Herders in the Khovd aimag and farmers in Imereti and the Ancash Region met.")
    assert ("Khovd aimag", "GPE") in ents and ("Imereti", "GPE") in ents and ("Ancash Region", "GPE") in ents


def test_city_and_its_region_stay_two_entities(entity_nlp):
    doc = entity_nlp("Buses leave Arequipa for villages in the Arequipa region.")
    kbs = doc._.mention_kb or {}
    got = {e.text: kbs.get(f"{e.start_char}:{e.end_char}") for e in doc.ents if e.label_ == "GPE"}
    assert got["Arequipa region"] == "iso3166-2:PE-ARE"
    assert got["Arequipa"].startswith("geonames:")


def test_a_person_named_like_a_region_is_left_to_the_model(ents_of):
    ents = ents_of("Ms. Imereti Gomelauri opened the clinic.")
    assert ("Imereti", "GPE") not in ents


def test_a_place_word_after_a_given_name_at_a_sentence_start_is_a_surname():
    nlp = spacy.blank("en")
    doc = nlp("Maria Lima spoke. In Lima it rained.")
    assert touches_name(doc, 1, 2)
    assert not touches_name(doc, 5, 6)


def test_curated_city_spelling_where_geonames_names_the_city_otherwise(ents_of):
    assert ("Jalal-Abad", "GPE") in ents_of("Schools in Jalal-Abad reopened after the floods.")


def test_a_country_before_a_currency_is_no_place_mention():
    from pipeline.nlp.places import PlaceRuler

    nlp = spacy.blank("en")
    ruler = PlaceRuler(nlp, default_data("place_ruler", "kb"), default_data("place_ruler", "rules"),
                       default_data("place_ruler", "currencies"), default_data("place_ruler", "demonyms"))
    doc = ruler(nlp("It cost US $16.9 million and 7 million U.S. dollars, the US said in the U.S. capital."))
    assert [(e.text, e.start) for e in doc.ents] == [("US", 13), ("U.S.", 17)]


def test_after_the_ner_a_sure_place_wins_except_inside_a_longer_name():
    from spacy.tokens import Span

    from pipeline.nlp.places import PlaceRuler

    nlp = spacy.blank("en")
    ruler = PlaceRuler(nlp, default_data("place_ruler", "kb"), default_data("place_ruler", "rules"),
                       default_data("place_ruler", "currencies"), default_data("place_ruler", "demonyms"))

    def ruled(text, model_spans):
        doc = nlp(text)
        doc.ents = [Span(doc, s, e, label=label) for s, e, label in model_spans]
        return [(e.text, e.label_) for e in ruler(doc).ents]

    # a stand-in NER's spans, token offsets; texts written for this test
    assert ruled("New York said so", [(0, 2, "PERSON")]) == [("New York", "GPE")]
    assert ruled("the Cooperative Republic of Guyana said", [(1, 5, "GPE")]) == [
        ("Cooperative Republic of Guyana", "GPE")]
    assert ruled("In Semipalatinsk the Republic of Uzbekistan signed", [(1, 6, "GPE")]) == [
        ("Semipalatinsk", "GPE"), ("Republic of Uzbekistan", "GPE")]


def test_a_country_adjective_before_its_noun_is_no_place_of_that_name():
    from pipeline.nlp.places import PlaceRuler

    nlp = spacy.blank("en")
    ruler = PlaceRuler(nlp, default_data("place_ruler", "kb"), default_data("place_ruler", "rules"),
                       default_data("place_ruler", "currencies"), default_data("place_ruler", "demonyms"))
    doc = nlp("aid to the Somali people arrived")
    doc[4].pos_ = "NOUN"     # the tagger's
    assert [e.text for e in ruler(doc).ents] == []
    # the region itself, by its name alone or with its noun
    assert [e.text for e in ruler(nlp("aid to Somali arrived")).ents] == ["Somali"]
    assert [e.text for e in ruler(nlp("clashes in the Somali region")).ents] == ["Somali region"]
