"""How alike two words of names are, letter by letter, for the screening engine (decision 0008):
the better of the spellings as written, canonical (``matching_text.canon_token``) and with
consonants merged only (``consonant_token``), with an allowance for typos in long words; and
the single-deletion neighbourhood a word is looked up by. ``matching`` and ``delta_filter`` use
the same functions, so the delta screening's word filter reaches every word the engine does.
"""

import re

from rapidfuzz.distance import OSA

from verbund.compliance.matching_bounds import STRONG_SPELLING
from verbund.compliance.matching_text import consonant_token, deletions

SOFTEN = 0.6
# The allowance for typos in long words covers one or two wrong letters; a word three or more
# letters off is another word ("Petromechanical"/"Petrochemical"), counted in full.
SOFT_EDITS = 2


def _soften(sim: float, length: int) -> float:
    """In a long word a typo costs less than its share of letters (one wrong letter in eight
    leaves it 0.91 alike, not 0.875); in words under six letters one letter is a different
    name ("Otto"/"Auto", "Juno"/"Iona") and counts in full."""
    return 1.0 - (1.0 - sim) * SOFTEN if length >= 5 else sim


def _spelling_pairs(raw: str, canon: str, list_raw: str, list_canon: str) -> list[tuple[str, str]]:
    """The spellings compared: canonical, as written, and with consonants merged only where
    that differs from the canonical spelling on either side (a long vowel written ou/oo/ee)."""
    pairs = [(canon, list_canon), (raw, list_raw)]
    mine, theirs = consonant_token(raw), consonant_token(list_raw)
    if mine != canon or theirs != list_canon:
        pairs.append((mine, theirs))
    return pairs


def name_similarity(raw: str, canon: str, list_raw: str, list_canon: str) -> float:
    """Letter similarity of two words, the best of the spellings compared."""
    return max(
        OSA.normalized_similarity(a, b)
        for a, b in _spelling_pairs(raw, canon, list_raw, list_canon)
    )


def soft_similarity(raw: str, canon: str, list_raw: str, list_canon: str) -> float:
    """``name_similarity`` with the typo allowance of ``_soften``, each spelling by its own length
    (the shorter of the two words): "Thefn" is a typo in the five-letter "Thein" as written,
    although the canonical spellings ("tefn", "tein") have four letters. "Koch"/"Skoch" and
    "Iris"/"Irisl" stay four-letter words, one letter off being another name."""
    best = 0.0
    for a, b in _spelling_pairs(raw, canon, list_raw, list_canon):
        sim = OSA.normalized_similarity(a, b)
        if OSA.distance(a, b) <= SOFT_EDITS:
            sim = _soften(sim, min(len(a), len(b)))
        best = max(best, sim)
    return best


def far_off(sim: float, token: str, word: str) -> bool:
    """Whether a word of a person's name and a list word (canonical spellings, ``sim`` their
    similarity) are more than two letters apart: beyond the typo allowance, another name
    ("Jankowski" / "Yanukovych", "Tkachenko" / "Zakharchenko"), whose similarity then counts
    squared, as in a company's name. Weak spellings only: these never make candidates on their
    own (``STRONG_SPELLING``), they only score. Decision 0008 point 14."""
    return sim < STRONG_SPELLING and OSA.distance(token, word) > SOFT_EDITS


# A person's name word on a list and this short or shorter compares with other list words
# without the typo allowance (``known_short_name``).
KNOWN_SHORT = 5


def nearest_spelling(
    raw: str, token: str, spellings: tuple[str, ...], word: str
) -> tuple[float, str]:
    """Of a list word's spellings as the lists write them (one canonical ``word``), the one
    nearest to a party's word as written, with its ``name_similarity``; on a tie the spelling
    itself decides, so the order in which the lists happen to name their entries never
    changes a score. Decision 0008 point 24."""
    return max((name_similarity(raw, token, sp, word), sp) for sp in spellings)


