"""A small, fixed demo world for the screenshots and the browser tests, built through the actions
(``verbund demo`` generates large random data instead)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from verbund.activities.actions import do_create_activity
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship, do_end_relationship

PASSWORD = "pw-Verbund-2026"  # noqa: S105 - demo and test data only


@dataclass
class Demo:
    users: dict[str, User] = field(default_factory=dict)
    parties: dict[str, Party] = field(default_factory=dict)


def _user(name: str, role: str) -> User:
    user = User.objects.filter(username=name).first()
    if user is None:
        user = User.objects.create_user(username=name, password=PASSWORD, first_name=name.title())
    user.groups.add(Group.objects.get(name=role))
    return user


@transaction.atomic
def build_demo() -> Demo:
    demo = Demo()
    demo.users = {role: _user(role, role) for role in ("viewer", "editor", "steward", "admin")}
    actor = demo.users["admin"]

    def org(key: str, name: str, city: str, postcode: str, **extra: Any) -> Party:
        party = do_create_party(
            actor=actor, kind="organisation", name=name, city=city, postcode=postcode, **extra
        )
        demo.parties[key] = party
        return party

    def link(type_key: str, child: str, parent: str, **extra: Any) -> Any:
        return do_create_relationship(
            actor=actor,
            type=type_key,
            from_party=demo.parties[child],
            to_party=demo.parties[parent],
            **extra,
        )

    org(
        "holding",
        "Müller Holding AG",
        "Köln",
        "50667",
        street="Hohenzollernring 12",
        legal_form="AG",
        vat_id="DE123456789",
        phone="+49 221 123450",
        email="info@mueller-holding.example",
        status="customer",
    )
    org(
        "handel",
        "Müller Handel GmbH",
        "München",
        "80331",
        street="Sendlinger Str. 5",
        legal_form="GmbH",
        vat_id="DE234567891",
        phone="+49 89 445566",
        status="customer",
    )
    org(
        "logistik",
        "Müller Logistik GmbH",
        "Hamburg",
        "20457",
        street="Am Sandtorkai 40",
        legal_form="GmbH",
    )
    org(
        "immo",
        "Müller Immobilien GmbH",
        "Köln",
        "50672",
        street="Friesenplatz 3",
        legal_form="GmbH",
        status="partner",
    )
    org("sued", "Müller Handel Süd GmbH", "Augsburg", "86150", street="Maximilianstr. 20")
    org("nord", "Müller Handel Nord GmbH", "Hannover", "30159", street="Georgstr. 11")
    org("ost", "Müller Handel Ost GmbH", "Leipzig", "04109", street="Grimmaische Str. 2")
    org(
        "verband",
        "EK Einkaufsverband Süd eG",
        "Nürnberg",
        "90402",
        street="Königstr. 8",
        legal_form="eG",
        status="partner",
    )
    org("frisch", "Frischmarkt Zentrale GmbH", "Bielefeld", "33602", street="Niedernstr. 1")
    org("frisch1", "Frischmarkt Filiale Gütersloh", "Gütersloh", "33330")
    org("frisch2", "Frischmarkt Filiale Herford", "Herford", "32052")
    org("lieferant", "Schäfer Verpackungen KG", "Dortmund", "44135", status="supplier")
    org("alt", "Meier Handelsgesellschaft mbH", "Stuttgart", "70173", status="former_customer")
    for key, first, last, position, at in (
        ("erika", "Erika", "Mustermann", "Einkaufsleiterin", "handel"),
        ("hans", "Hans", "Schmidt", "Geschäftsführer", "handel"),
        ("jana", "Jana", "Becker", "Vorstand Finanzen", "holding"),
    ):
        demo.parties[key] = do_create_party(
            actor=actor, kind="person", first_name=first, last_name=last, position=position,
            organisation=demo.parties[at], email=f"{first.lower()}.{last.lower()}@example.com",
        )  # fmt: skip
    link("group", "handel", "holding", share="100", valid_from=dt.date(2015, 1, 1))
    link("group", "logistik", "holding", share="75", valid_from=dt.date(2018, 7, 1))
    link("group", "immo", "holding", share="51", valid_from=dt.date(2012, 3, 1))
    link("group", "sued", "handel", share="100", valid_from=dt.date(2019, 1, 1))
    link("group", "nord", "handel", share="100", valid_from=dt.date(2020, 1, 1))
    link("group", "ost", "handel", share="60", valid_from=dt.date(2021, 4, 1))
    link("settlement", "handel", "verband", valid_from=dt.date(2016, 1, 1))
    link("settlement", "sued", "verband", valid_from=dt.date(2019, 1, 1))
    link("chain", "frisch1", "frisch")
    link("chain", "frisch2", "frisch")
    link(
        "supplier",
        "lieferant",
        "handel",
        valid_from=dt.date(2017, 5, 1),
        source="erp",
        external_ref="K-4711",
    )
    old = link("group", "alt", "holding", share="100", valid_from=dt.date(2010, 1, 1))
    do_end_relationship(old, actor=actor, valid_to=dt.date(2019, 12, 31))
    do_create_relationship(
        actor=actor,
        type="contact",
        from_party=demo.parties["erika"],
        to_party=demo.parties["handel"],
    )
    do_create_relationship(
        actor=actor,
        type="sister",
        from_party=demo.parties["logistik"],
        to_party=demo.parties["immo"],
    )
    now = timezone.now()
    editor = demo.users["editor"]
    for days, kind, subject, text in (
        (
            2,
            "call",
            "Rückruf wegen Rahmenvertrag 2027",
            "Frau Mustermann wünscht ein Angebot für die Filialen Süd und Nord bis Monatsende.",
        ),
        (
            9,
            "visit",
            "Jahresgespräch in München",
            "Umsatzziele besprochen; Konzernkonditionen gelten ab Januar auch für Müller Handel Ost.",
        ),
        (16, "mail", "Konditionenliste versandt", ""),
        (
            40,
            "note",
            "Zentralregulierung über EK Süd bestätigt",
            "Rechnungen an die Töchter laufen ab sofort über den Verband.",
        ),
    ):
        do_create_activity(
            actor=editor,
            party=demo.parties["handel"],
            kind=kind,
            subject=subject,
            text=text,
            happened_at=now - dt.timedelta(days=days),
        )
    _demo_revenue(demo, actor)
    return demo


def _demo_revenue(demo: Demo, actor: User) -> None:
    """Some monthly revenue this year, where the revenue module is installed."""
    try:
        from verbund.revenue.actions import do_record_revenue
    except ImportError:  # pragma: no cover - the revenue module is optional
        return
    today = timezone.localdate()
    yearly = {
        "holding": 0,
        "handel": 1_840_000,
        "sued": 920_000,
        "nord": 610_000,
        "ost": 275_000,
        "logistik": 1_150_000,
        "immo": 96_000,
        "frisch1": 310_000,
        "frisch2": 280_000,
    }
    for key, amount in yearly.items():
        if not amount:
            continue
        for month in range(1, today.month + 1):
            do_record_revenue(
                actor=actor,
                party=demo.parties[key],
                month=dt.date(today.year, month, 1),
                amount=round(amount / 12, 2),
            )
