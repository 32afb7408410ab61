"""Labelled name pairs (OpenSanctions nomenklatura's ``cases.csv``) for ``verbund bench
screening``: split with a fixed seed into a tuning half and a held-out half, each reported
with ROC AUC and recall/precision at the threshold.

Each result-side name is added to the real lists as an entry of its own (so word rarities are
those of the lists), and the query-side name is screened; the pair's score is the best score
of that entry (0 when it is not even a candidate). The rules of the engine are tuned on the
tuning half only; the held-out half is the honest figure.

``--peer PYTHON`` runs nomenklatura's logic-v2 on the same pairs with that interpreter (a
virtualenv holding ``nomenklatura``; it is no dependency of Verbund).
"""

import csv
import json
import os
import random
import subprocess
from pathlib import Path
from typing import Any, TextIO

from verbund.compliance.matching import ORGANISATION, PERSON, Index, Query
from verbund.compliance.parsers import ParsedEntry

FTM_SCHEMAS = {
    "Person": PERSON,
    "Company": ORGANISATION,
    "Organization": ORGANISATION,
    "LegalEntity": ORGANISATION,
    "Vessel": "vessel",
}
SPLIT_SEED = 19
# Scores below this are not computed (the engine prunes candidates below it); they count as 0.
SCORE_FLOOR = 0.3

PEER_SCRIPT = """
import json, sys
from followthemoney import model
from nomenklatura.matching import LogicV2, ScoringConfig
config = ScoringConfig.defaults()
out = []
for k, (schema, q, r) in enumerate(json.load(sys.stdin)):
    a = model.make_entity(schema); a.id = "q%d" % k; a.add("name", q)
    b = model.make_entity(schema); b.id = "r%d" % k; b.add("name", r)
    out.append(LogicV2.compare(a, b, config).score)
json.dump(out, sys.stdout)
"""
PEER_THRESHOLD = 0.70


