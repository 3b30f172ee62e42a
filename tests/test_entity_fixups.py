import spacy

from spacy.tokens import Doc, Span

from pipeline.nlp.data import default_data
from pipeline.nlp.entity_fixups import (Ent, balance_quotes, cut_at_verb, fix_entities, fixup_rules,
                                        government_mentions, kb_relabel, trim_edges)

nlp = spacy.blank("en")
# What build_nlp() gives the component: the default knowledge base and rule files of its config.
KB = default_data("entity_fixups", "kb")
R = fixup_rules(*(default_data("entity_fixups", s) for s in ("org_rules", "people_rules", "stoplist", "demonyms")))


def test_trim_edges_cuts_the_connectors_possessives_and_open_brackets():
    doc = nlp("the Ministry of Water of")
    assert trim_edges(doc, 0, len(doc)) == (1, 4)
    doc = nlp("Khan Bank’s")
    assert trim_edges(doc, 0, len(doc)) == (0, 2)
    doc = nlp("Agency for Water (AFW")
    assert trim_edges(doc, 0, len(doc)) == (0, 3)


def test_a_span_ends_before_a_lower_case_finite_verb():
    words = ["the", "Ruritanian", "government", "reinforced", "military", "operations", "and", "Heads", "Up", "works"]
    doc = Doc(nlp.vocab, words=words, tags=["DT", "JJ", "NN", "VBD", "JJ", "NNS", "CC", "NNP", "NNP", "VBZ"])
    assert cut_at_verb(doc, 1, 6) == (1, 3)   # and the connector before it goes too: cut at "reinforced"
    assert cut_at_verb(doc, 7, 9) == (7, 9)   # no verb inside
    doc = Doc(nlp.vocab, words=["Save", "Ruritania", "Fund"], tags=["VB", "NNP", "NNP"])
    assert cut_at_verb(doc, 0, 3) == (0, 3)   # a capitalised verb is the name's own word
    doc = Doc(nlp.vocab, words=["Ruritania", "Fund", "gives", "and", "works"], tags=["NNP", "NNP", "VBZ", "CC", "VBZ"])
    assert cut_at_verb(doc, 0, 5) == (0, 2)


def test_balance_quotes_closes_or_cuts():
    doc = nlp("the Union “Green Steppe” said")
    assert balance_quotes(doc, 1, 4) == (1, 6)
    doc = nlp("“Clean Rivers of Mongolia and more words here today now and later")
    s, e = balance_quotes(doc, 0, 4)
    assert (s, e) == (1, 4)


def _fixed(text: str, *spans) -> list[tuple[str, str]]:
    from spacy.tokens import Span
    doc = nlp(text)
    doc.ents = [Span(doc, a, b, label=label) for a, b, label in spans]
    return [(doc[e.start:e.end].text, e.label) for e in fix_entities(doc, R, KB)]


def test_unit_of_parent_chains_are_one_org():
    assert _fixed("the Committee on Water of the Ministry of Energy of Mongolia met",
                  (1, 4, "ORG"), (6, 9, "ORG"), (10, 11, "GPE")) == [
        ("Committee on Water of the Ministry of Energy of Mongolia", "ORG")]
    assert _fixed("the Ministry of Water and Energy of the Kyrgyz Republic met", (1, 4, "ORG"), (8, 10, "GPE")) == [
        ("Ministry of Water and Energy of the Kyrgyz Republic", "ORG")]


def test_representative_in_country_stays_two_entities():
    assert _fixed("the WFP Representative in Mongolia", (1, 2, "UN_AGENCY"), (4, 5, "GPE")) == [
        ("WFP", "UN_AGENCY"), ("Mongolia", "GPE")]


def test_kb_relabel_corrects_confident_errors():
    assert kb_relabel("Dushanbe", "ORG", KB) == ("GPE", "geonames:1221874")
    assert kb_relabel("WFP", "ORG", KB) == ("UN_AGENCY", "Q204344")
    assert kb_relabel("Aral Sea", "ORG", KB)[0] == "LOC"
    assert kb_relabel("Mongolia", "PERSON", KB) == ("GPE", "Q711")
    assert kb_relabel("Zarina Omarkulova", "ORG", KB) is None
    # a place keeps the model's kind (LOC or GPE) with the knowledge base's id
    assert kb_relabel("Dushanbe", "LOC", KB) == ("LOC", "geonames:1221874")


