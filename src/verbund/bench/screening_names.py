# ruff: noqa: RUF001 (Turkish names are written with the dotless i)
"""Names a German CRM holds, for the screening bench's false-positive rates: German company
and person names, and names common among Germany's immigrant population (Turkish, Arabic,
Persian, Slavic, Vietnamese), as persons and as the small firms they run.

The lists are common given and family names (registry and naming-statistics staples), not
names of anyone listed; a generated name that really is a list name (the same words, in any
order) is left out by the bench, since a hit on it is no false positive.
"""

import random

# What a draw returns: kind, name, and for persons the given and the family name as the CRM's
# first and last name fields hold them ("" for organisations).
Drawn = tuple[str, str, str, str]

PERSON = "person"
ORGANISATION = "organisation"

# fmt: off
FIRST_M = [
    "Peter", "Thomas", "Michael", "Andreas", "Stefan", "Christian", "Frank", "Markus", "Jürgen",
    "Uwe", "Klaus", "Wolfgang", "Hans", "Bernd", "Jörg", "Ralf", "Dieter", "Matthias", "Alexander",
    "Martin", "Daniel", "Tobias", "Jan", "Lukas", "Felix", "Jonas", "Leon", "Paul", "Maximilian",
    "Sebastian", "Florian", "Tim", "Niklas", "Philipp", "Simon", "Moritz", "David", "Kevin",
    "Dennis", "Sven", "Oliver", "Holger", "Karl", "Heinz", "Günter", "Horst", "Werner", "Manfred",
    "Helmut", "Rainer", "Volker", "Norbert", "Mehmet", "Ali", "Mustafa", "Ahmet", "Murat", "Hasan",
    "Ibrahim", "Yusuf", "Omar", "Marco", "Luca", "Piotr", "Tomasz", "Ivan", "Dmitri", "Sergej",
    "Alexej", "Nikolai",
]
# fmt: on

# fmt: off
FIRST_F = [
    "Sabine", "Petra", "Andrea", "Claudia", "Susanne", "Birgit", "Monika", "Karin", "Ursula",
    "Renate", "Anja", "Nicole", "Stefanie", "Katrin", "Julia", "Anna", "Lena", "Laura", "Lea",
    "Sarah", "Hannah", "Marie", "Sophie", "Emma", "Mia", "Lisa", "Katharina", "Christina",
    "Melanie", "Sandra", "Tanja", "Heike", "Silke", "Martina", "Gabriele", "Elke", "Ingrid",
    "Helga", "Ayse", "Fatma", "Elif", "Zeynep", "Emine", "Natalia", "Olga", "Irina", "Elena",
    "Maria", "Anastasia",
]
# fmt: on

# fmt: off
LAST = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt",
    "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Schmid", "Schulze", "Maier", "Köhler",
    "Herrmann", "König", "Walter", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters", "Lang", "Scholz",
    "Möller", "Weiß", "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller", "Günther",
    "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke", "Albrecht",
    "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher", "Krämer",
    "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt", "Haas",
    "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl", "Engel", "Horn",
    "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer", "Yilmaz",
    "Kaya", "Demir", "Sahin", "Celik", "Öztürk", "Aydin", "Özdemir", "Arslan", "Dogan", "Kowalski",
    "Nowak", "Wiśniewski", "Ivanov", "Petrov", "Popov", "Rossi", "Russo", "Ferrari", "Nguyen",
    "Hoang",
]
# fmt: on

# fmt: off
ORG_WORDS = [
    "Bau", "Holz", "Metall", "Technik", "Elektro", "Sanitär", "Heizung", "Logistik", "Transport",
    "Spedition", "Handel", "Großhandel", "Autohaus", "Bäckerei", "Fleischerei", "Apotheke",
    "Reisebüro", "Immobilien", "Verwaltung", "Beratung", "Software", "Systeme", "Service",
    "Dienstleistung", "Gebäudereinigung", "Malerbetrieb", "Dachdeckerei", "Tischlerei",
    "Schreinerei", "Maschinenbau", "Anlagenbau", "Werkzeugbau", "Kunststoff", "Druckerei",
    "Verlag", "Medien", "Agrar", "Landtechnik", "Gartenbau", "Getränke", "Lebensmittel",
    "Feinkost", "Optik", "Hörgeräte", "Pflegedienst", "Zahntechnik", "Steuerberatung",
    "Ingenieurbüro", "Architekten", "Energie", "Solar", "Umwelt", "Recycling", "Entsorgung",
    "Sicherheit", "Personal", "Reifen", "Kfz", "Textil", "Mode", "Schuhe", "Möbel", "Küchen",
    "Fenster", "Türen", "Stahl", "Beton", "Naturstein", "Fliesen", "Glas",
]
# fmt: on

