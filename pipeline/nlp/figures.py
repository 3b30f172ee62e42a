"""PLACEHOLDER: component 'figures' is not implemented yet (its issue replaces this module)."""
from spacy.language import Language


@Language.factory("figure_extractor")
def make_figure_extractor(nlp, name):
    def figure_extractor(doc):
        return doc

    return figure_extractor
