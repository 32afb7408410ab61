"""How the screening engine reads a name: noise words, canonical spellings, tokens, variants.

A name is transliterated (anyascii, German umlauts spelled out first), folded, stripped of legal
forms (core.text) and noise words, also mistyped ones, and cut into tokens; ``name_variants``
gives the other ways the same name is written. The scoring in ``matching`` works only on what
these functions return, so a change of spelling rules never touches the scores' weights.
"""

import re
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import OSA

from verbund.core.text import LEGAL_FORMS, fold, name_key

# The kinds of party and list entry the engine tells apart (``matching.Query.kind``).
PERSON = "person"
ORGANISATION = "organisation"

# Words that say what kind of entity something is, not which one: ignored for the name.
NOISE = frozenset(
    [
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "ohg",
        "gbr",
        "ug",
        "ek",
        "ev",
        "eg",
        "se",
        "kgaa",
        "co",
        "cie",
        "company",
        "compania",
        "companhia",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "plc",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "ab",
        "as",
        "oy",
        "pte",
        "pty",
        "pvt",
        "private",
        "jsc",
        "ojsc",
        "cjsc",
        "pjsc",
        "oao",
        "ooo",
        "zao",
        "tov",
        "fze",
        "fzco",
        "fzc",
        "llc",
        "sal",
        "wll",
        "the",
        "und",
        "and",
        "of",
        "joint",
        "stock",
        "liability",
        # Legal forms written out in one word: listed here (not only in core.text's exact
        # spellings) so that a misspelt one ("Aktiengeselschaft") is noise too.
        "aktiengesellschaft",
        "kommanditgesellschaft",
        "gesellschaft",
        "genossenschaft",
        "aktiebolag",
        "aktieselskab",
        "naamloze",
        "vennootschap",
        # The long words of the legal forms written out in words (_WRITTEN_FORMS): the lists
        # write "AKTSIONERNOE OBSHCHESTVO PROTON", and a party's name may carry them mistyped
        # or in another order, where the phrase is not found whole.
        "aktsionernoe",
        "aktsionernoye",
        "obshchestvo",
        "obschestvo",
        "ogranichennoy",
        "ogranichennoi",
        "otvetstvennostyu",
        "otvetstvennostiu",
        # Not "otkrytoe" ("open"): one letter from the names "Otkrytye", "Otkritie".
        "zakrytoe",
        "publichnoe",
        "societatea",
        "raspundere",
        "limitata",
        "ograniczona",
        "odpowiedzialnoscia",
        "akcyjna",
        "spolecnost",
        "spolocnost",
        "rucenim",
        "omezenym",
        "obmedzenym",
        "druzhestvo",
        "ogranichena",
        "otgovornost",
    ]
)
# Forms of address and titles in front of a person's name ("Shaikh Isa Bin Tarif", "President
# Erdoğan", "Dr. Hans Müller"): what someone is called, not who; dropped from the front only,
# never the last word. Not "emir", "king" or "prince": given names and surnames as well.
PERSON_TITLES = frozenset(
    [
        "dr",
        "prof",
        "mr",
        "mrs",
        "ms",
        "sir",
        "herr",
        "frau",
        "sheikh",
        "shaikh",
        "sheik",
        "president",
        "general",
        "colonel",
        "mullah",
        "ayatollah",
    ]
)
# Legal forms that are names elsewhere ("Ou" and "Ao" are Chinese surnames): only dropped from
# organisations' names. Estonian OÜ ("OU", "OUE"), Bulgarian EOOD/OOD, the d.o.o. of the
# former Yugoslavia, Russian PAO/AO (PJSC/JSC in Latin letters, frequent in the lists).
ORG_FORMS = frozenset(["ou", "oue", "eood", "ood", "doo", "pao", "ao"])
# Legal forms of several words that the dotted-letters rule leaves half in place: Polish "Sp. z
# o.o." (and "Sp. k.", "Sp. j."), Mexican "S.A. de C.V.", Hungarian Kft./Zrt./Nyrt., Latvian
# SIA, Lithuanian UAB; organisations only ("Sia" and "Zrt" are no persons' legal forms).
_SPACED_FORMS = re.compile(
    r"(?i)(?:\bsp\.?\s*z\s*o\.?\s*o\.?|\bsp\.\s*[kj]\.|(?:\bs\.?\s*a\.?\s+)?\bde\s+c\.?\s*v\.?"
    r"|\b(?:kft|zrt|nyrt|uab|sia)\b\.?)(?=\s|,|$)"
)
_FORM_WORDS = frozenset(
    w for spellings in LEGAL_FORMS.values() for sp in spellings for w in sp.split()
)
# Filled below, once canon_token exists: (spelling, canonical spelling) pairs.
_LONG_NOISE: list[tuple[str, str]] = []
_SHORT_FORMS: list[str] = []
_CANON_NOISE: frozenset[str] = frozenset()


