"""Line breaks: preset outside before the NER, so no entity runs across a line."""
import pytest
import spacy

import pipeline.nlp.line_breaks  # noqa: F401  (registers the factory)
from pipeline.nlp.build import base_model_name

GLUED = ["Credit: UNICEF/John\nSmith", "By Maria\nLopez\nThe ministry said", "Ahmed\nAli said"]


@pytest.fixture(scope="module")
def model():
    return spacy.load(base_model_name(), exclude=["lemmatizer"])


@pytest.mark.parametrize("text", GLUED)
def test_the_model_alone_glues_a_name_across_lines_and_the_component_prevents_it(model, text):
    assert any("\n" in e.text for e in model(text).ents)   # the failure this component exists for
    with_breaks = spacy.load(base_model_name(), exclude=["lemmatizer"])
    with_breaks.add_pipe("line_breaks", before="ner")
    with_breaks.add_pipe("line_breaks_done", after="ner")
    doc = with_breaks(text)
    assert not any("\n" in e.text for e in doc.ents)
    assert [t.ent_iob_ for t in doc if "\n" in t.text] == ["O"] * text.count("\n")    # blocked, then outside


def test_entities_set_by_earlier_rules_are_kept():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "UN_AGENCY", "pattern": "UNICEF"}])
    nlp.add_pipe("line_breaks")
    nlp.add_pipe("line_breaks_done")
    doc = nlp("UNICEF said\nthat children suffer.")
    assert [(e.text, e.label_) for e in doc.ents] == [("UNICEF", "UN_AGENCY")]
    assert [t.ent_iob_ for t in doc if "\n" in t.text] == ["O"]


def test_a_line_that_ends_a_sentence_starts_the_next_one_and_a_headline_is_left_to_the_parser():
    nlp = spacy.blank("en")
    nlp.add_pipe("line_sentences")
    doc = nlp('UN Official Visits Veloria\nHe stressed "the need to act."\n\nFor his part, Omar Vale agreed.')
    starts = {t.text for t in doc if t.is_sent_start}
    assert "For" in starts and "He" not in starts     # after `."` and a blank line; not after a headline



def test_a_spaced_dash_is_held_like_a_line_break_and_a_hyphen_inside_a_name_is_not():
    nlp = spacy.blank("en")
    nlp.add_pipe("line_breaks")
    doc = nlp("Camps in Wadi Rum - Bani Tal \u2013 and Gof-Gadud.")
    held = [(t.i, t.text) for t in doc if t.ent_iob_ == "B" and not t.ent_type_]     # blocked
    assert [text for _, text in held] == ["-", "\u2013"]
    hyphen = next(t for t in doc if t.text == "-" and t.nbor(-1).text == "Gof")
    assert hyphen.ent_iob_ == ""
    nlp.add_pipe("line_breaks_done")
    assert not nlp("Wadi Rum - Bani Tal").ents
