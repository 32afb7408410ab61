"""The screening engine: normalised list names in an inverted index, candidates, scores.

Names are transliterated (anyascii, German umlauts spelled out first), folded, stripped of
legal forms (core.text) and noise words ("joint stock company", also mistyped), and cut into
tokens. A canonical spelling merges consonant transliterations (kh/h, ph/f, j/y/i, c/k, z/s,
w/v); vowels and double letters stay, so a typo stays a one-letter difference.

The index, built once per set of list versions and kept in memory per process, maps every
list token to the names containing it, with three fuzzy ways in: the single-deletion
neighbourhood (raw and canonical spelling), a consonant skeleton ("mhmd") and a vowel
skeleton ("grin"/"green"), plus a scan of words of similar length (rapidfuzz, in C) for words
that are in no list. A query word is expanded once to the list words it resembles (OSA
similarity, so a swap of two letters is one edit) and the expansion is cached.

Candidates: list names sharing a close spelling with the query, kept only while an upper
bound of their score (from the weights accumulated so far) can reach the threshold.

Score of a query against one list name (0..1): words are aligned one to one, each pair
weighing its similarity times the word's rarity in the lists ("al", "trading" count little).
``cq`` is the share of the party's name found in the list name, ``cc`` the share of the list
name found in the party's. Persons score ``cq * (0.3 + 0.7 core)``, where ``core`` is the
share of the list name's first and last word matched: middle names may be missing, a shared
first name alone does not make a hit. Organisations score ``(cq + cc) / 2``; a one-word list
name scores ``cq`` (the party's name must be mostly that word). A one-word party name loses
0.06, and its word counts as a typo of a list word only one letter off: beyond that, the
similarity is taken without the allowance for typos in long words. A word of a person's name
also matches list words differing only in their vowels (0.75). Weak aliases and vessels or
aircraft matched by an organisation count 0.85. Qualifiers move the score only when both sides
have them: birth date (persons: +0.08 same day, -0.3 other year), country (+0.03 / -0.1); an
identical identifier (LEI, IMO, register number; ``decisive_identifier``) is a match (0.98)
whatever the name.

Names are looked up as written and in the other ways they are written: hyphenated words as one
word, a short word joined to the next ("Abd Alkadir"/"Abdulkadir"), an organisation's name
without dotted letters in front ("D.O.O. Merideis"); mistyped legal forms at either end of an
organisation's name ("GbH", "Curp.") and dotted ones at its end ("S.gA.") are dropped, and
so is a written-out "joint stock company" with one word mistyped. Names made of common words
only are found like any other: the cap on common spellings never hides a name's own entry.

Whole-name rules (``matching_rules``, decision 0008 point 10): initials pair with the given
names they begin, contradicting middle names (and initials) lower a person's score, words are
joined or split where the lists write them so, two companies named for different countries
are two companies, and names in Chinese characters or Hangul are compared character by
character. A party's middle names that the list name does not write count half
(``EXTRA_MIDDLE``), and long words of organisations' names that are on a list are still
compared with list words two letters off (``expand_organisation``; decision 0008 point 11).
Decision 0008 points 12-14 (each rule with its reason and figures there): crossed father's
names and series members, written-out legal forms, long vowels, listed short names
(``known_short_name``), crossed given and family names (``matching_order``), consonant-merged
spellings, skeletons, other last consonants and other forms of a name (``matching_spelling``).
Points 17-18: short forms of given names as weak aliases (``matching_nicknames``), a word's first
x as an s. Point 20: another first letter, a consonant in front, a long vowel: another name.
Point 21: a name read with two words joined still compares its second word (``matching_joined``).
Point 23: the whole-name rules read each list name's own spelling of its words (``NameRecord.raw``),
and a word is compared with every spelling the lists write a list word in (``close_spelling``).
Point 24: the rules on a list word as written read its spelling nearest the party's (``near``),
so the order of the lists' entries decides no score.
The reasons show in the match's explanation: qualifiers with their effect, and
contradicting words among the compared ones with similarity 0.
"""

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rapidfuzz.distance import OSA

