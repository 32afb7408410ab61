from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class ComplianceConfig(VerbundAppConfig):
    default = True
    name = "verbund.compliance"
    label = "compliance"
    verbose_name = _("Compliance")
    role_permissions: dict[str, list[str]] = {}
