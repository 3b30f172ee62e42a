"""A static review site of the tables, opened from disk with no server: `make review`.

    build_site(tables_dir, site_dir) -> summary

writes into `site_dir` (default `<tables_dir>/review/`):

    index.html              every article: date, title, site, counts per kind; filters by agency and country
    entities.html           every canonical entity: label, name, id, KB link, counts
    articles/<page>.html    one article: its text with every mention, figure, date, role and quote highlighted
    entities/<page>.html    one entity: aliases, KB id, merges, the articles that mention it, its roles and quotes
    assets/review.css, assets/review.js

Article text, titles, URLs and every name in the tables come from dumps nobody vetted, so:
- every value reaches the HTML through Jinja's autoescaping or `markupsafe.escape` (the highlighted text);
- every page carries a Content-Security-Policy that allows no inline script or style: the only script is
  the static `assets/review.js` (index filters), which reads data attributes and sets `hidden`/`textContent`;
- external links are built only from KB ids that match a strict pattern (`kb_url`), and an article's URL
  becomes a link only when it is a plain http(s) URL (`web_url`); anything else is shown as text;
- file names come from `page_name`, never from the raw value.

Incremental like the other stages: every page's fingerprint is the sha256 of the data it shows (article
pages: their rows and the text's `content_sha256`) and of this module's source (templates included); a
page is written only when its fingerprint changed, and pages of articles or entities that are gone are removed.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import pyarrow.parquet as pq
from jinja2 import DictLoader, Environment, StrictUndefined
from markupsafe import Markup, escape

SITE_DIR_NAME = "review"
STATE_FILE = ".build-state.json"
ARTICLE_DIR = "articles"
ENTITY_DIR = "entities"
ASSET_DIR = "assets"

# Highlight kinds, outermost first: a quote holds roles, a role holds mentions, so nesting them in this
# order keeps the elements of overlapping spans in one consistent order in every segment of the text.
KINDS = ("quote", "role", "date", "figure", "mention")
KIND_TITLES = {"mention": "Mentions", "figure": "Figures", "date": "Dates", "role": "Roles", "quote": "Quotes"}
LABELS = ("UN_AGENCY", "ORG", "PERSON", "GPE", "LOC")

# KB ids that become links, each with the one URL it maps to. Anything else (curated ids such as
# "un:unfpa" or "place:kz-akmola-region", ISO 3166-2 codes) is shown as text.
_KB_LINKS = (
    (re.compile(r"Q[1-9][0-9]{0,11}"), "https://www.wikidata.org/wiki/{0}"),
    (re.compile(r"geonames:([1-9][0-9]{0,11})"), "https://www.geonames.org/{1}"),
)
# A URL from a dump is a link only when it is this plain: http(s), a host, no spaces, quotes or angle brackets.
_WEB_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][^\s\"'<>`\\\x00-\x1f\x7f]*)?", re.IGNORECASE)
# Countries for the index filter: by the KB's convention (pipeline/kb.py) a GPE with a Wikidata QID is a
# country; cities carry GeoNames ids and subdivisions ISO or curated ones.
_COUNTRY_KB = re.compile(r"Q[1-9][0-9]*")


def kb_url(kb_id: str | None) -> str | None:
    """The web page of a KB id, or None when the id has no known public page (or is not a well-formed id)."""
    if not kb_id:
        return None
    for pattern, url in _KB_LINKS:
        match = pattern.fullmatch(kb_id)
        if match:
            return url.format(match.group(0), *match.groups())
    return None


def web_url(url: str | None) -> str | None:
    """The URL itself when it is a plain http(s) URL, else None (javascript:, data:, relative, odd characters)."""
    if url and _WEB_URL.fullmatch(url):
        return url
    return None


def site_of(url: str | None) -> str:
    """The host of an http(s) URL, lower-cased; '' for anything else."""
    safe = web_url(url)
    return safe.split("/", 3)[2].split(":")[0].lower() if safe else ""


def page_name(key: str) -> str:
    """A file name for an article or entity id: its safe characters, plus a hash of the whole id so that
    ids differing only in unsafe characters ("GPE:a b" and "GPE:a_b") never share a page."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", key).strip("_")[:60] or "x"
    return f"{slug}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:8]}.html"


# --------------------------------------------------------------------------------------------
# Highlighted text


@dataclass
class Highlight:
    start: int
    end: int
    kind: str            # one of KINDS
    anchor: str          # element id of its first segment, linked from the tables under the text
    classes: str         # CSS classes, from fixed words and sanitized labels only
    title: str           # tooltip text (escaped when written)
    tag: Markup = field(default_factory=Markup)  # small label at its end (already escaped markup)


def _css_word(value: str | None) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", value or "") or "none"


