import json
import re

import pytest

from pipeline.datafiles import DataFileError

from pipeline import kb


def test_kb_index_holds_un_bodies_and_places():
    index = kb.kb_index()
    unicef = index["Q740308"]
    assert unicef.label == "UN_AGENCY"
    assert "UNICEF" in unicef.aliases
    assert index["Q1065"].name == "United Nations"
    mongolia = next(e for e in index.values() if e.name == "Mongolia")
    assert mongolia.label == "GPE" and mongolia.kb_id == "Q711"


def test_lookup_alias_resolves_former_city_names():
    astana = kb.lookup_alias("Tselinograd", "GPE")
    assert astana is not None and astana.name == "Astana"
    assert astana.kb_id.startswith("geonames:") and astana.latitude is not None
    assert kb.lookup_alias("Semipalatinsk", "GPE").name == "Semey"
    assert kb.lookup_alias("Uralsk", "GPE").name == "Oral"


def test_the_uns_principal_organs_go_by_their_bare_names():
    assert kb.lookup_alias("Security Council", "UN_AGENCY").kb_id == "Q37470"
    assert kb.lookup_alias("General Assembly", "UN_AGENCY").name == "United Nations General Assembly"
    assert kb.bare_organ_name("United Nations Secretariat", "principal_organ") is None   # one word: too common
    assert kb.bare_organ_name("United Nations Population Fund", "fund_programme") is None


def test_lookup_alias_respects_the_label():
    assert kb.lookup_alias("WFP", "UN_AGENCY").kb_id == "Q204344"
    assert kb.lookup_alias("WFP", "ORG") is None
    assert kb.lookup_alias("World Bank", "UN_AGENCY") is None      # ORG by the guidelines
    assert kb.lookup_alias("World Bank", "ORG") is not None
    assert kb.lookup_alias("Khatlon region", "GPE").kb_id == "place:tj-khatlon-region"
    assert kb.lookup_alias("Caspian Sea", "LOC") is not None
    assert kb.lookup_alias("Nowhere-on-Earth", "GPE") is None


def test_lookup_alias_folds_case_the_and_apostrophes():
    assert kb.lookup_alias("the United Nations Children’s Fund", "UN_AGENCY").kb_id == "Q740308"
    assert kb.lookup_alias("IAEA", "UN_AGENCY").name == "International Atomic Energy Agency"


def test_lookup_alias_accepts_a_country_office_form():
    hit = kb.lookup_alias("WFP Mongolia", "UN_AGENCY")
    assert hit is not None and hit.kb_id == "Q204344"


def test_region_and_city_of_one_name_are_two_entities():
    assert kb.lookup_alias("Bukhara region", "GPE").kb_id != kb.lookup_alias("Bukhara", "GPE").kb_id


@pytest.mark.parametrize("path", [kb.UN_SYSTEM_FILE, kb.ORGANIZATIONS_FILE, kb.PLACES_FILE, kb.SUBDIVISIONS_FILE])
def test_kb_files_are_versioned_with_unique_ids(path):
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert rows and all(r["version"] in kb.KB_VERSIONS for r in rows)
    ids = [r["kb_id"] for r in rows if "kb_id" in r and r.get("kind") != "city_alias"]
    assert len(ids) == len(set(ids))
    for r in rows:
        if r.get("qid"):
            assert re.fullmatch(r"Q\d+", r["qid"])


def test_un_system_covers_every_part_of_the_system():
    cats = {r.category for r in kb.un_bodies()}
    for needed in ("principal_organ", "fund_programme", "specialized_agency", "related_organization",
                   "department", "office", "regional_commission", "political_mission",
                   "research_training", "country_presence"):
        assert needed in cats
    names = {a for r in kb.un_bodies() for a in (r.name, *r.acronyms, *r.aliases)}
    assert {"UNAMA", "UNRCCA", "UN Country Team", "Resident Coordinator's Office"} <= names


def test_unknown_record_version_is_refused(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"version": 99, "kb_id": "x"}\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="x.jsonl: record 1: unknown KB record version 99"):
        kb._read_jsonl(p)


def test_a_broken_or_missing_kb_file_is_an_error_naming_it(tmp_path):
    p = tmp_path / "broken.jsonl"
    p.write_text('{"version": 1, "kb_id": "a"}\n{"version": 1, "kb_id": \n', encoding="utf-8")
    with pytest.raises(DataFileError, match="broken.jsonl:2: invalid JSON"):
        kb._read_jsonl(p)
    with pytest.raises(DataFileError, match="gone.jsonl: data file missing"):
        kb._read_jsonl(tmp_path / "gone.jsonl")


def test_sensible_english_alternates_filters_scripts_codes_and_glosses():
    alts = kb.sensible_english_alternates(
        "Dushanbe", ["DYU", "Душанбе", "Stalinabad", "dushanbe", "Dusanbe - city", "Lungsod ng Dushanbe", "Dyushambe"])
    assert alts == ("Stalinabad", "Dyushambe")


def test_fold():
    assert kb.fold("The  World\u00a0Food Programme") == "world food programme"
    assert kb.fold("Children’s") == kb.fold("Children's")


def test_country_office_forms_need_a_country():
    assert kb.lookup_alias("WFP South Sudan", "UN_AGENCY").kb_id == "Q204344"
    assert kb.lookup_alias("UNDP in Mongolia", "UN_AGENCY").kb_id == "Q161718"
    assert kb.lookup_alias("WFP Forestry", "UN_AGENCY") is None


