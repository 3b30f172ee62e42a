import codecs
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.parse import (BoilerplateRules, article_id_for, clean_body, decode_bytes, learn_repeated_lines,
                            load_boilerplate_rules, parse_files, split_records, UndecodableError)

GOOD_BODY = "ALMATY – The Ocean Council met on 3 March.\nIt agreed on a plan for rivers."


def dump(*records: str) -> str:
    return "".join(records)


def parse_text(text: str, name: str = "a.txt"):
    return parse_files([(name, text.encode("utf-8"))])


def test_good_record_becomes_article_without_boilerplate(record):
    url = "https://kazakhstan.un.org/en/123456-ocean-council-meets"
    result = parse_text(dump(record("Ocean Council meets", GOOD_BODY, url)))
    assert result.rejects == []
    (art,) = result.articles
    assert art["article_id"] == "123456"
    assert art["published"] == dt.date(2023, 6, 14)
    assert art["body"] == GOOD_BODY
    assert art["text"] == "Ocean Council meets\n\n" + GOOD_BODY
    assert "Donate" not in art["body"] and "Mambetov" not in art["body"] and "Tel:" not in art["body"]
    assert len(art["content_sha256"]) == 64


def test_other_site_url_gets_hash_id(record):
    url = "https://news.example.org/story/ocean-council"
    (art,) = parse_text(record("Ocean Council meets", GOOD_BODY, url)).articles
    assert len(art["article_id"]) == 16 and all(c in "0123456789abcdef" for c in art["article_id"])
    assert article_id_for(url) == art["article_id"]
    assert article_id_for("https://kyrgyzstan.un.org/ru/98765-x") == "98765"


def test_missing_date_is_kept_with_null_and_warned(record):
    result = parse_text(record("No date here", GOOD_BODY, "https://kazakhstan.un.org/en/1-a", date=None))
    (art,) = result.articles
    assert art["published"] is None
    assert result.warnings["missing date"] == 1


def test_unreadable_date_is_kept_with_null_and_warned(record):
    result = parse_text(record("Odd date", GOOD_BODY, "https://kazakhstan.un.org/en/2-a", date="sometime soon"))
    (art,) = result.articles
    assert art["published"] is None
    assert result.warnings["unreadable date"] == 1


@pytest.mark.parametrize("broken, reason", [
    ("Date: 1 May 2021\nTitle: No url\nContent: Some body text here.\n\n", "missing URL"),
    ("Date: 1 May 2021\nTitle: \nContent: Body without a title.\nURL: https://kazakhstan.un.org/en/9-x\n\n", "missing title"),
    ("Date: 1 May 2021\nTitle: Empty\nContent: Donate to the Sustainable Development Goals Fund\n1 May 2021\n"
     "URL: https://kazakhstan.un.org/en/8-x\n\n", "empty body"),
])
def test_bad_record_is_rejected_and_neighbours_survive(record, broken, reason):
    good1 = record("First good", GOOD_BODY, "https://kazakhstan.un.org/en/100-first")
    good2 = record("Second good", GOOD_BODY, "https://kazakhstan.un.org/en/101-second")
    result = parse_text(dump(good1, broken, good2))
    assert [a["article_id"] for a in result.articles] == ["100", "101"]
    (rej,) = result.rejects
    assert rej["reason"] == reason
    assert rej["record_index"] == 1
    assert rej["source_file"] == "a.txt"


def test_duplicate_url_keeps_first(record):
    url = "https://kazakhstan.un.org/en/555-dup"
    result = parse_text(dump(record("First", GOOD_BODY, url), record("Second", GOOD_BODY, url)))
    (art,) = result.articles
    assert art["title"] == "First"
    (rej,) = result.rejects
    assert rej["reason"].startswith("duplicate URL") and rej["record_index"] == 1


def test_duplicate_url_across_files_keeps_first_file(record):
    url = "https://kazakhstan.un.org/en/556-dup"
    result = parse_files([("a.txt", record("A", GOOD_BODY, url).encode()),
                          ("b.txt", record("B", GOOD_BODY, url).encode())])
    assert [a["source_file"] for a in result.articles] == ["a.txt"]
    assert result.rejects[0]["source_file"] == "b.txt"


def test_cp1251_file_is_decoded(record):
    text = record("Встреча в Алматы", "Совет собрался в Алматы.\nОн принял новый план по рекам и озёрам.",
                  "https://kazakhstan.un.org/ru/777-vstrecha")
    result = parse_files([("ru.txt", text.encode("cp1251"))])
    (art,) = result.articles
    assert art["title"] == "Встреча в Алматы"