# fmt: off
ORG_PLACES = [
    "Nord", "Süd", "Ost", "West", "Rhein", "Main", "Ruhr", "Elbe", "Weser", "Donau", "Alster",
    "Spree", "Harz", "Eifel", "Taunus", "Allgäu", "Franken", "Schwaben", "Baden", "Sachsen",
    "Hessen", "Westfalen", "Hanse", "Berliner", "Hamburger", "Münchner", "Kölner", "Bremer",
    "Dresdner", "Leipziger", "Stuttgarter", "Frankfurter", "Rheinische", "Bayerische",
    "Norddeutsche", "Süddeutsche", "Deutsche", "Europa", "Euro", "Global", "Inter", "Trans",
    "Alpha", "Beta", "Delta", "Omega", "Nova", "Prima", "Optima", "Vita", "Medi", "Tec", "Pro",
]
# fmt: on

# fmt: off
FORMS = [
    "GmbH", "GmbH & Co. KG", "AG", "KG", "e.K.", "OHG", "UG (haftungsbeschränkt)", "GbR", "mbH",
    "e.V.", "eG", "SE",
]
# fmt: on


def german_name(rng: random.Random) -> Drawn:
    """A German company or person name, as a CRM holds them (``Drawn``)."""
    if rng.random() < 0.5:
        first = rng.choice(FIRST_M if rng.random() < 0.5 else FIRST_F)
        if rng.random() < 0.15:
            first += " " + rng.choice(FIRST_M + FIRST_F)
        last = rng.choice(LAST)
        if rng.random() < 0.08:
            last += "-" + rng.choice(LAST)
        return PERSON, f"{first} {last}", first, last
    style = rng.random()
    form = rng.choice(FORMS)
    if style < 0.35:
        name = f"{rng.choice(LAST)} {rng.choice(ORG_WORDS)} {form}"
    elif style < 0.55:
        name = f"{rng.choice(ORG_PLACES)} {rng.choice(ORG_WORDS)} {form}"
    elif style < 0.7:
        name = f"{rng.choice(LAST)} & {rng.choice(LAST)} {form}"
    elif style < 0.85:
        name = f"{rng.choice(ORG_WORDS)} {rng.choice(LAST)} {form}"
    else:
        name = f"{rng.choice(FIRST_M + FIRST_F)} {rng.choice(LAST)} {rng.choice(ORG_WORDS)} {form}"
    return ORGANISATION, name, "", ""