def test_pipeline_strips_titles_and_honorifics(ents_of):
    ents = ents_of("Deputy Prime Minister Dariga Sultanbekova met Ms. Aigerim Temirbekova in Dushanbe.")
    persons = [t for t, l in ents if l == "PERSON"]
    assert "Dariga Sultanbekova" in persons and "Aigerim Temirbekova" in persons


def test_pipeline_drops_non_entities(ents_of):
    ents = ents_of("The COVID-19 pandemic slowed the Sustainable Development Goals, Mongolia said.")
    texts = [t for t, _ in ents]
    assert "COVID-19" not in texts and "Sustainable Development Goals" not in texts


def test_pipeline_drops_named_programmes_and_quoted_titles(ents_of):
    ents = ents_of("Mongolia launched the “Blue Rivers for Steppe Towns” project with WFP.")
    assert not any("Blue Rivers" in t for t, _ in ents)
    assert ("WFP", "UN_AGENCY") in ents


def test_venues_are_locations(ents_of):
    ents = ents_of("The forum took place at the Khan Palace Hotel in Dushanbe.")
    assert any(l == "LOC" and t.endswith("Hotel") for t, l in ents)
    assert not any(l == "ORG" and t.endswith("Hotel") for t, l in ents)


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

WORDS = ["UNICEF", "WFP", "Mongolia", "Dushanbe", "the", "of", "Ministry", "Government", "Water", "said",
         "Zarina", "Omarkulova", ",", ".", "(", ")", "“", "”", "-", "Programme", "Ms.", "President",
         "Khatlon", "region", "UN", "Women", "in", "\u00a0", "\n", "COVID-19", "Glacier", "Service", "GS"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40))
def test_entities_stay_well_formed_on_any_text(entity_nlp, words):
    doc = entity_nlp(" ".join(words))
    ents = list(doc.ents)
    for a, b in zip(ents, ents[1:]):
        assert a.end <= b.start
    keys = {f"{e.start_char}:{e.end_char}" for e in ents}
    assert set(doc._.mention_sources or {}) <= keys
    assert set(doc._.mention_kb or {}) <= keys
    for e in ents:
        if e.label_ in ("UN_AGENCY", "ORG", "PERSON", "GPE", "LOC"):
            assert e.text.strip() == e.text and e.text


def test_head_word_decides_not_any_word(ents_of):
    ents = ents_of("She worked at the Security Policy Department of the Mongolian Ministry of Defence.")
    # one organization mention over the whole chain (its label is the trained model's call)
    assert [t for t, l in ents if l in ("ORG", "UN_AGENCY")] == [
        "Security Policy Department of the Mongolian Ministry of Defence"]


def test_kb_relabel_needs_the_kb_spelling():
    assert kb_relabel("DUSHANBE", "ORG", KB) == ("GPE", "geonames:1221874")
    assert kb_relabel("Wfp", "ORG", KB) is None
    assert kb_relabel("dushanbe", "ORG", KB) is None


def test_model_person_that_is_a_subdivision_becomes_a_place():
    from spacy.tokens import Span
    from pipeline.nlp.entity_fixups import fix_entities
    assert kb_relabel("Imereti", "PERSON", KB) == ("GPE", "iso3166-2:GE-IM")
    doc = nlp("Floods hit Imereti today .")
    doc.ents = [Span(doc, 2, 3, label="PERSON")]
    assert [(e.start, e.label, e.kb_id) for e in fix_entities(doc, R, KB)] == [(2, "GPE", "iso3166-2:GE-IM")]


def test_a_platform_the_gazetteer_also_lists_as_a_town_stays_an_org():
    from spacy.tokens import Span
    from pipeline.nlp.entity_fixups import fix_entities
    doc = nlp("Then Google joined .")          # GeoNames lists "Google" among names of a US city
    doc.ents = [Span(doc, 1, 2, label="ORG")]
    assert [(doc[e.start:e.end].text, e.label, e.kb_id) for e in fix_entities(doc, R, KB)] == [("Google", "ORG", None)]
    # the knowledge base alone would make it the town
    assert [e.label for e in fix_entities(doc, R, KB, off=frozenset({"media_names"}))] == ["GPE"]