def known_short_name(
    raw: str,
    token: str,
    found: dict[int, float],
    spellings: list[tuple[str, ...]],
    words: list[str],
) -> dict[int, float]:
    """``found`` (a listed word's close list words, ``spellings`` and ``words`` the index's
    spellings as written and canonical) without the typo allowance for words of five letters or
    fewer: a short name that is itself on a list and one letter off another list name is that
    other name ("Karim"/"Kasim", "Goran"/"Zoran"), not a typo of it; typos seldom make a listed
    name. Decision 0008 point 12."""
    out = dict(found)
    for tid, sim in found.items():
        if not STRONG_SPELLING < sim < 1.0:
            continue
        sps = spellings[tid]
        if len(raw) > KNOWN_SHORT and all(len(sp) > KNOWN_SHORT for sp in sps):
            continue
        near_sim, near = nearest_spelling(raw, token, sps, words[tid])
        if min(len(raw), len(near)) <= KNOWN_SHORT:
            out[tid] = min(sim, near_sim)
    return out


def spelling_deletions(raw: str, canon: str) -> set[str]:
    """The single-deletion neighbourhood a word is indexed and looked up by: of its canonical
    spelling, as written, and with consonants merged only (when that differs)."""
    out = deletions(canon) | deletions(raw)
    merged = consonant_token(raw)
    if merged != canon:
        out |= deletions(merged)
    return out


_VOWEL_RUNS = re.compile(r"[aeiou]+")
# Words this long sharing a consonant or vowel skeleton (``phonetic_key``, ``vowel_key``) are
# transliterations more often than not.
SKELETON_LENGTH = 6


def same_skeleton_name(
    token: str, word: str, listed: bool = True, raw: str = "", list_raw: str = ""
) -> bool:
    """Whether two canonical words with the same skeleton count as one name (0.75 in
    ``Index.expand``): long enough, and, when ``token`` is itself a list word (``listed``), as
    many vowel runs on both sides. A listed name with a syllable more or less is that other
    name ("Mahmud" / "Muhammad", both "mhmd"; decision 0008 point 13): transliterations swap
    vowels, they seldom add syllables, and typos seldom make a listed name. A word in no list
    keeps the rule whole: a typo may drop a vowel ("Melvojt" / "Meluvet"). With the words as
    written (``raw``, ``list_raw``): not when a long vowel faces a short one
    (``beyond_short_vowels``). The delta filter passes neither: its bound stays the wider."""
    if len(token) < SKELETON_LENGTH or (raw and beyond_short_vowels(raw, list_raw)):
        return False
    return not listed or len(_VOWEL_RUNS.findall(token)) == len(_VOWEL_RUNS.findall(word))


def other_ending(token: str, word: str) -> bool:
    """Two canonical words of a person's name alike but for a different last consonant
    ("Dabbagh" / "Dabbas", "Khalil" / "Khaliq", "Turan" / "Turab"): when the party's word is
    itself a list word, another name, scored like a family name changed in its last letters
    (``PREFIX_SIM``), not as a typo ("Kasin" / "Kasim" stays a typo). Not a final h,
    which transliterations add and drop ("Fatimah", "Fayyah" / "Fayyadh"). Decision 0008
    point 13."""
    return (
        len(token) == len(word) >= 4
        and token[:-1] == word[:-1]
        and token[-1] != word[-1]
        and token[-1] not in _OPEN_ENDINGS
        and word[-1] not in _OPEN_ENDINGS
    )


_OPEN_ENDINGS = frozenset("aeiouh")


def other_consonant(token: str, word: str) -> bool:
    """Two canonical short words (``KNOWN_SHORT`` letters or fewer) of a person's name alike
    but for one consonant in place of another ("Karim" / "Qasim", "Nabil" / "Habil", "Hanan"
    / "Hasan", "Farah" / "Falah"): when the party's word is itself a list word, another name,
    scored like ``other_ending``. The canonical spelling has merged the consonants that
    transliterations swap (kh/h, q/k, z/s, w/v, j/y), so what is left is another letter of the
    name; typos seldom make a listed name (``known_short_name``), and among short names one
    consonant apart the lists hold hundreds of distinct given names. Decision 0008 point 23."""
    if len(token) != len(word) or len(token) > KNOWN_SHORT:
        return False
    apart = [(a, b) for a, b in zip(token, word, strict=True) if a != b]
    return len(apart) == 1 and apart[0][0] not in _VOWELS and apart[0][1] not in _VOWELS


_VOWELS = frozenset("aeiouy")


