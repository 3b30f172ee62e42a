"""Evaluation sets: identity, excerpt cutting, claims, freeze/check against the cache, and scoring.

Every text here is written for the test (example.org URLs); the real sets' texts are never needed.
"""
import hashlib
import json
from pathlib import Path

import pytest

from pipeline import config, evalsets
from pipeline.records import ENTITY_LABELS

WRITTEN_EXCERPT = (
    "Skip to main content\n"
    "Menu\n"
    "Relief agency helps flood-hit families in Northland\n"
    "\n"
    "PORTVILLE, 3 May 2024 \u2013 More than 1,200 families received aid, the Relief Agency said on Friday.\n"
    "\u201cWe are working around the clock,\u201d said Mara Quill, the agency\u2019s Representative in Northland.\n"
    "The Northland Red Crescent delivered 40 tonnes of food. A second convoy left for the coast and arri"
)
URL = "https://example.org/written-for-tests/flood-aid"


@pytest.fixture
def sets_env(tmp_path, monkeypatch):
    """A private data/eval, data/external and held-out list."""
    monkeypatch.setattr(config, "EVAL_DIR", tmp_path / "eval")
    monkeypatch.setattr(config, "TRAIN_DIR", tmp_path / "train")
    monkeypatch.setattr(config, "EXTERNAL_DIR", tmp_path / "external")
    heldout = tmp_path / "heldout.sha256"
    heldout.write_text("# header\n" + hashlib.sha256(b"example.org/kept-for-outside-checks").hexdigest() + "\n")
    monkeypatch.setattr(config, "HELDOUT_URLS_FILE", heldout)
    return tmp_path


def _work(doc_id: str, **over) -> dict:
    work = {"doc_id": doc_id, "url": URL, "query": "flood aid written", "rank": 1, "keep_lines": [3, 7],
            "date": "2024-05-03", "countries": ["Northland"], "kind": "news",
            "entities": [{"label": "ORG", "canonical": "Relief Agency", "mentions": ["Relief Agency"]},
                         {"label": "GPE", "canonical": "Northland", "mentions": ["Northland"]},
                         {"label": "GPE", "canonical": "Portville", "mentions": ["PORTVILLE"]},
                         {"label": "PERSON", "canonical": "Mara Quill", "mentions": ["Mara Quill"]},
                         {"label": "ORG", "canonical": "Northland Red Crescent", "mentions": ["Northland Red Crescent"]}],
            "figures": [{"text": "1,200 families", "value": 1200, "value_max": None, "unit": "families",
                         "qualifier": "more_than"},
                        {"text": "40 tonnes", "value": 40, "value_max": None, "unit": "tonne", "qualifier": None}],
            "dates": [{"text": "3 May 2024", "start": "2024-05-03", "end": "2024-05-03"}],
            "roles": [{"person": "Mara Quill", "title": "Representative", "org": "Relief Agency",
                       "place": "Northland"}],
            "quotes": [{"opening": "We are working around the clock", "speaker": "Mara Quill"}]}
    work.update(over)
    return work


