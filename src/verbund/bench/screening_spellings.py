"""When a drawn name of the false-positive bench is a list name in another spelling.

Arabic, Persian and Slavic names have no one Latin spelling: the list writes "Mohammad JABER",
a German CRM "Mohammed Jaber", a Turkish passport "Hüseyin Şahin" where the list has "Huseyin
SAHIN". Such a drawn name really is on a list, and a hit on it is no false positive. The bench
tells them apart by its own table of the common romanisations of the names it draws (below),
not by the scorer: the table says which spellings are one name, never which names are alike
("Jamal" and "Jamil", "Karim" and "Qasim", "Iman" and "Ayman" are other names and stay apart).
Diacritics are dropped, the Arabic article ("al-", "el-", "ul-", "ur-") is no word of its own,
and an organisation's legal form is no word either (``name_tokens`` drops it).
"""

import re
from collections.abc import Iterable

from anyascii import anyascii

from verbund.compliance import matching_text

# One group per name written in Arabic or Cyrillic script: its spellings in the romanisations
# German registers and the lists use. Where one Latin spelling stands for two names in the
# script ("Majid" for Mājid and Majīd), its other spellings stay out.
# fmt: off
SPELLINGS: tuple[tuple[str, ...], ...] = (
    # Arabic
    ("mohammed", "mohammad", "muhammad", "mohamed", "mohamad", "muhammed", "mohammud",
     "mouhamed", "mohamud", "muhamad", "muhamed"),
    ("ahmad", "ahmed", "ahmet"),
    ("mahmoud", "mahmud", "mahmood"),
    ("mustafa", "mostafa", "moustafa", "mustapha"),
    ("khaled", "khalid"),
    ("omar", "umar"),
    ("hassan", "hasan"),
    ("hussein", "husayn", "hussain", "husain", "houssein", "husein", "hussien"),
    ("ibrahim", "ebrahim", "ibraheem"),
    ("youssef", "yusuf", "yousef", "yousif", "yussuf", "youssouf", "yusef"),
    ("abdullah", "abdallah", "abdulla", "abdalla", "abdoullah", "abdollah", "abdellah"),
    ("karim", "kareem"),
    ("samir", "sameer"),
    ("tarek", "tariq", "tarik", "tareq"),
    ("walid", "waleed"),
    ("nabil", "nabeel"),
    ("jamal", "gamal"),
    ("ziad", "ziyad"),
    ("nour", "noor", "nur"),
    ("adel", "adil"),
    ("ayman", "aiman"),
    ("hisham", "hesham", "hisyam"),
    ("imad", "emad"),
    ("fatima", "fatimah", "fatema", "fatemeh"),
    ("aisha", "aysha", "aicha", "aishah"),
    ("maryam", "mariam"),
    ("zainab", "zaynab", "zeinab"),
    ("layla", "leila", "laila", "leyla"),
    ("yasmin", "yasmine", "yasmeen"),
    ("reem", "rim"),
    ("jamila", "jameela"),
    ("khalil", "khaleel"),
    ("mansour", "mansur"),
    ("nasser", "naser"),
    ("saleh", "salih"),
    ("haddad", "hadad"),
    ("khoury", "khouri", "khury", "khuri"),
    ("othman", "uthman", "osman", "otman"),
    ("hamdan", "hamdane"),
    ("darwish", "darvish", "darwiche"),
    ("suleiman", "sulaiman", "sulayman", "soliman", "sulejman"),
    ("qasim", "kassem", "qassem", "kasim", "qassim", "kasem", "qasem"),
    ("rahman", "rehman"),
    ("aziz", "azeez"),
    ("saad", "sad"),
    ("najjar", "nadjar", "najar"),
    ("sabbagh", "sabbag", "sabagh"),
    ("chehab", "shehab", "shihab"),
    ("omari", "umari"),
    ("issa", "isa", "eissa"),
    ("mousa", "musa", "moussa"),
    ("jaber", "jabir"),
    ("hamoud", "hamud", "hammoud"),
    ("sayed", "sayyed", "sayyid", "sayid"),
    ("zein", "zain", "zayn"),
    # Persian
    ("hossein", "hosein", "hosseyn"),
    ("saeed", "saied", "saeid"),
    ("mehdi", "mahdi"),
    ("hashemi", "hashimi"),
    ("mousavi", "musavi", "moosavi"),
    ("tavakoli", "tavakkoli"),
    ("rezaei", "rezaie", "rezai"),
    ("niloofar", "nilufar"),
    ("kourosh", "kurosh"),
    ("dariush", "daryush"),
    ("ebrahimi", "ibrahimi"),
    # Slavic: the German transliteration against the English one the lists use
    ("aleksandr", "alexander", "alexandr", "aleksander"),
    ("sergej", "sergei", "sergey"),
    ("dmitrij", "dmitri", "dmitry", "dmitriy"),
    ("andrej", "andrei", "andrey"),
    ("alexej", "aleksei", "alexei", "aleksey", "alexey"),
    ("wladimir", "vladimir"),
    ("nikolaj", "nikolai", "nikolay"),
    ("juri", "yuri", "yuriy", "yury", "jurij"),
    ("pawel", "pavel"),
    ("michail", "mikhail"),
    ("jewgeni", "yevgeny", "yevgeniy", "evgeny", "evgeniy"),
    ("wiktor", "viktor"),
    ("wolodymyr", "volodymyr"),
    ("anatolij", "anatoly", "anatoliy"),
    ("witalij", "vitaly", "vitaliy", "vitali"),
    ("waleri", "valery", "valeriy", "valeri"),
    ("stanislaw", "stanislav"),
    ("jaroslaw", "yaroslav", "jaroslav"),
    ("tatjana", "tatiana", "tatyana"),
    ("swetlana", "svetlana"),
    ("jekaterina", "yekaterina", "ekaterina"),
    ("ljudmila", "lyudmila", "ludmila"),
    ("walentina", "valentina"),
    ("nadeschda", "nadezhda"),
    ("jelena", "yelena", "elena"),
    ("natalia", "natalya", "nataliya"),
    ("larissa", "larisa"),
    ("ksenia", "kseniya", "xenia"),
    ("kuznezow", "kuznetsov", "kusnezow"),
    ("popow", "popov"),
    ("wassiljew", "vasilyev", "vasiliev"),
    ("petrow", "petrov"),
    ("sokolow", "sokolov"),
    ("michailow", "mikhailov", "mikhaylov"),
    ("nowikow", "novikov"),
    ("fjodorow", "fyodorov", "fedorov"),
    ("morosow", "morozov"),
    ("wolkow", "volkov"),
    ("alexejew", "alekseev", "alekseyev", "alexeev"),
    ("lebedew", "lebedev"),
    ("semjonow", "semyonov", "semenov"),
    ("jegorow", "yegorov", "egorov"),
    ("pawlow", "pavlov"),
    ("koslow", "kozlov"),
    ("stepanow", "stepanov"),
    ("nikolajew", "nikolaev", "nikolayev"),
    ("orlow", "orlov"),
    ("andrejew", "andreev", "andreyev"),
    ("makarow", "makarov"),
    ("smirnov", "smirnow"),
    ("ivanov", "iwanow"),
    ("shevchenko", "schewtschenko"),
    ("kravchenko", "krawtschenko"),
    ("tkachenko", "tkatschenko"),
    ("kovalenko", "kowalenko"),
    ("bondarenko",),
    ("oliinyk", "oleinik", "oliynyk"),
    ("melnyk", "melnik"),
    ("boyko", "bojko"),
    ("kowalski", "kovalski", "kovalsky"),
    # Turkish: the same name with the Turkish or the Arabic final consonant
    ("mehmet", "mehmed"),
)
# fmt: on

