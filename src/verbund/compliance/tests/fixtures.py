"""Small list files in every supported format, written from the official layouts."""

from typing import Any

OFAC_SDN = b"""36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r
306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. 'BNC'."\r
2674,"ABBAS, Abu","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 10 Dec 1948; nationality Iraq."\r
9001,"NORDSTERN TRADING LLC",-0- ,"IRAN",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Legal Entity Number 5299001ABCDEFGHIJ123; IMO 9187629."\r
\x1a"""
OFAC_ALT = b"""306,220,"aka","NATIONAL BANK OF CUBA",-0- \r
2674,221,"aka","ZAYDAN, Muhammad",-0- \r
"""
OFAC_ADD = b"""36,25,-0- ,"Havana",-0- ,-0- \r
9001,26,-0- ,"Tehran","Iran",-0- \r
"""
# The next version: 36 removed, 306 changed (new alias), 7777 added.
OFAC_SDN_V2 = b"""306,"BANCO NACIONAL DE CUBA",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"a.k.a. 'BNC'; a.k.a. 'BANCO CUBA'."\r
2674,"ABBAS, Abu","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 10 Dec 1948; nationality Iraq."\r
9001,"NORDSTERN TRADING LLC",-0- ,"IRAN",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Legal Entity Number 5299001ABCDEFGHIJ123; IMO 9187629."\r
7777,"KRASNY OKTYABR OOO",-0- ,"RUSSIA-EO14024",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r
"""

OFAC_XML = b"""<?xml version="1.0" standalone="yes"?>
<sdnList xmlns="http://tempuri.org/sdnList.xsd">
  <publshInformation><Publish_Date>04/06/2018</Publish_Date><Record_Count>2</Record_Count></publshInformation>
  <sdnEntry><uid>4632</uid><lastName>BANK MARKAZI JOMHOURI ISLAMI IRAN</lastName><sdnType>Entity</sdnType>
    <programList><program>IRAN</program></programList>
    <akaList><aka><uid>1</uid><type>a.k.a.</type><category>strong</category><lastName>CENTRAL BANK OF IRAN</lastName></aka>
      <aka><uid>2</uid><type>a.k.a.</type><category>weak</category><lastName>CBI</lastName></aka></akaList>
    <addressList><address><uid>3</uid><city>Tehran</city><country>Iran</country></address></addressList>
  </sdnEntry>
  <sdnEntry><uid>7000</uid><firstName>Ivan Petrovich</firstName><lastName>SIDOROV</lastName><sdnType>Individual</sdnType>
    <programList><program>UKRAINE-EO13662</program></programList>
    <dateOfBirthList><dateOfBirthItem><uid>5</uid><dateOfBirth>12 Jan 1960</dateOfBirth><mainEntry>true</mainEntry></dateOfBirthItem></dateOfBirthList>
    <nationalityList><nationality><uid>6</uid><country>Russia</country><mainEntry>true</mainEntry></nationality></nationalityList>
  </sdnEntry>
</sdnList>"""

