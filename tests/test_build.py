"""The pipeline as a spaCy pipeline: settings and data from the config, saved with nlp.to_disk and loaded
with spacy.load in a process that never imported `pipeline`."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from pipeline import config
from pipeline.datafiles import DataFileError
from pipeline.nlp.build import build_nlp
from pipeline.nlp.data import rules_file, verb_forms

from conftest import ENTITY_COMPONENTS

# Written for these tests: an agency, a person with a title, a quote, a figure, a date, a chain of
# organizations and an abbreviation.
TEXT = ("UNICEF delivered 40 tonnes of food to Chad on 3 May 2023, said Jane Roe, UNICEF Representative in Chad. "
        "“We will stay until the harvest,” Roe said. The Committee on Water of the Ministry of Energy of Mongolia "
        "and the Glacier Monitoring Service (GMS) met in Dushanbe.")

# Runs in a fresh interpreter: prints what the saved pipeline finds, as JSON.
LOAD_AND_RUN = """
import json, sys
assert not any(m == "pipeline" or m.startswith("pipeline.") for m in sys.modules)
import spacy
nlp = spacy.load(sys.argv[1])
doc = nlp(sys.argv[2])
print(json.dumps({"pipe_names": nlp.pipe_names,
                  "ents": [(e.start_char, e.end_char, e.label_) for e in doc.ents],
                  "sources": doc._.mention_sources, "kb": doc._.mention_kb,
                  "spans": {k: [(s.start_char, s.end_char, s.label_, s._.record) for s in g]
                            for k, g in doc.spans.items()}}, default=str))
