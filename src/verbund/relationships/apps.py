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
