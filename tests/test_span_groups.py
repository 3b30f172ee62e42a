"""The extractions as span groups on the Doc, for users of the spaCy pipeline."""
import pytest

from pipeline.nlp.build import build_nlp, shared_nlp


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def test_figures_dates_roles_and_quotes_are_span_groups_with_their_records(nlp):
    doc = nlp("UNICEF delivered 40 tonnes of food to Chad on 3 May 2023, said Jane Roe, UNICEF Representative "
              "in Chad. “We will stay,” Roe said.")
    assert [(s.text, s._.record["value"], s._.record["unit"]) for s in doc.spans["figures"]] == [("40 tonnes", 40, "tonne")]
    assert [(s.text, s._.record["start"]) for s in doc.spans["dates"]] == [("3 May 2023", "2023-05-03")]
    assert [s._.record["title"] for s in doc.spans["roles"]] == ["Representative"]
    assert [s.label_ for s in doc.spans["quotes"]] == ["QUOTE"] and doc.spans["quotes"][0]._.record["cue"] == "said"


def test_the_extract_pipeline_leaves_them_out():
    assert "span_groups" not in shared_nlp().pipe_names