UN_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://www.un.org/sc/resources/sc-sanctions.xsd" dateGenerated="2020-11-24T20:23:07.617-05:00">
<INDIVIDUALS>
<INDIVIDUAL><DATAID>6908555</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME> RI </FIRST_NAME><SECOND_NAME>WON HO</SECOND_NAME><THIRD_NAME/><UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPi.033</REFERENCE_NUMBER><LISTED_ON>2016-11-30</LISTED_ON><COMMENTS1/><NATIONALITY><VALUE>Democratic People's Republic of Korea</VALUE></NATIONALITY><LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE><INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>Ri Won-ho</ALIAS_NAME></INDIVIDUAL_ALIAS><INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1964-07-17</DATE></INDIVIDUAL_DATE_OF_BIRTH><INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER> 381310014</NUMBER></INDIVIDUAL_DOCUMENT></INDIVIDUAL>
</INDIVIDUALS>
<ENTITIES>
<ENTITY><DATAID>110403</DATAID><VERSIONNUM>1</VERSIONNUM><FIRST_NAME>7TH OF TIR</FIRST_NAME><UN_LIST_TYPE>Iran</UN_LIST_TYPE><REFERENCE_NUMBER>IRe.001</REFERENCE_NUMBER><LISTED_ON>2006-12-23</LISTED_ON><COMMENTS1/><LIST_TYPE><VALUE>UN List</VALUE></LIST_TYPE><ENTITY_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Seventh of Tir</ALIAS_NAME></ENTITY_ALIAS><ENTITY_ADDRESS><COUNTRY>Iran</COUNTRY></ENTITY_ADDRESS></ENTITY>
</ENTITIES>
</CONSOLIDATED_LIST>"""

EU_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2024-05-03T10:00:00.000+02:00" globalFileId="1">
  <sanctionEntity designationDetails="" unitedNationId="" euReferenceNumber="EU.27.28" logicalId="13">
    <regulation regulationType="amendment" programme="IRQ" logicalId="1"/>
    <subjectType code="person" classificationCode="P"/>
    <nameAlias firstName="Saddam" middleName="" lastName="Hussein Al-Tikriti" wholeName="Saddam Hussein Al-Tikriti" function="" gender="M" title="" nameLanguage="" strong="true" regulationLanguage="en" logicalId="17"/>
    <nameAlias firstName="" middleName="" lastName="" wholeName="Abu Ali" strong="false" regulationLanguage="en" logicalId="18"/>
    <citizenship region="" countryIso2Code="IQ" countryDescription="IRAQ" regulationLanguage="en" logicalId="19"/>
    <birthdate circa="false" calendarType="GREGORIAN" city="al-Awja" zipCode="" birthdate="1937-04-28" dayOfMonth="28" monthOfYear="4" year="1937" region="" place="" countryIso2Code="IQ" countryDescription="IRAQ" regulationLanguage="en" logicalId="20"/>
  </sanctionEntity>
  <sanctionEntity designationDetails="" unitedNationId="" euReferenceNumber="EU.1.1" logicalId="900">
    <regulation regulationType="amendment" programme="RUS" logicalId="2"/>
    <subjectType code="enterprise" classificationCode="E"/>
    <nameAlias wholeName="Joint Stock Company Sovfracht" strong="true" logicalId="901"/>
    <identification diplomatic="false" knownExpired="false" knownFalse="false" reportedLost="false" revokedByIssuer="false" issuedBy="" latinNumber="" nameOnDocument="" number="1027739024730" region="" countryIso2Code="RU" identificationTypeCode="regnumber" logicalId="902"/>
    <address city="Moscow" street="" poBox="" zipCode="" region="" place="" asAtListingTime="false" countryIso2Code="RU" countryDescription="RUSSIA" logicalId="903"/>
  </sanctionEntity>
</export>"""

EU_CSV = (
    "fileGenerationDate;Entity_LogicalId;Entity_EU_ReferenceNumber;Entity_SubjectType;Entity_SubjectType_ClassificationCode;"
    "Entity_Regulation_Programme;NameAlias_LastName;NameAlias_FirstName;NameAlias_MiddleName;NameAlias_WholeName;"
    "NameAlias_Strong;Citizenship_CountryIso2Code;BirthDate_BirthDate;BirthDate_Year;Identification_Number;Identification_TypeCode;Address_CountryIso2Code\n"
    "03/05/2024;13;EU.27.28;person;P;IRQ;Hussein Al-Tikriti;Saddam;;Saddam Hussein Al-Tikriti;true;IQ;1937-04-28;1937;;;\n"
    "03/05/2024;13;EU.27.28;person;P;IRQ;;;;Abu Ali;false;IQ;1937-04-28;1937;;;\n"
    "03/05/2024;900;EU.1.1;enterprise;E;RUS;;;;Joint Stock Company Sovfracht;true;;;;1027739024730;regnumber;RU\n"
).encode("utf-8-sig")

UK_XML = b"""<?xml version="1.0" encoding="utf-8"?>
<Designations xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <DateGenerated>2024-05-03</DateGenerated>
  <Designation>
    <LastUpdated>01/02/2024</LastUpdated><DateDesignated>15/03/2022</DateDesignated><UniqueID>RUS0001</UniqueID>
    <RegimeName>Russia</RegimeName><IndividualEntityShip>Individual</IndividualEntityShip>
    <Names><Name><Name1>Oleg</Name1><Name2>Valentinovich</Name2><Name6>DERIPASKA</Name6><NameType>Primary Name</NameType></Name>
      <Name><Name1>Oleg</Name1><Name6>DERIPASKO</Name6><NameType>Alias</NameType><AliasStrength>Weak</AliasStrength></Name></Names>
    <NonLatinNames><NonLatinName><NameNonLatinScript>&#1054;&#1083;&#1077;&#1075; &#1044;&#1077;&#1088;&#1080;&#1087;&#1072;&#1089;&#1082;&#1072;</NameNonLatinScript></NonLatinName></NonLatinNames>
    <Addresses><Address><AddressLine1>Moscow</AddressLine1><AddressCountry>Russia</AddressCountry></Address></Addresses>
    <IndividualDetails><Individual><DOBs><DOB>02/01/1968</DOB></DOBs><Nationalities><Nationality>Russia</Nationality></Nationalities></Individual></IndividualDetails>
  </Designation>
  <Designation>
    <UniqueID>RUS0002</UniqueID><RegimeName>Russia</RegimeName><IndividualEntityShip>Ship</IndividualEntityShip>
    <Names><Name><Name6>SPARTA IV</Name6><NameType>Primary Name</NameType></Name></Names>
    <ShipDetails><Ship><IMONumbers><IMONumber>9743033</IMONumber></IMONumbers></Ship></ShipDetails>
  </Designation>
</Designations>"""

