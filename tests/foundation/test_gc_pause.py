"""core.gc_pause: overlapping pauses resume the collector once, when the last one ends, and
only if it was running when the first began."""

import gc
import threading

from core.gc_pause import gc_paused


def test_the_collector_resumes_when_the_last_overlapping_pause_ends():
    assert gc.isenabled()
    entered, release = threading.Event(), threading.Event()

    def other_thread():
        with gc_paused():
            entered.set()
            release.wait(10)

    worker = threading.Thread(target=other_thread)
    with gc_paused():
        worker.start()
        assert entered.wait(10)
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's pause is still running
    release.set()
    worker.join(10)
    assert gc.isenabled()


def test_a_pause_leaves_a_collector_that_was_off_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_resumes_when_the_paused_work_raises():
    try:
        with gc_paused():
            raise ValueError("boom")
    except ValueError:
        pass
    assert gc.isenabled()