@lru_cache(maxsize=200_000)
def is_noise(token: str) -> bool:
    """A noise word, also when mistyped ("cmopany", "limted", "kompzany") or transliterated ("jsk")."""
    canon = canon_token(token)
    if token in NOISE or canon in _CANON_NOISE:
        return True
    if len(token) < 4:
        return False
    for w, c in _LONG_NOISE:
        if abs(len(w) - len(token)) > 1:
            continue
        if len(w) >= 7:
            if OSA.normalized_similarity(token, w) >= 0.8 or (
                OSA.normalized_similarity(canon, c) >= 0.8
            ):
                return True
        # In "joint" and "stock" a wrong letter makes a name ("point", "stork", "stack"), and
        # so does one in their canonical spelling ("istok" ~ "stok"); a letter missing, added
        # or swapped as written does not.
        elif OSA.distance(token, w) == 1 and (len(token) != len(w) or sorted(token) == sorted(w)):
            return True
    return False


@lru_cache(maxsize=200_000)
def is_mistyped_form(token: str) -> bool:
    """A four-letter legal form with one letter wrong ("gbh", "gmbrh", "curp", "pjusc"); with
    three letters ("lrd" for "ltd") too many real names are one letter away ("gas", "sea").

    Only asked about the first and the last word of an organisation's name, where legal forms
    stand: elsewhere, and in persons' names, such short words are names ("Sal", "Zhao").
    """
    if len(token) < 3 or is_noise(token):
        return False
    # Spelled as written and with the first letter kept: canonical spellings and a changed
    # first letter bring real names into reach ("kish" ~ "cjsc", "barl" ~ "sarl").
    return any(
        w[0] == token[0] and OSA.distance(token, w) <= 1
        for w in _SHORT_FORMS
        if abs(len(w) - len(token)) <= 1
    )


# Consonant spellings that transliterations swap, and the long vowels that English and French
# or German spellings write differently ("Yusuf"/"Youssef", "Nur"/"Noor", "Said"/"Saeed":
# ou, oo and ee are u, u and i). Other vowel digraphs and double letters are left alone:
# rewriting them turns a one-letter typo into a two-letter difference.
CONSONANT_RULES = [
    ("dzh", "j"), ("dj", "j"),  # French and Russian spellings of the same "j" ("Djamal"/"Jamal")
    ("sch", "sh"), ("tch", "ch"), ("ph", "f"), ("th", "t"), ("kh", "k"), ("gh", "g"), ("dh", "d"),
    ("ck", "k"), ("c", "k"), ("q", "k"), ("z", "s"), ("w", "v"), ("y", "i"), ("j", "i"), ("x", "ks"),
]  # fmt: skip
CANON_RULES = [*CONSONANT_RULES, ("ee", "i"), ("oo", "u"), ("ou", "u")]
# A word's first x is an s or sh sound (pinyin "Xi", Portuguese "Xavier", Albanian "Xhafer",
# Vietnamese "Xuan"), which Wade-Giles writes hs before i and u ("Hsi" / "Xi", "Hsu" / "Xu"):
# canonically s, not the "ks" of an x inside a word (decision 0008 point 18). Not "ks" at the
# start ("Ksenia" / "Xenia"): a typo makes it from "kh" ("KHURI" / "Ksuri").
_WADE_GILES_S = frozenset(["hsi", "hsu", "hsy"])
# The Arabic article as transliterations write it on its own ("Issa El Zeydi"/"Al-Zeydi").
_ARTICLES = frozenset(["el", "ul"])
_DOUBLE = re.compile(r"(.)\1+")
_VOWELS = re.compile(r"[aeiou]")
_VOWEL_RUNS = re.compile(r"[aeiou]+")
_APOSTROPHES = re.compile("['`\u00b4\u2019\u2018\u02bc]")
# A word of dotted letters ("S.A.", "C.V.", "L.L.C.", "S.p.A."): at the end of an
# organisation's name, an abbreviated legal form, also when mistyped ("S.gA.", "L.LK.").
_DOTTED = re.compile(r"^\.*(?:[A-Za-z]{1,2}\.+)+[A-Za-z]{0,2}\.*,?$")
_UMLAUT_FIRST = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


