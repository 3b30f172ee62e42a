"""PLACEHOLDER: component 'un_agencies' is not implemented yet (its issue replaces this module)."""
from spacy.language import Language


@Language.factory("un_agency_ruler")
def make_un_agency_ruler(nlp, name):
    def un_agency_ruler(doc):
        return doc

    return un_agency_ruler
