"""Compiled tables cached on disk by fingerprint (pipeline/compiled.py)."""
from __future__ import annotations

import marshal

import pytest

from pipeline import compiled, config, kb


@pytest.fixture()
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "COMPILED_DIR", tmp_path / "compiled")
    return tmp_path / "compiled"


def test_a_second_call_loads_what_the_first_compiled(store, tmp_path):
    data = tmp_path / "forms.txt"
    data.write_text("Almaty\nAstana\n")
    calls = []

    def build():
        calls.append(1)
        return {"forms": frozenset(data.read_text().split()), "pair": ("GPE", "Q35493")}

    first = compiled.cached("forms", (data,), build)
    second = compiled.cached("forms", (data,), build)
    assert first == second == {"forms": frozenset({"Almaty", "Astana"}), "pair": ("GPE", "Q35493")}
    assert calls == [1]
    [stored] = store.glob("forms-*.marshal")
    assert marshal.loads(stored.read_bytes()) == first


def test_a_changed_input_compiles_again(store, tmp_path):
    data = tmp_path / "forms.txt"
    data.write_text("Almaty\n")
    compiled.cached("forms", (data,), lambda: data.read_text().split())
    data.write_text("Almaty\nShymkent\n")
    assert compiled.cached("forms", (data,), lambda: data.read_text().split()) == ["Almaty", "Shymkent"]
    assert len(list(store.glob("forms-*.marshal"))) == 2


def test_fingerprint_reads_folders_packages_and_values(tmp_path):
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "a.jsonl").write_text("{}\n")
    before = compiled.fingerprint(folder, ("package", "pycountry"), "rules v1")
    assert before == compiled.fingerprint(folder, ("package", "pycountry"), "rules v1")
    assert before != compiled.fingerprint(folder, ("package", "pycountry"), "rules v2")
    (folder / "b.jsonl").write_text("{}\n")
    assert before != compiled.fingerprint(folder, ("package", "pycountry"), "rules v1")


def test_an_unwritable_store_still_returns_the_tables_and_says_so(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setattr(config, "COMPILED_DIR", blocker / "compiled")   # a folder inside a file
    assert compiled.cached("forms", ("x",), lambda: [1, 2]) == [1, 2]
    assert "cannot store compiled tables" in capsys.readouterr().err


def test_knowledge_base_tables_are_the_same_compiled_or_loaded(store):
    fresh = kb.KnowledgeBase(config.KB_DIR)
    assert not store.exists()
    almaty = fresh.lookup_alias("Almaty", "GPE")
    assert almaty is not None and almaty.kb_id == "geonames:1526384"
    loaded = kb.KnowledgeBase(config.KB_DIR)          # a new object reads the stored tables
    assert list(store.glob("kb_tables-*.marshal"))
    assert loaded.lookup_alias("Almaty", "GPE") == almaty
    assert loaded.kb_index["geonames:1526384"] == fresh.kb_index["geonames:1526384"]
    assert len(loaded.alias_table) == len(fresh.alias_table) > 10_000
    assert loaded.country_forms_folded == fresh.country_forms_folded
