"""Country names as sanctions lists write them, mapped to ISO 3166-1 alpha-2 codes.

Lists name countries in prose ("Democratic People's Republic of Korea", "Iran"); parties
carry ISO codes. Unknown names are dropped: a missing qualifier never counts against a match.
"""

from verbund.core.countries import ISO_COUNTRIES
from verbund.core.text import fold

_NAMES: dict[str, str] = {
    "afghanistan": "AF", "albania": "AL", "algeria": "DZ", "angola": "AO", "argentina": "AR", "armenia": "AM",
    "australia": "AU", "austria": "AT", "azerbaijan": "AZ", "bahrain": "BH", "bangladesh": "BD", "belarus": "BY",
    "belgium": "BE", "belize": "BZ", "bolivia": "BO", "bosnia and herzegovina": "BA", "brazil": "BR",
    "bulgaria": "BG", "burma": "MM", "myanmar": "MM", "burundi": "BI", "cambodia": "KH", "cameroon": "CM",
    "canada": "CA", "central african republic": "CF", "chad": "TD", "chile": "CL", "china": "CN",
    "colombia": "CO", "comoros": "KM", "congo": "CG", "democratic republic of the congo": "CD",
    "congo democratic republic of the": "CD", "costa rica": "CR", "cote d ivoire": "CI", "croatia": "HR",
    "cuba": "CU", "cyprus": "CY", "czech republic": "CZ", "czechia": "CZ", "denmark": "DK", "djibouti": "DJ",
    "dominican republic": "DO", "ecuador": "EC", "egypt": "EG", "el salvador": "SV", "eritrea": "ER",
    "estonia": "EE", "ethiopia": "ET", "finland": "FI", "france": "FR", "georgia": "GE", "germany": "DE",
    "ghana": "GH", "greece": "GR", "guatemala": "GT", "guinea": "GN", "guinea bissau": "GW", "haiti": "HT",
    "honduras": "HN", "hong kong": "HK", "hungary": "HU", "india": "IN", "indonesia": "ID", "iran": "IR",
    "iran islamic republic of": "IR", "iraq": "IQ", "ireland": "IE", "israel": "IL", "italy": "IT",
    "jamaica": "JM", "japan": "JP", "jordan": "JO", "kazakhstan": "KZ", "kenya": "KE", "kosovo": "XK",
    "kuwait": "KW", "kyrgyzstan": "KG", "laos": "LA", "latvia": "LV", "lebanon": "LB", "liberia": "LR",
    "libya": "LY", "liechtenstein": "LI", "lithuania": "LT", "luxembourg": "LU", "malaysia": "MY",
    "maldives": "MV", "mali": "ML", "malta": "MT", "mauritania": "MR", "mexico": "MX", "moldova": "MD",
    "monaco": "MC", "mongolia": "MN", "montenegro": "ME", "morocco": "MA", "mozambique": "MZ",
    "netherlands": "NL", "new zealand": "NZ", "nicaragua": "NI", "niger": "NE", "nigeria": "NG",
    "north korea": "KP", "korea north": "KP", "democratic people s republic of korea": "KP",
    "korea democratic people s republic of": "KP", "north macedonia": "MK", "norway": "NO", "oman": "OM",
    "pakistan": "PK", "palestinian": "PS", "west bank": "PS", "gaza": "PS", "panama": "PA", "paraguay": "PY",
    "peru": "PE", "philippines": "PH", "poland": "PL", "portugal": "PT", "qatar": "QA", "romania": "RO",
    "russia": "RU", "russian federation": "RU", "rwanda": "RW", "saudi arabia": "SA", "senegal": "SN",
    "serbia": "RS", "seychelles": "SC", "sierra leone": "SL", "singapore": "SG", "slovakia": "SK",
    "slovenia": "SI", "somalia": "SO", "south africa": "ZA", "south korea": "KR", "korea south": "KR",
    "republic of korea": "KR", "south sudan": "SS", "spain": "ES", "sri lanka": "LK", "sudan": "SD",
    "sweden": "SE", "switzerland": "CH", "syria": "SY", "syrian arab republic": "SY", "taiwan": "TW",
    "tajikistan": "TJ", "tanzania": "TZ", "thailand": "TH", "tunisia": "TN", "turkey": "TR", "turkiye": "TR",
    "turkmenistan": "TM", "uganda": "UG", "ukraine": "UA", "united arab emirates": "AE", "uae": "AE",
    "united kingdom": "GB", "united kingdom of great britain and northern ireland": "GB", "uk": "GB",
    "united states": "US", "united states of america": "US", "usa": "US", "uruguay": "UY",
    "uzbekistan": "UZ", "venezuela": "VE", "vietnam": "VN", "viet nam": "VN", "yemen": "YE", "zambia": "ZM",
    "zimbabwe": "ZW", "crimea": "UA", "marshall islands": "MH", "liberia republic of": "LR",
    "british virgin islands": "VG", "virgin islands british": "VG", "cayman islands": "KY", "gibraltar": "GI",
    "isle of man": "IM", "jersey": "JE", "guernsey": "GG", "cyprus republic of": "CY", "bahamas": "BS",
    "barbados": "BB", "bermuda": "BM", "belarus republic of": "BY", "iranian": "IR", "syrian": "SY",
    "russian": "RU", "iraqi": "IQ", "afghan": "AF", "pakistani": "PK", "saudi": "SA", "yemeni": "YE",
    "libyan": "LY", "sudanese": "SD", "somali": "SO", "cuban": "CU", "venezuelan": "VE", "lebanese": "LB",
    "egyptian": "EG", "jordanian": "JO", "kuwaiti": "KW", "chinese": "CN", "ukrainian": "UA", "german": "DE",
    "turkish": "TR", "british": "GB", "american": "US", "korean": "KP", "north korean": "KP",
}  # fmt: skip


def to_iso(value: str) -> str:
    """The ISO alpha-2 code for a country name or code; "" when unknown."""
    if not value:
        return ""
    raw = value.strip()
    if len(raw) == 2 and raw.upper() in ISO_COUNTRIES:
        return raw.upper()
    key = fold(raw)
    if key in _NAMES:
        return _NAMES[key]
    # "Tehran, Iran" or "Iran (Islamic Republic of)": try the last comma part and the head.
    for part in (key.split(" ")[-1], fold(raw.split(",")[-1]), fold(raw.split("(")[0])):
        if part in _NAMES:
            return _NAMES[part]
    return ""


def to_iso_list(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        code = to_iso(v)
        if code and code not in out:
            out.append(code)
    return out
