from django.utils.translation import gettext_lazy as _

from verbund.core.apps import VerbundAppConfig


class DemoConfig(VerbundAppConfig):
    """The demo data: ``verbund demo`` and the small fixed world of the screenshots. No models."""

    default = True
    name = "verbund.demo"
    label = "demo"
    verbose_name = _("Demo data")
