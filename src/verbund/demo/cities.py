"""A compact table of real German cities with their postcode ranges, area codes and register courts.

Each line: city; postcode ranges (``from-to`` or a single code, comma-separated); state;
telephone area code (Vorwahl); the Amtsgericht that keeps the commercial register. The ranges
are the city's own postcode blocks, so a generated address always pairs a postcode with the
city it belongs to. A few hundred cities are enough for believable demo data.
"""

from dataclasses import dataclass

_TABLE = """
Stuttgart;70173-70629;BW;0711;Stuttgart
Mannheim;68159-68309;BW;0621;Mannheim
Karlsruhe;76131-76229;BW;0721;Mannheim
Freiburg im Breisgau;79098-79117;BW;0761;Freiburg
Heidelberg;69115-69126;BW;06221;Mannheim
Ulm;89073-89081;BW;0731;Ulm
Heilbronn;74072-74081;BW;07131;Stuttgart
Pforzheim;75172-75181;BW;07231;Mannheim
Reutlingen;72760-72770;BW;07121;Stuttgart
Esslingen am Neckar;73728-73734;BW;0711;Stuttgart
Ludwigsburg;71634-71642;BW;07141;Stuttgart
Tübingen;72070-72076;BW;07071;Stuttgart
Villingen-Schwenningen;78048-78056;BW;07721;Freiburg
Konstanz;78462-78467;BW;07531;Freiburg
Aalen;73430-73434;BW;07361;Ulm
Sindelfingen;71063-71069;BW;07031;Stuttgart
Schwäbisch Gmünd;73525-73529;BW;07171;Ulm
Friedrichshafen;88045-88048;BW;07541;Ulm
Offenburg;77652-77656;BW;0781;Freiburg
Göppingen;73033-73037;BW;07161;Ulm
Baden-Baden;76530-76534;BW;07221;Mannheim
Waiblingen;71332-71336;BW;07151;Stuttgart
Ravensburg;88212-88214;BW;0751;Ulm
Heidenheim an der Brenz;89518-89522;BW;07321;Ulm
Lörrach;79539-79541;BW;07621;Freiburg
Böblingen;71032-71034;BW;07031;Stuttgart
Rastatt;76437-76439;BW;07222;Mannheim
Biberach an der Riß;88400;BW;07351;Ulm
Schwäbisch Hall;74523;BW;0791;Stuttgart
Sinsheim;74889;BW;07261;Mannheim
Bruchsal;76646;BW;07251;Mannheim
Weinheim;69469;BW;06201;Mannheim
Kehl;77694;BW;07851;Freiburg
Nürtingen;72622;BW;07022;Stuttgart
Leonberg;71229;BW;07152;Stuttgart
Crailsheim;74564;BW;07951;Ulm
Bietigheim-Bissingen;74321;BW;07142;Stuttgart
Kirchheim unter Teck;73230;BW;07021;Stuttgart
Singen (Hohentwiel);78224;BW;07731;Freiburg
Emmendingen;79312;BW;07641;Freiburg
Rottweil;78628;BW;0741;Stuttgart
Balingen;72336;BW;07433;Stuttgart
Tuttlingen;78532;BW;07461;Stuttgart
Ettlingen;76275;BW;07243;Mannheim
Backnang;71522;BW;07191;Stuttgart
München;80331-81929;BY;089;München
Nürnberg;90402-90491;BY;0911;Nürnberg
Augsburg;86150-86199;BY;0821;Augsburg
Regensburg;93047-93059;BY;0941;Regensburg
Ingolstadt;85049-85057;BY;0841;Ingolstadt
Würzburg;97070-97084;BY;0931;Würzburg
Fürth;90762-90768;BY;0911;Fürth
Erlangen;91052-91058;BY;09131;Fürth
Bamberg;96047-96052;BY;0951;Bamberg
Bayreuth;95444-95448;BY;0921;Bayreuth
Landshut;84028-84036;BY;0871;Landshut
Aschaffenburg;63739-63743;BY;06021;Aschaffenburg
Kempten (Allgäu);87435-87439;BY;0831;Kempten
Rosenheim;83022-83026;BY;08031;Traunstein
Neu-Ulm;89231-89233;BY;0731;Memmingen
Schweinfurt;97421-97424;BY;09721;Schweinfurt
Passau;94032-94036;BY;0851;Passau
Hof;95028-95032;BY;09281;Hof
Memmingen;87700;BY;08331;Memmingen
Kaufbeuren;87600;BY;08341;Kempten
Straubing;94315;BY;09421;Straubing
Amberg;92224;BY;09621;Amberg
Weiden in der Oberpfalz;92637;BY;0961;Weiden
Ansbach;91522;BY;0981;Ansbach
Coburg;96450;BY;09561;Coburg
Freising;85354-85356;BY;08161;München
Dachau;85221;BY;08131;München
Garmisch-Partenkirchen;82467;BY;08821;München
Traunstein;83278;BY;0861;Traunstein
Deggendorf;94469;BY;0991;Deggendorf
Neumarkt in der Oberpfalz;92318;BY;09181;Nürnberg
Erding;85435;BY;08122;München
Starnberg;82319;BY;08151;München
Fürstenfeldbruck;82256;BY;08141;München
Lindau (Bodensee);88131;BY;08382;Kempten
Schwabach;91126;BY;09122;Nürnberg
Bad Tölz;83646;BY;08041;München
Kulmbach;95326;BY;09221;Bayreuth
Forchheim;91301;BY;09191;Bamberg
Germering;82110;BY;089;München
Unterschleißheim;85716;BY;089;München
Berlin;10115-10999,12043-12689,13051-13629,14050-14199;BE;030;Charlottenburg (Berlin)
Potsdam;14467-14482;BB;0331;Potsdam
Cottbus;03042-03055;BB;0355;Cottbus
Brandenburg an der Havel;14770-14776;BB;03381;Potsdam
Frankfurt (Oder);15230-15236;BB;0335;Frankfurt (Oder)
Oranienburg;16515;BB;03301;Neuruppin
Eberswalde;16225;BB;03334;Frankfurt (Oder)
Falkensee;14612;BB;03322;Potsdam
Bernau bei Berlin;16321;BB;03338;Frankfurt (Oder)
Königs Wusterhausen;15711;BB;03375;Cottbus
Neuruppin;16816;BB;03391;Neuruppin
Fürstenwalde/Spree;15517;BB;03361;Frankfurt (Oder)
Schwedt/Oder;16303;BB;03332;Neuruppin
Ludwigsfelde;14974;BB;03378;Potsdam
Bremen;28195-28779;HB;0421;Bremen
Bremerhaven;27568-27580;HB;0471;Bremen
Hamburg;20095-21149,22041-22769;HH;040;Hamburg
Frankfurt am Main;60306-60599,65929-65936;HE;069;Frankfurt am Main
Wiesbaden;65183-65207;HE;0611;Wiesbaden
Kassel;34117-34134;HE;0561;Kassel
Darmstadt;64283-64297;HE;06151;Darmstadt
Offenbach am Main;63065-63075;HE;069;Offenbach am Main
Hanau;63450-63457;HE;06181;Hanau
Gießen;35390-35398;HE;0641;Gießen
Marburg;35037-35043;HE;06421;Marburg
Fulda;36037-36043;HE;0661;Fulda
Rüsselsheim am Main;65428;HE;06142;Darmstadt
Bad Homburg vor der Höhe;61348-61352;HE;06172;Bad Homburg vor der Höhe
Wetzlar;35576-35586;HE;06441;Wetzlar
Oberursel (Taunus);61440;HE;06171;Bad Homburg vor der Höhe
Rodgau;63110;HE;06106;Offenbach am Main
Dreieich;63303;HE;06103;Offenbach am Main
Bensheim;64625;HE;06251;Darmstadt
Limburg an der Lahn;65549-65556;HE;06431;Limburg an der Lahn
Hofheim am Taunus;65719;HE;06192;Frankfurt am Main
Eschborn;65760;HE;06196;Frankfurt am Main
Bad Vilbel;61118;HE;06101;Friedberg (Hessen)
Friedberg (Hessen);61169;HE;06031;Friedberg (Hessen)
Langen (Hessen);63225;HE;06103;Offenbach am Main
Rostock;18055-18147;MV;0381;Rostock
Schwerin;19053-19063;MV;0385;Schwerin
Neubrandenburg;17033-17036;MV;0395;Neubrandenburg
Stralsund;18435-18439;MV;03831;Stralsund
Greifswald;17489-17493;MV;03834;Stralsund
Wismar;23966-23970;MV;03841;Schwerin
Güstrow;18273;MV;03843;Rostock
Hannover;30159-30669;NI;0511;Hannover
Braunschweig;38100-38126;NI;0531;Braunschweig
Oldenburg (Oldb);26121-26135;NI;0441;Oldenburg (Oldenburg)
Osnabrück;49074-49090;NI;0541;Osnabrück
Wolfsburg;38440-38448;NI;05361;Braunschweig
Göttingen;37073-37085;NI;0551;Göttingen
Salzgitter;38226-38259;NI;05341;Braunschweig
Hildesheim;31134-31141;NI;05121;Hildesheim
Delmenhorst;27749-27755;NI;04221;Oldenburg (Oldenburg)
Wilhelmshaven;26382-26389;NI;04421;Oldenburg (Oldenburg)
Lüneburg;21335-21339;NI;04131;Lüneburg
Celle;29221-29229;NI;05141;Lüneburg
Garbsen;30823-30827;NI;05131;Hannover
Hameln;31785-31789;NI;05151;Hannover
Lingen (Ems);49808-49811;NI;0591;Osnabrück
Langenhagen;30851-30855;NI;0511;Hannover
Nordhorn;48527-48531;NI;05921;Osnabrück
Wolfenbüttel;38300-38304;NI;05331;Braunschweig
Goslar;38640-38644;NI;05321;Braunschweig
Peine;31224-31228;NI;05171;Hildesheim
Emden;26721-26725;NI;04921;Aurich
Cuxhaven;27472-27478;NI;04721;Tostedt
Stade;21680-21684;NI;04141;Tostedt
Aurich;26603-26607;NI;04941;Aurich
Leer (Ostfriesland);26789;NI;0491;Aurich
Cloppenburg;49661;NI;04471;Oldenburg (Oldenburg)
Vechta;49377;NI;04441;Oldenburg (Oldenburg)
Buxtehude;21614;NI;04161;Tostedt
Verden (Aller);27283;NI;04231;Walsrode
Meppen;49716;NI;05931;Osnabrück
Papenburg;26871;NI;04961;Osnabrück
Winsen (Luhe);21423;NI;04171;Lüneburg
Seevetal;21217-21220;NI;04105;Lüneburg
Köln;50667-51149;NW;0221;Köln
Düsseldorf;40210-40629;NW;0211;Düsseldorf
Dortmund;44135-44388;NW;0231;Dortmund
Essen;45127-45359;NW;0201;Essen
Duisburg;47051-47279;NW;0203;Duisburg
Bochum;44787-44894;NW;0234;Bochum
Wuppertal;42103-42399;NW;0202;Wuppertal
Bielefeld;33602-33739;NW;0521;Bielefeld
Bonn;53111-53229;NW;0228;Bonn
Münster;48143-48167;NW;0251;Münster
Mönchengladbach;41061-41239;NW;02161;Mönchengladbach
Gelsenkirchen;45879-45899;NW;0209;Gelsenkirchen
Aachen;52062-52080;NW;0241;Aachen
Krefeld;47798-47839;NW;02151;Krefeld
Oberhausen;46045-46149;NW;0208;Duisburg
Hagen;58089-58135;NW;02331;Hagen
Hamm;59063-59077;NW;02381;Hamm
Mülheim an der Ruhr;45468-45481;NW;0208;Duisburg
Leverkusen;51371-51381;NW;0214;Köln
Solingen;42651-42719;NW;0212;Wuppertal
Herne;44623-44653;NW;02323;Bochum
Neuss;41460-41472;NW;02131;Neuss
Paderborn;33098-33106;NW;05251;Paderborn
Bottrop;46236-46244;NW;02041;Gelsenkirchen
Recklinghausen;45657-45665;NW;02361;Recklinghausen
Remscheid;42853-42899;NW;02191;Wuppertal
Bergisch Gladbach;51427-51469;NW;02202;Köln
Siegen;57072-57080;NW;0271;Siegen
Moers;47441-47447;NW;02841;Kleve
Gütersloh;33330-33335;NW;05241;Gütersloh
Witten;58452-58456;NW;02302;Bochum
Iserlohn;58636-58644;NW;02371;Iserlohn
Düren;52349-52355;NW;02421;Düren
Ratingen;40878-40885;NW;02102;Düsseldorf
Lünen;44532-44536;NW;02306;Dortmund
Marl;45768-45772;NW;02365;Gelsenkirchen
Velbert;42549-42555;NW;02051;Wuppertal
Minden;32423-32429;NW;0571;Bad Oeynhausen
Viersen;41747-41751;NW;02162;Mönchengladbach
Rheine;48429-48432;NW;05971;Steinfurt
Troisdorf;53840-53844;NW;02241;Siegburg
Lippstadt;59555-59558;NW;02941;Paderborn
Arnsberg;59755-59823;NW;02931;Arnsberg
Dorsten;46282-46286;NW;02362;Gelsenkirchen
Detmold;32756-32760;NW;05231;Lemgo
Castrop-Rauxel;44575-44581;NW;02305;Dortmund
Herford;32049-32052;NW;05221;Bad Oeynhausen
Kerpen;50169-50171;NW;02237;Köln
Unna;59423-59427;NW;02303;Hamm
Grevenbroich;41515-41517;NW;02181;Mönchengladbach
Dinslaken;46535-46539;NW;02064;Duisburg
Bergheim;50126-50129;NW;02271;Köln
Wesel;46483-46487;NW;0281;Duisburg
Siegburg;53721;NW;02241;Siegburg
Kleve;47533;NW;02821;Kleve
Soest;59494;NW;02921;Arnsberg
Euskirchen;53879-53881;NW;02251;Bonn
Hürth;50354;NW;02233;Köln
Langenfeld (Rheinland);40764;NW;02173;Düsseldorf
Frechen;50226;NW;02234;Köln
Meerbusch;40667-40670;NW;02132;Neuss
Hilden;40721-40724;NW;02103;Düsseldorf
Ahlen;59227-59229;NW;02382;Münster
Bocholt;46395-46399;NW;02871;Coesfeld
Gladbeck;45964-45968;NW;02043;Gelsenkirchen
Sankt Augustin;53757;NW;02241;Siegburg
Brühl;50321;NW;02232;Köln
Erftstadt;50374;NW;02235;Köln
Wermelskirchen;42929;NW;02196;Köln
Coesfeld;48653;NW;02541;Coesfeld
Mettmann;40822;NW;02104;Düsseldorf
Bad Oeynhausen;32545-32549;NW;05731;Bad Oeynhausen
Lemgo;32657;NW;05261;Lemgo
Olpe;57462;NW;02761;Siegen
Meschede;59872;NW;0291;Arnsberg
Steinfurt;48565;NW;02551;Steinfurt
Warendorf;48231;NW;02581;Münster
Borken;46325;NW;02861;Coesfeld
Gummersbach;51643-51647;NW;02261;Köln
Heinsberg;52525;NW;02452;Aachen
Stolberg (Rhld.);52222-52224;NW;02402;Aachen
Mainz;55116-55131;RP;06131;Mainz
Ludwigshafen am Rhein;67059-67071;RP;0621;Ludwigshafen am Rhein
Koblenz;56068-56077;RP;0261;Koblenz
Trier;54290-54296;RP;0651;Wittlich
Kaiserslautern;67655-67663;RP;0631;Kaiserslautern
Worms;67547-67551;RP;06241;Mainz
Neuwied;56564-56567;RP;02631;Montabaur
Neustadt an der Weinstraße;67433-67435;RP;06321;Ludwigshafen am Rhein
Speyer;67346;RP;06232;Ludwigshafen am Rhein
Bad Kreuznach;55543-55545;RP;0671;Bad Kreuznach
Frankenthal (Pfalz);67227;RP;06233;Ludwigshafen am Rhein
Landau in der Pfalz;76829;RP;06341;Landau in der Pfalz
Pirmasens;66953-66955;RP;06331;Zweibrücken
Zweibrücken;66482;RP;06332;Zweibrücken
Idar-Oberstein;55743;RP;06781;Bad Kreuznach
Montabaur;56410;RP;02602;Montabaur
Bingen am Rhein;55411;RP;06721;Mainz
Andernach;56626;RP;02632;Koblenz
Wittlich;54516;RP;06571;Wittlich
Ingelheim am Rhein;55218;RP;06132;Mainz
Saarbrücken;66111-66133;SL;0681;Saarbrücken
Neunkirchen;66538-66540;SL;06821;Saarbrücken
Homburg;66424;SL;06841;Saarbrücken
Völklingen;66333;SL;06898;Saarbrücken
Saarlouis;66740;SL;06831;Saarbrücken
Merzig;66663;SL;06861;Saarbrücken
St. Ingbert;66386;SL;06894;Saarbrücken
Leipzig;04103-04357;SN;0341;Leipzig
Dresden;01067-01328;SN;0351;Dresden
Chemnitz;09111-09247;SN;0371;Chemnitz
Zwickau;08056-08066;SN;0375;Chemnitz
Plauen;08523-08529;SN;03741;Chemnitz
Görlitz;02826-02828;SN;03581;Dresden
Freiberg;09599;SN;03731;Chemnitz
Bautzen;02625;SN;03591;Dresden
Pirna;01796;SN;03501;Dresden
Radebeul;01445;SN;0351;Dresden
Freital;01705;SN;0351;Dresden
Meißen;01662;SN;03521;Dresden
Riesa;01587-01591;SN;03525;Dresden
Hoyerswerda;02977;SN;03571;Dresden
Grimma;04668;SN;03437;Leipzig
Delitzsch;04509;SN;034202;Leipzig
Markkleeberg;04416;SN;0341;Leipzig
Halle (Saale);06108-06132;ST;0345;Stendal
Magdeburg;39104-39130;ST;0391;Stendal
Dessau-Roßlau;06842-06849;ST;0340;Stendal
Lutherstadt Wittenberg;06886;ST;03491;Stendal
Halberstadt;38820;ST;03941;Stendal
Stendal;39576;ST;03931;Stendal
Weißenfels;06667;ST;03443;Stendal
Bitterfeld-Wolfen;06749-06766;ST;03493;Stendal
Merseburg;06217;ST;03461;Stendal
Bernburg (Saale);06406;ST;03471;Stendal
Naumburg (Saale);06618;ST;03445;Stendal
Wernigerode;38855;ST;03943;Stendal
Quedlinburg;06484;ST;03946;Stendal
Kiel;24103-24159;SH;0431;Kiel
Lübeck;23552-23570;SH;0451;Lübeck
Flensburg;24937-24944;SH;0461;Flensburg
Neumünster;24534-24539;SH;04321;Kiel
Norderstedt;22844-22851;SH;040;Kiel
Elmshorn;25335-25337;SH;04121;Pinneberg
Pinneberg;25421;SH;04101;Pinneberg
Itzehoe;25524;SH;04821;Pinneberg
Wedel;22880;SH;04103;Pinneberg
Ahrensburg;22926;SH;04102;Lübeck
Rendsburg;24768;SH;04331;Kiel
Geesthacht;21502;SH;04152;Lübeck
Husum;25813;SH;04841;Flensburg
Bad Oldesloe;23843;SH;04531;Lübeck
Heide;25746;SH;0481;Pinneberg
Schleswig;24837;SH;04621;Flensburg
Erfurt;99084-99099;TH;0361;Jena
Jena;07743-07751;TH;03641;Jena
Gera;07545-07557;TH;0365;Jena
Weimar;99423-99428;TH;03643;Jena
Gotha;99867;TH;03621;Jena
Nordhausen;99734;TH;03631;Jena
Eisenach;99817;TH;03691;Jena
Suhl;98527-98529;TH;03681;Jena
Mühlhausen/Thüringen;99974;TH;03601;Jena
Altenburg;04600;TH;03447;Jena
Saalfeld/Saale;07318;TH;03671;Jena
Ilmenau;98693;TH;03677;Jena
Arnstadt;99310;TH;03628;Jena
Sonneberg;96515;TH;03675;Jena
"""