@lru_cache(maxsize=500_000)
def canon_token(token: str) -> str:
    """A token's spelling with transliteration variants merged (both sides get the same)."""
    if token in _ARTICLES:
        return "al"
    t = token
    if t[:1] == "x":
        t = "s" + t[1:]
    elif t[:3] in _WADE_GILES_S:
        t = t[1:]
    for a, b in CANON_RULES:
        if a in t:
            t = t.replace(a, b)
    return t


@lru_cache(maxsize=500_000)
def consonant_token(token: str) -> str:
    """A token's canonical spelling without the long-vowel rules (consonants merged only): a
    typo beside a double vowel ("Mrooz" for "Moroz") stays one letter off here, where the
    canonical spellings ("mrus", "moros") are two apart (decision 0008 point 13)."""
    t = token
    for a, b in CONSONANT_RULES:
        if a in t:
            t = t.replace(a, b)
    return t


_CANON_NOISE = frozenset(canon_token(w) for w in NOISE if len(w) >= 3)
_LONG_NOISE = sorted((w, canon_token(w)) for w in NOISE if len(w) >= 5)
_SHORT_FORMS = sorted(w for w in NOISE | ORG_FORMS if len(w) == 4)
_CANON_ORG_FORMS = frozenset(canon_token(w) for w in ORG_FORMS if len(w) >= 3)


def is_org_form(token: str) -> bool:
    """A legal form of ``ORG_FORMS``, also in another spelling of its vowels ("Eud" for
    EOOD)."""
    return token in ORG_FORMS or canon_token(token) in _CANON_ORG_FORMS


def phonetic_key(token: str) -> str:
    """First letter and consonant skeleton of a canonical token ("muhamad" -> "mhmd").

    Only for longer words with at least three consonants: shorter skeletons ("kn", "mr")
    are shared by too many unrelated names.
    """
    if len(token) < 5:
        return ""
    key = _DOUBLE.sub(r"\1", token[:1] + _VOWELS.sub("", token[1:]))
    return key if len(key) >= 3 else ""


def vowel_key(token: str) -> str:
    """The canonical token with every vowel run as one "a" and doubles merged: the shape
    transliterations keep while they swap vowels ("green"/"grin", "food"/"fud")."""
    if len(token) < 3:
        return ""
    key = _DOUBLE.sub(r"\1", _VOWEL_RUNS.sub("a", token))
    return "v" + key if len(key) >= 3 else ""


# Numbers written out (English and German) and ordinals, read as digits in organisations'
# names: "Brigade Forty-Four" is "Brigade 44", "1st International Bank" "First International".
_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eins": 1, "zwei": 2, "drei": 3, "vier": 4,
    "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "erste": 1,
    "erster": 1, "ersten": 1, "zweite": 2, "dritte": 3,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
}  # fmt: skip
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th|er|e|te|ter|ten)$")


