"""Self-check of the held-out gold: every annotated string occurs in its article's title/body,
ids match the URLs, references point to entity canonicals, JSON and ISO dates are well formed."""
import json, re, hashlib, datetime, sys
from pathlib import Path
HERE = Path(__file__).resolve().parent
raw = (HERE / "raw" / "holdout.txt").read_text(encoding="utf-8")
records = [r for r in re.split(r"\n\s*\n(?=Date:)", raw) if r.strip()]
def body_of(rec):
    title = re.search(r"^Title: (.*)$", rec, re.M).group(1)
    content = rec.split("Content:", 1)[1].rsplit("\nURL:", 1)[0]
    lines = [l for l in content.split("\n")]
    lines = [l for l in lines if l.strip() != "Donate to the Sustainable Development Goals Fund"]
    date = re.search(r"^Date: (.*)$", rec, re.M).group(1)
    if lines and lines[0].strip() == "": lines = lines[1:]
    if lines and lines[0].strip() == date: lines = lines[1:]
    out = []
    for l in lines:
        if re.match(r"UN (House|Office) in ", l): break
        out.append(l)
    return title + "\n" + "\n".join(out)
def aid(url):
    m = re.match(r"https?://[a-z0-9-]+\.un\.org/en/(\d+)-", url)
    return m.group(1) if m else hashlib.sha256(url.encode()).hexdigest()[:16]
arts = {}
for r in records:
    url = re.search(r"^URL: (\S+)", r, re.M).group(1)
    arts[aid(url)] = (url, body_of(r), r)
gold = [json.loads(l) for l in (HERE / "gold.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
errs = []
assert len(gold) == len(records) == len(arts), (len(gold), len(records))
iso = lambda s: datetime.date.fromisoformat(s)
for g in gold:
    a = g["article_id"]
    if a not in arts: errs.append(f"unknown id {a}"); continue
    url, body, rec = arts[a]
    words = len(rec.split("Content:", 1)[1].split())
    if not 300 <= words <= 650: errs.append(f"{a}: {words} words")
    canon = {}
    for e in g["entities"]:
        assert e["label"] in {"UN_AGENCY", "ORG", "PERSON", "GPE", "LOC"}
        if e["canonical"] in canon: errs.append(f"{a}: duplicate canonical {e['canonical']}")
        canon[e["canonical"]] = e["label"]
        if len(set(e["mentions"])) != len(e["mentions"]): errs.append(f"{a}: dup mention {e}")
        for m in e["mentions"]:
            if m not in body: errs.append(f"{a}: mention not in body: {m!r}")
    seen = set()
    for f in g["figures"]:
        if f["text"] not in body: errs.append(f"{a}: figure not in body: {f['text']!r}")
        if (f["text"], f["value"]) in seen: errs.append(f"{a}: dup figure {f}")
        seen.add((f["text"], f["value"]))
        assert f["qualifier"] in {None, "approximately", "more_than", "less_than", "up_to", "at_least"}, f
        assert isinstance(f["value"], (int, float)) and f["unit"], f
        if "value_max" in f: assert f["value_max"] > f["value"], f
    seen = set()
    for d in g["dates"]:
        if d["text"] not in body: errs.append(f"{a}: date not in body: {d['text']!r}")
        if d["text"] in seen: errs.append(f"{a}: dup date {d}")
        seen.add(d["text"])
        if iso(d["start"]) > iso(d["end"]): errs.append(f"{a}: bad range {d}")
    for r in g["roles"]:
        if canon.get(r["person"]) != "PERSON": errs.append(f"{a}: role person {r['person']}")
        if r["org"] is not None and canon.get(r["org"]) not in {"ORG", "UN_AGENCY"}: errs.append(f"{a}: role org {r['org']}")
        if r["place"] is not None and canon.get(r["place"]) not in {"GPE", "LOC"}: errs.append(f"{a}: role place {r['place']}")
    for q in g["quotes"]:
        if q["speaker"] is not None and q["speaker"] not in canon: errs.append(f"{a}: speaker {q['speaker']}")
        if q["opening"] not in body: errs.append(f"{a}: quote opening not in body: {q['opening']!r}")
        if len(q["opening"].split()) > 8: errs.append(f"{a}: opening > 8 words")
        i = body.find(q["opening"])
        if i > 0 and body[i - 1] not in "“\"": errs.append(f"{a}: opening does not start a quote: {q['opening']!r}")
    # no annotated string may come only from site furniture
print("\n".join(errs) if errs else f"OK: {len(gold)} articles, "
      f"{sum(len(g['entities']) for g in gold)} entities, {sum(len(g['figures']) for g in gold)} figures, "
      f"{sum(len(g['dates']) for g in gold)} dates, {sum(len(g['roles']) for g in gold)} roles, {sum(len(g['quotes']) for g in gold)} quotes")
sys.exit(1 if errs else 0)
