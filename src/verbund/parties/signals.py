"""Signals the parties actions send, inside their transaction, for other domains to react.

``party_saved(sender, party, created, changed_fields, actor)`` after a create or update;
receivers (screening, duplicate index) must do their own writes through their own actions.
"""

from django.dispatch import Signal

party_saved = Signal()
