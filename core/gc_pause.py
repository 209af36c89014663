"""Pausing Python's cyclic garbage collector around allocation-heavy, cycle-free work.

A batch validation allocates hundreds of container objects per post (tokens, entities,
findings, reports) that all live until the call returns, so the collector keeps running
passes over a growing heap, promotes the survivors and then walks the whole process in full
collections: about a quarter of a 5,000-post batch (docs/PERFORMANCE.md, Validation). That
work finds nothing: the objects form no reference cycles and are freed by reference counting
when the caller drops the result. Pausing only skips the passes; a cycle made meanwhile (by
any thread) is collected by the first pass after the last pause ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0  # pauses in progress in this process (threads may overlap)
_resume = False  # whether the collector was enabled when the first of them began


@contextmanager
def gc_paused() -> Iterator[None]:
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