def _cache(set_name: str, raw: str = WRITTEN_EXCERPT, url: str = URL, **over) -> str:
    doc_id = evalsets.doc_id_for(url)
    path = evalsets.excerpt_path(set_name, doc_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(raw, encoding="utf-8")
    wdir = evalsets.work_dir(set_name)
    wdir.mkdir(parents=True, exist_ok=True)
    (wdir / f"{doc_id}.json").write_text(json.dumps(_work(doc_id, url=url, **over)), encoding="utf-8")
    return doc_id


def test_entity_labels_match_the_pipeline():
    assert evalsets.ENTITY_LABELS == tuple(ENTITY_LABELS)


def test_url_key_is_the_form_the_heldout_list_hashes():
    assert evalsets.url_key("HTTPS://www.Kazakhstan.UN.org/en/236325-x/") == "kazakhstan.un.org/en/236325-x"
    assert evalsets.site_of("https://www.example.org/a") == "example.org"
    assert evalsets.site_of("https://example.org./a") == "example.org"
    assert evalsets.doc_id_for("http://example.org/a/") == evalsets.doc_id_for("https://www.example.org/a")


def test_doc_text_keeps_the_article_lines_and_cuts_the_truncated_tail():
    text = evalsets.doc_text(WRITTEN_EXCERPT, [3, 7])
    title, body = evalsets.title_and_body(text)
    assert title == "Relief agency helps flood-hit families in Northland"
    assert body.startswith("PORTVILLE")
    assert text.endswith("40 tonnes of food.")  # the cut sentence "A second convoy ... arri" is gone
    assert "Menu" not in text


def test_doc_text_drops_a_last_line_without_any_sentence_end_and_normalizes_spaces():
    raw = "Title\u00a0here  \r\nBody sentence one.\r\nand a cut line with no end"
    assert evalsets.doc_text(raw, [1, 3]) == "Title here\nBody sentence one."
    with pytest.raises(evalsets.EvalSetError):
        evalsets.doc_text("Only a title line.", [1, 1])
    with pytest.raises(evalsets.EvalSetError):
        evalsets.doc_text(raw, [2, 9])


def test_locate_folds_white_space_and_respects_word_edges():
    text = "UNICEF and the UN met.\nThe UN\nagency"
    assert evalsets.locate(text, "UN") == (15, 17)
    assert evalsets.locate(text, "UN agency") == (27, 36)
    assert evalsets.locate(text, "UN", occurrence=3) is None
    assert not evalsets.occurs(text, "NICE")


def test_claim_refuses_heldout_urls_and_a_site_of_the_other_set(sets_env):
    with pytest.raises(evalsets.EvalSetError, match="outside checks"):
        evalsets.claim("dev_world", "https://www.example.org/kept-for-outside-checks/")
    doc_id = evalsets.claim("dev_world", URL)
    assert doc_id == evalsets.doc_id_for(URL)
    assert evalsets.claim("dev_world", URL) == doc_id  # claiming twice is harmless
    with pytest.raises(evalsets.EvalSetError, match="belongs to set dev_world"):
        evalsets.claim("blind", "https://example.org/another-page")
    assert len(evalsets.claims_path().read_text().splitlines()) == 1


def test_freeze_commits_offsets_not_words_and_build_reads_them_back(sets_env):
    doc_id = _cache("dev_world")
    assert evalsets.freeze("dev_world").items == []
    docs = evalsets.read_jsonl(config.EVAL_DIR / "dev_world" / "docs.jsonl")
    gold = evalsets.read_jsonl(config.EVAL_DIR / "dev_world" / "gold.jsonl")
    assert [d["doc_id"] for d in docs] == [doc_id] and docs[0]["site"] == "example.org"
    committed = json.dumps(gold) + json.dumps(docs)
    assert "working around the clock" not in committed and "1,200 families" not in committed
    assert gold[0]["quotes"][0]["speaker"] == "Mara Quill" and "start_char" in gold[0]["figures"][0]

    dump, gold_path, n = evalsets.build("dev_world", sets_env / "built")
    assert n == 1
    rebuilt = evalsets.read_jsonl(gold_path)[0]
    assert rebuilt["quotes"][0]["opening"] == "We are working around the clock"
    assert [f["text"] for f in rebuilt["figures"]] == ["1,200 families", "40 tonnes"]
    assert rebuilt["dates"][0]["text"] == "3 May 2024"

    from pipeline.parse import parse_files

    parsed = parse_files([(dump.name, dump.read_bytes())])
    article = parsed.articles[0]
    assert article["article_id"] == rebuilt["article_id"] and article["title"].startswith("Relief agency")
    assert str(article["published"]) == "2024-05-03"


@pytest.mark.parametrize("change, problem", [
    ({"entities": [{"label": "ORG", "canonical": "Relief Agency", "mentions": ["Relief Agencies"]}]},
     "mention 'Relief Agencies'"),
    ({"roles": [{"person": "Northland", "title": "Representative", "org": None, "place": None}]},
     "not a PERSON canonical"),
    ({"quotes": [{"opening": "the agency\u2019s Representative", "speaker": None}]}, "does not follow a quotation mark"),
    ({"figures": [{"text": "12 boats", "value": 12, "value_max": None, "unit": "boats", "qualifier": None}]},
     "is not in the text"),
    ({"dates": [{"text": "3 May 2024", "start": "2024-05-04", "end": "2024-05-03"}]}, "start/end"),
    ({"kind": "poem"}, "kind"),
])
def test_validate_names_each_problem_and_freeze_writes_nothing(sets_env, change, problem):
    _cache("dev_world", **change)
    problems = evalsets.freeze("dev_world")
    assert any(problem in p for p in problems.items), problems.items
    assert not (config.EVAL_DIR / "dev_world" / "docs.jsonl").exists()


def test_check_tells_missing_corrupt_and_intact_texts(sets_env):
    doc_id = _cache("dev_world")
    assert evalsets.freeze("dev_world").items == []
    [status] = evalsets.check_all()
    assert status.present == [doc_id] and not status.missing and not status.problems.items

    gold_path = config.EVAL_DIR / "dev_world" / "gold.jsonl"
    good_gold = gold_path.read_text(encoding="utf-8")
    shifted = evalsets.read_jsonl(gold_path)
    shifted[0]["figures"][0]["start_char"] += 1
    evalsets.write_jsonl(gold_path, shifted)
    [status] = evalsets.check_all()
    assert any("do not hold the annotated words" in p for p in status.problems.items)
    gold_path.write_text(good_gold, encoding="utf-8")

    reviewed_path = config.EVAL_DIR / "dev_world" / "entities_reviewed.jsonl"   # a second pass, checked the same way
    evalsets.write_jsonl(reviewed_path, [{"doc_id": doc_id, "entities": [
        {"label": "ORG", "canonical": "Relief Agency", "mentions": ["Relief Agencies"]}]}])
    [status] = evalsets.check_all()
    assert any("(entities_reviewed.jsonl): mention 'Relief Agencies'" in p for p in status.problems.items)
    evalsets.write_jsonl(reviewed_path, [{"doc_id": "0" * 12, "entities": []}])
    [status] = evalsets.check_all()
    assert any("documents the set does not have" in p for p in status.problems.items)
    reviewed_path.unlink()

    path = evalsets.excerpt_path("dev_world", doc_id)
    path.write_text(WRITTEN_EXCERPT.replace("1,200", "1,300"), encoding="utf-8")
    [status] = evalsets.check_all()
    assert any("differs from the excerpt" in p for p in status.problems.items)

    path.unlink()
    [status] = evalsets.check_all()
    assert [d["doc_id"] for d in status.missing] == [doc_id]
    report = evalsets.format_status([status])
    assert "1 missing" in report and "query='flood aid written'" in report and "rank 1" in report


def test_a_rebuild_plan_costs_one_look_up_per_query_and_keeps_the_blind_texts_apart(sets_env):
    for page, query in (("a", "floods north"), ("b", "floods north"), ("c", "drought east"), ("d", "storm west")):
        _cache("dev_world", url=f"https://example.org/written-for-tests/{page}", query=query)
    _cache("blind", url="https://example.com/written-for-tests/e", query="floods north")
    assert evalsets.freeze("dev_world").items == [] and evalsets.freeze("blind").items == []
    for path in config.EXTERNAL_DIR.glob("*/*.txt"):
        path.unlink()
    plan = evalsets.rebuild_plan(evalsets.check_all(), parts=2)
    queries = {name: [r["query"] for r in rows] for name, rows in plan.items()}
    assert queries == {"part01": ["floods north", "floods north", "storm west"], "part02": ["drought east"],
                       "blind": ["floods north"]}
    assert {r["set"] for r in plan["blind"]} == {"blind"}
    summary = evalsets.write_rebuild_plan(plan, sets_env / "plan")
    assert summary.startswith("5 missing texts, 4 look-ups")
    assert [r["doc_id"] for r in evalsets.read_jsonl(sets_env / "plan" / "part02.jsonl")] == \
        [evalsets.doc_id_for("https://example.org/written-for-tests/c")]


def test_check_flags_a_site_in_two_sets(sets_env):
    _cache("dev_world")
    assert evalsets.freeze("dev_world").items == []
    other = "https://example.org/written-for-tests/second"
    _cache("blind", url=other)
    assert evalsets.freeze("blind").items == []
    statuses = evalsets.check_all()
    assert any("sites shared with" in p for s in statuses for p in s.problems.items)


def test_a_training_set_may_share_sites_with_dev_world_but_not_with_blind(sets_env):
    evalsets.claim("dev_world", URL)
    assert evalsets.claim("train_world", "https://example.org/written-for-tests/train")
    with pytest.raises(evalsets.EvalSetError, match="belongs to set"):
        evalsets.claim("blind", "https://example.org/written-for-tests/blind")
    evalsets.claim("blind", "https://example.net/written-for-tests/blind")
    with pytest.raises(evalsets.EvalSetError, match="belongs to set blind"):
        evalsets.claim("train_world", "https://example.net/written-for-tests/train")
    assert evalsets.set_dir("train_world") == config.TRAIN_DIR / "train_world"


def test_a_claim_for_a_new_site_refuses_a_website_any_other_set_uses(sets_env):
    evalsets.claim("dev_world", URL)
    with pytest.raises(evalsets.EvalSetError, match="belongs to set dev_world"):
        evalsets.claim("dev_world5", "https://example.org/written-for-tests/other", new_site=True)
    assert evalsets.claim("dev_world5", "https://example.net/written-for-tests/a", new_site=True)
    assert evalsets.claim("dev_world5", "https://example.net/written-for-tests/b", new_site=True)  # its own site


def test_a_subdomain_is_the_same_website_but_a_sibling_subdomain_is_another(sets_env):
    evalsets.claim("blind", "https://example.com/written-for-tests/blind")
    with pytest.raises(evalsets.EvalSetError, match="belongs to set blind"):
        evalsets.claim("train_world", "https://news.example.com/written-for-tests/train")
    evalsets.claim("blind", "https://malawi.example.org/written-for-tests/blind")
    with pytest.raises(evalsets.EvalSetError, match="belongs to set blind"):
        evalsets.claim("train_world", "https://example.org/written-for-tests/train")
    assert evalsets.claim("train_world", "https://guyana.example.org/written-for-tests/train")
    assert not evalsets.same_website("example.org", "anotherexample.org")
    assert not evalsets.same_website("un.org", "malawi.un.org")   # the UN's own sites are separate publishers


def test_errors_are_never_listed_for_the_blind_set(sets_env):
    with pytest.raises(evalsets.EvalSetError, match="blind"):
        evalsets.list_errors("blind")


def test_errors_of_tables_another_pipeline_made_are_scored_again_first(sets_env, tmp_path, monkeypatch):
    out = tmp_path / "out" / "dev_world"
    assert evalsets.tables_fingerprint(out) is None
    out.mkdir(parents=True)
    (out / "mentions.parquet").write_bytes(b"")
    (out / "manifest.json").write_text(json.dumps({"extract": {"fingerprint": "an-older-pipeline"}}))
    assert evalsets.tables_fingerprint(out) == "an-older-pipeline"
    scored = []
    monkeypatch.setattr(evalsets, "score_set", lambda name, work, outr: scored.append(name))   # no text present
    with pytest.raises(evalsets.EvalSetError, match="no text of dev_world is present"):
        evalsets.list_errors("dev_world", out_root=tmp_path / "out", work_root=tmp_path / "work")
    assert scored == ["dev_world"]


@pytest.mark.e2e
def test_score_runs_the_pipeline_on_a_present_set_and_prints_one_table(sets_env, tmp_path):
    _cache("dev_world")
    assert evalsets.freeze("dev_world").items == []
    summary = evalsets.score_all(out_root=tmp_path / "out", work_root=tmp_path / "work", with_dev_gold=False)
    report = summary["reports"]["dev_world"]
    assert report["n_docs_present"] == 1
    assert report["entities"]["micro"]["tp"] > 0
    assert summary["table"].splitlines()[2].startswith("| dev_world | 1 |")
    assert report["sites"][0]["site"] == "example.org"
    errors = evalsets.list_errors("dev_world", out_root=tmp_path / "out", work_root=tmp_path / "work")
    assert errors == "" or errors.startswith("== ")


# The committed sets: identity and annotations only, never the texts.

REAL_SETS = [p for p in sorted((config.ROOT / "data" / "eval").glob("*/docs.jsonl"))]
DOC_KEYS = {"doc_id", "article_id", "url", "site", "query", "rank", "excerpt_sha256", "keep_lines", "sha256",
            "n_chars", "date", "countries", "kind"}


@pytest.mark.parametrize("docs_path", REAL_SETS, ids=[p.parent.name for p in REAL_SETS])
def test_committed_sets_hold_identity_and_annotations_only(docs_path: Path):
    docs = evalsets.read_jsonl(docs_path)
    gold = evalsets.read_jsonl(docs_path.parent / "gold.jsonl")
    assert docs and {d["doc_id"] for d in docs} == {g["doc_id"] for g in gold}
    for d in docs:
        assert set(d) == DOC_KEYS
        assert d["doc_id"] == evalsets.doc_id_for(d["url"]) and d["site"] == evalsets.site_of(d["url"])
    for g in gold:
        assert set(g) == {"doc_id", "article_id", "entities", "figures", "dates", "roles", "quotes"}
        assert all(set(q) == {"start_char", "end_char", "span_sha", "speaker"} for q in g["quotes"])
        assert all("text" not in f for f in g["figures"] + g["dates"])
        names = [m for e in g["entities"] for m in e["mentions"]] + [e["canonical"] for e in g["entities"]]
        assert all(len(n) <= 160 for n in names)


def test_committed_sets_are_large_and_share_no_site():
    sets = {p.parent.name: evalsets.read_jsonl(p) for p in REAL_SETS}
    if not sets:
        pytest.skip("no evaluation set committed yet")
    sites = {name: {d["site"] for d in docs} for name, docs in sets.items()}
    assert len(sets["dev_world"]) >= 80 and len(sites["dev_world"]) >= 40
    assert len({c for d in sets["dev_world"] for c in d["countries"]}) >= 25
    assert len(sets["blind"]) >= 40 and len(sites["blind"]) >= 20
    assert not sites["dev_world"] & sites["blind"]
    heldout = config.HELDOUT_URLS_FILE
    if heldout.exists():
        hashes = evalsets.load_heldout_hashes(heldout)
        assert not [d["url"] for docs in sets.values() for d in docs if evalsets.is_heldout(d["url"], hashes)]
