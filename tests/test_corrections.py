"""Analysts' corrections (pipeline/corrections.py): reading the CSV files, and every action applied by the
link stage, on hand-written rows and on the real corpus."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline import config
from pipeline import resolve as R
from pipeline.corrections import (CorrectionError, Corrections, occurrence_pattern, parse_corrections,
                                  read_corrections)
from pipeline.link import KBAccess, link_corpus
from pipeline.records import Extraction, Mention, Role

HEADER = "action,label,text,target,article_id,note\n"


# --------------------------------------------------------------------------------------------
# Reading and validating


def test_rows_are_read_with_their_line_numbers_and_empty_cells_as_none():
    text = ("\ufeff" + HEADER                       # a spreadsheet's UTF-8 BOM
            + "drop,PERSON,Rights Measures,,,part of a title\n"
            + "\n"                                   # blank lines are skipped, still counted
            + ",,,,,\n"
            + 'add,ORG,"Forum, the",,134301,"a note\non two lines"\n'
            + "merge,, Astana Hub ,Astana Hub Technopark,,\n")
    rows = parse_corrections(text.encode("utf-8"), "fixes.csv")
    assert [(r.line, r.action, r.label, r.text, r.target, r.article_id, r.note) for r in rows] == [
        (2, "drop", "PERSON", "Rights Measures", None, None, "part of a title"),
        (5, "add", "ORG", "Forum, the", None, "134301", "a note\non two lines"),
        (7, "merge", None, "Astana Hub", "Astana Hub Technopark", None, None),
    ]
    assert rows[0].where == "fixes.csv:2"


def test_columns_may_come_in_any_order():
    rows = parse_corrections("note,text,action,label,target,article_id\nwhy,Akorda,relabel,PERSON,ORG,\n", "a.csv")
    assert (rows[0].action, rows[0].label, rows[0].target, rows[0].note) == ("relabel", "PERSON", "ORG", "why")


@pytest.mark.parametrize("text, message", [
    ("", r"a\.csv:1: the first line must be the header"),
    ("action,label,text,target,note\n", r"a\.csv:1: wrong header \(missing article_id\)"),
    ("action,label,text,target,article_id,note,extra\n", r"a\.csv:1: wrong header \(unknown 'extra'\)"),
    ("drop,PERSON,Akorda,,,\n", r"a\.csv:1: wrong header"),
    (HEADER + "drop,PERSON,Akorda,,,\ndelete,PERSON,Akorda,,,\n", r"a\.csv:3: unknown action 'delete'"),
    (HEADER + "drop,PER,Akorda,,,\n", r"a\.csv:2: unknown label 'PER' \(one of UN_AGENCY, ORG, PERSON, GPE, LOC\)"),
    (HEADER + "drop,,Akorda,,,\n", r"a\.csv:2: drop needs a value in column 'label'"),
    (HEADER + "add,ORG,Forum,,,\n", r"a\.csv:2: add needs a value in column 'article_id'"),
    (HEADER + ",ORG,Forum,,,\n", r"a\.csv:2: no action"),
    (HEADER + "drop,PERSON,Akorda,ORG,,\n", r"a\.csv:2: drop takes no 'target' \(it has 'ORG'\)"),
    (HEADER + "relabel,PERSON,Akorda,Organisation,,\n", r"a\.csv:2: relabel: target 'Organisation' is not a label"),
    (HEADER + "relabel,ORG,Akorda,ORG,,\n", r"a\.csv:2: relabel: label and target are both ORG"),
    (HEADER + "merge,,UN Women,the UN WOMEN,,\n", r"a\.csv:2: merge: text and target are the same name"),
    (HEADER + "set_kb,GPE,Borovoye,Q 1,,\n", r"a\.csv:2: set_kb: target 'Q 1' is not a knowledge-base id"),
    (HEADER + "drop,PERSON,(...),,,\n", r"a\.csv:2: text '\(\.\.\.\)' is not a name"),
    (HEADER + "drop,PERSON,Akorda,,\n", r"a\.csv:2: 5 fields where the header has 6"),
    (HEADER + 'drop,PERSON,"Akorda,,,\nadd,ORG,Forum,,1,\n', r"a\.csv:2: not valid CSV \(unexpected end of data\)"),
    (HEADER + 'drop,PERSON,"Akorda" Palace,,,\n', r"a\.csv:2: not valid CSV"),
])
def test_a_malformed_file_is_an_error_naming_the_line(text, message):
    with pytest.raises(CorrectionError, match=message):
        parse_corrections(text.encode("utf-8"), "a.csv")


def test_a_file_that_is_not_utf8_is_an_error_naming_the_line():
    data = (HEADER + "drop,PERSON,Akorda,,,\ndrop,PERSON,Caf\xe9,,,\n").encode("latin-1")
    with pytest.raises(CorrectionError, match=r"a\.csv:3: not UTF-8 text"):
        parse_corrections(data, "a.csv")


def test_the_folder_is_read_in_name_order_and_only_csv_files_apply(tmp_path):
    (tmp_path / "b.csv").write_text(HEADER + "drop,PERSON,Bee,,,\n")
    (tmp_path / "a.csv").write_text(HEADER + "drop,PERSON,Ay,,,\ndrop,PERSON,Ay two,,,\n")
    (tmp_path / "c.csv.example").write_text(HEADER + "drop,PERSON,Example,,,\n")
    (tmp_path / ".~lock.a.csv").write_text("locked by a spreadsheet")
    (tmp_path / ".hidden.csv").write_text("not read")
    (tmp_path / "README.md").write_text("# not read")
    assert [(r.file, r.line, r.text) for r in read_corrections(tmp_path)] == [
        ("a.csv", 2, "Ay"), ("a.csv", 3, "Ay two"), ("b.csv", 2, "Bee")]
    assert read_corrections(None) == []
    with pytest.raises(CorrectionError, match="does not exist"):
        read_corrections(tmp_path / "typo")


def test_the_shipped_template_is_valid_and_lists_every_action():
    read_corrections(config.CORRECTIONS_DIR)   # whatever analysts have written there reads without error
    example = config.CORRECTIONS_DIR / "corrections.csv.example"
    rows = parse_corrections(example.read_bytes(), example.name)
    assert {r.action for r in rows} == {"drop", "relabel", "merge", "unmerge", "set_kb", "add"}


@pytest.mark.parametrize("needle, text, found", [
    ("UN", "The UN said", ["UN"]),
    ("UN", "UNICEF said", []),                        # inside a longer word
    ("UN", "UN-Habitat said", []),                    # a hyphen joins words
    ("UNICEF", "UNICEF's office", ["UNICEF"]),         # a possessive ends the word
    ("UN Women", "UN\nWomen and UN  Women", ["UN\nWomen", "UN  Women"]),
    ("U.N.", "the U.N. team", ["U.N."]),
    ("Forum", "the forum", []),                       # exact case
])
def test_add_finds_whole_words_only(needle, text, found):
    assert [m.group() for m in occurrence_pattern(needle).finditer(text)] == found


# --------------------------------------------------------------------------------------------
# Hand-written extractions: each action's effect on every linked table


TEXT = ("Ingrid Halvorsen, Director of the Baltic Water Council, said the Council met in Tbilisi. "
        "Halvorsen thanked the Baltic Water Council.\nThe Harbor Fund in Tbilisi paid.")
SENTENCE_STARTS = [0, 89, 133]


def _at(sub: str, label: str, n: int = 0, kb_id: str | None = None) -> Mention:
    i = -1
    for _ in range(n + 1):
        i = TEXT.index(sub, i + 1)
    return Mention(label, sub, i, i + len(sub), sum(i >= s for s in SENTENCE_STARTS[1:]), "model", kb_id)


def _extraction() -> Extraction:
    person, org = _at("Ingrid Halvorsen", "PERSON"), _at("Baltic Water Council", "ORG")
    return Extraction("a1", mentions=[person, org, _at("Tbilisi", "GPE"), _at("Halvorsen", "PERSON", 1),
                                      _at("Baltic Water Council", "ORG", 1), _at("Harbor Fund", "ORG"),
                                      _at("Tbilisi", "GPE", 1)],
                      roles=[Role(person.start_char, person.end_char, "Director", org.start_char, org.end_char,
                                  None, None, person.start_char, org.end_char, 0)],
                      sentence_starts=SENTENCE_STARTS)


def _link(csv_rows: str, *extractions: Extraction) -> dict:
    rows = parse_corrections(HEADER + csv_rows, "t.csv")
    return link_corpus(list(extractions) or [_extraction()], kb=KBAccess(), corrections=Corrections(rows, {"a1": TEXT}))


def test_drop_removes_the_mentions_and_whatever_pointed_at_them():
    out = _link("drop,PERSON,Ingrid Halvorsen,,,\n")
    assert "Ingrid Halvorsen" not in {m["text"] for m in out["mentions"]}
    assert out["roles"] == []                  # its person is gone
    (row,) = out["corrections_applied"]
    assert (row["rows_changed"], row["status"], row["detail"]) == (1, "applied", "1 mention removed")


def test_add_makes_mentions_at_exact_offsets_in_the_parsers_sentences_replacing_what_overlaps():
    out = _link("add,ORG,Harbor Fund in Tbilisi,,a1,\n")
    added = [m for m in out["mentions"] if m["source"] == "correction"]
    assert [(TEXT[m["start_char"]:m["end_char"]], m["label"], m["sentence_index"]) for m in added] == [
        ("Harbor Fund in Tbilisi", "ORG", 2)]
    assert {m["text"] for m in out["mentions"]} >= {"Tbilisi"}               # the first Tbilisi stays
    assert "Harbor Fund" not in {m["text"] for m in out["mentions"]}         # replaced by the longer span
    (row,) = out["corrections_applied"]
    assert (row["rows_changed"], row["detail"]) == (1, "1 occurrence became ORG mentions; replacing 2 overlapping mentions")


def test_merge_and_an_ambiguous_target():
    two = Extraction("a2", mentions=[Mention("ORG", "Harbor Fund", 0, 11, 0, "model")], sentence_starts=[0])
    out = _link("merge,,Harbor Fund,Baltic Water Council,,\n", _extraction(), two)
    council = {m["entity_id"] for m in out["mentions"] if m["text"] == "Baltic Water Council"}
    assert {m["entity_id"] for m in out["mentions"] if m["text"] == "Harbor Fund"} == council
    (entity,) = [e for e in out["entities"] if e["entity_id"] in council]
    assert entity["aliases"] == ["Harbor Fund"] and entity["n_mentions"] == 4 and entity["n_articles"] == 2
    assert [(m["merged_name"], m["rule"]) for m in out["merges"] if m["entity_id"] in council] == [
        ("Harbor Fund", "correction")]

    # "Ministry of Culture" without its country stays inside its article: two entities of one name.
    m1 = Extraction("m1", mentions=[Mention("ORG", "Ministry of Culture", 0, 19, 0, "model"),
                                    Mention("ORG", "Culture Fund", 30, 42, 0, "model")], sentence_starts=[0])
    m2 = Extraction("m2", mentions=[Mention("ORG", "Ministry of Culture", 0, 19, 0, "model")], sentence_starts=[0])
    out = _link("merge,,Culture Fund,Ministry of Culture,,\nmerge,,Culture Fund,Ministry of Culture,m1,\n", m1, m2)
    first, second = out["corrections_applied"]
    assert (first["status"], first["rows_changed"]) == ("ambiguous_target", 0)
    assert "give a label or an article_id" in first["detail"]
    assert (second["status"], second["rows_changed"]) == ("applied", 1)   # the article's own ministry


def test_unmerge_gives_the_alias_an_entity_of_its_own_and_its_role_follows_the_span():
    out = _link("unmerge,,Halvorsen,,,\n")
    ids = {m["text"]: m["entity_id"] for m in out["mentions"]}
    assert ids["Halvorsen"] != ids["Ingrid Halvorsen"]
    new = next(e for e in out["entities"] if e["entity_id"] == ids["Halvorsen"])
    assert (new["name"], new["label"], new["n_mentions"]) == ("Halvorsen", "PERSON", 1)
    assert out["roles"][0]["person_entity_id"] == ids["Ingrid Halvorsen"]
    again = _link("unmerge,,Halvorsen,,,\n")
    assert {m["entity_id"] for m in again["mentions"]} == {m["entity_id"] for m in out["mentions"]}  # stable id
    own = _link("unmerge,,Ingrid Halvorsen,,,\n")["corrections_applied"][0]
    assert (own["status"], own["rows_changed"]) == ("unchanged", 0)


def test_corrections_that_match_nothing_are_reported_with_zero_rows():
    out = _link("drop,ORG,Nothing Here,,,\nrelabel,,Tbilisi,GPE,,\nadd,ORG,Fund,,a1,\nadd,ORG,Fund,,a9,\n"
                "merge,,Nowhere,Baltic Water Council,,\nunmerge,,Tbilisi,,,\n")
    assert [(r["line"], r["rows_changed"], r["status"]) for r in out["corrections_applied"]] == [
        (2, 0, "no_match"), (3, 0, "unchanged"), (4, 0, "unchanged"), (5, 0, "no_article"), (6, 0, "no_match"),
        (7, 0, "unchanged")]
    # "Fund" is inside the mention "Harbor Fund": left alone, and the row says why.
    assert "inside a longer mention" in out["corrections_applied"][2]["detail"]


# --------------------------------------------------------------------------------------------
# The real corpus: link with corrections on the real extractions (seconds), against the run without


def _table(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(folder / f"{name}.parquet")


@pytest.fixture
def relink(real_run, tmp_path):
    """Link the real corpus's extractions again with the given corrections; returns the output folder."""
    from pipeline.stages import link_stage

    def run(csv_rows: str) -> Path:
        out = tmp_path / "out"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        for name in ("articles.parquet", "rejects.parquet", "extractions.jsonl", "manifest.json"):
            shutil.copy(real_run / name, out / name)
        folder = tmp_path / "corrections"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        (folder / "fixes.csv").write_text(HEADER + csv_rows, encoding="utf-8")
        link_stage(out, folder)
        _assert_consistent(out)
        return out

    return run