def test_a_government_named_by_its_country_adjective_or_possessive_is_one_org():
    demonyms = R["demonyms"]
    doc = nlp("talks with the Ruritanian Federal Government and the Mexican government")
    got = government_mentions(doc, [], demonyms | {"ruritanian"})
    assert [doc[e.start:e.end].text for e in got] == ["Ruritanian Federal Government", "Mexican government"]
    words = ["Later", "Niger", "’s", "Government", "launched", "a", "plan"]
    doc = Doc(nlp.vocab, words=words, tags=["RB", "NNP", "POS", "NNP", "VBD", "DT", "NN"])
    got = government_mentions(doc, [Ent(1, 2, "GPE", "Q1032", "rule"), Ent(3, 4, "ORG")], demonyms)
    assert [(doc[e.start:e.end].text, e.label) for e in got] == [("Niger ’s Government", "ORG")]


def test_a_bare_capitalised_government_is_a_mention_but_a_modifier_or_lower_case_word_is_not():
    demonyms = R["demonyms"]
    doc = nlp("the Government agreed")
    assert [(doc[e.start:e.end].text, e.label) for e in government_mentions(doc, [], demonyms)] == [("Government", "ORG")]
    assert government_mentions(doc, [], demonyms, bare=False) == []      # the switch (bare_government)
    for text in ("the Mexican Government of the day", "Government officials came", "the government agreed"):
        doc = nlp(text)
        if text.startswith("Government officials"):
            doc[0].dep_ = "compound"
        assert government_mentions(doc, [], demonyms) == []


# Whole official names (name_chains). Hand-written sentences (example.org style
# test texts, not taken from any article): the entity spans are given, as the NER and rulers would set them.


def _texts(doc, ents):
    return [(doc[e.start:e.end].text, e.label) for e in ents]


def test_an_org_ending_in_a_unit_word_takes_its_whole_of_for_chain():
    from pipeline.nlp.entity_fixups import extend_name_chains
    doc = nlp("He met the Regional Bureau for Northern Ruritania and the Lakes of the Example Development "
              "Programme today .")
    ents = [Ent(3, 5, "UN_AGENCY", "Q1", "rule"), Ent(6, 8, "LOC", None, "rule"), Ent(10, 11, "LOC"),
            Ent(13, 16, "UN_AGENCY", "Q2", "rule")]
    got = extend_name_chains(doc, ents, R)
    assert _texts(doc, got) == [("Regional Bureau for Northern Ruritania and the Lakes of the Example Development "
                                 "Programme", "UN_AGENCY")]
    doc = nlp("the Ruritanian Society of Childcare and Pediatrics , with partners")
    got = extend_name_chains(doc, [Ent(1, 5, "ORG")], R | {"org_heads": R["org_heads"] | {"Society"}})
    assert _texts(doc, got) == [("Ruritanian Society of Childcare and Pediatrics", "ORG")]


def test_a_un_body_named_on_with_a_unit_word_and_a_un_office_in_a_place():
    from pipeline.nlp.entity_fixups import extend_name_chains
    doc = nlp("the United Nations High Commission for Refugees said")
    got = extend_name_chains(doc, [Ent(1, 3, "UN_AGENCY", "Q1065", "rule")], R, KB)
    assert [(doc[e.start:e.end].text, e.label) for e in got] == [("United Nations High Commission for Refugees",
                                                                  "UN_AGENCY")]
    assert got[0].kb_id != "Q1065"      # not the UN as a whole
    doc = nlp("the UNDP Pacific Office in Fiji reported , as did the Ministry of Health in Fiji")
    ents = [Ent(1, 2, "UN_AGENCY", "Q3", "rule"), Ent(5, 6, "GPE", None, "rule"), Ent(11, 14, "ORG"),
            Ent(15, 16, "GPE", None, "rule")]
    got = extend_name_chains(doc, ents, R, KB)
    assert _texts(doc, got) == [("UNDP Pacific Office in Fiji", "UN_AGENCY"), ("Ministry of Health", "ORG"),
                                ("Fiji", "GPE")]


