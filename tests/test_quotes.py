"""Attributed quotes on hand-written sentences; entities are given by hand so the rules are tested alone."""
from __future__ import annotations

import pytest
import spacy

from pipeline.nlp import quotes as Q
from pipeline.nlp.quotes import find_quotes, find_quote_spans, mark_role
from conftest import char_ents, make_doc, tagged
from pipeline.nlp.roles import find_roles, words_of


ents_of = char_ents


def quotes_of(text: str, *spec, with_roles: bool = False) -> list[tuple]:
    ents = ents_of(text, *spec)
    roles = find_roles(make_doc(text), ents) if with_roles else []
    out = []
    for q in find_quotes(make_doc(text), ents, roles):
        assert text[q["start_char"]:q["end_char"]].startswith(q["text"].split("\n")[0])
        speaker = text[q["speaker_start"]:q["speaker_end"]] if q["speaker_start"] is not None else None
        out.append((q["text"], speaker, q["cue"]))
    return out


def test_quote_then_said_name_title():
    text = "“We will keep working with the schools,” said Lena Marsh, UNICEF Representative in Ruritania."
    assert quotes_of(text, ("Lena Marsh", "PERSON"), ("UNICEF", "UN_AGENCY"), ("Ruritania", "GPE")) == [
        ("We will keep working with the schools", "Lena Marsh", "said")]


def test_name_said_colon_quote():
    text = "Tom Hale said: “The new law protects every child in the country.”"
    assert quotes_of(text, ("Tom Hale", "PERSON")) == [
        ("The new law protects every child in the country.", "Tom Hale", "said")]


def test_name_title_colon_quote_without_a_verb():
    text = "Ivo Stan, Minister of Health: “Our clinics are open to everyone from today.”"
    assert quotes_of(text, ("Ivo Stan", "PERSON")) == [
        ("Our clinics are open to everyone from today.", "Ivo Stan", None)]


def test_quote_name_title_said():
    text = "“The harvest was better than expected”, Rosa Ng, the director of the farm, said on Monday."
    assert quotes_of(text, ("Rosa Ng", "PERSON")) == [
        ("The harvest was better than expected", "Rosa Ng", "said")]


def test_quote_continuing_after_its_cue():
    text = ("“All samples were checked in the laboratory,” explained Omar Lutz, lab evaluator. "
            "“A full report will be shared with the ministry soon.”")
    assert quotes_of(text, ("Omar Lutz", "PERSON")) == [
        ("All samples were checked in the laboratory", "Omar Lutz", "explained"),
        ("A full report will be shared with the ministry soon.", "Omar Lutz", "explained")]


def test_short_continuation_after_a_cue_in_the_same_paragraph():
    text = "“We need more funds,” said Kira Solt. “It is urgent.”"
    assert quotes_of(text, ("Kira Solt", "PERSON")) == [
        ("We need more funds", "Kira Solt", "said"), ("It is urgent.", "Kira Solt", "said")]


def test_quote_over_several_paragraphs_is_one_quote_per_paragraph_with_the_whole_attribution():
    # guidelines: a continuation paragraph starts a new quote
    text = ("Intro paragraph.\n“The first part of the statement is here.\n"
            "“The second part follows in a new paragraph,” said Ema Roth.\nNext paragraph.")
    got = quotes_of(text, ("Ema Roth", "PERSON"))
    assert got == [("The first part of the statement is here.", "Ema Roth", "said"),
                   ("The second part follows in a new paragraph", "Ema Roth", "said")]


def test_straight_quotes_and_mixed_marks():
    text = ('"Water is life for our villages," said Noor Vale.\n'
            '«Our region has supported the plan from the start,”   stated Deputy Chair Ari Moss.')
    assert quotes_of(text, ("Noor Vale", "PERSON"), ("Ari Moss", "PERSON")) == [
        ("Water is life for our villages", "Noor Vale", "said"),
        ("Our region has supported the plan from the start", "Ari Moss", "stated")]


def test_nested_quote_with_a_backwards_mark_stays_inside():
    text = "“Millions still live as ”invisible” people without papers,” said Dana Wolf."
    assert quotes_of(text, ("Dana Wolf", "PERSON")) == [
        ("Millions still live as ”invisible” people without papers", "Dana Wolf", "said")]


def test_according_to():
    text = 'According to Bo Lind, UNHCR Representative, "the return of families is a priority for all."'
    assert quotes_of(text, ("Bo Lind", "PERSON"), ("UNHCR", "UN_AGENCY")) == [
        ("the return of families is a priority for all.", "Bo Lind", "According to")]


def test_pronoun_resolves_to_the_person_last_named():
    text = ("Lena Marsh, Representative of the Fund, said: “I am glad to see this progress.”\n"
            "She added: “Everyone is invited to register by June.”")
    got = quotes_of(text, ("Lena Marsh", "PERSON"))
    assert [g[1] for g in got] == ["Lena Marsh", "Lena Marsh"]
    assert got[1][2] == "added"


