import spacy

from pipeline.nlp.data import default_data
from pipeline.nlp.un_agencies import inside_longer_name, name_variants, pattern_table


def test_name_variants_swap_un_prefix_and_apostrophes():
    v = name_variants("United Nations Children's Fund")
    assert "UN Children's Fund" in v and "United Nations Children\u2019s Fund" in v
    assert "United Nations Volunteers" in name_variants("UN Volunteers")


def test_ambiguous_acronyms_are_not_patterns():
    exact, _ = pattern_table(default_data("un_agency_ruler", "kb"))
    assert "ITC" not in exact["un:itc"]
    assert "WFP" in exact["Q204344"]


def test_inside_longer_name():
    nlp = spacy.blank("en")
    heads = frozenset({"Convention", "Programme"})
    doc = nlp("the UN Convention against Corruption")
    assert inside_longer_name(doc, 1, 2, heads)
    doc = nlp("the WFP-Mongolia Resilience Programme")
    assert inside_longer_name(doc, 1, 2, heads)
    doc = nlp("the WFP Representative in Mongolia")
    assert not inside_longer_name(doc, 1, 2, heads)


def test_agencies_full_names_and_acronyms(ents_of):
    ents = ents_of("The World Food Programme (WFP) and the IAEA met the UN Resident Coordinator.")
    assert ("World Food Programme", "UN_AGENCY") in ents
    assert ("WFP", "UN_AGENCY") in ents
    assert ("IAEA", "UN_AGENCY") in ents
    assert ("UN", "UN_AGENCY") in ents


def test_a_bare_organ_name_ending_a_longer_name_is_not_the_organ(ents_of):
    ents = ents_of("The Security Council met. Later, Ruritania's National Security Council met.")
    assert ents.count(("Security Council", "UN_AGENCY")) == 1    # the first; the second is Ruritania's


def test_kb_ids_are_recorded(entity_nlp):
    doc = entity_nlp("Staff of the International Atomic Energy Agency arrived.")
    [ent] = [e for e in doc.ents if e.label_ == "UN_AGENCY"]
    key = f"{ent.start_char}:{ent.end_char}"
    assert doc._.mention_sources[key] == "rule"
    assert doc._.mention_kb[key] == "Q41984"


def test_country_office_is_one_mention_but_in_country_is_two(ents_of):
    assert ("WFP Mongolia", "UN_AGENCY") in ents_of("WFP Mongolia delivered food in spring.")
    ents = ents_of("The IAEA in Mongolia opened a laboratory.")
    assert ("IAEA", "UN_AGENCY") in ents and ("Mongolia", "GPE") in ents


def test_acronyms_are_case_sensitive(ents_of):
    ents = ents_of("Doctors who work with WHO in Mongolia.")
    assert [t for t, l in ents if l == "UN_AGENCY"] == ["WHO"]


def test_body_inside_a_document_name_is_not_a_mention(ents_of):
    ents = ents_of("Mongolia ratified the UN Convention against Corruption in 2006.")
    assert not any(l == "UN_AGENCY" for _, l in ents)


def test_un_venue_is_a_location(ents_of):
    assert ("UN Headquarters", "LOC") in ents_of("The ministers met at UN Headquarters in New York.")


def test_names_across_non_breaking_spaces(ents_of):
    ents = ents_of("Experts of the World\u00a0Food Programme travelled.")
    assert ("World\u00a0Food Programme", "UN_AGENCY") in ents


def test_well_known_organizations_are_org(ents_of):
    ents = ents_of("The Organization for Security and Co-operation in Europe and the World Bank agreed.")
    assert ("Organization for Security and Co-operation in Europe", "ORG") in ents
    assert ("World Bank", "ORG") in ents
    assert not any(l == "LOC" for _, l in ents)


def test_body_before_a_job_title_is_kept(ents_of):
    ents = ents_of("The UNDP Project Manager visited Dushanbe, and the WFP Policy Officer stayed.")
    assert ("UNDP", "UN_AGENCY") in ents and ("WFP", "UN_AGENCY") in ents


def test_body_before_a_hyphenated_index_name_is_not_a_mention(ents_of):
    ents = ents_of("Mongolia ranks 40th in the UN E-Government Development Index.")
    assert not any(l == "UN_AGENCY" for _, l in ents)


def _ruled(text: str, model_spans: list[tuple[int, int, str]], model_extent: bool = True):
    """The ruler after a stand-in NER whose spans are given (token offsets), as (text, label, kb id)."""
    from spacy.tokens import Span

    from pipeline.nlp.un_agencies import UNAgencyRuler

    nlp = spacy.blank("en")
    ruler = UNAgencyRuler(nlp, default_data("un_agency_ruler", "kb"), default_data("un_agency_ruler", "org_rules"),
                          default_data("un_agency_ruler", "role_rules"), model_extent)
    doc = nlp(text)
    doc.ents = [Span(doc, s, e, label=label) for s, e, label in model_spans]
    doc = ruler(doc)
    return [(e.text, e.label_, (doc._.mention_kb or {}).get(f"{e.start_char}:{e.end_char}")) for e in doc.ents]