from verbund.compliance.matching_bounds import (
    STRONG_SPELLING,
    WEAK_FACTOR,
    Plan,
    gather,
    within_reach,
)
from verbund.compliance.matching_joined import apart_again, joined_parts
from verbund.compliance.matching_order import (
    ORDER_FACTOR,
    NameParts,
    Spelling,
    crossed,
    entry_spellings,
    name_parts,
)
from verbund.compliance.matching_qualify import qualify
from verbund.compliance.matching_records import EntryRecord, Match, NameRecord, Query, can_match
from verbund.compliance.matching_rules import (
    BRANCH_FACTOR,
    CONFLICT_FACTOR,
    INITIAL_SIM,
    LINEAGE_FACTOR,
    NASAB,
    SERIES,
    SERIES_FACTOR,
    branch_conflict,
    cjk_similarity,
    conflicting_names,
    initial_pairs,
    initials_spelling,
    joined_and_split,
    known_in,
    series_conflict,
    swapped_lineage,
)
from verbund.compliance.matching_scan import scan_many, scan_one
from verbund.compliance.matching_spelling import (
    beyond_short_vowels,
    far_off,
    known_short_name,
    nearest_spelling,
    other_name,
    same_skeleton_name,
    soft_similarity,
    spelling_deletions,
)
from verbund.compliance.matching_text import (
    ORGANISATION,
    PERSON,
    canon_token,
    decisive_identifier,
    identifier_key,
    is_cjk,
    name_tokens,
    name_variants,
    phonetic_key,
    vowel_key,
)

# The engine's kinds (matching_text), imported from here by its callers.
__all__ = ["ORGANISATION", "PERSON", "EntryRecord", "Index", "Match", "NameRecord", "Query"]
# A vessel or an aircraft is not a legal entity: its name matching an organisation's is evidence
# (one-ship companies are named after their ship), but weaker, like a weak alias.
ASSET_FACTOR = 0.85
ASSETS = frozenset(["vessel", "aircraft"])
# The most qualifiers can add (birth date 0.08 + country 0.03): names below threshold - this cannot hit.
MAX_BONUS = 0.11
SINGLE_WORD_PENALTY = 0.06
# The weight left to a party's middle name that the list name does not write (decision 0008).
EXTRA_MIDDLE = 0.5
# A family name changed in its last letters ("Merkur"/"Merkel"): the first four letters and
# all but two agree. Scored like a transliteration, never alone (a person needs two names).
PREFIX_SIM = 0.7
# Words this long that are on a list are still compared with list words two letters off
# (``Index.expand_organisation``).
LONG_WORD = 8


