from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class QualityConfig(VerbundAppConfig):
    default = True
    name = "verbund.quality"
    label = "quality"
    verbose_name = _("Data quality")
    role_permissions: dict[str, list[str]] = {}
