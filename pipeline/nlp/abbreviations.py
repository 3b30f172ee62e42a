"""PLACEHOLDER: component 'abbreviations' is not implemented yet (its issue replaces this module)."""
from spacy.language import Language


@Language.factory("abbreviation_labeller")
def make_abbreviation_labeller(nlp, name):
    def abbreviation_labeller(doc):
        return doc

    return abbreviation_labeller