def test_pronoun_skips_names_inside_quotations_and_the_wrong_gender():
    text = ("Ms. Lena Marsh met Mr. Tom Hale.\n"
            "“We thank Pavel Ostrov for his work,” she said.")
    got = quotes_of(text, ("Lena Marsh", "PERSON"), ("Tom Hale", "PERSON"), ("Pavel Ostrov", "PERSON"))
    assert got == [("We thank Pavel Ostrov for his work", "Lena Marsh", "said")]


def test_gender_from_honorifics_read_as_tokens():
    # "Mme." is two tokens for spaCy, "Her Excellency" two words; a later mention by surname ("Hale's") keeps it
    text = ("Tom Wells met Her Excellency Lena Marsh and Mme. Dora Hale.\n"
            "Hale's team arrived. “We will keep the schools open,” he said.")
    got = quotes_of(text, ("Tom Wells", "PERSON"), ("Lena Marsh", "PERSON"), ("Dora Hale", "PERSON"), ("Hale", "PERSON", 1))
    assert got == [("We will keep the schools open", "Tom Wells", "said")]


def test_organisation_speaks_when_no_person_is_named():
    text = "“Funding for the programme is secured until next year,” UNICEF said in a statement."
    assert quotes_of(text, ("UNICEF", "UN_AGENCY")) == [
        ("Funding for the programme is secured until next year", "UNICEF", "said")]


def test_short_fragments_of_reported_speech():
    text = ("Speaking in Geneva, Anna Berg said the agency follows the situation “very closely.”\n"
            "She called on the authorities to have the service “fully restored.”")
    got = quotes_of(text, ("Geneva", "GPE"), ("Anna Berg", "PERSON"))
    assert got == [("very closely.", "Anna Berg", "said"), ("fully restored.", "Anna Berg", "called on")]


def test_long_unattributed_quotation_has_no_speaker():
    text = ("The target for this year reads: “Substantially reduce the number of people affected by "
            "disasters in every region by 2030”.")
    assert quotes_of(text) == [("Substantially reduce the number of people affected by disasters in every "
                                "region by 2030", None, None)]


def test_unattributed_quotation_goes_to_the_last_speaker_of_the_article():
    text = ("“The camps are full,” said Lena Marsh, the agency's representative.\n"
            "Tom Hale of the ministry visited the site on Monday.\n"
            "“We will need more tents and more water before the rains come back in the spring.”")
    got = quotes_of(text, ("Lena Marsh", "PERSON"), ("Tom Hale", "PERSON"))
    assert [(t[:13], s) for t, s, _ in got] == [("The camps are", "Lena Marsh"), ("We will need ", "Lena Marsh")]


def test_unattributed_quotation_with_no_earlier_quote_goes_to_the_last_person_named():
    text = ("Tom Hale visited the flooded district on Monday.\n"
            "“We will need more tents and more water before the rains come back in the spring.”")
    got = quotes_of(text, ("Tom Hale", "PERSON"))
    assert [s for _, s, _ in got] == ["Tom Hale"]


def test_a_verb_the_cue_list_lacks_attributes_when_the_tagger_says_verb_and_a_person_follows():
    text = "“The road to recovery will be long”, mused Ms. Lena Marsh. The town “Green Hill” grew."
    ents = ents_of(text, ("Lena Marsh", "PERSON"))
    assert [q["speaker_start"] for q in find_quotes(make_doc(text), ents)] == []
    got = find_quotes(tagged(make_doc(text), "VERB", "mused", "grew"), ents)
    assert [(q["text"], text[q["speaker_start"]:q["speaker_end"]], q["cue"]) for q in got] == [
        ("The road to recovery will be long", "Lena Marsh", "mused")]


@pytest.mark.parametrize("text,spec", [
    ("The office launched the “Green Steppe” project in May.", []),
    ("The office launched a “Call for good ideas on digital farming in the region” in May.", []),
    ("UN Women brings people together in the campaign: “Equal Voices”.", [("UN Women", "UN_AGENCY")]),
    ('Entitled "Experience of the region in applying digital tools to public services," the event '
     'was held in March.', []),
    ("This year we join forces under the theme “My voice, our equal future.”", []),
    ("Participants should complete the phrase: \"Safety starts with all of us ...\"", []),
    ("The regional repository “Act for Equal”, a platform, was launched.", []),
    ("Tom Hale presented the “Family for Every Child” programme.", [("Tom Hale", "PERSON")]),
    ("The partners defined future “outcomes” of the framework.", []),
])
def test_names_titles_and_slogans_are_not_quotes(text, spec):
    assert quotes_of(text, *spec) == []


def test_mark_roles_follow_position_before_glyph():
    text = "a ”word” here"
    assert mark_role(text, 2) == "open"
    assert mark_role(text, 7) == "close"
    assert mark_role('x "y" z', 2) == "open"
    assert mark_role('x "y" z', 4) == "close"


def test_title_like():
    qlex = Q.default_quote_lexicon()

    def title_like(text: str) -> bool:
        return Q.is_title_like(Q.quote_words(words_of(make_doc(text)), Q.QuoteSpan([(0, len(text))])), qlex)

    assert title_like("Forest Restoration for the Sustainable Future")
    assert title_like("#endviolence and #protect")   # hashtags count as capitalised
    assert not title_like("We are ready to support these efforts, aren't we?")
    assert title_like("the Global Goals for Sustainable Development")
    assert not title_like("the spirit of the UN Sustainable Development Goals")   # headed by a common noun


