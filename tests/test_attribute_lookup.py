"""The attribute lookup must annotate every token exactly as the model's attribute_ruler does."""
import pytest
import spacy
from spacy.tokens import Doc

from pipeline.nlp.attribute_lookup import AttributeLookup, supported_patterns, use_attribute_lookup
from pipeline.nlp.build import base_model_name

TEXTS = [
    "Inspector Halvard Brenn said the Ostmark Water Board hadn't met since 4 April, and it isn't clear why.",
    "There are 1,250 families in Kessel who have been waiting for aid; y'all ain't seen nothin' yet.",
    "Do you know what they did? I gave it to you and she gave it to me.\n\nWhether or not it rains, "
    "we'll go.",
    "Is he here?  Those who can, do.  That was the plan, which they followed until the end of 2022.",
    "\n \n",
    "",
]


@pytest.fixture(scope="module")
def model():
    nlp = spacy.load(base_model_name(), exclude=["lemmatizer"])
    assert "attribute_ruler" in nlp.pipe_names
    return nlp


def _annotate_up_to_ruler(nlp, texts):
    with nlp.select_pipes(disable=["attribute_ruler", "ner"]):
        return list(nlp.pipe(texts))


def test_lookup_gives_the_ruler_s_bytes_token_for_token(model):
    ruler = model.get_pipe("attribute_ruler")
    assert supported_patterns(ruler.patterns)
    lookup = AttributeLookup(model.vocab, ruler.patterns)
    for doc in _annotate_up_to_ruler(model, TEXTS):
        expected = ruler(Doc(model.vocab).from_bytes(doc.to_bytes()))
        got = lookup(Doc(model.vocab).from_bytes(doc.to_bytes()))
        assert [(t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_) for t in got] == \
               [(t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_) for t in expected]
        assert got.to_bytes() == expected.to_bytes()


def test_multi_token_rule_sets_the_indexed_token(blank_nlp):
    patterns = [{"patterns": [[{"LOWER": "ice"}, {"LOWER": {"IN": ["cream", "creams"]}}]],
                 "attrs": {"LEMMA": "dessert"}, "index": -1},
                {"patterns": [[{"LOWER": {"REGEX": "^cr"}}]], "attrs": {"LEMMA": "cr-word"}, "index": 0}]
    lookup = AttributeLookup(blank_nlp.vocab, patterns)
    doc = lookup(blank_nlp("ice cream and creams, crumbs"))
    # The later rule wins where both apply, as in the AttributeRuler.
    assert [t.lemma_ for t in doc] == ["", "cr-word", "", "cr-word", "", "cr-word"]
    doc = AttributeLookup(blank_nlp.vocab, patterns[:1])(blank_nlp("ice cream"))
    assert [t.lemma_ for t in doc] == ["", "dessert"]


def test_patterns_it_cannot_evaluate_keep_the_ruler():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "big", "OP": "+"}]], {"LEMMA": "big"})
    assert not use_attribute_lookup(nlp)
    assert nlp.pipe_names == ["attribute_ruler"]
    nlp2 = spacy.blank("en")
    nlp2.add_pipe("attribute_ruler").add([[{"LOWER": "big"}]], {"LEMMA": "large"})
    assert use_attribute_lookup(nlp2)
    assert nlp2.pipe_names == ["attribute_lookup"]
    assert [t.lemma_ for t in nlp2("a big dog")] == ["", "large", ""]
