from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class InterfacesConfig(VerbundAppConfig):
    default = True
    name = "verbund.interfaces"
    label = "interfaces"
    verbose_name = _("Interfaces")
    role_permissions: dict[str, list[str]] = {
        "viewer": ["view_importrun"],
        "steward": ["view_importrun", "add_importrun"],
    }
