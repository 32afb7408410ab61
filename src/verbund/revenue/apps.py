from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class RevenueConfig(VerbundAppConfig):
    default = True
    name = "verbund.revenue"
    label = "revenue"
    verbose_name = _("Revenue")
    role_permissions: dict[str, list[str]] = {}
