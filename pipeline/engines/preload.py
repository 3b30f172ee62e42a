"""Imported once by the forkserver (`pipeline.engines.server`): builds the extract pipeline that every
worker forked from the server inherits, and the fingerprint it was built from."""
from pipeline.engines import local
from pipeline.extract import pipeline_fingerprint
from pipeline.nlp.build import shared_nlp

local.use_pool_pipeline(shared_nlp(), pipeline_fingerprint())