STATES = {
    "BW": "Baden-Württemberg", "BY": "Bayern", "BE": "Berlin", "BB": "Brandenburg", "HB": "Bremen",
    "HH": "Hamburg", "HE": "Hessen", "MV": "Mecklenburg-Vorpommern", "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen", "RP": "Rheinland-Pfalz", "SL": "Saarland", "SN": "Sachsen",
    "ST": "Sachsen-Anhalt", "SH": "Schleswig-Holstein", "TH": "Thüringen",
}  # fmt: skip


@dataclass(frozen=True)
class City:
    """A city with its own postcode blocks (inclusive), state, area code and register court."""

    name: str
    ranges: tuple[tuple[int, int], ...]
    state: str
    area_code: str
    court: str

    def contains(self, postcode: str) -> bool:
        """Whether ``postcode`` (five digits) is one of this city's postcodes."""
        if len(postcode) != 5 or not postcode.isdigit():
            return False
        value = int(postcode)
        return any(low <= value <= high for low, high in self.ranges)

    @property
    def size(self) -> int:
        """Number of postcodes, a rough stand-in for the city's weight."""
        return sum(high - low + 1 for low, high in self.ranges)


def _parse() -> tuple[City, ...]:
    cities = []
    for line in _TABLE.strip().splitlines():
        name, ranges, state, area, court = line.split(";")
        blocks = []
        for block in ranges.split(","):
            low, _, high = block.partition("-")
            blocks.append((int(low), int(high or low)))
        cities.append(City(name, tuple(blocks), state, area, court))
    return tuple(cities)