def test_component_writes_the_contract_keys():
    nlp = spacy.blank("en")
    nlp.add_pipe("role_extractor")
    nlp.add_pipe("quote_extractor")
    doc = nlp.make_doc("“We will build more schools,” said Lena Marsh.")
    start = doc.text.index("Lena")
    doc.ents = [doc.char_span(start, start + len("Lena Marsh"), label="PERSON")]
    for name in ("role_extractor", "quote_extractor"):
        doc = nlp.get_pipe(name)(doc)
    assert len(doc._.quotes) == 1
    q = doc._.quotes[0]
    assert set(q) == {"text", "speaker_start", "speaker_end", "cue", "start_char", "end_char"}
    assert (q["text"], doc.text[q["speaker_start"]:q["speaker_end"]], q["cue"]) == (
        "We will build more schools", "Lena Marsh", "said")
    assert doc.text[q["start_char"]:q["end_char"]] == q["text"]


def test_find_quote_spans_skips_unmatched_closers():
    spans = find_quote_spans("He is 6” tall. “Yes,” she said.")
    assert len(spans) == 1
    assert spans[0].segments and "Yes" in "He is 6” tall. “Yes,” she said."[spans[0].start:spans[0].end]



def test_according_to_a_pronoun():
    text = ("Mr. Ken Abe stressed the importance of cooperation. According to him, “cooperation between the "
            "five countries is the key.”")
    assert quotes_of(text, ("Ken Abe", "PERSON")) == [
        ("cooperation between the five countries is the key.", "Ken Abe", "According to")]


def test_lower_case_fragment_after_a_naming_word_is_still_speech():
    text = "Ola Berg noted that the project “will benefit more than 200,000 farmers”."
    assert quotes_of(text, ("Ola Berg", "PERSON")) == [
        ("will benefit more than 200,000 farmers", "Ola Berg", "noted")]


def test_cue_without_a_named_speaker_keeps_the_quote_without_speaker():
    text = ('"The numbers speak for themselves," the report\'s authors wrote.\n'
            "Officials said: “The border stays open for trade.”")
    assert quotes_of(text) == [("The numbers speak for themselves", None, "wrote"),
                               ("The border stays open for trade.", None, "said")]


def test_a_new_sentence_after_the_closing_mark_is_no_attribution():
    text = 'Participants complete the sentence: "Safety starts with ..." Then, say your name and city.'
    assert quotes_of(text) == []


def test_colon_form_takes_the_tagged_verb_as_cue():
    text = ("The Regional Representative Ms. Dana Wolf congratulated the new citizens:\n"
            "“Your new passport is more than a document.”")
    ents = ents_of(text, ("Dana Wolf", "PERSON"))
    got = find_quotes(tagged(make_doc(text), "VERB", "congratulated"), ents)
    assert [(q["text"], text[q["speaker_start"]:q["speaker_end"]], q["cue"]) for q in got] == [
        ("Your new passport is more than a document.", "Dana Wolf", "congratulated")]
    assert find_quotes(make_doc(text), ents)[0]["cue"] is None


def test_said_by_an_unnamed_subject_goes_to_the_person_the_paragraph_just_named():
    from pipeline.nlp.quotes import find_quotes
    from pipeline.nlp.roles import Ent

    text = ("Jane Roe visited the camp on Monday and met families. "
            "“We are confronted with a tough reality,” the official said.")
    ents = [Ent(0, 8, "PERSON")]
    (q,) = find_quotes(make_doc(text), ents)
    assert (q["speaker_start"], q["speaker_end"]) == (0, 8)
    # a person named only inside another quotation is not the speaker
    text2 = "“Jane Roe is here,” a guard said. “We are confronted with a tough reality,” the official said."
    quotes = find_quotes(make_doc(text2), [Ent(1, 9, "PERSON")])
    assert [q["speaker_start"] for q in quotes] == [None, None]


# The whole pipeline: these speakers need the parse, the roles or the knowledge-base ids.


@pytest.fixture(scope="module")
def full_nlp():
    from pipeline.nlp.build import build_nlp

    return build_nlp()


def test_two_single_marks_written_for_a_double_one_open_and_close_a_quote():
    text = ("Lena Marsh spoke first. Omar Vale answered her.\n\n"
            "\u201cOnly 35 cases led to a conviction, a staggering rate,\u2019\u2019 Marsh said. "
            "\u2018\u2018We will act,\u2019\u2019 Vale said.")
    assert quotes_of(text, ("Lena Marsh", "PERSON"), ("Omar Vale", "PERSON"), ("Marsh", "PERSON", 1),
                     ("Vale", "PERSON", 1)) == [("Only 35 cases led to a conviction, a staggering rate", "Marsh", "said"),
                                                ("We will act", "Vale", "said")]


def test_two_straight_apostrophes_written_for_a_double_mark_open_and_close_a_quote():
    text = ("Omar Vale spoke on the boys' day.\n\n"
            "''The water has entered the districts,'' said Omar Vale, the director.")
    assert quotes_of(text, ("Omar Vale", "PERSON"), ("Omar Vale", "PERSON", 1)) == [
        ("The water has entered the districts", "Omar Vale", "said")]