def _assert_consistent(out: Path) -> None:
    """The link tables agree with each other and with the article texts, whatever was corrected."""
    mentions, entities = _table(out, "mentions"), _table(out, "entities").set_index("entity_id")
    texts = _table(out, "articles").set_index("article_id")["text"]
    assert all(texts[m.article_id][m.start_char:m.end_char] == m.text for m in mentions.itertuples())
    assert set(mentions.entity_id) == set(entities.index)
    assert (mentions.groupby("entity_id").size() == entities.n_mentions).all()
    assert (mentions.groupby("entity_id").article_id.nunique() == entities.n_articles).all()
    ae = _table(out, "article_entities").set_index(["article_id", "entity_id"]).sort_index()
    per = mentions.groupby(["article_id", "entity_id"]).agg(n_mentions=("mention_id", "size"),
                                                           first_char=("start_char", "min")).sort_index()
    assert ae[["n_mentions", "first_char"]].equals(per.astype(ae[["n_mentions", "first_char"]].dtypes))
    assert (ae.label == entities.label.reindex(ae.index.get_level_values("entity_id")).values).all()
    roles, quotes = _table(out, "roles"), _table(out, "quotes")
    linked = set(roles.person_entity_id) | set(roles.org_entity_id.dropna()) | set(roles.place_entity_id.dropna()) \
        | set(quotes.speaker_entity_id.dropna())
    assert linked <= set(entities.index)
    assert set(_table(out, "merges").entity_id) <= set(entities.index)


