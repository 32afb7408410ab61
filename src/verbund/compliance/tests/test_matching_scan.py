"""The batched scan for words in no list gives what the scan one word at a time gives."""

import itertools
import random

from rapidfuzz.distance import OSA

from verbund.compliance.matching import Index, Query
from verbund.compliance.matching_scan import SCAN_CUTOFF, SCAN_LIMIT, Buckets, scan_many, scan_one
from verbund.compliance.tests.test_screening import _index


def _buckets(words: list[str]) -> Buckets:
    buckets: Buckets = {}
    for tid, word in enumerate(words):
        bucket = buckets.setdefault(len(word), ([], []))
        bucket[0].append(word)
        bucket[1].append(tid)
    return buckets


def test_words_scanned_in_a_batch_find_the_same_list_words_in_the_same_order() -> None:
    rng = random.Random(4)

    def misspelt(word: str, letters: str) -> str:
        at = rng.sample(range(len(word)), 2)
        return "".join(rng.choice(letters) if i in at else c for i, c in enumerate(word))

    # Many list words one or two letters apart, so that a length holds more alike words than
    # the scan keeps and several are equally alike (the order among equals must hold too).
    stems = ["kowalski", "novikova", "hassanein", "petrosyan", "abdullah"]
    words = sorted(
        {
            misspelt(stem, "aeiou") + end
            for stem in stems
            for end in ("", "a", "ov")
            for _ in range(60)
        }
    )
    buckets = _buckets(words)
    queries = [misspelt(stem, "aeioukstn") for stem, _ in itertools.product(stems, range(40))]
    batched = scan_many(queries, buckets)
    assert set(batched) == set(queries)
    alike = [
        sum(OSA.normalized_similarity(q, w) >= SCAN_CUTOFF for w in buckets[len(q)][0])
        for q in queries
    ]
    assert max(alike) > SCAN_LIMIT  # the limit applies
    for query in queries:
        assert batched[query] == scan_one(query, buckets), query


def test_screening_after_a_prescan_matches_as_without_it() -> None:
    entries = [
        ("person", "Wolodymyr KOWALCZYK", [], {}),
        ("person", "Aleksandr Nikolaevich NOVIKOV", [], {}),
        ("organisation", "PETROSYANTRANS LOGISTIKA OOO", [], {}),
        ("organisation", "HASSANEIN GENERAL TRADING", [], {}),
    ]
    queries = [
        Query("person", ["Wolodimir Kowaltschik"]),
        Query("person", ["Alexander Nowikow"]),
        Query("organisation", ["Petrosjantrans Logistik GmbH"]),
        Query("organisation", ["Hassanain Generaal Trading"]),
    ]

    def matches(index: Index) -> list[list[tuple[str, float]]]:
        return [[(m.entry.name, m.score) for m in index.screen(q, 0.5)] for q in queries]

    alone = matches(_index(*entries))
    prescanned = _index(*entries)
    prescanned.prescan((name, q.kind) for q in queries for name in q.names)
    assert prescanned._scanned  # the batch found the words in no list
    assert matches(prescanned) == alone
    assert any(alone)
