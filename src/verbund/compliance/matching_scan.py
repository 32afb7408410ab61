"""The screening engine's scan for words in no list (``Index._scan``), for many words at once.

A word of a party's name that no list writes is compared with every list word of similar
length (two letters shorter to two longer), keeping per length the 20 most alike at a letter
similarity (OSA) of 0.7 or more. One word at a time, that is ``rapidfuzz.process.extract``
per length: about 1 ms a word, half of screening a thousand changed parties in a fresh
process (the delta screening), where nearly every word is new to the caches. ``scan_many``
compares a batch of words in one ``rapidfuzz.process.cdist`` call per length, which runs
several words side by side in the processor's vector registers (1,473 words: 1.51 s one at a
time, 0.19 s in a batch, the same words found in the same order).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

# What the scan keeps: words at least this alike, at most this many per length.
SCAN_CUTOFF = 0.7
SCAN_LIMIT = 20
# Words compared in one call: bounds the score matrix (256 x the largest length bucket).
BATCH = 256

# A length's list words and their token ids, in the same order (``Index._by_length``).
Buckets = dict[int, tuple[list[str], list[int]]]


def scan_one(token: str, buckets: Buckets) -> list[int]:
    """The token ids the scan finds for ``token``: per length, from two letters shorter to two
    longer, the most alike first (the earlier list word first among equals)."""
    out: list[int] = []
    for length in range(len(token) - 2, len(token) + 3):
        bucket = buckets.get(length)
        if bucket:
            for _w, _sim, pos in process.extract(
                token,
                bucket[0],
                scorer=OSA.normalized_similarity,
                score_cutoff=SCAN_CUTOFF,
                limit=SCAN_LIMIT,
            ):
                out.append(bucket[1][pos])
    return out


def scan_many(tokens: Iterable[str], buckets: Buckets) -> dict[str, list[int]]:
    """``scan_one`` of each of ``tokens``, computed in batches: the same ids in the same order."""
    by_length: dict[int, list[str]] = defaultdict(list)
    for token in set(tokens):
        by_length[len(token)].append(token)
    # token -> length -> [(-similarity, position)]
    found: dict[str, dict[int, list[tuple[float, int]]]] = {}
    for size, words in by_length.items():
        for start in range(0, len(words), BATCH):
            batch = words[start : start + BATCH]
            for length in range(size - 2, size + 3):
                bucket = buckets.get(length)
                if bucket:
                    _compare(batch, length, bucket[0], found)
    out: dict[str, list[int]] = {}
    for size, words in by_length.items():
        for token in words:
            per = found.get(token, {})
            ids: list[int] = []
            for length in range(size - 2, size + 3):
                bucket = buckets.get(length)
                if bucket and length in per:
                    ids += [bucket[1][pos] for _s, pos in sorted(per[length])[:SCAN_LIMIT]]
            out[token] = ids
    return out


def _compare(
    batch: Sequence[str],
    length: int,
    choices: Sequence[str],
    found: dict[str, dict[int, list[tuple[float, int]]]],
) -> None:
    # float64, as process.extract scores: equal scores stay equal, and ties go by position.
    # (cdist answers a numpy array; rapidfuzz imports numpy on its first call, so a process
    # that never scans a batch never loads it.)
    scores = process.cdist(
        batch,
        choices,
        scorer=OSA.normalized_similarity,
        score_cutoff=SCAN_CUTOFF,
        dtype="float64",
    )
    rows, cols = scores.nonzero()
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        found.setdefault(batch[row], {}).setdefault(length, []).append(
            (-float(scores[row, col]), col)
        )