def test_a_quotation_in_single_curly_marks_is_a_quote_and_an_apostrophe_closes_nothing():
    # written for this test: made-up names
    text = ("According to the district administrator, Omar Vale, \u2018the money is being made available in phases "
            "to the district.\u2019\nThe parents\u2019 union and the children\u2019s \u2018future\u2019 were discussed.")
    assert quotes_of(text, ("Omar Vale", "PERSON")) == [
        ("the money is being made available in phases to the district.", "Omar Vale", "According to")]
    assert [q[0] for q in quotes_of(text.replace("\u2018the", "the"), ("Omar Vale", "PERSON"))] == []


def test_a_fragment_after_clarified_that_is_the_subject_s_speech():
    # written for this test: made-up name
    text = "Omar Vale clarified that the flow has \u201cstabilized\u201d and that no new camps are needed."
    assert quotes_of(text, ("Omar Vale", "PERSON"))[0][:2] == ("stabilized", "Omar Vale")


def speakers_in(doc) -> list[str | None]:
    return [doc.text[q["speaker_start"]:q["speaker_end"]] if q["speaker_start"] is not None else None
            for q in doc._.quotes]


def test_the_subject_of_the_speech_verb_wins_over_an_organization_in_a_reported_clause(full_nlp):
    text = ('Richard Ragan, the representative for Yemen, remarked, "We are confronted with a tough reality," '
            'adding that the UN agency was "fully cognizant of the suffering these cuts will cause."')
    assert speakers_in(full_nlp(text)) == ["Richard Ragan", "Richard Ragan"]


def test_a_title_as_subject_is_the_person_given_that_title_or_a_post_at_that_body(full_nlp):
    text = ("UNICEF Executive Director Henrietta Fore visited Beira. Meanwhile, thousands remain in camps.\n\n"
            "“We need to help children and families survive,” stressed the UNICEF chief.")
    assert speakers_in(full_nlp(text)) == ["Henrietta Fore"]


def test_a_title_after_a_quote_of_two_sentences_is_the_person_given_it_its_head_a_conjunct(full_nlp):
    text = ("In Rura the Resident and Humanitarian Coordinator Omar Vale visited the camp. Thousands live there.\n\n"
            "“Then we start another phase. It will take years” added the UN Resident and Humanitarian Coordinator "
            "in Rura.")
    assert speakers_in(full_nlp(text)) == ["Omar Vale"]


def test_a_straight_mark_after_a_space_closes_before_a_comma():
    text = ('Minister Teodor Vasko welcomed him. "Ruritania is known for its rivers and its forests ", stated '
            'Lena Marsh at a press conference.')
    assert mark_role(text, text.index('s ",') + 2) == "close"
    assert mark_role('He read "...the rest" aloud', 8) == "open"      # an ellipsis after an opening mark
    assert quotes_of(text, ("Teodor Vasko", "PERSON"), ("Ruritania", "GPE"), ("Lena Marsh", "PERSON")) == [
        ("Ruritania is known for its rivers and its forests", "Lena Marsh", "stated")]


def test_a_name_used_as_a_modifier_is_not_who_he_refers_to():
    """Written for the test: the NER here calls the group a person, as the small model did on a real text."""
    from pipeline.nlp.build import build_nlp

    nlp = build_nlp(components=("quotes",))
    text = ("Tomas Reyval told the council that the army is fighting Zarkhan fighters on many fronts. "
            "“We condemn these attacks,” he said.")
    doc = nlp(text)
    doc.ents = [doc.char_span(0, 12, label="PERSON"), doc.char_span(text.index("Zarkhan"), text.index("Zarkhan") + 7,
                                                                     label="PERSON")]
    assert doc[doc.ents[1].end - 1].dep_ == "compound"     # the parse this test relies on
    doc = nlp.get_pipe("quotes")(doc)
    [quote] = doc._.quotes
    assert text[quote["speaker_start"]:quote["speaker_end"]] == "Tomas Reyval"


def test_a_title_speaker_finds_the_post_at_the_same_body_by_its_knowledge_base_id(full_nlp):
    """Written for the test: "the UN chief" is the person whose role is at the United Nations."""
    doc = full_nlp("Lena Marsh, Secretary-General of the United Nations, opened the summit in Veloria. "
                   "The UN chief stated that “the way out of this crisis is paved by renewables.”")
    assert ("Lena Marsh", "PERSON") in {(e.text, e.label_) for e in doc.ents}
    assert speakers_in(doc) == ["Lena Marsh"]


def test_a_title_speaker_at_a_body_finds_the_person_given_that_title_at_no_body(full_nlp):
    """Written for the test: "the UN spokesperson" is the person titled spokesperson, though the title named no body."""
    doc = full_nlp("At the briefing in Veloria, Lena Marsh, Spokesperson for the Secretary-General, said roads were cut.\n\n"
                   "“This has an impact on children,” said the UN spokesperson.")
    assert speakers_in(doc) == ["Lena Marsh"]