CITIES: tuple[City, ...] = _parse()
BY_NAME: dict[str, City] = {c.name: c for c in CITIES}


_POSTCODE_FORMATS = {
    "AT": lambda v: f"{v:04d}",
    "CH": lambda v: f"{v:04d}",
    "DK": lambda v: f"{v:04d}",
    "FR": lambda v: f"{v:05d}",
    "IT": lambda v: f"{v:05d}",
    "NL": lambda v: f"{v:04d} {chr(65 + v % 23)}{chr(66 + v % 19)}",
    "PL": lambda v: f"{v // 1000:02d}-{v % 1000:03d}",
    "CZ": lambda v: f"{v // 100:03d} {v % 100:02d}",
}


@dataclass(frozen=True)
class ForeignCity:
    """A city abroad, for the foreign subsidiaries of demo groups.

    ``low``/``high`` bound the postcode read as a number (all its digits), so "1011 AB"
    (Amsterdam) and "30-001" (Kraków) compare as 1011 and 30001.
    """

    name: str
    country: str
    low: int
    high: int
    phone_prefix: str  # international prefix with area code, e.g. "+43 1"
    vat_format: str  # str.format pattern taking a number, e.g. "ATU{:08d}"

    def postcode(self, value: int) -> str:
        return _POSTCODE_FORMATS[self.country](value)

    def contains(self, postcode: str) -> bool:
        digits = "".join(ch for ch in postcode if ch.isdigit())
        return bool(digits) and self.low <= int(digits) <= self.high