def test_utf16_with_bom_and_crlf_is_decoded(record):
    text = record("Ocean Council meets", GOOD_BODY, "https://kazakhstan.un.org/en/778-x").replace("\n", "\r\n")
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    (art,) = parse_files([("u16.txt", data)]).articles
    assert "\r" not in art["body"] and art["body"] == GOOD_BODY


def test_utf8_bom_is_stripped(record):
    text = record("Ocean Council meets", GOOD_BODY, "https://kazakhstan.un.org/en/779-x")
    (art,) = parse_files([("bom.txt", codecs.BOM_UTF8 + text.encode())]).articles
    assert art["article_id"] == "779"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (bytes(range(256)) * 8, "binary file"),
    (b"just some words\nwith no record fields at all\n", "no records found"),
])
def test_unusable_file_is_rejected(data, reason):
    result = parse_files([("bad.bin", data)])
    assert result.articles == []
    (rej,) = result.rejects
    assert rej["reason"].startswith(reason)
    assert rej["record_index"] == -1


def test_undecodable_bytes_raise_reason():
    with pytest.raises(UndecodableError):
        decode_bytes(b"\x00\x01\x02\x03" * 50)


def test_repeated_lines_are_learned_as_boilerplate():
    contents = [["Site banner", f"Story {i} text", "Footer line one"] for i in range(10)]
    repeated = learn_repeated_lines(contents, min_share=0.2, min_articles=4)
    assert repeated == {"Site banner", "Footer line one"}


def test_learned_boilerplate_cleans_another_site():
    rules = load_boilerplate_rules()
    rules = BoilerplateRules(rules.lines, rules.line_patterns, rules.footer_starts,
                             frozenset({"Support our work", "Office of the UN in Bishkek"}))
    body = clean_body(["Support our work", "2 May 2022", "The story.", "More story.",
                       "Office of the UN in Bishkek"], rules, "2 May 2022", dt.date(2022, 5, 2))
    assert body == "The story.\nMore story."


def test_a_date_line_that_opens_the_body_is_the_pages_own_and_stays():
    rules = load_boilerplate_rules()
    body = clean_body(["2 May 2022", "The story."], rules, "2 May 2022", dt.date(2022, 5, 2))
    assert body == "2 May 2022\nThe story."
    # under the site's header it is the header's repeat, as in the seed dump
    body = clean_body(["Donate to the Sustainable Development Goals Fund", "2 May 2022", "The story."], rules,
                      "2 May 2022", dt.date(2022, 5, 2))
    assert body == "The story."


def test_repeated_line_in_the_middle_is_kept():
    rules = load_boilerplate_rules()
    rules = BoilerplateRules(rules.lines, rules.line_patterns, rules.footer_starts, frozenset({"About the project"}))
    body = clean_body(["Intro.", "About the project", "Details."], rules, None, None)
    assert body == "Intro.\nAbout the project\nDetails."


def test_split_records_counts_every_header():
    text = "Title: A\nContent: x\nURL: u1\nDate: 1 May 2020\nTitle: B\nContent: y\nURL: u2\nTitle: C\nTitle: D\n"
    recs = split_records(text)
    assert [r.title for r in recs] == ["A", "B", "C", "D"]


FIELD_LINES = st.sampled_from(["Date: 1 May 2021", "Date: ", "Date: nonsense", "Title: A title", "Title:",
                               "Content: Body line", "Content:", "URL: https://kazakhstan.un.org/en/42-x",
                               "URL: https://example.com/a", "URL:", "", "plain body text", "***",
                               "Donate to the Sustainable Development Goals Fund", "UN House in Astana:"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(FIELD_LINES, st.text(max_size=40)), max_size=40), st.sampled_from(["\n", "\r\n", "\r"]),
       st.sampled_from(["utf-8", "utf-16", "cp1251", "latin-1"]))
def test_parser_never_raises_and_accounts_for_every_record(lines, newline, encoding):
    text = newline.join(lines)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    result = parse_files([("fuzz.txt", data)])
    file_level = [r for r in result.rejects if r["record_index"] == -1]
    if file_level:
        assert result.articles == [] and len(result.rejects) == 1
        return
    decoded, _ = decode_bytes(data)
    n_records = len(split_records(decoded))
    indices = [a["record_index"] for a in result.articles] + [r["record_index"] for r in result.rejects]
    assert sorted(indices) == list(range(n_records))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_parser_survives_random_bytes(data):
    result = parse_files([("rand.bin", data)])
    assert all(set(r) == {"source_file", "record_index", "reason", "excerpt", "stage", "article_id"}
               for r in result.rejects)
    assert result.articles or result.rejects