def test_the_un_agency_as_speaker_is_the_agency_last_named(full_nlp):
    """Written for the test; the second speaker is the UN itself, no body is described. "The UN agency" is a
    mention of the body last named (the entity step gives it WFP's id), so the quote is WFP's."""
    doc = full_nlp("WFP said the aid must reach the camps before the rains. Most refugees arrive in Veloria with "
                   "“horrific tales of violence”, the UN agency reported. “We cannot wait,” the UN said.")
    assert speakers_in(doc) == ["UN agency", "UN"]
    ids = [doc._.mention_kb.get(f"{q['speaker_start']}:{q['speaker_end']}") for q in doc._.quotes]
    wfp = doc.text.index("WFP")
    assert ids == [doc._.mention_kb[f"{wfp}:{wfp + 3}"], "Q1065"]


# A bare title as speaker ("the Minister said") is read from the parse; another person named after the titled one
# makes sure the title, not the last person named, finds the speaker.


def test_title_only_speaker_resolves_through_roles(full_nlp):
    doc = full_nlp("Minister Ayla Demir opened the forum with the mayor of Veloria. Later, the mayor left.\n"
                   "“This platform shows families what support they can get,” the Minister said.")
    assert speakers_in(doc) == ["Ayla Demir"]


def test_title_with_org_resolves_before_falling_back_to_the_org(full_nlp):
    doc = full_nlp("UNDP Resident Representative Ola Berg visited the site with Tom Hale.\n"
                   "“Our support will continue,” the UNDP Resident Representative said.")
    assert speakers_in(doc) == ["Ola Berg"]


def test_hyphenated_bare_title_resolves(full_nlp):
    doc = full_nlp("UN Secretary-General Rafael Ortiz called for a ceasefire. Tom Hale agreed.\n"
                   "In his remarks, the Secretary-General stressed: “There is no military solution.”")
    assert speakers_in(doc) == ["Rafael Ortiz"]


def test_an_inverted_title_subject_and_its_continuation_are_the_titled_person(full_nlp):
    """The parser reads "the Under-Secretary-General" after the verb as its object; the quote after the cue goes on
    with the same speaker."""
    doc = full_nlp("Lena Marsh, United Nations Under-Secretary-General for Humanitarian Affairs, visited Veloria "
                   "with Tom Hale.\n"
                   "“Veloria has been a key partner since 1960,” highlighted the Under-Secretary-General of the "
                   "United Nations. “Today we renew that commitment.”")
    assert speakers_in(doc) == ["Lena Marsh", "Lena Marsh"]


def test_a_lower_case_title_word_that_is_also_a_common_word_resolves_through_roles(full_nlp):
    """"secretary" is a title only in context (an ambiguous head); a role already gave it, so "said the secretary"
    is that person, not the organization named after the cue."""
    doc = full_nlp("The secretary of Rural Health of the Ministry of Health, Lena Marsh, spoke on Monday. "
                   "“Many clinics have no water,” said the secretary, while attending a seminar of the Veloria "
                   "Institute for Health.")
    assert speakers_in(doc) == ["Lena Marsh"]


def test_a_title_no_role_gave_goes_to_the_person_last_named(full_nlp):
    doc = full_nlp("Tom Hale arrived in the capital on Monday.\n“The clinics will reopen within a week,” the "
                   "Under-Secretary-General of the agency told reporters.")
    assert speakers_in(doc) == ["Tom Hale"]


@pytest.mark.parametrize("text", [
    "The Fund for Roads warned of floods on Tuesday. “Ten bridges were lost and the road to the coast is closed,” it said.",
    "Jane Roe met the Fund for Roads. The Fund for Roads warned of floods. “Ten bridges were lost and the road is "
    "closed,” the agency noted.",
    "Floods were recorded, the Fund for Roads said in a statement. “Ten bridges were lost and the road to the coast is "
    "closed,” the statement noted.",
    "The Fund for Roads warned of floods on Tuesday. It said: “Ten bridges were lost and the road to the coast is "
    "closed.”",
    "Floods were recorded, the Fund for Roads said on Monday. “Ten bridges were lost and the road to the coast is "
    "closed,” the statement reads.",
])
def test_it_and_the_body_or_its_statement_speak_for_the_organization_last_named(text):
    spec = [("Fund for Roads", "ORG", n) for n in range(text.count("Fund for Roads"))]
    spec += [("Jane Roe", "PERSON")] if "Jane Roe" in text else []
    got = quotes_of(text, *spec)
    assert [g[1] for g in got] == ["Fund for Roads"]


def test_a_pronoun_takes_the_subject_of_the_sentence_that_last_names_people(full_nlp):
    doc = full_nlp("Jane Roe, the head of the clinic, thanked Tom Hale for his support on Monday.\n"
                   "“We will open twenty new clinics in the north of the country this year,” she said.")
    assert speakers_in(doc) == ["Jane Roe"]


@pytest.mark.parametrize("subject, speaker", [("the senior United Nations political official", "Tom Hale"),
                                              ("the official", "Tom Hale"), ("a UNICEF official", "UNICEF")])
def test_the_official_no_role_names_is_the_person_last_given_a_post(full_nlp, subject, speaker):
    doc = full_nlp("Tom Hale, Under-Secretary-General for Political Affairs, arrived in the capital on Monday.\n"
                   f"The country is going through “a painful transition,” {subject} told the Security Council today.")
    assert speakers_in(doc) == [speaker]