# A mention the shipped pipeline gets wrong in the seed corpus (the gold has the institute without its board).
WRONG_ORG = "Board of the Kazakh Research Institute of Economy of Agro-Industrial Complex and Rural Development"


def _applied(out: Path) -> list[tuple]:
    return [(r.action, r.text, r.rows_changed, r.status) for r in _table(out, "corrections_applied").itertuples()]


def _only(df: pd.DataFrame, **where) -> pd.DataFrame:
    for col, value in where.items():
        df = df[df[col] == value]
    return df


def test_real_drop_removes_a_false_entity_from_every_table(real_run, relink):
    wrong = WRONG_ORG
    before = _only(_table(real_run, "mentions"), text=wrong, label="ORG")
    assert len(before) == 1, "the real corpus no longer has this error: pick another"
    (eid,) = before.entity_id
    out = relink(f"drop,ORG,{wrong},,,the institute's board: the institute is the name\n")
    assert _applied(out) == [("drop", wrong, 1, "applied")]
    assert len(_table(out, "mentions")) == len(_table(real_run, "mentions")) - 1
    assert eid not in set(_table(out, "entities").entity_id)
    assert eid not in set(_table(out, "article_entities").entity_id)


def test_real_drop_in_one_article_leaves_the_others(real_run, relink):
    mentions = _table(real_run, "mentions")
    kz = mentions[(mentions.label == "GPE") & (mentions.text.map(R.surface_key) == "kazakhstan")]
    article = kz.article_id.value_counts().index[0]
    n = int((kz.article_id == article).sum())
    out = relink(f"drop,GPE,Kazakhstan,,{article},\n")
    assert _applied(out) == [("drop", "Kazakhstan", n, "applied")]
    mentions = _table(out, "mentions")
    after = mentions[(mentions.label == "GPE") & (mentions.text.map(R.surface_key) == "kazakhstan")]
    assert article not in set(after.article_id)
    assert len(after) == len(kz) - n
    entity = _table(out, "entities").set_index("entity_id").loc["GPE:Q232"]
    assert entity.n_mentions == _table(real_run, "entities").set_index("entity_id").loc["GPE:Q232"].n_mentions - n


