"""The review site: escaping of hostile input, a build of the real corpus, and the site in headless Chromium.

The hostile dump and tables below are WRITTEN for these tests (example.org URLs); nothing in them was published.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline import review, tables
from pipeline.review import Highlight, build_site, kb_url, page_name, render_text, web_url

# Written hostile strings: each would run script in the analyst's browser if it reached the HTML unescaped.
SCRIPT = '<script>window.__pwned = "script"; document.title = "pwned";</script>'
ONERROR = '<img src="x" onerror="window.__pwned = \'onerror\'">'
JS_LINK = '<a href="javascript:window.__pwned=\'link\'">click here</a>'
ATTR_BREAK = '" onmouseover="window.__pwned=\'attr\'" x="'


# --------------------------------------------------------------------------------------------
# Pure helpers


def test_kb_links_come_only_from_well_formed_ids():
    assert kb_url("Q232") == "https://www.wikidata.org/wiki/Q232"
    assert kb_url("geonames:1526384") == "https://www.geonames.org/1526384"
    for bad in (None, "", "un:unfpa", "place:kz-akmola-region", "iso3166-2:KZ-ALA", "Q0", "q232", "Q232 ",
                "javascript:alert(1)", 'Q1"><script>x</script>', "geonames:12/../../evil", "Q1\n"):
        assert kb_url(bad) is None, bad


def test_article_urls_are_links_only_when_plain_http():
    assert web_url("https://kazakhstan.un.org/en/100298-x") == "https://kazakhstan.un.org/en/100298-x"
    assert web_url("http://example.org/written-for-tests/a?b=1#c") == "http://example.org/written-for-tests/a?b=1#c"
    for bad in (None, "", "javascript:alert(1)", "JavaScript:alert(1)", " https://example.org/x",
                "data:text/html,<script>alert(1)</script>", "//example.org/x", "example.org/x",
                'https://example.org/x"onmouseover="alert(1)', "https://example.org/<script>",
                "https://example.org/a b", "https://exa mple.org/", "https://example.org/\nx"):
        assert web_url(bad) is None, bad
    assert review.site_of("https://Example.ORG:8443/x") == "example.org"
    assert review.site_of("javascript:alert(1)") == ""


def test_page_names_are_safe_and_distinct():
    names = {page_name(k) for k in ("GPE:a b", "GPE:a_b", "GPE:a/b", "../../etc/passwd", '"><script>', "")}
    assert len(names) == 6
    for name in names:
        assert re.fullmatch(r"[A-Za-z0-9_-]+-[0-9a-f]{8}\.html", name), name


class _Page(HTMLParser):
    """What a browser would build from the markup: elements with their attributes, and the visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.script_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag not in ("meta", "link", "input", "br"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()

    def handle_data(self, data):
        (self.script_text if self.stack and self.stack[-1] == "script" else self.text).append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    assert page.stack == [], page.stack
    return page


def test_overlapping_highlights_nest_well_and_keep_the_text():
    text = "Jane Roe, UNICEF Representative, said: <b>40</b> & more"
    hls = [Highlight(0, 8, "mention", "m0", "hl k-mention", "PERSON"),
           Highlight(10, 16, "mention", "m1", "hl k-mention", "UN_AGENCY"),
           Highlight(0, 31, "role", "r0", "hl k-role", "role"),
           Highlight(24, 48, "quote", "q0", "hl k-quote", 'quote "x"'),   # crosses the role's end
           Highlight(42, 44, "figure", "f0", "hl k-figure", "figure")]
    page = _parse(str(render_text(text, hls)))
    assert "".join(page.text) == text
    ids = [a["id"] for tag, a in page.elements if "id" in a]
    assert sorted(ids) == ["f0", "m0", "m1", "q0", "r0"]
    assert not any(tag == "b" for tag, _ in page.elements)


def test_offsets_outside_the_text_are_an_error():
    with pytest.raises(ValueError, match="outside its text"):
        render_text("short", [Highlight(2, 9, "date", "d0", "hl k-date", "date")])


# --------------------------------------------------------------------------------------------
# Written hostile tables: every column a page shows holds markup


def _hostile_tables(out: Path) -> None:
    text_body = f"Jane Roe {SCRIPT} met UNICEF in Almaty. {ONERROR} {JS_LINK} She said: “{ATTR_BREAK}”."
    title = f"Hostile {SCRIPT} title"
    text = title + "\n\n" + text_body
    at = text.index
    aid = "hostile-1"
    art = {"article_id": aid, "url": "javascript:window.__pwned='url'", "title": title,
           "published": dt.date(2023, 5, 3), "body": text_body, "text": text, "source_file": f"{ONERROR}.txt",
           "record_index": 0, "content_sha256": "0" * 64, "n_words": 20}
    person = f"PERSON:{ATTR_BREAK}"
    agency = "UN_AGENCY:Q740308"
    place = f"GPE:{SCRIPT}"
    ents = [
        {"entity_id": person, "label": "PERSON", "name": f"Jane {ONERROR}", "aliases": [SCRIPT, JS_LINK],
         "kb_id": "javascript:window.__pwned='kb'", "latitude": None, "longitude": None, "n_articles": 1,
         "n_mentions": 1},
        {"entity_id": agency, "label": "UN_AGENCY", "name": "UNICEF", "aliases": [], "kb_id": "Q740308",
         "latitude": None, "longitude": None, "n_articles": 1, "n_mentions": 1},
        {"entity_id": place, "label": f"GPE{ATTR_BREAK}", "name": f"Almaty {JS_LINK}", "aliases": [],
         "kb_id": f'Q1"{ATTR_BREAK}', "latitude": 43.25, "longitude": 76.9, "n_articles": 1, "n_mentions": 1},
    ]
    s_jane, s_unicef, s_almaty = at("Jane Roe"), at("UNICEF"), at("Almaty")
    mentions = [
        {"mention_id": "M1", "article_id": aid, "entity_id": person, "label": "PERSON", "text": "Jane Roe",
         "start_char": s_jane, "end_char": s_jane + 8, "sentence_index": 0, "source": SCRIPT},
        {"mention_id": "M2", "article_id": aid, "entity_id": agency, "label": "UN_AGENCY", "text": "UNICEF",
         "start_char": s_unicef, "end_char": s_unicef + 6, "sentence_index": 0, "source": "rule"},
        {"mention_id": "M3", "article_id": aid, "entity_id": place, "label": f"GPE{ATTR_BREAK}", "text": "Almaty",
         "start_char": s_almaty, "end_char": s_almaty + 6, "sentence_index": 0, "source": "model"},
    ]
    s_script = at(SCRIPT)
    figures = [{"figure_id": "F1", "article_id": aid, "text": SCRIPT, "value": 1.0, "value_max": None,
                "unit": ONERROR, "qualifier": JS_LINK, "kind": ATTR_BREAK, "counted": SCRIPT,
                "start_char": s_script, "end_char": s_script + len(SCRIPT), "sentence_index": 0}]
    s_img = at(ONERROR)
    dates = [{"date_id": "D1", "article_id": aid, "text": ONERROR, "start": dt.date(2023, 5, 3), "end": None,
              "granularity": SCRIPT, "start_char": s_img, "end_char": s_img + len(ONERROR), "sentence_index": 0}]
    roles = [{"role_id": "R1", "article_id": aid, "person_entity_id": person, "title": SCRIPT,
              "org_entity_id": agency, "place_entity_id": place, "start_char": s_jane,
              "end_char": s_almaty + 6, "sentence_index": 0}]
    s_quote = at(ATTR_BREAK)
    quotes = [{"quote_id": "Q1", "article_id": aid, "text": ATTR_BREAK + JS_LINK, "speaker_entity_id": person,
               "cue": ONERROR, "start_char": s_quote, "end_char": s_quote + len(ATTR_BREAK),
               "sentence_index": 0}]
    merges = [{"entity_id": person, "label": "PERSON", "kept_name": SCRIPT, "merged_name": JS_LINK,
               "score": 1.0, "rule": ONERROR}]
    tables.write_table("articles", [art], out)
    for name, rows in (("entities", ents), ("mentions", mentions), ("figures", figures), ("dates", dates),
                       ("roles", roles), ("quotes", quotes), ("merges", merges)):
        tables.write_table(name, rows, out)


SAFE_HREF = re.compile(r"(?:\.\./)?(?:(?:articles|entities)/)?[A-Za-z0-9_-]+\.html(?:#[a-z][0-9]+)?|#[a-z][0-9]+")


def _check_inert(site: Path, tables_dir: Path) -> None:
    """No page of the site holds anything a browser would run, or a link out that is not a validated one:
    a KB page or an article's own URL when that is a plain http(s) one."""
    article_urls = {web_url(a["url"]) for a in pq.read_table(tables_dir / "articles.parquet", columns=["url"]).to_pylist()}
    pages = sorted(site.rglob("*.html"))
    assert pages
    for path in pages:
        page = _parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(site).as_posix()
        for tag, attrs in page.elements:
            assert tag not in ("img", "iframe", "object", "embed", "svg", "form") or tag == "form" and rel == "index.html", (rel, tag)
            assert not [a for a in attrs if a.startswith("on")], (rel, tag, attrs)
            if tag == "script":
                assert rel == "index.html" and attrs == {"src": "assets/review.js", "defer": None}, (rel, attrs)
            if tag == "link":
                assert attrs["href"].endswith("assets/review.css"), (rel, attrs)
            href = attrs.get("href")
            if tag == "a":
                assert (SAFE_HREF.fullmatch(href) or href in article_urls
                        or href.startswith(("https://www.wikidata.org/wiki/Q", "https://www.geonames.org/"))), (rel, href)
                if not href.startswith(("https:", "#")):
                    assert (path.parent / href.split("#")[0]).exists(), (rel, href)
        assert page.script_text == [], rel
        csp = [a["content"] for t, a in page.elements if a.get("http-equiv") == "Content-Security-Policy"]
        assert len(csp) == 1 and "default-src 'none'" in csp[0] and "'unsafe-inline'" not in csp[0], rel


def test_hostile_tables_render_as_text_on_every_page(tmp_path):
    _hostile_tables(tmp_path)
    summary = build_site(tmp_path, tmp_path / "site")
    assert summary["articles"] == 1 and summary["entities"] == 3
    site = tmp_path / "site"
    _check_inert(site, tmp_path)
    article = _parse((site / "articles" / page_name("hostile-1")).read_text(encoding="utf-8"))
    shown = "".join(article.text)
    for hostile in (SCRIPT, ONERROR, JS_LINK, ATTR_BREAK, "javascript:window.__pwned='url'"):
        assert hostile in shown, hostile
    person = _parse((site / "entities" / page_name(f"PERSON:{ATTR_BREAK}")).read_text(encoding="utf-8"))
    assert f"Jane {ONERROR}" in "".join(person.text) and JS_LINK in "".join(person.text)
    # the KB id that is not a QID is shown, not linked
    assert "javascript:window.__pwned='kb'" in "".join(person.text)


# --------------------------------------------------------------------------------------------
# A written hostile dump through the whole pipeline


def _hostile_dump(record) -> str:
    return (record(f"Written test {SCRIPT} headline",
                   f"UNICEF delivered 40 tonnes of food to Chad on 3 May 2023, said Jane Roe, UNICEF Representative "
                   f"in Chad.\n{ONERROR} The World Food Programme said “{JS_LINK} is not a link”.\n"
                   f"See {JS_LINK} and <a href=\"https://example.org/x\" onclick=\"window.__pwned='click'\">this</a>.",
                   "https://example.org/written-for-tests/review-1")
            + record("Second written test article", f"WFP staff met officials in Almaty on 4 May 2023. {SCRIPT}",
                     "javascript:window.__pwned='url'"))


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    from conftest import make_record
    from pipeline.stages import run_all

    root = tmp_path_factory.mktemp("hostile")
    (root / "raw").mkdir()
    (root / "raw" / "hostile.txt").write_text(_hostile_dump(make_record), encoding="utf-8")
    run_all(root / "raw", root / "out", cache_dir=root / "cache")
    build_site(root / "out")
    return root / "out"


def test_a_hostile_dump_shows_as_plain_text(hostile_run):
    site = hostile_run / "review"
    _check_inert(site, hostile_run)
    arts = pq.read_table(hostile_run / "articles.parquet").to_pylist()
    assert len(arts) == 2
    for a in arts:
        page = _parse((site / "articles" / page_name(a["article_id"])).read_text(encoding="utf-8"))
        shown = "".join(page.text)
        assert "<script>" in shown and a["title"] in shown
    index = _parse((site / "index.html").read_text(encoding="utf-8"))
    assert f"Written test {SCRIPT} headline" in "".join(index.text)


# --------------------------------------------------------------------------------------------
# The real corpus


@pytest.fixture(scope="module")
def real_site(real_run, tmp_path_factory):
    site = tmp_path_factory.mktemp("review") / "site"
    first = build_site(real_run, site)
    return site, first


def test_the_real_corpus_gives_a_page_per_article_and_entity(real_run, real_site):
    site, first = real_site
    n_articles = pq.read_metadata(real_run / "articles.parquet").num_rows
    n_entities = pq.read_metadata(real_run / "entities.parquet").num_rows
    assert len(list((site / "articles").glob("*.html"))) == n_articles == 20
    assert len(list((site / "entities").glob("*.html"))) == n_entities
    assert first["written"] == first["pages"] == n_articles + n_entities + 4   # index, entities, css, js
    _check_inert(site, real_run)
    # every mention, figure, date, role and quote of an article is one highlight on its page
    mentions = pq.read_table(real_run / "mentions.parquet").to_pandas()
    aid = mentions.article_id.value_counts().index[0]
    html = (site / "articles" / page_name(aid)).read_text(encoding="utf-8")
    for kind, table in (("mention", "mentions"), ("figure", "figures"), ("date", "dates"), ("role", "roles"),
                        ("quote", "quotes")):
        n = int((pq.read_table(real_run / f"{table}.parquet").to_pandas().article_id == aid).sum())
        assert len(re.findall(rf'<span class="hl k-{kind}[^"]*" id="{kind[0]}\d+"', html)) == n, kind


def test_a_rebuild_writes_only_what_changed(real_run, real_site, tmp_path):
    site, _ = real_site
    # a copy of the tables whose one entity got a new canonical name: its page and the pages that show it
    tables_dir = tmp_path / "tables"
    shutil.copytree(real_run, tables_dir, ignore=shutil.ignore_patterns("review", "*.jsonl"))
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    again = build_site(tables_dir, copy)
    # index.html shows the tables' folder, so it is the one page that differs from the first build
    assert again["written"] == 1 and again["removed"] == 0
    assert build_site(tables_dir, copy)["written"] == 0

    ents = pq.read_table(tables_dir / "entities.parquet").to_pylist()
    one = next(e for e in ents if e["n_articles"] == 1)
    one["name"] += " (renamed)"
    tables.write_table("entities", ents, tables_dir)
    changed = build_site(tables_dir, copy)
    # its entity page, its one article, entities.html, and index.html only when the entity is an agency or country
    listed = one["label"] == "UN_AGENCY" or one["label"] == "GPE" and bool(re.fullmatch(r"Q\d+", one["kb_id"] or ""))
    assert changed["written"] == 3 + listed, (changed, one["entity_id"])
    art = next(r["article_id"] for r in pq.read_table(tables_dir / "article_entities.parquet").to_pylist()
               if r["entity_id"] == one["entity_id"])
    assert "(renamed)" in (copy / "articles" / page_name(art)).read_text(encoding="utf-8")

    # an article that is gone takes its page along
    for name in ("articles", "mentions", "figures", "dates", "roles", "quotes"):
        rows = pq.read_table(tables_dir / f"{name}.parquet").to_pylist()
        tables.write_table(name, [r for r in rows if r["article_id"] != art], tables_dir)
    gone = build_site(tables_dir, copy)
    assert gone["removed"] >= 1 and not (copy / "articles" / page_name(art)).exists()


def test_the_cli_builds_the_site_under_the_output_folder(real_run, tmp_path, capsys):
    from pipeline.cli import main

    tables_dir = tmp_path / "tables"
    shutil.copytree(real_run, tables_dir, ignore=shutil.ignore_patterns("review", "*.jsonl"))
    assert main(["review", "--output", str(tables_dir)]) == 0
    assert "20 article pages" in capsys.readouterr().out
    assert (tables_dir / "review" / "index.html").exists()


# --------------------------------------------------------------------------------------------
# In a real browser: Debian's Chromium driven by Selenium through Debian's chromedriver

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def _ensure_chromium() -> None:
    """Install Debian's chromium and chromium-driver when missing (CI is a fresh Debian machine, as root).
    A failed install fails the tests loudly: the browser checks are never skipped."""
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        pytest.fail(f"{CHROMIUM} or {CHROMEDRIVER} is missing and cannot be installed here (needs apt-get as "
                    f"root): run `apt-get install -y chromium chromium-driver`")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium", "chromium-driver"]):
        done = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            pytest.fail(f"installing Chromium failed: {' '.join(cmd)} exited {done.returncode}\n"
                        f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail(f"apt-get installed chromium and chromium-driver, yet {CHROMIUM} or {CHROMEDRIVER} is missing")


@pytest.fixture(scope="module")
def browser():
    _ensure_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--force-color-profile=srgb", "--no-first-run", "--disable-extensions"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The driver's path is given, so Selenium Manager never looks for (or downloads) a driver or a browser.
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=opts)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _load(driver, path: Path) -> list[dict]:
    """Open a page from disk; returns its SEVERE console entries (errors, CSP violations, missing files)."""
    driver.get(path.resolve().as_uri())
    assert driver.execute_script("return document.readyState") == "complete"
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _hex(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


def _count_pixels(png: bytes, color: str, tol: int = 2) -> int:
    import numpy as np
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)
    return int((np.abs(img - np.array(_hex(color), dtype=np.int16)) <= tol).all(axis=2).sum())


def test_real_pages_load_without_errors_and_an_article_shows_its_highlights(browser, real_run, real_site, tmp_path):
    site, _ = real_site
    assert _load(browser, site / "index.html") == []
    assert browser.title == "Articles · UN news review"
    # the agency filter (assets/review.js) hides the articles that do not mention the agency
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    rows = browser.find_elements(By.CSS_SELECTOR, "#articles tr")
    agency = Select(browser.find_element(By.ID, "f-agency"))
    option = agency.options[-1]          # the least mentioned agency
    n = int(re.search(r"\((\d+)\)$", option.text).group(1))
    agency.select_by_index(len(agency.options) - 1)
    assert len([r for r in rows if r.is_displayed()]) == n < len(rows)
    assert browser.find_element(By.ID, "f-count").text == f"{n} of {len(rows)} articles"
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []

    assert _load(browser, site / "entities.html") == []
    gpe = pq.read_table(real_run / "entities.parquet").to_pandas().query("kb_id == 'Q232'").entity_id.iloc[0]
    assert _load(browser, site / "entities" / page_name(gpe)) == []

    # the article with all five kinds and the most highlights, captured as one full-page screenshot
    counts = {}
    for table in ("mentions", "figures", "dates", "roles", "quotes"):
        for aid, n in pq.read_table(real_run / f"{table}.parquet").to_pandas().article_id.value_counts().items():
            counts.setdefault(aid, {})[table] = n
    aid = max((a for a, c in counts.items() if len(c) == 5), key=lambda a: sum(counts[a].values()))
    assert _load(browser, site / "articles" / page_name(aid)) == []
    text = browser.find_element(By.CSS_SELECTOR, ".text")
    for kind in review.KINDS:
        first = browser.find_element(By.ID, f"{kind[0]}0")
        assert first.is_displayed() and first.size["width"] > 0 and first.size["height"] > 0, kind
    assert len(browser.find_elements(By.CSS_SELECTOR, ".text .hl")) >= sum(counts[aid].values())
    size = browser.execute_script("return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}})
    import base64

    png = base64.b64decode(shot["data"])
    (tmp_path / "article.png").write_bytes(png)
    pixels = {key: _count_pixels(png, color) for key, color in review.COLORS.items()}
    for key in ("UN_AGENCY", "PERSON", "GPE", "figure", "date", "role", "quote"):
        assert pixels[key] > 200, (key, pixels, str(tmp_path / "article.png"))
    assert text.size["height"] > 300


def test_hostile_pages_run_nothing_in_the_browser(browser, hostile_run):
    site = hostile_run / "review"
    titles = {site / "articles" / page_name(a["article_id"]): a["title"]
              for a in pq.read_table(hostile_run / "articles.parquet").to_pylist()}
    pages = [site / "index.html", site / "entities.html", *sorted(titles)]
    for path in pages:
        assert _load(browser, path) == [], path
        state = browser.execute_script(
            "return {pwned: window.__pwned === undefined ? null : String(window.__pwned), title: document.title,"
            " scripts: Array.from(document.scripts).map(s => s.getAttribute('src')),"
            " images: document.images.length, handlers: document.querySelectorAll('[onerror],[onclick],[onmouseover]').length,"
            " jsLinks: Array.from(document.links).filter(a => !/^(https?|file):/.test(a.href)).map(a => a.href),"
            " text: document.body.innerText}")
        assert state["pwned"] is None, (path, state["pwned"])
        # the written script would set the title to "pwned"; shown as text, it stays the page's own title
        assert state["title"] == f"{titles.get(path, 'Articles' if path.name == 'index.html' else 'Entities')}" \
            " · UN news review", (path, state["title"])
        assert state["scripts"] == (["assets/review.js"] if path.name == "index.html" else []), path
        assert state["images"] == 0 and state["handlers"] == 0 and state["jsLinks"] == [], (path, state)
        if path.parent.name == "articles":
            assert "<script>" in state["text"], path
