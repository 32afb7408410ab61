"""Word stems for believable German demo data: surnames, first names, trades, regions, fantasy names."""


def _words(text: str) -> list[str]:
    return text.split()


SURNAMES = _words(
    """
Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch Bauer Richter
Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner
Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser
Fuchs Peters Lang Scholz Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller Günther Frank Berger
Winkler Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Ludwig Böhm Winter Kraus Martin
Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß Seidel Heinrich Brandt Haas Schreiber Graf
Schulte Dietrich Ziegler Kuhn Kühn Pohl Engel Horn Busch Bergmann Thomas Voigt Sauer Arnold Wolff
Pfeiffer Brinkmann Hesse Lindner Kessler Ritter Engelhardt Eckert Wendt Bachmann Gerber Ostermann
Rademacher Lindemann Overbeck Terhorst Hagedorn Brockmann Ahrens Brüggemann Feldmann Kolbe Stolz
"""
)

FIRST_NAMES_FEMALE = _words(
    """
Anna Maria Julia Laura Lisa Katharina Sarah Lena Sophie Hannah Lea Johanna Christina Sabine Petra
Claudia Susanne Andrea Stefanie Nicole Birgit Monika Ursula Renate Karin Heike Silke Anja Kerstin
Martina Tanja Jana Melanie Nadine Simone Daniela Franziska Carolin Miriam Ulrike Elke Gabriele Ines
Svenja Vanessa Charlotte Emilia Clara Greta Frieda Marie Luisa Antonia
"""
)

FIRST_NAMES_MALE = _words(
    """
Thomas Michael Andreas Stefan Christian Markus Frank Martin Jürgen Peter Klaus Alexander Matthias
Daniel Sebastian Tobias Jan Jens Uwe Wolfgang Dirk Holger Ralf Sven Torsten Bernd Jörg Oliver
Florian Philipp Felix Lukas Jonas Maximilian Moritz Niklas Tim Simon Fabian Benjamin Dominik
Kai Lars Hendrik Carsten Volker Rainer Norbert Günter Heinz Karl Paul Leon Emil Anton Johannes
"""
)

# Positions with their female and male forms.
POSITIONS = [
    ("Geschäftsführerin", "Geschäftsführer"),
    ("Einkaufsleiterin", "Einkaufsleiter"),
    ("Leiterin Rechnungswesen", "Leiter Rechnungswesen"),
    ("Vertriebsleiterin", "Vertriebsleiter"),
    ("Assistenz der Geschäftsführung", "Assistenz der Geschäftsführung"),
    ("Prokuristin", "Prokurist"),
    ("Leiterin Logistik", "Leiter Logistik"),
    ("Filialleiterin", "Filialleiter"),
    ("Inhaberin", "Inhaber"),
    ("Buchhaltung", "Buchhaltung"),
    ("Sachbearbeiterin Einkauf", "Sachbearbeiter Einkauf"),
    ("Technische Leiterin", "Technischer Leiter"),
    ("Key Account Managerin", "Key Account Manager"),
    ("Leiterin Qualitätsmanagement", "Leiter Qualitätsmanagement"),
    ("Vorständin", "Vorstand"),
    ("Justiziarin", "Justiziar"),
]

TITLES = ["Dr.", "Dr.", "Dr.", "Prof. Dr.", "Dipl.-Ing.", "Dipl.-Kfm.", "Dr.-Ing."]

# Trades that read well after a surname ("Müller Metallbau") or after a fantasy stem.
TRADES = _words(
    """
Metallbau Elektrotechnik Haustechnik Bau Holzbau Logistik Spedition Transporte Maschinenbau
Anlagenbau Werkzeugbau Kunststofftechnik Druck Verpackungen Immobilien Software Systemhaus
Medizintechnik Pharma Chemie Lebensmittel Getränke Möbel Textil Energie Solartechnik Umwelttechnik
Recycling Baustoffe Stahlhandel Großhandel Handel Vertrieb Service Consulting Personaldienste
Gebäudereinigung Sicherheitsdienst Elektronik Feinmechanik Präzisionstechnik Automation
Antriebstechnik Hydraulik Messtechnik Labortechnik Reisen Catering Agrar Landtechnik Fahrzeugbau
Oberflächentechnik Gießerei Stahlbau Kältetechnik Lichttechnik Fördertechnik Dämmtechnik
"""
)

# Trades that come first: "Autohaus Schneider", "Bäckerei Krüger".
TRADES_FIRST = _words(
    """
Autohaus Bäckerei Fleischerei Malerbetrieb Dachdeckerei Spedition Brauerei Gärtnerei Optik
Schreinerei Tischlerei Elektro Sanitär Getränke Baustoffe Reisebüro Zahntechnik Hörgeräte
Fahrschule Raumausstattung Metzgerei Konditorei Steuerberatung Ingenieurbüro Architekturbüro
"""
)

REGIONS = _words(
    """
Rheinland Westfalen Allgäu Franken Schwaben Ostfriesland Eifel Harz Sauerland Spreewald Pfalz
Lausitz Ruhr Bodensee Taunus Odenwald Vogtland Altmark Holstein Emsland Münsterland Siegerland
Breisgau Hohenlohe Nordsee Ostsee Elbe Weser Main Mosel Saar Havel Uckermark Chiemgau Rhön
Spessart Erzgebirge Oberland Hunsrück Kraichgau Wetterau Lippe Oldenburger Bergisches
"""
)