class Index:
    """The inverted index over every name of the given list entries. Immutable once built."""

    DF_CAP = 400  # names sharing a token beyond which the token alone does not make candidates

    def __init__(
        self,
        entries: Iterable[tuple[EntryRecord, list[dict[str, Any]]]],
        spelled: Iterable[list[Spelling]] | None = None,
    ) -> None:
        """``spelled``: ``entry_spellings`` of each of ``entries``, in order, where the caller
        has them (computed in forked workers for a large list)."""
        self.entries: list[EntryRecord] = []
        self.names: list[NameRecord] = []
        self.vocab: dict[str, int] = {}
        self.words: list[str] = []
        postings: list[list[int]] = []
        self.by_identifier: dict[str, list[int]] = defaultdict(list)
        raw_names: list[tuple[int, str, tuple[str, ...], bool, NameParts | None, bool]] = []
        spellings = iter(spelled or ())
        for record, names in entries:
            idx = len(self.entries)
            self.entries.append(record)
            for _kind, value in record.identifiers:
                key = identifier_key(value)
                if decisive_identifier(key):
                    self.by_identifier[key].append(idx)
            own = next(spellings) if spelled else entry_spellings(record.schema == PERSON, names)
            raw_names += [(idx, *spelling) for spelling in own]
        # Every spelling the lists write a canonical word in: the typo allowance
        # (``close_spelling``) and the rules (``near``) read the one nearest the party's word.
        self.spellings: list[tuple[str, ...]] = []
        for idx, name, toks, weak, parts, short in raw_names:
            tids = []
            for raw in toks:
                t = canon_token(raw)
                tid = self.vocab.get(t)
                if tid is None:
                    tid = self.vocab[t] = len(self.words)
                    self.words.append(t)
                    self.spellings.append((raw,))
                    postings.append([])
                elif raw not in self.spellings[tid]:
                    self.spellings[tid] += (raw,)
                tids.append(tid)
            nid = len(self.names)
            self.names.append(
                NameRecord(idx, name, tuple(tids), weak, 0.0, parts, short_form=short, raw=toks)
            )
            for tid in set(tids):
                postings[tid].append(nid)
        self.postings = [tuple(p) for p in postings]
        n_names = max(len(self.names), 2)
        self._max_idf = math.log(n_names)
        self.df = [len(p) for p in self.postings]
        self.weights = [self._weight(w, df) for w, df in zip(self.words, self.df, strict=True)]
        for rec in self.names:
            rec.total_weight = sum(self.weights[t] for t in rec.tokens)
            rec.max_weight = max((self.weights[t] for t in rec.tokens), default=0.0)
        # What the candidate loop reads of a name, in one tuple (_name_candidates): its words,
        # whether it has one, its largest and its total weight, the factor of a weak alias or
        # an asset, whether it names an asset, whether it has an initial.
        schemas = [self.entries[rec.entry].schema for rec in self.names]
        self._shapes = [
            (
                rec.tokens, len(rec.tokens) == 1, rec.max_weight, rec.total_weight or 1.0,
                (WEAK_FACTOR if rec.weak else 1.0) * (ASSET_FACTOR if s in ASSETS else 1.0),
                s in ASSETS, any(len(w) == 1 for w in rec.raw),
            )
            for rec, s in zip(self.names, schemas, strict=True)
        ]  # fmt: skip
        # The names a person's and a company's name can match: the postings of a plan keep
        # only those (_plan).
        self._kind_ok = {
            person: [can_match(person, s) for s in schemas] for person in (True, False)
        }
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.by_deletion: dict[str, list[int]] = defaultdict(list)
        for tid, word in enumerate(self.words):
            for key in (phonetic_key(word), vowel_key(word)):
                if key:
                    self.by_key[key].append(tid)
            for d in {d for sp in self.spellings[tid] for d in spelling_deletions(sp, word)}:
                self.by_deletion[d].append(tid)
        by_length: dict[int, tuple[list[str], list[int]]] = {}
        for tid, word in enumerate(self.words):
            bucket = by_length.setdefault(len(word), ([], []))
            bucket[0].append(word)
            bucket[1].append(tid)
        self._by_length = by_length
        self.by_prefix: dict[str, list[int]] = defaultdict(list)
        for tid, word in enumerate(self.words):
            if len(word) >= 5 and word.isalpha():
                self.by_prefix[word[:4]].append(tid)
        self.known = known_in(self.vocab)
        self.joined = joined_parts(((r.name, r.tokens) for r in self.names), self.words, self.vocab)
        # List words that may be a Roman numeral of a series (the series rule's quick check).
        self.numerals = frozenset(
            tid for w in SERIES if (tid := self.vocab.get(canon_token(w))) is not None
        )
        self._expansions: dict[str, dict[int, float]] = {}
        self._person_expansions: dict[str, dict[int, float]] = {}
        self._org_expansions: dict[str, dict[int, float]] = {}
        self._scanned: dict[str, list[int]] = {}
        self._plans: dict[tuple[str, bool], Plan] = {}
        self._kind_postings: dict[tuple[int, bool], tuple[int, ...]] = {}
        self._readings: dict[tuple[str, str], list[tuple[str, ...]]] = {}
        self._results: dict[
            tuple[str, tuple[str, ...], float], list[tuple[int, float, dict[str, Any]]]
        ] = {}

    def _weight(self, word: str, df: int) -> float:
        idf = math.log((len(self.names) + 1) / (df + 1)) if df else self._max_idf
        w = 0.2 + 0.8 * min(1.0, idf / self._max_idf) if self._max_idf > 0 else 1.0
        return w * (0.5 if len(word) <= 2 else 1.0)

    def weight_of(self, token: str) -> float:
        tid = self.vocab.get(canon_token(token))
        return self.weights[tid] if tid is not None else self._weight(token, 0)

    def expand(self, raw: str) -> dict[int, float]:
        """List tokens resembling ``raw`` with their similarity (>= 0.66: one edit in three
        letters), the better of the raw and the canonical spellings; cached."""
        cached = self._expansions.get(raw)
        if cached is not None:
            return cached
        token = canon_token(raw)
        found: dict[int, float] = {}
        exact = self.vocab.get(token)
        if exact is not None:
            found[exact] = 1.0
        # Numbers match only as written: "Brigade 44" and "Brigade 45" are two brigades.
        if len(token) >= 2 and not token[:1].isdigit():
            near: set[int] = set()
            for d in spelling_deletions(raw, token):
                near.update(self.by_deletion.get(d, ()))
            keyed: set[int] = set()
            for key in (phonetic_key(token), vowel_key(token)):
                if key:
                    keyed.update(self.by_key.get(key, ()))
            for tid in near | keyed:
                if tid in found:
                    continue
                sim, spelling = self.close_spelling(raw, token, tid)
                if sim >= 0.66:
                    found[tid] = round(soft_similarity(raw, token, spelling, self.words[tid]), 3)
                elif tid in keyed and same_skeleton_name(
                    token, self.words[tid], exact is not None, raw, spelling
                ):
                    found[tid] = 0.75
            if self.scans_unknown(token):
                # Two typos in one word escape the deletion neighbourhood: scan the words of
                # similar length (in C, and once per distinct word thanks to the cache).
                self._scan(raw, token, found)
        if len(self._expansions) > 400_000:
            self._expansions.clear()
        self._expansions[raw] = found
        return found

    def close_spelling(self, raw: str, token: str, tid: int) -> tuple[float, str]:
        """The letter similarity of a word to a list word, through whichever of the list
        word's spellings is nearest, and that spelling. A typo in "Hameed" ("Hameld") is one
        letter from how that name writes it, two from "Hamid", the spelling listed first (both
        are "hamid" canonically). Decision 0008 point 23."""
        return nearest_spelling(raw, token, self.spellings[tid], self.words[tid])

    def near(self, raw: str, token: str, tid: int) -> str:
        """The list word's spelling nearest to ``raw`` (``close_spelling``): the rules that
        read a list word as written read this one, never merely the first listed."""
        spellings = self.spellings[tid]
        return spellings[0] if len(spellings) == 1 else self.close_spelling(raw, token, tid)[1]

    def _scan(self, raw: str, token: str, found: dict[int, float]) -> None:
        """Add to ``found`` the list words of similar length within two edits of ``token``
        (``matching_scan``; found already when ``prescan`` had the word)."""
        tids = self._scanned.get(token)
        for tid in scan_one(token, self._by_length) if tids is None else tids:
            if tid not in found:
                near = self.near(raw, token, tid)
                found[tid] = round(soft_similarity(raw, token, near, self.words[tid]), 3)

    def scans_unknown(self, token: str) -> bool:
        """Whether ``expand`` scans the list words of similar length for a canonical word: one
        in no list, of five letters or more, not a number."""
        return len(token) >= 5 and not token[:1].isdigit() and token not in self.vocab

    def prescan(self, names: Iterable[tuple[str, str]]) -> None:
        """Scan the words of these (name, kind) that ``expand`` will scan, in one batch
        (``matching_scan.scan_many``): a chunk of parties does this before screening them."""
        tokens = {
            token
            for name, kind in names
            for reading in self.readings(name, kind)
            for raw in reading
            if raw not in self._expansions
            and self.scans_unknown(token := canon_token(raw))
            and token not in self._scanned
        }
        if len(tokens) > 1:
            if len(self._scanned) > 100_000:
                self._scanned.clear()
            self._scanned.update(scan_many(tokens, self._by_length))

    def expand_organisation(self, raw: str) -> dict[int, float]:
        """``expand`` for a word of an organisation's name, plus, for a long word that is itself
        on a list, the list words two letters off ("Agriculture"/"Agricultural"): ``expand``
        scans for them only when the word is on no list, and a word being on one list says
        nothing about how another list writes it. Not for persons: there a long name two
        letters off is another family's name ("Rahimi"/"Ebrahimi")."""
        cached = self._org_expansions.get(raw)
        if cached is not None:
            return cached
        found = self.expand(raw)
        token = canon_token(raw)
        if len(token) >= LONG_WORD and token in self.vocab:
            found = dict(found)
            self._scan(raw, token, found)
        if len(self._org_expansions) > 200_000:
            self._org_expansions.clear()
        self._org_expansions[raw] = found
        return found

    def expand_person(self, raw: str) -> dict[int, float]:
        """``expand`` for a word of a person's name, plus the list words of its shape that
        differ only in their vowels (0.75): Arabic and Persian do not write short vowels, so
        Latin spellings of the same name disagree on them ("Saeed"/"Said", "Usama"/"Osama";
        not long ones, decision 0008 point 20). Not for organisations: such pairs are other words
        ("Ceres"/"Korus", "Otto"/"Auto")."""
        cached = self._person_expansions.get(raw)
        if cached is not None:
            return cached
        found = self.expand(raw)
        token = canon_token(raw)
        # A word three letters off is another name, as in a company's name (decision 0008).
        far = {t: round(v * v, 3) for t, v in found.items() if far_off(v, token, self.words[t])}
        if far:
            found = {**found, **far}
        if token in self.vocab:
            found = known_short_name(raw, token, found, self.spellings, self.words)
        key = vowel_key(token) if len(raw) >= 4 else ""
        extra: dict[int, float] = {}
        if key:  # A long vowel against a short one is another name (decision 0008 point 20).
            extra = {
                tid: 0.75
                for tid in self.by_key.get(key, ())
                if found.get(tid, 0.0) < 0.75
                and not beyond_short_vowels(raw, self.near(raw, token, tid))
            }
        if len(token) >= 5:
            for tid in self.by_prefix.get(token[:4], ()):
                word = self.words[tid]
                if abs(len(word) - len(token)) > 1 or found.get(tid, 0.0) >= PREFIX_SIM:
                    continue
                common = 4
                while common < min(len(word), len(token)) and word[common] == token[common]:
                    common += 1
                if common >= max(len(word), len(token)) - 2:
                    extra[tid] = max(extra.get(tid, 0.0), PREFIX_SIM)
        if extra:
            found = {**found, **extra}
        # Another last or first letter, a letter more: another name (matching_spelling).
        listed = token in self.vocab
        ending = {
            tid: PREFIX_SIM
            for tid, sim in found.items()
            if sim > PREFIX_SIM
            and other_name(raw, token, self.near(raw, token, tid), self.words[tid], listed)
        }
        if ending:
            found = {**found, **ending}
        # A joined reading still compares its second word apart (decision 0008 point 21).
        words = (self.words, self.spellings, self.vocab)
        found = apart_again(raw, found, self.joined, words, self.expand_person, PREFIX_SIM)
        if len(self._person_expansions) > 200_000:
            self._person_expansions.clear()
        self._person_expansions[raw] = found
        return found

    def _plan(self, raw: str, person: bool = False) -> Plan:
        """For a query token: the postings of its close spellings (df, sim, candidate-side
        gain, the ids of the names of the query's kind), their smallest df, the best
        similarity left out and the list words of those weaker spellings (cached)."""
        plan = self._plans.get((raw, person))
        if plan is None:
            exp = self.expand_person(raw) if person else self.expand_organisation(raw)
            strong = {t: v for t, v in exp.items() if v >= STRONG_SPELLING} or exp
            weak = frozenset(t for t in exp if t not in strong)
            postings = [
                (self.df[t], v, self.weights[t] * v, self._postings_of(t, person))
                for t, v in strong.items()
            ]
            mindf = min((p[0] for p in postings), default=0)
            plan = (postings, mindf, max((exp[t] for t in weak), default=0.0), weak)
            if len(self._plans) > 400_000:
                self._plans.clear()
            self._plans[(raw, person)] = plan
        return plan

    def _postings_of(self, tid: int, person: bool) -> tuple[int, ...]:
        """The names with the word ``tid`` that a person's (or a company's) name can match."""
        got = self._kind_postings.get((tid, person))
        if got is None:
            ok = self._kind_ok[person]
            got = self._kind_postings[(tid, person)] = tuple(n for n in self.postings[tid] if ok[n])
        return got

    # --- scoring ---------------------------------------------------------------------------

    def _prepared(
        self, kind: str, tokens: tuple[str, ...]
    ) -> tuple[list[dict[int, float]], list[float], float, list[Plan]]:
        """A party's name as the candidate search reads it: each word's close list words,
        weight and plan, and the words' total weight."""
        person = kind == PERSON
        expand = self.expand_person if person else self.expand_organisation
        qweights = [self.weight_of(t) for t in tokens]
        plans = [self._plan(t, person) for t in tokens]
        return [expand(t) for t in tokens], qweights, sum(qweights) or 1.0, plans

    def _name_candidates(
        self, kind: str, tokens: tuple[str, ...], floor: float = 0.5
    ) -> list[tuple[int, float, dict[str, Any]]]:
        """List names scoring at least ``floor`` against ``tokens``, with their scores (cached)."""
        key = (kind, tokens, round(floor, 3))
        cached = self._results.get(key)
        if cached is not None:
            return cached
        person = kind == PERSON
        expansions, qweights, total_q, plans = self._prepared(kind, tokens)
        got = gather(plans, qweights, tokens, person, floor, self.DF_CAP)
        out: list[tuple[int, float, dict[str, Any]]] = []
        # A person's middle names may count half in the score (_score): the bound allows for it.
        bound_q = total_q - (EXTRA_MIDDLE * sum(qweights[1:-1]) if person else 0.0)
        shapes = self._shapes
        squared, skipped, weak_words, acc_c = got.squared, got.skipped, got.weak_words, got.c
        for nid, acc in got.q.items():
            words, single, max_w, total_w, factor, asset, initial = shapes[nid]
            # Nearly every list name reached has none of the weaker spellings' words: its bound
            # leaves them out (unless an initial of the list's may pair with any word).
            tight = (squared or (person and not initial)) and weak_words.isdisjoint(words)
            # An upper bound of the score from what was accumulated: most candidates end here.
            # (Comparisons, not min(): this loop runs for every candidate.)
            ub_q = (
                acc + (got.strong_q if tight else got.initials if person and initial else skipped)
            ) / bound_q
            if ub_q > 1.0:
                ub_q = 1.0
            if person or single:
                bound = ub_q
            elif not squared and skipped:
                # A one-word name may score a spelling above its expansion (_one_word_sim).
                bound = 0.5 * (ub_q + 1.0)
            else:
                ub_c = (acc_c[nid] + (got.strong_c if tight else got.skipped_c) * max_w) / total_w
                bound = 0.5 * (ub_q + (ub_c if ub_c < 1.0 else 1.0))
            if bound * factor < floor:
                continue
            rec = self.names[nid]
            if squared and not within_reach(
                expansions, qweights, total_q, words, rec.total_weight, rec.weak,
                self.weights, floor / ASSET_FACTOR if asset else floor,
            ):  # fmt: skip
                continue
            score, pairs = self._score(kind, tokens, qweights, total_q, expansions, rec, floor)
            if asset:
                score *= ASSET_FACTOR
            if score >= floor:
                out.append((nid, score, {"pairs": pairs, "asset": asset}))
        if len(self._results) > 300_000:
            self._results.clear()
        self._results[key] = out
        return out

    def _one_word_sim(self, raw: str, tid: int, sim: float) -> float:
        canon = canon_token(raw)
        if OSA.distance(canon, self.words[tid]) <= 1:
            return sim
        near_sim, near = self.close_spelling(raw, canon, tid)
        return sim if OSA.distance(raw, near) <= 1 else near_sim

    def _score(
        self,
        kind: str,
        tokens: tuple[str, ...],
        qweights: list[float],
        total_q: float,
        expansions: list[dict[int, float]],
        rec: NameRecord,
        floor: float = 0.0,
    ) -> tuple[float, list[tuple[str, str, float]]]:
        # A one-word company name stands on that word alone. Among some 25,000 list words
        # one within two letters of any made-up name is easy to find ("Innotex" ~ "INKOTEKH",
        # "Thertex" ~ "ARTEKS"), one within a single letter is not: beyond one edit the
        # allowance for typos in long words (which other words would corroborate) is taken back.
        one_word = len(tokens) == 1 and kind != PERSON
        cand = []
        for qi, exp in enumerate(expansions):
            for cj, tid in enumerate(rec.tokens):
                sim = exp.get(tid)
                if sim:
                    if one_word and sim < 1.0:
                        sim = self._one_word_sim(tokens[qi], tid, sim)
                    elif kind != PERSON and sim < STRONG_SPELLING:
                        # In a company's name a word this far off is another word
                        # ("Petromechanical"/"Petrochemical"), not a typo.
                        sim = round(sim * sim, 3)
                    cand.append((sim * qweights[qi], sim, qi, cj))
        cand.sort(reverse=True)
        used_q: set[int] = set()
        used_c: set[int] = set()
        mq = mc = 0.0
        pairs = []
        matched_c: list[int] = []
        matched_q: list[int] = []
        for _w, sim, qi, cj in cand:
            if qi in used_q or cj in used_c:
                continue
            used_q.add(qi)
            used_c.add(cj)
            mq += qweights[qi] * sim
            mc += self.weights[rec.tokens[cj]] * sim
            pairs.append((tokens[qi], self.words[rec.tokens[cj]], sim))
            matched_c.append(cj)
            matched_q.append(qi)
        if (
            kind == PERSON
            and len(used_q) < len(tokens)
            and (any(len(t) == 1 for t in tokens) or any(len(w) == 1 for w in rec.raw))
        ):
            c_words = list(rec.raw)
            for qi, cj in initial_pairs(tokens, c_words, used_q, used_c):
                used_q.add(qi)
                used_c.add(cj)
                mq += qweights[qi] * INITIAL_SIM
                mc += self.weights[rec.tokens[cj]] * INITIAL_SIM
                pairs.append((tokens[qi], self.words[rec.tokens[cj]], INITIAL_SIM))
                matched_c.append(cj)
                matched_q.append(qi)
        conflicts = []
        if (
            kind == PERSON
            and len(used_q) < len(tokens)
            and len(rec.tokens) >= 3
            and len(used_c) < len(rec.tokens)
            # Contradictions only lower the score: not looked for below the floor.
            and mq / total_q >= floor
        ):
            conflicts = conflicting_names(tokens, list(rec.raw), used_q, used_c)
        if kind == PERSON and len(tokens) > len(rec.tokens) >= 2 and len(used_c) == len(rec.tokens):
            # The party's own middle names, which the list does not write, are left out rather
            # than missed ("Saduddin Mullah Sayyed"/"SADUDDIN SAYYED"): they count half.
            total_q -= EXTRA_MIDDLE * sum(
                qweights[i] for i in range(1, len(tokens) - 1) if i not in used_q
            )
        cq = mq / total_q
        cc = mc / (rec.total_weight or 1.0)
        if kind == PERSON:
            # A person is named by at least two of the list's names unless either side has one.
            if len(pairs) < 2 and min(len(tokens), len(rec.tokens)) >= 2:
                return 0.0, pairs
            # Middle names may be left out; the first and the last name may not.
            core = {0, len(rec.tokens) - 1}
            core_w = sum(self.weights[rec.tokens[j]] for j in core) or 1.0
            core_m = sum(
                self.weights[rec.tokens[j]] * sim
                for (_q, _c, sim), j in zip(pairs, matched_c, strict=True)
                if j in core
            )
            score = cq * (0.3 + 0.7 * core_m / core_w) * CONFLICT_FACTOR ** len(conflicts)
            swapped = (
                swapped_lineage(
                    tokens,
                    list(rec.raw),
                    list(zip(matched_q, matched_c, strict=True)),
                )
                if len(pairs) >= 2 and not NASAB.isdisjoint(tokens)
                else None
            )
            if swapped:
                # The father's name on one side is the person's own on the other (matching_rules).
                score *= LINEAGE_FACTOR
                conflicts.append(swapped)
            # Shown with the compared words: which middle names contradict each other.
            pairs += [(tokens[qi], self.words[rec.tokens[cj]], 0.0) for qi, cj in conflicts]
        elif len(rec.tokens) == 1:
            # A one-word list name inside a longer party name is weak evidence ("Gross" in
            # "Gross Stahl KG"): the party's name must be mostly that word.
            score = cq
        else:
            score = 0.5 * (cq + cc)
            if score >= floor and len(used_q) < len(tokens) and len(used_c) < len(rec.tokens):
                branch = branch_conflict(tokens, list(rec.raw), used_q, used_c)
                if branch:
                    score *= BRANCH_FACTOR
                    pairs.append((branch[0], branch[1], 0.0))
            if (
                score >= floor
                and (len(used_q) < len(tokens) or len(used_c) < len(rec.tokens))
                and (not SERIES.isdisjoint(tokens) or not self.numerals.isdisjoint(rec.tokens))
            ):
                # The list name as written: a canonical word stands for several spellings
                # ("ii" and "yi" are one), not necessarily this name's.
                series = series_conflict(tokens, name_tokens(rec.name, True))
                if series:
                    score *= SERIES_FACTOR
                    pairs.append((series, series, 0.0))
        if len(tokens) == 1 and kind != PERSON:
            # A one-word company name ("Argon", "Vita") is weak evidence on its own; how near
            # a spelling of it counts is _one_word_sim's business.
            score -= SINGLE_WORD_PENALTY
        if rec.weak:
            score *= WEAK_FACTOR
        return score, pairs

    def readings(self, name: str, kind: str) -> list[tuple[str, ...]]:
        """The ways a party's name is looked up: ``name_variants``, initials written together
        spelled apart (persons), and words joined or split as the lists write them (cached:
        customers share names, and reading a name is a fifth of screening it)."""
        key = (name, kind)
        cached = self._readings.get(key)
        if cached is None:
            cached = self.readings_of(name_variants(name, kind != PERSON), kind)
            if len(self._readings) > 200_000:
                self._readings.clear()
            self._readings[key] = cached
        return cached

    def readings_of(
        self,
        variants: Sequence[tuple[str, ...]],
        kind: str,
        known: Callable[[str], bool] | None = None,
    ) -> list[tuple[str, ...]]:
        """``readings`` from the name's ``name_variants`` (stored for parties: ``PartyScreeningKey``);
        ``known``: a quicker ``self.known`` where the caller has one."""
        out = list(variants)
        extra: list[tuple[str, ...]] = []
        for tokens in out[:2]:
            if kind == PERSON:
                spaced = initials_spelling(tokens)
                if spaced:
                    extra.append(spaced)
            extra += joined_and_split(tokens, known or self.known)
        return out + [t for t in dict.fromkeys(extra) if t not in out]

    def screen(self, query: Query, threshold: float) -> list[Match]:
        """Entries matching ``query`` at ``threshold`` or above, best first, one per entry."""
        best: dict[int, Match] = {}
        floor = max(0.0, threshold - MAX_BONUS)
        order = (
            name_parts(query.given, query.family)
            if query.kind == PERSON and query.given and query.family
            else None
        )
        for name in query.names:
            found = [
                hit
                for tokens in self.readings(name, query.kind)
                for hit in self._name_candidates(query.kind, tokens, floor)
            ]
            cjk = is_cjk(name)
            for nid, base, info in found:
                rec = self.names[nid]
                entry = self.entries[rec.entry]
                pairs = info["pairs"]
                cross = crossed(pairs, order, rec.parts) if order and rec.parts else None
                if cross:
                    # The party's given name is the list's family name and the other way round.
                    base *= ORDER_FACTOR
                    pairs = [*pairs, (cross[0], cross[1], 0.0)]
                if cjk:
                    chars = cjk_similarity(name, rec.name)
                    if chars is not None:
                        base = min(base, chars * chars)
                score, quals = qualify(base, query, entry)
                if score < threshold:
                    continue
                current = best.get(rec.entry)
                if current is None or score > current.score:
                    best[rec.entry] = Match(
                        entry,
                        round(score, 4),
                        rec.name,
                        {
                            "query": name,
                            "matched_name": rec.name,
                            "weak_alias": rec.weak and not rec.short_form,
                            "short_form": rec.short_form,
                            "asset": info["asset"],
                            "name_score": round(base, 4),
                            "tokens": [[q, c, s] for q, c, s in pairs],
                            "qualifiers": quals,
                        },
                    )
        for ident in query.identifiers:
            key = identifier_key(ident)
            for idx in self.by_identifier.get(key, ()) if decisive_identifier(key) else ():
                entry = self.entries[idx]
                current = best.get(idx)
                quals = [{"kind": "identifier", "effect": "match", "detail": ident}]
                if current is None or current.score < 0.98:
                    best[idx] = Match(
                        entry,
                        0.98,
                        entry.name,
                        {
                            "query": ident,
                            "matched_name": entry.name,
                            "name_score": current.score if current else 0.0,
                            "tokens": [],
                            "qualifiers": quals,
                        },
                    )
        return sorted(best.values(), key=lambda m: -m.score)