def test_iso_subdivisions_are_regions_with_stable_ids():
    assert kb.lookup_alias("Imereti", "GPE").kb_id == "iso3166-2:GE-IM"
    assert kb.lookup_alias("Imereti region", "GPE").kb_id == "iso3166-2:GE-IM"
    assert kb.lookup_alias("Koshi Province", "GPE").kb_id == "iso3166-2:NP-P1"
    assert kb.lookup_alias("Borno State", "GPE").kb_id == "iso3166-2:NG-BO"
    assert kb.lookup_alias("Khovd aimag", "GPE").kb_id == "iso3166-2:MN-043"     # curated English form
    assert kb.lookup_alias("Kakheti", "GPE").kb_id == "iso3166-2:GE-KA"          # ISO "K'akheti"
    assert kb.lookup_alias("Imereti", "GPE").latitude is None


def test_a_city_keeps_its_name_and_the_region_takes_the_suffixed_form():
    assert kb.lookup_alias("Arequipa", "GPE").kb_id.startswith("geonames:")
    assert kb.lookup_alias("Arequipa region", "GPE").kb_id == "iso3166-2:PE-ARE"
    assert kb.lookup_alias("Vientiane", "GPE").kb_id.startswith("geonames:")
    assert kb.lookup_alias("Vientiane Province", "GPE").kb_id == "iso3166-2:LA-VI"


def test_ambiguous_subdivision_names_are_guarded():
    index = kb.kb_index()
    assert kb.lookup_alias("Georgia", "GPE").kb_id == "Q230"       # the country, not the US state
    assert "iso3166-2:US-GA" not in index
    for word in ("Central", "Northern", "Western", "Centre", "Littoral"):
        hit = kb.lookup_alias(word, "GPE")
        assert hit is None or not hit.kb_id.startswith("iso3166-2:")
    hit = kb.lookup_alias("Herrera", "GPE")                          # a surname first
    assert hit is None or not hit.kb_id.startswith("iso3166-2:")
    assert kb.lookup_alias("Herrera Province", "GPE").kb_id == "iso3166-2:PA-6"


def test_curated_regions_are_kept_where_they_exist():
    assert not any(k.startswith(("iso3166-2:KZ-", "iso3166-2:UZ-")) for k in kb.kb_index())
    assert kb.lookup_alias("Khatlon region", "GPE").kb_id == "place:tj-khatlon-region"


def test_plain_latin_and_iso_base_names():
    assert kb.plain_latin("K'akheti") == "Kakheti"
    assert kb.plain_latin("Dornogovĭ") == "Dornogovi"
    assert kb.plain_latin("Áncash") == "Ancash"
    assert kb.iso_base_names("Lleida [Lérida]") == ["Lleida", "Lérida"]
    assert kb.iso_base_names("Murcia, Región de") == ["Murcia"]
    assert kb.iso_base_names("Sofia (stolitsa)") == ["Sofia"]
    assert kb.iso_base_names("Haute-Sangha / Mambéré-Kadéï") == []


def test_subdivision_forms_follow_the_type():
    meta = {"type_suffixes": {"Province": ["province"]}, "country_suffixes": {"MN": ["aimag"]}}
    forms = kb.subdivision_forms("Töv", "Province", "MN", meta, lambda b: len(b) >= 4)
    assert "Töv" not in forms and "Tov" not in forms          # too short alone
    assert {"Töv province", "Tov aimag", "Tov region"} <= set(forms)


def test_curated_subdivisions_iso_lacks():
    assert kb.lookup_alias("Kaski", "GPE").kb_id == "place:np-kaski-district"
    assert kb.lookup_alias("Sindhupalchowk", "GPE").kb_id == "place:np-sindhupalchok-district"
    assert kb.lookup_alias("Kathmandu", "GPE").kb_id.startswith("geonames:")      # the city
    assert kb.lookup_alias("Kathmandu district", "GPE").kb_id == "place:np-kathmandu-district"


def test_subdivision_alias_rows_name_real_iso_codes():
    import pycountry
    rows = kb._read_jsonl(kb.SUBDIVISIONS_FILE)
    codes = [r["code"] for r in rows if r["kind"] == "alias"]
    assert codes and all(pycountry.subdivisions.get(code=c) is not None for c in codes)


def test_a_subdivision_named_like_a_sea_or_river_needs_its_suffix():
    hit = kb.lookup_alias("Red Sea", "GPE")
    assert hit is None or not hit.kb_id.startswith("iso3166-2:")
    assert kb.lookup_alias("Red Sea State", "GPE").kb_id == "iso3166-2:SD-RS"
    assert kb.lookup_alias("Blue Nile", "GPE") is None


def test_a_subdivision_is_named_in_the_english_form_news_uses():
    index = kb.kb_index()
    assert index["iso3166-2:AM-SH"].name == "Shirak"            # ISO writes "Širak"
    assert index["iso3166-2:UA-14"].name == "Donetsk region"     # ISO "Donetska oblast"; Donetsk is the city
    assert index["iso3166-2:GE-IM"].name == "Imereti"


def test_a_country_is_found_by_its_official_and_inverted_iso_names_but_not_by_a_shared_short_name():
    from pipeline.kb import iso_country_names
    assert "Kingdom of Cambodia" in iso_country_names("KH")
    assert "Republic of Korea" in iso_country_names("KR")          # "Korea, Republic of" put in order
    assert "Democratic Republic of the Congo" in iso_country_names("CD")
    assert "Congo" not in iso_country_names("CG") and "Congo" not in iso_country_names("CD")
    assert iso_country_names("XX") == []