def read_cases(path: str | Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return [
            c
            for c in csv.DictReader(fh)
            if c["schema"] in FTM_SCHEMAS and c["name1"].strip() and c["name2"].strip()
        ]


def split(cases: list[dict[str, str]], seed: int = SPLIT_SEED) -> tuple[list[int], list[int]]:
    """Case numbers of the tuning and the held-out half: every stratum (case group, label)
    shuffled with ``seed`` and dealt alternately, so both halves have the same mix."""
    strata: dict[tuple[str, str], list[int]] = {}
    for k, c in enumerate(cases):
        strata.setdefault((c["case_group"], c["is_match"].strip().lower()), []).append(k)
    rng = random.Random(seed)
    tune: list[int] = []
    held: list[int] = []
    for key in sorted(strata):
        ks = strata[key]
        rng.shuffle(ks)
        tune += ks[0::2]
        held += ks[1::2]
    return sorted(tune), sorted(held)


def roc_auc(scores: list[float], labels: list[bool]) -> float:
    """Probability that a random match outscores a random non-match (ties count half)."""
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    ranked = sorted(scores)
    # Average ranks (1-based) for ties, then the Mann-Whitney U statistic.
    rank: dict[float, float] = {}
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j] == ranked[i]:
            j += 1
        rank[ranked[i]] = (i + j + 1) / 2
        i = j
    r_pos = sum(rank[s] for s in pos)
    return (r_pos - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def figures(scores: list[float], labels: list[bool], threshold: float) -> dict[str, float]:
    tp = sum(s >= threshold and y for s, y in zip(scores, labels, strict=True))
    fp = sum(s >= threshold and not y for s, y in zip(scores, labels, strict=True))
    fn = sum(s < threshold and y for s, y in zip(scores, labels, strict=True))
    return {
        "pairs": len(scores),
        "recall": tp / max(tp + fn, 1),
        "precision": tp / max(tp + fp, 1),
        "auc": roc_auc(scores, labels),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def verbund_scores(
    cases: list[dict[str, str]], entries: list[ParsedEntry], build_index: Any
) -> list[float]:
    base = len(entries)
    extra = [
        ParsedEntry(
            external_id=f"case-{k}",
            schema=FTM_SCHEMAS[c["schema"]],
            names=[{"name": c["name2"], "weak": False}],
        )
        for k, c in enumerate(cases)
    ]
    index: Index = build_index(entries + extra)
    scores = []
    for k, c in enumerate(cases):
        kind = PERSON if c["schema"] == "Person" else ORGANISATION
        matches = index.screen(Query(kind=kind, names=[c["name1"]]), SCORE_FLOOR)
        scores.append(max((m.score for m in matches if m.entry.entry_id == base + k), default=0.0))
    return scores


def peer_scores(python: str, cases: list[dict[str, str]]) -> list[float] | None:
    """nomenklatura logic-v2 scores of the same pairs, None when it cannot run."""
    payload = json.dumps([[c["schema"], c["name1"], c["name2"]] for c in cases])
    try:
        # The interpreter is the developer's own option, never input from outside.
        done = subprocess.run(  # noqa: S603
            [python, "-c", PEER_SCRIPT], input=payload, capture_output=True, text=True, check=True
        )
        return [float(x) for x in json.loads(done.stdout)]
    except (OSError, subprocess.CalledProcessError, ValueError) as exc:
        print(f"nomenklatura (--peer {python}) could not run: {exc}")
        return None


def write_half(
    out: TextIO, title: str, ks: list[int], scores: list[float], labels: list[bool], t: float
) -> dict[str, float]:
    f = figures([scores[k] for k in ks], [labels[k] for k in ks], t)
    out.write(
        f"  {title}: {f['pairs']} pairs, ROC AUC {f['auc']:.3f}, at {t:.2f} recall "
        f"{f['recall']:.3f} ({f['tp']}/{f['tp'] + f['fn']}), precision {f['precision']:.3f} "
        f"({f['fp']} false hits)\n"
    )
    return f


def name_pairs(
    path: Path | None,
    entries: list[ParsedEntry],
    build_index: Any,
    options: dict[str, Any],
    out: TextIO,
) -> dict[str, Any] | None:
    """Both halves for Verbund (and the peer with ``--peer``); None when the file is absent."""
    if path is None or not os.path.isfile(path):
        return None
    threshold = options["threshold"]
    cases = read_cases(path)
    tune, held = split(cases)
    labels = [c["is_match"].strip().lower() == "true" for c in cases]
    scores = verbund_scores(cases, entries, build_index)
    out.write(f"labelled name pairs ({path}), split seed {SPLIT_SEED}:\n")
    result: dict[str, Any] = {
        "tune": write_half(out, "Verbund, tuning half", tune, scores, labels, threshold),
        "held": write_half(out, "Verbund, held-out half", held, scores, labels, threshold),
    }
    if options.get("fit"):
        from verbund.bench import screening_fit

        result["fit"] = screening_fit.report(cases, scores, labels, tune, out)
    show = int(os.environ.get("SANC_MISSES", "15"))
    half = tune if options.get("show_tuning_errors") else []
    for k in half:
        wrong = (scores[k] >= threshold) != labels[k]
        if wrong and show > 0:
            show -= 1
            c = cases[k]
            label = "missed" if labels[k] else "false hit"
            out.write(
                f"    {label}: {c['name1']!r} / {c['name2']!r} ({c['schema']}) {scores[k]:.2f}\n"
            )
    if options.get("peer"):
        peer = peer_scores(options["peer"], cases)
        if peer is not None:
            title = f"nomenklatura logic-v2 at {PEER_THRESHOLD}"
            result["peer_tune"] = write_half(
                out, title + ", tuning half", tune, peer, labels, PEER_THRESHOLD
            )
            result["peer_held"] = write_half(
                out, title + ", held-out half", held, peer, labels, PEER_THRESHOLD
            )
    return result