def test_an_office_the_ner_finds_around_a_body_is_a_mention_of_that_body():
    # Written for this test.
    text = "Director of the UNDP Regional Office for Africa and Regional Bureau for Asia of UNICEF met"
    model = [(3, 8, "UN_AGENCY"), (9, 15, "UN_AGENCY")]
    undp, unicef = _ruled(text, model)
    assert undp[:2] == ("UNDP Regional Office for Africa", "UN_AGENCY") and undp[2] is not None
    assert unicef[:2] == ("Regional Bureau for Asia of UNICEF", "UN_AGENCY") and unicef[2] not in (None, undp[2])
    assert [t for t, _, _ in _ruled(text, model, model_extent=False)] == ["UNDP", "UNICEF"]


def test_a_post_or_another_body_around_a_known_name_is_not_its_office():
    posts = _ruled("The UN High Commissioner for Human Rights spoke", [(1, 7, "UN_AGENCY")])
    assert [t for t, _, _ in posts] == ["UN"]              # the rest is a title, for the role extractor
    fund = _ruled("the United Nations International Children's Fund said", [(1, 7, "UN_AGENCY")])
    assert [t for t, _, _ in fund] == ["United Nations"]


def test_a_headline_in_title_case_around_a_body_is_not_its_office():
    # Written for this test: the model read a whole headline as the body's name.
    got = _ruled("Rura: WFP Delivers Food To Displaced Families", [(2, 8, "UN_AGENCY")])
    assert [t for t, _, _ in got] == ["WFP"]


def test_a_described_body_is_a_mention_of_the_body_it_refers_to():
    from pipeline.nlp import extensions  # noqa: F401  (doc._.mention_kb)
    from pipeline.nlp.un_agencies import UNAgencyRuler
    nlp = spacy.blank("en")
    ruler = UNAgencyRuler(nlp, default_data("un_agency_ruler", "kb"), default_data("un_agency_ruler", "org_rules"),
                          default_data("un_agency_ruler", "role_rules"), model_extent=False)
    doc = ruler(nlp("WFP warned of hunger, the U.N. humanitarian agency said. A UN agency and UN agencies help."))
    got = [(e.text, doc._.mention_kb.get(f"{e.start_char}:{e.end_char}")) for e in doc.ents]
    assert got == [("WFP", "Q204344"), ("U.N. humanitarian agency", "Q204344"), ("UN", "Q1065"), ("UN", "Q1065")]
    doc = ruler(nlp("The UN body (UNICEF) has expressed support."))
    assert [e.text for e in doc.ents] == ["UN body", "UNICEF"]
    assert doc._.mention_kb["4:11"] == doc._.mention_kb["13:19"]
    # possessive forms and other body nouns, in lower case only
    doc = ruler(nlp("UNICEF said so. The U.N.'s children's agency and the UN's disaster office agreed; "
                    "the UN's Office for Disasters did not."))
    assert [e.text for e in doc.ents][:3] == ["UNICEF", "U.N.'s children's agency", "UN's disaster office"]
    assert "UN's Office" not in [e.text for e in doc.ents]
    # a description's topic picks the body: among those named ("children's": UNICEF, not WHO named last), else the
    # one agency of that topic
    doc = ruler(nlp("UNICEF and WHO met. The UN children's agency said so."))
    kb = doc._.mention_kb
    ids = {e.text: kb.get(f"{e.start_char}:{e.end_char}") for e in doc.ents}
    assert ids["UN children's agency"] == ids["UNICEF"]
    doc = ruler(nlp("WHO met them. The UN migration body said so."))
    assert [doc._.mention_kb.get(f"{e.start_char}:{e.end_char}") for e in doc.ents] == ["Q7817", "un:iom"]
    # "the UN team" is a country team or a visiting team, not the UN as a whole: no description
    doc = ruler(nlp("UNICEF said so. The UN team agreed."))
    assert [e.text for e in doc.ents] == ["UNICEF", "UN"]


def test_a_name_matches_across_a_run_of_spaces_but_not_across_a_line_break():
    from spacy.matcher import PhraseMatcher
    from pipeline.nlp.entity_spans import match_spans
    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    matcher.add("body", [nlp.make_doc("United Nations Children's Fund")])
    doc = nlp("the United Nations  Children's Fund and the United Nations\n\nChildren's Fund")
    assert [doc[s:e].text for _, s, e in match_spans(doc, nlp.tokenizer, [matcher])] == [
        "United Nations  Children's Fund"]