def test_real_relabel_changes_the_mention_and_the_entity(real_run, relink):
    before = _only(_table(real_run, "mentions"), text="Akorda")
    assert list(before.label) == ["PERSON"], "the real corpus no longer has this error: pick another"
    out = relink("relabel,PERSON,Akorda,ORG,,the presidential administration\n")
    assert _applied(out) == [("relabel", "Akorda", 1, "applied")]
    (mention,) = _only(_table(out, "mentions"), text="Akorda").itertuples()
    assert mention.label == "ORG" and mention.entity_id.startswith("ORG:")
    entity = _table(out, "entities").set_index("entity_id").loc[mention.entity_id]
    assert (entity["name"], entity.label) == ("Akorda", "ORG")
    assert before.entity_id.iloc[0] not in set(_table(out, "entities").entity_id)


def test_real_merge_in_one_article_moves_its_mentions_and_keeps_the_targets_id(real_run, relink):
    # The seed corpus names "the Ministry of Agriculture" in an article on Kazakhstan's ministries (236335) and in
    # one on a study tour to Hungary (236334); linking keeps both apart from "Ministry of Agriculture of Kazakhstan".
    short, whole, kazakh, hungarian = "Ministry of Agriculture", "Ministry of Agriculture of Kazakhstan", "236335", "236334"
    mentions = _table(real_run, "mentions")
    before = {a: _only(mentions, text=short, article_id=a) for a in (kazakh, hungarian)}
    assert all(len(m) == 1 for m in before.values()), "the real corpus no longer names it so: pick another"
    target = _table(real_run, "entities").set_index("name").loc[whole]
    assert target.entity_id not in {m.entity_id.iloc[0] for m in before.values()}, "already linked: pick another"
    out = relink(f'merge,,"{short}","{whole}",{kazakh},the article is on Kazakhstan\'s ministries\n')
    assert _applied(out) == [("merge", short, 1, "applied")]
    after = _table(out, "mentions")
    assert list(_only(after, text=short, article_id=kazakh).entity_id) == [target.entity_id]
    assert list(_only(after, text=short, article_id=hungarian).entity_id) == list(before[hungarian].entity_id)
    merged = _table(out, "entities").set_index("entity_id").loc[target.entity_id]
    assert merged["name"] == whole and short in list(merged.aliases)
    assert merged.n_mentions == target.n_mentions + 1
    rules = _only(_table(out, "merges"), entity_id=target.entity_id)
    assert (short, "correction") in list(zip(rules.merged_name, rules.rule))