def render_text(text: str, highlights: Iterable[Highlight]) -> Markup:
    """The text, escaped, with each highlight as nested <span>s.

    The text is cut at every highlight boundary; each piece is wrapped in one element per highlight that
    covers it, outermost kind first, so overlapping and crossing spans of any kinds render without breaking
    the nesting of the HTML. A highlight's tag is written inside its last piece.
    """
    hls = sorted(highlights, key=lambda h: (h.start, -h.end, KINDS.index(h.kind)))
    for h in hls:
        if not 0 <= h.start < h.end <= len(text):
            raise ValueError(f"{h.kind} {h.anchor} has offsets {h.start}-{h.end} outside its text of "
                             f"{len(text)} characters: the tables disagree with articles.parquet (rerun the stages)")
    cuts = sorted({0, len(text), *(h.start for h in hls), *(h.end for h in hls)})
    out: list[str] = []
    started: set[int] = set()
    for a, b in zip(cuts, cuts[1:]):
        active = [i for i, h in enumerate(hls) if h.start <= a and b <= h.end]
        active.sort(key=lambda i: (KINDS.index(hls[i].kind), hls[i].start, -hls[i].end))
        for i in active:
            h = hls[i]
            anchor = ""
            if i not in started:
                started.add(i)
                anchor = f' id="{escape(h.anchor)}"'
            out.append(f'<span class="{escape(h.classes)}"{anchor} title="{escape(h.title)}">')
        out.append(str(escape(text[a:b])))
        for i in reversed(active):
            if hls[i].end == b and hls[i].tag:
                out.append(str(hls[i].tag))
            out.append("</span>")
    return Markup("".join(out))


# --------------------------------------------------------------------------------------------
# Reading the tables


ARTICLE_COLUMNS = ["article_id", "url", "title", "published", "source_file", "record_index", "content_sha256",
                   "n_words"]


def _rows(tables_dir: Path, name: str, columns: list[str] | None = None) -> list[dict]:
    path = Path(tables_dir) / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run the pipeline first (make run)")
    return pq.read_table(path, columns=columns).to_pylist()


