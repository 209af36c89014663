"""Validation throughput on one core: a ~500-character post to all five platforms with every
check on (platform limits, language word list + toxicity model, PII, brand policy with
competitors, banned phrases, required hashtags/disclaimers and two compliance packs).

    .venv/bin/python bench/validation_bench.py [--runs 5] [--posts 2000] [--batch 5000]

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
os.environ["IGNORE_DOTENV"] = "true"
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="brandpost-bench-"))
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

PLATFORMS = ["instagram", "facebook", "linkedin", "x", "google_business"]

BASE = (
    "Our autumn cold brew is back in Scunthorpe and across Essex from 12/10/2025! "
    "Smooth, chocolatey and brewed for 18 hours – café-style at home for £4.50 (was £5.00). "
    "Order #483920117 ships today; version 2.3 of the app tracks it. Ask @acme_help anything. "
    "Read the story at https://acme.example.com/blog/cold-brew-2025 ☕️👍🏽 and tell us what you "
    "think of the new label, the new bottle and the new recipe. Invest in good mornings, "
    "not in expensive pods. Limited batch, so be quick. "
    "#AcmeCoffee #ColdBrew #Autumn"
)


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


def posts(n: int) -> list[str]:
    # Distinct texts so no per-text cache can help; ~500 characters each.
    return [f"{BASE} Ad. {i}" for i in range(n)]


def median_rate(fn, count: int, runs: int) -> tuple[float, list[float]]:
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates), rates


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
    sample = validate_post(brand=brand, text=posts(1)[0], platforms=PLATFORMS, media=media)
    print(f"post length: {len(posts(1)[0])} characters; findings on the sample post:")
    for f in sample.findings:
        print(f"  {f.severity:7} {f.rule}")

    singles = posts(args.posts)

    def one_at_a_time():
        for text in singles:
            validate_post(brand=brand, text=text, platforms=PLATFORMS, media=media)

    batch_inputs = [PostInput(t, PLATFORMS, tuple(media)) for t in posts(args.batch)]

    def batched():
        validate_posts(brand=brand, posts=batch_inputs)

    single_rate, single_runs = median_rate(one_at_a_time, args.posts, args.runs)
    batch_rate, batch_runs = median_rate(batched, args.batch, args.runs)
    print(f"\none at a time: {single_rate:,.0f} posts/s (runs: {[round(r) for r in single_runs]})")
    print(f"batched:       {batch_rate:,.0f} posts/s (runs: {[round(r) for r in batch_runs]})")

    print("\nper-check cost, median µs per post:")
    for name, micros in per_check_costs(brand, args.runs):
        print(f"  {micros:8.1f}  {name}")


if __name__ == "__main__":
    main()
