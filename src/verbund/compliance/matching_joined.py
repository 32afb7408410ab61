"""Words of a person's name read together (decision 0008 point 21).

The lists' names of two short words are also indexed written together ("Pol Pot" / "PolPot",
``matching_text.name_spellings``), and a party's short word is read joined to the next ("Abd
Alkadir" / "Abdulkadir", ``name_variants``). When both sides are read so and the join falls
between the same two words, the joined word is compared as one long word: the typo allowance
of long words then covers a difference that, in the second word alone, makes another name
("Ali Khoury" read "alikhoury" / "Ali KONY" read "alikoni" 0.85, "Ali Omari" / "Ali OMAR"
0.93). A join spares the reader a word boundary the two sides disagree on; where they agree,
the second word is still a word of its own and must match as one.
"""

from collections.abc import Callable, Iterable

from verbund.compliance.matching_rules import PARTICLES
from verbund.compliance.matching_spelling import nearest_spelling
from verbund.compliance.matching_spelling import other_name as parted
from verbund.compliance.matching_text import canon_token, name_tokens

# Where a party's word may be cut into a first word and the rest: the lists' short first words
# joined to the next ("Ali", "Abu", "Pol") have at most five letters, and a rest of fewer than
# three letters is a typo's reach, not a name.
FIRST_MAX = 5
REST_MIN = 3

# Joined list word -> the list words it joins (first, second), one pair per way to cut it.
Parts = dict[int, tuple[tuple[int, int], ...]]


def joined_parts(
    spellings: Iterable[tuple[str, tuple[int, ...]]], words: list[str], vocab: dict[str, int]
) -> Parts:
    """The list words that are a list name's two words written together, from each name's
    spellings (its name, its canonical word ids): a spelling of one word that is the name's
    two words joined."""
    out: dict[int, set[tuple[int, int]]] = {}
    for name, tokens in spellings:
        # A name of letters only is one word: not read again (a cost of every build).
        if len(tokens) != 1 or name.isalpha():
            continue
        raw = name_tokens(name)
        if len(raw) != 2 or canon_token("".join(raw)) != words[tokens[0]]:
            continue
        first, second = vocab.get(canon_token(raw[0])), vocab.get(canon_token(raw[1]))
        if first is not None and second is not None:
            out.setdefault(tokens[0], set()).add((first, second))
    return {tid: tuple(sorted(pairs)) for tid, pairs in out.items()}


def apart_again(
    raw: str,
    found: dict[int, float],
    parts: Parts,
    index_words: tuple[list[str], list[tuple[str, ...]], dict[str, int]],
    expand: Callable[[str], dict[int, float]],
    prefix_sim: float,
) -> dict[int, float]:
    """``found`` (a word's close list words) with each joined list word that ``raw`` begins
    like (the same first word, canonically) scored as the rest of ``raw`` against the list's
    second word, where that rest is another name: itself a list word that is no spelling of
    the second (``prefix_sim`` or below in its own ``expand``: "alikhoury" / "alikoni" is
    "khoury" / "kony", "aliomari" / "aliomar" is "omari" / "omar"), or a word that
    ``matching_spelling.other_name`` parts from it ("aliyavuz" / "alivanus"). A rest on no
    list, as far off as two typos in a short word make it, keeps the joined word's similarity
    ("Ali Wnas" is still "Ali WANUS"): the long joined word is what finds such typos. Any word
    of a person's name is read so, also one the party wrote as one ("Alikhani" / "Ali KHAN")."""
    words, spellings, vocab = index_words
    out = found
    for tid, sim in found.items():
        cuts = parts.get(tid)
        if cuts is None or sim >= 1.0:
            continue
        for first, second in cuts:
            # A particle written together with the next word ("Allibi", "Elsayed") makes one
            # word of the two in many spellings, and a typo at the joint is inside that word.
            if not PARTICLES.isdisjoint(spellings[first]):
                continue
            rest = next(
                (
                    raw[k:]
                    for k in range(1, min(len(raw) - REST_MIN + 1, FIRST_MAX + 1))
                    if canon_token(raw[:k]) == words[first]
                ),
                None,
            )
            if rest is None:
                continue
            alone = expand(rest).get(second, 0.0)
            token = canon_token(rest)
            listed = token in vocab
            if alone >= sim or not (
                (listed and alone <= prefix_sim)
                or parted(
                    rest,
                    token,
                    nearest_spelling(rest, token, spellings[second], words[second])[1],
                    words[second],
                    listed,
                )
            ):
                continue
            out = dict(out) if out is found else out
            # The rest alone reaching the second word is the pair's score; not reaching it at
            # all, the joined word is no candidate of this word.
            if 0.0 < alone <= prefix_sim:
                out[tid] = alone
            else:
                del out[tid]
            # One cut decides: the first that finds another name (a joined word cut two ways
            # joins the same names, spelt apart differently).
            break
    return out
