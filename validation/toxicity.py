"""A 0..1 toxicity score from the linear model that `alt-profanity-check` ships (offline).

Its public API (`predict_prob`) costs ~4 ms per call whatever the batch size, because every
call goes through scikit-learn's sparse-matrix machinery, but only ~30 µs per text inside one
large batch. We therefore read the package's own fitted vectorizer and calibrated LinearSVC
once and score in two ways that give the same numbers (tests compare them with predict_prob):

* batches of BATCH_THRESHOLD texts or more go through scikit-learn in one call, except that we
  count the terms ourselves (the vectorizer's own lower-case + token regex + stop words; the
  terms come from the token pass validation shares between checks and are counted in C-level
  numpy/scipy passes instead of its per-token Python loop) and hand the identical count matrix
  to the fitted TF-IDF transform and classifier;
* smaller ones use a dictionary of per-term weights and the package's own analyzer
  (tokeniser + stop words), which is a handful of dict look-ups per word (~20-40 µs a post).

The model is a CalibratedClassifierCV(LinearSVC, method="sigmoid") with k folds:
    p(text) = mean_k 1 / (1 + exp(a_k * (w_k . tfidf(text) + b0_k) + b_k))
with tfidf l2-normalised over the vocabulary terms present.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import chain, repeat

from validation.text.entities import RUN_RE, Analysed

BATCH_THRESHOLD = 64

_lock = threading.Lock()
_model: _CompiledModel | None = None


@dataclass(frozen=True)
class _CompiledModel:
    analyzer: Callable[[str], list[str]]
    # term -> (idf, (w_1 * idf, ..., w_k * idf)): idf folded into the weights
    terms: dict[str, tuple[float, tuple[float, ...]]]
    intercepts: tuple[float, ...]
    calibration: tuple[tuple[float, float], ...]  # (a_k, b_k)
    vectorizer: object
    classifier: object
    token_re: re.Pattern
    vocabulary: dict[str, int]
    columns: dict[str, int]  # the vocabulary without its stop words: term -> column


def _load() -> _CompiledModel:
    global _model
    if _model is not None:
        return _model
    with _lock:
        if _model is None:
            # Importing loads the shipped joblib files from the installed package (no network).
            from profanity_check import profanity_check as shipped

            vectorizer, classifier = shipped.vectorizer, shipped.model
            folds = classifier.calibrated_classifiers_
            if classifier.method != "sigmoid" or any(len(f.calibrators) != 1 for f in folds):
                raise RuntimeError("alt-profanity-check's model changed shape; update toxicity.py")
            params = vectorizer.get_params()
            expected = {"analyzer": "word", "ngram_range": (1, 1), "lowercase": True}
            if any(params.get(k) != v for k, v in expected.items()) or (
                params.get("strip_accents") or params.get("preprocessor")
                or params.get("tokenizer") or params.get("binary")
            ):  # fmt: skip
                raise RuntimeError("alt-profanity-check's vectorizer changed; update toxicity.py")
            idf = vectorizer.idf_
            stop = frozenset(vectorizer.get_stop_words() or ())
            coefs = [f.estimator.coef_[0] for f in folds]
            terms = {
                term: (float(idf[j]), tuple(float(c[j] * idf[j]) for c in coefs))
                for term, j in vectorizer.vocabulary_.items()
            }
            _model = _CompiledModel(
                analyzer=vectorizer.build_analyzer(),
                terms=terms,
                intercepts=tuple(float(f.estimator.intercept_[0]) for f in folds),
                calibration=tuple(
                    (float(f.calibrators[0].a_), float(f.calibrators[0].b_)) for f in folds
                ),
                vectorizer=vectorizer,
                classifier=classifier,
                token_re=_token_re(vectorizer.token_pattern),
                vocabulary=vectorizer.vocabulary_,
                columns={t: j for t, j in vectorizer.vocabulary_.items() if t not in stop},
            )
    return _model


def _token_re(pattern: str) -> re.Pattern:
    # scikit-learn's default `\b\w\w+\b` finds the maximal runs of two or more word
    # characters, as `\w\w+` does (greedy from a run's start; a 1-character run fails); the
    # latter lets `re` skip non-word characters in C, ~25% faster.
    if pattern == r"(?u)\b\w\w+\b":
        return re.compile(r"\w\w+")
    return re.compile(pattern)


def warm_up() -> None:
    """Load the model now (takes ~1 s) instead of on the first validation."""
    _load()


def _score_one(model: _CompiledModel, text: str) -> float:
    counts = Counter(model.analyzer(text))
    k = len(model.intercepts)
    sums = [0.0] * k
    norm_sq = 0.0
    terms = model.terms
    for term, count in counts.items():
        entry = terms.get(term)
        if entry is None:
            continue
        idf, weights = entry
        norm_sq += (count * idf) ** 2
        for i in range(k):
            sums[i] += count * weights[i]
    norm = math.sqrt(norm_sq) or 1.0
    total = 0.0
    for i, (a, b) in enumerate(model.calibration):
        decision = sums[i] / norm + model.intercepts[i]
        z = a * decision + b
        # expit(-z), written to avoid overflow for large |z|
        total += 1.0 / (1.0 + math.exp(z)) if z < 700 else 0.0
    return min(total / k, 1.0)


def _terms(model: _CompiledModel, text: str | Analysed) -> Sequence[str]:
    """The text's terms as CountVectorizer finds them: the maximal runs of 2+ word characters
    of the lower-cased text, which an Analysed already holds from the shared token pass."""
    if isinstance(text, str):
        return model.token_re.findall(text.lower())
    if model.token_re.pattern == RUN_RE.pattern:
        return text.runs
    return model.token_re.findall(text.text.lower())


def _count_matrix(model: _CompiledModel, texts: Sequence[str | Analysed]):
    """The term-count matrix CountVectorizer.transform builds for texts (same values, dtype
    and sorted indices, so the same scores: tests compare them with predict_proba's), without
    its per-token Python loop: every term of every text becomes its (row, column) in C-level
    passes, and scipy sums the repeats."""
    import numpy as np
    from scipy import sparse

    terms = [_terms(model, text) for text in texts]
    lengths = np.fromiter(map(len, terms), dtype=np.intp, count=len(terms))
    # Column per term, -1 for stop words and terms outside the vocabulary.
    columns = np.fromiter(
        map(model.columns.get, chain.from_iterable(terms), repeat(-1)),
        dtype=np.int32,
        count=int(lengths.sum()),
    )
    rows = np.repeat(np.arange(len(terms), dtype=np.int32), lengths)
    known = columns >= 0
    matrix = sparse.csr_array(
        (
            np.ones(int(known.sum()), dtype=model.vectorizer.dtype),
            (rows[known], columns[known]),
        ),
        shape=(len(texts), len(model.vocabulary)),
    )
    matrix.sum_duplicates()  # (also sorts each row's columns)
    return matrix


def toxicity_scores(texts: Sequence[str | Analysed]) -> list[float]:
    """Probability in [0, 1] that each text is offensive, in the same order."""
    if not texts:
        return []
    model = _load()
    if len(texts) >= BATCH_THRESHOLD:
        matrix = model.vectorizer._tfidf.transform(_count_matrix(model, texts), copy=False)
        return [min(float(p), 1.0) for p in model.classifier.predict_proba(matrix)[:, 1]]
    return [_score_one(model, t if isinstance(t, str) else t.text) for t in texts]
