"""Where a cold batch's time goes: each piece of validate_posts timed on its own, in the order
the batch runs them, on 5,000 fresh posts of the validation benchmark's workload.

    .venv/bin/python bench/validation_stages.py [--runs 5] [--batch 5000]

Prints the median µs per post of each piece and of the whole (CPU time, one core, collector
off as in validate_posts, memos emptied before each run). The pieces add up to a little more
than a batch call: the batch interleaves them, and this script forces each derived form of the
text (tokens, runs, lower case...) where it is first used. Figures go to docs/PERFORMANCE.md,
"Validation".
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import validation_bench as vb  # noqa: E402 - sets up Django


class Laps:
    """lap(name) records the CPU time since the previous lap, in µs per post."""

    def __init__(self, samples: dict[str, list[float]], posts: int):
        self.samples, self.posts = samples, posts
        self.start = self.last = time.process_time()

    def __call__(self, name: str) -> None:
        now = time.process_time()
        self.samples.setdefault(name, []).append((now - self.last) / self.posts * 1e6)
        self.last = now


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    from django.utils import timezone

    from validation import services
    from validation.checks import brand as brand_checks
    from validation.checks.language import profanity, toxicity
    from validation.checks.pii import pii
    from validation.selectors import policy_for_brand
    from validation.toxicity import warm_up
    from validation.types import MediaSpec, PostView

    brand = vb.setup_brand()
    warm_up()
    policy = policy_for_brand(brand=brand)
    media = (MediaSpec("image", "image/jpeg", 1080, 1350, 900_000),)
    n = args.batch
    samples: dict[str, list[float]] = {}

    for run in range(args.runs):
        inputs = [services.PostInput(t, vb.PLATFORMS, media) for t in vb.posts(n, 1000 + run)]
        vb.clear_memos()
        gc.disable()
        lap = Laps(samples, n)
        content = services._ContentChecks(policy)
        texts = [content.analysed(p.text) for p in inputs]
        lap("NFC (Analysed.of)")
        for a in texts:
            a.tokens  # noqa: B018
        lap("split into tokens")
        for a in texts:
            a.scan  # noqa: B018
        lap("token pass (per-token memo)")
        for a in texts:
            a.urls  # noqa: B018
        lap("URLs")
        for a in texts:
            a.hashtags, a.mentions  # noqa: B018
        lap("hashtags, mentions")
        content.prescore(texts)
        lap("toxicity model (one batch call)")
        views = [PostView(a) for a in texts]
        found = [[*profanity(v, policy)] for v in views]
        lap("word list (profanity)")
        for a, into in zip(texts, found, strict=True):
            into += toxicity(content.scores[a.text], policy)
        for v, into in zip(views, found, strict=True):
            into += pii(v, policy)
        lap("PII")
        for v in views:
            policy.words_in(v.text)
        lap("policy vocabulary pre-filter")
        for v in views:
            v.text.lower  # noqa: B018
        lap("lower-cased text")
        for v in views:
            v.text.squashed  # noqa: B018
        lap("squashed text (disclaimers)")
        for check in brand_checks.BRAND_CHECKS:
            for v, into in zip(views, found, strict=True):
                into += check(v, policy)
            lap(check.__name__)
        for a, into in zip(texts, found, strict=True):
            content.done[a.text] = tuple(into)
        now = timezone.now()
        reports = [services._report(p, policy, content, now) for p in inputs]
        lap("platform checks and reports (X weight included)")
        del content, texts, views, found
        lap("freeing the per-text memo")
        gc.enable()
        gc.collect(0)
        lap("collector's first pass (over the reports)")
        del reports
        lap("freeing the reports")
        samples.setdefault("TOTAL", []).append((time.process_time() - lap.start) / n * 1e6)

    print(f"median µs per post over {args.runs} runs of {n} fresh posts, cold memos:")
    for name, values in samples.items():
        print(f"{statistics.median(values):8.1f}  {name}")


if __name__ == "__main__":
    main()
