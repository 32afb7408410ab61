"""Relationship types (unlimited, user-defined) and dated relationships between parties."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The open ends of a validity interval, for comparisons.
MIN_DATE = dt.date(1, 1, 1)
MAX_DATE = dt.date(9999, 12, 31)


class Structure(models.TextChoices):
    NETWORK = "network", _("Network (any links)")
    HIERARCHY = "hierarchy", _("Hierarchy (a tree: one parent, no cycles)")


class KindRule(models.TextChoices):
    ANY = "any", _("Any party")
    ORGANISATION = "organisation", _("Organisations only")
    PERSON = "person", _("Persons only")


class RelationshipType(models.Model):
    """A kind of link between two parties, defined by the users.

    Direction: a relationship reads "from_party <forward label> to_party" and, seen from the
    other side, "to_party <inverse label> from_party". For hierarchy types the from-party is
    the child and the to-party the parent ("Müller GmbH ist Tochtergesellschaft von Müller
    Holding AG"). Symmetric types use the forward label both ways.
    """

    key = models.SlugField(_("key"), max_length=64, unique=True)
    label_forward_de = models.CharField(_("forward label (German)"), max_length=100)
    label_forward_en = models.CharField(_("forward label (English)"), max_length=100)
    label_inverse_de = models.CharField(_("inverse label (German)"), max_length=100, blank=True)
    label_inverse_en = models.CharField(_("inverse label (English)"), max_length=100, blank=True)
    name_de = models.CharField(_("name (German)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    symmetric = models.BooleanField(_("symmetric"), default=False)
    structure = models.CharField(
        _("structure"), max_length=16, choices=Structure.choices, default=Structure.NETWORK
    )
    from_kind = models.CharField(
        _("from side may be"), max_length=16, choices=KindRule.choices, default=KindRule.ANY
    )
    to_kind = models.CharField(
        _("to side may be"), max_length=16, choices=KindRule.choices, default=KindRule.ANY
    )
    rolls_up_revenue = models.BooleanField(_("rolls up revenue"), default=False)
    carries_share = models.BooleanField(_("carries ownership share"), default=False)
    active = models.BooleanField(_("active"), default=True)
    builtin = models.BooleanField(_("built in"), default=False, editable=False)
    order = models.PositiveIntegerField(_("order"), default=100)
    colour = models.CharField(_("colour"), max_length=7, default="#4a6fa5")

    class Meta:
        verbose_name = _("relationship type")
        verbose_name_plural = _("relationship types")
        ordering = ["order", "key"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_hierarchy(self) -> bool:
        return self.structure == Structure.HIERARCHY

    def _pick(self, de: str, en: str) -> str:
        return en if (get_language() or "de").startswith("en") and en else de

    @property
    def name(self) -> str:
        return self._pick(self.name_de, self.name_en)

    @property
    def label_forward(self) -> str:
        return self._pick(self.label_forward_de, self.label_forward_en)

    @property
    def label_inverse(self) -> str:
        if self.symmetric:
            return self.label_forward
        return self._pick(self.label_inverse_de, self.label_inverse_en) or self.label_forward

    def label_from(self, forward: bool) -> str:
        """The label as read from one side: forward from the from-party, inverse from the to-party."""
        return self.label_forward if forward else self.label_inverse


class RelationshipSource(models.TextChoices):
    MANUAL = "manual", _("Manual")
    ERP = "erp", _("ERP")
    GLEIF = "gleif", _("GLEIF")
    IMPORT = "import", _("Import")
    DEMO = "demo", _("Demo data")
    SETTLEMENT = "settlement", _("Main address")


class Relationship(models.Model):
    """A typed, dated link between two parties.

    Validity is inclusive on both ends; null means open (since ever / until further notice).
    Ending sets ``valid_to``; history is never overwritten. Symmetric types are stored once,
    with the smaller party id as from-party, and read from both sides.
    """

    # No single-column indexes on the three keys: the composite indexes in Meta lead with each
    # of them and answer the same lookups (and the foreign-key checks), and every index more
    # is one more B-tree to update per link written (a third of a bulk insert into a table
    # that already holds a million links).
    type = models.ForeignKey(
        RelationshipType,
        on_delete=models.PROTECT,
        related_name="relationships",
        db_index=False,
        verbose_name=_("type"),
    )
    from_party = models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,
        related_name="relationships_from",
        db_index=False,
        verbose_name=_("from"),
    )
    to_party = models.ForeignKey(
        "parties.Party",
        on_delete=models.PROTECT,
        related_name="relationships_to",
        db_index=False,
        verbose_name=_("to"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    share = models.DecimalField(
        _("share (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    source = models.CharField(
        _("source"),
        max_length=16,
        choices=RelationshipSource.choices,
        default=RelationshipSource.MANUAL,
    )
    external_ref = models.CharField(_("external reference"), max_length=128, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["from_party", "type"]),
            models.Index(fields=["to_party", "type"]),
            models.Index(fields=["type", "valid_to"]),
            models.Index(fields=["source", "external_ref"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_party=models.F("to_party")), name="relationship_not_self"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="relationship_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(share__isnull=True) | (Q(share__gt=0) & Q(share__lte=100)),
                name="relationship_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_party_id} {self.type.key} {self.to_party_id}"

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from or MIN_DATE) <= day <= (self.valid_to or MAX_DATE)

    @property
    def is_current(self) -> bool:
        return self.is_valid_on(dt.date.today())

    @property
    def has_ended(self) -> bool:
        """Its last day is past (a link that ends later is corrected, not reopened)."""
        return self.valid_to is not None and self.valid_to < dt.date.today()


def valid_on_q(day: dt.date, prefix: str = "") -> Q:
    """Relationships valid on ``day`` (inclusive ends, null = open)."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def overlaps_q(valid_from: dt.date | None, valid_to: dt.date | None) -> Q:
    """Relationships whose validity overlaps [valid_from, valid_to]."""
    q = Q()
    if valid_to is not None:
        q &= Q(valid_from__isnull=True) | Q(valid_from__lte=valid_to)
    if valid_from is not None:
        q &= Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)
    return q