def _by_article(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        out[row["article_id"]].append(row)
    return out


@dataclass
class Tables:
    articles: list[dict]              # without body and text
    entities: dict[str, dict]         # by entity_id
    merges: dict[str, list[dict]]     # by entity_id
    rows: dict[str, dict[str, list[dict]]]   # kind -> article_id -> rows sorted by offset


def read_tables(tables_dir: Path) -> Tables:
    tables_dir = Path(tables_dir)
    entities = {}
    for e in _rows(tables_dir, "entities"):
        e["aliases"] = list(e["aliases"] or [])
        e["page"] = page_name(e["entity_id"])
        e["kb_url"] = kb_url(e["kb_id"])
        entities[e["entity_id"]] = e
    merges: dict[str, list[dict]] = defaultdict(list)
    for m in _rows(tables_dir, "merges"):
        merges[m["entity_id"]].append(m)
    rows = {kind: _by_article(_rows(tables_dir, table))
            for kind, table in (("mention", "mentions"), ("figure", "figures"), ("date", "dates"),
                                ("role", "roles"), ("quote", "quotes"))}
    articles = _rows(tables_dir, "articles", ARTICLE_COLUMNS)
    tables = Tables(articles, entities, merges, rows)
    _check_references(tables)
    return tables


_ENTITY_REFS = {"mention": ("entity_id",), "role": ("person_entity_id", "org_entity_id", "place_entity_id"),
                "quote": ("speaker_entity_id",)}


def _check_references(tables: Tables) -> None:
    """Every entity id a row names must be in entities.parquet: a page cannot show a name it does not have."""
    for kind, columns in _ENTITY_REFS.items():
        for rows in tables.rows[kind].values():
            for row in rows:
                for col in columns:
                    if row[col] is not None and row[col] not in tables.entities:
                        raise ValueError(f"{kind} row of article {row['article_id']} names {col} {row[col]!r}, "
                                         f"which is not in entities.parquet: the tables are from different runs "
                                         f"(rerun make link)")


# --------------------------------------------------------------------------------------------
# Page contexts: plain data, hashed for the fingerprint, then handed to the templates


def _entity_ref(tables: Tables, entity_id: str | None) -> dict | None:
    if entity_id is None:
        return None
    e = tables.entities[entity_id]
    return {"entity_id": entity_id, "name": e["name"], "label": e["label"], "kb_id": e["kb_id"],
            "kb_url": e["kb_url"], "page": e["page"]}


def _article_summary(a: dict) -> dict:
    return {"article_id": a["article_id"], "title": a["title"], "published": a["published"],
            "page": page_name(a["article_id"])}


def article_context(tables: Tables, a: dict) -> dict:
    """Everything an article page shows except the text itself (fingerprinted by content_sha256)."""
    aid = a["article_id"]
    ctx = {"article": {**a, "page": page_name(aid), "web_url": web_url(a["url"]), "site": site_of(a["url"])}}
    for kind in ("mention", "figure", "date", "role", "quote"):
        ctx[kind] = [dict(r) for r in tables.rows[kind].get(aid, [])]
    for m in ctx["mention"]:
        m["entity"] = _entity_ref(tables, m["entity_id"])
    for r in ctx["role"]:
        r["person"] = _entity_ref(tables, r["person_entity_id"])
        r["org"] = _entity_ref(tables, r["org_entity_id"])
        r["place"] = _entity_ref(tables, r["place_entity_id"])
    for q in ctx["quote"]:
        q["speaker"] = _entity_ref(tables, q["speaker_entity_id"])
    return ctx


def _ref_text(ref: dict | None) -> str:
    if ref is None:
        return "none"
    kb = f", KB {ref['kb_id']}" if ref["kb_id"] else ""
    return f"{ref['name']} ({ref['entity_id']}{kb})"


def _figure_value(f: dict) -> str:
    value = f"{f['value']:g}" if f["value"] is not None else "?"
    if f["value_max"] is not None:
        value += f"–{f['value_max']:g}"
    return " ".join(p for p in (f["qualifier"], value, f["unit"]) if p)


def _date_value(d: dict) -> str:
    if d["start"] is None:
        return d["granularity"] or "?"
    return str(d["start"]) if d["end"] in (None, d["start"]) else f"{d['start']} to {d['end']}"


def _tag(label: str, css: str, links: Iterable[tuple[str, str | None, str]] = ()) -> Markup:
    """A small label: `label` then links (text, href or None for plain text, tooltip), all escaped."""
    parts = [f'<span class="tag {escape(css)}">'] + ([f"<b>{escape(label)}</b>"] if label else [])
    for text, href, tip in links:
        if href:
            parts.append(f' <a href="{escape(href)}" title="{escape(tip)}">{escape(text)}</a>')
        else:
            parts.append(f" <i>{escape(text)}</i>")
    parts.append("</span>")
    return Markup("".join(parts))


def _entity_links(ref: dict | None, prefix: str = "../entities/") -> list[tuple[str, str | None, str]]:
    if ref is None:
        return []
    links = [(ref["name"], prefix + ref["page"], f"{ref['name']}: {ref['entity_id']}")]
    if ref["kb_url"]:
        links.append((ref["kb_id"], ref["kb_url"], f"{ref['kb_id']} in its knowledge base"))
    return links


def article_highlights(ctx: dict) -> list[Highlight]:
    out = []
    for i, m in enumerate(ctx["mention"]):
        ref = m["entity"]
        links = [(m["label"], "../entities/" + ref["page"], f"{ref['name']}: {ref['entity_id']}")]
        if " ".join(m["text"].split()).casefold() != ref["name"].casefold():
            # Linked to a name the text does not use: worth seeing without hovering ("Red Cross" -> ?).
            links.append(("→ " + ref["name"], "../entities/" + ref["page"], ref["entity_id"]))
        if ref["kb_url"]:
            links.append((ref["kb_id"], ref["kb_url"], f"{ref['kb_id']} in its knowledge base"))
        out.append(Highlight(m["start_char"], m["end_char"], "mention", f"m{i}",
                             f"hl k-mention l-{_css_word(m['label'])}",
                             f"mention {m['label']}: {_ref_text(ref)}; found by {m['source']}",
                             _tag("", "t-mention", links)))
    for i, f in enumerate(ctx["figure"]):
        out.append(Highlight(f["start_char"], f["end_char"], "figure", f"f{i}", "hl k-figure",
                             f"figure ({f['kind']}): {_figure_value(f)}"
                             + (f"; counts {f['counted']}" if f["counted"] else ""),
                             _tag("FIGURE", "t-figure", [(_figure_value(f), None, "")])))
    for i, d in enumerate(ctx["date"]):
        out.append(Highlight(d["start_char"], d["end_char"], "date", f"d{i}", "hl k-date",
                             f"date ({d['granularity']}): {_date_value(d)}",
                             _tag("DATE", "t-date", [(_date_value(d), None, "")])))
    for i, r in enumerate(ctx["role"]):
        out.append(Highlight(r["start_char"], r["end_char"], "role", f"r{i}", "hl k-role",
                             f"role {r['title']}: person {_ref_text(r['person'])}; org {_ref_text(r['org'])}; "
                             f"place {_ref_text(r['place'])}",
                             _tag("ROLE", "t-role", [(r["title"], None, "")] + _entity_links(r["person"]))))
    for i, q in enumerate(ctx["quote"]):
        out.append(Highlight(q["start_char"], q["end_char"], "quote", f"q{i}", "hl k-quote",
                             f"quote ({q['cue'] or 'no cue'}): speaker {_ref_text(q['speaker'])}",
                             _tag("QUOTE", "t-quote", _entity_links(q["speaker"]) or [("no speaker", None, "")])))
    return out


def entity_contexts(tables: Tables) -> dict[str, dict]:
    """entity_id -> what its page shows: the entity, its merges, articles, roles (as person, org or place), quotes."""
    titles = {a["article_id"]: _article_summary(a) for a in tables.articles}
    ctx = {eid: {"entity": e, "merges": tables.merges.get(eid, []), "articles": {}, "roles": [], "quotes": []}
           for eid, e in tables.entities.items()}
    for aid, mentions in tables.rows["mention"].items():
        for i, m in enumerate(mentions):
            arts = ctx[m["entity_id"]]["articles"]
            entry = arts.setdefault(aid, {**titles[aid], "n": 0, "forms": [], "first": f"m{i}"})
            entry["n"] += 1
            if m["text"] not in entry["forms"]:
                entry["forms"].append(m["text"])
    for aid, roles in tables.rows["role"].items():
        for i, r in enumerate(roles):
            row = {"article": titles[aid], "anchor": f"r{i}", "title": r["title"],
                   "person": _entity_ref(tables, r["person_entity_id"]), "org": _entity_ref(tables, r["org_entity_id"]),
                   "place": _entity_ref(tables, r["place_entity_id"])}
            for eid in {r["person_entity_id"], r["org_entity_id"], r["place_entity_id"]} - {None}:
                ctx[eid]["roles"].append(row)
    for aid, quotes in tables.rows["quote"].items():
        for i, q in enumerate(quotes):
            if q["speaker_entity_id"] is not None:
                ctx[q["speaker_entity_id"]]["quotes"].append({"article": titles[aid], "anchor": f"q{i}",
                                                              "text": q["text"], "cue": q["cue"]})
    for c in ctx.values():
        c["articles"] = sorted(c["articles"].values(), key=lambda a: (str(a["published"]), a["article_id"]),
                               reverse=True)
    return ctx


def index_context(tables: Tables) -> dict:
    rows = []
    agencies: dict[str, dict] = {}
    countries: dict[str, dict] = {}
    n_articles: Counter = Counter()
    for a in tables.articles:
        aid = a["article_id"]
        ids = {m["entity_id"] for m in tables.rows["mention"].get(aid, [])}
        ents = [tables.entities[eid] for eid in ids]
        ags = [e for e in ents if e["label"] == "UN_AGENCY"]
        cts = [e for e in ents if e["label"] == "GPE" and e["kb_id"] and _COUNTRY_KB.fullmatch(e["kb_id"])]
        for e in ags:
            agencies[e["entity_id"]] = e
        for e in cts:
            countries[e["entity_id"]] = e
        n_articles.update(e["entity_id"] for e in ags + cts)
        rows.append({**_article_summary(a), "site": site_of(a["url"]),
                     "counts": {k: len(tables.rows[k].get(aid, [])) for k in ("mention", "figure", "date", "role",
                                                                                "quote")},
                     "agencies": sorted((e["name"], e["page"]) for e in ags),
                     "countries": sorted((e["name"], e["page"]) for e in cts)})
    rows.sort(key=lambda r: (str(r["published"] or ""), r["article_id"]), reverse=True)

    def options(found: dict[str, dict]) -> list[tuple[str, str, int]]:
        return sorted(((e["name"], e["page"], n_articles[eid]) for eid, e in found.items()),
                      key=lambda o: (-o[2], o[0]))

    return {"rows": rows, "agencies": options(agencies), "countries": options(countries),
            "totals": {k: sum(r["counts"][k] for r in rows) for k in ("mention", "figure", "date", "role", "quote")}}


def entities_index_context(tables: Tables) -> dict:
    order = {label: i for i, label in enumerate(LABELS)}
    ents = sorted(tables.entities.values(),
                  key=lambda e: (order.get(e["label"], len(order)), -e["n_mentions"], e["name"]))
    return {"entities": ents}


# --------------------------------------------------------------------------------------------
# Templates (autoescaped) and static assets


CSP = ("default-src 'none'; script-src {script}; style-src 'self'; img-src 'none'; font-src 'none'; "
       "connect-src 'none'; media-src 'none'; object-src 'none'; frame-src 'none'; base-uri 'none'; "
       "form-action 'none'")

TEMPLATES = {
    "base.html": """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} · UN news review</title>
<link rel="stylesheet" href="{{ root }}assets/review.css">
{% block head %}{% endblock %}
</head>
<body>
<nav><a href="{{ root }}index.html">Articles</a> · <a href="{{ root }}entities.html">Entities</a></nav>
<main>
{% block main %}{% endblock %}
</main>
</body>
</html>
""",
    "macros.html": """{% macro entity(ref, root) -%}
{% if ref %}<a href="{{ root }}entities/{{ ref.page }}" title="{{ ref.entity_id }}">{{ ref.name }}</a>{% else %}<span class="none">none</span>{% endif %}
{%- endmacro %}
{% macro kb(e) -%}
{% if e.kb_url %}<a class="kb" href="{{ e.kb_url }}" rel="noopener noreferrer external">{{ e.kb_id }}</a>{% elif e.kb_id %}<span class="kb">{{ e.kb_id }}</span>{% else %}<span class="none">no KB id</span>{% endif %}
{%- endmacro %}
""",
    "index.html": """{% extends "base.html" %}
{% block title %}Articles{% endblock %}
{% block head %}<script src="assets/review.js" defer></script>{% endblock %}
{% block main %}
{% from "macros.html" import entity %}
<h1>Articles</h1>
<p class="meta">{{ rows|length }} articles · {{ totals.mention }} mentions · {{ totals.figure }} figures ·
{{ totals.date }} dates · {{ totals.role }} roles · {{ totals.quote }} quotes.
Built from the tables in <code>{{ tables_dir }}</code>.</p>
<form id="filters" class="filters" action="#">
<label>Agency <select id="f-agency"><option value="">all</option>
{% for name, page, n in agencies %}<option value="{{ page }}">{{ name }} ({{ n }})</option>
{% endfor %}</select></label>
<label>Country <select id="f-country"><option value="">all</option>
{% for name, page, n in countries %}<option value="{{ page }}">{{ name }} ({{ n }})</option>
{% endfor %}</select></label>
<label>Title <input id="f-title" type="search" placeholder="words in the title"></label>
<output id="f-count">{{ rows|length }} of {{ rows|length }} articles</output>
</form>
<table class="articles">
<thead><tr><th>date</th><th>title</th><th>site</th>
<th class="n"><span class="sw k-mention"></span>mentions</th><th class="n"><span class="sw k-figure"></span>figures</th>
<th class="n"><span class="sw k-date"></span>dates</th><th class="n"><span class="sw k-role"></span>roles</th>
<th class="n"><span class="sw k-quote"></span>quotes</th><th>agencies</th><th>countries</th></tr></thead>
<tbody id="articles">
{% for r in rows %}<tr data-agencies="{{ r.agencies|map(attribute=1)|join(' ') }}" data-countries="{{ r.countries|map(attribute=1)|join(' ') }}" data-title="{{ r.title|lower }}">
<td class="date">{{ r.published or "no date" }}</td>
<td><a href="articles/{{ r.page }}">{{ r.title }}</a></td>
<td>{{ r.site or "no web URL" }}</td>
<td class="n">{{ r.counts.mention }}</td><td class="n">{{ r.counts.figure }}</td><td class="n">{{ r.counts.date }}</td>
<td class="n">{{ r.counts.role }}</td><td class="n">{{ r.counts.quote }}</td>
<td>{% for name, page in r.agencies %}<a href="entities/{{ page }}">{{ name }}</a>{% if not loop.last %}, {% endif %}{% endfor %}</td>
<td>{% for name, page in r.countries %}<a href="entities/{{ page }}">{{ name }}</a>{% if not loop.last %}, {% endif %}{% endfor %}</td>
</tr>
{% endfor %}</tbody>
</table>
{% endblock %}
""",
    "entities_index.html": """{% extends "base.html" %}
{% block title %}Entities{% endblock %}
{% block main %}
{% from "macros.html" import kb %}
<h1>Entities</h1>
<p class="meta">{{ entities|length }} canonical entities, by label, most mentioned first.</p>
<table>
<thead><tr><th>label</th><th>name</th><th>entity id</th><th>KB</th><th>aliases</th><th class="n">articles</th><th class="n">mentions</th></tr></thead>
<tbody>
{% for e in entities %}<tr><td><span class="lbl l-{{ e.label|cssword }}">{{ e.label }}</span></td>
<td><a href="entities/{{ e.page }}">{{ e.name }}</a></td><td><code>{{ e.entity_id }}</code></td><td>{{ kb(e) }}</td>
<td>{{ e.aliases|join(", ") }}</td><td class="n">{{ e.n_articles }}</td><td class="n">{{ e.n_mentions }}</td></tr>
{% endfor %}</tbody>
</table>
{% endblock %}
""",
    "article.html": """{% extends "base.html" %}
{% block title %}{{ article.title }}{% endblock %}
{% block main %}
{% from "macros.html" import entity, kb %}
<h1>{{ article.title }}</h1>
<dl class="meta">
<dt>published</dt><dd>{{ article.published or "no date" }}</dd>
<dt>site</dt><dd>{{ article.site or "no web URL" }}</dd>
<dt>URL</dt><dd>{% if article.web_url %}<a href="{{ article.web_url }}" rel="noopener noreferrer external">{{ article.web_url }}</a>{% else %}<span class="unsafe" title="not a plain http(s) URL: shown as text">{{ article.url }}</span>{% endif %}</dd>
<dt>article id</dt><dd><code>{{ article.article_id }}</code></dd>
<dt>source</dt><dd><code>{{ article.source_file }}</code>, record {{ article.record_index }}, {{ article.n_words }} words</dd>
</dl>
<p class="legend">
{% for kind in ["mention", "figure", "date", "role", "quote"] %}<span class="hl k-{{ kind }}{% if kind == 'mention' %} l-GPE{% endif %}">{{ titles[kind] }}</span> {{ counts[kind] }}
{% endfor %}· labels:
{% for label in labels %}<span class="hl k-mention l-{{ label }}">{{ label }}</span> {% endfor %}
</p>
<input type="checkbox" id="show-tags" checked><label for="show-tags">show the labels of highlights</label>
<div class="text" lang="en">{{ text }}</div>

<h2 id="mentions">Mentions ({{ mention|length }})</h2>
<table><thead><tr><th>text</th><th>label</th><th>canonical name</th><th>entity id</th><th>KB</th><th>source</th><th class="n">chars</th></tr></thead><tbody>
{% for m in mention %}<tr><td><a href="#m{{ loop.index0 }}">{{ m.text }}</a></td><td><span class="lbl l-{{ m.label|cssword }}">{{ m.label }}</span></td>
<td>{{ entity(m.entity, "../") }}</td><td><code>{{ m.entity_id }}</code></td><td>{{ kb(m.entity) }}</td><td>{{ m.source }}</td><td class="n">{{ m.start_char }}–{{ m.end_char }}</td></tr>
{% endfor %}</tbody></table>

<h2 id="figures">Figures ({{ figure|length }})</h2>
<table><thead><tr><th>text</th><th>kind</th><th>qualifier</th><th class="n">value</th><th class="n">max</th><th>unit</th><th>counted</th><th class="n">chars</th></tr></thead><tbody>
{% for f in figure %}<tr><td><a href="#f{{ loop.index0 }}">{{ f.text }}</a></td><td>{{ f.kind }}</td><td>{{ f.qualifier or "" }}</td>
<td class="n">{{ f.value if f.value is not none else "" }}</td><td class="n">{{ f.value_max if f.value_max is not none else "" }}</td>
<td>{{ f.unit or "" }}</td><td>{{ f.counted or "" }}</td><td class="n">{{ f.start_char }}–{{ f.end_char }}</td></tr>
{% endfor %}</tbody></table>

<h2 id="dates">Dates ({{ date|length }})</h2>
<table><thead><tr><th>text</th><th>start</th><th>end</th><th>granularity</th><th class="n">chars</th></tr></thead><tbody>
{% for d in date %}<tr><td><a href="#d{{ loop.index0 }}">{{ d.text }}</a></td><td>{{ d.start or "" }}</td><td>{{ d.end or "" }}</td>
<td>{{ d.granularity }}</td><td class="n">{{ d.start_char }}–{{ d.end_char }}</td></tr>
{% endfor %}</tbody></table>

<h2 id="roles">Roles ({{ role|length }})</h2>
<table><thead><tr><th>in the text</th><th>person</th><th>title</th><th>organization</th><th>place</th><th class="n">chars</th></tr></thead><tbody>
{% for r in role %}<tr><td><a href="#r{{ loop.index0 }}">{{ raw[r.start_char:r.end_char] }}</a></td><td>{{ entity(r.person, "../") }}</td><td>{{ r.title }}</td>
<td>{{ entity(r.org, "../") }}</td><td>{{ entity(r.place, "../") }}</td><td class="n">{{ r.start_char }}–{{ r.end_char }}</td></tr>
{% endfor %}</tbody></table>

<h2 id="quotes">Quotes ({{ quote|length }})</h2>
<table><thead><tr><th>speaker</th><th>cue</th><th>quote</th><th class="n">chars</th></tr></thead><tbody>
{% for q in quote %}<tr><td>{{ entity(q.speaker, "../") }}</td><td>{{ q.cue or "" }}</td><td class="quote"><a href="#q{{ loop.index0 }}">{{ q.text }}</a></td>
<td class="n">{{ q.start_char }}–{{ q.end_char }}</td></tr>
{% endfor %}</tbody></table>
{% endblock %}
""",
    "entity.html": """{% extends "base.html" %}
{% block title %}{{ entity.name }}{% endblock %}
{% block main %}
{% from "macros.html" import entity as entity_link, kb %}
<h1>{{ entity.name }} <span class="lbl l-{{ entity.label|cssword }}">{{ entity.label }}</span></h1>
<dl class="meta">
<dt>entity id</dt><dd><code>{{ entity.entity_id }}</code></dd>
<dt>KB id</dt><dd>{{ kb(entity) }}</dd>
{% if entity.latitude is not none and entity.longitude is not none %}<dt>coordinates</dt><dd>{{ "%.5f"|format(entity.latitude) }}, {{ "%.5f"|format(entity.longitude) }}</dd>{% endif %}
<dt>aliases</dt><dd>{% if entity.aliases %}{{ entity.aliases|join(" · ") }}{% else %}<span class="none">none</span>{% endif %}</dd>
<dt>counts</dt><dd>{{ entity.n_mentions }} mentions in {{ entity.n_articles }} articles</dd>
</dl>
{% if merges %}<h2>Names merged into it</h2>
<table><thead><tr><th>merged name</th><th>kept name</th><th>rule</th><th class="n">score</th></tr></thead><tbody>
{% for m in merges %}<tr><td>{{ m.merged_name }}</td><td>{{ m.kept_name }}</td><td>{{ m.rule }}</td><td class="n">{{ "%.2f"|format(m.score) if m.score is not none else "" }}</td></tr>
{% endfor %}</tbody></table>{% endif %}
<h2>Articles ({{ articles|length }})</h2>
<table><thead><tr><th>date</th><th>title</th><th class="n">mentions</th><th>as written</th></tr></thead><tbody>
{% for a in articles %}<tr><td class="date">{{ a.published or "no date" }}</td><td><a href="../articles/{{ a.page }}#{{ a.first }}">{{ a.title }}</a></td>
<td class="n">{{ a.n }}</td><td>{{ a.forms|join(" · ") }}</td></tr>
{% endfor %}</tbody></table>
<h2>Roles ({{ roles|length }})</h2>
<table><thead><tr><th>person</th><th>title</th><th>organization</th><th>place</th><th>article</th></tr></thead><tbody>
{% for r in roles %}<tr><td>{{ entity_link(r.person, "../") }}</td><td><a href="../articles/{{ r.article.page }}#{{ r.anchor }}">{{ r.title }}</a></td>
<td>{{ entity_link(r.org, "../") }}</td><td>{{ entity_link(r.place, "../") }}</td><td><a href="../articles/{{ r.article.page }}">{{ r.article.title }}</a></td></tr>
{% endfor %}</tbody></table>
<h2>Quotes ({{ quotes|length }})</h2>
<table><thead><tr><th>quote</th><th>cue</th><th>article</th></tr></thead><tbody>
{% for q in quotes %}<tr><td class="quote"><a href="../articles/{{ q.article.page }}#{{ q.anchor }}">{{ q.text }}</a></td><td>{{ q.cue or "" }}</td>
<td><a href="../articles/{{ q.article.page }}">{{ q.article.title }}</a> ({{ q.article.published or "no date" }})</td></tr>
{% endfor %}</tbody></table>
{% endblock %}
""",
}

# Highlight colours: mentions by label (displaCy's colours where it has the label), the other kinds each their
# own. The browser test counts these exact pixels in a screenshot, so they are named once, here.
COLORS = {
    "UN_AGENCY": "#8fd3fe", "ORG": "#7aecec", "PERSON": "#aa9cfc", "GPE": "#feca74", "LOC": "#ff9561",
    "figure": "#b5e48c", "date": "#f7b7d2", "role": "#e63946", "quote": "#fff1a8",
}

CSS = """/* UN news review site: written by pipeline/review.py */
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; margin: 0; background: #fff; }
nav { padding: .5em 1.2em; background: #f0f2f5; border-bottom: 1px solid #d8dbe0; }
main { padding: .5em 1.2em 3em; max-width: 78em; }
h1 { font-size: 1.5em; margin: .6em 0 .3em; }
h2 { font-size: 1.15em; margin: 1.6em 0 .4em; }
code { font-size: .9em; }
table { border-collapse: collapse; width: 100%; margin: .3em 0; }
th, td { text-align: left; vertical-align: top; padding: .25em .5em; border-bottom: 1px solid #e4e6ea; }
th { background: #f7f8fa; font-weight: 600; }
td.n, th.n { text-align: right; white-space: nowrap; }
td.date { white-space: nowrap; }
td.quote { font-style: italic; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15em 1em; margin: .4em 0 1em; }
dl.meta dt { color: #666; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
p.meta { color: #444; }
.none { color: #888; }
.unsafe { color: #a00; overflow-wrap: anywhere; }
.kb { font-family: ui-monospace, monospace; font-size: .9em; }
.filters { display: flex; flex-wrap: wrap; gap: .6em 1.4em; align-items: center; margin: .8em 0; }
.filters select, .filters input { margin-left: .3em; }
.filters select { max-width: 24em; }
table.articles td:nth-child(2) { min-width: 18em; }
.sw { display: inline-block; width: .8em; height: .8em; margin-right: .25em; vertical-align: -1px; border-radius: 2px; }
.lbl { font-size: .8em; font-weight: 600; padding: 0 .3em; border-radius: 3px; background: #ddd; }
.text { white-space: pre-wrap; line-height: 2.3; font-size: 1.02em; padding: .8em 1em; border: 1px solid #e4e6ea;
        border-radius: 6px; max-width: 60em; overflow-wrap: anywhere; }
.hl { border-radius: 3px; }
.k-mention { padding: 1px 0; background: #ddd; }
.l-UN_AGENCY { background: @UN_AGENCY@; }
.l-ORG { background: @ORG@; }
.l-PERSON { background: @PERSON@; }
.l-GPE { background: @GPE@; }
.l-LOC { background: @LOC@; }
.k-figure { background: @figure@; padding: 2px 0; }
.k-date { background: @date@; padding: 2px 0; }
.k-role { border-bottom: 3px solid @role@; padding-bottom: 4px; }
.k-quote { background: @quote@; padding: 3px 0; }
.sw.k-role, .legend .k-role { background: @role@; color: #fff; }
.legend .hl { padding: 1px .35em; font-size: .85em; }
.tag { font-size: .62em; line-height: 1; font-weight: normal; font-style: normal; color: #333; background: #fff;
       border: 1px solid #c8ccd2; border-radius: 3px; padding: 0 .25em; margin: 0 .15em; vertical-align: .35em;
       white-space: nowrap; }
.tag b { font-weight: 700; margin-right: .1em; }
.tag a { color: #0b57d0; text-decoration: none; }
.tag i { font-style: normal; }
#show-tags:not(:checked) ~ .text .tag { display: none; }
#show-tags + label { font-size: .9em; color: #444; margin-left: .3em; }
tr[hidden] { display: none; }
"""
for _key, _color in COLORS.items():
    CSS = CSS.replace(f"@{_key}@", _color)

# The index filters. Static: no value from the tables is part of this file; it reads the rows' data
# attributes and only ever sets `hidden` and `textContent`, so nothing in the data is parsed as HTML.
JS = """"use strict";
// Index filters of the UN news review site (written by pipeline/review.py).
document.addEventListener("DOMContentLoaded", function () {
  var agency = document.getElementById("f-agency");
  var country = document.getElementById("f-country");
  var title = document.getElementById("f-title");
  var count = document.getElementById("f-count");
  var form = document.getElementById("filters");
  if (!agency || !country || !title || !count || !form) { return; }
  var rows = Array.prototype.slice.call(document.querySelectorAll("#articles tr"));
  function has(list, value) { return !value || list.split(" ").indexOf(value) >= 0; }
  function apply() {
    var words = title.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var ok = has(row.dataset.agencies, agency.value) && has(row.dataset.countries, country.value) &&
        words.every(function (w) { return row.dataset.title.indexOf(w) >= 0; });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " articles";
  }
  agency.addEventListener("change", apply);
  country.addEventListener("change", apply);
  title.addEventListener("input", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
});
"""


def _environment() -> Environment:
    # autoescape=True for every template: each value from the tables is escaped unless it is Markup
    # built here (the highlighted text, itself escaped piece by piece in render_text).
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined)
    env.filters["cssword"] = _css_word
    return env


