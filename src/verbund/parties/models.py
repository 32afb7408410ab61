"""Parties: organisations (addresses) and persons (contacts) in one table.

One table, as Odoo's res.partner and CiviCRM's contact do, so that any party relates to any
other with plain foreign keys. A party is never deleted: it is archived, or merged into a
survivor (``merged_into``), where its number and ERP key keep redirecting.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    PERSON = "person", _("Person")


def display_name_of(kind: str, name: str, title: str, first_name: str, last_name: str) -> str:
    """How a party is named (``Party.display_name``), from its values where no model instance
    is at hand (rows read as values): a person by title, first and last name, else the name
    line."""
    if kind == PartyKind.PERSON:
        return " ".join(p for p in (title, first_name, last_name) if p) or name
    return name


class PartyStatus(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    PROSPECT = "prospect", _("Prospect")
    SUPPLIER = "supplier", _("Supplier")
    PARTNER = "partner", _("Partner")
    FORMER_CUSTOMER = "former_customer", _("Former customer")
    BLOCKED = "blocked", _("Blocked")
    OTHER = "other", _("Other")


def tag_key(name: str) -> str:
    """What makes two tags one (``rules.tag_key``, the rule, is this function): the name with
    one space between its words, case-folded, so "a-kunde" is "A-Kunde" and "STRASSE" is
    "Straße". Here, below the rules, because ``Tag.save`` stores it as ``Tag.key``, the column
    the database keeps unique: the rule and the constraint are one function (decision 0067)."""
    return " ".join(name.split()).casefold()


# A case-folded character may become three ("ﬃ" -> "ffi"): room for the longest key of a name.
TAG_KEY_LIMIT = 3 * 64


class Tag(models.Model):
    """A free label on parties (e.g. "A-Kunde", "Messe 2026").

    ``key`` is the name folded (``tag_key``), derived on every save and unique: two requests
    creating "Messe" and "messe" at the same moment cannot both store theirs (the database's
    own case folding would not do: SQLite's ``lower()`` folds ASCII letters only)."""

    name = models.CharField(_("name"), max_length=64, unique=True)
    key = models.CharField(_("key"), max_length=TAG_KEY_LIMIT, editable=False)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["key"], name="tag_key_unique")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.key = tag_key(self.name)
        fields = kwargs.get("update_fields")
        if fields is not None and "name" in fields:
            kwargs["update_fields"] = {*fields, "key"}
        super().save(*args, **kwargs)


def _choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of ``value`` in the reader's language; an unknown value as it is."""
    member = choices._value2member_map_.get(value)
    return str(member.label) if isinstance(member, choices) else str(value)


