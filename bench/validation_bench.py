"""Validation throughput on one core: ~500-character posts to all five platforms with every
check on (platform limits, language word list + toxicity model, PII, brand policy with
competitors, banned phrases, required hashtags/disclaimers and two compliance packs).

    .venv/bin/python bench/validation_bench.py [--runs 5] [--posts 2000] [--batch 5000]

Posts are distinct and varied (bench/validation_posts.py), and every run gets a fresh set, so
no per-text cache can serve a run from an earlier one. "cold" runs also empty validation's
per-token and phone memos first (a freshly started worker); "warm" runs keep them (a worker
that has already validated other posts of the brand).

Uses a throw-away SQLite database under a temporary VAR_DIR (migrated on start).
Prints medians of several runs; figures go to docs/PERFORMANCE.md, "Validation".
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["IGNORE_DOTENV"] = "true"
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="brandpost-bench-"))
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from validation_posts import varied_posts  # noqa: E402

PLATFORMS = ["instagram", "facebook", "linkedin", "x", "google_business"]


def setup_brand():
    from tenancy.services import brand_create, tenant_create
    from validation import services

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench", "bench@example.com", "x")
    tenant = tenant_create(name="Bench", slug="bench")
    brand = brand_create(tenant=tenant, name="Bench Coffee", owner=user)
    services.policy_update(
        brand=brand,
        actor=user,
        banned_phrases=["lowest price ever", "best in the world", "guaranteed"],
        competitors=["Globex Tea", "Initech Coffee", "Umbrella Beans"],
        required_hashtags=["AcmeCoffee"],
        required_disclaimers=["Ad."],
        review_keywords=["limited batch", "giveaway"],
        allowed_contacts=["hello@acme.example.com"],
        compliance_packs=["alcohol", "financial_services"],
    )
    return brand


def posts(n: int, seed: int = 0) -> list[str]:
    # Distinct, varied texts of ~500 characters (a new set per seed).
    return varied_posts(n, seed=seed)


def clear_memos() -> None:
    """Empty validation's per-token and phone memos, as in a freshly started process."""
    from validation.checks import language, pii
    from validation.text import entities

    if hasattr(entities, "forget_tokens"):
        entities.forget_tokens()  # the shared per-token memo
    for module, name in (
        (entities, "_URL_MEMO"),
        (language, "_TOKEN_MEMO"),
        (pii, "_PHONE_MEMO"),
    ):
        memo = getattr(module, name, None)  # (absent in older code)
        if memo is not None:
            memo.clear()


def median_rate(make, fn, count: int, runs: int, *, cold: bool):
    """Median posts/s of `runs` runs of fn(inputs), each on fresh inputs from make(run), by
    wall clock and by this process's CPU time (the fairer figure when other work shares the
    core)."""
    wall, cpu = [], []
    for run in range(runs):
        inputs = make(1000 + run)
        if cold:
            clear_memos()
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(inputs)
        cpu.append(count / (time.process_time() - start_cpu))
        wall.append(count / (time.perf_counter() - start))
    return statistics.median(wall), wall, statistics.median(cpu)


def per_check_costs(brand, runs: int, n: int = 2000) -> list[tuple[str, float]]:
    from validation.checks import brand as brand_checks
    from validation.checks.language import profanity
    from validation.checks.pii import pii
    from validation.checks.platform import PLATFORM_CHECKS
    from validation.limits import limits_for
    from validation.selectors import policy_for_brand
    from validation.text.entities import Analysed
    from validation.toxicity import toxicity_scores
    from validation.types import MediaSpec, PostView

    policy = policy_for_brand(brand=brand)
    texts = posts(n)
    media = (MediaSpec("image", "image/jpeg", 1080, 1350, 900_000),)

    def analysed():
        out = []
        for t in texts:
            a = Analysed.of(t)
            a.urls, a.hashtags, a.mentions  # noqa: B018 - force the cached entities
            out.append(a)
        return out

    prepared = analysed()
    views = [PostView(a, media) for a in prepared]
    costs = []

    def timed(name, body):
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            body()
            samples.append((time.perf_counter() - start) / n * 1e6)
        costs.append((name, statistics.median(samples)))

    timed("NFC + entities (URLs, hashtags, mentions)", analysed)
    for check in PLATFORM_CHECKS:
        timed(
            f"{check.__name__} (x5 platforms)",
            lambda c=check: [c(v, limits_for(s), policy) for v in views for s in PLATFORMS],
        )
    timed("profanity word list", lambda: [profanity(v, policy) for v in views])
    timed("toxicity model, one text per call", lambda: [toxicity_scores([t]) for t in texts])
    timed("toxicity model, one batch call", lambda: toxicity_scores(texts))
    timed("pii", lambda: [pii(v, policy) for v in views])
    for check in brand_checks.BRAND_CHECKS:
        timed(check.__name__, lambda c=check: [c(v, policy) for v in views])
    return costs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=5000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core

    from validation.services import MediaSpec, PostInput, validate_post, validate_posts
    from validation.toxicity import warm_up

    brand = setup_brand()
    warm_up()
    media = [MediaSpec("image", "image/jpeg", 1080, 1350, 900_000)]
    sample = posts(args.batch)
    rules: dict[str, int] = {}
    for report in validate_posts(
        brand=brand, posts=[PostInput(t, PLATFORMS, tuple(media)) for t in sample]
    ):
        for rule in {str(f.rule) for f in report.findings}:
            rules[rule] = rules.get(rule, 0) + 1
    lengths = sorted(len(t) for t in sample)
    print(f"{len(sample)} distinct posts, median length {lengths[len(lengths) // 2]} characters")
    print("share of posts with a finding, by rule:")
    for rule, count in sorted(rules.items(), key=lambda kv: -kv[1]):
        print(f"  {count / len(sample):6.1%} {rule}")

    def one_at_a_time(texts):
        for text in texts:
            validate_post(brand=brand, text=text, platforms=PLATFORMS, media=media)

    def batched(inputs):
        validate_posts(brand=brand, posts=inputs)

    def singles(seed):
        return posts(args.posts, seed)

    def batch(seed):
        return [PostInput(t, PLATFORMS, tuple(media)) for t in posts(args.batch, seed)]

    print(f"\nload average before: {os.getloadavg()}")
    for cold in (True, False):
        label = "cold memos" if cold else "warm memos"
        for name, make, fn, n in (
            ("one at a time", singles, one_at_a_time, args.posts),
            ("batched      ", batch, batched, args.batch),
        ):
            rate, runs, cpu = median_rate(make, fn, n, args.runs, cold=cold)
            print(
                f"{name}, {label}: {rate:,.0f} posts/s wall, {cpu:,.0f} by CPU time "
                f"(wall runs: {[round(r) for r in runs]})"
            )
    print(f"load average after: {os.getloadavg()}")

    print("\nper-check cost, median µs per post:")
    for name, micros in per_check_costs(brand, args.runs):
        print(f"  {micros:8.1f}  {name}")


if __name__ == "__main__":
    main()