# --------------------------------------------------------------------------------------------
# Building


def _code_hash() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def _fingerprint(code: str, data) -> str:
    blob = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((code + blob).encode("utf-8")).hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_state(site_dir: Path) -> dict[str, str]:
    path = site_dir / STATE_FILE
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["pages"]


def _iter_texts(tables_dir: Path, wanted: set[str]) -> Iterable[tuple[str, str]]:
    """(article_id, text) of the wanted articles, streamed in row batches."""
    if not wanted:
        return
    pf = pq.ParquetFile(Path(tables_dir) / "articles.parquet")
    for batch in pf.iter_batches(batch_size=512, columns=["article_id", "text"]):
        for row in batch.to_pylist():
            if row["article_id"] in wanted:
                yield row["article_id"], row["text"]


def build_site(tables_dir: Path, site_dir: Path | None = None) -> dict:
    """Build or bring up to date the review site of the tables in `tables_dir`; returns counts and seconds."""
    t0 = time.perf_counter()
    tables_dir = Path(tables_dir)
    site_dir = Path(site_dir) if site_dir is not None else tables_dir / SITE_DIR_NAME
    tables = read_tables(tables_dir)
    env = _environment()
    code = _code_hash()
    old = _read_state(site_dir)
    new: dict[str, str] = {}
    written = 0

    def page(rel: str, data, render: Callable[[], str]) -> None:
        nonlocal written
        fp = _fingerprint(code, data)
        new[rel] = fp
        if old.get(rel) != fp or not (site_dir / rel).exists():
            _write_atomic(site_dir / rel, render())
            written += 1

    common = {"labels": LABELS, "titles": KIND_TITLES}

    def csp(script: str) -> str:
        return CSP.format(script=script)

    # Assets and corpus-wide pages.
    page(f"{ASSET_DIR}/review.css", None, lambda: CSS)
    page(f"{ASSET_DIR}/review.js", None, lambda: JS)
    idx = index_context(tables)
    shown_dir = str(tables_dir)
    page("index.html", [idx, shown_dir], lambda: env.get_template("index.html").render(
        **idx, **common, tables_dir=shown_dir, root="", csp=csp("'self'")))
    ents_idx = entities_index_context(tables)
    page("entities.html", ents_idx, lambda: env.get_template("entities_index.html").render(
        **ents_idx, **common, root="", csp=csp("'none'")))

    # Entity pages.
    entity_tpl = env.get_template("entity.html")
    for eid, ctx in entity_contexts(tables).items():
        page(f"{ENTITY_DIR}/{ctx['entity']['page']}", ctx,
             lambda ctx=ctx: entity_tpl.render(**ctx, **common, root="../", csp=csp("'none'")))

    # Article pages: the fingerprint holds content_sha256, so the text is read only for pages to write.
    article_tpl = env.get_template("article.html")
    contexts = {a["article_id"]: article_context(tables, a) for a in tables.articles}
    stale: dict[str, str] = {}
    for aid, ctx in contexts.items():
        rel = f"{ARTICLE_DIR}/{ctx['article']['page']}"
        fp = _fingerprint(code, ctx)
        new[rel] = fp
        if old.get(rel) != fp or not (site_dir / rel).exists():
            stale[aid] = rel
    for aid, text in _iter_texts(tables_dir, set(stale)):
        ctx = contexts[aid]
        html = article_tpl.render(**ctx, **common, text=render_text(text, article_highlights(ctx)), raw=text,
                                  counts={k: len(ctx[k]) for k in KIND_TITLES}, root="../", csp=csp("'none'"))
        _write_atomic(site_dir / stale.pop(aid), html)
        written += 1
    if stale:
        raise ValueError(f"articles {sorted(stale)[:5]} vanished from articles.parquet while the site was built")

    # Pages of articles and entities that are gone, and any stray file in the folders this module owns.
    removed = 0
    for folder in (ARTICLE_DIR, ENTITY_DIR):
        for path in sorted((site_dir / folder).glob("*.html")):
            if f"{folder}/{path.name}" not in new:
                path.unlink()
                removed += 1
    _write_atomic(site_dir / STATE_FILE, json.dumps({"code": code, "pages": new}, indent=0, sort_keys=True) + "\n")
    # make compares index.html with the tables: it must be newer than them even when its content is unchanged.
    os.utime(site_dir / "index.html")
    return {"articles": len(contexts), "entities": len(tables.entities), "pages": len(new), "written": written,
            "unchanged": len(new) - written, "removed": removed, "site": str(site_dir / "index.html"),
            "seconds": round(time.perf_counter() - t0, 3)}