UK_CSV = (
    b"Report Date: 03-May-2024\n"
    b"Last Updated,Unique ID,OFSI Group ID,UN Reference Number,Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Name type,Alias strength,"
    b"Title,Name non-latin script,Regime Name,Designation Type,D.O.B,Nationality(/ies),Address Country,IMO number\n"
    b"01/02/2024,RUS0001,14196,,DERIPASKA,Oleg,Valentinovich,,,,Primary Name,,,,Russia,Individual,02/01/1968,Russia,Russia,\n"
    b"01/02/2024,RUS0001,14196,,DERIPASKO,Oleg,,,,,Alias,Weak,,,Russia,Individual,02/01/1968,Russia,Russia,\n"
    b"01/02/2024,RUS0002,15000,,SPARTA IV,,,,,,Primary Name,,,,Russia,Ship,,,,9743033\n"
)

FTM = b"""{"id": "NK-abc", "schema": "Person", "properties": {"name": ["Viktor Fyodorovich Yanukovych"], "alias": ["Wiktor Janukowytsch"], "weakAlias": ["Viktor Y"], "birthDate": ["1950-07-09"], "nationality": ["ua"], "country": ["ua"]}, "datasets": ["eu_fsf"]}
{"id": "NK-def", "schema": "Company", "properties": {"name": ["Rosneft Oil Company"], "leiCode": ["253400JT3MQWNDKMJE44"], "jurisdiction": ["ru"]}, "datasets": ["us_ofac_sdn"]}
{"id": "NK-san", "schema": "Sanction", "properties": {"entity": ["NK-abc"]}}
"""

OPENSANCTIONS_CSV = b"""id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,emails,program_ids,dataset,first_seen,last_seen,last_change
NK-abc,Person,Viktor Fyodorovich Yanukovych,Wiktor Janukowytsch;Viktor Yanukovich,1950-07-09,ua,,,EU,,,,EU Financial Sanctions,2021-01-01,2024-05-03,2024-01-01
NK-def,Company,Rosneft Oil Company,Rosneft,,ru,,253400JT3MQWNDKMJE44,OFAC,,,,US OFAC SDN,2021-01-01,2024-05-03,2024-01-01
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol4;</FIRST_NAME><REFERENCE_NUMBER>X</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&xxe;</FIRST_NAME><REFERENCE_NUMBER>X</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"""


# Other list names beside those a matching test is about, so that word weights are not those of
# a list of one name.
FILLER = [
    ("person", "Ivan Petrovich SIDOROV"),
    ("person", "Mohammed Ali HASSAN"),
    ("person", "Juan MOROS"),
    ("organisation", "Orient Trading Company LLC"),
    ("organisation", "Global Shipping Limited"),
]


def persons_index(*names: str, countries: frozenset[str] = frozenset()) -> Any:
    """An index of the given listed persons (each with ``countries``) among ``FILLER``."""
    from verbund.compliance.matching import EntryRecord, Index

    recs = []
    for i, (schema, name) in enumerate([*(("person", n) for n in names), *FILLER]):
        rec = EntryRecord(
            list_id=1, entry_id=i, external_id=str(i), content_hash="h", schema=schema,
            name=name, countries=countries, birth_dates=(), identifiers=(),
        )  # fmt: skip
        recs.append((rec, [{"name": name, "weak": False}]))
    return Index(recs)


def foreign_persons_index(*names: str) -> Any:
    """``persons_index`` with every listed person of a country of their own: a German party
    then loses 0.1, as a rare given name in so small an index outweighs what the real lists
    give it."""
    return persons_index(*names, countries=frozenset(["sy"]))


def person_hits(
    index: Any, name: str, given: str = "", family: str = "", country: str = "de"
) -> list[str]:
    """The listed names a person of ``country`` called ``name`` hits at the default 0.70."""
    from verbund.compliance.matching import Query

    query = Query(kind="person", names=[name], given=given, family=family, country=country)
    return [m.entry.name for m in index.screen(query, 0.70)]
