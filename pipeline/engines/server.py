"""The process the local pool's workers are forked from: multiprocessing's forkserver, with the extract
pipeline built in it once (`pipeline.engines.preload`).

`start()` is called at the beginning of a run with workers, before parse, so the pipeline is built on the
second core while this process reads the input; the model load is no longer a step the run waits for.
Each worker forked from the server starts with the pipeline in memory, as a worker forked from the main
process would, but inherits nothing the main process holds by then (parse's state, link's state of the
articles seen so far), so a renewed pool starts as small as the first. This module imports nothing heavy:
the command line starts the server before it imports the stages.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver

PRELOAD = "pipeline.engines.preload"


def context() -> multiprocessing.context.BaseContext:
    ctx = multiprocessing.get_context("forkserver")
    # Takes effect when the server starts; a server already running keeps what it has, and the workers
    # check its pipeline against the run's fingerprint (`pipeline.engines.local`).
    ctx.set_forkserver_preload([PRELOAD])
    return ctx


def start() -> None:
    """Start the server now (it builds the pipeline in the background); idempotent."""
    context()
    multiprocessing.forkserver.ensure_running()