FANTASY = _words(
    """
Aurora Helios Atlas Orion Nova Vega Lyra Aquila Phoenix Titan Zephyr Argon Castor Pollux Delta
Sigma Omega Alpha Kappa Vita Terra Aqua Lumen Solaris Fortis Nexus Vertex Prisma Optima Magna
Primus Vectra Corona Stella Astra Luna Aeon Kronos Hermes Athena Apollo Artemis Minerva Janus
Merkur Neptun Juno Vesta Ceres Fides Concordia Victoria Securitas Aletheia Kalypso Thetis Iris
Eos Gaia Selene Hyperion Kairos Logos Praxis Tempus Lux Ventus Silva Aurum Ferrum Argentum
"""
)

FANTASY_PREFIX = _words(
    "Neo Inno Medi Bio Eco Agri Info Data Logi Pro Euro Multi Uni Inter Trans Omni Tec Pro Sol Hydro Ther Elek Vita Kon"
)
FANTASY_SUFFIX = "tec tronic med form plan data line log con sys vision pharm chem tex print soft net werk trade tools"
FANTASY_SUFFIX_LIST = _words(FANTASY_SUFFIX)

SECTORS = _words(
    """
Systems Solutions Technologies Industries Logistik Energie Pharma Capital Invest Immobilien
Software Medical Consulting Services Engineering Digital Materials Components Trading Foods
"""
)

# Words that make a subsidiary's name from its group stem ("Helios Logistik GmbH").
SUBSIDIARY_WORDS = _words(
    """
Logistik Services Vertrieb Immobilien Beteiligungen Verwaltung Produktion Technik Handel Energie
Software Finanz Facility-Management Personal Einkauf Export Montage Instandhaltung Leasing Consulting
"""
)
COMPASS = ["Nord", "Süd", "West", "Ost", "Mitte", "Nordost", "Südwest"]

# Retail trades of purchasing-association members, with association names to match.
ASSOCIATION_TRADES = [
    ("Baustoffe", "Baustoffring"),
    ("Elektro", "Elektro-Einkaufsverband"),
    ("Getränke", "Getränke-Einkaufsring"),
    ("Lebensmittel", "Lebensmittel-Einkaufsgenossenschaft"),
    ("Sanitär", "Sanitär-Einkaufsverbund"),
    ("Schuhhaus", "Schuh-Einkaufsring"),
    ("Möbel", "Möbel-Einkaufsverband"),
    ("Apotheke", "Apotheken-Einkaufsgemeinschaft"),
    ("Eisenwaren", "Eisenwaren-Einkaufsring"),
    ("Raiffeisenmarkt", "Agrar-Einkaufsgenossenschaft"),
    ("Sport", "Sport-Einkaufsverband"),
    ("Spielwaren", "Spielwaren-Einkaufsring"),
]

# Chain themes: (branch word, head office word).
CHAIN_THEMES = [
    "Markt", "Drogerie", "Backstube", "Optik", "Modehaus", "Baumarkt", "Tierbedarf", "Reisebüro",
    "Fitness", "Apotheken", "Autoservice", "Küchenstudio", "Buchhandlung", "Getränkemarkt", "Hörakustik",
]  # fmt: skip

STREET_BASES = _words(
    """
Haupt Bahnhof Garten Schul Dorf Berg Linden Kirch Wald Ring Industrie Gewerbe Goethe Schiller
Mozart Friedrich Kant Beethoven Blumen Wiesen Birken Eichen Buchen Ahorn Tannen Rosen Mühlen
Markt Post Feld Sonnen Hafen Brunnen Burg Kloster Schloss Frieden Linden Park Bach Heide Moor
Rhein Main Donau Elbe Weser Bismarck Luisen Wilhelm Karl Ludwig Otto Max-Planck Einstein
Robert-Bosch Siemens Daimler Carl-Benz Rudolf-Diesel Gutenberg Humboldt Lessing Heine Uhland
"""
)
STREET_SUFFIXES = [
    "straße",
    "straße",
    "straße",
    "straße",
    "weg",
    "allee",
    "ring",
    "platz",
    "damm",
    "gasse",
]
STREET_PLAIN = [
    "Am Markt",
    "Marktplatz",
    "Am Hafen",
    "Im Gewerbepark",
    "An der Kirche",
    "Am Bahnhof",
    "Zum Sportplatz",
    "Auf der Höhe",
    "In den Wiesen",
    "Am Stadtpark",
]

TAGS = [
    "A-Kunde",
    "B-Kunde",
    "C-Kunde",
    "Key Account",
    "Rahmenvertrag",
    "Messe 2026",
    "Newsletter",
    "Neukunde",
    "Exportkunde",
    "Skonto",
]

# Legal forms with weights, and the register they go to.
LEGAL_FORMS: list[tuple[str, int, str]] = [
    ("GmbH", 52, "HRB"),
    ("GmbH & Co. KG", 14, "HRA"),
    ("UG (haftungsbeschränkt)", 5, "HRB"),
    ("e.K.", 6, "HRA"),
    ("KG", 5, "HRA"),
    ("AG", 6, "HRB"),
    ("OHG", 3, "HRA"),
    ("SE", 1, "HRB"),
    ("GbR", 2, ""),
    ("eG", 1, "GnR"),
    ("AG & Co. KG", 1, "HRA"),
    ("KGaA", 1, "HRB"),
]

# LEI issuing organisations (LOU prefixes) as they appear in real LEIs.
LOU_PREFIXES = ["5299", "3912", "8945", "2138", "5493", "7245", "6354", "8156", "9845", "3157"]

MAIL_LOCALS = ["info", "kontakt", "service", "office", "mail", "vertrieb", "zentrale"]
