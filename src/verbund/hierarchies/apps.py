from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class HierarchiesConfig(VerbundAppConfig):
    default = True
    name = "verbund.hierarchies"
    label = "hierarchies"
    verbose_name = _("Hierarchies")
    role_permissions: dict[str, list[str]] = {}
