from typing import Any

from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class RelationshipsConfig(VerbundAppConfig):
    default = True
    name = "verbund.relationships"
    label = "relationships"
    verbose_name = _("Relationships")
    role_permissions = {
        "viewer": ["view_relationship", "view_relationshiptype"],
        "editor": ["add_relationship", "change_relationship"],
        "steward": ["add_relationshiptype", "change_relationshiptype", "delete_relationshiptype"],
    }

    def ready(self) -> None:
        post_migrate.connect(
            ensure_builtin_types, sender=self, dispatch_uid="verbund.builtin_types"
        )


def ensure_builtin_types(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    """Create any missing built-in relationship type (never overwriting the users' edits).

    The data migration creates them once; this also restores them after a database flush
    (as tests that commit do), so every database always has them.
    """
    from verbund.relationships.builtin import BUILTIN_TYPES
    from verbund.relationships.models import RelationshipType

    existing = set(RelationshipType.objects.using(using).values_list("key", flat=True))
    for spec in BUILTIN_TYPES:
        if spec["key"] not in existing:
            RelationshipType.objects.using(using).create(**spec, builtin=True)
