"""The closure table: the current structure of every hierarchy type, ready for index lookups."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClosureKeys(models.Model):
    """The type, ancestor and descendant of a closure row, today's or dated."""

    # No single-column FK indexes: each table's composite indexes serve every read, and each
    # extra index would slow the bulk rebuild and every move. No database FK constraints either:
    # the rows are derived, parties are never deleted (archived or merged), and on PostgreSQL
    # each inserted row would queue four deferred trigger checks (18 million for a rebuild at a
    # million parties, run at COMMIT). `verbund check hierarchies` verifies the rows.
    type = models.ForeignKey(
        "relationships.RelationshipType",
        db_index=False,
        db_constraint=False,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("type"),
    )
    ancestor = models.ForeignKey(
        "parties.Party",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("ancestor"),
    )
    descendant = models.ForeignKey(
        "parties.Party",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("descendant"),
    )

    class Meta:
        abstract = True


class ClosureEntry(ClosureKeys):
    """One (ancestor, descendant, depth) pair of a hierarchy type, for the structure valid TODAY.

    Contract:
    - For every relationship of a hierarchy type valid on ``ClosureState.as_of`` (which the
      engine keeps equal to today), every ancestor of its child is stored with every member
      of the child's subtree; ``depth`` is the number of links between them.
    - Every party with at least one link of the type valid today has its depth-0 self row.
    - Kept exactly in step with the relationships by ``verbund.hierarchies.engine`` inside the
      writing transaction; written by nothing else (bulk loads call ``rebuild_closure``).
    - ``parent`` is the descendant's parent today and ``child_count`` the number of its
      children today, each the same on all of the descendant's rows.
    - Subtree reads use the index (type, ancestor, depth, descendant, parent, child_count),
      ancestor reads the index (type, descendant, depth, ancestor): both answer from the index
      alone. The second also finds the rows a move deletes: a subtree member's rows deeper
      than its own depth below the subtree root.
    - At most one row per (type, ancestor, descendant): kept by the engine, not by an index.
      The party list's member filters join these rows (``closure_as_member``), so a duplicate
      would list a party twice; `verbund check hierarchies` counts rows and reports one.
    """

    # Named from the party's side, so that a filter on parties joins today's closure rows with
    # the public ORM (``selections.selectors.members_q``: on SQLite an inner join reads the
    # members as the raw query does, where ``id IN (subquery)`` first builds a temporary index
    # of their ids). No column or index changes.
    descendant = models.ForeignKey(
        "parties.Party",
        on_delete=models.CASCADE,
        related_name="closure_as_member",
        db_index=False,
        db_constraint=False,
        verbose_name=_("descendant"),
    )
    depth = models.PositiveIntegerField(_("depth"))
    # The descendant's parent today (null for a root), repeated on each of its rows so that a
    # whole group with its tree shape comes from one index range, without a join per member.
    parent = models.ForeignKey(
        "parties.Party",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
        verbose_name=_("parent"),
    )
    # The descendant's number of children today, repeated on each of its rows like ``parent``:
    # a tree level or a whole group comes with every node's child count from the same index
    # range, instead of one count per node. The database default fills the self rows the
    # engine inserts for parties that have no children yet.
    child_count = models.PositiveIntegerField(_("child count"), default=0, db_default=0)

    class Meta:
        verbose_name = _("closure entry")
        verbose_name_plural = _("closure entries")
        # No unique constraint on (type, ancestor, descendant) either: its index cost more than
        # a third of a subtree move on PostgreSQL (every inserted pair probes it). The engine,
        # which alone writes here, deletes before it inserts under the type's writer lock; the
        # rebuild stops at a cycle itself, and `verbund check hierarchies` reports a duplicate.
        indexes = [
            models.Index(
                fields=["type", "ancestor", "depth", "descendant", "parent", "child_count"],
                name="closure_subtree",
            ),
            models.Index(
                fields=["type", "descendant", "depth", "ancestor"], name="closure_ancestors"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type_id}: {self.ancestor_id} > {self.descendant_id} ({self.depth})"


class ClosureState(models.Model):
    """The day the closure of one hierarchy type describes.

    Contract: the closure rows of ``type`` equal the transitive closure of the relationships
    valid on ``as_of``. When the calendar moves on, ``engine.ensure_fresh`` (called lazily by
    every selector and writer, and by ``verbund hierarchy refresh`` from cron) replays only the
    relationships whose validity starts or ends between ``as_of`` and today. A type without a
    state row has never been built: the engine rebuilds it before first use.
    """

    type = models.OneToOneField(
        "relationships.RelationshipType",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("type"),
    )
    as_of = models.DateField(_("closure as of"), default=dt.date.today)
    rebuilt_at = models.DateTimeField(_("last full rebuild"), null=True, blank=True)

    class Meta:
        verbose_name = _("closure state")
        verbose_name_plural = _("closure states")

    def __str__(self) -> str:
        return f"{self.type_id}: {self.as_of}"


class DatedClosureEntry(ClosureKeys):
    """One stretch of days on which ``descendant`` stood below ``ancestor`` along a hierarchy type.

    Contract (kept by ``verbund.hierarchies.dated`` in the writing transaction, see there):
    - For every path of links of the type from a descendant up to an ancestor whose validities
      overlap, one row with the intersection [valid_from, valid_to], both inclusive; open ends
      are ``MIN_DATE`` / ``MAX_DATE`` so every bound is an index key. No self rows.
    - A pair's rows never overlap (one parent per party per day), so summing over the rows
      that hold a given day counts each member once.
    - Independent of the calendar: no ``as_of``, no replay when the day changes.
    - Reads by subtree and period use (type, ancestor, valid_from, valid_to, descendant), which
      answers them from the index; upkeep deletes by (type, descendant).
    """

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))

    class Meta:
        verbose_name = _("dated closure entry")
        verbose_name_plural = _("dated closure entries")
        indexes = [
            models.Index(
                fields=["type", "ancestor", "valid_from", "valid_to", "descendant"],
                name="dated_closure_subtree",
            ),
            models.Index(fields=["type", "descendant"], name="dated_closure_descendant"),
        ]

    def __str__(self) -> str:
        return f"{self.type_id}: {self.ancestor_id} > {self.descendant_id} ({self.valid_from}-{self.valid_to})"


class GroupSubscription(models.Model):
    """A user follows the changes of a group (#17.3): the group of ``party`` along ``type``,
    that is the subtree of its ultimate parent, resolved whenever the changes are read (the
    group a party belongs to may change; the subscription follows it). The start page lists
    each subscribed group's changes of the last ``SUBSCRIPTION_DAYS`` days."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="group_subscriptions",
        verbose_name=_("user"),
    )
    party = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="+", verbose_name=_("party")
    )
    type = models.ForeignKey(
        "relationships.RelationshipType",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("relationship type"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("group subscription")
        verbose_name_plural = _("group subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "party", "type"], name="group_subscription_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.party_id} ({self.type_id})"