ARTICLE = re.compile(r"\b(?:al|el|ul|ur)[-\s]+", re.IGNORECASE)
# Legal forms ``name_tokens`` keeps (it reads the forms the product knows).
FORMS = {"ltda"}


# Each spelling is in one group (a test).
GROUP = {spelling: n for n, spellings in enumerate(SPELLINGS) for spelling in spellings}


def plain(name: str) -> str:
    """``name`` without diacritics ("Şahin" is "Sahin", where ``name_tokens`` alone writes a
    German "ü" as "ue") and without the Arabic article as a word."""
    return ARTICLE.sub("", anyascii(name))


def words(name: str, organisation: bool) -> tuple[str, ...]:
    """The name's words as the table reads them: each spelling group as one word. An
    organisation's name keeps its diacritics until ``name_tokens`` has read its legal form
    ("UG (haftungsbeschränkt)")."""
    out = []
    tokens = matching_text.name_tokens(
        ARTICLE.sub("", name) if organisation else plain(name), organisation
    )
    for token in tokens:
        if organisation and token in FORMS:
            continue
        group = GROUP.get(token)
        out.append(f"#{group}" if group is not None else token)
    return tuple(out)


class OtherSpellings:
    """Every list name as its words (``words``) for telling a drawn name that is a list name
    in another spelling: the same words in any order, or for persons the one name with middle
    names the other leaves out (the longer begins and ends with the shorter's two outer words,
    in either order, and holds all its words)."""

    def __init__(self, names: Iterable[tuple[str, bool]]) -> None:
        self.whole: set[tuple[str, ...]] = set()
        self.by_ends: dict[tuple[str, str], list[frozenset[str]]] = {}
        for name, organisation in names:
            ws = words(name, organisation)
            if not ws:
                continue
            self.whole.add(tuple(sorted(ws)))
            if not organisation and len(ws) >= 2:
                self.by_ends.setdefault(_ends(ws), []).append(frozenset(ws))

    def holds(self, name: str, organisation: bool) -> str:
        """ "exact", "part" (for persons: the list name with middle names left out on either
        side) or ""."""
        ws = words(name, organisation)
        if not ws:
            return ""
        if tuple(sorted(ws)) in self.whole:
            return "exact"
        if organisation or len(ws) < 2:
            return ""
        drawn = frozenset(ws)
        if any(listed <= drawn or drawn <= listed for listed in self.by_ends.get(_ends(ws), ())):
            return "part"
        return ""


def _ends(ws: tuple[str, ...]) -> tuple[str, str]:
    """A name's first and last word, in either order."""
    return (min(ws[0], ws[-1]), max(ws[0], ws[-1]))
