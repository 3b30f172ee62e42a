"""Extraction records: the fast to_dict must stay what dataclasses.asdict would give."""
import json
from dataclasses import asdict

from pipeline.records import DateMention, Extraction, Figure, Mention, Quote, Role


def test_to_dict_equals_asdict_and_round_trips():
    ex = Extraction(
        article_id="x1",
        mentions=[Mention("PERSON", "Aino Varga", 0, 10, 0, "model"), Mention("GPE", "Tarnow", 20, 26, 1, "rule", "g:1")],
        figures=[Figure("12 wells", 12.0, None, "wells", None, "count", "wells", 30, 38, 1)],
        dates=[DateMention("May 2021", "2021-05-01", "2021-05-31", "month", 40, 48, 2)],
        roles=[Role(0, 10, "Mayor", None, None, 20, 26, 0, 26, 0)],
        quotes=[Quote("We will stay", 0, 10, "said", 50, 62, 2)],
        sentence_starts=[0, 12, 39],
    )
    d = ex.to_dict()
    assert d == asdict(ex)
    assert json.dumps(d) == json.dumps(asdict(ex))   # same key order too
    assert Extraction.from_dict(json.loads(json.dumps(d))) == ex
    d["mentions"][0]["text"] = "changed"
    assert ex.mentions[0].text == "Aino Varga"        # a copy, not a view
