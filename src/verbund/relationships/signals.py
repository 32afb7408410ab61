"""Signals the relationship writes send, inside their transaction, for other domains to react.

``relationship_saved(sender, relationship, action, actor)`` after ``relationships.actions``
created, changed, ended or re-pointed one link; ``action`` is its audit action
(``relationship.create``, ``.update``, ``.end``, ``.reassign``). Every single-link write goes
through those actions (links are ended, never deleted), so this is the one hook; bulk writes
send ``parties.signals.bulk_loaded`` with ``links_changed`` instead. Receivers (ownership flags)
must do their own writes through their own actions, after commit.
"""

from django.dispatch import Signal

relationship_saved = Signal()
