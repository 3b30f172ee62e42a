"""PLACEHOLDER: component 'people' is not implemented yet (its issue replaces this module)."""
from spacy.language import Language


@Language.factory("person_appositions")
def make_person_appositions(nlp, name):
    def person_appositions(doc):
        return doc

    return person_appositions