def numbers_as_digits(tokens: list[str]) -> list[str]:
    """Number words and ordinals as digits, tens and units joined ("forty four", "forty 4"
    -> "44"); other tokens as they are."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        m = _ORDINAL.match(t)
        if m:
            out.append(m.group(1))
        elif t in _TENS:
            value = _TENS[t]
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            unit = (
                _UNITS.get(nxt)
                if nxt in _UNITS
                else (int(nxt) if nxt.isdigit() and len(nxt) == 1 else None)
            )
            if unit is not None and unit < 10 and value < 100:
                value += unit
                i += 1
            out.append(str(value))
        elif t in _UNITS:
            out.append(str(_UNITS[t]))
        else:
            out.append(t)
        i += 1
    return out


@lru_cache(maxsize=500_000)
def name_tokens(name: str, organisation: bool = False) -> tuple[str, ...]:
    """Tokens of a name: transliterated, folded, without legal forms and noise words (for an
    organisation also a mistyped legal form in first or last place: "Nordstrand GbH")."""
    if not name:
        return ()
    if organisation:
        stripped = _SPACED_FORMS.sub(" ", name).strip()
        if stripped and stripped != name and any(ch.isalnum() for ch in stripped):
            name = stripped
    if organisation and "." in name:
        words = name.split()
        while len(words) > 1 and _DOTTED.match(words[-1]):
            words.pop()
        name = " ".join(words)
    # Apostrophes go after transliterating: anyascii writes the Arabic ayn and the half rings
    # of scholarly transliterations ("Jaʿfar") as ` or ', which would split "مسعود" into
    # "ms wd" (and "ms" is a title).
    latin = _APOSTROPHES.sub("", anyascii(name.translate(_UMLAUT_FIRST)))
    folded = fold(latin).split()
    if organisation and len(folded) >= 3:
        folded = _without_written_forms(folded)
    if organisation and len(folded) >= 4:
        dropped = _mistyped_phrase(folded)
        if dropped:
            folded = [w for i, w in enumerate(folded) if i not in dropped]
            latin = " ".join(folded)
    # name_key tries every legal-form spelling; most names contain none of their words.
    if _FORM_WORDS.isdisjoint(folded):
        tokens = [t for t in folded if t != "&"]
    else:
        tokens = [t for t in name_key(latin).split() if t]
    if organisation and (
        not _NUMBER_WORDS.isdisjoint(tokens) or any(t[:1].isdigit() for t in tokens)
    ):
        tokens = numbers_as_digits(tokens)
    kept = [t for t in tokens if not is_noise(t) and not (organisation and is_org_form(t))]
    if not organisation:
        while len(kept) >= 2 and kept[0] in PERSON_TITLES:
            kept.pop(0)
    if organisation and len(kept) >= 2:
        # Only while a word of three letters or more is left ("SARA II" stays as it is).
        if is_mistyped_form(kept[-1]) and any(len(t) >= 3 for t in kept[:-1]):
            kept.pop()
        if len(kept) >= 2 and is_mistyped_form(kept[0]) and any(len(t) >= 3 for t in kept[1:]):
            kept.pop(0)
    return tuple(kept or tokens)


_NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS)

# Legal forms of three words ("joint stock company", "limited liability company"): written out
# in full, one of them may carry a typo that would make it a name word on its own ("Joict",
# "Stovk" are one letter from "point", "stork").
_PHRASES = (("joint", "stock", "company"), ("limited", "liability", "company"))
_PHRASE_WORDS = frozenset(w for phrase in _PHRASES for w in phrase)


# Legal forms written out in words that the abbreviation stands for, in the languages of the
# lists' and German CRMs' companies: Romanian SRL and SA, Polish sp. z o.o. and S.A., Russian
# OOO, AO and ZAO in Latin letters, Czech/Slovak s.r.o., Bulgarian OOD. Dropped from an
# organisation's name like their abbreviations ("Societatea cu Raspundere Limitata PRO
# TRAFFIC" is "SRL PRO TRAFFIC"), provided another word remains.
_WRITTEN_FORMS = tuple(
    tuple(f.split())
    for f in (
        "societatea cu raspundere limitata",
        "societate cu raspundere limitata",
        "societatea pe actiuni",
        "societate pe actiuni",
        "spolka z ograniczona odpowiedzialnoscia",
        "spolka akcyjna",
        "obshchestvo s ogranichennoy otvetstvennostyu",
        "obshchestvo s ogranichennoi otvetstvennostiu",
        "obschestvo s ogranichennoy otvetstvennostyu",
        "aktsionernoe obshchestvo",
        "aktsionernoye obshchestvo",
        "zakrytoe aktsionernoe obshchestvo",
        "otkrytoe aktsionernoe obshchestvo",
        "publichnoe aktsionernoe obshchestvo",
        "spolecnost s rucenim omezenym",
        "spolocnost s rucenim obmedzenym",
        "druzhestvo s ogranichena otgovornost",
    )
)


_WRITTEN_FORMS_LONGEST_FIRST = sorted(_WRITTEN_FORMS, key=len, reverse=True)
_WRITTEN_FORM_STARTS = frozenset(f[0] for f in _WRITTEN_FORMS)


def _without_written_forms(words: list[str]) -> list[str]:
    """``words`` without a written-out legal form (``_WRITTEN_FORMS``), longest first, when
    another word remains."""
    if _WRITTEN_FORM_STARTS.isdisjoint(words):
        return words
    for form in _WRITTEN_FORMS_LONGEST_FIRST:
        n = len(form)
        if n >= len(words):
            continue
        for i in range(len(words) - n + 1):
            if tuple(words[i : i + n]) == form:
                return words[:i] + words[i + n :]
    return words


def _mistyped_phrase(words: list[str]) -> set[int]:
    """Positions of a three-word legal form in ``words`` with two words exact and the third
    mistyped (two edits at most, first letter kept), provided other words remain."""
    out: set[int] = set()
    if sum(w in _PHRASE_WORDS for w in words) < 2:
        return out  # two of a phrase's words must be there as they are (most names: none)
    for i in range(len(words) - 2):
        window = words[i : i + 3]
        for phrase in _PHRASES:
            exact = sum(a == b for a, b in zip(window, phrase, strict=True))
            if exact == 2 and all(
                a == b or (a[:1] == b[:1] and OSA.distance(a, b) <= 2)
                for a, b in zip(window, phrase, strict=True)
            ):
                out.update(range(i, i + 3))
    return out if len(out) < len(words) else set()


# Three small letters before the capital: "McDonald", "DeVries" and "GmbH" stay whole.
_CAMEL = re.compile(r"(?<=[a-z\u00df-\u00ff]{3})(?=[A-Z\u00c0-\u00de])")
_GLUED_FORM = re.compile(r"^([a-z]+?)(gmbh|ltd|llc|inc|corp|plc|ooo|jsc|ojsc|pjsc)$")
# Chinese characters and Hangul syllables: each is a syllable of the name, read as a word of
# its own (a different character is a different name, not a typo in a long word).
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_CJK_SYLLABLE = _CJK


def is_cjk(name: str) -> bool:
    """Written in Chinese characters or Hangul."""
    return bool(_CJK.search(name))


def cjk_chars(name: str) -> str:
    """The Chinese characters and Hangul syllables of a name, in order."""
    return "".join(_CJK.findall(name))


def name_spellings(
    name: str, organisation: bool = False, listed: bool = False
) -> list[tuple[str, ...]]:
    """The tokens of a name, then those of other ways to write it, for list and party names
    alike: hyphenated words as one ("Al-Kubaysi"/"Alkubaysi", "Valtex-St"/"Valtexst"), and an
    organisation's name without dotted letters in front ("D.O.O. Merideis"; in front they may
    be a legal form or part of the name, "V.R. Fruit", so both are kept)."""
    name = _CJK_SYLLABLE.sub(r"\g<0> ", name) if _CJK.search(name) else name
    base = name_tokens(name, organisation)
    out = [base] if base else []
    # Words written together: "SergeiLavrov", "SiemensAG" (a capital inside a word), and an
    # organisation's legal form glued to its last word ("Siemensgmbh", "Petrolltd").
    camel = _CAMEL.sub(" ", name)
    if camel != name:
        split = name_tokens(camel, organisation)
        if split and split not in out:
            out.append(split)
    if organisation and base:
        m = _GLUED_FORM.match(base[-1])
        if m and len(m.group(1)) >= 4:
            glued = (*base[:-1], m.group(1))
            if glued not in out:
                out.append(glued)
    # Short words that some write together: "Pol Pot"/"PolPot", "Good Will"/"Goodwill", "van
    # der Bilt"/"Vanderbilt". Only for list names: the party's side is joined where the
    # lists know the joined word (matching_rules.joined_and_split).
    if (
        listed
        and 2 <= len(base) <= 3
        and all(len(t) <= 5 for t in base)
        and sum(map(len, base)) >= 5
        and ("".join(base),) not in out
    ):
        out.append(("".join(base),))
    if base and sum(len(t) == 1 for t in base) >= 2:
        # Runs of single letters as one word ("A.B.C. Company" -> "abc company").
        letters: list[str] = []
        run = False
        for t in base:
            if len(t) == 1 and run:
                letters[-1] += t
            else:
                letters.append(t)
            run = len(t) == 1
        together = tuple(letters)
        if together not in out:
            out.append(together)
    if "-" in name:
        joined = name_tokens(name.replace("-", ""), organisation)
        if joined and joined not in out:
            out.append(joined)
    # Not for list names: "M. D. S. Import Export" without its letters is any import firm.
    if organisation and not listed and "." in name:
        words = name.split()
        while len(words) > 1 and _DOTTED.match(words[0]):
            words.pop(0)
        rest = name_tokens(" ".join(words), organisation)
        if rest and rest not in out:
            out.append(rest)
    return out


def name_variants(name: str, organisation: bool = False) -> list[tuple[str, ...]]:
    """What a party's name is looked up as: its spellings (``name_spellings``) and the name
    with a short word joined to the next ("Abd Alkadir"/"Abdulkadir", "Qa Ida"/"Qaida", "D
    Agostino"/"D'Agostino"), for the first two short words ("Ali Abd Alnabi")."""
    out = name_spellings(name, organisation)
    base = out[0] if out else ()
    joins = 0
    # Organisations' short words are joined only where the lists know the joined word
    # (matching_rules.joined_and_split): "Vu Import" is no typo of "Import". A single letter
    # is joined only to a vowel ("D Agostino"): "Hans O Friedrich" has an initial.
    for i in range(len(base) - 1 if not organisation else 0):
        if (
            len(base[i]) <= 3
            and len(base[i + 1]) >= 3
            and (len(base[i]) > 1 or base[i + 1][0] in "aeiou")
        ):
            joined = (*base[:i], base[i] + base[i + 1], *base[i + 2 :])
            if joined not in out:
                out.append(joined)
            joins += 1
            if joins == 2:
                break
    return out


def deletions(token: str) -> set[str]:
    if len(token) < 2:
        return {token}
    return {token} | {token[:i] + token[i + 1 :] for i in range(len(token))}


def identifier_key(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(value or ""))


# A German commercial, cooperative, partnership or association register number is unique
# only with its register court ("HRB 12345" exists at many of them), which lists do not give.
_COURT_REGISTER = re.compile(r"^(?:hra|hrb|gnr|gsr|pr|vr)\d+$")


def decisive_identifier(key: str) -> bool:
    """Whether an identifier key (``identifier_key``) names one entity wherever it is found:
    long enough to be a number, and not a German court register's number without its court."""
    return len(key) >= 5 and not _COURT_REGISTER.match(key)
