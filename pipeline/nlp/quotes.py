"""PLACEHOLDER: component 'quotes' is not implemented yet (its issue replaces this module)."""
from spacy.language import Language


@Language.factory("quote_extractor")
def make_quote_extractor(nlp, name):
    def quote_extractor(doc):
        return doc

    return quote_extractor
