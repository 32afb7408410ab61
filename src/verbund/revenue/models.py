"""Revenue per party per month, currency rates, optional invoice lines and yearly pre-aggregates.

Amounts are stored as integer EUR cents so that sums are exact on SQLite and PostgreSQL alike.
Group, chain and association totals are never stored: they join today's closure table (or the
dated relationships) with the per-party figures at query time, so moving a subtree needs no
aggregate upkeep. See docs/decisions/0003-revenue-aggregates.md.
"""

from django.db import models
from django.db.models import Q
from django.utils.dates import MONTHS
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class RevenueSource(models.TextChoices):
    MANUAL = "manual", _("Manual")
    ERP = "erp", _("ERP")
    IMPORT = "import", _("Import")
    INVOICE_LINES = "lines", _("Invoice lines")
    DEMO = "demo", _("Demo data")


class CurrencyRate(models.Model):
    """The monthly rate of one currency, ECB style: units of ``currency`` per one euro.

    Contract: one rate per (currency, month); ``month`` is the first day of the month; an
    amount converts as ``amount / per_eur`` rounded half-up to the cent. EUR needs no rate.
    """

    currency = models.CharField(_("currency"), max_length=3)
    month = models.DateField(_("month"))
    per_eur = models.DecimalField(_("units per euro"), max_digits=18, decimal_places=8)

    class Meta:
        verbose_name = _("currency rate")
        verbose_name_plural = _("currency rates")
        ordering = ["currency", "month"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "month"], name="revenue_rate_unique"),
            models.CheckConstraint(condition=Q(per_eur__gt=0), name="revenue_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.month:%Y-%m} {self.per_eur}"


class RevenueMonth(models.Model):
    """One party's revenue in one month from one source.

    Contract: ``party`` is the customer (ship-to / delivery address); ``settled_by`` is the
    settling party named on the invoices, where the ERP sent one (provenance only: association
    totals follow the settlement relationships); ``month`` is the first day of the month;
    ``amount_cents`` is in EUR cents (negative for credit notes); ``currency`` and
    ``amount_original`` keep what was delivered. One row per (party, month, settled_by, source,
    reference): recording the same key again replaces the figure. Every write keeps
    :class:`RevenueYear` in step in the same transaction (``revenue.actions``).
    """

    # No plain foreign-key indexes on this, the largest table: (party, month, amount) and the
    # partial settled index serve every lookup, and each index dropped speeds bulk loads.
    party = models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,
        related_name="revenue_months",
        verbose_name=_("customer"),
        db_index=False,
    )
    settled_by = models.ForeignKey(
        "parties.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="settled_revenue_months",
        verbose_name=_("settled by"),
        db_index=False,
    )
    month = models.DateField(_("month"))
    amount_cents = models.BigIntegerField(_("amount (EUR cents)"))
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    amount_original = models.DecimalField(
        _("amount in original currency"), max_digits=16, decimal_places=2
    )
    source = models.CharField(
        _("source"), max_length=16, choices=RevenueSource.choices, default=RevenueSource.MANUAL
    )
    reference = models.CharField(_("document reference"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("monthly revenue")
        verbose_name_plural = _("monthly revenue")
        # By the column: ordering by "party" joins the party table into every query.
        ordering = ["party_id", "month", "id"]
        indexes = [
            # Covers the amount so that group sums over months read the index alone.
            models.Index(fields=["party", "month", "amount_cents"], name="revenue_party_month"),
            models.Index(
                fields=["settled_by", "month"],
                name="revenue_settled_month",
                condition=Q(settled_by__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "month", "source", "reference"],
                condition=Q(settled_by__isnull=True),
                name="revenue_month_unique_direct",
            ),
            models.UniqueConstraint(
                fields=["party", "month", "settled_by", "source", "reference"],
                condition=Q(settled_by__isnull=False),
                name="revenue_month_unique_settled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_id} {self.month:%Y-%m} {self.amount_cents / 100:.2f} EUR"


# The yearly aggregate's month columns, January to December (``RevenueYear.m01`` ...).
MONTH_COLUMNS = tuple(f"m{n:02d}" for n in range(1, 13))


def _month_field(n: int) -> models.BigIntegerField:
    return models.BigIntegerField(
        format_lazy(_("{month} (EUR cents)"), month=MONTHS[n]), null=True, blank=True
    )


class RevenueYear(models.Model):
    """Pre-aggregate: one party's revenue in one calendar year, in EUR cents, with its months.

    Contract: a row exists for (party, year) exactly when the party has at least one
    :class:`RevenueMonth` row in that year; ``amount_cents`` is the sum of those rows and
    ``m01`` ... ``m12`` the sums of each month's rows, NULL for a month without any row (so
    a month whose figures cancel out to 0 stays apart from a month without figures, as it
    does in the monthly rows). Written only by ``revenue.aggregates`` (through the actions,
    ``revenue.bulk`` and the merges) in the same transaction as the monthly rows; ``verbund
    check revenue`` verifies it (``selectors.verify_aggregates``). See decision 0032.
    """

    party = models.ForeignKey(
        "parties.Party",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("party"),
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount_cents = models.BigIntegerField(_("amount (EUR cents)"), default=0)
    # The months on the year's row: a group's monthly figures for whole years read one row
    # per member instead of twelve monthly rows (decision 0032).
    m01 = _month_field(1)
    m02 = _month_field(2)
    m03 = _month_field(3)
    m04 = _month_field(4)
    m05 = _month_field(5)
    m06 = _month_field(6)
    m07 = _month_field(7)
    m08 = _month_field(8)
    m09 = _month_field(9)
    m10 = _month_field(10)
    m11 = _month_field(11)
    m12 = _month_field(12)

    class Meta:
        verbose_name = _("yearly revenue")
        verbose_name_plural = _("yearly revenue")
        constraints = [
            models.UniqueConstraint(fields=["year", "party"], name="revenue_year_unique")
        ]
        # (party, year, amount): group sums over the closure read this index alone. The
        # second one holds the months as well, so that a group's months for a year read one
        # index entry per member (no table row); totals keep the narrow one, which scans
        # faster (top groups: 20 % less CPU than over the wide one, decision 0032).
        indexes = [
            models.Index(fields=["party", "year", "amount_cents"], name="revenue_year_party"),
            models.Index(
                fields=["party", "year", "amount_cents", *MONTH_COLUMNS],
                name="revenue_year_months",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_id} {self.year} {self.amount_cents / 100:.2f} EUR"


class InvoiceLine(models.Model):
    """A raw invoice line, kept optionally beside the monthly figures it was aggregated into.

    Contract: loading lines (``actions.do_load_invoice_lines``) replaces the monthly rows of
    source ``lines`` for every (party, month) touched with the sums of all stored lines;
    roll-ups never read this table at request time.
    """

    party = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    settled_by = models.ForeignKey(
        "parties.Party",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("settled by"),
    )
    invoice_date = models.DateField(_("invoice date"))
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    amount_cents = models.BigIntegerField(_("amount (EUR cents)"))
    document = models.CharField(_("document number"), max_length=128)
    line = models.PositiveIntegerField(_("line"), default=1)
    created_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.UniqueConstraint(fields=["document", "line"], name="revenue_invoice_line_unique")
        ]
        indexes = [models.Index(fields=["party", "invoice_date"], name="revenue_line_party_date")]

    def __str__(self) -> str:
        return f"{self.document}/{self.line}"