def test_a_subject_the_model_left_out_is_the_person_whose_surname_it_is(blank_nlp):
    # a hand-parsed Doc: the second "Hale" is the subject of "hailed" (tagged ADV, as the tagger does with
    # unusual surnames) but no entity; the person named in full before is the speaker, not the UN
    from spacy.tokens import Doc, Span
    from pipeline.nlp.roles import doc_entities

    words = ["Tom", "Hale", "arrived", ".", "Hale", "hailed", "the", "UN", "'s", "legacy", ",", "noting", "it", "has",
             "made", "“", "real", "progress", "”", "."]
    spaces = [True, True, False, True, True, True, True, False, True, False, True, True, True, True, True, False,
              True, False, False, False]
    heads = [1, 2, 2, 2, 5, 5, 7, 9, 7, 5, 5, 5, 14, 14, 11, 17, 17, 14, 17, 5]
    deps = ["compound", "nsubj", "ROOT", "punct", "nsubj", "ROOT", "det", "poss", "case", "dobj", "punct", "advcl",
            "nsubj", "aux", "ccomp", "punct", "amod", "dobj", "punct", "punct"]
    pos = ["PROPN", "PROPN", "VERB", "PUNCT", "ADV", "VERB", "DET", "PROPN", "PART", "NOUN", "PUNCT", "VERB", "PRON",
           "AUX", "VERB", "PUNCT", "ADJ", "NOUN", "PUNCT", "PUNCT"]
    doc = Doc(blank_nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos)
    doc.ents = [Span(doc, 0, 2, "PERSON"), Span(doc, 7, 8, "UN_AGENCY")]
    got = [(q["text"], doc.text[q["speaker_start"]:q["speaker_end"]]) for q in find_quotes(doc, doc_entities(doc))]
    assert got == [("real progress", "Tom Hale")]


def test_a_speech_verb_whose_subject_is_a_dash_tagged_noun_is_no_crash(blank_nlp):
    # a hand-parsed Doc, as the parser read a page: "- said" with the dash as the subject, tagged NOUN
    from spacy.tokens import Doc
    from pipeline.nlp.roles import doc_entities

    words = ["The", "camps", "are", "“", "full", "”", ",", "-", "said", "."]
    spaces = [True, True, True, False, False, False, True, True, False, False]
    heads = [1, 2, 2, 4, 2, 4, 8, 8, 2, 2]
    deps = ["det", "nsubj", "ROOT", "punct", "acomp", "punct", "punct", "nsubj", "parataxis", "punct"]
    pos = ["DET", "NOUN", "AUX", "PUNCT", "ADJ", "PUNCT", "PUNCT", "NOUN", "VERB", "PUNCT"]
    doc = Doc(blank_nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos)
    assert [(q["text"], q["speaker_start"]) for q in find_quotes(doc, doc_entities(doc))] == [("full", None)]


def test_a_fragment_far_before_its_cue_counts_when_the_cue_names_its_speaker():
    text = "This is the only “reliable” route into the region in the dry season, said Jane Roe."
    assert quotes_of(text, ("Jane Roe", "PERSON")) == [("reliable", "Jane Roe", "said")]
    text = "The “green wall” project will cover ten regions by 2030, said Jane Roe."   # a name, not speech
    assert quotes_of(text, ("Jane Roe", "PERSON")) == []


def test_a_fragment_whose_speech_verb_the_parse_gives_a_subject_is_speech(full_nlp):
    doc = full_nlp("Stressing that donors must fund the “longer-term resilience” of farms, Jane Roe urged partners to "
                   "act quickly.")
    assert [(q["text"], s) for q, s in zip(doc._.quotes, speakers_in(doc))] == [("longer-term resilience", "Jane Roe")]
    assert full_nlp("The so-called “ghost schools” remain a problem in the north, the report noted.")._.quotes == []


def test_a_fragment_said_by_someone_the_article_does_not_name_is_speech(full_nlp):
    text = ("Jane Roe visited the valley on Monday.\nThe flooding in the valley is \u201cunprecedented,\u201d and the "
            "damage to roads is \u201cvast,\u201d with thousands of families waiting for help, a UN official said.")
    doc = full_nlp(text)
    # speech far from its cue, by someone unnamed: not the person named before; the body the speaker is of speaks
    assert [(q["text"], s) for q, s in zip(doc._.quotes, speakers_in(doc))] == [("unprecedented", "UN"), ("vast", "UN")]
    doc = full_nlp("Jane Roe visited the valley on Monday.\nThe flooding in the valley is \u201cunprecedented,\u201d "
                   "and the damage to roads is \u201cvast,\u201d with thousands of families waiting, a witness said.")
    assert speakers_in(doc) == [None, None]
    from pipeline.nlp.build import build_nlp
    assert build_nlp(settings={"quotes": {"disabled": ["unnamed_fragments"]}})(text)._.quotes == []


