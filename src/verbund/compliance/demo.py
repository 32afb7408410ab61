"""A sample list for demo databases (``verbund demo --sample-list``, which ``make run`` uses): so
that a fresh demo shows the compliance pages at work, a hit to review on the start page and in
the hit list, without any official list file on the machine.

The list is fictional and says so in its name and in every entry's remarks: two foreign
companies that no sanctions list names, in the official OFAC CSV layout, and two suppliers of
the demo's first organisation whose names a screening matches to them (written as a CRM holds
them, so the hit shows its reasons). Everything is made through the domains' actions, with
their audit records; the suppliers are screened as any new party is, when they are created.
"""

import datetime as dt
from typing import Any, TextIO

from django.utils.translation import gettext as _

from verbund.compliance.actions import do_import_list
from verbund.compliance.models import Hit, SanctionsList
from verbund.parties.actions import do_create_party
from verbund.parties.models import Party
from verbund.relationships.actions import do_create_relationship

LIST_KEY = "demo"
# A list's name is data, shown as it is in every language.
LIST_NAME = "Demoliste (fiktiv)"
SDN_CSV = (
    b'90001,"ORION MARITIME TRADING FZE",-0- ,"DEMO",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
    b"\"Fiktiver Eintrag der Verbund-Demo, keine echte Sanktion; a.k.a. 'ORION MARITIME'.\"\r\n"
    b'90002,"ALTAIR METALS TRADING LLC",-0- ,"DEMO",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
    b'"Fiktiver Eintrag der Verbund-Demo, keine echte Sanktion."\r\n'
)
ADD_CSV = (
    b'90001,1,"Jebel Ali Free Zone","Dubai","United Arab Emirates",-0- \r\n'
    b'90002,2,-0- ,"Almaty","Kazakhstan",-0- \r\n'
)
SUPPLIERS: list[dict[str, Any]] = [
    {
        "kind": "organisation", "name": "Orion Maritime Trading FZE", "city": "Dubai",
        "country": "AE", "street": "Jebel Ali Free Zone, Gate 5", "status": "supplier",
    },
    {
        "kind": "organisation", "name": "Altair Metal Trading LLP", "city": "Almaty",
        "country": "KZ", "street": "Abai Ave 52", "status": "supplier",
    },
]  # fmt: skip


def sample_data(*, actor: Any, stdout: TextIO) -> None:
    """Load the sample list and its suppliers once (a database that has the list is left as it
    is); the ``verbund demo`` hook."""
    if SanctionsList.objects.filter(key=LIST_KEY).exists():
        return
    customer = (
        Party.objects.filter(kind="organisation", merged_into__isnull=True, archived=False)
        .order_by("id")
        .first()
    )
    do_import_list(
        "ofac-csv",
        [("sdn.csv", SDN_CSV), ("add.csv", ADD_CSV)],
        actor=actor,
        list_key=LIST_KEY,
        list_name=LIST_NAME,
        rescreen=False,
    )
    suppliers = [do_create_party(actor=actor, **row) for row in SUPPLIERS]
    if customer is not None:
        for supplier in suppliers:
            do_create_relationship(
                actor=actor, type="supplier", from_party=supplier, to_party=customer,
                valid_from=dt.date.today() - dt.timedelta(days=400),
            )  # fmt: skip
    hits = Hit.objects.filter(party__in=suppliers).count()
    stdout.write(
        _("Sample list %(name)s loaded: %(hits)s hits on %(parties)s demo suppliers to review.")
        % {"name": LIST_NAME, "hits": hits, "parties": len(suppliers)}
        + "\n"
    )