class Party(models.Model):
    """An organisation or a person.

    Contract: ``number`` is unique and generated when not given; ``(erp_source, erp_id)`` is
    unique where set; persons carry salutation, names, position and their organisation.
    ``search_text`` and ``phonetic`` are derived from the names and address by the actions
    module and are what search and duplicate blocking read.
    """

    kind = models.CharField(
        _("kind"), max_length=16, choices=PartyKind.choices, default=PartyKind.ORGANISATION
    )
    number = models.CharField(_("number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name2 = models.CharField(_("name line 2"), max_length=200, blank=True)
    name3 = models.CharField(_("name line 3"), max_length=200, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=64, blank=True)
    # Person fields
    salutation = models.CharField(_("salutation"), max_length=32, blank=True)
    title = models.CharField(_("title"), max_length=64, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        db_index=False,  # partial index in Meta.indexes
        verbose_name=_("organisation"),
        limit_choices_to={"kind": PartyKind.ORGANISATION},
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Address
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=16, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, default="DE", help_text=_("ISO 3166-1 alpha-2 code")
    )
    # Numbers
    vat_id = models.CharField(_("VAT id"), max_length=32, blank=True)
    lei = models.CharField(_("LEI"), max_length=20, blank=True)
    register_number = models.CharField(_("register number"), max_length=64, blank=True)
    # Contact channels
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), max_length=200, blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    # Classification
    status = models.CharField(
        _("status"), max_length=32, choices=PartyStatus.choices, default=PartyStatus.CUSTOMER
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # partial index in Meta.indexes
        verbose_name=_("responsible"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="parties", verbose_name=_("tags"))
    archived = models.BooleanField(_("archived"), default=False)
    # ERP key: the record's id in a source system.
    erp_source = models.CharField(_("ERP source"), max_length=32, null=True, blank=True)
    erp_id = models.CharField(_("ERP id"), max_length=64, null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        db_index=False,  # partial index in Meta.indexes
        verbose_name=_("merged into"),
    )
    # Derived by the actions module; read by search and duplicate detection.
    search_text = models.CharField(max_length=500, blank=True, editable=False)
    phonetic = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # A sole trader (e.K., Einzelunternehmen) is a person in law: a data subject like a contact
    # (docs/privacy.md). Derived from the legal form (``rules.is_sole_trader``) by every path.
    sole_trader = models.BooleanField(
        _("sole trader"), default=False, db_default=False, editable=False
    )

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["erp_source", "erp_id"],
                name="party_erp_key_unique",
                condition=Q(erp_source__isnull=False, erp_id__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["city"]),
            models.Index(fields=["postcode"]),
            models.Index(fields=["vat_id"]),
            models.Index(fields=["lei"]),
            # The entry-time duplicate check blocks on e-mail addresses.
            models.Index(fields=["email"]),
            models.Index(fields=["status", "id"]),
            models.Index(fields=["kind", "id"]),
            # The parties changed since a time (the delta screening's second pass): without it
            # a scan of every row (0.45 s at a million parties, 0.003 s with it). With the id,
            # the API's ``ordering=-updated_at`` page is read backwards along it (a bulk write
            # gives thousands of rows one time, so a sort of the ties took 1.5 s; decision 0045).
            models.Index(fields=["updated_at", "id"], name="party_updated_at_id"),
            # The archived parties by the time they were archived (data protection's retention
            # review, privacy.selectors.retention_due): a few per cent of the rows, so the
            # review reads them instead of every party changed before the cutoff (836 -> 246 ms
            # at a million parties with ten years of changes, decision 0048).
            models.Index(
                fields=["updated_at"], name="party_archived_updated", condition=Q(archived=True)
            ),
            # Most parties have no organisation, no one responsible and are not merged: these
            # indexes hold only the rows that do (a first load of a million rows builds them in
            # no time instead of 0.35 s each), and every look-up by the key still uses them.
            models.Index(
                fields=["organisation"],
                name="party_organisation",
                condition=Q(organisation__isnull=False),
            ),
            models.Index(
                fields=["responsible"],
                name="party_responsible",
                condition=Q(responsible__isnull=False),
            ),
            models.Index(
                fields=["merged_into"],
                name="party_merged_into",
                condition=Q(merged_into__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.number})"

    @property
    def display_name(self) -> str:
        return display_name_of(self.kind, self.name, self.title, self.first_name, self.last_name)

    # Django's get_FOO_display builds a dict of every choice per call, translating each label
    # to hash it: a tenth of the party list's rendering. These look the one value up.
    def get_status_display(self) -> str:  # type: ignore[no-redef]
        return _choice_label(PartyStatus, self.status)

    def get_kind_display(self) -> str:  # type: ignore[no-redef]
        return _choice_label(PartyKind, self.kind)

    @property
    def is_person(self) -> bool:
        return self.kind == PartyKind.PERSON

    @property
    def erp_key(self) -> str:
        return f"{self.erp_source}:{self.erp_id}" if self.erp_source and self.erp_id else ""


class ErasedKey(models.Model):
    """An ERP key whose party's personal data was erased (Art. 17 GDPR, ``verbund.privacy``).

    Remembered here, beside the parties, because the ERP import (which may not know the privacy
    app) refuses rows of these keys until the key is released on purpose
    (``rules.erased_keys``); ``released_at`` set means the ERP may send the key again.
    """

    erp_source = models.CharField(_("ERP source"), max_length=32)
    erp_id = models.CharField(_("ERP id"), max_length=64)
    party_id = models.BigIntegerField(_("party id"))
    erased_at = models.DateTimeField(_("erased"), auto_now_add=True)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    class Meta:
        verbose_name = _("erased ERP key")
        verbose_name_plural = _("erased ERP keys")
        constraints = [
            models.UniqueConstraint(fields=["erp_source", "erp_id"], name="erased_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.erp_source}:{self.erp_id}"