def test_the_subject_of_the_speech_verb_wins_over_a_person_named_nearer_the_cue(full_nlp):
    doc = full_nlp("Meanwhile, Lena Marsh, Spokesperson of the UN Secretary General, Omar Vale in an earlier briefing, "
                   "said that the UN was present and noted that they saw that \u201csome people did not take part in the "
                   "dialogue but many did.\u201d")
    assert speakers_in(doc) == ["Lena Marsh"]


def test_a_person_in_a_relative_clause_of_a_title_subject_is_not_the_speaker(full_nlp):
    doc = full_nlp("The Resident Representative of the United Nations Population Fund (UNFPA), Madam Lena Marsh, has "
                   "praised the Government.\nThe new UNFPA Envoy who commended President Omar Vale for the country\u2019s "
                   "improved health stated, \u201cAlso visible and tangible are the national efforts to address "
                   "reproductive health in the country.\u201d")
    assert speakers_in(doc) == ["Lena Marsh"]


def test_a_post_at_a_body_left_unnamed_is_the_person_the_article_goes_on_to_report_speaking(full_nlp):
    text = ("The flooding in the valley is \u201cunprecedented,\u201d with thousands of families waiting for help, a UN "
            "official said on Tuesday.\n"
            "\u201cWe have never seen damage like this in the region,\u201d Lena Marsh, head of the UN office in Veloria, "
            "said in Geneva.\n"
            "Marsh said that roads to the valley were cut.")
    doc = full_nlp(text)
    assert speakers_in(doc) == ["Lena Marsh", "Lena Marsh"]
    from pipeline.nlp.build import build_nlp
    off = build_nlp(settings={"quotes": {"disabled": ["named_later"]}})(text)
    assert speakers_in(off)[0] == "UN"   # switched off: the body speaks


def test_a_person_quoted_as_saying_speaks_the_unattributed_quote_after(full_nlp):
    doc = full_nlp("Foreign Minister Omar Vale and Minister of Health Lena Marsh said that a committee had been set up.\n"
                   "Marsh was quoted by the Veloria Times as saying that the town was considered safe. \u201cWe had "
                   "expected landslides in the hills but not here.\u201d")
    assert speakers_in(doc) == ["Marsh"]   # the mention that speaks; linking makes it Lena Marsh


def test_a_fragment_whose_speech_verb_has_a_pronoun_subject_is_the_persons_it_resolves_to(full_nlp):
    text = ("Omar Vale, the head of the relief mission in Veloria, spoke to reporters on Monday.\n"
            "There is a \u201csolid estimate\u201d of the number of people affected by the flood, which is 7,849, he said, "
            "adding that most of them are children.")
    doc = full_nlp(text)
    assert [(q["text"], s) for q, s in zip(doc._.quotes, speakers_in(doc))] == [("solid estimate", "Omar Vale")]
    from pipeline.nlp.build import build_nlp
    assert build_nlp(settings={"quotes": {"disabled": ["pronoun_fragments"]}})(text)._.quotes == []


def test_a_speech_verb_on_the_next_line_is_not_the_quotes_even_when_the_parse_joins_the_lines(full_nlp):
    doc = full_nlp("Jane Roe, who leads the WFP office in Chad, said the situation was dire.\n"
                   "“Families are eating one meal a day,” Roe added. “Some are eating nothing at all.”\n"
                   "Tom Hale, the minister, agreed. “We will send more food to the border,” he said.")
    assert speakers_in(doc) == ["Roe", "Roe", "Tom Hale"]


def test_an_unattributed_quote_is_of_the_person_reported_speaking_since_the_last_quote(full_nlp):
    doc = full_nlp("“We will keep helping the families who return to the region this year,” said Jane Roe.\n"
                   "Tom Hale, the coordinator of the national commission, noted that returnees were placed in camps.\n"
                   "“They are taught new skills over a period of several months before they go back home.”")
    assert speakers_in(doc) == ["Jane Roe", "Tom Hale"]
    doc = full_nlp("“We will keep helping the families who return to the region this year,” said Jane Roe.\n"
                   "Tom Hale, the coordinator of the national commission, visited the camps on Monday.\n"
                   "“They are taught new skills over a period of several months before they go back home.”")
    assert speakers_in(doc) == ["Jane Roe", "Jane Roe"]


def test_a_pronoun_after_a_title_subject_is_the_person_given_that_title():
    """Written for the test: "she" follows a sentence whose subject is "The UNDP Resident Representative", not a name;
    the last person named (Tom Hale, the object) is not the one she refers to. Switched off, it is."""
    from pipeline.nlp.build import build_nlp

    text = ("UNDP Resident Representative Ola Berg met Tom Hale in Veloria on Monday.\n"
            "The UNDP Resident Representative then commended the Government through Minister Hale for its data.\n"
            "“We will keep supporting the census,” she noted.")
    assert speakers_in(build_nlp()(text)) == ["Ola Berg"]
    off = build_nlp(settings={"quotes": {"disabled": ["titled_subjects"]}})
    assert speakers_in(off(text)) == ["Hale"]


def test_a_name_in_apposition_to_the_subject_is_what_he_refers_to(full_nlp):
    """Written for the test: the subject is the title, the name its apposition; "he" is not the last person named."""
    doc = full_nlp("Secretary General, Tomas Reyval referred to the recent trip of the Deputy Secretary General, "
                   "Omar Vale, and reported how impressed he was. “For ten years I have worked for this,” he "
                   "emphasized.")
    assert speakers_in(doc) == ["Tomas Reyval"]