def test_real_unmerge_takes_an_alias_out_of_its_entity(real_run, relink):
    # The seed corpus has no wrong alias left to undo; a first name alone ("Dinara", which the article uses
    # for Dinara Saduakassova) is the kind of alias an analyst may want kept apart.
    before = _only(_table(real_run, "mentions"), text="Dinara", label="PERSON")
    assert len(before) == 1, "the real corpus no longer has this alias: pick another"
    (old,) = before.entity_id
    old_entity = _table(real_run, "entities").set_index("entity_id").loc[old]
    assert "Dinara" in list(old_entity.aliases)
    out = relink("unmerge,,Dinara,,,a first name alone\n")
    assert _applied(out) == [("unmerge", "Dinara", 1, "applied")]
    (mention,) = _only(_table(out, "mentions"), text="Dinara").itertuples()
    assert mention.entity_id != old
    new = _table(out, "entities").set_index("entity_id").loc[mention.entity_id]
    assert (new["name"], new.label, new.n_mentions) == ("Dinara", "PERSON", 1) and pd.isna(new.kb_id)
    detail = _table(out, "corrections_applied").detail[0]
    assert f"moved from {old_entity['name']!r}" in detail
    assert "Dinara" not in set(_only(_table(out, "merges"), entity_id=old).merged_name)


