import spacy

from pipeline.nlp.abbreviations import (Heads, find_best_long_form, find_pairs, is_short_form_candidate,
                                        long_form_window, looks_like_org_name)
from pipeline.nlp.data import default_data

nlp = spacy.blank("en")


def test_short_form_candidates():
    assert is_short_form_candidate("GMS")
    assert is_short_form_candidate("WQIs")
    assert not is_short_form_candidate("a")
    assert not is_short_form_candidate("see below")
    assert not is_short_form_candidate("2019")
    assert not is_short_form_candidate("averylongabbreviation")


def test_find_best_long_form():
    assert find_best_long_form("GMS", "set up by the Glacier Monitoring Service") == "Glacier Monitoring Service"
    assert find_best_long_form("WQI", "uses the Water Quality Index") == "Water Quality Index"
    assert find_best_long_form("IFAD", "the International Fund for Agricultural Development") == \
        "International Fund for Agricultural Development"
    assert find_best_long_form("XYZ", "nothing to see here") is None


def test_long_form_window():
    assert long_form_window("GMS") == 6
    assert long_form_window("UNESCO") == 11


def test_find_pairs_both_directions():
    doc = nlp("The Glacier Monitoring Service (GMS) works with GRC (Glacier Research Council).")
    pairs = [(doc[p.long_start:p.long_end].text, p.short_text(doc)) for p in find_pairs(doc)]
    assert ("Glacier Monitoring Service", "GMS") in pairs
    assert ("Glacier Research Council", "GRC") in pairs


def test_looks_like_org_name():
    org = default_data("abbreviation_labeller", "org_rules")
    heads = Heads(frozenset(org["org_unit_heads"]), frozenset(org["non_entity_heads"]))
    assert looks_like_org_name(["Glacier", "Monitoring", "Service"], heads)
    assert looks_like_org_name(["Steppe", "Development", "Centers"], heads)
    assert not looks_like_org_name(["Water", "Quality", "Index"], heads)
    assert not looks_like_org_name(["water", "monitoring", "service"], heads)


def test_short_form_takes_the_label_of_the_long_form(ents_of):
    ents = ents_of("The Glacier Monitoring Service (GMS) of Mongolia reported. Later GMS staff measured ice.")
    assert ("Glacier Monitoring Service", "ORG") in ents
    assert ents.count(("GMS", "ORG")) == 2


def test_short_form_of_a_non_entity_is_no_entity(ents_of):
    ents = ents_of("Mongolia adopted the Water Quality Index (WQI). The WQI shows progress.")
    assert not any(t == "WQI" for t, _ in ents)


def test_ambiguous_kb_acronym_is_trusted_once_defined(entity_nlp):
    doc = entity_nlp("The International Trade Centre (ITC) trains exporters. ITC experts visited Mongolia.")
    itc = [e for e in doc.ents if e.text == "ITC"]
    assert len(itc) == 2 and all(e.label_ == "UN_AGENCY" for e in itc)
    assert all(doc._.mention_kb[f"{e.start_char}:{e.end_char}"] == "un:itc" for e in itc)
    assert any(doc._.mention_sources[f"{e.start_char}:{e.end_char}"] == "abbreviation" for e in itc)


def test_a_known_acronym_after_a_long_form_that_is_no_entity_keeps_its_mentions(entity_nlp):
    # written for this test: the long form read runs past the agency's name ("... Programme in Lakeland")
    doc = entity_nlp("The United Nations Development Programme in Lakeland (UNDP) met farmers. "
                     "Later UNDP staff visited Mongolia.")
    undp = [e for e in doc.ents if e.text == "UNDP"]
    assert len(undp) == 2 and all(e.label_ == "UN_AGENCY" for e in undp)
    # an acronym the knowledge base knows, defined here as no entity, is no entity ("GEF" is a fund elsewhere)
    doc = entity_nlp("The Generation Equality Forum (GEF) met. The GEF ended.")
    assert not any(e.text == "GEF" for e in doc.ents)


def test_an_acronym_spelling_a_whole_name_joins_what_the_model_cut(entity_nlp):
    # written for this test (example.org style), not from an article
    from pipeline.nlp.abbreviations import Pair, whole_long_form
    from spacy.tokens import Span
    org = default_data("abbreviation_labeller", "org_rules")
    heads = Heads(frozenset(org["org_unit_heads"]), frozenset(org["non_entity_heads"]))
    doc = nlp("flown by the Example Nations Humanitarian Air Service (ENHAS) this year")
    pair = next(p for p in find_pairs(doc) if p.short_text(doc) == "ENHAS")
    ents = [Span(doc, 3, 5, label="UN_AGENCY")]
    assert (doc[pair.long_start:pair.long_end].text) == "Example Nations Humanitarian Air Service"
    assert whole_long_form(doc, pair, ents, heads) == ents[0]
    doc = nlp("funded by the Ministry of Health and Sanitation (MOHS) this year")
    pair = next(p for p in find_pairs(doc) if p.short_text(doc) == "MOHS")
    # not headed by an organization word: left as the model had it
    assert whole_long_form(doc, pair, [Span(doc, 3, 6, label="ORG"), Span(doc, 7, 8, label="ORG")], heads) is None
    # a long form that is no organization's name stays no entity
    doc = nlp("careers in Science, Technology, Engineering and Math (STEM) grow")
    pair = next(p for p in find_pairs(doc) if p.short_text(doc) == "STEM")
    assert whole_long_form(doc, pair, [Span(doc, 2, 3, label="ORG")], heads) is None
    assert whole_long_form(doc, Pair(pair.long_start, pair.long_end, pair.short_start, pair.short_end), [], heads) is None


def test_acronym_extent_is_switchable():
    from pipeline.nlp.abbreviations import HEURISTICS
    from pipeline.nlp.build import build_nlp
    assert "acronym_extent" in HEURISTICS
    nlp_off = build_nlp(components=("abbreviations",), settings={"abbreviations": {"disabled": ["acronym_extent"]}})
    assert nlp_off.get_pipe_config("abbreviations")["disabled"] == ["acronym_extent"]