def added_consonant(token: str, word: str) -> bool:
    """Two canonical short words of a person's name, one the other with a consonant put
    inside ("Adel" / "Abdel", "Iman" / "Imran", "Saad" / "Samad"): when the party's word is
    itself a list word, another name, scored like ``other_ending``. Not a vowel or an h, which
    transliterations write or leave out, not a doubled letter ("Hasan" / "Hassan", the
    shadda), not at either end (``added_start``, ``other_ending``). Decision 0008 point 23."""
    short, longer = (token, word) if len(token) < len(word) else (word, token)
    if len(longer) != len(short) + 1 or not 3 <= len(short) <= KNOWN_SHORT:
        return False
    for i in range(1, len(longer) - 1):
        if longer[:i] + longer[i + 1 :] == short:
            c = longer[i]
            return c not in _VOWELS and c != "h" and c not in (longer[i - 1], longer[i + 1])
    return False


# Final vowels that make another form of a name ending in a consonant (``other_form``).
_FORM_VOWELS = frozenset("ai")


def other_form(token: str, word: str) -> bool:
    """Two canonical words of a person's name, one ending in a consonant, the other in the
    same consonant and a final a or i: the adjective of a name that Arabic and Persian make
    family names of ("Aziz" / "Azizi", "Omar" / "Omari", "Haidar" / "Heidari") and the
    Arabic and Slavic feminine ("Jamil" / "Jamila", "Popov" / "Popova", "Nikolayev" /
    "Nikolaeva"). When the party's word is itself a list word, another name, scored like
    ``other_ending``. Transliterations do not add a final vowel after a consonant; a word
    ending in a vowel on both sides stays one name ("Dmitri" / "Dmitriy"). Not e: a typo
    adds one ("Scholz" / "Scholze"). Decision 0008 point 14."""
    short, long = (word, token) if token[-1:] in _OPEN_ENDINGS else (token, word)
    return (
        len(short) >= 3
        and long[-1] in _FORM_VOWELS
        and short[-1] not in _OPEN_ENDINGS
        and long[-2] == short[-1]
    )


# A long vowel or a diphthong as transliterations write it: doubled, ou, or a vowel with a
# following i or y ("Husayn", "Hussein", "Saad", "Mahmoud"). Not other pairs, which typos
# make ("Meohammed").
_LONG_VOWELS = frozenset(
    ["aa", "ee", "ii", "oo", "uu", "ou", "ai", "ay", "ei", "ey", "oi", "oy", "au"]
)
_RAW_VOWEL_RUNS = re.compile(r"[aeiouy]+")
# A y or j before a word's first vowel, or doubled between vowels (the Arabic shadda): a
# consonant ("Yelena", "Najjar", "Sayyed"), though the canonical spelling writes it i. A single
# y between vowels is a glide transliterations write or leave out ("Riyad" / "Riad").
_GLIDE = re.compile(r"^[yj](?=[aeiou])|(?<=[aeiou])(?:yy|jj)(?=[aeiou])")


def beyond_short_vowels(raw: str, list_raw: str) -> bool:
    """Whether two words as written, alike in their vowel skeleton, differ in more than short
    vowels: a long vowel or a diphthong (``_LONG_VOWELS``) where the other has a single vowel,
    or a consonant y or j (``_GLIDE``) only one of them has. Arabic and Persian leave short
    vowels unwritten, so their Latin spellings disagree on those, but they write the long
    ones and the y: "Hassan" / "Husayn", "Hussein" / "Hassan", "Saad" / "Sayyed", "Najjar" /
    "Nur" are two names, not two spellings (decision 0008 point 20). Words with another count
    of vowel runs are compared by the y/j check alone."""
    mine, theirs = raw.lower(), list_raw.lower()
    if len(_GLIDE.findall(mine)) != len(_GLIDE.findall(theirs)):
        return True
    runs, other = _RAW_VOWEL_RUNS.findall(mine), _RAW_VOWEL_RUNS.findall(theirs)
    return len(runs) == len(other) and any(
        (a in _LONG_VOWELS and len(b) == 1) or (b in _LONG_VOWELS and len(a) == 1)
        for a, b in zip(runs, other, strict=True)
    )


# First letters that a transliteration merges or swaps, each group alike among itself
# (decision 0008 point 18): vowels, y/j (canonically i) and h; k, g, h; t, d, s, k; i (j, zh)
# with s, k, g; p, b, f, v, u (w as ou); h, s, f; r, l.
_FIRST_ALIKE = tuple(frozenset(c) for c in ("aeiouh", "kgh", "tdsk", "isgk", "pbfvu", "hsf", "rl"))
# Letters a transliteration puts in front of a name or leaves out there (an ayn or hamza
# written as a vowel: "Issa" / "Aissa"; an h: "Amid" / "Hamid").
_FRONT = frozenset("aeiouh")