def test_a_un_country_team_or_office_in_the_place_is_one_name():
    from pipeline.nlp.entity_fixups import extend_name_chains
    doc = nlp("the UN Country Team in Ruritania and the UNDP Country Office in the Lakes spoke , as did UNICEF in Ruritania")
    ents = [Ent(1, 4, "UN_AGENCY", "Q4", "rule"), Ent(5, 6, "GPE", None, "rule"), Ent(8, 11, "UN_AGENCY", "Q3"),
            Ent(13, 14, "LOC", None, "rule"), Ent(18, 19, "UN_AGENCY", "Q5", "rule"), Ent(20, 21, "GPE", None, "rule")]
    got = extend_name_chains(doc, ents, R, KB)
    assert _texts(doc, got) == [("UN Country Team in Ruritania", "UN_AGENCY"),
                                ("UNDP Country Office in the Lakes", "UN_AGENCY"), ("UNICEF", "UN_AGENCY"),
                                ("Ruritania", "GPE")]


def test_a_mission_accredited_to_a_body_is_one_national_name():
    from pipeline.nlp.entity_fixups import extend_name_chains
    doc = nlp("the Permanent Mission of Ruritania to the United Nations said")
    ents = [Ent(1, 5, "ORG"), Ent(7, 9, "UN_AGENCY", "Q1065", "rule")]
    got = extend_name_chains(doc, ents, R, KB)
    assert _texts(doc, got) == [("Permanent Mission of Ruritania to the United Nations", "ORG")]
    assert got[0].kb_id != "Q1065"      # the country's mission, not the UN
    # "to" joins nothing else: a gift of a government to a UN body names two bodies
    doc = nlp("a gift of the Government of Ruritania to the United Nations")
    ents = [Ent(4, 7, "ORG"), Ent(9, 11, "UN_AGENCY", "Q1065", "rule")]
    assert _texts(doc, extend_name_chains(doc, ents, R, KB)) == [("Government of Ruritania", "ORG"),
                                                                 ("United Nations", "UN_AGENCY")]


def test_a_chain_stops_at_a_second_organization_a_person_or_a_lower_case_word():
    from pipeline.nlp.entity_fixups import extend_name_chains
    doc = nlp("the Department of Water and the Example Health Service met")
    ents = [Ent(1, 4, "ORG"), Ent(6, 9, "ORG")]
    assert _texts(doc, extend_name_chains(doc, ents, R)) == [("Department of Water", "ORG"),
                                                             ("Example Health Service", "ORG")]
    doc = nlp("the Committee for the Committee on Examples spoke")
    ents = [Ent(1, 2, "ORG"), Ent(4, 7, "UN_AGENCY", None, "rule")]
    assert _texts(doc, extend_name_chains(doc, ents, R)) == [("Committee", "ORG"),
                                                             ("Committee on Examples", "UN_AGENCY")]
    doc = nlp("the Agency for rural roads")
    assert _texts(doc, extend_name_chains(doc, [Ent(1, 2, "ORG")], R)) == [("Agency", "ORG")]


def test_name_chains_are_switchable():
    from spacy.tokens import Span
    from pipeline.nlp.entity_fixups import HEURISTICS, fix_entities
    assert "name_chains" in HEURISTICS
    doc = nlp("He met the Regional Bureau for Northern Ruritania and the Lakes of the Example Development "
              "Programme today .")
    doc.ents = [Span(doc, 3, 5, label="ORG"), Span(doc, 6, 8, label="LOC"), Span(doc, 10, 11, label="LOC"),
                Span(doc, 13, 16, label="ORG")]
    on = [doc[e.start:e.end].text for e in fix_entities(doc, R, KB)]
    off = [doc[e.start:e.end].text for e in fix_entities(doc, R, KB, off=frozenset({"name_chains"}))]
    assert on == ["Regional Bureau for Northern Ruritania and the Lakes of the Example Development Programme"]
    assert len(off) > 1

