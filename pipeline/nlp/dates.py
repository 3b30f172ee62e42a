"""PLACEHOLDER: component 'dates' is not implemented yet (its issue replaces this module)."""
from spacy.language import Language


@Language.factory("date_extractor")
def make_date_extractor(nlp, name):
    def date_extractor(doc):
        return doc

    return date_extractor


def resolve_dates(candidates, published):
    return []