FOREIGN_CITIES: tuple[ForeignCity, ...] = (
    ForeignCity("Wien", "AT", 1010, 1230, "+43 1", "ATU{:08d}"),
    ForeignCity("Graz", "AT", 8010, 8055, "+43 316", "ATU{:08d}"),
    ForeignCity("Linz", "AT", 4020, 4040, "+43 732", "ATU{:08d}"),
    ForeignCity("Salzburg", "AT", 5020, 5026, "+43 662", "ATU{:08d}"),
    ForeignCity("Zürich", "CH", 8001, 8099, "+41 44", "CHE{:09d}"),
    ForeignCity("Basel", "CH", 4001, 4059, "+41 61", "CHE{:09d}"),
    ForeignCity("Bern", "CH", 3001, 3030, "+41 31", "CHE{:09d}"),
    ForeignCity("Paris", "FR", 75001, 75020, "+33 1", "FR{:011d}"),
    ForeignCity("Lyon", "FR", 69001, 69009, "+33 4", "FR{:011d}"),
    ForeignCity("Amsterdam", "NL", 1011, 1109, "+31 20", "NL{:09d}B01"),
    ForeignCity("Rotterdam", "NL", 3011, 3089, "+31 10", "NL{:09d}B01"),
    ForeignCity("Milano", "IT", 20121, 20162, "+39 02", "IT{:011d}"),
    ForeignCity("Kraków", "PL", 30001, 31999, "+48 12", "PL{:010d}"),
    ForeignCity("Praha", "CZ", 11000, 19900, "+420 2", "CZ{:08d}"),
    ForeignCity("København", "DK", 1050, 2450, "+45 3", "DK{:08d}"),
)
FOREIGN_BY_NAME: dict[str, ForeignCity] = {c.name: c for c in FOREIGN_CITIES}
