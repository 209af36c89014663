"""Varied, realistic ~500-character posts for bench/validation_bench.py (seeded, repeatable).

Each post is assembled from pools of sentences with random products, places, prices, dates,
order numbers, URLs, mentions, hashtags and emoji, and some carry what the checks look for (a
phone number, an email, a competitor, a review keyword, a banned claim, obfuscated profanity),
so the batch exercises every check with distinct texts rather than one text a cache serves.
"""

from __future__ import annotations

import random

PRODUCTS = [
    "cold brew", "oat latte", "espresso blend", "drip kettle", "travel mug", "matcha",
    "gift box", "decaf", "chai", "burr grinder", "pour-over set", "single-origin Kenya",
    "flat white", "mocha", "seasonal roast", "barista course", "café crème", "cortado",
]  # fmt: skip
PLACES = [
    "Scunthorpe", "Essex", "Middlesex", "Penistone", "Cockermouth", "Clitheroe", "Sussex",
    "Leeds", "Manchester", "Brighton", "München", "Zürich", "São Paulo", "Kraków", "Dublin",
    "Lisbon", "Bristol", "Twatt", "Lickey End", "Scratchy Bottom", "Bitchfield",
]  # fmt: skip
ADJECTIVES = [
    "smooth", "chocolatey", "bright", "nutty", "fruity", "bold", "mellow", "rich", "silky",
    "zesty", "toasty", "floral", "crisp", "velvety", "jammy", "caramel-sweet",
]  # fmt: skip
TAGS = [
    "ColdBrew", "Autumn", "CoffeeLover", "Barista", "MondayMotivation", "LatteArt", "Fika",
    "Roastery", "SlowCoffee", "Café", "咖啡", "ThirdWave", "Specialty", "BrewGuide",
]  # fmt: skip
EMOJI = ["☕️", "👍🏽", "🎉", "🍂", "✨", "🇬🇧", "👩‍🍳", "❤️", "😀", "🔥", ""]
HANDLES = ["acme_help", "baristajo", "coffee_club", "roastmaster", "acme"]
DOMAINS = ["acme.example.com", "www.acme.example", "shop.acme.example.com", "acme.co.uk"]

SENTENCES = [
    "Our {adj} {product} is back in {place} from {date}!",
    "Brewed for {hours} hours – {adj} and {adj2}, just £{price} (was £{price2}).",
    "Order #{order} ships today; version {version} of the app tracks it.",
    "Ask @{handle} anything about the {product}.",
    "Read the story at https://{domain}/blog/{slug}-{year} {emoji}",
    "We served {count} customers in {place} during {year}.",
    "Doors open at {hh}:{mm} in {place}; last orders {hh2}:00.",
    "Use code {code}{num} for {pct}% off the {product} in {place}.",
    "Batch {year}0{month}{day2}-{n} of our {product} scored {score}/100 at the cupping.",
    "Tell us what you think of the new label, the new bottle and the new recipe.",
    "Invest in good mornings, not in expensive pods.",
    "Tracking code 1Z{n3}AA{n7}{n3} is on its way to {place}.",
    "Pair the {product} with a {adj} pastry from our {place} bakery {emoji}",
    "The {place} team tried {count} recipes before this {adj} one won.",
    "Sign up at {domain} for early access to the {product}.",
    "Prices from €{price} or ${price2} until {date}.",
]  # fmt: skip
# What the checks should find, each in a share of the posts.
FLAGGED = [
    "Limited batch, so be quick.",
    "Call us on +44 20 7946 0{n3} or (415) 555-0{n3}.",
    "Questions? Write to jo.{handle}@example.org.",
    "Honestly better than Globex Tea, sorry @GlobexTea.",
    "This is the best in the world, guaranteed.",
    "What a f*cking good morning.",
    "Giveaway: tag a friend to win a {product}.",
    "Responsible drinking: enjoy our Irish coffee responsibly.",
    "Pay by transfer to GB82 WEST 1234 5698 7654 32.",
]  # fmt: skip


def _fill(template: str, rng: random.Random) -> str:
    values = {
        "adj": rng.choice(ADJECTIVES),
        "adj2": rng.choice(ADJECTIVES),
        "product": rng.choice(PRODUCTS),
        "place": rng.choice(PLACES),
        "date": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/20{rng.randint(24, 27)}",
        "hours": rng.randint(8, 24),
        "price": f"{rng.randint(2, 60)}.{rng.randint(0, 99):02d}",
        "price2": f"{rng.randint(2, 60)}.{rng.randint(0, 99):02d}",
        "order": rng.randint(10**8, 10**9),
        "version": f"{rng.randint(1, 20)}.{rng.randint(0, 40)}",
        "handle": rng.choice(HANDLES),
        "domain": rng.choice(DOMAINS),
        "slug": rng.choice(PRODUCTS).replace(" ", "-").replace("é", "e"),
        "year": rng.randint(2019, 2027),
        "emoji": rng.choice(EMOJI),
        "count": f"{rng.randint(100, 999_999):,}",
        "hh": rng.randint(6, 11),
        "mm": rng.choice(["00", "15", "30", "45"]),
        "hh2": rng.randint(17, 23),
        "code": rng.choice(["WINTER", "HELLO", "THANKS", "BREW"]),
        "num": rng.randint(10, 99),
        "pct": rng.randint(5, 50),
        "month": rng.randint(1, 9),
        "day2": f"{rng.randint(1, 28):02d}",
        "n": rng.randint(1, 9),
        "score": rng.randint(70, 95),
        "n3": rng.randint(100, 999),
        "n7": rng.randint(10**6, 10**7 - 1),
    }
    return template.format(**values)


def varied_posts(n: int, *, seed: int = 5, length: int = 500) -> list[str]:
    """n distinct posts of about `length` characters, about a third carrying a finding."""
    rng = random.Random(seed)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        parts = []
        if rng.random() < 0.35:
            parts.append(_fill(rng.choice(FLAGGED), rng))
        while sum(len(p) + 1 for p in parts) < length - 70:
            parts.append(_fill(rng.choice(SENTENCES), rng))
        rng.shuffle(parts)
        tags = " ".join("#" + t for t in rng.sample(TAGS, rng.randint(1, 4)))
        ad = " Ad." if rng.random() < 0.8 else ""
        text = " ".join(parts) + ad + " #AcmeCoffee " + tags
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out