def test_a_nationality_is_no_entity_but_a_country_of_the_same_name_is():
    from spacy.tokens import Span
    from pipeline.nlp.entity_fixups import fix_entities
    doc = nlp("The Dutch and the Tajiks met in Jersey .")
    doc.ents = [Span(doc, 1, 2, label="GPE"), Span(doc, 4, 5, label="GPE"), Span(doc, 7, 8, label="GPE")]
    assert [doc[e.start:e.end].text for e in fix_entities(doc, R, KB)] == ["Jersey"]
    kept = fix_entities(doc, R, KB, off=frozenset({"nationalities"}))
    assert [doc[e.start:e.end].text for e in kept] == ["Dutch", "Tajiks", "Jersey"]


def test_storm_names_and_their_local_names_are_no_entities():
    from spacy.tokens import Span
    from pipeline.nlp.entity_fixups import fix_entities, storm_name_tokens
    # written for this test: a made-up season with made-up storm names
    doc = nlp("Typhoons Rumba (Mila), Kong-ro (Tess) and Sabo hit Ruritania, then Storm Edda reached Lakeland .")
    storms = {doc[i].text for i in storm_name_tokens(doc, R["storm_words"])}
    assert {"Typhoons", "Rumba", "Mila", "Kong", "ro", "Tess", "Sabo", "Storm", "Edda"} <= storms
    assert not storms & {"hit", "Ruritania", "then", "reached", "Lakeland"}
    doc.ents = [Span(doc, 3, 4, label="PERSON"), Span(doc, 6, 9, label="GPE"), Span(doc, 13, 14, label="GPE"),
                Span(doc, 15, 16, label="GPE"), Span(doc, 19, 20, label="ORG"), Span(doc, 21, 22, label="GPE")]
    assert [doc[e.start:e.end].text for e in fix_entities(doc, R, KB)] == ["Ruritania", "Lakeland"]
    assert len(fix_entities(doc, R, KB, off=frozenset({"storm_names"}))) == 6


def test_a_singular_storm_word_takes_one_name_not_the_places_after_it():
    from pipeline.nlp.entity_fixups import storm_name_tokens
    doc = nlp("Cyclone Ona, Ruritania and Lakeland ; Storm Ona Ruritania ; the storm hit Lakeland .")
    assert [doc[i].text for i in sorted(storm_name_tokens(doc, R["storm_words"]))] == ["Cyclone", "Ona", "Storm", "Ona"]


def test_a_storm_name_past_its_abbreviation_by_its_local_name_and_named_again_is_no_entity():
    from pipeline.nlp.entity_fixups import storm_name_tokens
    # written for this test: made-up storms
    doc = nlp("Tropical Cyclone (TC) Ona hit Lakeland . Since TC Ona , Typhoon Rumba ( known locally as Mila ) "
              "came . Rumba and Mila Dorn met ; Ona Smith spoke .")
    storms = {(doc[i].text, i) for i in storm_name_tokens(doc, R["storm_words"])}
    words = [w for w, _ in sorted(storms, key=lambda x: x[1])]
    assert words.count("Ona") == 3 and words.count("Rumba") == 2 and words.count("Mila") == 2
    # a later mention covers only the name's own words: "Mila Dorn" and "Ona Smith" stay whole-name candidates
    assert not set(words) & {"Lakeland", "Since", "came", "Dorn", "Smith"}


def test_a_place_after_on_is_where_an_office_stands_not_its_subject():
    got = _fixed("She was received at the Foreign Ministry on Capitol Hill today",
                 (5, 7, "ORG"), (8, 10, "LOC"))
    assert ("Foreign Ministry", "ORG") in got and not any("Capitol" in t and "Ministry" in t for t, _ in got)
    assert _fixed("the Committee on Water Resources of the Ministry met", (1, 2, "ORG"))[0] == \
        ("Committee on Water Resources of the Ministry", "ORG")


def test_an_apposition_after_a_comma_is_no_part_of_the_name():
    got = _fixed("held at the Ministry of National Development, the Ministry responsible for it", (3, 7, "ORG"))
    assert got == [("Ministry of National Development", "ORG")]


def test_a_number_sign_ends_no_name():
    doc = nlp("the Cabinet of Ministers of Ruritania No. 371 dated")
    assert trim_edges(doc, 1, 7) == (1, 6)
    doc = nlp("the Cabinet of Ministers of Ruritania No")
    assert trim_edges(doc, 1, 7) == (1, 7)


