"""CSV and XLSX exports of a selection's parties, every cell through ``core.exports``."""

from collections.abc import Iterator
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from verbund.core import exports
from verbund.core.bulk import chunks
from verbund.core.formatting import user_name
from verbund.parties.models import Party, Tag

CSV_CHUNK = exports.CSV_CHUNK
FIELDS = (
    "number",
    "name",
    "name2",
    "street",
    "postcode",
    "city",
    "country",
    "status",
    "vat_id",
    "phone",
    "email",
    "erp_source",
    "erp_id",
)


def header() -> list[str]:
    fields = [str(getattr(Party._meta.get_field(name), "verbose_name", name)) for name in FIELDS]
    return [*fields, _("Responsible"), _("Tags")]


def rows(parties: QuerySet[Party]) -> Iterator[tuple[Any, ...]]:
    """The parties by name, as rows in ``FIELDS`` order, the status in words, then the
    responsible user's name and the tags (comma-separated), read once per chunk of rows."""
    status = Party._meta.get_field("status")
    labels = dict(status.choices or [])
    at = FIELDS.index("status")
    users = {u.pk: user_name(u) for u in get_user_model().objects.all()}
    names = dict(Tag.objects.values_list("pk", "name"))
    through = Party.tags.through
    read = parties.order_by("name", "id").values_list("pk", "responsible_id", *FIELDS)
    for chunk in chunks(read.iterator(chunk_size=CSV_CHUNK), CSV_CHUNK):
        tags: dict[int, list[str]] = {}
        pairs = through.objects.filter(party_id__in=[r[0] for r in chunk]).values_list(
            "party_id", "tag_id"
        )
        for pk, tag in pairs:
            if tag in names:  # not a tag created while the export streams
                tags.setdefault(pk, []).append(names[tag])
        for pk, responsible, *values in chunk:
            values[at] = str(labels.get(values[at], values[at]))
            values += [users.get(responsible, ""), ", ".join(sorted(tags.get(pk, [])))]
            yield tuple("" if v is None else v for v in values)


def csv_pieces(parties: QuerySet[Party]) -> Iterator[str]:
    """The CSV people open in Excel, streamed (``core.exports.csv_pieces``)."""
    return exports.csv_pieces(header(), rows(parties), chunk=CSV_CHUNK)


def xlsx_file(parties: QuerySet[Party], sheet: str) -> IO[bytes]:
    """The workbook in a temporary file (``core.exports.xlsx_file``), rewound."""
    return exports.xlsx_file(sheet or _("Selection"), header(), rows(parties))