def test_real_set_kb_links_a_region_to_its_record(real_run, relink):
    before = _only(_table(real_run, "mentions"), text="West Kazakhstan")
    assert len(before) == 1 and not before.entity_id.iloc[0].endswith("west-kazakhstan-region"), \
        "the real corpus no longer has this error: pick another"
    out = relink("set_kb,,West Kazakhstan,place:kz-west-kazakhstan-region,,the region\n")
    assert _applied(out) == [("set_kb", "West Kazakhstan", 1, "applied")]
    (mention,) = _only(_table(out, "mentions"), text="West Kazakhstan").itertuples()
    assert mention.entity_id == "GPE:place:kz-west-kazakhstan-region"
    entity = _table(out, "entities").set_index("entity_id").loc[mention.entity_id]
    assert (entity["name"], entity.kb_id) == ("West Kazakhstan region", "place:kz-west-kazakhstan-region")


def test_real_add_makes_every_occurrence_a_mention_at_its_offsets(real_run, relink):
    text = _table(real_run, "articles").set_index("article_id").text["134301"]
    starts = [i for i in range(len(text)) if text.startswith("Generation Equality Forum", i)]
    assert starts and _only(_table(real_run, "mentions"), text="Generation Equality Forum").empty
    out = relink("add,ORG,Generation Equality Forum,,134301,the model missed it\n")
    assert _applied(out) == [("add", "Generation Equality Forum", len(starts), "applied")]
    added = _only(_table(out, "mentions"), source="correction")
    assert list(added.start_char) == starts and set(added.label) == {"ORG"} and set(added.article_id) == {"134301"}
    assert added.entity_id.nunique() == 1
    assert list(added.sentence_index) == sorted(added.sentence_index)


def test_real_corrections_that_change_nothing_are_in_the_table(relink):
    out = relink("drop,ORG,Nonexistent Thing,,,\nadd,ORG,Forum,,999,\nmerge,,Nowhere,United Nations,,\n")
    assert [(a, n, s) for a, _, n, s in _applied(out)] == [("drop", 0, "no_match"), ("add", 0, "no_article"),
                                                         ("merge", 0, "no_match")]


