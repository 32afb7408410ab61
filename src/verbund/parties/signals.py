"""Signals the parties writes send, inside their transaction, for other domains to react.

``party_saved(sender, party, created, changed_fields, actor)`` after a create or update by
the actions; receivers (screening, duplicate index) must do their own writes through their
own actions.

``bulk_loaded(sender, party_ids, relationship_ids, action, links_changed)`` after a bulk write
(``relationships.bulk.do_bulk_load``, an ERP import or sync batch), instead of one
``party_saved`` per row: ``party_ids`` are the ranges of parties created or changed,
``relationship_ids`` the ranges of links written by the loader, ``links_changed`` whether any
link was created or ended (imports end links, which no range lists). Receivers that keep
derived data (sanctions screening, ownership flags) schedule their work after commit.

``tag_renamed(sender, old, new, actor)`` after a tag is renamed or merged into another
(``do_rename_tag``): what names the tag ``old`` (a saved selection's filter) names ``new``.
"""

from django.dispatch import Signal

party_saved = Signal()
bulk_loaded = Signal()
tag_renamed = Signal()