# Given and family names by origin: (male given, female given, family).
# fmt: off
IMMIGRANT: dict[str, tuple[list[str], list[str], list[str]]] = {
    "turkish": (
        [
            "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "Ibrahim", "Ismail", "Osman",
            "Yusuf", "Murat", "Ömer", "Ramazan", "Halil", "Süleyman", "Abdullah", "Mahmut",
            "Recep", "Emre", "Burak", "Serkan", "Kemal", "Cem", "Volkan", "Tarkan", "Fatih",
            "Erkan", "Kaan", "Yasin", "Onur", "Baris", "Deniz", "Emin", "Orhan", "Selim", "Tuncay",
            "Uğur", "Levent",
        ],
        [
            "Fatma", "Ayşe", "Emine", "Hatice", "Zeynep", "Elif", "Meryem", "Şerife", "Sultan",
            "Zehra", "Hanife", "Merve", "Özlem", "Esra", "Büşra", "Derya", "Gül", "Sevgi",
            "Yasemin", "Aylin", "Ebru", "Filiz", "Hülya", "Melek", "Nur", "Songül", "Tuba",
            "Dilek",
        ],
        [
            "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
            "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt",
            "Özkan", "Şimşek", "Polat", "Özcan", "Korkmaz", "Çakır", "Erdoğan", "Yavuz", "Can",
            "Acar", "Şen", "Aktaş", "Güler", "Yalçın", "Güneş", "Bozkurt", "Bulut", "Keskin",
            "Ünal", "Turan", "Gül", "Özer", "Tekin", "Karataş", "Uçar", "Toprak", "Sarı", "Akın",
        ],
    ),
    "arabic": (
        [
            "Mohammed", "Muhammad", "Ahmad", "Ahmed", "Mahmoud", "Mustafa", "Omar", "Khaled",
            "Ali", "Hassan", "Hussein", "Ibrahim", "Youssef", "Yusuf", "Abdullah", "Karim",
            "Samir", "Tarek", "Walid", "Nabil", "Bilal", "Jamal", "Rami", "Fadi", "Ziad", "Hamza",
            "Amir", "Anas", "Majid", "Nour", "Salim", "Adel", "Faris", "Sami", "Ayman", "Hisham",
            "Imad",
        ],
        [
            "Fatima", "Aisha", "Maryam", "Zainab", "Amina", "Layla", "Nour", "Huda", "Rania",
            "Samira", "Yasmin", "Salma", "Hanan", "Dina", "Lina", "Rana", "Reem", "Mona", "Nadia",
            "Sara", "Leila", "Amal", "Farah", "Ghada", "Heba", "Iman", "Jamila", "Rasha",
        ],
        [
            "Al-Ahmad", "Hassan", "Hussein", "Ibrahim", "Khalil", "Mahmoud", "Mansour", "Nasser",
            "Saleh", "Haddad", "Khoury", "Youssef", "Abdallah", "Othman", "Hamdan", "Darwish",
            "Suleiman", "Qasim", "Rahman", "Aziz", "Karimi", "Saad", "Farah", "Najjar", "Sabbagh",
            "Attar", "Chehab", "Halabi", "Masri", "Shami", "Omari", "Zein", "Issa", "Mousa",
            "Jaber", "Barakat", "Dabbagh", "Hamoud", "Bakri", "El-Sayed", "Abou Zeid", "Kassem",
        ],
    ),
    "persian": (
        [
            "Ali", "Mohammad", "Reza", "Hossein", "Mehdi", "Amir", "Hamid", "Saeed", "Majid",
            "Behzad", "Babak", "Dariush", "Farhad", "Kourosh", "Mehran", "Navid", "Omid", "Payam",
            "Ramin", "Shahram", "Siavash", "Arash", "Kaveh", "Pouya", "Parviz", "Bijan", "Cyrus",
            "Kamran", "Nima", "Arman", "Sina", "Vahid", "Afshin", "Hooman", "Masoud", "Peyman",
        ],
        [
            "Maryam", "Fatemeh", "Zahra", "Leila", "Shirin", "Parisa", "Nasrin", "Mina", "Azadeh",
            "Roya", "Sara", "Nazanin", "Golnaz", "Mahsa", "Neda", "Shabnam", "Yasaman", "Ladan",
            "Mitra", "Soheila", "Farnaz", "Elham", "Mahnaz", "Samira", "Simin", "Bahar",
            "Niloofar",
        ],
        [
            "Ahmadi", "Hosseini", "Mohammadi", "Rezaei", "Moradi", "Karimi", "Jafari", "Rahimi",
            "Hashemi", "Mousavi", "Sadeghi", "Heidari", "Ghorbani", "Kazemi", "Azizi", "Rostami",
            "Abbasi", "Sharifi", "Amini", "Najafi", "Salehi", "Ebrahimi", "Nazari", "Bagheri",
            "Tehrani", "Shirazi", "Esfahani", "Farahani", "Golzari", "Javadi", "Khosravi",
            "Mansouri", "Naderi", "Parsa", "Sohrabi", "Tavakoli", "Yazdani", "Zand", "Vaziri",
        ],
    ),
    "slavic": (
        [
            "Aleksandr", "Sergej", "Dmitrij", "Andrej", "Alexej", "Wladimir", "Nikolaj", "Igor",
            "Oleg", "Juri", "Viktor", "Pawel", "Michail", "Jewgeni", "Roman", "Wiktor", "Piotr",
            "Tomasz", "Krzysztof", "Marek", "Grzegorz", "Paweł", "Łukasz", "Jakub", "Mariusz",
            "Dragan", "Goran", "Zoran", "Milan", "Nenad", "Dejan", "Bogdan", "Taras", "Wolodymyr",
            "Mykola", "Anatolij", "Witalij", "Waleri", "Stanislaw", "Jaroslaw", "Miroslav",
        ],
        [
            "Olga", "Natalia", "Tatjana", "Swetlana", "Elena", "Irina", "Anna", "Marina", "Julia",
            "Jekaterina", "Ljudmila", "Galina", "Oksana", "Walentina", "Nadeschda", "Agnieszka",
            "Katarzyna", "Małgorzata", "Joanna", "Magdalena", "Ewa", "Dorota", "Jelena", "Milica",
            "Ivana", "Snežana", "Olena", "Halyna", "Larissa", "Swetlana", "Ksenia", "Alina",
        ],
        [
            "Ivanov", "Smirnov", "Kuznezow", "Popow", "Wassiljew", "Petrow", "Sokolow",
            "Michailow", "Nowikow", "Fjodorow", "Morosow", "Wolkow", "Alexejew", "Lebedew",
            "Semjonow", "Jegorow", "Pawlow", "Koslow", "Stepanow", "Nikolajew", "Orlow",
            "Andrejew", "Makarow", "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk",
            "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski",
            "Kozłowski", "Jankowski", "Mazur", "Krawczyk", "Petrović", "Jovanović", "Nikolić",
            "Marković", "Đorđević", "Stojanović", "Horvat", "Kovačević", "Babić", "Shevchenko",
            "Bondarenko", "Kovalenko", "Tkachenko", "Kravchenko", "Oliinyk", "Melnyk", "Boyko",
            "Schneider", "Becker", "Richter",
        ],
    ),
    "vietnamese": (
        [
            "Minh", "Tuan", "Hung", "Duc", "Thanh", "Quang", "Hai", "Trung", "Dung", "Nam", "Long",
            "Huy", "Khanh", "Phong", "Son", "Tien", "Vinh", "Bao", "Cuong", "Dat", "Hieu", "Hoang",
            "Kien", "Loc", "Phuc", "Quoc", "Tai", "Thang", "Toan", "Viet",
        ],
        [
            "Lan", "Mai", "Hoa", "Huong", "Linh", "Thu", "Ha", "Ngoc", "Phuong", "Trang", "Hanh",
            "Thuy", "Hien", "Anh", "Nga", "Yen", "Van", "Nhung", "Hang", "Dung", "Oanh", "Quynh",
            "Tam", "Thao", "Trinh", "Uyen", "Vy", "Xuan",
        ],
        [
            "Nguyen", "Tran", "Le", "Pham", "Hoang", "Huynh", "Phan", "Vu", "Vo", "Dang", "Bui",
            "Do", "Ho", "Ngo", "Duong", "Ly", "Dinh", "Truong", "Lam", "Mai", "Trinh", "Luong",
            "Cao", "Ha", "Ta", "Quach", "Chau", "Doan", "Kieu", "Thai",
        ],
    ),
}
# fmt: on
# What such firms are called in Germany: the owner's family name or a place of origin with
# a trade.
# fmt: off
IMMIGRANT_TRADES = [
    "Import Export", "Lebensmittel", "Reisebüro", "Kfz-Service", "Bau", "Handel", "Gastronomie",
    "Textil", "Transporte", "Gebäudereinigung", "Friseursalon", "Imbiss", "Restaurant",
    "Supermarkt", "Juwelier", "Teppiche", "Autohandel", "Trockenbau", "Fliesen", "Nagelstudio",
    "Übersetzungsbüro", "Backwaren", "Obst und Gemüse", "Logistik", "Pflegedienst",
]
# fmt: on
# fmt: off
IMMIGRANT_FORMS = [
    "GmbH", "UG (haftungsbeschränkt)", "e.K.", "GbR", "", "", "KG", "OHG",
]
# fmt: on


def immigrant_name(origin: str, rng: random.Random) -> Drawn:
    """A person's name or a small firm's name of the given origin, as a German CRM holds it
    (``Drawn``): given name first, Vietnamese names with their middle name ("Thi Lan Nguyen")."""
    male, female, family = IMMIGRANT[origin]
    if rng.random() < 0.75:
        given = rng.choice(male if rng.random() < 0.5 else female)
        if origin == "vietnamese" and rng.random() < 0.5:
            given = f"{'Van' if given in male else 'Thi'} {given}"
        elif rng.random() < 0.12:
            given += " " + rng.choice(male + female)
        last = rng.choice(family)
        return PERSON, f"{given} {last}", given, last
    form = rng.choice(IMMIGRANT_FORMS)
    if rng.random() < 0.6:
        name = f"{rng.choice(family)} {rng.choice(IMMIGRANT_TRADES)} {form}"
    else:
        given = rng.choice(male + female)
        name = f"{rng.choice(IMMIGRANT_TRADES)} {given} {rng.choice(family)} {form}"
    return ORGANISATION, name.strip(), "", ""