def other_start(raw: str, token: str, list_raw: str, word: str) -> bool:
    """Two words, canonical (``token``, ``word``) and as written (``raw``, ``list_raw``), that
    begin with letters no transliteration merges (``_FIRST_ALIKE``) and differ in at least one
    more letter: "Jegorow" / "FEDOROV", "Makarow" / "ARKHAROV", "Nur" / "AUS". A typo changes
    a word's first letter seldom and two letters of one word more seldom still, so they are
    two names. Not a swap of the first two letters, a typo ("eRza" / "Reza"), and not when the
    words as written begin alike ("Dojuady" / "DJOUADI"). Decision 0008 point 20."""
    a, b = token[:1], word[:1]
    if a == b or raw[:1] == list_raw[:1] or token[:2] == word[1::-1]:
        return False
    if any(a in c and b in c for c in _FIRST_ALIKE):
        return False
    return OSA.distance(token, word) >= 2


def added_start(raw: str, token: str, list_raw: str, word: str) -> bool:
    """One word (canonical) is the other with a consonant in front: "Amal" / "KAMAL", "Amir" /
    "SAMIR", "Acar" / "BAKAR". Typos hit inside a word, so these are two names. Not a letter
    that transliterations add or drop there (``_FRONT``), not a first letter written twice
    ("Ddjouadi", "KHkazai": typos), not ks for an x ("Ksiaohong" / "Xiaohong"), not kh for an
    h ("Chalid" / "Halid"). Decision 0008 point 20."""
    (short, _), (long, long_raw) = sorted([(token, raw), (word, list_raw)], key=lambda p: len(p[0]))
    return (
        len(long) == len(short) + 1
        and len(short) >= 3
        and long[1:] == short
        and long[0] not in _FRONT
        and long[0] != long[1]
        and long_raw[:1].lower() != long_raw[1:2].lower()
        and long[:2] != "ks"
        # The canonical kh is German and French ch too ("Chalid", "Chaim"), which other
        # spellings write h ("Halid", "Haim"): one sound, not a consonant put in front.
        and long[:2] != "kh"
    )


# Shorter words lose a vowel to a typo and make another listed word ("Juan" / "Jan").
IOTATED_LENGTH = 6


def iotated(token: str, word: str) -> bool:
    """Two canonical words, the longer of six letters or more and with an o or u more right
    after an i: "Novikov" / "Noviukhov", "Ivanovic" / "Jovanovic". Cyrillic writes и and the
    iotated ё and ю as letters of their own: another vowel after the i is another name, not a
    spelling of it. Not a vowel doubled, not an i more ("Nikolajew" / "NIKOLAEV", "Yuriy" / "Yuri":
    canonically i is also the y and j that transliterations write or leave out between
    vowels), and not e or a, which German and Dutch write after an i for a long i
    ("Friedrich" / "Fridrich") and typos drop from listed names ("Daniel" / "Danil", "Riad" /
    "Rid"). Decision 0008 point 21."""
    short, long = sorted((token, word), key=len)
    if len(long) != len(short) + 1 or len(long) < IOTATED_LENGTH:
        return False
    k = next((i for i, (a, b) in enumerate(zip(short, long, strict=False)) if a != b), len(short))
    return (
        k > 0
        and long[k] in "ou"
        and long[k - 1] == "i"
        and long[:k] + long[k + 1 :] == short
        and long[k + 1 : k + 2] != long[k]
    )


def other_name(raw: str, token: str, list_raw: str, word: str, listed: bool) -> bool:
    """Whether a word of a person's name and a list word alike enough for a typo are two
    names (scored ``PREFIX_SIM``, enough only with the rest of the name matching): another
    last consonant, another consonant in a short name or a final vowel, when the party's word
    is itself a list word (typos seldom make one), or another vowel after an i; another first
    letter or a consonant in front, for any word (typos seldom touch a word's first letter).
    Decision 0008 points 13, 14, 20, 21 and 23."""
    if listed and (
        other_ending(token, word)
        or other_form(token, word)
        or iotated(token, word)
        or other_consonant(token, word)
        or added_consonant(token, word)
    ):
        return True
    return other_start(raw, token, list_raw, word) or added_start(raw, token, list_raw, word)