@pytest.mark.e2e
def test_notebook_01_shows_the_corrections_in_force_and_their_effect(relink):
    from pipeline.notebooks import NOTEBOOK_DIR, execute_notebook

    out = relink(f"drop,ORG,{WRONG_ORG},,,\nadd,ORG,Generation Equality Forum,,134301,\n"
                 "drop,ORG,Nonexistent Thing,,,\n")
    added = len(_only(_table(out, "mentions"), source="correction"))
    nb = execute_notebook(NOTEBOOK_DIR / "01-extraction-quality.ipynb", out)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    shown = json.dumps([c.outputs for c in code])
    assert f"2 of 3 corrections changed the tables, {1 + added} rows of mentions in all" in shown
    assert "1 changed nothing: {'no_match': 1}" in shown
    assert f"{added} mentions added by corrections" in shown and added > 0
    (chart,) = [c for c in code if "rows of mentions changed" in c.source]
    assert any("image/png" in o.get("data", {}) for o in chart.outputs)


# --------------------------------------------------------------------------------------------
# The command line and make


def test_cli_reports_idle_corrections_on_stderr_and_a_malformed_file_stops_before_writing(real_run, tmp_path, capsys):
    from pipeline.cli import main

    out, folder = tmp_path / "out", tmp_path / "corrections"
    shutil.copytree(real_run, out)
    folder.mkdir()
    (folder / "fixes.csv").write_text(HEADER + f"drop,ORG,{WRONG_ORG},,,\ndrop,ORG,Nonexistent Thing,,,\n")
    assert main(["link", "--output", str(out), "--corrections", str(folder)]) == 0
    captured = capsys.readouterr()
    assert "corrections: 1 of 2 changed the tables" in captured.out
    assert "warning: correction fixes.csv:3 (drop label='ORG' text='Nonexistent Thing') changed nothing: no_match" \
        in captured.err
    assert main(["link", "--output", str(out), "--corrections", str(folder), "--strict"]) == 1

    before = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    (folder / "more.csv").write_text(HEADER + "drop,PERSON,Someone,,,\nrename,PERSON,Someone,,,\n")
    assert main(["link", "--output", str(out), "--corrections", str(folder)]) == 2
    assert "more.csv:3: unknown action 'rename'" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.glob("*.parquet")} == before


def _make_dry_run(out: Path, corrections: Path) -> str:
    return subprocess.run(["make", "-n", "--no-print-directory", "link", f"OUT={out}", f"CORRECTIONS={corrections}"],
                          cwd=config.ROOT, capture_output=True, text=True, check=True).stdout


def test_make_reruns_link_only_when_a_correction_is_added_edited_or_deleted(real_run, tmp_path):
    """The tables' times are set in the future (parse < extract < link) so that code edited meanwhile
    does not matter; a corrections file newer than the link tables must make link, and link alone, run."""
    out, folder = tmp_path / "out", tmp_path / "corrections"
    shutil.copytree(real_run, out)
    folder.mkdir()
    now = time.time()

    def stamp(path: Path, ahead: float) -> None:
        os.utime(path, (now + ahead, now + ahead))

    for name in ("articles", "rejects"):
        stamp(out / f"{name}.parquet", 1000)
    stamp(out / "extractions.jsonl", 2000)
    for name in config.TABLE_NAMES[2:]:
        stamp(out / f"{name}.parquet", 3000)
    stamp(folder, 500)
    assert "pipeline" not in _make_dry_run(out, folder)    # up to date: nothing would run
    fixes = folder / "fixes.csv"
    fixes.write_text(HEADER)
    stamp(folder, 500)
    stamp(fixes, 4000)                                     # added or edited
    commands = _make_dry_run(out, folder).strip().splitlines()
    assert commands == [f".venv/bin/python -m pipeline link --output {out} --corrections {folder}"]
    fixes.unlink()
    stamp(folder, 4000)                                    # deleted: only the folder's time says so
    assert _make_dry_run(out, folder).strip().splitlines() == commands
