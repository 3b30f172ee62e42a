"""The NER training script's data handling (training itself runs in `make train`, never in the tests)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import train_ner  # noqa: E402

from pipeline import config, evalsets  # noqa: E402


def test_a_blind_set_is_refused_before_any_text_is_read(monkeypatch):
    def must_not_run():
        raise AssertionError("texts were read before the blind set was refused")

    monkeypatch.setattr(train_ner, "dev_gold_items", must_not_run)
    with pytest.raises(SystemExit, match="blind"):
        train_ner.training_pool(["dev_world2", evalsets.BLIND_SETS[0]])
    monkeypatch.setattr(config, "NER_TRAINING_EVAL_SETS", ("dev_world", evalsets.BLIND_SETS[0]))
    with pytest.raises(SystemExit, match="blind"):
        train_ner.training_pool()


def test_every_occurrence_of_a_gold_form_is_labelled_longest_first():
    text = "UNICEF Nepal and UNICEF met in Nepal."
    entities = [{"label": "UN_AGENCY", "canonical": "United Nations Children's Fund", "mentions": ["UNICEF", "UNICEF Nepal"]},
                {"label": "GPE", "canonical": "Nepal", "mentions": ["Nepal"]}]
    spans, unknown = train_ner.gold_spans(text, entities)
    assert sorted((text[s:e], label) for s, e, label in spans) == [
        ("Nepal", "GPE"), ("UNICEF", "UN_AGENCY"), ("UNICEF Nepal", "UN_AGENCY")]
    assert unknown == []


def test_a_form_under_two_labels_is_left_unknown():
    text = "Almaty hosted the forum; the Almaty akimat agreed."
    entities = [{"label": "GPE", "canonical": "Almaty", "mentions": ["Almaty"]},
                {"label": "GPE", "canonical": "Almaty Region", "mentions": ["Almaty"]},
                {"label": "ORG", "canonical": "Akimat", "mentions": ["Almaty"]}]
    spans, unknown = train_ner.gold_spans(text, entities)
    assert spans == []
    assert [text[s:e] for s, e in unknown] == ["Almaty", "Almaty"]


def test_a_role_title_is_marked_next_to_its_person_and_not_where_it_stands_alone():
    text = ("The Minister of Health opened the session.\n\n"
            "Later Jane Roe, UNICEF Representative in Ruritania, and the Representative of WFP met Tom Hale, "
            "the Minister of Health.")
    entities = [{"label": "PERSON", "canonical": "Jane Roe", "mentions": ["Jane Roe"]},
                {"label": "PERSON", "canonical": "Tom Hale", "mentions": ["Tom Hale"]}]
    roles = [{"person": "Jane Roe", "title": "Representative", "org": "UNICEF", "place": "Ruritania"},
             {"person": "Tom Hale", "title": "minister of health", "org": None, "place": None}]
    item = train_ner.Item("written:x", "written", text, entities, {"roles": roles})
    spans = train_ner.title_spans(item)
    first_rep = text.index("Representative")
    # both "Representative"s are within reach of Jane Roe; the first "Minister of Health", far from Tom Hale, is not
    assert spans == [(first_rep, first_rep + 14), (text.index("Representative", first_rep + 1),
                                                  text.index("Representative", first_rep + 1) + 14),
                     (text.rindex("Minister of Health"), len(text) - 1)]


def test_an_annotated_title_is_left_outside_where_an_entity_covers_it():
    import spacy

    text = "Jane Roe, the High Commissioner for Refugees, spoke."
    entities = [{"label": "PERSON", "canonical": "Jane Roe", "mentions": ["Jane Roe"]},
                {"label": "UN_AGENCY", "canonical": "UNHCR", "mentions": ["High Commissioner for Refugees"]}]
    roles = [{"person": "Jane Roe", "title": "High Commissioner", "org": "UNHCR", "place": None}]
    item = train_ner.Item("written:y", "written", text, entities, {"roles": roles})

    def no_stock(text):
        return spacy.blank("en")(text)

    doc = train_ner.make_doc(spacy.blank("en"), no_stock, item)
    assert [(e.text, e.label_) for e in doc.ents] == [("Jane Roe", "PERSON"), ("High Commissioner for Refugees", "UN_AGENCY")]


def test_second_pass_entities_replace_the_first_only_when_asked(monkeypatch, tmp_path):
    """A written example (no published text): a training set whose review added an entity to one document."""
    first = [{"label": "GPE", "canonical": "Ruritania", "mentions": ["Ruritania"]}]
    second = first + [{"label": "ORG", "canonical": "Government of Ruritania", "mentions": ["Ruritanian government"]}]
    text = "Aid arrives\n\nThe Ruritanian government thanked donors in Ruritania."
    doc = {"doc_id": "d1", "url": "https://example.org/aid"}
    gold = {"article_id": "a1", "doc_id": "d1", "entities": first, "figures": [], "dates": [], "quotes": [], "roles": []}
    evalsets.write_jsonl(tmp_path / "entities_reviewed.jsonl", [{"doc_id": "d1", "entities": second}])
    monkeypatch.setattr(evalsets, "set_dir", lambda name: tmp_path)
    monkeypatch.setattr(evalsets, "check_all", lambda names: [evalsets.SetStatus(names[0])])
    monkeypatch.setattr(evalsets, "cached_docs", lambda name: [(doc, gold, text)])
    monkeypatch.setattr(train_ner, "ENTITY_REVIEW", False)
    assert train_ner.set_items("train_example")[0].entities == first
    monkeypatch.setattr(train_ner, "ENTITY_REVIEW", True)
    assert train_ner.set_items("train_example")[0].entities == second
    assert train_ner.set_items("dev_example")[0].entities == first   # a development set has no second pass here


def _report(tp: int, fp: int, fn: int, roles: tuple[int, int, int]) -> dict:
    return {"entities": {"micro": {"tp": tp, "fp": fp, "fn": fn}},
            "roles": dict(zip(("tp", "fp", "fn"), roles))}


def test_recipes_are_compared_on_counts_pooled_over_the_sets():
    got = train_ner.pooled([_report(90, 10, 10, (8, 2, 2)), _report(10, 0, 30, (0, 0, 0))])
    assert got["entities"] == 2 * 100 / (2 * 100 + 10 + 40)   # counts summed, not the mean of two F1s
    assert got["roles"] == 2 * 8 / (2 * 8 + 2 + 2)
    assert train_ner.pooled([_report(0, 3, 3, (0, 1, 1))]) == {"entities": 0.0, "roles": 0.0}


def test_a_recipe_replaces_the_baseline_only_when_every_seed_beats_every_baseline_seed():
    baseline = [{"entities": 0.880, "roles": 0.840}, {"entities": 0.886, "roles": 0.845}]
    assert train_ner.replaces_baseline([{"entities": 0.890, "roles": 0.842}, {"entities": 0.887, "roles": 0.840}],
                                       baseline)
    # one seed inside the baseline's spread: noise, not a better recipe
    assert not train_ner.replaces_baseline([{"entities": 0.895, "roles": 0.85}, {"entities": 0.885, "roles": 0.85}],
                                           baseline)
    # entities up, roles down by more than the tolerance
    assert not train_ner.replaces_baseline([{"entities": 0.90, "roles": 0.83}, {"entities": 0.90, "roles": 0.83}],
                                           baseline)


def _random_ner(labels):
    import spacy

    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for label in labels:
        ner.add_label(label)
    nlp.initialize()
    upper = ner.model.get_ref("upper")
    upper.set_param("W", upper.ops.xp.random.default_rng(0).normal(size=upper.get_param("W").shape).astype("f"))
    return nlp, ner


def test_dropping_labels_never_predicted_leaves_every_entity_as_it_was(tmp_path):
    nlp, ner = _random_ner(["KEEP", "ALSO", "GONE"])
    upper = ner.model.get_ref("upper")
    names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
    b = upper.get_param("b").copy()
    b[[i for i, name in enumerate(names) if name.endswith("-GONE")]] = -1e4    # never the best move
    upper.set_param("b", b)
    texts = ["Words of an example text, written for this test, with several tokens in it.",
             "Another written sentence: the moves are random, the entities too."]
    before = [[(e.start, e.end, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)]
    assert any(before), "the random weights should predict some entities"

    train_ner.drop_labels(ner, ["GONE"])

    assert set(ner.labels) == {"KEEP", "ALSO"}
    assert ner.model.get_ref("upper").get_dim("nO") == ner.moves.n_moves == len(names) - 4
    assert [[(e.start, e.end, e.label_) for e in doc.ents] for doc in nlp.pipe(texts)] == before
    nlp.to_disk(tmp_path / "model")             # the moves and the output layer agree once saved
    import spacy
    reloaded = spacy.load(tmp_path / "model")
    assert [[(e.start, e.end, e.label_) for e in doc.ents] for doc in reloaded.pipe(texts)] == before


def test_a_dropped_label_gives_way_to_the_next_best_move():
    nlp, ner = _random_ner(["KEEP", "GONE"])
    upper = ner.model.get_ref("upper")
    names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
    b = upper.get_param("b").copy()
    b[[i for i, name in enumerate(names) if name == "U-GONE"]] = 1e4          # always the best move
    upper.set_param("b", b)
    text = "Every token here is a GONE entity until the label is dropped."
    assert {e.label_ for e in nlp(text).ents} == {"GONE"}
    train_ner.drop_labels(ner, ["GONE"])
    assert "GONE" not in {e.label_ for e in nlp(text).ents}
