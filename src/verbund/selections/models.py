"""Selections (Selektionen): the party list's filters saved under a name.

A selection stores the query parameters of the party list and of ``/api/v1/parties/`` as they
were given (``filters``: name -> value, or a list of values for a repeated parameter), checked
by ``rules.clean_filters`` against the one party FilterSet. Running it is filtering the
parties with them again: a selection is a saved question, not a saved list of parties.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _empty_filters() -> dict[str, object]:
    return {}


class Selection(models.Model):
    """A named set of party filters, private to its owner or shared with one role.

    Contract: ``name`` is unique per owner; ``filters`` passed ``rules.clean_filters``
    (only names the party FilterSet knows, every value valid when saved); ``shared_with``
    is a role (a Django group) whose members may open and run the selection, None for
    private. Only the owner changes or deletes it.
    """

    name = models.CharField(_("name"), max_length=200)
    filters = models.JSONField(_("filters"), default=_empty_filters, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    shared_with = models.ForeignKey(
        "auth.Group",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("shared with role"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("selection")
        verbose_name_plural = _("selections")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="selection_owner_name_unique")
        ]
        indexes = [models.Index(fields=["shared_with", "name"], name="selection_shared")]

    def __str__(self) -> str:
        return self.name
