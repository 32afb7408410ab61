"""Which parties can match a changed list entry (the delta screening, decision 0030): a
party's readings and the tokens they are stored under, and ``DeltaFilter``, the screening
engine's word expansion run in reverse with an upper bound of its score, so that a delta run
screens only the parties that could reach the threshold.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from verbund.compliance.matching import (
    ASSET_FACTOR,
    ASSETS,
    EXTRA_MIDDLE,
    LONG_WORD,
    MAX_BONUS,
    PERSON,
    SINGLE_WORD_PENALTY,
    Index,
    can_match,
)
from verbund.compliance.matching_bounds import WEAK_FACTOR
from verbund.compliance.matching_rules import (
    initials_spelling,
    joined_and_split,
)
from verbund.compliance.matching_spelling import (
    same_skeleton_name,
    spelling_deletions,
)
from verbund.compliance.matching_text import (
    CANON_RULES,
    canon_token,
    decisive_identifier,
    identifier_key,
    name_variants,
    phonetic_key,
    vowel_key,
)

# The letters ``canon_token`` rewrites or writes: the rest of a word, in order, is the same in
# its canonical spelling, so a word whose rest is no list word's rest is in no list.
_REWRITTEN = str.maketrans("", "", "".join({c for rule in CANON_RULES for c in "".join(rule)}))


def party_readings(names: Sequence[str], kind: str) -> list[list[tuple[str, ...]]]:
    """``name_variants`` of each of a party's names: what ``Index.readings`` starts from, and
    the part of it that depends on the party alone (stored, ``PartyScreeningKey``)."""
    return [name_variants(name, kind != PERSON) for name in names]


def reading_tokens(
    variants: Sequence[Sequence[tuple[str, ...]]], kind: str, identifiers: Sequence[str] = ()
) -> set[str]:
    """Every token ``Index.readings_of`` can look a party up by, whatever the lists, but for
    split words: the tokens of ``variants``, initials spelled apart (persons), and every two
    neighbours joined, as ``+joined`` (a reading keeps a joined word only where the lists know
    it; split words are found from their whole, ``DeltaFilter``); identifier keys as ``#key``."""
    out: set[str] = set()
    for readings in variants:
        for tokens in readings:
            out.update(tokens)
        for tokens in readings[:2]:
            if kind == PERSON:
                spaced = initials_spelling(tuple(tokens))
                if spaced:
                    out.update(spaced)
            for i in range(len(tokens) - 1):
                if len(tokens[i + 1]) >= 2 and len(tokens[i]) + len(tokens[i + 1]) >= 5:
                    out.add("+" + tokens[i] + tokens[i + 1])
    for ident in identifiers:
        key = identifier_key(ident)
        if decisive_identifier(key):
            out.add("#" + key)
    return out


