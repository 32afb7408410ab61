"""Short forms of given names ("Bill" / "William", "Bibi" / "Benjamin", "Sasha" / "Aleksandr"):
a person listed under one form is also indexed under the other (decision 0008 point 17).

A CRM holds what a customer is called, the lists what the person was designated as; a short
form says the same as its full name, but less surely (it stands for several full names, and
some are given names in their own right), so such a spelling counts as a weak alias.

The table was written by hand for Verbund from common usage (English, German, Hebrew, Russian
and Ukrainian, Spanish, Italian), under the project's licence; no data set was copied. It holds
only short forms that are no common given name of another origin on their own: "Lena" (Elena),
"Mina" (Wilhelmina), "Nadia" (Nadezhda), "Dina" or "Sina" would make a different person's given
name a weak spelling of the listed one. Spellings are compared canonically (``canon_token``),
so "Sascha" and "Sasha" are one entry. Beside the short forms it holds the few other-language
forms that begin with another letter ("Mykola", "Mikalai" / "Nikolai"): the rule of another
first letter (decision 0008 point 20) would part them.
"""

from verbund.compliance.matching_text import canon_token

# Full given name -> its short forms.
_SHORT_FORMS: dict[str, tuple[str, ...]] = {
    # English
    "william": ("bill", "billy", "will", "willy", "willie", "liam"),
    "robert": ("bob", "bobby", "rob", "robbie"),
    "richard": ("dick", "rick", "ricky"),
    "edward": ("ed", "eddie", "ted", "ned"),
    "theodore": ("ted", "teddy", "theo"),
    "thomas": ("tom", "tommy"),
    "james": ("jim", "jimmy", "jamie"),
    "john": ("jack", "johnny"),
    "jonathan": ("jon",),
    "joseph": ("joe", "joey"),
    "michael": ("mike", "mick", "micky"),
    "christopher": ("chris",),
    "nicholas": ("nick", "nicky"),
    "anthony": ("tony",),
    "charles": ("charlie", "chuck"),
    "henry": ("harry", "hank"),
    "benjamin": ("ben", "benny", "bibi"),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davy"),
    "matthew": ("matt",),
    "andrew": ("andy", "drew"),
    "alexander": ("alex", "sandy", "sasha"),
    "samuel": ("sam", "sammy"),
    "stephen": ("steve",),
    "steven": ("steve",),
    "patrick": ("pat", "paddy"),
    "timothy": ("tim",),
    "kenneth": ("ken", "kenny"),
    "donald": ("don", "donny"),
    "ronald": ("ron", "ronnie"),
    "gerald": ("gerry", "jerry"),
    "lawrence": ("larry",),
    "frederick": ("fred", "freddie"),
    "abraham": ("abe",),
    "elizabeth": ("liz", "lizzie", "beth", "betty"),
    "margaret": ("maggie", "meg", "peggy"),
    "katherine": ("kate", "kathy", "katie"),
    "catherine": ("kate", "cathy", "katie"),
    "jennifer": ("jenny",),
    "susan": ("sue", "susie"),
    "rebecca": ("becky",),
    "deborah": ("debbie",),
    "patricia": ("patty", "trish"),
    "victoria": ("vicky",),
    "eugene": ("gene",),
    "jacob": ("jake",),
    "rudolph": ("rudy",),
    # German
    "johannes": ("hans", "hannes"),
    "nikolaus": ("klaus",),
    "friedrich": ("fritz",),
    "josef": ("sepp",),
    "wilhelm": ("willi",),
    # Hebrew
    "avraham": ("avi",),
    "yosef": ("yossi",),
    "yitzhak": ("itzik",),
    "mordechai": ("motti",),
    # Russian and Ukrainian
    "aleksandr": ("sasha", "shura"),
    "aleksandra": ("sasha", "shura"),
    "aleksei": ("alyosha", "lyosha"),
    "anatoli": ("tolya",),
    "boris": ("borya",),
    "dmitri": ("dima", "mitya"),
    "fyodor": ("fedya",),
    "grigori": ("grisha",),
    "konstantin": ("kostya",),
    "leonid": ("lyonya",),
    "vladimir": ("volodya", "vova", "vlad"),
    "mikhail": ("misha",),
    # Ukrainian and Belarusian forms beginning with another letter: the rule of another
    # first letter (decision 0008 point 20) would part them from the Russian form.
    "nikolai": ("kolya", "mykola", "mikola", "mikalai"),
    "ivan": ("vanya",),
    "pyotr": ("petya",),
    "sergei": ("seryozha",),
    "evgeni": ("zhenya",),
    "pavel": ("pasha",),
    "vasili": ("vasya",),
    "viktor": ("vitya",),
    "yuri": ("yura",),
    "ekaterina": ("katya",),
    "natalya": ("natasha",),
    "mariya": ("masha",),
    "anastasiya": ("nastya",),
    "tatyana": ("tanya",),
    "lyudmila": ("lyuda",),
    "svetlana": ("sveta",),
    "olga": ("olya",),
    # Spanish and Italian
    "jose": ("pepe",),
    "francisco": ("paco", "pancho"),
    "ignacio": ("nacho",),
    "enrique": ("quique",),
    "guillermo": ("memo",),
    "jesus": ("chucho",),
    "giovanni": ("gianni",),
    "giuseppe": ("beppe", "peppe"),
}


def _table() -> dict[str, frozenset[str]]:
    """Canonical spelling -> its other forms as the table writes them, both ways: the index
    canonicalises a spelling's words itself, and ``canon_token`` of a canonical spelling is not
    always that spelling ("chris" -> "khris" -> "kris")."""
    out: dict[str, set[str]] = {}
    for full, shorts in _SHORT_FORMS.items():
        for short in shorts:
            out.setdefault(canon_token(full), set()).add(short)
            out.setdefault(canon_token(short), set()).add(full)
    return {k: frozenset(v) for k, v in out.items()}


OTHER_FORMS = _table()


def other_forms(word: str) -> frozenset[str]:
    """The other forms of a given name as written, none when the table does not know it."""
    return OTHER_FORMS.get(canon_token(word), frozenset())


def nickname_spellings(tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
    """A person's name with one given name (any word but the last, which is the family name in
    the lists' Latin order) in its other forms, each a spelling of its own."""
    out: list[tuple[str, ...]] = []
    for i, word in enumerate(tokens[:-1]):
        for form in sorted(other_forms(word)):
            out.append((*tokens[:i], form, *tokens[i + 1 :]))
    return out
