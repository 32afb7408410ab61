"""CSV and XLSX exports of a selection's parties, every cell through ``core.exports``."""

from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from verbund.core import exports
from verbund.parties.models import Party

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
    return [str(getattr(Party._meta.get_field(name), "verbose_name", name)) for name in FIELDS]


def rows(parties: QuerySet[Party]) -> Iterator[tuple[Any, ...]]:
    """The parties by name, as rows in ``FIELDS`` order, the status in words."""
    status = Party._meta.get_field("status")
    labels = dict(status.choices or [])
    at = FIELDS.index("status")
    for row in parties.order_by("name", "id").values_list(*FIELDS).iterator(chunk_size=CSV_CHUNK):
        out = list(row)
        out[at] = str(labels.get(out[at], out[at]))
        yield tuple("" if v is None else v for v in out)


def csv_pieces(parties: QuerySet[Party]) -> Iterator[str]:
    """The CSV people open in Excel, streamed (``core.exports.csv_pieces``)."""
    return exports.csv_pieces(header(), rows(parties), chunk=CSV_CHUNK)


def xlsx_file(parties: QuerySet[Party], sheet: str) -> IO[bytes]:
    """The workbook in a temporary file (``core.exports.xlsx_file``), rewound."""
    return exports.xlsx_file(sheet or _("Selection"), header(), rows(parties))