class DeltaFilter:
    """Which parties can match some list entries (``entries``, positions in ``index.entries``)
    in a screening against the whole ``index`` -- without screening them.

    ``close(token)`` is ``Index.expand`` and ``expand_person`` turned around and restricted to
    the entries' words: the same canonical spelling; a shared single deletion or skeleton with
    the same similarity floors; the same beginning (persons); letter similarity of at least
    0.7 within two letters of length (the scan for words in no list, without its limit of 20).
    Every word ``expand`` finds among the entries' words is in ``close``.

    ``tokens(vocab)``: the stored party tokens close to an entry word, directly, joined where
    the lists know the joined word, or through a split reading (``joined_and_split``) -- for
    persons those of persons' entries, for organisations the others' -- and identifier keys
    (``#``) the entries carry: a party with none of them is no candidate of any of ``entries``.

    ``may_match(kind, variants, threshold)``: an upper bound of ``Index._score`` for every
    name of ``entries`` a reading of the party reaches, from the words alone -- each close
    word counted as identical, initials as pairing, conflicts and penalties but the certain
    ones left out -- against the floor below which no qualifier lifts a score to
    ``threshold``. False means the party's screening against the whole index finds none of
    ``entries``; the delta screening screens only the parties for which it is True.
    """

    def __init__(self, index: Index, entries: set[int]) -> None:
        self.index = index
        self.entries = entries
        self.nids_of: dict[int, list[int]] = defaultdict(list)
        for nid, rec in enumerate(index.names):
            if rec.entry in entries:
                for tid in set(rec.tokens):
                    self.nids_of[tid].append(nid)
        self.canon = {index.words[t]: t for t in self.nids_of}
        # Whether each entry word can match a person's name, and an organisation's.
        self.reach: dict[int, tuple[bool, bool]] = {}
        for tid, nids in self.nids_of.items():
            schemas = {index.entries[index.names[n].entry].schema for n in nids}
            self.reach[tid] = (
                any(can_match(True, s) for s in schemas),
                any(can_match(False, s) for s in schemas),
            )
        self.by_deletion: dict[str, list[int]] = defaultdict(list)
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.by_prefix: dict[str, list[int]] = defaultdict(list)
        self.by_length: dict[int, tuple[list[str], list[int]]] = {}
        for tid in self.nids_of:
            word = index.words[tid]
            for d in {d for sp in index.spellings[tid] for d in spelling_deletions(sp, word)}:
                self.by_deletion[d].append(tid)
            for key in (phonetic_key(word), vowel_key(word)):
                if key:
                    self.by_key[key].append(tid)
            if len(word) >= 5 and word.isalpha():
                self.by_prefix[word[:4]].append(tid)
            bucket = self.by_length.setdefault(len(word), ([], []))
            bucket[0].append(word)
            bucket[1].append(tid)
        self.identifiers = {
            "#" + key
            for key, positions in index.by_identifier.items()
            if not entries.isdisjoint(positions)
        }
        self._close: dict[str, frozenset[int]] = {}
        self._known: dict[str, bool] = {}
        self._weights: dict[str, float] = {}
        self._shapes = {word.translate(_REWRITTEN) for word in index.vocab}
        self._bounds: dict[tuple[str, float, tuple[tuple[str, ...], ...]], bool] = {}
        self._shapes_bound: dict[tuple[Any, ...], bool] = {}

    def _direct(self, raw: str) -> set[int]:
        """``close`` without the similarity scan."""
        index = self.index
        token = canon_token(raw)
        found: set[int] = set()
        exact = self.canon.get(token)
        if exact is not None:
            found.add(exact)
        if len(token) < 2 or token[:1].isdigit():
            return found
        near: set[int] = set()
        for d in spelling_deletions(raw, token):
            near.update(self.by_deletion.get(d, ()))
        keyed: set[int] = set()
        for key in (phonetic_key(token), vowel_key(token)):
            if key:
                keyed.update(self.by_key.get(key, ()))
        for tid in (near | keyed) - found:
            if index.close_spelling(raw, token, tid)[0] >= 0.66 or (
                tid in keyed and same_skeleton_name(token, index.words[tid], token in index.vocab)
            ):
                found.add(tid)
        # expand_person: the same vowel skeleton, the same first letters.
        vowels = vowel_key(token) if len(raw) >= 4 else ""
        if vowels:
            found.update(self.by_key.get(vowels, ()))
        if len(token) >= 5:
            for tid in self.by_prefix.get(token[:4], ()):
                word = index.words[tid]
                if abs(len(word) - len(token)) > 1:
                    continue
                common = 4
                while common < min(len(word), len(token)) and word[common] == token[common]:
                    common += 1
                if common >= max(len(word), len(token)) - 2:
                    found.add(tid)
        return found

    def known(self, word: str) -> bool:
        """``index.known``, without the canonical spelling for the many words (stored party
        words and neighbours joined) that differ from every list word in a letter it keeps;
        remembered, as customers' names repeat their words and the split reading asks about
        every cut of a long word (half a million questions for 40,000 names)."""
        got = self._known.get(word)
        if got is None:
            got = self._known[word] = (
                len(word) <= 2 or word.translate(_REWRITTEN) in self._shapes
            ) and self.index.known(word)
        return got

    def weight_of(self, raw: str) -> float:
        """``index.weight_of``, remembered: the bound asks it for every word of every reading
        of 40,000 names, most of them a few common words."""
        got = self._weights.get(raw)
        if got is None:
            got = self._weights[raw] = self.index.weight_of(raw)
        return got

    def _scans(self, raw: str) -> bool:
        """Whether the engine compares ``raw`` with list words by scanning those of similar
        length: words in no list, and long words in one (``Index.expand_organisation``)."""
        token = canon_token(raw)
        return self.index.scans_unknown(token) or (
            len(token) >= LONG_WORD and not token[:1].isdigit()
        )

    def close(self, raw: str) -> frozenset[int]:
        """The entries' words (token ids) ``expand(raw)`` or ``expand_person(raw)`` may reach."""
        got = self._close.get(raw)
        if got is None:
            found = self._direct(raw)
            if self._scans(raw):
                token = canon_token(raw)
                for length in range(len(token) - 2, len(token) + 3):
                    bucket = self.by_length.get(length)
                    if bucket:
                        for _w, _sim, pos in process.extract(
                            token, bucket[0], scorer=OSA.normalized_similarity,
                            score_cutoff=0.7, limit=None,
                        ):  # fmt: skip
                            found.add(bucket[1][pos])
            got = self._close[raw] = frozenset(found)
        return got

    def found(self) -> dict[str, frozenset[int]]:
        """The words ``close`` has found entries' words for so far, with them."""
        return {raw: tids for raw, tids in self._close.items() if tids}

    def remember(self, found: dict[str, frozenset[int]], scanned: Iterable[str]) -> None:
        """Take ``found`` from filters in other processes whose ``tokens`` scanned ``scanned``
        (a word scanned and not in ``found`` is close to none), so that ``close`` need not
        compute them again."""
        self._close.update((raw, found.get(raw, frozenset())) for raw in scanned)
        self._close.update(found)

    def tokens(self, vocab: Iterable[str]) -> tuple[set[str], set[str]]:
        """The tokens of ``vocab`` through which a person, and those through which an
        organisation, can reach one of the entries (identifier keys in both)."""
        index = self.index
        ids = {t for t in vocab if t in self.identifiers}
        found: dict[str, set[int]] = {}
        parents: dict[str, list[str]] = defaultdict(list)
        # Words in no list, by length, for the similarity scan (done from the entries' side).
        scan: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))

        def consider(raw: str, parent: str) -> None:
            parents[raw].append(parent)
            if raw in found:
                return
            found[raw] = self._direct(raw)
            if self._scans(raw):
                scan[len(canon_token(raw))][canon_token(raw)].append(raw)

        for token in vocab:
            if token.startswith("#"):
                continue
            if token.startswith("+"):
                # Two words joined count only where the lists know the joined word.
                if self.known(token[1:]):
                    consider(token[1:], token)
                continue
            consider(token, token)
            if len(token) >= 7 and token.isalpha() and not self.known(token):
                for reading in joined_and_split((token,), self.known):
                    for half in reading:
                        consider(half, token)
        for tid in self.nids_of:
            word = index.words[tid]
            for length in range(max(5, len(word) - 2), len(word) + 3):
                bucket = scan.get(length)
                if not bucket:
                    continue
                choices = list(bucket)
                for _w, _sim, pos in process.extract(
                    word, choices, scorer=OSA.normalized_similarity, score_cutoff=0.7, limit=None
                ):
                    for raw in bucket[choices[pos]]:
                        found[raw].add(tid)
        self._close.update((raw, frozenset(tids)) for raw, tids in found.items())
        persons, organisations = set(ids), set(ids)
        reach = self.reach
        for raw, tids in found.items():
            if not tids:
                continue
            if any(reach[t][0] for t in tids):
                persons.update(parents[raw])
            if any(reach[t][1] for t in tids):
                organisations.update(parents[raw])
        return persons, organisations

    def may_match(
        self, kind: str, variants: Sequence[Sequence[Sequence[str]]], threshold: float
    ) -> bool:
        # The bound depends on a name's words alone, and customer data repeats names (the same
        # family name, the same trade): each name is bounded once per filter.
        for name_variants_ in variants:
            key = (kind, threshold, tuple(tuple(v) for v in name_variants_))
            reaches = self._bounds.get(key)
            if reaches is None:
                reaches = self._bounds[key] = self._name_may_match(kind, key[2], threshold)
            if reaches:
                return True
        return False

    def _name_may_match(
        self, kind: str, name_variants_: Sequence[tuple[str, ...]], threshold: float
    ) -> bool:
        index = self.index
        person = kind == PERSON
        for tokens in index.readings_of(list(name_variants_), kind, self.known):
            close = tuple(self.close(t) for t in tokens)
            if not any(close):
                continue
            # The bound depends on each word's close words, weight, position and (persons)
            # initial letter alone: names that differ only in words no entry is close to
            # share it ("Meyer Energie", "Schulz Energie").
            shape = tuple(
                (tids, self.weight_of(t), len(t) == 1, t[:1] if person else "")
                for t, tids in zip(tokens, close, strict=True)
            )
            key = (person, threshold, shape)
            reaches = self._shapes_bound.get(key)
            if reaches is None:
                reaches = self._shapes_bound[key] = self._shape_may_match(person, shape, threshold)
            if reaches:
                return True
        return False

    def _shape_may_match(
        self,
        person: bool,
        shape: tuple[tuple[frozenset[int], float, bool, str], ...],
        threshold: float,
    ) -> bool:
        index = self.index
        floor = max(0.0, threshold - MAX_BONUS) - 1e-6
        close = [tids for tids, _w, _one, _first in shape]
        nids = {n for tids in close for tid in tids for n in self.nids_of[tid]}
        qweights = [w for _tids, w, _one, _first in shape]
        total_q = sum(qweights) or 1.0
        initials = {first for _tids, _w, one, first in shape if one} if person else set()
        last = len(shape) - 1
        for nid in nids:
            rec = index.names[nid]
            schema = index.entries[rec.entry].schema
            if not can_match(person, schema):
                continue
            words = set(rec.tokens)
            letters = {w for w in rec.raw if len(w) == 1}
            reached: set[int] = set()
            mq = 0.0
            total = total_q
            for i, (tids, weight, one, first) in enumerate(shape):
                hit = tids & words
                reached |= hit
                if hit or (person and (one or first in letters)):
                    mq += weight
                elif person and 0 < i < last:
                    # The party's middle names the list name does not write count half
                    # (``EXTRA_MIDDLE``, Index._score).
                    total -= EXTRA_MIDDLE * weight
            mc = sum(
                index.weights[t]
                for t, w in zip(rec.tokens, rec.raw, strict=True)
                if t in reached or (person and (len(w) == 1 or w[:1] in initials))
            )
            cq = min(1.0, mq / (total or 1.0))
            if person or len(rec.tokens) == 1:
                bound = cq
            else:
                bound = 0.5 * (cq + min(1.0, mc / (rec.total_weight or 1.0)))
            if len(shape) == 1 and not person:
                bound -= SINGLE_WORD_PENALTY
            if rec.weak:
                bound *= WEAK_FACTOR
            if schema in ASSETS:
                bound *= ASSET_FACTOR
            if bound >= floor:
                return True
        return False