"""


def results(nlp, text: str) -> dict:
    doc = nlp(text)
    return json.loads(json.dumps({
        "pipe_names": nlp.pipe_names, "ents": [(e.start_char, e.end_char, e.label_) for e in doc.ents],
        "sources": doc._.mention_sources, "kb": doc._.mention_kb,
        "spans": {k: [(s.start_char, s.end_char, s.label_, s._.record) for s in g] for k, g in doc.spans.items()}},
        default=str))


def ents(nlp, text: str) -> list[tuple[str, str, str | None]]:
    doc = nlp(text)
    sources = doc._.mention_sources or {}
    return [(e.text, e.label_, sources.get(f"{e.start_char}:{e.end_char}")) for e in doc.ents]


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def test_a_saved_pipeline_loads_in_a_fresh_process_with_the_same_results(nlp, tmp_path):
    nlp.to_disk(tmp_path / "pipeline")
    # cwd outside the repository: `pipeline` is found only as the installed package, through its entry points
    run = subprocess.run([sys.executable, "-c", LOAD_AND_RUN, str(tmp_path / "pipeline"), TEXT],
                         capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    loaded = json.loads(run.stdout)
    here = results(nlp, TEXT)
    assert loaded == here
    assert {g: len(here["spans"][g]) for g in ("figures", "dates", "roles", "quotes")} == \
        {"figures": 1, "dates": 1, "roles": 1, "quotes": 1}
    assert [0, 6, "UN_AGENCY"] in here["ents"] and any(e[2] == "PERSON" for e in here["ents"])


def test_the_config_names_the_data_each_component_reads(nlp):
    cfg = nlp.config["components"]
    assert cfg["places"]["rules"] == {"@misc": "unpipe.rules.v1", "path": "rules/entities_places.json", "off": ()}
    assert cfg["entity_fixups"]["kb"] == {"@misc": "unpipe.kb.v1", "path": "kb"}
    assert cfg["figures"]["date_rules"]["path"] == cfg["dates"]["rules"]["path"] == "rules/dates.json"


def test_a_rule_file_setting_points_a_component_at_another_file(tmp_path, entity_nlp):
    rules = json.loads((config.RULES_DIR / "entities_places.json").read_text(encoding="utf-8"))
    rules["ambiguous_names"].append("Dushanbe")
    path = tmp_path / "places.json"
    path.write_text(json.dumps(rules), encoding="utf-8")
    text = "Farmers met in Dushanbe on Monday."
    assert ("Dushanbe", "GPE", "rule") in ents(entity_nlp, text)
    other = build_nlp(components=ENTITY_COMPONENTS,
                      settings={"places": {"rules": {"@misc": "unpipe.rules.v1", "path": str(path)}}})
    assert not any(t == "Dushanbe" and source == "rule" for t, _, source in ents(other, text))


def test_a_kb_setting_points_a_component_at_another_knowledge_base(tmp_path, entity_nlp):
    folder = tmp_path / "kb"
    shutil.copytree(config.KB_DIR, folder)
    with open(folder / "un_system.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"version": 1, "kb_id": "un:rro", "name": "Ruritanian Relief Office", "acronyms": ["RRO"],
                             "aliases": [], "ambiguous_acronyms": [], "category": "test"}) + "\n")
    text = "Trucks of the RRO reached Chad."
    assert ("RRO", "UN_AGENCY", "rule") not in ents(entity_nlp, text)
    other = build_nlp(components=("un_agencies",), settings={"un_agencies": {"kb": {"@misc": "unpipe.kb.v1",
                                                                                    "path": str(folder)}}})
    doc = other(text)
    assert [(e.text, e.label_) for e in doc.ents if e.text == "RRO"] == [("RRO", "UN_AGENCY")]
    start = text.index("RRO")
    assert doc._.mention_kb == {f"{start}:{start + 3}": "un:rro"}


def test_switching_a_heuristic_off_in_the_config_changes_the_output(entity_nlp):
    text = "Aigerim Sadykova opened the clinic. Later Sadykova met the nurses."
    assert ("Sadykova", "PERSON") in [(t, label) for t, label, _ in ents(entity_nlp, text)]
    # the trained NER reads "Later Sadykova" as one name; entity_fixups.function_words cuts the adverb
    off = build_nlp(components=ENTITY_COMPONENTS, settings={"entity_fixups": {"disabled": ["function_words"]}})
    assert ("Later Sadykova", "PERSON") in [(t, label) for t, label, _ in ents(off, text)]


def test_switching_an_exception_list_off_in_the_config_changes_the_output(entity_nlp):
    text = "Nice work, the farmers of Mongolia said."   # Nice: a city, and a word
    assert not any(t == "Nice" for t, _, _ in ents(entity_nlp, text))
    off = build_nlp(components=ENTITY_COMPONENTS, settings={"places": {"rules": {
        "@misc": "unpipe.rules.v1", "path": "rules/entities_places.json", "off": ["ambiguous_names"]}}})
    assert ("Nice", "GPE", "rule") in ents(off, text)


def test_switching_off_what_a_file_does_not_list_is_an_error():
    with pytest.raises(DataFileError, match="entities_places.json: `off` names 'no_such_list'"):
        rules_file("rules/entities_places.json", off=["no_such_list"])
    with pytest.raises(DataFileError, match="ruler_min_city_population"):
        rules_file("rules/entities_places.json", off=["ruler_min_city_population"])


def test_a_verb_listed_once_matches_its_past_and_third_person_forms_and_the_forms_named():
    forms = verb_forms(["say", "quip", "state", "point"], also=["saying"])
    assert {f: forms[f] for f in ("said", "says", "saying", "quipped", "quips", "stated", "states", "points")} == {
        "said": "say", "says": "say", "saying": "say", "quipped": "quip", "quips": "quip", "stated": "state",
        "states": "state", "points": "point"}
    assert not {"say", "state", "stating", "point", "pointing"} & set(forms)   # "the State", "a point"
    with pytest.raises(DataFileError, match="no form of a listed verb"):
        verb_forms(["say"], also=["noting"])


def test_save_model_writes_the_whole_pipeline(tmp_path):
    from spacy.util import load_config

    from pipeline.cli import main

    assert main(["save-model", "--output", str(tmp_path / "model")]) == 0
    meta = json.loads((tmp_path / "model" / "meta.json").read_text())
    assert meta["name"] == "un_news" and meta["requirements"] == ["un-news-pipeline==0.1.0"]
    cfg = load_config(tmp_path / "model" / "config.cfg")
    assert cfg["nlp"]["pipeline"][-4:] == ["dates", "roles", "quotes", "span_groups"]


def test_the_trained_ner_gets_the_static_vectors_its_meta_names(tmp_path):
    import spacy

    from pipeline.nlp.build import use_static_vectors

    folder = tmp_path / "ner"
    folder.mkdir()
    (folder / "meta.json").write_text(json.dumps({"vectors": {"width": 0, "vectors": 0, "keys": 0}}))
    nlp = spacy.blank("en")
    use_static_vectors(nlp, folder)
    assert nlp.vocab.vectors.shape[0] == 0          # a NER trained without vectors gets none

    shipped = json.loads((config.TRAINED_NER_DIR / "meta.json").read_text())["vectors"]
    assert shipped["width"] == 300 and not (config.TRAINED_NER_DIR / "vocab" / "vectors").exists()
    (folder / "meta.json").write_text(json.dumps({"vectors": shipped}))
    use_static_vectors(nlp, folder)
    assert nlp.vocab.vectors.shape == (shipped["vectors"], shipped["width"])
    assert nlp.vocab["refugees"].has_vector and nlp.vocab["refugees"].vector.any()

    (folder / "meta.json").write_text(json.dumps({"vectors": {**shipped, "keys": 5}}))
    with pytest.raises(RuntimeError, match="trained with vectors"):
        use_static_vectors(spacy.blank("en"), folder)


def test_dateline_credits_glued_to_their_brackets_are_tokens_of_their_own():
    import spacy

    from pipeline.nlp.build import split_credit_marks
    nlp = spacy.blank("en")
    split_credit_marks(nlp.tokenizer)
    assert [t.text for t in nlp("DILI, 10 March (TATOLI)- UNFPA")][-5:] == ["(", "TATOLI", ")", "-", "UNFPA"]
    assert [t.text for t in nlp("Yaounde (National Times)-The West")][-5:] == ["Times", ")", "-", "The", "West"]
    assert [t.text for t in nlp("KATHMANDU, May 4 /CNW/ - More")][-5:] == ["/", "CNW", "/", "-", "More"]
    # what the English rules split before is split as before, special cases included
    assert [t.text for t in nlp("PAHO/WHO on 12/05/2020 (UNICEF).")] == [
        "PAHO", "/", "WHO", "on", "12/05/2020", "(", "UNICEF", ")", "."]
    english = spacy.blank("en")
    text = "Dr. Roe didn't see the U.S. team, e.g. in 5km."
    assert [t.text for t in nlp(text)] == [t.text for t in english(text)]