def test_words_quoted_inside_a_sentence_after_a_quoted_paragraph_are_its_subjects(full_nlp):
    """Written for the test: the paragraph before ends in a quotation, which the small parser joins to the next;
    the fragment is Omar Vale's, not the previous speaker's."""
    doc = full_nlp('Lena Marsh valued the cooperation, calling for "concerted efforts to strengthen support for '
                   'host communities."\n\nShe stressed "the need to work with the community to prepare the ground."'
                   '\n\nFor his part, Omar Vale valued cooperation with the Ministry and promised to exert "every '
                   'possible effort to increase support to the host communities and the displaced."')
    assert speakers_in(doc) == ["Lena Marsh", "Lena Marsh", "Omar Vale"]


def test_a_title_the_parse_heads_with_its_second_word_is_the_person_given_it(full_nlp):
    """Written for the test: the parse heads "the director general of IOM" with "general"."""
    doc = full_nlp('Director General of the International Organization for Migration (IOM) Omar Vale spoke on '
                   'Monday.\n\n"We have guaranteed the voluntary return of 4,000 migrants stranded in Veloria," said '
                   'the director general of IOM.')
    assert speakers_in(doc) == ["Omar Vale"]


def test_the_un_with_a_title_is_the_person_with_that_title_at_a_body_of_the_un_system(full_nlp):
    """Written for the test: "The UN representative" is the UNHCR Representative named before."""
    doc = full_nlp("Lena Marsh, UNHCR Representative in Veloria, met Tom Hale on Tuesday.\n"
                   "The UN representative said “the response reached the people in need within days.”")
    assert speakers_in(doc) == ["Lena Marsh"]
    from pipeline.nlp.build import build_nlp

    off = build_nlp(settings={"quotes": {"disabled": ["system_titles"]}})
    assert speakers_in(off(doc.text)) != ["Lena Marsh"]


def test_a_fragment_whose_sentence_is_said_by_a_title_with_its_person_is_that_persons(full_nlp):
    """Written for the test: the parse makes "General" the subject of "said", the name sits inside that phrase."""
    doc = full_nlp('The situation in Veloria is becoming increasingly "unmanageable" and the conflict "enables '
                   'criminal networks to operate," Director General of the International Organization for Migration '
                   '(IOM) Omar Vale said on Monday.')
    assert speakers_in(doc) == ["Omar Vale", "Omar Vale"]


def test_a_quote_an_unnamed_person_said_goes_to_no_one(full_nlp):
    """Written for the test: "another member of the panel" is someone the article does not name."""
    doc = full_nlp("Ambassador Omar Vale disclosed the programme of the council for the month.\n"
                   "Reporters were told that the council welcomed the dialogue. “It started yesterday and will go on "
                   "through this week,” another member of the panel stated.")
    assert speakers_in(doc) == [None]


def test_a_post_the_article_names_later_is_the_person_it_goes_on_to_report_speaking(full_nlp):
    # written for this test, not a published text
    text = ("Two transit sites in the north should be ready \u201cby the end of the month\u201d, announced the "
            "representative of the UN refugee agency UNHCR in Veloria on Monday.\n"
            "\u201cThe sites were built in two months,\u201d said Lena Marsh at a press conference in the capital.")
    doc = full_nlp(text)
    assert speakers_in(doc) == ["Lena Marsh", "Lena Marsh"]
    from pipeline.nlp.build import build_nlp
    off = build_nlp(settings={"quotes": {"disabled": ["posts_named_later"]}})(text)
    assert speakers_in(off)[0] != "Lena Marsh"   # switched off: the body named in the post speaks


def test_the_un_official_is_the_person_last_given_a_post_at_a_un_body(full_nlp):
    # written for this test, not a published text
    doc = full_nlp("\u201cThe situation is worrying,\u201d said Omar Vale, deputy special representative for the UN "
                   "Stabilization Mission in Veloria (UNSMV).\n"
                   "\u201cUrgent assistance is needed,\u201d the UN official said.")
    assert speakers_in(doc) == ["Omar Vale", "Omar Vale"]


def test_a_byline_above_the_quote_is_not_the_subject_of_its_speech_verb(full_nlp):
    # written for this test, not a published text
    doc = full_nlp("Floods in the north\n\nBy Jane Roe \u2014 Veloria City\n\n\u201cIt is a war scenario,\u201d says "
                   "Omar Vale, secretary of health of the province, referring to the floods.")
    assert speakers_in(doc) == ["Omar Vale"]


def test_a_name_in_apposition_to_a_subject_with_a_complement_speaks_for_an_unattributed_quote_after(full_nlp):
    # written for this test, not a published text; the parser hangs the name on "Veloria", not on "Clerk"
    doc = full_nlp("Tom Hale, a farmer, said \u201cwe need roads\u201d last week.\n"
                   "The City Clerk of Veloria, Jane Roe, insists that the crisis is repeated every day in the province.\n"
                   "\u201cThe population is always in the middle of the armed conflict.\u201d")
    assert speakers_in(doc)[-1] == "Jane Roe"
