"""Word order of a person's name where both sides say which words are the family name
(decision 0008 point 13).

The lists mark it: OFAC writes a person "MOHAMMAD, Khalil Ibrahim", which the parser says as
"Khalil Ibrahim MOHAMMAD", the family name in capitals after the given names (``family_split``).
A CRM holds a person's first and last name in fields of their own (``Query.given`` and
``Query.family``). When the party's given name is paired with the list's family name and the
party's family name with a list given name, the two name different people ("Muhammad Khalil" /
"Khalil Ibrahim MOHAMMAD", "Friedrich Hans" / "Hans FRIEDRICH"): the score drops. Where either
side does not say which word is which (UN names all in capitals, a name in one field, names in
Chinese characters), nothing changes; an entry whose names are written in both orders keeps
its best name, so a list that writes a Korean or Hungarian name both ways is not affected.

``entry_spellings`` is what the index keeps of a list entry's names, with these parts.
"""

from collections.abc import Iterable
from typing import Any

from verbund.compliance.matching_nicknames import nickname_spellings
from verbund.compliance.matching_text import canon_token, name_spellings, name_tokens

# A crossed given and family name multiplies a person's score by this: a full match (0.98)
# falls below the default threshold 0.70.
ORDER_FACTOR = 0.6

NameParts = tuple[frozenset[str], frozenset[str]]


def family_split(name: str) -> tuple[str, str] | None:
    """(given names, family name) of a list name that writes the family name in capitals after
    the given names ("Khalil Ibrahim MOHAMMAD", "Hameed ul HASSAN"), None when it does not say
    (all capitals, all in mixed case, another script). A one-letter word ("Jose A. SMITH") is
    an initial, not part of the family name."""
    words = name.split()
    if len(words) < 2:
        return None
    marked = [any(ch.islower() for ch in w) or sum(ch.isalpha() for ch in w) == 1 for w in words]
    if not marked[0] or marked[-1]:
        return None
    k = max(i for i, m in enumerate(marked) if m) + 1
    family = words[k:]
    if not any(ch.isupper() for w in family for ch in w):
        return None
    return " ".join(words[:k]), " ".join(family)


def name_parts(given: str, family: str) -> NameParts | None:
    """The canonical words of the given and of the family name, a word on both sides left out
    of both ("Hassan Ali HASSAN"); None when either is empty."""
    g = {canon_token(t) for t in name_tokens(given)}
    f = {canon_token(t) for t in name_tokens(family)}
    both = g & f
    g -= both
    f -= both
    return (frozenset(g), frozenset(f)) if g and f else None


def crossed(
    pairs: Iterable[tuple[str, str, float]], party: NameParts, listed: NameParts
) -> tuple[str, str] | None:
    """The pair (party word, list word) of the party's given name with the list's family name,
    when the party's family name is also paired with a list given name; None otherwise.
    ``pairs``: the compared words (party word as read, list word canonical, similarity)."""
    q_given, q_family = party
    l_given, l_family = listed
    given_to_family = None
    family_to_given = False
    for q, c, sim in pairs:
        if sim <= 0.0:
            continue
        canon = canon_token(q)
        if canon in q_given and c in l_family:
            given_to_family = given_to_family or (q, c)
        elif canon in q_family and c in l_given:
            family_to_given = True
    return given_to_family if family_to_given else None


# A name of a list entry as the index keeps it: the name, one spelling's words, whether it
# counts as weak (the list calls it so, or it is a short form), its given and family parts
# (persons), whether it is the name with a given name in another form (``nickname_spellings``).
Spelling = tuple[str, tuple[str, ...], bool, NameParts | None, bool]


def entry_spellings(person: bool, names: list[dict[str, Any]]) -> list[Spelling]:
    """Every spelling of every name of a list entry: the costly part of building an index,
    and one entry's alone. A person's name is also spelled with a given name in its other
    forms ("Benjamin" / "Bibi", ``matching_nicknames``), as a weak alias."""
    out: list[Spelling] = []
    for n in names:
        split = family_split(n["name"]) if person else None
        parts = name_parts(*split) if split else None
        spellings = name_spellings(n["name"], not person, listed=True)
        for toks in spellings:
            out.append((n["name"], toks, bool(n.get("weak")), parts, False))
        if person and spellings:
            written = {canon_token(t) for t in spellings[0]}
            for toks in nickname_spellings(spellings[0]):
                # The other form is a given name of this name (for ``crossed``); the family
                # name the spelling keeps stays the family name.
                other = {canon_token(t) for t in toks} - written
                given = (parts[0] | other, parts[1]) if parts else None
                # Weak either way; a short form only where the list does not call the name
                # weak itself (the hit page says one or the other).
                out.append((n["name"], toks, True, given, not n.get("weak")))
    return out
