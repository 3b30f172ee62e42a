"""The process the local pool's workers are forked from: multiprocessing's forkserver, with the extract
pipeline built in it once (`pipeline.engines.preload`).

`start()` is called at the beginning of a run with workers, before parse, so the pipeline is built on the
second core while this process reads the input; the model load is no longer a step the run waits for.
Each worker forked from the server starts with the pipeline in memory, as a worker forked from the main
process would, but inherits nothing the main process holds by then (parse's state, link's state of the
articles seen so far), so a renewed pool starts as small as the first. It does inherit the server's malloc
thresholds (`keep_freed_memory`), so that it reuses the memory a partition freed. This module imports
nothing heavy: the command line starts the server before it imports the stages.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.forkserver
import platform

PRELOAD = "pipeline.engines.preload"

# glibc's malloc gives a freed block back to the system when it is large (above the mmap threshold) or when the
# free space at the top of its heap passes the trim threshold, and a worker's next partition faults the same
# pages in again: 210,000 minor faults per 200 articles taken in partitions against 18,000 in one long
# nlp.pipe, 3% of the workers' time. With these thresholds a worker's heap keeps what a partition's batches
# freed (the peak it reaches again at the next partition) and reuses it. mallopt's parameters, from malloc.h:
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD_BYTES = 32 * 2**20     # glibc's own ceiling for its dynamic mmap threshold
TRIM_THRESHOLD_BYTES = 256 * 2**20    # at 64 and 128 MiB a third to a half of the faults came back


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


def keep_freed_memory() -> None:
    """Sets this process's malloc thresholds, which the processes it forks inherit (the forkserver calls it
    before it builds the pipeline). C libraries other than glibc have no mallopt and keep their own policy."""
    if platform.libc_ver()[0] != "glibc":
        return
    libc = ctypes.CDLL(None)
    for param, value in ((M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES), (M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES)):
        if libc.mallopt(param, value) != 1:
            raise OSError(f"mallopt({param}, {value}) refused")
