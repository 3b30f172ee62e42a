"""Imported once by the forkserver (`pipeline.engines.server`): builds the extract pipeline that every
worker forked from the server inherits, and the fingerprint it was built from; the workers inherit the
server's malloc thresholds too (`server.keep_freed_memory`)."""
from pipeline.engines import local, server
from pipeline.extract import pipeline_fingerprint
from pipeline.nlp.build import shared_nlp

server.keep_freed_memory()
local.use_pool_pipeline(shared_nlp(), pipeline_fingerprint())
