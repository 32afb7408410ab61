"""Text normalisation for German business data, shared by search, duplicates and screening.

ä/ö/ü/ß and ae/oe/ue/ss compare equal; legal forms are noise for comparing names but are
kept (``legal_form_of``) as evidence about the entity; Kölner Phonetik gives blocking keys.
"""

import re
import unicodedata
from functools import lru_cache

# Public: quality.matching folds with the same table on its fast path and must stay in step.
UMLAUTS = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "ß": "ss",
        "æ": "ae",
        "ø": "oe",
        "œ": "oe",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "đ": "d",
        "\u0131": "i",  # dotless i (Turkish)
    }
)

_UMLAUTS = UMLAUTS  # the name this module has always used

# Canonical legal forms, and the spellings that mean them (after folding and punctuation removal).
LEGAL_FORMS: dict[str, list[str]] = {
    "gmbh & co. kg": [
        "gmbh co kg",
        "gmbh und co kg",
        "gmbh u co kg",
        "gmbh & co kg",
        "gmbh co kommanditgesellschaft",
    ],
    "gmbh & co. kgaa": ["gmbh co kgaa"],
    "ag & co. kg": ["ag co kg", "ag und co kg", "ag u co kg"],
    "ug (haftungsbeschränkt)": ["ug haftungsbeschraenkt", "ug haftungsbeschr", "ug hb", "ug"],
    "gmbh": ["gmbh", "gesellschaft mit beschraenkter haftung", "ges mbh", "gesmbh", "mbh"],
    "kgaa": ["kgaa", "kommanditgesellschaft auf aktien"],
    "ag": ["ag", "aktiengesellschaft"],
    "se": ["se", "societas europaea"],
    "kg": ["kg", "kommanditgesellschaft"],
    "ohg": ["ohg", "offene handelsgesellschaft"],
    "gbr": ["gbr", "gesellschaft buergerlichen rechts"],
    "e.k.": ["ek", "e k", "eingetragener kaufmann", "eingetragene kauffrau", "ekfm", "e kfm"],
    "e.v.": ["ev", "e v", "eingetragener verein"],
    "eg": ["eg", "eingetragene genossenschaft"],
    "partg": ["partg", "partnerschaftsgesellschaft"],
    "ltd": ["ltd", "limited"],
    "llc": ["llc"],
    "inc": ["inc", "incorporated"],
    "corp": ["corp", "corporation"],
    "plc": ["plc"],
    "sa": ["sa", "s a"],
    "sarl": ["sarl"],
    "bv": ["bv", "b v"],
    "nv": ["nv"],
    "srl": ["srl"],
    "spa": ["spa"],
    "oao": ["oao"],
    "ooo": ["ooo"],
    "zao": ["zao"],
    "pjsc": ["pjsc"],
    "jsc": ["jsc"],
    "co": ["co", "company", "und co", "u co", "& co"],
}

# Each with the words it is made of: a pattern matches whole words only, so one whose words
# are not all in a name is not tried (most names hold none of them).
_FORM_PATTERNS: list[tuple[re.Pattern[str], str, frozenset[str]]] = sorted(
    (
        (
            re.compile(r"(?:^|\s)" + re.escape(spelling).replace(r"\ ", r"\s+") + r"(?=\s|$)"),
            canonical,
            frozenset(spelling.split()),
        )
        for canonical, spellings in LEGAL_FORMS.items()
        for spelling in spellings
    ),
    key=lambda item: -len(item[0].pattern),
)

_ABBREVIATIONS = [
    # "Hauptstr." and "Haupt-Str." are "Hauptstrasse"; "St.-Anna-Pl." is "Sankt-Anna-Platz".
    (re.compile(r"str\b"), "strasse"),
    (re.compile(r"\bpl\b"), "platz"),
    (re.compile(r"\bst\b"), "sankt"),
]

_NON_WORD = re.compile(r"[^\w&]+", re.UNICODE)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case, umlauts and ß spelled out, accents dropped, punctuation to spaces."""
    if not text:
        return ""
    text = text.lower().translate(_UMLAUTS)
    if not text.isascii():
        # ASCII has no accents to drop (most names, once their umlauts are spelled out).
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("+", " & ")
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _split_form(folded: str) -> tuple[str, str]:
    # Longest spellings first, so "gmbh co kg" wins over "gmbh" and "kg".
    words = set(folded.split())
    for pattern, canonical, needed in _FORM_PATTERNS:
        if not needed <= words:
            continue
        match = pattern.search(folded)
        if match:
            rest = (folded[: match.start()] + " " + folded[match.end() :]).replace("&", " ")
            return _SPACES.sub(" ", rest).strip(), canonical
    return folded.replace("&", " ").strip(), ""


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """A name for comparing: folded, legal forms removed, words kept in order."""
    rest, _ = _split_form(fold(name))
    # A second legal form ("... GmbH & Co. KG" after "KG" stripped) is stripped too.
    rest2, _ = _split_form(rest)
    return _SPACES.sub(" ", rest2).strip() or rest


def legal_form_of(name: str) -> str:
    """The canonical legal form named in ``name`` ("" when none): evidence about the entity."""
    return _split_form(fold(name))[1]


def street_key(street: str) -> str:
    """Street with Str./Straße and spacing unified: "Hauptstr. 5a" == "Haupt-Straße 5 a"."""
    text = fold(street)
    for pattern, repl in _ABBREVIATIONS:
        text = pattern.sub(repl, text)
    text = re.sub(r"(\w)\s+strasse\b", r"\1strasse", text)
    text = re.sub(r"(\d+)\s+([a-z])\b", r"\1\2", text)
    return text.replace(" ", "")


_KP_CODES = {
    **dict.fromkeys("aeijouy", "0"),
    "h": "-",
    "b": "1",
    "f": "3",
    "v": "3",
    "w": "3",
    "g": "4",
    "k": "4",
    "q": "4",
    "l": "5",
    "m": "6",
    "n": "6",
    "r": "7",
    "s": "8",
    "z": "8",
}


@lru_cache(maxsize=200_000)
def koelner_phonetik(text: str) -> str:
    """Kölner Phonetik (Postel 1969) of the folded text, words joined by spaces."""
    words = fold(text).split()
    return " ".join(_kp_word(w) for w in words if w)


def _kp_word(word: str) -> str:
    word = "".join(ch for ch in word if "a" <= ch <= "z")
    codes: list[str] = []
    n = len(word)
    for i, ch in enumerate(word):
        prev = word[i - 1] if i > 0 else ""
        nxt = word[i + 1] if i + 1 < n else ""
        if ch in _KP_CODES:
            code = _KP_CODES[ch]
        elif ch == "p":
            code = "3" if nxt == "h" else "1"
        elif ch in "dt":
            code = "8" if nxt in ("c", "s", "z") else "2"
        elif ch == "c":
            if i == 0:
                code = "4" if nxt in "ahkloqrux" else "8"
            elif prev in "sz":
                code = "8"
            else:
                code = "4" if nxt in "ahkoqux" else "8"
        elif ch == "x":
            code = "8" if prev in "ckq" else "48"
        else:
            code = ""
        codes.append(code)
    out: list[str] = []
    last = ""
    for code in codes:
        for c in code:
            if c != last:
                out.append(c)
            last = c
    result = "".join(c for c in out if c != "-")
    if not result:
        return ""
    return result[0] + result[1:].replace("0", "")


def search_key(*parts: str) -> str:
    """The text a party is found by: folded names, city, numbers; one space between words."""
    return " ".join(p for p in (fold(x) for x in parts if x) if p)