def test_roles_read_the_one_honorific_list_less_pronouns_and_ranks():
    from pipeline.nlp.roles import default_lexicon
    lex = default_lexicon()
    assert {"shaikh", "mr.", "alhaji", "hrh"} <= lex.honorifics
    assert not {"he", "his", "her", "professor"} & lex.honorifics


def test_names_written_with_an_apostrophe_or_periods_are_names():
    assert _fixed("The ship reached Nuku'alofa on Monday", (3, 4, "GPE")) == [("Nuku'alofa", "GPE")]
    assert _fixed("They flew to N’Djamena today", (3, 4, "GPE")) == [("N’Djamena", "GPE")]
    assert _fixed("the P&D Board met", (1, 3, "PERSON")) == []     # a symbol and a generic word name no one


def test_a_government_that_owns_a_post_is_a_mention():
    doc = nlp("Government spokesperson Jane Roe denied it")
    doc[0].dep_ = "compound"
    got = government_mentions(doc, [], R["demonyms"], posts=R["posts"])
    assert [(doc[e.start:e.end].text, e.label) for e in got] == [("Government", "ORG")]
    assert government_mentions(doc, [], R["demonyms"]) == []     # without the posts it is a modifier


def test_the_outlet_credited_in_a_dateline_or_a_source_line_is_an_org():
    # written text (example only): the outlet's name is no known body, the model called it nothing or a place
    assert _fixed("DILI, 10 march 2023 ( TATOLI ) - The agency said", (0, 1, "GPE"), (6, 7, "GPE")) == [
        ("DILI", "GPE"), ("TATOLI", "ORG")]
    assert _fixed("KATHMANDU, May 4 / Valley Wire / - More aid", (0, 1, "GPE")) == [("KATHMANDU", "GPE"),
                                                                                  ("Valley Wire", "ORG")]
    assert _fixed("Aid arrived.\nSource: Daily Ruritanian\n", (6, 8, "PERSON")) == [("Daily Ruritanian", "ORG")]
    # not a dateline (no place opens the line), a date or a place in the brackets, a lower-case word
    assert _fixed("The report ( Green Ledger ) - said", ) == []
    assert _fixed("NEW YORK ( August 28 ) - The UN", (0, 2, "GPE")) == [("NEW YORK", "GPE")]
    assert _fixed("He met ministers in Rome today ( Green Ledger ) - they", (4, 5, "GPE")) == [("Rome", "GPE")]
    assert _fixed("DILI ( TATOLI ) - The agency said", (0, 1, "GPE"), (2, 3, "GPE")) != [("DILI", "GPE"), ("TATOLI", "GPE")]


def test_an_editors_mark_in_capitals_credits_no_outlet():
    from spacy.tokens import Span
    from pipeline.nlp.deep_places import common_name_test
    from pipeline.nlp.entity_fixups import credit_names
    doc = nlp("MANILA ( UPDATED ) - The agency said")
    ents = [Ent(0, 1, "GPE")]
    common = common_name_test(default_data("deep_place_finder", "rules")["max_word_zipf"])
    assert credit_names(doc, ents, common) == ents
    doc = nlp("MANILA ( TATOLI ) - The agency said")
    assert [(doc[e.start:e.end].text, e.label) for e in credit_names(doc, ents, common)] == [
        ("MANILA", "GPE"), ("TATOLI", "ORG")]


def test_a_compass_word_in_lower_case_joins_a_region_but_not_a_country():
    from pipeline.nlp.entity_fixups import directed_regions

    doc = nlp("Aid reached southern Africa and northern Mali.")
    ents = [Ent(3, 4, "LOC", "Q15"), Ent(6, 7, "GPE", "Q912")]
    assert [(doc[e.start:e.end].text, e.label, e.kb_id) for e in directed_regions(doc, ents)] == [
        ("southern Africa", "LOC", None), ("Mali", "GPE", "Q912")]   # "southern Africa" is not Africa's id


