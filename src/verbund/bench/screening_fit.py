"""``verbund bench screening --fit``: what the tuning half of the labelled name pairs says about
the screening score's combination and its default threshold (decision 0008, point 11).

Everything here looks at the tuning half only; the held-out half stays the honest figure.
Two things are fitted, in plain Python (Verbund does not depend on numpy):

- the threshold: recall, precision and F1 of the engine's score at each threshold from 0.50 to
  0.90, and the threshold with the best F1;
- a combination of features: a logistic regression of the engine's score with a whole-name
  letter similarity (the name's canonical words sorted and written together: letters a
  word-by-word alignment misses, whatever the order of the words). Its weights are printed with a
  two-fold cross-validated ROC AUC inside the tuning half, next to the engine's score alone, so
  the next person sees whether the combination is worth shipping before shipping it.
"""

import math
import random
from collections.abc import Callable, Sequence
from typing import TextIO

from rapidfuzz import fuzz

from verbund.bench.screening_pairs import figures, roc_auc
from verbund.compliance.matching_text import canon_token, name_tokens

# Fold assignment inside the tuning half: fixed, so a refit prints the same figures.
FOLD_SEED = 1
THRESHOLDS = [round(0.50 + 0.01 * i, 2) for i in range(41)]


def whole_name_similarity(name1: str, name2: str, organisation: bool) -> float:
    """Letter similarity (0..1) of two names' canonical words, sorted and written together."""
    a = sorted(canon_token(t) for t in name_tokens(name1, organisation))
    b = sorted(canon_token(t) for t in name_tokens(name2, organisation))
    return fuzz.ratio("".join(a), "".join(b)) / 100.0


def fit_logistic(
    rows: Sequence[Sequence[float]],
    labels: Sequence[bool],
    iterations: int = 3000,
    rate: float = 0.5,
    l2: float = 1e-3,
) -> list[float]:
    """Weights of a logistic regression by gradient descent (features..., intercept last)."""
    d = len(rows[0]) if rows else 0
    w = [0.0] * (d + 1)
    n = max(len(rows), 1)
    for _ in range(iterations):
        grad = [0.0] * (d + 1)
        for x, y in zip(rows, labels, strict=True):
            err = predict(w, x) - (1.0 if y else 0.0)
            for i in range(d):
                grad[i] += err * x[i]
            grad[d] += err
        w = [
            wi - rate * (gi / n + (l2 * wi if i < d else 0.0))
            for i, (wi, gi) in enumerate(zip(w, grad, strict=True))
        ]
    return w


def predict(w: Sequence[float], x: Sequence[float]) -> float:
    z = w[-1] + sum(a * b for a, b in zip(w, x, strict=False))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    """The threshold of ``THRESHOLDS`` with the best F1 (the higher one on ties), and that F1."""
    best = (0.0, THRESHOLDS[0])
    for t in THRESHOLDS:
        f = figures(list(scores), list(labels), t)
        f1 = 2 * f["recall"] * f["precision"] / max(f["recall"] + f["precision"], 1e-9)
        if f1 >= best[0]:
            best = (f1, t)
    return best[1], best[0]


def cross_validated_auc(
    ks: Sequence[int], labels: Sequence[bool], feats: Callable[[int], list[float]]
) -> list[float]:
    """ROC AUC of the logistic combination on each of two folds of ``ks``, fitted on the other."""
    shuffled = list(ks)
    random.Random(FOLD_SEED).shuffle(shuffled)
    folds = [sorted(shuffled[0::2]), sorted(shuffled[1::2])]
    out = []
    for train, test in ((folds[0], folds[1]), (folds[1], folds[0])):
        w = fit_logistic([feats(k) for k in train], [labels[k] for k in train])
        out.append(roc_auc([predict(w, feats(k)) for k in test], [labels[k] for k in test]))
    return out


def report(
    cases: Sequence[dict[str, str]],
    scores: Sequence[float],
    labels: Sequence[bool],
    tune: Sequence[int],
    out: TextIO,
) -> dict[str, object]:
    """Print (and return) the tuning half's threshold curve and the fitted combination."""
    s = [scores[k] for k in tune]
    y = [labels[k] for k in tune]
    out.write("fit on the tuning half only:\n  threshold  recall  precision\n")
    for t in THRESHOLDS[::2]:
        f = figures(s, y, t)
        out.write(f"  {t:.2f}       {f['recall']:.3f}   {f['precision']:.3f}\n")
    threshold, f1 = best_threshold(s, y)
    out.write(f"  best F1 {f1:.3f} at threshold {threshold:.2f}\n")
    whole = {
        k: whole_name_similarity(
            cases[k]["name1"], cases[k]["name2"], cases[k]["schema"] != "Person"
        )
        for k in tune
    }

    def feats(k: int) -> list[float]:
        return [scores[k], whole[k]]

    def alone(k: int) -> list[float]:
        return [scores[k]]

    w = fit_logistic([feats(k) for k in tune], y)
    combined = cross_validated_auc(tune, labels, feats)
    engine = cross_validated_auc(tune, labels, alone)
    out.write(
        f"  logistic combination: {w[0]:.3f} * engine score + {w[1]:.3f} * whole-name "
        f"similarity {w[2]:+.3f}\n  two-fold ROC AUC inside the tuning half: combination "
        f"{' / '.join(f'{a:.3f}' for a in combined)}, engine score alone "
        f"{' / '.join(f'{a:.3f}' for a in engine)}\n"
    )
    return {"threshold": threshold, "f1": f1, "weights": w, "cv_auc": combined, "cv_engine": engine}
