"""PLACEHOLDER: component 'roles' is not implemented yet (its issue replaces this module)."""
from spacy.language import Language


@Language.factory("role_extractor")
def make_role_extractor(nlp, name):
    def role_extractor(doc):
        return doc

    return role_extractor
