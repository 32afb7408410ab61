from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class PartiesConfig(VerbundAppConfig):
    default = True
    name = "verbund.parties"
    label = "parties"
    verbose_name = _("Parties")
    role_permissions = {
        "viewer": ["view_party", "view_tag"],
        "editor": ["add_party", "change_party", "add_tag", "change_tag"],
        "steward": ["delete_tag"],
    }