def test_a_place_or_person_ending_in_an_institution_head_is_the_institution():
    # written for this test: made-up names
    assert _fixed("He visited the Lakeland State Agrarian University today", (3, 7, "GPE")) == [
        ("Lakeland State Agrarian University", "ORG")]
    assert _fixed("students of the Ona Dorn School met", (3, 6, "PERSON")) == [("Ona Dorn School", "ORG")]
    assert _fixed("at the Tamo Health Centre in Lakeland", (2, 5, "LOC"), (6, 7, "GPE")) == [
        ("Tamo Health Centre", "ORG"), ("Lakeland", "GPE")]
    # the head alone, or a head word inside the name, changes nothing
    assert _fixed("the University Lakeland campus", (1, 3, "GPE")) == [("University Lakeland", "GPE")]
    from spacy.tokens import Span
    doc = nlp("He visited the Lakeland State Agrarian University today")
    doc.ents = [Span(doc, 3, 7, label="GPE")]
    off = frozenset({"institution_names"})
    assert [e.label for e in fix_entities(doc, R, KB, off=off)] == ["GPE"]


def test_a_person_right_after_a_locative_is_a_place_unless_possessive():
    # written for this test: made-up names
    assert _fixed("She got sick at Goma Tello last week", (4, 6, "PERSON")) == [("Goma Tello", "GPE")]
    assert _fixed("camps in Ona Dorn were full", (2, 4, "PERSON")) == [("Ona Dorn", "GPE")]
    assert _fixed("confidence in Ona Dorn 's work", (2, 4, "PERSON")) == [("Ona Dorn", "PERSON")]
    assert _fixed("a message from Ona Dorn today", (3, 5, "PERSON")) == [("Ona Dorn", "PERSON")]
    # "of" closing a post puts a place after it, not another person
    assert _fixed("the Deputy Mayor of Goma Tello said", (4, 6, "PERSON")) == [("Goma Tello", "GPE")]
    assert _fixed("the words of Ona Dorn were clear", (3, 5, "PERSON")) == [("Ona Dorn", "PERSON")]
    from spacy.tokens import Span
    doc = nlp("She got sick at Goma Tello last week")
    doc.ents = [Span(doc, 4, 6, label="PERSON")]
    assert [e.label for e in fix_entities(doc, R, KB, off=frozenset({"place_slot_persons"}))] == ["PERSON"]


def test_a_name_right_after_a_news_medium_noun_is_that_medium():
    # written for this test: made-up media
    assert _fixed("the newspaper Lumo reported on Thursday", (2, 3, "PERSON")) == [("Lumo", "ORG")]
    assert _fixed("the French newspaper Le Soir said", (3, 5, "GPE")) == [("Le Soir", "ORG")]
    # a UN body or an organization after "agency" keeps its label; so does a capitalised noun's name
    assert _fixed("the UN agency UNHCR said", (1, 2, "UN_AGENCY"), (3, 4, "UN_AGENCY")) == [
        ("UN", "UN_AGENCY"), ("UNHCR", "UN_AGENCY")]
    assert _fixed("Radio Lumo said", (1, 2, "PERSON")) == [("Lumo", "PERSON")]


def test_a_person_span_loses_leading_honorifics_and_titles_where_two_words_stay():
    # written for this test: made-up names
    assert _fixed("District Magistrate Shri Ona Dorn said", (2, 5, "PERSON")) == [("Ona Dorn", "PERSON")]
    assert _fixed("Prime Minister Sheikh Mila said", (2, 4, "PERSON")) == [("Sheikh Mila", "PERSON")]


def test_regions_joined_after_for_are_one_scope_but_countries_and_modified_places_stay_apart():
    # written for this test
    got = _fixed("the Regional Director for Europe and Central Asia , Ona Dorn , said", (4, 5, "LOC"), (6, 8, "LOC"))
    assert got == [("Europe and Central Asia", "LOC")]
    assert _fixed("the Director for Kenya and Uganda said", (3, 4, "GPE"), (5, 6, "GPE")) == [
        ("Kenya", "GPE"), ("Uganda", "GPE")]
    from spacy.tokens import Span
    doc = nlp("food meant for Kakuma and Dadaab camps")
    doc[6].pos_ = "NOUN"     # the tagger's reading: the places modify "camps"
    doc.ents = [Span(doc, 3, 4, label="LOC"), Span(doc, 5, 6, label="LOC")]
    assert [doc[e.start:e.end].text for e in fix_entities(doc, R, KB)][:2] == ["Kakuma", "Dadaab"]
