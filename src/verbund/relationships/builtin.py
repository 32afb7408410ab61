"""The relationship types Verbund ships with. Editable; not deletable while in use.

Hierarchy types read child -> parent: "from_party <forward label> to_party".
"""

BUILTIN_TYPES = [
    {
        "key": "group", "order": 10, "colour": "#1f4e79", "structure": "hierarchy",
        "name_de": "Konzern", "name_en": "Corporate group",
        "label_forward_de": "ist Tochtergesellschaft von", "label_forward_en": "is a subsidiary of",
        "label_inverse_de": "ist Muttergesellschaft von", "label_inverse_en": "is the parent company of",
        "from_kind": "organisation", "to_kind": "organisation", "rolls_up_revenue": True, "carries_share": True,
    },
    {
        "key": "sister", "order": 20, "colour": "#5b9bd5", "structure": "network", "symmetric": True,
        "name_de": "Schwestergesellschaft", "name_en": "Sister company",
        "label_forward_de": "ist Schwestergesellschaft von", "label_forward_en": "is a sister company of",
        "label_inverse_de": "", "label_inverse_en": "",
        "from_kind": "organisation", "to_kind": "organisation",
    },
    {
        "key": "chain", "order": 30, "colour": "#2e7d32", "structure": "hierarchy",
        "name_de": "Kette", "name_en": "Chain",
        "label_forward_de": "ist Filiale von", "label_forward_en": "is a branch of",
        "label_inverse_de": "ist Zentrale von", "label_inverse_en": "is the head office of",
        "from_kind": "organisation", "to_kind": "organisation", "rolls_up_revenue": True,
    },
    {
        "key": "settlement", "order": 40, "colour": "#b8860b", "structure": "hierarchy",
        "name_de": "Zentralregulierung", "name_en": "Central settlement",
        "label_forward_de": "wird zentralreguliert über", "label_forward_en": "is settled centrally through",
        "label_inverse_de": "reguliert zentral für", "label_inverse_en": "settles centrally for",
        "from_kind": "organisation", "to_kind": "organisation", "rolls_up_revenue": True,
    },
    {
        "key": "supplier", "order": 50, "colour": "#8e44ad", "structure": "network",
        "name_de": "Lieferant / Kunde", "name_en": "Supplier / customer",
        "label_forward_de": "ist Lieferant von", "label_forward_en": "is a supplier of",
        "label_inverse_de": "ist Kunde von", "label_inverse_en": "is a customer of",
        "from_kind": "organisation", "to_kind": "any",
    },
    {
        "key": "consultant", "order": 60, "colour": "#c0392b", "structure": "network",
        "name_de": "Berater / Mandant", "name_en": "Consultant / client",
        "label_forward_de": "berät", "label_forward_en": "is a consultant of",
        "label_inverse_de": "wird beraten von", "label_inverse_en": "is a client of",
        "from_kind": "any", "to_kind": "any",
    },
    {
        "key": "contact", "order": 70, "colour": "#7f8c8d", "structure": "network",
        "name_de": "Ansprechpartner", "name_en": "Contact",
        "label_forward_de": "ist Ansprechpartner bei", "label_forward_en": "is a contact at",
        "label_inverse_de": "hat Ansprechpartner", "label_inverse_en": "has contact",
        "from_kind": "person", "to_kind": "organisation",
    },
]  # fmt: skip