# The record grammar decides field-like lines inside a body by what follows.

def test_field_lines_inside_a_body_stay_body_text(record):
    body = ("The agenda was set.\nDate: 12 May 2023\nVenue: the UN House.\nReferences:\n"
            "URL: https://example.org/written-for-tests/reference\nTitle: a report on rivers\nThe end.")
    url = "https://example.org/written-for-tests/agenda"
    result = parse_text(dump(record("Agenda set", body, url), record("Second", GOOD_BODY, url + "-2")))
    assert result.rejects == []
    first, second = sorted(result.articles, key=lambda a: a["record_index"])
    assert "Date: 12 May 2023" in first["body"] and "URL: https://example.org/written-for-tests/reference" in first["body"]
    assert first["url"] == url and second["title"] == "Second"


def test_a_url_line_closes_a_body_only_before_a_record_or_the_end():
    text = ("Title: A\nContent: x\nURL: https://example.org/ref\nmore body\nURL: https://example.org/a\n\n"
            "Date: 1 May 2020\nTitle: B\nContent: y\nURL: https://example.org/b")
    recs = split_records(text)
    assert [(r.title, r.url) for r in recs] == [("A", "https://example.org/a"), ("B", "https://example.org/b")]
    assert recs[0].content == ["x", "URL: https://example.org/ref", "more body"]


def test_few_nul_bytes_are_dropped_with_a_warning_not_the_file(record):
    data = dump(record("Ocean Council meets", GOOD_BODY, "https://example.org/written-for-tests/n")).encode()
    data = data.replace(b"Ocean Council", b"Ocean\x00 Council", 1)
    result = parse_files([("nul.txt", data)])
    assert len(result.articles) == 1 and result.warnings["NUL bytes removed"] == 1


FIELDISH_BODY_LINES = st.sampled_from(["Date: 12 May 2023", "URL: https://example.org/ref", "Title: Annex",
                                       "Content: see below", "Date:", "URL:"])
PLAIN_LINES = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\n\x0b\x0c"
                                             "\x1c\x1d\x1e\x85\u2028\u2029"), max_size=60).filter(
    lambda s: s.strip() and not s.lstrip().startswith(("Date:", "Title:", "Content:", "URL:"))
    and not s.startswith(("Date", "Title", "Content", "URL")))


@st.composite
def dump_records(draw):
    """One well-formed record: Date/Title (and maybe URL) in a random order, a body with field-like lines."""
    i = draw(st.integers(0, 10**6))
    header = [f"Title: Record {i}"]
    if draw(st.booleans()):
        header.append(draw(st.sampled_from([f"Date: {i % 28 + 1} May 2021", "Date: nonsense", "Date:"])))
    url = f"URL: https://example.org/written-for-tests/{i}-{draw(st.integers(0, 10**9))}"
    url_in_header = draw(st.booleans())
    if url_in_header:
        header.append(url)
    header = draw(st.permutations(header))
    body = [draw(PLAIN_LINES)]
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.booleans()):
            body.append(draw(FIELDISH_BODY_LINES))
        body.append(draw(st.one_of(PLAIN_LINES, st.just("x" * draw(st.integers(1000, 20000))))))
    lines = list(header) + ["Content: " + body[0]] + body[1:] + ([] if url_in_header else [url])
    return "\n".join(lines)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(dump_records(), min_size=1, max_size=6), st.sampled_from(["\n", "\r\n", "\r"]),
       st.sampled_from(["utf-8", "utf-16", "cp1251", "latin-1", "mixed"]), st.booleans())
def test_every_record_comes_out_as_one_article_or_one_reject(records, newline, encoding, stray_nul):
    if encoding == "mixed":  # records in different encodings in one file
        data = b"".join((r + "\n\n").replace("\n", newline).encode("utf-8" if k % 2 else "cp1251", "replace")
                        for k, r in enumerate(records))
    else:
        data = ("\n\n".join(records)).replace("\n", newline).encode(encoding, "replace")
    if stray_nul and encoding != "utf-16":
        data = data[:len(data) // 2] + b"\x00" + data[len(data) // 2:]
    result = parse_files([("fuzz.txt", data)])
    assert [r for r in result.rejects if r["record_index"] == -1] == []
    indices = [a["record_index"] for a in result.articles] + [r["record_index"] for r in result.rejects]
    assert sorted(indices) == list(range(len(records)))
