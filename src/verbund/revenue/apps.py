from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class RevenueConfig(VerbundAppConfig):
    default = True
    name = "verbund.revenue"
    label = "revenue"
    verbose_name = _("Revenue")
    # Viewers read every figure; editors and stewards (who inherit from editor) write them.
    role_permissions: dict[str, list[str]] = {
        "viewer": [
            "view_revenuemonth",
            "view_revenueyear",
            "view_currencyrate",
            "view_invoiceline",
        ],
        "editor": [
            "add_revenuemonth",
            "change_revenuemonth",
            "delete_revenuemonth",
            "add_currencyrate",
            "change_currencyrate",
            "add_invoiceline",
        ],
    }
