"""A review's sentiment, offline: VADER's compound score of the text, blended with the stars.

Why VADER (the `vaderSentiment` package): a lexicon and rule-based scorer built for short,
informal social-media text (negation, "but", intensifiers, capitals, emoticons), shipped with
its lexicon, no model download, deterministic and fast (Hutto & Gilbert, ICWSM 2014).

Why blend with the rating: the stars are the reviewer's own verdict, and VADER is English-only
(other languages score near 0). So

    score = 0.5 * vader_compound(text) + 0.5 * (rating - 3) / 2      (each part in -1..1)

with only the rating part when there is no text, and only the text part when there is no
rating. positive >= 0.25, negative <= -0.25, neutral between: 4-5 stars alone are positive,
1-2 negative, 3 neutral; a 4-star review whose text is clearly negative comes out neutral.
"""

from __future__ import annotations

import threading

from reviews.models import Sentiment

THRESHOLD = 0.25
_lock = threading.Lock()
_analyzer = None


def _compound(text: str) -> float:
    global _analyzer
    if _analyzer is None:
        with _lock:
            if _analyzer is None:
                from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

                _analyzer = SentimentIntensityAnalyzer()
    return float(_analyzer.polarity_scores(text)["compound"])


def score(*, text: str, rating: int | None) -> float:
    parts = []
    if text.strip():
        parts.append(_compound(text))
    if rating is not None:
        parts.append((rating - 3) / 2)
    return round(sum(parts) / len(parts), 4) if parts else 0.0


def label(value: float) -> str:
    if value >= THRESHOLD:
        return Sentiment.POSITIVE
    if value <= -THRESHOLD:
        return Sentiment.NEGATIVE
    return Sentiment.NEUTRAL
